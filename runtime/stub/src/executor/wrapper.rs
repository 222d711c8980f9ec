//! ORC's C wrapper-function ABI: `CWrapperFunctionResult fn(const char *,
//! size_t)`. Results of up to 8 bytes are stored inline, larger ones in
//! malloc'ed memory the receiver frees; size 0 with a pointer is an
//! out-of-band error message.

use alloc::string::String;
use alloc::vec::Vec;

const INLINE: usize = core::mem::size_of::<*mut u8>();

#[repr(C)]
#[derive(Clone, Copy)]
pub union ResultData {
    pointer: *mut u8,
    inline: [u8; INLINE],
}

#[repr(C)]
pub struct CWrapperFunctionResult {
    data: ResultData,
    size: usize,
}

pub type WrapperFn = unsafe extern "C" fn(*const u8, usize) -> CWrapperFunctionResult;

impl CWrapperFunctionResult {
    /// A result holding `bytes`, for C code to read and free.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        if bytes.len() <= INLINE {
            let mut inline = [0u8; INLINE];
            inline[..bytes.len()].copy_from_slice(bytes);
            return CWrapperFunctionResult {
                data: ResultData { inline },
                size: bytes.len(),
            };
        }
        // SAFETY: malloc of a non-zero size; the receiver frees it.
        let pointer: *mut u8 = unsafe { libc::malloc(bytes.len()) }.cast();
        if pointer.is_null() {
            return Self::out_of_band_error("out of memory");
        }
        // SAFETY: `pointer` holds `bytes.len()` bytes.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), pointer, bytes.len()) };
        CWrapperFunctionResult {
            data: ResultData { pointer },
            size: bytes.len(),
        }
    }

    /// An out-of-band error: the call itself failed.
    pub fn out_of_band_error(message: &str) -> Self {
        // SAFETY: malloc of the message and its NUL.
        let pointer: *mut u8 = unsafe { libc::malloc(message.len() + 1) }.cast();
        if !pointer.is_null() {
            // SAFETY: `pointer` holds the message and its NUL.
            unsafe {
                core::ptr::copy_nonoverlapping(message.as_ptr(), pointer, message.len());
                *pointer.add(message.len()) = 0;
            }
        }
        CWrapperFunctionResult {
            data: ResultData { pointer },
            size: 0,
        }
    }

    /// The result's bytes, or its out-of-band error; frees what C code
    /// allocated.
    pub fn into_bytes(self) -> Result<Vec<u8>, String> {
        if self.size <= INLINE && self.size > 0 {
            // SAFETY: results of up to 8 bytes are inline.
            return Ok(unsafe { self.data.inline }[..self.size].to_vec());
        }
        // SAFETY: otherwise the union holds a malloc'ed pointer or null.
        let pointer = unsafe { self.data.pointer };
        if pointer.is_null() {
            return Ok(Vec::new());
        }
        let out = if self.size == 0 {
            // SAFETY: an out-of-band error is a NUL-terminated message.
            Err(unsafe { crate::sys::cstr(pointer.cast()) }
                .unwrap_or("out-of-band error")
                .into())
        } else {
            // SAFETY: a large result holds `size` bytes at `pointer`.
            Ok(unsafe { core::slice::from_raw_parts(pointer, self.size) }.to_vec())
        };
        // SAFETY: the receiver of a result frees its memory.
        unsafe { libc::free(pointer.cast()) };
        out
    }
}
