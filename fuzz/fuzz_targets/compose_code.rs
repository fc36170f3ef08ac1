//! Any code string: transpiling, linking, evaluating and rendering a frame never panics or
//! hangs; failures are error values. Run: `cargo fuzz run compose_code`.
#![no_main]

use std::sync::Arc;
use std::time::Duration;

use kinema_compose::{Bundle, CodeComposition, Engine, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(code) = std::str::from_utf8(data) else { return };
    let limits = Limits { cpu_time: Duration::from_millis(100), memory_bytes: 32 << 20, ..Limits::default() };
    let _ = Bundle::from_code(code, CodeComposition::new(3, 30.0))
        .and_then(|bundle| Engine::new(Arc::new(bundle), limits))
        .and_then(|mut engine| {
            engine.select("DynamicComp", &serde_json::json!({}))?;
            engine.render_frame(1)
        });
});
