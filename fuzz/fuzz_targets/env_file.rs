//! `.env` files (`--env-file`, a project's `.env`) are read without panicking: every variable
//! read has a name, and every line skipped is one of the file's. Run: `cargo fuzz run env_file`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let file = kinema_compose::parse_env_file(text);
        assert!(file.variables.keys().all(|name| !name.is_empty()));
        let lines = text.split('\n').count();
        assert!(file.skipped.iter().all(|s| (1..=lines).contains(&s.line)));
    }
});
