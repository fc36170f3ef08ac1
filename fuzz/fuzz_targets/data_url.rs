//! `data:` URL decoding (image `src`, `@font-face` urls) must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = kinema_paint::resources::decode_data_url(&format!("data:{text}"));
        let _ = kinema_paint::resources::display_src(text);
    }
});
