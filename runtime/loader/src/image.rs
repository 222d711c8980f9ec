//! An object's bytes, handed to the loader, which keeps them for debuggers
//! for the rest of the process: read from a file, they are mapped rather
//! than copied, so what nobody reads (most of an object is debug info that
//! only a debugger ever looks at) never leaves the page cache.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;

pub struct ObjectImage {
    storage: Storage,
}

enum Storage {
    /// A private, writable mapping of a file: writes stay in this process.
    Mapped {
        address: *mut u8,
        len: usize,
    },
    Heap(Vec<u8>),
}

// SAFETY: the mapping is owned by the image alone, like a Vec's buffer.
unsafe impl Send for ObjectImage {}

impl ObjectImage {
    /// The contents of the file at `path`, mapped.
    pub fn map(path: &std::path::Path) -> io::Result<Self> {
        ObjectImage::map_file(&File::open(path)?)
    }

    /// The contents of `file`, mapped.
    pub fn map_file(file: &File) -> io::Result<Self> {
        let len = usize::try_from(file.metadata()?.len())
            .map_err(|_| io::Error::other("file too large"))?;
        if len == 0 {
            return Ok(ObjectImage::from(Vec::new()));
        }
        // SAFETY: a new private mapping of an open file, which the image
        // owns; the object cache replaces files by renaming, never by
        // writing them in place, so the mapped contents stay as read.
        let address = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                0,
            )
        };
        if address == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(ObjectImage {
            storage: Storage::Mapped {
                address: address.cast(),
                len,
            },
        })
    }

    pub fn bytes(&self) -> &[u8] {
        match &self.storage {
            // SAFETY: `len` bytes are mapped for as long as the image lives.
            Storage::Mapped { address, len } => unsafe {
                std::slice::from_raw_parts(*address, *len)
            },
            Storage::Heap(bytes) => bytes,
        }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        match &mut self.storage {
            // SAFETY: as above, and the mapping is writable and the image's
            // own.
            Storage::Mapped { address, len } => unsafe {
                std::slice::from_raw_parts_mut(*address, *len)
            },
            Storage::Heap(bytes) => bytes,
        }
    }

    /// The bytes, writable, kept for the rest of the process.
    pub(crate) fn leak(mut self) -> &'static mut [u8] {
        let bytes = self.bytes_mut() as *mut [u8];
        std::mem::forget(self);
        // SAFETY: the storage is never freed now.
        unsafe { &mut *bytes }
    }
}

impl From<Vec<u8>> for ObjectImage {
    fn from(bytes: Vec<u8>) -> Self {
        ObjectImage {
            storage: Storage::Heap(bytes),
        }
    }
}

impl Drop for ObjectImage {
    fn drop(&mut self) {
        if let Storage::Mapped { address, len } = self.storage {
            // SAFETY: the image's own mapping, unmapped once.
            unsafe { libc::munmap(address.cast(), len) };
        }
    }
}
