//! Decoding element-tree JSON (the compose → paint contract) never panics, and what decodes
//! re-encodes to an equal value. Run: `cargo fuzz run element_tree_json`.
#![no_main]

use kinema_compose::FrameTree;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(tree) = serde_json::from_slice::<FrameTree>(data) {
        let again = serde_json::to_vec(&tree).expect("encodes");
        let back: FrameTree = serde_json::from_slice(&again).expect("re-decodes");
        assert_eq!(back, tree);
    }
});
