//! The render threads of one command (`kinema render`, its image sequences and its sound-only
//! renders): they share a chunk queue, a stop flag and the earliest frame that failed, and the
//! command's own thread supervises them.
//!
//! After a frame fails, the threads at frames before it go on, since an earlier frame may fail
//! too and the earliest is the one to report (the one to fix first); those past it stop. A
//! failure at no frame (an encoder that would not start) or a signal stops them all.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;

use anyhow::{Context, Result};

use crate::chunk_queue::ChunkQueue;
use crate::render::{Interrupted, interrupt};

/// A render thread's failure, with the frame it was on (`None`: not at a frame, such as an
/// encoder that would not start).
pub(crate) type Failure = (Option<u32>, anyhow::Error);

/// What every render thread of a command holds: the queue of chunks and the signals between
/// the threads.
#[derive(Clone)]
pub(crate) struct Crew {
    pub queue: Arc<ChunkQueue>,
    stop: Arc<AtomicBool>,
    /// The earliest frame that failed (`u32::MAX`: none yet).
    failed_at: Arc<AtomicU32>,
    failures: mpsc::Sender<Failure>,
}

impl Crew {
    /// Whether every thread is to stop now.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Whether a thread is to leave `frame` (and the frames after it) unrendered: all stop, or
    /// a frame before it failed.
    pub fn past_failure(&self, frame: u32) -> bool {
        self.stopped() || frame > self.failed_at.load(Ordering::SeqCst)
    }

    /// Hands a thread's failure to [`Workers::supervise`]. One at a frame marks the earliest
    /// frame that failed; one at no frame stops every thread.
    pub fn fail(&self, (at_frame, error): Failure) {
        match at_frame {
            Some(frame) => {
                if self.failed_at.fetch_min(frame, Ordering::SeqCst) == u32::MAX {
                    tracing::warn!(
                        "frame {frame} failed; the frames before it still rendering finish \
                         first, to find the earliest that fails (Ctrl-C stops)"
                    );
                }
            }
            None => self.stop.store(true, Ordering::SeqCst),
        }
        let _ = self.failures.send((at_frame, error));
    }

    /// Runs `work(frame, position)` on each frame thread `worker` takes from the queue, chunk
    /// by chunk, frame `first_frame + position`, until the queue is empty or a failure or
    /// signal stops it. `at_frame` holds the frame `work` was on when it failed.
    pub fn each_frame(
        &self,
        worker: usize,
        first_frame: u32,
        at_frame: &mut Option<u32>,
        mut work: impl FnMut(u32, u32) -> Result<()>,
    ) -> Result<()> {
        while let Some(span) = self.queue.take(worker) {
            if self.past_failure(first_frame + span.first) {
                break;
            }
            while let Some(position) = self.queue.next_frame(worker) {
                let frame = first_frame + position;
                if self.past_failure(frame) {
                    return Ok(());
                }
                *at_frame = Some(frame);
                work(frame, position)?;
                *at_frame = None;
            }
            self.queue.finish(worker);
        }
        Ok(())
    }
}

/// A command's render threads, started one by one and then supervised.
pub(crate) struct Workers {
    crew: Crew,
    failures: mpsc::Receiver<Failure>,
    threads: Vec<JoinHandle<()>>,
}

impl Workers {
    pub fn new(queue: ChunkQueue) -> Workers {
        let (failures_tx, failures) = mpsc::channel();
        Workers {
            crew: Crew {
                queue: Arc::new(queue),
                stop: Arc::new(AtomicBool::new(false)),
                failed_at: Arc::new(AtomicU32::new(u32::MAX)),
                failures: failures_tx,
            },
            failures,
            threads: Vec::new(),
        }
    }

    /// What a thread about to start takes with it.
    pub fn crew(&self) -> Crew {
        self.crew.clone()
    }

    /// Starts a thread named `name`. Where one cannot be started, the others are stopped and
    /// waited for before the error returns.
    pub fn start(&mut self, name: String, work: impl FnOnce() + Send + 'static) -> Result<()> {
        match std::thread::Builder::new().name(name).spawn(work) {
            Ok(thread) => {
                self.threads.push(thread);
                Ok(())
            }
            Err(e) => {
                self.crew.stop.store(true, Ordering::SeqCst);
                for thread in self.threads.drain(..) {
                    let _ = thread.join();
                }
                Err(e).context("cannot start a worker thread")
            }
        }
    }

    /// Follows the threads until all have ended: a signal stops them, `tick` runs every tenth
    /// of a second (progress bars). The error to report is the interruption, else the earliest
    /// frame's failure (the one to fix first: a later frame may fail for the same reason),
    /// else the first failure at no frame.
    pub fn supervise(self, mut tick: impl FnMut()) -> Result<()> {
        let Workers {
            crew,
            failures,
            threads,
        } = self;
        let stop = crew.stop.clone();
        // The threads hold the other senders: the channel closes as the last one ends.
        drop(crew);
        let mut failed = Vec::new();
        loop {
            if interrupt::requested() {
                stop.store(true, Ordering::SeqCst);
            }
            match failures.recv_timeout(std::time::Duration::from_millis(100)) {
                Ok(failure) => failed.push(failure),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            tick();
        }
        for thread in threads {
            let _ = thread.join();
        }
        if let Some(signal) = interrupt::requested_by() {
            return Err(Interrupted(signal).into());
        }
        match failed
            .into_iter()
            .enumerate()
            .min_by_key(|(order, (frame, _))| (frame.unwrap_or(u32::MAX), *order))
        {
            Some((_, (_, e))) => Err(e),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk_queue::even_spans;

    #[test]
    fn the_earliest_frame_that_failed_is_reported() {
        let mut workers = Workers::new(ChunkQueue::new(even_spans(30, 3), 3, None));
        for worker in 0..3 {
            let crew = workers.crew();
            workers
                .start(format!("test-{worker}"), move || {
                    let mut at_frame = None;
                    let result = crew.each_frame(worker, 100, &mut at_frame, |frame, _| {
                        if frame % 10 == 5 {
                            anyhow::bail!("frame {frame} broke");
                        }
                        Ok(())
                    });
                    if let Err(e) = result {
                        crew.fail((at_frame, e));
                    }
                })
                .unwrap();
        }
        let err = workers.supervise(|| {}).unwrap_err();
        assert_eq!(err.to_string(), "frame 105 broke");
    }

    #[test]
    fn a_failure_at_no_frame_stops_every_thread() {
        let mut workers = Workers::new(ChunkQueue::new(even_spans(1000, 2), 2, None));
        let crew = workers.crew();
        workers
            .start("test-fails".into(), move || {
                crew.fail((None, anyhow::anyhow!("no encoder")));
            })
            .unwrap();
        let crew = workers.crew();
        let done = Arc::new(AtomicU32::new(0));
        let counted = done.clone();
        workers
            .start("test-waits".into(), move || {
                // Waits for the stop rather than racing the other thread to the queue.
                while !crew.stopped() {
                    std::thread::yield_now();
                }
                let mut at_frame = None;
                let _ = crew.each_frame(1, 0, &mut at_frame, |_, _| {
                    counted.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                });
            })
            .unwrap();
        let err = workers.supervise(|| {}).unwrap_err();
        assert_eq!(err.to_string(), "no encoder");
        assert_eq!(done.load(Ordering::SeqCst), 0);
    }
}
