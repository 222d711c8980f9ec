//! One SimpleRemoteEPC session, executor side. There is no listener thread:
//! the thread that holds the session's lock sends its request and reads
//! messages, serving the controller's calls inline, until the result it
//! waits for arrives.

use crate::executor::{self, wrapper::CWrapperFunctionResult, Executor, Service};
use crate::transport::{Connection, Ended};
use alloc::format;
use alloc::vec::Vec;
use autojit_frontend::lock::ReentrantLock;
use autojit_protocol::{ExecutorInfo, Opcode, Reader, Writer};
use core::cell::{Cell, RefCell};

pub const TARGET_TRIPLE: &str = "x86_64-unknown-linux-gnu";

pub struct ExecutorSession {
    connection: Connection,
    /// Held by whoever reads or writes the connection.
    pub lock: &'static ReentrantLock,
    executor: Executor,
    next_seq_no: Cell<u64>,
    /// Calls of this executor waiting for their result, and the results
    /// that arrived while another call was being waited for.
    pending: RefCell<Vec<(u64, Option<Vec<u8>>)>>,
    /// Set when the daemon called the session-ready wrapper.
    ready: Cell<bool>,
}

impl ExecutorSession {
    pub fn new(connection: Connection, lock: &'static ReentrantLock) -> Self {
        ExecutorSession {
            connection,
            lock,
            executor: Executor::new(),
            next_seq_no: Cell::new(1),
            pending: RefCell::new(Vec::new()),
            ready: Cell::new(false),
        }
    }

    pub fn executor(&self) -> &Executor {
        &self.executor
    }

    /// Introduces the executor. The session must stay at this address: it
    /// is the dispatch context the controller passes back.
    /// `bootstrap_map`: the program's settings for autojitd.
    pub fn send_setup(
        &self,
        bootstrap_map: Vec<(alloc::string::String, Vec<u8>)>,
    ) -> Result<(), Ended> {
        let info = ExecutorInfo {
            target_triple: TARGET_TRIPLE.into(),
            page_size: crate::sys::page_size() as u64,
            bootstrap_map,
            bootstrap_symbols: executor::bootstrap_symbols(
                self as *const ExecutorSession as u64,
                crate::dispatch_fn_address(),
            ),
        };
        let mut w = Writer::new();
        info.encode(&mut w);
        self.connection.send(Opcode::Setup, 0, 0, &w.bytes)
    }

    /// Serves the controller until it calls the session-ready wrapper.
    pub fn wait_until_ready(&self) -> Result<(), Ended> {
        while !self.ready.get() {
            self.handle_next_message()?;
        }
        Ok(())
    }

    /// Calls the controller's wrapper at `tag`; its result bytes.
    pub fn call(&self, tag: u64, args: &[u8]) -> Result<Vec<u8>, Ended> {
        let seq_no = self.next_seq_no.get();
        self.next_seq_no.set(seq_no.wrapping_add(1));
        self.pending.borrow_mut().push((seq_no, None));
        let result = self
            .connection
            .send(Opcode::CallWrapper, seq_no, tag, args)
            .and_then(|()| loop {
                if let Some(result) = self.take_result(seq_no) {
                    break Ok(result);
                }
                self.handle_next_message()?;
            });
        self.pending.borrow_mut().retain(|(s, _)| *s != seq_no);
        result
    }

    fn take_result(&self, seq_no: u64) -> Option<Vec<u8>> {
        let mut pending = self.pending.borrow_mut();
        pending
            .iter_mut()
            .find(|(s, _)| *s == seq_no)
            .and_then(|(_, result)| result.take())
    }

    /// Ends the session from this side (the payload is a success `SPSError`).
    pub fn send_hangup(&self) -> Result<(), Ended> {
        self.connection.send(Opcode::Hangup, 0, 0, &[0])
    }

    /// Reads and handles messages until the controller closes the
    /// connection or hangs up.
    pub fn drain(&self) -> Result<(), Ended> {
        loop {
            match self.handle_next_message() {
                Ok(()) => {}
                Err(Ended::Closed | Ended::Hangup(None)) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }

    /// Serves a controller until it hangs up or closes the connection
    /// (LLVM's tools close without a hangup), or until `before_each`, run
    /// with the lock held before each message (it may use the session
    /// too), says no. Holds the
    /// lock only while a message is handled, so other threads can call the
    /// controller.
    pub fn serve(&self, before_each: &dyn Fn() -> bool) -> Result<(), Ended> {
        loop {
            self.connection.readable(true);
            let _guard = self.lock.lock();
            if !before_each() {
                return Ok(());
            }
            if !self.connection.readable(false) {
                continue;
            }
            match self.handle_next_message() {
                Ok(()) => {}
                Err(Ended::Closed | Ended::Hangup(None)) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }

    /// Closes the connection without telling the peer (a forked child's
    /// copy of its parent's session).
    pub fn close(&self) {
        self.connection.close();
    }

    fn handle_next_message(&self) -> Result<(), Ended> {
        let (header, payload) = self.connection.receive()?;
        match header.opcode {
            Opcode::Setup => Err(Ended::Violation(
                "a Setup message from the controller".into(),
            )),
            Opcode::Hangup => {
                let mut r = Reader::new(&payload);
                let error = if payload.is_empty() {
                    None
                } else {
                    r.error()
                        .and_then(|e| r.finish().map(|()| e))
                        .map_err(|e| Ended::Violation(format!("Hangup: {e}")))?
                };
                Err(Ended::Hangup(error))
            }
            Opcode::Result => {
                let mut pending = self.pending.borrow_mut();
                match pending
                    .iter_mut()
                    .find(|(s, result)| *s == header.seq_no && result.is_none())
                {
                    Some((_, result)) => {
                        *result = Some(payload);
                        Ok(())
                    }
                    None => Err(Ended::Violation(format!(
                        "Result for sequence number {}, which no call of this executor waits for",
                        header.seq_no
                    ))),
                }
            }
            Opcode::CallWrapper => {
                let result = self.serve_call(header.tag_addr, &payload)?;
                self.connection
                    .send(Opcode::Result, header.seq_no, 0, &result)
            }
        }
    }

    fn serve_call(&self, tag: u64, args: &[u8]) -> Result<Vec<u8>, Ended> {
        if tag == executor::tag(Service::SessionReady) {
            if !args.is_empty() {
                return Err(Ended::Violation(
                    "session ready: unexpected arguments".into(),
                ));
            }
            self.ready.set(true);
            let mut w = Writer::new();
            w.error(None);
            return Ok(w.bytes);
        }
        match self.executor.call(tag, args) {
            Some(result) => result.map_err(Ended::Violation),
            None => Err(Ended::Violation(format!(
                "CallWrapper to unknown tag 0x{tag:x} ({} argument bytes)",
                args.len()
            ))),
        }
    }

    /// The dispatch function's work: a call from JIT'd code to the
    /// controller's wrapper at `tag`, on any thread.
    pub fn dispatch(&self, tag: u64, args: &[u8]) -> Result<CWrapperFunctionResult, Ended> {
        let _guard = self.lock.lock();
        let result = self.call(tag, args)?;
        Ok(CWrapperFunctionResult::from_bytes(&result))
    }
}
