//! Chunk encoders flushing their last frames in the background.
//!
//! When a render thread has written a chunk's last frame, the encoder is not done: x264 holds
//! its lookahead (about 40 frames at `medium`, over a second of work) and encodes it only on
//! flush. The flush runs on a thread of its own, so the render thread can claim its next frames
//! at once (taking them from a longer chunk, which then ends sooner; see
//! [`crate::chunk_queue`]), and the last chunks' flushes overlap instead of one core idling
//! through the last. The thread starts its next encoder only once the flush has ended
//! ([`Finishing::wait`]): a second x264 of its own would only share the cores with the first,
//! and each holds 200–400 MB at 1080p (three at once made medium renders both larger and
//! slower).

use std::thread::JoinHandle;

use anyhow::{Context, Result, anyhow};
use kinema_encode::{EncodeError, VideoEncoder};

use crate::chunk_queue::Span;

/// The flushes one render thread has started.
#[derive(Default)]
pub struct Finishing {
    running: Vec<(Span, JoinHandle<Result<u64, EncodeError>>)>,
}

impl Finishing {
    /// Flush `encoder`, which has been given every frame of `span`, on a thread of its own.
    pub fn start(&mut self, encoder: Box<dyn VideoEncoder>, span: Span) -> Result<()> {
        let handle = std::thread::Builder::new()
            .name("kinema-flush".into())
            .spawn(move || {
                let result = encoder.finish();
                tracing::debug!("chunk of frames {}-{} flushed", span.first, span.last);
                result
            })
            .context("cannot start a thread to finish encoding a chunk")?;
        self.running.push((span, handle));
        Ok(())
    }

    /// Wait for every flush; the first error, after all have ended.
    pub fn wait(&mut self) -> Result<()> {
        let mut first = Ok(());
        for flush in self.running.drain(..) {
            if let Err(e) = join(flush)
                && first.is_ok()
            {
                first = Err(e);
            }
        }
        first
    }
}

fn join((span, handle): (Span, JoinHandle<Result<u64, EncodeError>>)) -> Result<()> {
    let context = || {
        format!(
            "cannot finish encoding the chunk of frames {}-{}",
            span.first, span.last
        )
    };
    handle
        .join()
        .map_err(|_| anyhow!("the encoder thread panicked"))
        .with_context(context)?
        .map(drop)
        .with_context(context)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kinema_encode::RgbaFrame;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::mpsc;

    /// An encoder whose flush waits for the test's word, then succeeds (counting its frame as
    /// encoded) or fails.
    struct Slow {
        fail: bool,
        encoded: Arc<AtomicU64>,
        go: mpsc::Receiver<()>,
    }

    impl VideoEncoder for Slow {
        fn write(&mut self, _: RgbaFrame<'_>) -> Result<(), EncodeError> {
            Ok(())
        }
        fn frames(&self) -> u64 {
            1
        }
        fn encoded(&self) -> Arc<AtomicU64> {
            self.encoded.clone()
        }
        fn finish(self: Box<Self>) -> Result<u64, EncodeError> {
            // A closed channel (the test's sender dropped) lets it go too.
            let _ = self.go.recv();
            if self.fail {
                Err(EncodeError::Io {
                    path: "chunk.ts".into(),
                    reason: "disk full".into(),
                })
            } else {
                self.encoded.fetch_add(1, Ordering::SeqCst);
                Ok(1)
            }
        }
        fn abort(self: Box<Self>) {}
    }

    /// An encoder, and the sender that lets its flush go on.
    fn slow(fail: bool, encoded: &Arc<AtomicU64>) -> (Box<Slow>, mpsc::Sender<()>) {
        let (go, wait) = mpsc::channel();
        let encoder = Box::new(Slow {
            fail,
            encoded: encoded.clone(),
            go: wait,
        });
        (encoder, go)
    }

    fn span(first: u32, last: u32) -> Span {
        Span { first, last }
    }

    #[test]
    fn flushes_run_in_the_background() {
        let encoded = Arc::new(AtomicU64::new(0));
        let mut finishing = Finishing::default();
        let (first, go_first) = slow(false, &encoded);
        let (second, go_second) = slow(false, &encoded);
        finishing.start(first, span(0, 9)).unwrap();
        finishing.start(second, span(10, 19)).unwrap();
        // Starting them did not wait for them: neither can have ended yet.
        assert_eq!(encoded.load(Ordering::SeqCst), 0);
        assert_eq!(finishing.running.len(), 2);
        go_first.send(()).unwrap();
        go_second.send(()).unwrap();
        finishing.wait().unwrap();
        assert_eq!(encoded.load(Ordering::SeqCst), 2);
        assert!(finishing.running.is_empty());
    }

    #[test]
    fn a_failed_flush_names_its_frames() {
        let encoded = Arc::new(AtomicU64::new(0));
        let mut finishing = Finishing::default();
        let (failing, _) = slow(true, &encoded);
        let (other, _) = slow(false, &encoded);
        finishing.start(failing, span(30, 59)).unwrap();
        finishing.start(other, span(60, 89)).unwrap();
        let error = format!("{:#}", finishing.wait().unwrap_err());
        assert!(error.contains("frames 30-59"), "{error}");
        assert!(error.contains("disk full"), "{error}");
        // The other flush still ran to the end.
        assert_eq!(encoded.load(Ordering::SeqCst), 1);
    }
}
