//! Turning command-line inputs into a bundle and props: an entry file or a code file, and
//! `--props` given inline or as `@file`.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use kinema_compose::{Bundle, CodeComposition};

/// Options for a code file (a file exporting one component instead of calling `registerRoot`).
#[derive(Debug, Clone, clap::Args)]
pub struct CodeOptions {
    /// Treat the input as a code file exporting one component (like `inputProps.code` of the
    /// HTTP API) even if it calls registerRoot.
    #[arg(long)]
    pub code: bool,
    /// Duration of a code-file composition, in frames.
    #[arg(long, default_value_t = 150)]
    pub duration: u32,
    /// Frame rate of a code-file composition.
    #[arg(long, default_value_t = 30.0)]
    pub fps: f64,
    /// Width of a code-file composition.
    #[arg(long, default_value_t = 1920)]
    pub width: u32,
    /// Height of a code-file composition.
    #[arg(long, default_value_t = 1080)]
    pub height: u32,
}

/// Loads `input`: a project entry (it calls `registerRoot`) or a code file exporting one
/// component, which is rendered as composition `DynamicComp`.
pub fn load_bundle(input: &Path, code: &CodeOptions) -> Result<Arc<Bundle>> {
    let text = std::fs::read_to_string(input)
        .with_context(|| format!("cannot read {}", input.display()))?;
    let bundle = if code.code || !text.contains("registerRoot") {
        let composition = CodeComposition {
            id: "DynamicComp".into(),
            duration_in_frames: code.duration,
            fps: code.fps,
            width: code.width,
            height: code.height,
        };
        let file_name = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Bundle::from_code_named(&text, &file_name, composition)
    } else {
        Bundle::from_entry(input)
    };
    Ok(Arc::new(bundle.with_context(|| {
        format!("cannot load {}", input.display())
    })?))
}

/// Parses `--props`: a JSON object inline, or `@path` to a JSON file.
pub fn parse_props(props: Option<&str>) -> Result<serde_json::Value> {
    let Some(props) = props else {
        return Ok(serde_json::json!({}));
    };
    let (text, origin) = match props.strip_prefix('@') {
        Some(path) => (
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read props file {path}"))?,
            path.to_string(),
        ),
        None => (props.to_string(), "--props".to_string()),
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{origin} is not valid JSON"))?;
    if !value.is_object() {
        bail!("{origin} must be a JSON object");
    }
    Ok(value)
}
