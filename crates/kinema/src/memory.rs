//! How many render threads this machine's memory takes.
//!
//! Every render thread feeds an encoder of its own, and one encoder at 1080p holds 100–770 MB
//! (x264's lookahead grows with its preset; see `EncoderBackend::memory_bytes`), so one thread
//! per core can ask for more memory than a machine has: sixteen threads of x264 `medium` at
//! 3840x2160 would hold ~25 GB. Without `--concurrency` a render takes one thread per core, as
//! many as fit in 80 % of the memory available: the kernel's `MemAvailable`, or less
//! where a cgroup (v2 or v1: a container's or a job's limit) leaves less room (both read by
//! [`kinema_encode::memory`], which also holds the per-thread figures).

use kinema_encode::memory::{PROCESS_BYTES, available_bytes, in_megabytes, thread_bytes, usable};
use kinema_encode::{Codec, EncoderBackend, VideoSettings};

use crate::cli::counted;

/// How a render's work is spread: its threads, and each encoder's own threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threads {
    pub render: usize,
    /// Threads each encoder gets (`None`: ffmpeg's choice, for a render on one thread).
    pub encoder: Option<u32>,
}

/// The threads for a render of at most `most_chunks` chunks on `cores` cores: `asked`
/// (`--concurrency`) as given, warned about where the cores or the memory cannot hold that
/// many, or else one per core, as many as the memory available holds.
pub fn choose_threads(
    asked: Option<usize>,
    cores: usize,
    most_chunks: usize,
    backend: &EncoderBackend,
    settings: &VideoSettings,
) -> Threads {
    plan_threads(
        asked,
        cores,
        most_chunks,
        backend,
        settings,
        available_bytes(),
    )
}

fn plan_threads(
    asked: Option<usize>,
    cores: usize,
    most_chunks: usize,
    backend: &EncoderBackend,
    settings: &VideoSettings,
    available: Option<u64>,
) -> Threads {
    let cores = cores.max(1);
    let on_threads = |threads: u32| VideoSettings {
        encoder_threads: Some(threads),
        ..settings.clone()
    };
    let encoder_bytes = backend.memory_bytes(&on_threads(1));
    let per_thread = thread_bytes(encoder_bytes, settings.width, settings.height);
    let fit = available.map(|available| threads_that_fit(available, per_thread, usize::MAX));
    // Threads past the number of chunks have nothing to do and hold nothing.
    let used = |threads: usize| threads.clamp(1, most_chunks.max(1));
    // Parallel chunks get one encoder thread each; a lone chunk, ffmpeg's choice.
    let one_each = |threads: usize| (used(threads) > 1).then_some(1);
    let what = || {
        format!(
            "a thread and its encoder ({}) hold about {} at {}x{}, and {} of memory is \
             available",
            encoder_name(backend, settings),
            in_megabytes(per_thread),
            settings.width,
            settings.height,
            in_megabytes(available.unwrap_or(0)),
        )
    };
    match asked {
        Some(threads) => {
            if used(threads) > cores {
                tracing::warn!(
                    "--concurrency {threads} is more than this machine's {}: threads beyond \
                     the cores take turns on them",
                    counted(cores as u64, "core")
                );
            }
            if fit.is_some_and(|fit| used(threads) > fit) {
                tracing::warn!("--concurrency {threads} may run out of memory: {}", what());
            }
            Threads {
                render: threads,
                encoder: one_each(threads),
            }
        }
        None => match fit {
            Some(fit) if fit < used(cores) => {
                let hint = match (backend, settings.codec) {
                    (EncoderBackend::Ffmpeg(_), Codec::H264) => {
                        ", and a faster --x264-preset needs less"
                    }
                    _ => "",
                };
                tracing::warn!(
                    "rendering on {} instead of one per core ({cores}): {}; --concurrency \
                     overrides this{hint}",
                    counted(fit as u64, "thread"),
                    what()
                );
                // The cores left idle go to the encoders, as far as the memory left holds
                // their extra frames in flight.
                let extra_per_encoder_thread = backend
                    .memory_bytes(&on_threads(2))
                    .saturating_sub(encoder_bytes);
                let left = usable(available.unwrap_or(0))
                    .saturating_sub(PROCESS_BYTES)
                    .saturating_sub(fit as u64 * per_thread);
                let memory_holds = 1 + left / (fit as u64 * extra_per_encoder_thread).max(1);
                let cores_left = (cores / fit).max(1) as u64;
                Threads {
                    render: fit,
                    encoder: Some(memory_holds.min(cores_left).min(u64::from(u32::MAX)) as u32),
                }
            }
            _ => Threads {
                render: cores,
                encoder: one_each(cores),
            },
        },
    }
}

/// The encoder as a user names it: "x264 medium", "vp9", "the built-in encoder".
fn encoder_name(backend: &EncoderBackend, settings: &VideoSettings) -> String {
    match (backend, settings.codec) {
        (EncoderBackend::Builtin, _) => "the built-in encoder".into(),
        (_, Codec::H264) => format!(
            "x264 {}",
            settings.x264_preset.as_deref().unwrap_or("medium")
        ),
        (_, Codec::Gif) => "lossless x264, for the GIF".into(),
        (_, codec) => codec.name().into(),
    }
}

/// The number of threads, from 1 to `cores`, that fit in `available` bytes when each needs
/// `per_thread`.
pub fn threads_that_fit(available: u64, per_thread: u64, cores: usize) -> usize {
    let fit = usable(available).saturating_sub(PROCESS_BYTES) / per_thread.max(1);
    (fit as usize).clamp(1, cores.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_fit_in_what_memory_is_available() {
        let gb = 1_000_000_000;
        // x264 medium at 1080p: ~430 MB a thread.
        let per_thread = thread_bytes(428_000_000, 1920, 1080);
        assert_eq!(per_thread, 456_883_200);
        assert_eq!(threads_that_fit(64 * gb, per_thread, 16), 16);
        assert_eq!(threads_that_fit(4 * gb, per_thread, 16), 6);
        // Never none: a render with too little memory still tries on one thread.
        assert_eq!(threads_that_fit(100_000_000, per_thread, 16), 1);
        assert_eq!(threads_that_fit(0, per_thread, 0), 1);
    }

    #[test]
    fn threads_follow_the_cores_the_memory_and_the_chunks() {
        let ffmpeg = EncoderBackend::Ffmpeg("ffmpeg".into());
        let medium = VideoSettings::new(Codec::H264, 1920, 1080, 30.0);
        let gb = 1_000_000_000;
        let plan = |asked, most_chunks, available| {
            plan_threads(asked, 16, most_chunks, &ffmpeg, &medium, available)
        };
        let threads = |render, encoder| Threads { render, encoder };
        // Memory enough, or not known: one thread per core, one encoder thread each.
        assert_eq!(plan(None, 300, Some(64 * gb)), threads(16, Some(1)));
        assert_eq!(plan(None, 300, None), threads(16, Some(1)));
        // 4 GB holds six threads of x264 medium at 1080p (~457 MB each, 80 % of it usable);
        // the memory left holds two encoder threads each, as the ten idle cores would take.
        assert_eq!(plan(None, 300, Some(4 * gb)), threads(6, Some(2)));
        // 1 GB: one thread, whose encoder may use the cores as far as the memory holds.
        assert_eq!(plan(None, 300, Some(gb)), threads(1, Some(11)));
        // A render of two chunks at most uses two threads: the memory is not the limit.
        assert_eq!(plan(None, 2, Some(4 * gb)), threads(16, Some(1)));
        // --concurrency is taken as given (with a warning); one thread leaves the encoder's
        // threads to ffmpeg.
        assert_eq!(plan(Some(8), 300, Some(gb)), threads(8, Some(1)));
        assert_eq!(plan(Some(1), 300, Some(gb)), threads(1, None));
        assert_eq!(plan(Some(4), 1, None), threads(4, None));
    }
}
