//! How many render threads this machine's memory takes.
//!
//! Every render thread feeds an encoder of its own, and one encoder at 1080p holds 100–770 MB
//! (x264's lookahead grows with its preset; see `EncoderBackend::memory_bytes`), so one thread
//! per core can ask for more memory than a machine has: sixteen threads of x264 `medium` at
//! 3840x2160 would hold ~25 GB. Without `--concurrency` a render takes one thread per core, as
//! many as fit in [`USABLE`] of the memory available: the kernel's `MemAvailable`, or less
//! where a cgroup (v2 or v1: a container's or a job's limit) leaves less room.

use std::path::Path;

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
                let usable = (available.unwrap_or(0) as f64 * USABLE) as u64;
                let left = usable
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

/// "1.5 GB", "430 MB".
fn in_megabytes(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000_000 => format!("{:.1} GB", b as f64 / 1e9),
        b => format!("{} MB", b / 1_000_000),
    }
}

/// The share of the available memory a render plans to use; the rest is headroom for the
/// estimates being estimates, images the composition loads, and the rest of the machine.
pub const USABLE: f64 = 0.8;

/// Kinema's own memory besides its threads (code, fonts, the composition's bundle), measured
/// at ~40 MB, with room for images.
const PROCESS_BYTES: u64 = 80_000_000;

/// What one render thread holds besides its encoder: its JavaScript engine and document
/// (~4 MB), and per pixel the painted frame, its backdrop, the YUV frame and the pipe's
/// splice slots (measured ~10 bytes a pixel at 1080p and 2160p).
pub fn thread_bytes(encoder_bytes: u64, width: u32, height: u32) -> u64 {
    encoder_bytes + 4_000_000 + 12 * u64::from(width) * u64::from(height)
}

/// The number of threads, from 1 to `cores`, that fit in `available` bytes when each needs
/// `per_thread`.
pub fn threads_that_fit(available: u64, per_thread: u64, cores: usize) -> usize {
    let usable = (available as f64 * USABLE) as u64;
    let fit = usable.saturating_sub(PROCESS_BYTES) / per_thread.max(1);
    (fit as usize).clamp(1, cores.max(1))
}

/// Bytes of memory this process can still use, if the system says.
pub fn available_bytes() -> Option<u64> {
    let system = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| mem_available(&text));
    let cgroup = std::fs::read_to_string("/proc/self/cgroup")
        .ok()
        .and_then(|text| cgroup_room(Path::new("/sys/fs/cgroup"), &text));
    match (system, cgroup) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `MemAvailable` from /proc/meminfo, in bytes.
fn mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemAvailable:"))?;
    let kilobytes: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    kilobytes.checked_mul(1024)
}

/// Where a cgroup version keeps its memory limit and use.
struct CgroupFiles {
    /// The memory controller's folder under the cgroup file system.
    mount: &'static str,
    limit: &'static str,
    usage: &'static str,
    /// The `memory.stat` key of page cache not recently used, which the kernel takes back
    /// before it runs out (so it is room, although counted as used).
    reclaimable: &'static str,
}

const CGROUP_V2: CgroupFiles = CgroupFiles {
    mount: "",
    limit: "memory.max",
    usage: "memory.current",
    reclaimable: "inactive_file",
};

const CGROUP_V1: CgroupFiles = CgroupFiles {
    mount: "memory",
    limit: "memory.limit_in_bytes",
    usage: "memory.usage_in_bytes",
    reclaimable: "total_inactive_file",
};

/// The least room (limit − use) left by this process's memory cgroup and the groups above
/// it, under `root` (the cgroup file system, v2 or v1); `None` where none has a limit.
fn cgroup_room(root: &Path, proc_self_cgroup: &str) -> Option<u64> {
    // v2: "0::/group"; v1: "4:memory:/group" (or "4:cpu,memory:/group"). Where both are
    // listed (a hybrid set-up), memory is v1's.
    let lines = || {
        proc_self_cgroup.lines().filter_map(|line| {
            let mut parts = line.splitn(3, ':');
            let (_, controllers, group) = (parts.next()?, parts.next()?, parts.next()?);
            Some((controllers, group))
        })
    };
    let v1 = lines().find_map(|(controllers, group)| {
        controllers
            .split(',')
            .any(|c| c == "memory")
            .then_some((&CGROUP_V1, group))
    });
    let v2 = || {
        lines()
            .find_map(|(controllers, group)| controllers.is_empty().then_some((&CGROUP_V2, group)))
    };
    let (files, group) = v1.or_else(v2)?;
    let mount = root.join(files.mount);
    let mut folder = mount.join(group.trim().trim_start_matches('/'));
    let mut room: Option<u64> = None;
    loop {
        let number = |name: &str| {
            let text = std::fs::read_to_string(folder.join(name)).ok()?;
            text.trim().parse::<u64>().ok()
        };
        // v2 writes "max" for no limit (which does not parse); v1 a number near 2^63.
        if let Some(limit) = number(files.limit) {
            let reclaimable = std::fs::read_to_string(folder.join("memory.stat"))
                .ok()
                .and_then(|stat| {
                    stat.lines().find_map(|line| {
                        let value = line.strip_prefix(files.reclaimable)?.strip_prefix(' ')?;
                        value.trim().parse::<u64>().ok()
                    })
                })
                .unwrap_or(0);
            let used = number(files.usage).unwrap_or(0).saturating_sub(reclaimable);
            let left = limit.saturating_sub(used);
            room = Some(room.map_or(left, |room| room.min(left)));
        }
        if folder == mount || !folder.pop() || !folder.starts_with(&mount) {
            return room;
        }
    }
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

    #[test]
    fn mem_available_is_read_in_bytes() {
        let meminfo = "MemTotal:       16384000 kB\nMemFree:         1000 kB\n\
                       MemAvailable:    8000000 kB\nBuffers:  10 kB\n";
        assert_eq!(mem_available(meminfo), Some(8_192_000_000));
        assert_eq!(mem_available("MemTotal: 1 kB\n"), None);
        assert_eq!(
            mem_available("MemAvailable: 18446744073709551615 kB\n"),
            None
        );
    }

    #[test]
    fn the_tightest_cgroup_limit_above_the_process_counts() {
        let root = std::env::temp_dir().join(format!("kinema-cgroup-{}", std::process::id()));
        let write = |folder: &Path, name: &str, text: &str| {
            std::fs::create_dir_all(folder).unwrap();
            std::fs::write(folder.join(name), text).unwrap();
        };
        // cgroup v2.
        let leaf = root.join("machine/container");
        write(&root, "memory.max", "max\n");
        write(&leaf, "memory.max", "max\n");
        let v2 = "0::/machine/container\n";
        assert_eq!(cgroup_room(&root, v2), None);
        // The container's limit, less what it uses (page cache it can give back is room).
        write(&leaf, "memory.max", "2000000000\n");
        write(&leaf, "memory.current", "700000000\n");
        write(
            &leaf,
            "memory.stat",
            "anon 500000000\ninactive_file 200000000\n",
        );
        assert_eq!(cgroup_room(&root, v2), Some(1_500_000_000));
        // A parent with less room left wins.
        write(&root.join("machine"), "memory.max", "1000000000\n");
        write(&root.join("machine"), "memory.current", "800000000\n");
        assert_eq!(cgroup_room(&root, v2), Some(200_000_000));

        // cgroup v1's memory controller, with "no limit" as a number near 2^63.
        let v1 = "0::/\n5:cpu,cpuacct:/\n4:memory:/jobs/render\n";
        let group = root.join("memory/jobs/render");
        write(
            &root.join("memory"),
            "memory.limit_in_bytes",
            "9223372036854771712\n",
        );
        write(&group, "memory.limit_in_bytes", "4000000000\n");
        write(&group, "memory.usage_in_bytes", "3000000000\n");
        write(
            &group,
            "memory.stat",
            "cache 1\ntotal_inactive_file 1000000000\n",
        );
        assert_eq!(cgroup_room(&root, v1), Some(2_000_000_000));
        // No memory controller named: nothing known.
        assert_eq!(cgroup_room(&root, "4:cpu:/x\n"), None);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
