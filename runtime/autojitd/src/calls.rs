//! How the session answers each of the program's calls ([`Call`]) with its
//! engine.

use crate::call::Call;
use crate::session::{self, Session};
use autojit_engine::Engine;
use autojit_protocol::autojit::{
    self, decode_hot, decode_leaving, decode_materialize, decode_registrations, HotCall,
    MaterializeCall, ModuleRegistration,
};
use autojit_protocol::{DecodeError, Writer};
use std::sync::Arc;

impl Session {
    /// The result bytes of call `which` with argument bytes `args`. An
    /// index that names no call ends the session, and so does a report the
    /// program does not wait on whose arguments cannot be read.
    pub fn answer(&self, which: u32, args: &[u8]) -> Vec<u8> {
        let call = match Call::try_from(which) {
            Ok(call) => call,
            Err(unknown) => {
                self.end_telling_the_program(format!(
                    "autojitd cannot answer the program's call: {unknown}; report this"
                ));
                // Goes nowhere: the program was told why in a hangup.
                return Vec::new();
            }
        };
        let request = match Request::read(call, args) {
            Ok(request) => request,
            Err(e) => return self.unreadable(call, e),
        };
        // Counts the call as done even when it panics.
        let Some(running) = self.begin_call() else {
            return not_running(call).bytes;
        };
        let engine = running.engine();
        let answer = match request {
            Request::Register(modules) => self.register(engine, modules),
            Request::Materialize(call) => materialize(engine, call),
            Request::Stats => autojit::encode_stats(&engine.stats.snapshot()),
            Request::Hot(call) => hot(engine, call),
            Request::Leaving { wait } => leaving(engine, wait),
        };
        answer.bytes
    }

    /// The answer to a call whose arguments this autojitd cannot read:
    /// the failure as a value where the program reads one; otherwise (a
    /// report, whose answer the program does not read) the session ends,
    /// telling the program why, rather than go on without what it said.
    fn unreadable(&self, call: Call, e: DecodeError) -> Vec<u8> {
        let why = format!(
            "autojitd cannot read the program's {} call ({e}); relink the program with this autojit's stub",
            call.name()
        );
        match call {
            Call::Register | Call::Materialize => failed(call, &why).bytes,
            Call::Stats | Call::Hot | Call::Leaving => {
                self.end_telling_the_program(why);
                Vec::new()
            }
        }
    }

    /// `Error(Sequence<ModuleRegistration>)`.
    fn register(&self, engine: &Engine, modules: Vec<ModuleRegistration>) -> Writer {
        for m in modules {
            session::panic_if_asked(&m.source_path);
            self.log(|| format!("registered {} ({} functions)", m.lazy_path, m.guids.len()));
            engine.register(m.into());
        }
        let mut w = Writer::new();
        w.error(None);
        w
    }
}

/// A call with its arguments, read.
enum Request {
    Register(Vec<ModuleRegistration>),
    Materialize(MaterializeCall),
    Stats,
    Hot(HotCall),
    Leaving { wait: bool },
}

impl Request {
    fn read(call: Call, args: &[u8]) -> Result<Request, DecodeError> {
        Ok(match call {
            Call::Register => Request::Register(decode_registrations(args)?),
            Call::Materialize => Request::Materialize(decode_materialize(args)?),
            Call::Stats => Request::Stats,
            Call::Hot => Request::Hot(decode_hot(args)?),
            Call::Leaving => Request::Leaving {
                wait: decode_leaving(args)?,
            },
        })
    }
}

/// `MaterializeResult(u64 guid, u64 record)`: the address and the bodies
/// linked with it, or the failure as a value for the program's front end to
/// report.
fn materialize(engine: &Engine, MaterializeCall { guid, record }: MaterializeCall) -> Writer {
    let record = (record != 0).then_some(record as usize);
    let result = engine.materialize_with_batch(guid, record);
    autojit::encode_materialize_result(&result)
}

/// `()(Sequence<u64> guids, Sequence<FirstCall>)`: the records of first
/// calls the program answered, then the reports, queued for the background
/// thread.
fn hot(engine: &Arc<Engine>, call: HotCall) -> Writer {
    engine.note_first_calls(&call.first_calls);
    call.guids.into_iter().for_each(|guid| engine.hot(guid));
    Writer::new()
}

/// `()(bool wait)`: nothing more is linked into the program; with `wait`,
/// answered once the background thread has optimized what was reported
/// and stored it.
fn leaving(engine: &Engine, wait: bool) -> Writer {
    engine.stop_linking();
    if wait {
        engine.finish_background_work();
    }
    Writer::new()
}

/// The answer to `call` when the session is not serving.
fn not_running(call: Call) -> Writer {
    failed(call, "autojitd's session for this program is not running")
}

/// The answer to `call` that it failed, `why`, for the program's front end
/// to report: zero stats, and nothing for a report, which has no answer.
fn failed(call: Call, why: &str) -> Writer {
    let mut w = Writer::new();
    match call {
        Call::Register => {
            w.error(Some(why));
        }
        Call::Materialize => {
            w.unexpected(why);
        }
        Call::Stats => w = autojit::encode_stats(&Default::default()),
        Call::Hot | Call::Leaving => {}
    }
    w
}

#[cfg(test)]
mod tests {
    use crate::call::Call;
    use crate::session::tests::{session_without_jit, tear_down};
    use autojit_protocol::{Header, Opcode, Reader, HEADER_SIZE};
    use std::io::Read;
    use std::os::unix::net::UnixStream;

    /// Why the session said it hung up on `program`.
    fn hangup_reason(program: &mut UnixStream) -> String {
        let mut header = [0u8; HEADER_SIZE];
        program.read_exact(&mut header).expect("a message");
        let header = Header::decode(&header).expect("a header");
        assert_eq!(header.opcode, Opcode::Hangup);
        let mut payload = vec![0u8; header.payload_len];
        program.read_exact(&mut payload).expect("its payload");
        Reader::new(&payload)
            .error()
            .expect("an error")
            .expect("why")
    }

    #[test]
    fn an_unknown_call_ends_the_session_naming_it() {
        let (session, mut program) = session_without_jit();
        assert!(session.answer(7, &[]).is_empty());
        assert!(!session.is_open());

        // The program is told why in a hangup...
        let told = hangup_reason(&mut program);
        assert!(told.contains("autojit call 7"), "{told}");

        // ...and the daemon logs it once the session is torn down.
        let logged = tear_down(&session).expect("why the session ended");
        assert_eq!(logged, told);
    }

    /// Index of `call` in the order the JIT binds them.
    fn index(call: Call) -> u32 {
        Call::ALL.iter().position(|&c| c == call).expect("a call") as u32
    }

    #[test]
    fn an_unreadable_report_ends_the_session_naming_it() {
        // A hot report cut short inside its GUIDs, and a leaving call
        // without its flag.
        let cut_hot = [2u8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3];
        for (call, args, name) in [
            (Call::Hot, &cut_hot[..], "hot"),
            (Call::Leaving, &[][..], "leaving"),
        ] {
            let (session, mut program) = session_without_jit();
            assert!(session.answer(index(call), args).is_empty());
            assert!(!session.is_open(), "{name}");
            let told = hangup_reason(&mut program);
            assert!(
                told.starts_with(&format!("autojitd cannot read the program's {name} call (")),
                "{told}"
            );
            assert!(
                told.ends_with("relink the program with this autojit's stub"),
                "{told}"
            );
            assert_eq!(tear_down(&session).as_deref(), Some(told.as_str()));
        }
    }

    #[test]
    fn an_unreadable_call_the_program_waits_on_is_answered_with_why() {
        let (session, _program) = session_without_jit();
        let answer = session.answer(index(Call::Register), &[1, 2, 3]);
        let why = Reader::new(&answer)
            .error()
            .expect("an error")
            .expect("why");
        assert!(
            why.contains("cannot read the program's register call"),
            "{why}"
        );
        // The session goes on: the program reports the failure itself.
        assert!(session.is_open());
    }
}
