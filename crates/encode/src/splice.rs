//! Handing frames to ffmpeg's input pipe by reference instead of copying them in (Linux).
//!
//! `write(2)` into a pipe makes the kernel allocate, clear and fill a fresh page for every 4 KiB
//! of a frame: about 0.9 ms of a 1080p frame's ~7 ms in Kinema, as much as converting it to
//! YUV. Instead each frame is copied once into a slot of a memory file (`memfd`) that stays
//! mapped, and `splice(2)` moves references to the slot's pages into the pipe; ffmpeg's `read`
//! copies from those pages as before.
//!
//! A page in the pipe is only a reference, so a slot must not be rewritten while any of its
//! pages is still in the pipe. A pipe holds at most its capacity in bytes (each of its buffers
//! one page at most), and it is first in, first out: once the frames after a slot's frame add
//! up to the capacity, none of that slot's pages can still be in it. Slots are reused in turn,
//! and there are enough of them for that to hold before a slot comes round again.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::ptr::NonNull;

/// Frames stored in a memory file and spliced into a pipe.
#[derive(Debug)]
pub(crate) struct SpliceFeeder {
    file: OwnedFd,
    map: NonNull<u8>,
    map_len: usize,
    frame_bytes: usize,
    slot_bytes: usize,
    slots: usize,
    next: usize,
}

// SAFETY: the mapping is owned by the feeder and only touched through `&mut self`.
unsafe impl Send for SpliceFeeder {}

impl SpliceFeeder {
    /// A feeder for frames of `frame_bytes` going into `pipe` (whose capacity sets the number
    /// of slots).
    pub(crate) fn new(frame_bytes: usize, pipe: &impl AsRawFd) -> io::Result<SpliceFeeder> {
        if frame_bytes == 0 {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "empty frame"));
        }
        // SAFETY: F_GETPIPE_SZ only reads the capacity of a descriptor the caller owns.
        let capacity = unsafe { libc::fcntl(pipe.as_raw_fd(), libc::F_GETPIPE_SZ) };
        if capacity <= 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: sysconf has no preconditions.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) })
            .ok()
            .filter(|&p| p > 0)
            .unwrap_or(4096);
        let slot_bytes = frame_bytes.div_ceil(page) * page;
        // The frames written after a slot's must fill the pipe before the slot comes round
        // again; one more slot than that is the one being written.
        let slots = (capacity as usize).div_ceil(frame_bytes) + 1;
        let map_len = slot_bytes
            .checked_mul(slots)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;

        // SAFETY: a nul-terminated name and valid flags; the result is checked.
        let fd = unsafe { libc::memfd_create(c"kinema-frames".as_ptr(), libc::MFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just created and is owned by nothing else.
        let file = unsafe { OwnedFd::from_raw_fd(fd) };
        // SAFETY: resizing the memory file this function owns.
        if unsafe { libc::ftruncate(file.as_raw_fd(), map_len as libc::off_t) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a fresh shared mapping of the whole file; checked for MAP_FAILED below.
        let map = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                map_len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                file.as_raw_fd(),
                0,
            )
        };
        if map == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(SpliceFeeder {
            file,
            map: NonNull::new(map.cast()).expect("mmap succeeded"),
            map_len,
            frame_bytes,
            slot_bytes,
            slots,
            next: 0,
        })
    }

    /// The size of frame this feeder takes.
    pub(crate) fn frame_bytes(&self) -> usize {
        self.frame_bytes
    }

    /// Copy `frame` into the next slot and splice it into `pipe`, blocking while the pipe is
    /// full. An error before any byte went in is `Unsupported` where the kernel cannot splice
    /// from a memory file (the caller then writes instead); later errors (a closed pipe) are
    /// the pipe's.
    pub(crate) fn send(&mut self, frame: &[u8], pipe: &impl AsRawFd) -> Result<(), SendError> {
        assert_eq!(frame.len(), self.frame_bytes, "frame size is fixed");
        let offset = self.next * self.slot_bytes;
        self.next = (self.next + 1) % self.slots;
        // SAFETY: the slot lies inside the mapping, and none of its pages is in the pipe any
        // more (see the module's comment), so nothing reads it while it is written.
        let slot = unsafe {
            std::slice::from_raw_parts_mut(self.map.as_ptr().add(offset), self.frame_bytes)
        };
        slot.copy_from_slice(frame);

        let mut from = offset as libc::loff_t;
        let end = (offset + self.frame_bytes) as libc::loff_t;
        while from < end {
            // SAFETY: both descriptors are open; `from` is a valid offset the kernel advances.
            let moved = unsafe {
                libc::splice(
                    self.file.as_raw_fd(),
                    &mut from,
                    pipe.as_raw_fd(),
                    std::ptr::null_mut(),
                    (end - from) as usize,
                    0,
                )
            };
            if moved < 0 {
                let error = io::Error::last_os_error();
                match error.raw_os_error() {
                    Some(libc::EINTR) => continue,
                    Some(libc::EINVAL | libc::ENOSYS) if from == offset as libc::loff_t => {
                        return Err(SendError::Unsupported(error));
                    }
                    _ => return Err(SendError::Pipe(error)),
                }
            }
            if moved == 0 {
                return Err(SendError::Pipe(io::ErrorKind::WriteZero.into()));
            }
        }
        Ok(())
    }
}

impl Drop for SpliceFeeder {
    fn drop(&mut self) {
        // SAFETY: unmapping the mapping this feeder made; pages still in a pipe stay valid
        // (the pipe holds references to them).
        unsafe { libc::munmap(self.map.as_ptr().cast(), self.map_len) };
    }
}

/// Why a frame did not go into the pipe.
#[derive(Debug)]
pub(crate) enum SendError {
    /// Splicing from a memory file is not supported here; nothing was sent.
    Unsupported(io::Error),
    /// The pipe failed (the reader exited); part of the frame may have gone in.
    Pipe(io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// A new pipe: (read end, write end).
    fn pipe() -> (OwnedFd, OwnedFd) {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors.
        assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
        // SAFETY: both descriptors were just created and are owned here.
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
    }

    /// Frames spliced through a pipe arrive whole and in order, also when a reader lags
    /// behind by more than the pipe holds and slots are reused many times over.
    #[test]
    fn frames_arrive_in_order_through_a_small_pipe() {
        let (read_end, write_end) = pipe();
        let frame_bytes = 10_000; // not a whole number of pages
        let frames = 64u8;
        let reader = std::thread::spawn(move || {
            let mut file = std::fs::File::from(read_end);
            let mut got = Vec::new();
            let mut buf = vec![0; 3_000];
            loop {
                // slow, small reads: the writer keeps the pipe full
                std::thread::sleep(std::time::Duration::from_micros(50));
                match file.read(&mut buf).unwrap() {
                    0 => break got,
                    n => got.extend_from_slice(&buf[..n]),
                }
            }
        });
        let mut feeder = SpliceFeeder::new(frame_bytes, &write_end).unwrap();
        assert!(feeder.slots >= 2);
        for i in 0..frames {
            let frame: Vec<u8> = (0..frame_bytes).map(|j| i.wrapping_add(j as u8)).collect();
            feeder.send(&frame, &write_end).unwrap();
        }
        drop(write_end);
        drop(feeder);
        let got = reader.join().unwrap();
        assert_eq!(got.len(), frame_bytes * frames as usize);
        for (i, frame) in got.chunks(frame_bytes).enumerate() {
            let want: Vec<u8> = (0..frame_bytes)
                .map(|j| (i as u8).wrapping_add(j as u8))
                .collect();
            assert!(frame == want.as_slice(), "frame {i} arrived changed");
        }
    }

    #[test]
    fn a_closed_pipe_is_an_error() {
        let (read_end, write_end) = pipe();
        drop(read_end);
        let mut feeder = SpliceFeeder::new(5_000, &write_end).unwrap();
        assert!(matches!(
            feeder.send(&[1; 5_000], &write_end),
            Err(SendError::Pipe(_))
        ));
    }
}
