//! Handing frames to ffmpeg's input pipe by reference instead of copying them in (Linux).
//!
//! `write(2)` into a pipe makes the kernel allocate, clear and fill a fresh page for every 4 KiB
//! of a frame: about 0.9 ms of a 1080p frame's ~7 ms in Kinema, as much as converting it to
//! YUV. Instead each frame is copied once into a slot of a memory area that stays mapped, and
//! `vmsplice(2)` puts references to the slot's pages into the pipe; ffmpeg's `read` copies from
//! those pages as before. The area is anonymous memory asking for transparent huge pages: the
//! kernel then finds a frame's pages in a few page-table steps (splicing from a memory file
//! looked each 4 KiB page up in the file's page cache, ~40 % of the kernel's time here). The
//! area starts on a huge-page boundary and spans whole huge pages; placed wherever `mmap` put
//! it, only the huge pages wholly inside it were backed (4 of a 1080p pair of slots' 6 MB).
//!
//! A page in the pipe is only a reference, so a slot must not be rewritten while any of its
//! pages is still in the pipe. A pipe holds at most its capacity in bytes (each of its buffers
//! one page at most), and it is first in, first out: once the frames after a slot's frame add
//! up to the capacity, none of that slot's pages can still be in it. Slots are reused in turn,
//! and there are enough of them for that to hold before a slot comes round again.
//!
//! A slot still holds the frame it was last given, so when the frames since then say what
//! changed ([`Changes::I420`]), only those rectangles are copied in: a chart whose line grows
//! copies a few hundred kilobytes a frame instead of three megabytes.

use std::io;
use std::os::fd::AsRawFd;
use std::ptr::NonNull;

use crate::yuv::{Changes, I420};

/// Frames stored in slots of mapped memory and spliced into a pipe.
#[derive(Debug)]
pub(crate) struct SpliceFeeder {
    map: NonNull<u8>,
    map_len: usize,
    frame_bytes: usize,
    slot_bytes: usize,
    slots: usize,
    next: usize,
    /// Per slot: what has changed since the frame the slot holds.
    stale: Vec<Stale>,
    /// Frames spliced so far.
    sent: u64,
}

/// What a slot must take from the next frame besides that frame's own changes.
#[derive(Debug, Clone, PartialEq)]
enum Stale {
    All,
    /// Rectangles of an I420 frame of this size, and their total area.
    I420 {
        width: u32,
        height: u32,
        rects: Vec<[u32; 4]>,
        area: u64,
    },
}

/// Past this many rectangles a slot is copied whole (the list would cost more than it saves).
const MAX_STALE_RECTS: usize = 256;

impl Stale {
    fn clean(width: u32, height: u32) -> Stale {
        Stale::I420 {
            width,
            height,
            rects: Vec::new(),
            area: 0,
        }
    }

    /// Add a later frame's changes.
    fn add(&mut self, changes: Changes<'_>) {
        let Changes::I420 {
            width,
            height,
            rects: new,
        } = changes
        else {
            *self = Stale::All;
            return;
        };
        let Stale::I420 {
            width: w,
            height: h,
            rects,
            area,
        } = self
        else {
            return;
        };
        if (*w, *h) != (width, height) {
            *self = Stale::All;
            return;
        }
        rects.extend_from_slice(new);
        *area += new.iter().map(|r| rect_area(*r)).sum::<u64>();
        // Copying more than half the frame piecewise is no cheaper than copying all of it.
        if rects.len() > MAX_STALE_RECTS || *area * 2 > width as u64 * height as u64 {
            *self = Stale::All;
        }
    }
}

fn rect_area([x0, y0, x1, y1]: [u32; 4]) -> u64 {
    x1.saturating_sub(x0) as u64 * y1.saturating_sub(y0) as u64
}

/// Copy the rectangle `[x0, y0, x1, y1]` (widened to even coordinates, clipped to the frame)
/// of the I420 frame `from` (`width`×`height`) into `to`, plane by plane.
fn copy_i420_rect(from: &[u8], to: &mut [u8], width: u32, height: u32, rect: [u32; 4]) {
    let [x0, y0] = [rect[0] & !1, rect[1] & !1];
    let [x1, y1] = [
        (rect[2] + (rect[2] & 1)).min(width),
        (rect[3] + (rect[3] & 1)).min(height),
    ];
    if x0 >= x1 || y0 >= y1 {
        return;
    }
    let (w, h) = (width as usize, height as usize);
    let (x0, y0, x1, y1) = (x0 as usize, y0 as usize, x1 as usize, y1 as usize);
    for y in y0..y1 {
        let row = y * w;
        to[row + x0..row + x1].copy_from_slice(&from[row + x0..row + x1]);
    }
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let (cx0, cx1) = (x0 / 2, x1.div_ceil(2));
    for plane in [w * h, w * h + cw * ch] {
        for y in y0 / 2..y1.div_ceil(2) {
            let row = plane + y * cw;
            to[row + cx0..row + cx1].copy_from_slice(&from[row + cx0..row + cx1]);
        }
    }
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
            .and_then(|bytes| bytes.checked_next_multiple_of(HUGE_PAGE))
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;
        let map = map_aligned(map_len)?;
        // Advice only (a kernel without huge pages ignores it). Children (ffmpeg for the next
        // chunk) need not share the slots, nor make them copy-on-write.
        // SAFETY: advice on the mapping just made.
        unsafe {
            libc::madvise(map.as_ptr().cast(), map_len, libc::MADV_HUGEPAGE);
            libc::madvise(map.as_ptr().cast(), map_len, libc::MADV_DONTFORK);
        }
        Ok(SpliceFeeder {
            map,
            map_len,
            frame_bytes,
            slot_bytes,
            slots,
            next: 0,
            stale: vec![Stale::All; slots],
            sent: 0,
        })
    }

    /// The size of frame this feeder takes.
    pub(crate) fn frame_bytes(&self) -> usize {
        self.frame_bytes
    }

    /// Bring the next slot up to `frame` (which differs from the frame sent before it as
    /// `changes` says) and splice it into `pipe`, blocking while the pipe is full. An error
    /// before any byte went in is `Unsupported` where the kernel cannot splice from memory
    /// (the caller then writes instead); later errors (a closed pipe) are the pipe's.
    pub(crate) fn send(
        &mut self,
        frame: &[u8],
        changes: Changes<'_>,
        pipe: &impl AsRawFd,
    ) -> Result<(), SendError> {
        assert_eq!(frame.len(), self.frame_bytes, "frame size is fixed");
        let index = self.next;
        let mut stale = std::mem::replace(&mut self.stale[index], Stale::All);
        stale.add(changes);
        let slot = self.slot_mut(index);
        match &stale {
            Stale::I420 {
                width,
                height,
                rects,
                ..
            } if I420::byte_len(*width, *height) == frame.len() => {
                for rect in rects {
                    copy_i420_rect(frame, slot, *width, *height, *rect);
                }
            }
            _ => slot.copy_from_slice(frame),
        }
        self.splice_next(changes, pipe)
    }

    /// The next slot, brought up to the last frame sent except inside `rewrite` (rectangles,
    /// even coordinates, of the `width`×`height` I420 frame about to be written into it;
    /// `None`: all of it will be), for the caller to write the new frame into before
    /// [`splice_next`](Self::splice_next). Writing a frame straight into its slot saves
    /// copying it there. `rewrite` must be `None` before the first frame is sent.
    pub(crate) fn next_slot(
        &mut self,
        rewrite: Option<&[[u32; 4]]>,
        width: u32,
        height: u32,
    ) -> &mut [u8] {
        let index = self.next;
        let previous = (index + self.slots - 1) % self.slots;
        let Some(rewrite) = rewrite.filter(|_| self.sent > 0 && previous != index) else {
            return self.slot_mut(index);
        };
        let whole = [[0, 0, width, height]];
        let stale = match &self.stale[index] {
            Stale::I420 {
                width: w,
                height: h,
                rects,
                ..
            } if (*w, *h) == (width, height) => rects.as_slice(),
            _ => &whole[..],
        };
        // The rectangles that changed since the slot's frame, less those about to be rewritten,
        // come from the previous slot, which holds the last frame whole.
        let mut copies = Vec::new();
        for &rect in stale {
            subtract(rect, rewrite, &mut copies);
        }
        let (slot, from) = self.slot_pair(index, previous);
        for rect in copies {
            copy_i420_rect(from, slot, width, height, rect);
        }
        self.slot_mut(index)
    }

    /// Splice the slot [`next_slot`](Self::next_slot) lent, now holding a frame that differs
    /// from the frame sent before it as `changes` says (see [`send`](Self::send) for errors).
    pub(crate) fn splice_next(
        &mut self,
        changes: Changes<'_>,
        pipe: &impl AsRawFd,
    ) -> Result<(), SendError> {
        let index = self.next;
        let offset = index * self.slot_bytes;
        self.next = (self.next + 1) % self.slots;
        // Every other slot now lags one more frame behind.
        for (i, other) in self.stale.iter_mut().enumerate() {
            if i != index {
                other.add(changes);
            }
        }
        // The slot holds this frame now. (Without a frame size to attach rectangles to, it
        // stays `All`: copied whole once more the next time round.)
        self.stale[index] = match changes {
            Changes::I420 { width, height, .. } => Stale::clean(width, height),
            Changes::All => Stale::All,
        };
        self.sent += 1;

        let mut from = 0;
        while from < self.frame_bytes {
            let iov = libc::iovec {
                // SAFETY: `from` is inside the slot, which is inside the mapping.
                iov_base: unsafe { self.map.as_ptr().add(offset + from) }.cast(),
                iov_len: self.frame_bytes - from,
            };
            // SAFETY: the pipe is open and `iov` describes mapped memory this feeder owns; the
            // pipe keeps references to its pages, which are not rewritten while in the pipe.
            let moved = unsafe { libc::vmsplice(pipe.as_raw_fd(), &iov, 1, 0) };
            if moved < 0 {
                let error = io::Error::last_os_error();
                match error.raw_os_error() {
                    Some(libc::EINTR) => continue,
                    Some(libc::EINVAL | libc::ENOSYS) if from == 0 => {
                        return Err(SendError::Unsupported(error));
                    }
                    _ => return Err(SendError::Pipe(error)),
                }
            }
            if moved == 0 {
                return Err(SendError::Pipe(io::ErrorKind::WriteZero.into()));
            }
            from += moved as usize;
        }
        Ok(())
    }

    /// The frame the last [`splice_next`](Self::splice_next) was given (to write it instead
    /// where splicing turned out unsupported).
    pub(crate) fn last_frame(&self) -> &[u8] {
        let index = (self.next + self.slots - 1) % self.slots;
        // SAFETY: the slot lies inside the mapping; only read.
        unsafe {
            std::slice::from_raw_parts(
                self.map.as_ptr().add(index * self.slot_bytes),
                self.frame_bytes,
            )
        }
    }

    /// Slot `index`, to write. None of its pages is in the pipe any more (see the module's
    /// comment) when it is the next slot, so nothing reads it while it is written.
    fn slot_mut(&mut self, index: usize) -> &mut [u8] {
        // SAFETY: the slot lies inside the mapping, which `&mut self` holds exclusively.
        unsafe {
            std::slice::from_raw_parts_mut(
                self.map.as_ptr().add(index * self.slot_bytes),
                self.frame_bytes,
            )
        }
    }

    /// Slot `write` to write and slot `read` (another) to read: the newest frame, which the
    /// pipe may still be reading too.
    fn slot_pair(&mut self, write: usize, read: usize) -> (&mut [u8], &[u8]) {
        assert_ne!(write, read, "two different slots");
        let base = self.map.as_ptr();
        // SAFETY: two different slots inside the mapping do not overlap; `&mut self` holds
        // the mapping exclusively.
        unsafe {
            (
                std::slice::from_raw_parts_mut(base.add(write * self.slot_bytes), self.frame_bytes),
                std::slice::from_raw_parts(base.add(read * self.slot_bytes), self.frame_bytes),
            )
        }
    }
}

/// The size of a transparent huge page on x86-64 and most arm64 kernels.
const HUGE_PAGE: usize = 2 << 20;

/// A fresh private anonymous mapping of `len` bytes (a multiple of [`HUGE_PAGE`]) starting on a
/// huge-page boundary (see the module's comment for why): a reservation one huge page larger,
/// trimmed at both ends.
fn map_aligned(len: usize) -> io::Result<NonNull<u8>> {
    debug_assert_eq!(len % HUGE_PAGE, 0, "whole huge pages");
    let reserve = len
        .checked_add(HUGE_PAGE)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;
    // SAFETY: a fresh private anonymous mapping; checked for MAP_FAILED below.
    let map = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            reserve,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if map == libc::MAP_FAILED {
        return Err(io::Error::last_os_error());
    }
    let start = map as usize;
    let head = start.next_multiple_of(HUGE_PAGE) - start;
    // Never zero: `head` is less than a huge page.
    let tail = reserve - head - len;
    // SAFETY: `head + len + tail == reserve`, so the parts before and after the aligned range
    // lie inside the mapping just made, on page boundaries.
    unsafe {
        if head > 0 {
            libc::munmap(map, head);
        }
        libc::munmap(map.cast::<u8>().add(head + len).cast(), tail);
    }
    // SAFETY: `head` is inside the mapping.
    Ok(NonNull::new(unsafe { map.cast::<u8>().add(head) }).expect("mmap succeeded"))
}

/// Past this many pieces a rectangle is copied whole rather than around what is rewritten.
const MAX_PIECES: usize = 64;

/// Append to `out` the parts of `rect` outside every rectangle of `holes` (at most
/// [`MAX_PIECES`] of them; past that, `rect` whole).
fn subtract(rect: [u32; 4], holes: &[[u32; 4]], out: &mut Vec<[u32; 4]>) {
    let mut pieces = vec![rect];
    for hole in holes {
        let mut next = Vec::with_capacity(pieces.len() + 3);
        for [x0, y0, x1, y1] in pieces {
            let (ix0, iy0) = (x0.max(hole[0]), y0.max(hole[1]));
            let (ix1, iy1) = (x1.min(hole[2]), y1.min(hole[3]));
            if ix0 >= ix1 || iy0 >= iy1 {
                next.push([x0, y0, x1, y1]);
                continue;
            }
            // Above and below the overlap across the whole piece, then left and right of it.
            if y0 < iy0 {
                next.push([x0, y0, x1, iy0]);
            }
            if iy1 < y1 {
                next.push([x0, iy1, x1, y1]);
            }
            if x0 < ix0 {
                next.push([x0, iy0, ix0, iy1]);
            }
            if ix1 < x1 {
                next.push([ix1, iy0, x1, iy1]);
            }
        }
        if next.len() > MAX_PIECES {
            out.push(rect);
            return;
        }
        pieces = next;
    }
    out.extend(pieces);
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
    /// Splicing from memory is not supported here; nothing was sent.
    Unsupported(io::Error),
    /// The pipe failed (the reader exited); part of the frame may have gone in.
    Pipe(io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};

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
        let reader = slow_reader(read_end);
        let mut feeder = SpliceFeeder::new(frame_bytes, &write_end).unwrap();
        assert!(feeder.slots >= 2);
        for i in 0..frames {
            let frame: Vec<u8> = (0..frame_bytes).map(|j| i.wrapping_add(j as u8)).collect();
            feeder.send(&frame, Changes::All, &write_end).unwrap();
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

    /// A small deterministic generator: each call gives a number below its argument.
    fn xorshift(mut seed: u32) -> impl FnMut(u32) -> u32 {
        move |below| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed % below
        }
    }

    /// Reads everything from `read_end` on another thread, slowly and in small pieces, so
    /// that the writer keeps the pipe full.
    fn slow_reader(read_end: OwnedFd) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut file = std::fs::File::from(read_end);
            let mut got = Vec::new();
            let mut buf = vec![0; 3_000];
            loop {
                std::thread::sleep(std::time::Duration::from_micros(50));
                match file.read(&mut buf).unwrap() {
                    0 => break got,
                    n => got.extend_from_slice(&buf[..n]),
                }
            }
        })
    }

    /// Frames that say which rectangles changed arrive exactly as whole copies would: each
    /// slot catches up on every change made since it was last used, whether the changes come
    /// as rectangles (odd ones widened), as whole frames, or as too many rectangles to track,
    /// and whether frames are copied in or written into their slots rectangle by rectangle.
    #[test]
    fn changed_rectangles_bring_each_slot_up_to_date() {
        let (width, height) = (64u32, 30u32);
        let (w, h) = (width as usize, height as usize);
        let (cw, ch) = (w / 2, h / 2);
        let frame_bytes = I420::byte_len(width, height);
        let (read_end, write_end) = pipe();
        // SAFETY: F_SETPIPE_SZ on the pipe this test owns: a small pipe, so slots are reused
        // while the reader lags.
        unsafe { libc::fcntl(write_end.as_raw_fd(), libc::F_SETPIPE_SZ, 4096) };
        let reader = slow_reader(read_end);
        let mut feeder = SpliceFeeder::new(frame_bytes, &write_end).unwrap();
        let mut random = xorshift(0x9e37_79b9);
        let mut frame: Vec<u8> = (0..frame_bytes).map(|i| i as u8).collect();
        let mut sent = Vec::new();
        for index in 0..200u32 {
            let value = index as u8;
            let mut rects = Vec::new();
            let whole = index % 37 == 5;
            if whole {
                frame
                    .iter_mut()
                    .for_each(|b| *b = b.wrapping_add(value | 1));
            } else {
                let count = if index % 23 == 7 { 300 } else { random(4) };
                for _ in 0..count {
                    let (x0, y0) = (random(width), random(height));
                    let (x1, y1) = (x0 + 1 + random(width - x0), y0 + 1 + random(height - y0));
                    // Change every pixel the (possibly odd) rectangle touches, chroma included.
                    for y in y0..y1 {
                        for x in x0..x1 {
                            frame[y as usize * w + x as usize] = value;
                            let c = (y / 2) as usize * cw + (x / 2) as usize;
                            frame[w * h + c] = value ^ 0x55;
                            frame[w * h + cw * ch + c] = value ^ 0xaa;
                        }
                    }
                    rects.push([x0, y0, x1, y1]);
                }
            }
            let changes = if whole {
                Changes::All
            } else {
                Changes::I420 {
                    width,
                    height,
                    rects: &rects,
                }
            };
            // Runs of frames alternate between being copied in whole (`send`) and being written
            // straight into their slot (`next_slot`): only the changed rectangles, widened to
            // even coordinates, as the encoder converts them.
            if (index / 3) % 2 == 0 {
                feeder.send(&frame, changes, &write_end).unwrap();
            } else {
                let even: Vec<[u32; 4]> = rects
                    .iter()
                    .map(|r| [r[0] & !1, r[1] & !1, r[2] + (r[2] & 1), r[3] + (r[3] & 1)])
                    .collect();
                let rewrite = (!whole).then_some(even.as_slice());
                let slot = feeder.next_slot(rewrite, width, height);
                match rewrite {
                    Some(rects) => {
                        for rect in rects {
                            copy_i420_rect(&frame, slot, width, height, *rect);
                        }
                    }
                    None => slot.copy_from_slice(&frame),
                }
                let changes = match rewrite {
                    Some(rects) => Changes::I420 {
                        width,
                        height,
                        rects,
                    },
                    None => Changes::All,
                };
                feeder.splice_next(changes, &write_end).unwrap();
            }
            sent.extend_from_slice(&frame);
        }
        drop(write_end);
        drop(feeder);
        let got = reader.join().unwrap();
        assert_eq!(got.len(), sent.len());
        for (i, (got, want)) in got
            .chunks(frame_bytes)
            .zip(sent.chunks(frame_bytes))
            .enumerate()
        {
            assert!(
                got == want,
                "frame {i} arrived different from what was sent"
            );
        }
    }

    /// What `subtract` leaves of a rectangle is exactly the pixels outside the holes, as
    /// rectangles inside it that miss every hole (unless there are too many pieces).
    #[test]
    fn subtracting_rectangles_leaves_exactly_the_rest() {
        let mut random = xorshift(0x2545_f491);
        let inside = |r: [u32; 4], x: u32, y: u32| r[0] <= x && x < r[2] && r[1] <= y && y < r[3];
        for _ in 0..500 {
            let rect = |random: &mut dyn FnMut(u32) -> u32| {
                let (x0, y0) = (random(20), random(20));
                [x0, y0, x0 + 1 + random(20 - x0), y0 + 1 + random(20 - y0)]
            };
            let whole = rect(&mut random);
            let count = random(6);
            let holes: Vec<_> = (0..count).map(|_| rect(&mut random)).collect();
            let mut pieces = Vec::new();
            subtract(whole, &holes, &mut pieces);
            for y in 0..20 {
                for x in 0..20 {
                    let wanted = inside(whole, x, y) && !holes.iter().any(|h| inside(*h, x, y));
                    let covered = pieces.iter().filter(|p| inside(**p, x, y)).count();
                    assert_eq!(
                        covered,
                        usize::from(wanted),
                        "{whole:?} less {holes:?} at ({x}, {y})"
                    );
                }
            }
        }
    }

    /// The slots start on a huge-page boundary and span whole huge pages, so that the kernel
    /// can back all of them with huge pages. (Kernels from 6.7 on place an anonymous mapping
    /// of whole huge pages on such a boundary themselves; older ones need the trimming.)
    #[test]
    fn slots_lie_on_whole_huge_pages() {
        let (_read_end, write_end) = pipe();
        let feeder = SpliceFeeder::new(I420::byte_len(1920, 1080), &write_end).unwrap();
        assert_eq!(feeder.map.as_ptr() as usize % HUGE_PAGE, 0);
        assert_eq!(feeder.map_len % HUGE_PAGE, 0);
        assert!(feeder.map_len >= feeder.slot_bytes * feeder.slots);
    }

    #[test]
    fn a_closed_pipe_is_an_error() {
        let (read_end, write_end) = pipe();
        drop(read_end);
        let mut feeder = SpliceFeeder::new(5_000, &write_end).unwrap();
        assert!(matches!(
            feeder.send(&[1; 5_000], Changes::All, &write_end),
            Err(SendError::Pipe(_))
        ));
    }
}
