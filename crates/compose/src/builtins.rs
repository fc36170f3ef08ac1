//! Modules Kinema provides itself: React, Remotion and its packages, and the runtime's internals.
//! They are plain JavaScript (no transpiling) embedded in the binary.

use std::borrow::Cow;

use crate::google_fonts;

/// `(module name, source)` of every built-in module (and `@remotion/google-fonts`' modules,
/// made from its table).
const MODULES: &[(&str, &str)] = &[
    ("react", include_str!("../runtime/react.js")),
    (
        "react/jsx-runtime",
        include_str!("../runtime/jsx-runtime.js"),
    ),
    (
        "react/jsx-dev-runtime",
        include_str!("../runtime/jsx-runtime.js"),
    ),
    ("remotion", include_str!("../runtime/remotion.js")),
    ("@remotion/shapes", include_str!("../runtime/shapes.js")),
    ("@remotion/noise", include_str!("../runtime/noise.js")),
    (
        "@remotion/fonts",
        "export { loadLocalFont as loadFont } from 'kinema:fonts';",
    ),
    (
        "@remotion/paths",
        "export { evolvePath, getBoundingBox, getLength, getPointAtLength, getSubpaths, \
         getTangentAtLength, normalizePath, parsePath, reduceInstructions, resetPath, \
         serializeInstructions, translatePath } from 'kinema:paths';",
    ),
    (
        "@remotion/transitions",
        include_str!("../runtime/transitions.js"),
    ),
    (
        "@remotion/transitions/fade",
        "export { fade } from '@remotion/transitions';",
    ),
    (
        "@remotion/transitions/slide",
        "export { slide } from '@remotion/transitions';",
    ),
    (
        "@remotion/transitions/wipe",
        "export { wipe } from '@remotion/transitions';",
    ),
    (
        "@remotion/transitions/flip",
        "export { flip } from '@remotion/transitions';",
    ),
    (
        "@remotion/transitions/clock-wipe",
        "export { clockWipe } from '@remotion/transitions';",
    ),
    (
        "@remotion/transitions/none",
        "export { none } from '@remotion/transitions';",
    ),
    ("kinema:math", include_str!("../runtime/math.js")),
    ("kinema:paths", include_str!("../runtime/paths.js")),
    ("kinema:render", include_str!("../runtime/render.js")),
    ("kinema:state", include_str!("../runtime/state.js")),
    ("kinema:host", include_str!("../runtime/host.js")),
    ("kinema:intl", include_str!("../runtime/intl.js")),
    ("kinema:events", include_str!("../runtime/events.js")),
    ("kinema:fonts", include_str!("../runtime/fonts.js")),
    ("kinema:fetch", include_str!("../runtime/fetch.js")),
    ("kinema:timers", include_str!("../runtime/timers.js")),
];

/// The source of a built-in module.
pub fn source(name: &str) -> Option<Cow<'static, str>> {
    if let Some((_, source)) = MODULES.iter().find(|(n, _)| *n == name) {
        return Some(Cow::Borrowed(source));
    }
    google_fonts::module_source(name).map(Cow::Owned)
}

/// Whether `name` is a built-in module.
pub fn is_builtin(name: &str) -> bool {
    MODULES.iter().any(|(n, _)| *n == name) || google_fonts::is_module(name)
}

/// Public built-in package names, for error messages.
pub fn public_names() -> Vec<&'static str> {
    MODULES
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !n.starts_with("kinema:"))
        .chain(["@remotion/google-fonts", "@remotion/google-fonts/<Font>"])
        .collect()
}
