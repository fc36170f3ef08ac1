//! Painting arbitrary element trees (decoded from JSON) must never panic: every tree is either
//! painted or rejected with an error.
#![no_main]

use std::cell::RefCell;

use kinema_compose::FrameTree;
use kinema_paint::{BlitzRenderer, FrameRenderer, PaintOptions};
use libfuzzer_sys::fuzz_target;

thread_local! {
    // One renderer, as on a render thread: later inputs are diffs from earlier ones.
    static RENDERER: RefCell<BlitzRenderer> = RefCell::new({
        let mut options = PaintOptions::default();
        options.resources.allow_remote = false;
        BlitzRenderer::new(options).expect("renderer")
    });
}

fuzz_target!(|data: &[u8]| {
    let Ok(mut tree) = serde_json::from_slice::<FrameTree>(data) else {
        return;
    };
    // Keep frames small so the fuzzer explores trees, not pixel counts.
    tree.width = tree.width.clamp(1, 64);
    tree.height = tree.height.clamp(1, 64);
    RENDERER.with(|r| {
        let _ = r.borrow_mut().render(&tree);
    });
});
