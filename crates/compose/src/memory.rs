//! A counting allocator for QuickJS: enforces the heap limit and remembers that it was hit, so
//! an out-of-memory failure is reported as such even when QuickJS can only throw `null`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rquickjs::allocator::{Allocator, RustAllocator};

/// Shared view of a [`LimitedAllocator`]'s state.
#[derive(Debug, Default)]
pub struct HeapMeter {
    pub used: AtomicUsize,
    pub limit_hit: AtomicBool,
}

pub struct LimitedAllocator {
    inner: RustAllocator,
    limit: usize,
    meter: Arc<HeapMeter>,
}

impl LimitedAllocator {
    pub fn new(limit: usize, meter: Arc<HeapMeter>) -> Self {
        Self {
            inner: RustAllocator,
            limit,
            meter,
        }
    }

    fn admit(&self, release: usize, request: usize) -> bool {
        let used = self.meter.used.load(Ordering::Relaxed);
        if used.saturating_sub(release).saturating_add(request) > self.limit {
            self.meter.limit_hit.store(true, Ordering::Relaxed);
            return false;
        }
        true
    }

    fn account(&self, released: usize, allocated: usize) {
        let used = self.meter.used.load(Ordering::Relaxed);
        self.meter
            .used
            .store(used.saturating_sub(released) + allocated, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded to RustAllocator, which upholds the contract; we only add
// bookkeeping and refuse allocations past the limit by returning null, which QuickJS handles.
unsafe impl Allocator for LimitedAllocator {
    fn alloc(&mut self, size: usize) -> *mut u8 {
        if !self.admit(0, size) {
            return std::ptr::null_mut();
        }
        let ptr = self.inner.alloc(size);
        if !ptr.is_null() {
            // SAFETY: ptr was just returned by the inner allocator.
            self.account(0, unsafe { RustAllocator::usable_size(ptr) });
        }
        ptr
    }

    fn calloc(&mut self, count: usize, size: usize) -> *mut u8 {
        if !self.admit(0, count.saturating_mul(size)) {
            return std::ptr::null_mut();
        }
        let ptr = self.inner.calloc(count, size);
        if !ptr.is_null() {
            // SAFETY: ptr was just returned by the inner allocator.
            self.account(0, unsafe { RustAllocator::usable_size(ptr) });
        }
        ptr
    }

    unsafe fn dealloc(&mut self, ptr: *mut u8) {
        if ptr.is_null() {
            return;
        }
        // SAFETY: QuickJS only frees pointers this allocator returned.
        let size = unsafe { RustAllocator::usable_size(ptr) };
        self.account(size, 0);
        // SAFETY: as above.
        unsafe { self.inner.dealloc(ptr) };
    }

    unsafe fn realloc(&mut self, ptr: *mut u8, new_size: usize) -> *mut u8 {
        if ptr.is_null() {
            return self.alloc(new_size);
        }
        // SAFETY: ptr was returned by this allocator.
        let old = unsafe { RustAllocator::usable_size(ptr) };
        if !self.admit(old, new_size) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded with the same contract.
        let new = unsafe { self.inner.realloc(ptr, new_size) };
        if !new.is_null() {
            // SAFETY: new was just returned by the inner allocator.
            self.account(old, unsafe { RustAllocator::usable_size(new) });
        } else if new_size == 0 {
            self.account(old, 0);
        }
        new
    }

    unsafe fn usable_size(ptr: *mut u8) -> usize {
        // SAFETY: forwarded with the same contract.
        unsafe { RustAllocator::usable_size(ptr) }
    }
}
