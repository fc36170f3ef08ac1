//! How much memory a render needs, and how much this machine has for it.
//!
//! Every render thread feeds an encoder of its own, and one encoder at 1080p holds 100–770 MB
//! (x264's lookahead grows with its preset; see [`EncoderBackend::memory_bytes`]). Local
//! renders size their thread count from these figures, and the embedded render farm admits
//! rendering invocations by them.

use std::path::Path;

use crate::{EncoderBackend, VideoSettings};

/// The share of the available memory a render plans to use; the rest is headroom for the
/// estimates being estimates, images the composition loads, and the rest of the machine.
pub const USABLE: f64 = 0.8;

/// Kinema's own memory besides its threads (code, fonts, the composition's bundle), measured
/// at ~40 MB, with room for images.
pub const PROCESS_BYTES: u64 = 80_000_000;

/// What one render thread holds besides its encoder: its JavaScript engine and document
/// (~4 MB), and per pixel the painted frame, its backdrop, the YUV frame and the pipe's
/// splice slots (measured ~10 bytes a pixel at 1080p and 2160p).
pub fn thread_bytes(encoder_bytes: u64, width: u32, height: u32) -> u64 {
    let frames = (u64::from(width) * u64::from(height)).saturating_mul(12);
    encoder_bytes
        .saturating_add(4_000_000)
        .saturating_add(frames)
}

/// The bytes a render plans to use of `available` ([`USABLE`] of it).
pub fn usable(available: u64) -> u64 {
    (available as f64 * USABLE) as u64
}

/// "1.5 GB", "430 MB": memory as a user reads it.
pub fn in_megabytes(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000_000 => format!("{:.1} GB", b as f64 / 1e9),
        b => format!("{} MB", b / 1_000_000),
    }
}

/// About what rendering with one thread and one encoder of `backend` for `settings` holds, in
/// bytes: the process ([`PROCESS_BYTES`]) and one thread ([`thread_bytes`]). What one
/// render-farm worker holds while it renders a chunk.
pub fn one_thread_render_bytes(backend: &EncoderBackend, settings: &VideoSettings) -> u64 {
    let encoder = backend.memory_bytes(&VideoSettings {
        encoder_threads: Some(1),
        ..settings.clone()
    });
    PROCESS_BYTES.saturating_add(thread_bytes(encoder, settings.width, settings.height))
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
    fn figures_for_any_size_saturate_instead_of_overflowing() {
        assert_eq!(thread_bytes(u64::MAX, 1, 1), u64::MAX);
        assert_eq!(thread_bytes(0, u32::MAX, u32::MAX), u64::MAX);
        let huge = VideoSettings::new(crate::Codec::H264, u32::MAX, u32::MAX, 30.0);
        let ffmpeg = EncoderBackend::Ffmpeg("ffmpeg".into());
        assert_eq!(one_thread_render_bytes(&ffmpeg, &huge), u64::MAX);
        assert_eq!(usable(1_000_000_000), 800_000_000);
        assert_eq!(in_megabytes(1_500_000_000), "1.5 GB");
        assert_eq!(in_megabytes(537_000_000), "537 MB");
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
