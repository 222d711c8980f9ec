//! The session's reader: reads the program's messages off the connection,
//! checks them with the protocol crate before LLVM sees a byte, and
//! delivers them to the session's JIT, until the session ends.
//!
//! A hostile header costs nothing (payloads are read in steps as bytes
//! arrive), and a malformed message ends this session only.

use crate::boundary;
use crate::fault;
use crate::session::Session;
use autojit_llvm_capi::take_message;
use autojit_protocol::{read_payload, ExecutorInfo, Header, Opcode, Reader, HEADER_SIZE};
use std::ffi::{c_void, CString};
use std::fs::File;
use std::io::Read;
use std::os::fd::AsRawFd;
use std::time::Duration;

/// How long a program connecting to a standalone daemon may take to send
/// its setup message: a connection that never does would hold a thread.
pub const SETUP_TIMEOUT: Duration = Duration::from_secs(10);

const MESSAGE_CUT: &str = "the program closed the connection in the middle of a message";

impl Session {
    /// The reader thread's work: delivers the program's messages to
    /// `transport` until the session ends, then tells the transport why.
    pub fn read_until_end(&self, transport: *mut c_void) {
        let _entered = fault::enter(&self.label);
        let why = fault::catch(|| self.read_messages(transport)).unwrap_or_else(|panic| {
            self.fail(panic);
            None
        });
        self.end(why.clone());
        let c_why = why
            .as_deref()
            .map(|w| CString::new(w.replace('\0', " ")).unwrap_or_default());
        // SAFETY: the transport lives until its client has been told the
        // session is over, which is this call.
        unsafe {
            boundary::autojitd_disconnected(
                transport,
                c_why.as_ref().map_or(std::ptr::null(), |w| w.as_ptr()),
            )
        };
    }

    /// Reads messages and delivers them to the JIT until the session ends;
    /// None when the program hung up or closed the connection between
    /// messages, else why it ended.
    fn read_messages(&self, transport: *mut c_void) -> Option<String> {
        let input = &self.input;
        loop {
            let mut header = [0u8; HEADER_SIZE];
            match read_up_to(input, &mut header) {
                Ok(HEADER_SIZE) => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    return Some(format!(
                        "the program sent no setup message within {} s",
                        SETUP_TIMEOUT.as_secs()
                    ))
                }
                // Between messages: the program ended without a hangup (it
                // exited on an error, or was killed); nothing to report.
                Ok(0) => return None,
                Ok(_) => return Some(MESSAGE_CUT.into()),
                Err(e) => return Some(format!("reading from the program failed: {e}")),
            }
            let header = match Header::decode(&header) {
                Ok(h) => h,
                Err(e) => return Some(format!("the program sent a {e}")),
            };
            let payload = match read_payload(header.payload_len, |buf| read_up_to(input, buf)) {
                Ok(Ok(p)) => p,
                Ok(Err(_)) => return Some(MESSAGE_CUT.into()),
                Err(e) => return Some(format!("reading from the program failed: {e}")),
            };
            if !self.is_open() {
                // The session is being torn down: deliver nothing more.
                return None;
            }
            if header.opcode == Opcode::Setup {
                if let Err(why) = check_setup(&payload) {
                    return Some(why);
                }
                // Set up: from now on the program may stay silent for as
                // long as it runs.
                set_read_timeout(input, None);
            }
            let payload = match self.bridge.incoming(header.opcode, header.seq_no, &payload) {
                Ok(p) => p,
                Err(why) => return Some(why),
            };
            let mut error = std::ptr::null_mut();
            // SAFETY: `transport` is the session's live transport; the payload
            // outlives the call, which copies it.
            let go_on = unsafe {
                boundary::autojitd_deliver(
                    transport,
                    header.opcode as u64,
                    header.seq_no,
                    header.tag_addr,
                    payload.as_ptr().cast(),
                    payload.len(),
                    &mut error,
                )
            };
            match go_on {
                1 => continue,
                0 => return None,
                // SAFETY: the C++ made the message for us to free.
                _ => return Some(unsafe { take_message(error) }),
            }
        }
    }
}

/// What LLVM takes from the program's setup message on trust: a page size
/// it divides by, and the target it generates code for.
fn check_setup(payload: &[u8]) -> Result<(), String> {
    let mut r = Reader::new(payload);
    let info = ExecutorInfo::decode(&mut r)
        .and_then(|info| r.finish().map(|()| info))
        .map_err(|e| format!("the program sent a {e} in its setup message"))?;
    if !info.page_size.is_power_of_two() || !(4096..=1 << 30).contains(&info.page_size) {
        return Err(format!(
            "the program's setup message gives a page size of {}",
            info.page_size
        ));
    }
    let host_arch = std::env::consts::ARCH;
    if info.target_triple.split('-').next() != Some(host_arch) {
        return Err(format!(
            "the program runs on {}, this autojitd compiles for {host_arch}",
            info.target_triple
        ));
    }
    Ok(())
}

/// Fills `buf` unless the input ends first; how many bytes it read.
fn read_up_to(mut input: &File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Sets (or with None, clears) the socket's read timeout.
pub fn set_read_timeout(socket: &File, timeout: Option<Duration>) {
    let timeout = timeout.unwrap_or_default();
    let value = libc::timeval {
        tv_sec: timeout.as_secs() as libc::time_t,
        tv_usec: timeout.subsec_micros() as libc::suseconds_t,
    };
    // SAFETY: SO_RCVTIMEO reads one timeval; on a descriptor that is not a
    // socket the call fails and changes nothing.
    unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVTIMEO,
            &value as *const libc::timeval as *const libc::c_void,
            std::mem::size_of::<libc::timeval>() as libc::socklen_t,
        )
    };
}
