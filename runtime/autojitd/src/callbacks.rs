//! The functions C++ calls (`cpp/remote_jit.cpp`, declared in
//! `cpp/boundary.h`): the transport under the session's JIT and its call
//! handlers, each reaching the session given to `autojitd_session_create`.
//!
//! A panic must not unwind into C++: each callback catches it, fails the
//! session, and answers as if the connection were gone.

use crate::fault;
use crate::session::Session;
use std::ffi::{c_char, c_int, c_void, CStr};

fn session<'a>(ctx: *mut c_void) -> &'a Session {
    // SAFETY: `ctx` is the Session that `session::serve` keeps alive until
    // the JIT that calls back with it is disposed and the reader has
    // finished.
    unsafe { &*(ctx as *const Session) }
}

/// Runs a callback for the session at `ctx`; a panic fails the session,
/// and the callback answers `failed`.
fn guarded<T>(ctx: *mut c_void, failed: T, f: impl FnOnce(&Session) -> T) -> T {
    let s = session(ctx);
    let _entered = fault::enter(&s.label);
    fault::catch(|| f(s)).unwrap_or_else(|panic| {
        s.fail(panic);
        failed
    })
}

#[no_mangle]
pub extern "C" fn autojitd_start(ctx: *mut c_void, transport: *mut c_void) {
    // Addresses, to cross to the reader thread: both live until the
    // session has joined it.
    let (ctx_addr, transport_addr) = (ctx as usize, transport as usize);
    let read =
        move || session(ctx_addr as *mut c_void).read_until_end(transport_addr as *mut c_void);
    guarded(ctx, (), |s| {
        match std::thread::Builder::new()
            .name("reader".into())
            .spawn(read)
        {
            Ok(reader) => s.keep_reader(reader),
            Err(e) => s.fail(format!("cannot start the session's reader: {e}")),
        }
    })
}

#[no_mangle]
pub extern "C" fn autojitd_send(
    ctx: *mut c_void,
    opcode: u64,
    seq_no: u64,
    tag: u64,
    bytes: *const c_char,
    len: usize,
) -> c_int {
    guarded(ctx, -1, |s| {
        let Ok(opcode) = opcode.try_into() else {
            return -1;
        };
        if !s.is_open() {
            return -1;
        }
        // SAFETY: ORC passes `len` readable bytes at `bytes`.
        let payload = unsafe { bytes_at(bytes, len) };
        let payload = s.bridge.outgoing(opcode, seq_no, tag, payload);
        match s.write_message(opcode, seq_no, tag, &payload) {
            Ok(()) => 0,
            Err(_) => -1,
        }
    })
}

#[no_mangle]
pub extern "C" fn autojitd_setting(
    ctx: *mut c_void,
    name: *const c_char,
    value: *const c_char,
    len: usize,
) {
    guarded(ctx, (), |s| {
        // SAFETY: ORC passes a NUL-terminated name and `len` bytes at `value`.
        let (name, value) = unsafe { (CStr::from_ptr(name), bytes_at(value, len)) };
        s.add_setting(
            name.to_string_lossy().into_owned(),
            String::from_utf8_lossy(value).into_owned(),
        );
    })
}

#[no_mangle]
pub extern "C" fn autojitd_disconnect(ctx: *mut c_void) {
    guarded(ctx, (), Session::stop_reading)
}

#[no_mangle]
pub extern "C" fn autojitd_call(
    ctx: *mut c_void,
    which: u32,
    args: *const c_char,
    len: usize,
    result: *mut *mut c_char,
    result_len: *mut usize,
) {
    // SAFETY: ORC passes `len` readable argument bytes at `args`.
    let args = unsafe { bytes_at(args, len) };
    // A failed session has told the program why; this answer goes nowhere.
    let bytes = guarded(ctx, Vec::new(), |s| s.answer(which, args));
    // SAFETY: a malloc'ed copy the C++ side frees; the out-pointers are
    // valid for writing.
    unsafe {
        let copy = libc::malloc(bytes.len().max(1)) as *mut c_char;
        if !copy.is_null() {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), copy.cast(), bytes.len());
        }
        *result = copy;
        *result_len = if copy.is_null() { 0 } else { bytes.len() };
    }
}

/// The `len` bytes at `p`, which may be null when `len` is 0.
///
/// # Safety
/// `p` must point to `len` readable bytes that outlive the use.
unsafe fn bytes_at<'a>(p: *const c_char, len: usize) -> &'a [u8] {
    if len == 0 {
        return &[];
    }
    // SAFETY: the caller's promise.
    unsafe { std::slice::from_raw_parts(p.cast(), len) }
}

/// Fails to compile unless each Rust definition has the header's type: the
/// declaration and the definition only make one array if their types agree.
macro_rules! defined_as_declared {
    ($($name:ident),* $(,)?) => {
        $(const _: () = {
            let _ = [crate::boundary::$name, $name];
        };)*
    };
}

defined_as_declared!(
    autojitd_start,
    autojitd_send,
    autojitd_setting,
    autojitd_disconnect,
    autojitd_call,
);
