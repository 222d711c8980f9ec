//! Framed messages over a pair of file descriptors: a socket to autojitd,
//! or the pipes LLVM's tools give an executor.

use crate::sys;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use autojit_protocol::{read_payload, Header, Opcode, HEADER_SIZE};

/// Why a session cannot go on.
pub enum Ended {
    /// The peer broke the protocol: what was wrong, naming the message.
    Violation(String),
    /// End of file or a broken connection between two messages.
    Closed,
    /// The peer hung up, with its error if it had one.
    Hangup(Option<String>),
}

pub struct Connection {
    input: i32,
    output: i32,
    /// Sockets are written with MSG_NOSIGNAL: a daemon that went away must
    /// not kill the program with SIGPIPE.
    output_is_socket: bool,
}

impl Connection {
    pub fn new(input: i32, output: i32) -> Self {
        // SAFETY: fstat only writes `st`.
        let output_is_socket = unsafe {
            let mut st: libc::stat = core::mem::zeroed();
            libc::fstat(output, &mut st) == 0 && st.st_mode & libc::S_IFMT == libc::S_IFSOCK
        };
        Connection {
            input,
            output,
            output_is_socket,
        }
    }

    pub fn send(
        &self,
        opcode: Opcode,
        seq_no: u64,
        tag_addr: u64,
        payload: &[u8],
    ) -> Result<(), Ended> {
        let header = Header {
            opcode,
            seq_no,
            tag_addr,
            payload_len: payload.len(),
        };
        let mut message = Vec::with_capacity(HEADER_SIZE + payload.len());
        message.extend_from_slice(&header.encode());
        message.extend_from_slice(payload);
        let mut rest = &message[..];
        while !rest.is_empty() {
            // SAFETY: `rest` is valid for its length.
            let n = unsafe {
                if self.output_is_socket {
                    libc::send(
                        self.output,
                        rest.as_ptr().cast(),
                        rest.len(),
                        libc::MSG_NOSIGNAL,
                    )
                } else {
                    libc::write(self.output, rest.as_ptr().cast(), rest.len())
                }
            };
            if n < 0 && sys::errno() == libc::EINTR {
                continue;
            }
            if n <= 0 {
                return Err(Ended::Closed);
            }
            rest = rest.get(n as usize..).unwrap_or_default();
        }
        Ok(())
    }

    /// The next message. End of file before its first byte is [`Ended::Closed`];
    /// anywhere else, a violation.
    pub fn receive(&self) -> Result<(Header, Vec<u8>), Ended> {
        let mut header = [0u8; HEADER_SIZE];
        let got = self.read_into(&mut header)?;
        if got == 0 {
            return Err(Ended::Closed);
        }
        if got < HEADER_SIZE {
            return Err(Ended::Violation(format!(
                "the connection ended inside a message header ({got} of {HEADER_SIZE} bytes)"
            )));
        }
        let header = Header::decode(&header)
            .map_err(|e| Ended::Violation(format!("bad message header: {e}")))?;
        match read_payload(header.payload_len, |buf| self.read_into(buf))? {
            Ok(payload) => Ok((header, payload)),
            Err(got) => Err(Ended::Violation(format!(
                "the connection ended inside a message of opcode {} ({got} of {} argument bytes)",
                header.opcode as u64, header.payload_len
            ))),
        }
    }

    /// Fills `buf` unless the input ends first; returns the bytes read.
    fn read_into(&self, buf: &mut [u8]) -> Result<usize, Ended> {
        let mut got = 0;
        while got < buf.len() {
            let rest = &mut buf[got..];
            // SAFETY: `rest` is valid for writes of its length.
            let n = unsafe { libc::read(self.input, rest.as_mut_ptr().cast(), rest.len()) };
            if n < 0 && sys::errno() == libc::EINTR {
                continue;
            }
            if n < 0 {
                // A reset connection is a closed one.
                return if got == 0 {
                    Err(Ended::Closed)
                } else {
                    Ok(got)
                };
            }
            if n == 0 {
                break;
            }
            got += n as usize;
        }
        Ok(got)
    }

    /// Waits until a message (or end of file) can be read; with `block`
    /// false, only tells whether one can be read now.
    pub fn readable(&self, block: bool) -> bool {
        let mut fd = libc::pollfd {
            fd: self.input,
            events: libc::POLLIN,
            revents: 0,
        };
        loop {
            // SAFETY: one valid pollfd.
            let n = unsafe { libc::poll(&mut fd, 1, if block { -1 } else { 0 }) };
            if n < 0 && sys::errno() == libc::EINTR {
                continue;
            }
            return n > 0;
        }
    }

    /// Closes the descriptors; nothing is sent.
    pub fn close(&self) {
        // SAFETY: the connection owns its descriptors and is not used after.
        unsafe {
            libc::close(self.input);
            if self.output != self.input {
                libc::close(self.output);
            }
        }
    }
}
