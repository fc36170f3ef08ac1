//! The HTTP API's request parsers and the server's settings on arbitrary bytes: they answer
//! with a value or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = kinema_server::request::parse_render(data);
    let _ = kinema_server::request::parse_still(data, "png");
    let _ = kinema_server::request::parse_progress(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = kinema_server::ServerConfig::from_sources(Some(("kinema.toml", text)), &[]);
        let _ = kinema_server::config::parse_byte_size(text);
    }
});
