//! Which frames each render thread encodes next, for a render on this machine.
//!
//! Every chunk is its own encoder (starting ffmpeg and x264 costs ~0.2 CPU-seconds), so a local
//! render starts with as few chunks as it has threads. Frames do not cost the same, though: a
//! title card paints in a fraction of the time of a busy grid, and a thread that drew cheap
//! frames would sit idle while another finishes a long chunk. So a thread that runs out of
//! chunks splits the chunk with the most frames left and takes its second half, as long as that
//! half is expected to take long enough to be worth a new encoder. Every chunk is a
//! self-contained file starting with a keyframe, so where the splits fall changes only where
//! the video's keyframes are, never its frames.
//!
//! Frames are counted here as positions in the render (0 is its first frame), not composition
//! frame numbers: with `--every-nth-frame` the two differ.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// An inclusive run of the render's frames: positions `first..=last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub first: u32,
    pub last: u32,
}

impl Span {
    pub fn len(&self) -> u32 {
        self.last - self.first + 1
    }
}

/// `count` frames in `parts` runs whose lengths differ by at most one frame.
pub fn even_spans(count: u32, parts: u32) -> Vec<Span> {
    let parts = parts.clamp(1, count.max(1));
    let (base, extra) = (count / parts, count % parts);
    let mut first = 0;
    (0..parts)
        .filter_map(|i| {
            let len = base + u32::from(i < extra);
            let span = (len > 0).then(|| Span {
                first,
                last: first + len - 1,
            });
            first += len;
            span
        })
        .collect()
}

/// When a chunk is worth splitting, and how much of it to take.
#[derive(Debug, Clone, Copy)]
pub struct SplitPolicy {
    /// Neither half is shorter than this many frames.
    pub min_frames: u32,
    /// The part taken must be expected to take at least this long, at the pace its chunk has
    /// kept so far (a new encoder's start-up must be worth it).
    pub min_duration: Duration,
    /// Frames an encoder holds back until it is flushed (x264's lookahead; see
    /// `EncoderBackend::lag_frames`). A chunk's owner still has those to encode after its last
    /// frame is written, and they cannot move, so the taker takes that much more than half.
    pub encoder_lag: u32,
}

impl SplitPolicy {
    /// For real renders: starting ffmpeg and x264 takes ~0.1 s (wall-clock and CPU), so a
    /// split hands over at least 0.1 s of work; a core that would otherwise idle at the end
    /// gains at least that.
    pub fn local(encoder_lag: u32) -> SplitPolicy {
        SplitPolicy {
            min_frames: 4,
            min_duration: Duration::from_millis(100),
            encoder_lag,
        }
    }
}

/// The chunk a thread is rendering.
#[derive(Debug)]
struct Running {
    first: u32,
    /// The next frame to hand out; `next - first` frames have been handed out.
    next: u32,
    /// May move earlier when another thread takes the rest.
    last: u32,
    started: Instant,
}

impl Running {
    fn frames_left(&self) -> u32 {
        (self.last + 1).saturating_sub(self.next)
    }
}

#[derive(Debug, Default)]
struct State {
    pending: VecDeque<Span>,
    running: Vec<Option<Running>>,
    /// Per thread: frames the encoder of its last finished chunk may still hold (flushing).
    flushing: Vec<u32>,
    finished: Vec<Span>,
    created: usize,
}

/// The chunks of one render, shared by its threads.
#[derive(Debug)]
pub struct ChunkQueue {
    state: Mutex<State>,
    split: Option<SplitPolicy>,
}

impl ChunkQueue {
    /// `chunks` in order, for `threads` threads; `split: None` keeps the chunks as given.
    pub fn new(chunks: Vec<Span>, threads: usize, split: Option<SplitPolicy>) -> ChunkQueue {
        ChunkQueue {
            state: Mutex::new(State {
                created: chunks.len(),
                pending: chunks.into(),
                running: (0..threads).map(|_| None).collect(),
                flushing: vec![0; threads],
                finished: Vec::new(),
            }),
            split,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A thread that panicked holding the lock left consistent state: every update is a
        // single assignment.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next chunk for `thread` (which must have finished its previous one): a planned
    /// chunk, else the second half of the chunk with the most frames left; `None` when nothing
    /// is worth taking.
    pub fn take(&self, thread: usize) -> Option<Span> {
        let mut state = self.lock();
        let span = match state.pending.pop_front() {
            Some(span) => span,
            None => {
                let span = self.split_largest(&mut state, thread);
                match span {
                    Some(span) => tracing::debug!(
                        "thread {thread} takes frames {}-{} from a longer chunk",
                        span.first,
                        span.last
                    ),
                    None => tracing::debug!("thread {thread}: nothing left worth splitting"),
                }
                span?
            }
        };
        state.running[thread] = Some(Running {
            first: span.first,
            next: span.first,
            last: span.last,
            started: Instant::now(),
        });
        Some(span)
    }

    fn split_largest(&self, state: &mut State, taker: usize) -> Option<Span> {
        let policy = self.split?;
        let taker_held = state.flushing[taker];
        // A chunk whose thread has not begun it yet (it may be waiting for its previous
        // encoder's flush) has no pace to judge a split by; where a split needs one, the
        // longest chunk that has begun is taken instead of giving up.
        let needs_pace = !policy.min_duration.is_zero();
        let victim = state
            .running
            .iter_mut()
            .flatten()
            .filter(|running| !needs_pace || running.next > running.first)
            .max_by_key(|running| running.frames_left())?;
        let left = victim.frames_left();
        let done = victim.next - victim.first;
        // The victim's encoder still holds up to `encoder_lag` of the frames it was given, and
        // will encode them on one core after its last frame; the taker's own last encoder
        // holds `taker_held`, which it flushes before encoding the frames it takes. The taker
        // takes what makes the two come out even, up to all the victim's frames left: the
        // victim's chunk then ends with the frame it is on, and its flush overlaps the
        // taker's frames.
        let held = done.min(policy.encoder_lag);
        let taken = ((left + held).saturating_sub(taker_held) / 2).min(left);
        tracing::debug!(
            left,
            done,
            taken,
            taker_held,
            elapsed = ?victim.started.elapsed(),
            "the chunk with the most frames left"
        );
        // (A taker still flushing more than the victim has left takes nothing: it would
        // only trade places with it.)
        if taken < policy.min_frames.max(1) {
            return None;
        }
        // With a minimum duration the victim has begun (`done` ≥ 1), so its pace is known.
        if needs_pace && victim.started.elapsed() / done.max(1) * taken < policy.min_duration {
            return None;
        }
        let span = Span {
            first: victim.last - taken + 1,
            last: victim.last,
        };
        victim.last -= taken;
        state.created += 1;
        Some(span)
    }

    /// The next frame of `thread`'s chunk, or `None` when the chunk (perhaps shortened by a
    /// split) has no more.
    pub fn next_frame(&self, thread: usize) -> Option<u32> {
        let mut state = self.lock();
        let running = state.running[thread].as_mut()?;
        if running.next > running.last {
            return None;
        }
        if running.next == running.first {
            // The pace is timed from the first frame, not from when the chunk was claimed.
            running.started = Instant::now();
        }
        running.next += 1;
        Some(running.next - 1)
    }

    /// Records that `thread` has rendered every frame of its chunk, after
    /// [`next_frame`](Self::next_frame) returned `None`; the chunk as it ended (a split may have
    /// shortened it).
    pub fn finish(&self, thread: usize) -> Option<Span> {
        let mut state = self.lock();
        let running = state.running[thread].take()?;
        let span = Span {
            first: running.first,
            last: running.last,
        };
        let lag = self.split.map_or(0, |policy| policy.encoder_lag);
        state.flushing[thread] = span.len().min(lag);
        state.finished.push(span);
        Some(span)
    }

    /// Chunks made so far (planned and split off).
    #[cfg(test)]
    pub fn chunks(&self) -> usize {
        self.lock().created
    }

    /// The rendered chunks in order, if they cover frames `0..count` without gaps or overlap.
    pub fn into_finished(self, count: u32) -> Option<Vec<Span>> {
        let mut chunks = self
            .state
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .finished;
        chunks.sort_by_key(|span| span.first);
        let mut expected = 0;
        for span in &chunks {
            if span.first != expected {
                return None;
            }
            expected = span.last + 1;
        }
        (expected == count).then_some(chunks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPLIT_ANY: SplitPolicy = SplitPolicy {
        min_frames: 2,
        min_duration: Duration::ZERO,
        encoder_lag: 0,
    };

    fn span(first: u32, last: u32) -> Span {
        Span { first, last }
    }

    fn drain(queue: &ChunkQueue, thread: usize, frames: u32) -> Vec<u32> {
        (0..frames)
            .map_while(|_| queue.next_frame(thread))
            .collect()
    }

    #[test]
    fn even_spans_cover_every_frame_once() {
        assert_eq!(even_spans(10, 3), [span(0, 3), span(4, 6), span(7, 9)]);
        assert_eq!(even_spans(2, 4).len(), 2);
        assert_eq!(even_spans(1, 1), [span(0, 0)]);
    }

    #[test]
    fn an_idle_thread_takes_the_second_half_of_the_longest_chunk() {
        let queue = ChunkQueue::new(even_spans(100, 2), 2, Some(SPLIT_ANY));
        assert_eq!(queue.take(0), Some(span(0, 49)));
        assert_eq!(queue.take(1), Some(span(50, 99)));
        assert_eq!(drain(&queue, 0, 100), (0..50).collect::<Vec<_>>());
        queue.finish(0);
        // Thread 1 has handed out frames 50..60, so 40 are left: thread 0 takes the last 20.
        assert_eq!(drain(&queue, 1, 10), (50..60).collect::<Vec<_>>());
        assert_eq!(queue.take(0), Some(span(80, 99)));
        assert_eq!(drain(&queue, 1, 100), (60..80).collect::<Vec<_>>());
        queue.finish(1);
        assert_eq!(drain(&queue, 0, 100), (80..100).collect::<Vec<_>>());
        queue.finish(0);
        // Nothing is left to split.
        assert_eq!(queue.take(1), None);
        assert_eq!(queue.chunks(), 3);
        assert_eq!(
            queue.into_finished(100).unwrap(),
            [span(0, 49), span(50, 79), span(80, 99)]
        );
    }

    #[test]
    fn frames_an_encoder_holds_back_count_as_work_left() {
        let lagging = SplitPolicy {
            encoder_lag: 10,
            ..SPLIT_ANY
        };
        let queue = ChunkQueue::new(even_spans(100, 2), 2, Some(lagging));
        queue.take(0);
        queue.take(1);
        drain(&queue, 0, 100);
        queue.finish(0);
        // Thread 1 has 14 frames left and its encoder holds 10 more; thread 0's encoder holds
        // 10 too, which it flushes before encoding what it takes: it takes 7.
        drain(&queue, 1, 36);
        assert_eq!(queue.take(0), Some(span(93, 99)));
        assert_eq!(drain(&queue, 1, 100), (86..93).collect::<Vec<_>>());
        // Thread 0's short chunk leaves its encoder only 5 frames to flush. With 4 left and 10
        // held back, it takes all 4: the owner's chunk ends with the frame it is rendering.
        let queue = ChunkQueue::new(vec![span(0, 4), span(5, 99)], 2, Some(lagging));
        queue.take(0);
        queue.take(1);
        drain(&queue, 0, 100);
        queue.finish(0);
        drain(&queue, 1, 91);
        assert_eq!(queue.take(0), Some(span(96, 99)));
        assert_eq!(queue.next_frame(1), None);
        assert_eq!(queue.finish(1), Some(span(5, 95)));
        // Thread 1's encoder still holds 10 frames, more than the 4 thread 0 now has: taking
        // some would not end the render sooner.
        assert_eq!(queue.take(1), None);
    }

    #[test]
    fn chunks_too_short_or_too_quick_are_not_split() {
        let queue = ChunkQueue::new(even_spans(8, 1), 2, Some(SPLIT_ANY));
        queue.take(0);
        drain(&queue, 0, 5);
        // Three frames are left: half of them is under two frames.
        assert_eq!(queue.take(1), None);

        let patient = SplitPolicy {
            min_frames: 1,
            min_duration: Duration::from_secs(3600),
            encoder_lag: 0,
        };
        let queue = ChunkQueue::new(even_spans(100, 1), 2, Some(patient));
        queue.take(0);
        // Before any frame the pace is unknown; after one, 50 frames are far from an hour.
        assert_eq!(queue.take(1), None);
        drain(&queue, 0, 1);
        assert_eq!(queue.take(1), None);
    }

    #[test]
    fn a_chunk_not_yet_begun_is_passed_over_for_one_with_a_pace() {
        let timed = SplitPolicy {
            min_frames: 1,
            min_duration: Duration::from_nanos(1),
            encoder_lag: 0,
        };
        let queue = ChunkQueue::new(vec![span(0, 9), span(10, 39), span(40, 99)], 3, Some(timed));
        assert_eq!(queue.take(0), Some(span(0, 9)));
        assert_eq!(queue.take(1), Some(span(10, 39)));
        // Thread 2 claims the longest chunk but has not begun it (its previous encoder may
        // still be flushing); thread 1 is under way.
        assert_eq!(queue.take(2), Some(span(40, 99)));
        drain(&queue, 1, 10);
        std::thread::sleep(Duration::from_millis(1));
        drain(&queue, 0, 100);
        queue.finish(0);
        // Thread 0 splits the chunk that has a pace, instead of finding nothing to take.
        assert_eq!(queue.take(0), Some(span(30, 39)));
    }

    #[test]
    fn planned_chunks_are_kept_without_a_split_policy() {
        let queue = ChunkQueue::new(even_spans(30, 3), 2, None);
        for thread in [0, 1] {
            queue.take(thread);
        }
        assert_eq!(drain(&queue, 0, 100).len(), 10);
        queue.finish(0);
        assert_eq!(queue.take(0), Some(span(20, 29)));
        assert_eq!(drain(&queue, 0, 100).len(), 10);
        queue.finish(0);
        assert_eq!(queue.take(0), None);
        assert_eq!(drain(&queue, 1, 100).len(), 10);
        queue.finish(1);
        assert_eq!(queue.into_finished(30).map(|c| c.len()), Some(3));
    }

    #[test]
    fn threads_racing_for_frames_render_each_exactly_once() {
        let count = 5000;
        let queue = std::sync::Arc::new(ChunkQueue::new(even_spans(count, 4), 4, Some(SPLIT_ANY)));
        let seen: Vec<Vec<u32>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|thread| {
                    let queue = queue.clone();
                    scope.spawn(move || {
                        let mut mine = Vec::new();
                        while queue.take(thread).is_some() {
                            while let Some(frame) = queue.next_frame(thread) {
                                // Uneven work, so that threads run out at different times.
                                if thread == 0 {
                                    std::thread::yield_now();
                                }
                                mine.push(frame);
                            }
                            queue.finish(thread);
                        }
                        mine
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut all: Vec<u32> = seen.concat();
        all.sort_unstable();
        assert_eq!(all, (0..count).collect::<Vec<_>>());
        let queue = std::sync::Arc::into_inner(queue).unwrap();
        assert!(queue.into_finished(count).is_some());
    }
}
