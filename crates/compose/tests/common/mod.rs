//! Helpers shared by the compose integration tests.

use std::sync::Arc;

use kinema_compose::{Bundle, CodeComposition, Engine, Limits};
use serde_json::json;

/// An engine running `code` as a `duration`-frame composition at 30 fps, selected.
pub fn engine(code: &str, duration: u32) -> Engine {
    let bundle = Bundle::from_code(code, CodeComposition::new(duration, 30.0))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut engine =
        Engine::new(Arc::new(bundle), Limits::default()).unwrap_or_else(|e| panic!("{e}"));
    engine
        .select("DynamicComp", &json!({}))
        .unwrap_or_else(|e| panic!("{e}"));
    engine
}

/// The error rendering the first frame of a one-frame composition of `code` gives.
#[allow(dead_code)] // not every test file uses it
pub fn first_frame_error(code: &str) -> String {
    engine(code, 1).render_frame(0).unwrap_err().to_string()
}
