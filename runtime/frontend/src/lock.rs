//! A lock its holder may take again, and that knows who holds it: a
//! materializing thread may be interrupted by a signal handler that calls a
//! lazy function, and the remote backend serves the daemon's calls inline,
//! where JIT'd code may call back; neither may wait for its own thread.

use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicUsize, Ordering};

pub struct ReentrantLock {
    mutex: UnsafeCell<libc::pthread_mutex_t>,
    /// `pthread_self()` of the holder, 0 when free.
    owner: AtomicUsize,
    /// How many times the holder took it; only the holder touches it.
    depth: UnsafeCell<usize>,
}

// SAFETY: the mutex is made for sharing between threads; `depth` is only
// read and written by the thread that holds the mutex.
unsafe impl Sync for ReentrantLock {}

pub struct Guard<'a>(&'a ReentrantLock);

fn current_thread() -> usize {
    // SAFETY: pthread_self has no preconditions.
    unsafe { libc::pthread_self() as usize }
}

impl ReentrantLock {
    pub const fn new() -> Self {
        ReentrantLock {
            mutex: UnsafeCell::new(libc::PTHREAD_MUTEX_INITIALIZER),
            owner: AtomicUsize::new(0),
            depth: UnsafeCell::new(0),
        }
    }

    pub fn held_by_current_thread(&self) -> bool {
        self.owner.load(Ordering::Relaxed) == current_thread()
    }

    pub fn lock(&self) -> Guard<'_> {
        if !self.held_by_current_thread() {
            // SAFETY: the mutex is initialized and never moved (it is in a
            // static or pinned for its owner's life).
            unsafe { libc::pthread_mutex_lock(self.mutex.get()) };
            self.owner.store(current_thread(), Ordering::Relaxed);
        }
        // SAFETY: this thread holds the mutex.
        unsafe { *self.depth.get() += 1 };
        Guard(self)
    }

    /// The lock, unless another thread holds it.
    pub fn try_lock(&self) -> Option<Guard<'_>> {
        if !self.held_by_current_thread() {
            // SAFETY: as in `lock`.
            if unsafe { libc::pthread_mutex_trylock(self.mutex.get()) } != 0 {
                return None;
            }
            self.owner.store(current_thread(), Ordering::Relaxed);
        }
        // SAFETY: this thread holds the mutex.
        unsafe { *self.depth.get() += 1 };
        Some(Guard(self))
    }

    /// For `pthread_atfork`: takes the lock without a guard...
    pub fn lock_for_fork(&self) {
        core::mem::forget(self.lock());
    }

    /// ... and releases it in the parent.
    pub fn unlock_after_fork(&self) {
        drop(Guard(self));
    }

    /// In the child of a fork, only the forking thread exists: whoever
    /// held the lock is gone.
    pub fn reset_in_child(&self) {
        // SAFETY: the child has a single thread, so nothing else can touch
        // the lock while it is re-initialized.
        unsafe {
            *self.mutex.get() = libc::PTHREAD_MUTEX_INITIALIZER;
            *self.depth.get() = 0;
        }
        self.owner.store(0, Ordering::Relaxed);
    }
}

impl Default for ReentrantLock {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        // SAFETY: a guard exists only while its thread holds the mutex.
        unsafe {
            let depth = &mut *self.0.depth.get();
            *depth = depth.saturating_sub(1);
            if *depth == 0 {
                self.0.owner.store(0, Ordering::Relaxed);
                libc::pthread_mutex_unlock(self.0.mutex.get());
            }
        }
    }
}

/// A list behind a lock of its own that is never held while calling out (a
/// leaf lock): constructors add to one under the dynamic loader's lock, and
/// first-tier code on any thread, neither of which may wait for a thread
/// that is materializing.
pub struct LeafList<T> {
    pub lock: ReentrantLock,
    items: UnsafeCell<Vec<T>>,
}

// SAFETY: `items` is only touched with `lock` held, and never while calling
// out.
unsafe impl<T: Send> Sync for LeafList<T> {}

impl<T> LeafList<T> {
    pub const fn new() -> Self {
        LeafList {
            lock: ReentrantLock::new(),
            items: UnsafeCell::new(Vec::new()),
        }
    }

    pub fn push(&self, item: T) {
        let _guard = self.lock.lock();
        // SAFETY: the lock is held, and nothing else borrows the items.
        unsafe { (*self.items.get()).push(item) };
    }

    /// `read`'s result on the items, which it must not call out from.
    pub fn read<R>(&self, read: impl FnOnce(&[T]) -> R) -> R {
        let _guard = self.lock.lock();
        // SAFETY: the lock is held, and `read` does not call out.
        read(unsafe { &*self.items.get() })
    }

    /// The items, leaving the list empty.
    pub fn take(&self) -> Vec<T> {
        let _guard = self.lock.lock();
        // SAFETY: the lock is held, and nothing else borrows the items.
        core::mem::take(unsafe { &mut *self.items.get() })
    }

    /// In the child of a fork, with the items if `keep`.
    pub fn reset_in_child(&self, keep: bool) {
        self.lock.reset_in_child();
        if !keep {
            // SAFETY: the child has one thread, and the lock is free.
            unsafe { (*self.items.get()).clear() };
        }
    }
}

impl<T> Default for LeafList<T> {
    fn default() -> Self {
        Self::new()
    }
}
