//! Chunk planning: which frames a render covers and how they split into chunks.
//!
//! The formulas are Remotion Lambda's (protocol reference §4.3), so a render planned here splits
//! exactly as it would on Lambda: the same `framesPerLambda`, the same chunk boundaries.

use serde::{Deserialize, Serialize};

/// Remotion Lambda's limit on chunks (renderer functions) per render.
pub const MAX_CHUNKS: usize = 200;
/// Chunks are at least this many frames long (unless the render is shorter).
pub const MIN_FRAMES_PER_CHUNK: u32 = 5;

/// An inclusive range of frame numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameRange {
    pub start: u32,
    pub end: u32,
}

impl FrameRange {
    /// Number of frames in the range.
    pub fn len(&self) -> u32 {
        self.end - self.start + 1
    }

    /// Never true: a range holds at least one frame.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// What the caller asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// `[start, end]`; `end: None` means to the last frame; `None` means the whole composition.
    pub frame_range: Option<(u32, Option<u32>)>,
    /// Keep every n-th frame of the range (GIFs); 1 keeps all.
    pub every_nth_frame: u32,
    /// Frames per chunk; exclusive with `concurrency`.
    pub frames_per_chunk: Option<u32>,
    /// Number of chunks wanted; exclusive with `frames_per_chunk`.
    pub concurrency: Option<u32>,
}

/// The plan: which frames are rendered and the chunks they form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChunkPlan {
    /// The frame range after defaults.
    pub frame_range: FrameRange,
    pub every_nth_frame: u32,
    /// Frames actually rendered.
    pub frame_count: u32,
    pub frames_per_chunk: u32,
    /// Each chunk's frame range, in order, covering the render without gaps or overlap.
    pub chunks: Vec<FrameRange>,
}

impl ChunkPlan {
    /// The frames chunk `index` renders (respecting `every_nth_frame`).
    pub fn frames_of(&self, index: usize) -> impl Iterator<Item = u32> + '_ {
        let chunk = self.chunks[index];
        let first = self.frame_range.start;
        let n = self.every_nth_frame;
        (chunk.start..=chunk.end).filter(move |f| (f - first).is_multiple_of(n))
    }
}

/// Why a plan is impossible. Messages name the field and the allowed values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the composition has no frames (durationInFrames is 0)")]
    EmptyComposition,
    #[error("frame range {start}-{end} is outside the composition: frames go from 0 to {last}")]
    RangeOutside { start: u32, end: u32, last: u32 },
    #[error("frame {start} is outside the composition: frames go from 0 to {last}")]
    StartOutside { start: u32, last: u32 },
    #[error("frame range {start}-{end} is backwards: the start must not be after the end")]
    RangeBackwards { start: u32, end: u32 },
    #[error("everyNthFrame must be 1 or more, got {0}")]
    EveryNthFrame(u32),
    #[error("framesPerLambda and concurrency were both set; set one of them")]
    BothSet,
    #[error(
        "frames per chunk (framesPerLambda) must be at least {minimum} for {frame_count} frames, \
         got {got}"
    )]
    FramesPerChunkTooSmall {
        got: u32,
        minimum: u32,
        frame_count: u32,
    },
    #[error("concurrency must be between 1 and {MAX_CHUNKS}, got {0}")]
    Concurrency(u32),
    #[error(
        "too many chunks: {chunks} chunks of {frames_per_chunk} frames for {frame_count} frames; \
         at most {MAX_CHUNKS} are allowed (raise the frames per chunk, framesPerLambda)"
    )]
    TooManyChunks {
        chunks: usize,
        frames_per_chunk: u32,
        frame_count: u32,
    },
}

/// Remotion's default frames per chunk for a render of `frame_count` frames: about 75 chunks
/// for short renders, growing to 150 at 18000 frames, never under 20 frames a chunk.
pub fn default_frames_per_chunk(frame_count: u32) -> u32 {
    let minimum = MIN_FRAMES_PER_CHUNK.min(frame_count);
    let count = frame_count as f64;
    let concurrency = 75.0 + 75.0 * count.min(18_000.0) / 18_000.0;
    let per = (count / concurrency).max(20.0);
    let functions = (count / per).ceil().max(1.0);
    ((count / functions).ceil() as u32).max(minimum)
}

/// Plan a render of a composition `duration_in_frames` long.
pub fn plan_chunks(duration_in_frames: u32, options: &PlanOptions) -> Result<ChunkPlan, PlanError> {
    if duration_in_frames == 0 {
        return Err(PlanError::EmptyComposition);
    }
    let last = duration_in_frames - 1;
    let (start, end) = match options.frame_range {
        None => (0, last),
        Some((start, end)) => (start, end.unwrap_or(last)),
    };
    if start > last {
        return Err(PlanError::StartOutside { start, last });
    }
    if start > end {
        return Err(PlanError::RangeBackwards { start, end });
    }
    if end > last {
        return Err(PlanError::RangeOutside { start, end, last });
    }
    let n = options.every_nth_frame;
    if n == 0 {
        return Err(PlanError::EveryNthFrame(n));
    }
    let range = FrameRange { start, end };
    let frame_count = (range.len() - 1) / n + 1;
    let minimum = MIN_FRAMES_PER_CHUNK.min(frame_count);
    let frames_per_chunk = match (options.frames_per_chunk, options.concurrency) {
        (Some(_), Some(_)) => return Err(PlanError::BothSet),
        (Some(fpc), None) => {
            if fpc < minimum {
                return Err(PlanError::FramesPerChunkTooSmall {
                    got: fpc,
                    minimum,
                    frame_count,
                });
            }
            fpc
        }
        (None, Some(c)) => {
            if c == 0 || c as usize > MAX_CHUNKS {
                return Err(PlanError::Concurrency(c));
            }
            frame_count.div_ceil(c).max(minimum)
        }
        (None, None) => default_frames_per_chunk(frame_count),
    };
    let chunk_count = frame_count.div_ceil(frames_per_chunk) as usize;
    if chunk_count > MAX_CHUNKS {
        return Err(PlanError::TooManyChunks {
            chunks: chunk_count,
            frames_per_chunk,
            frame_count,
        });
    }
    let span = frames_per_chunk as u64 * n as u64;
    let chunks = (0..chunk_count as u64)
        .map(|i| FrameRange {
            start: (i * span + start as u64) as u32,
            end: ((i + 1) * span - 1 + start as u64).min(end as u64) as u32,
        })
        .collect();
    Ok(ChunkPlan {
        frame_range: range,
        every_nth_frame: n,
        frame_count,
        frames_per_chunk,
        chunks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(frames: u32) -> ChunkPlan {
        plan_chunks(
            frames,
            &PlanOptions {
                every_nth_frame: 1,
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn default_chunking_matches_the_reference_examples() {
        // §4.3: 300 → 20 fpl → 15 chunks; 1800 → 22 → 82; 18000 → 120 → 150.
        for (frames, fpl, chunks) in [(300, 20, 15), (1800, 22, 82), (18_000, 120, 150)] {
            let plan = whole(frames);
            assert_eq!(
                (plan.frames_per_chunk, plan.chunks.len()),
                (fpl, chunks),
                "{frames}"
            );
        }
        // Far beyond 18000 frames the count stays about 150.
        assert_eq!(whole(100_000).chunks.len(), 150);
        // Tiny renders: one chunk.
        assert_eq!(whole(3).chunks, vec![FrameRange { start: 0, end: 2 }]);
    }

    #[test]
    fn chunks_cover_the_range_without_gaps() {
        for frames in [1, 7, 20, 21, 299, 301, 4000] {
            let plan = whole(frames);
            assert_eq!(plan.chunks[0].start, 0);
            assert_eq!(plan.chunks.last().unwrap().end, frames - 1);
            for pair in plan.chunks.windows(2) {
                assert_eq!(pair[0].end + 1, pair[1].start);
            }
            let total: usize = (0..plan.chunks.len())
                .map(|i| plan.frames_of(i).count())
                .sum();
            assert_eq!(total as u32, plan.frame_count);
        }
    }

    #[test]
    fn concurrency_ranges_and_every_nth_frame() {
        let plan = plan_chunks(
            150,
            &PlanOptions {
                frame_range: Some((10, Some(109))),
                every_nth_frame: 2,
                concurrency: Some(4),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(plan.frame_count, 50);
        assert_eq!(plan.frames_per_chunk, 13);
        assert_eq!(plan.chunks.len(), 4);
        assert_eq!(plan.chunks[0], FrameRange { start: 10, end: 35 });
        assert_eq!(
            plan.chunks[3],
            FrameRange {
                start: 88,
                end: 109
            }
        );
        assert_eq!(
            plan.frames_of(0).take(3).collect::<Vec<_>>(),
            vec![10, 12, 14]
        );
        // `[a, null]` runs to the end.
        let open = plan_chunks(
            90,
            &PlanOptions {
                frame_range: Some((30, None)),
                every_nth_frame: 1,
                frames_per_chunk: Some(20),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(open.frame_range, FrameRange { start: 30, end: 89 });
        assert_eq!(open.chunks.len(), 3);
        // The minimum of 5 frames per chunk wins over a high concurrency.
        let capped = plan_chunks(
            12,
            &PlanOptions {
                every_nth_frame: 1,
                concurrency: Some(10),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!((capped.frames_per_chunk, capped.chunks.len()), (5, 3));
    }

    #[test]
    fn impossible_plans_are_errors_that_name_the_field() {
        let base = PlanOptions {
            every_nth_frame: 1,
            ..Default::default()
        };
        let err =
            |frames, options: PlanOptions| plan_chunks(frames, &options).unwrap_err().to_string();
        assert!(err(0, base.clone()).contains("durationInFrames"));
        assert!(
            err(
                100,
                PlanOptions {
                    frame_range: Some((50, Some(100))),
                    ..base.clone()
                }
            )
            .contains("from 0 to 99")
        );
        // Starting past the end (`--frames 100-` of 100 frames) is outside, not backwards.
        assert_eq!(
            err(
                100,
                PlanOptions {
                    frame_range: Some((100, None)),
                    ..base.clone()
                }
            ),
            "frame 100 is outside the composition: frames go from 0 to 99"
        );
        assert!(
            err(
                100,
                PlanOptions {
                    frame_range: Some((60, Some(50))),
                    ..base.clone()
                }
            )
            .contains("backwards")
        );
        assert!(
            err(
                100,
                PlanOptions {
                    every_nth_frame: 0,
                    ..base.clone()
                }
            )
            .contains("everyNthFrame")
        );
        assert!(
            err(
                100,
                PlanOptions {
                    frames_per_chunk: Some(10),
                    concurrency: Some(2),
                    ..base.clone()
                }
            )
            .contains("both")
        );
        assert!(
            err(
                100,
                PlanOptions {
                    frames_per_chunk: Some(4),
                    ..base.clone()
                }
            )
            .contains("at least 5")
        );
        assert!(
            err(
                100,
                PlanOptions {
                    concurrency: Some(201),
                    ..base.clone()
                }
            )
            .contains("between 1 and 200")
        );
        assert!(
            err(
                5000,
                PlanOptions {
                    frames_per_chunk: Some(5),
                    ..base
                }
            )
            .contains("1000 chunks")
        );
    }

    #[test]
    fn plans_serialise_in_camel_case() {
        // 30 frames: two functions of 15 (ceil(30 / ceil(30 / 20))).
        let json = serde_json::to_string(&whole(30)).unwrap();
        assert_eq!(
            json,
            r#"{"frameRange":{"start":0,"end":29},"everyNthFrame":1,"frameCount":30,"framesPerChunk":15,"chunks":[{"start":0,"end":14},{"start":15,"end":29}]}"#
        );
    }
}
