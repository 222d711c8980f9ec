//! How the session answers each of the program's calls ([`Call`]) with its
//! engine.

use crate::call::Call;
use crate::session::{self, Session};
use autojit_engine::Engine;
use autojit_protocol::autojit::{
    self, decode_hot, decode_leaving, decode_materialize, decode_registrations, MaterializeCall,
};
use autojit_protocol::Writer;
use std::sync::Arc;

impl Session {
    /// The result bytes of call `which` with argument bytes `args`. An
    /// index that names no call ends the session.
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
        // Counts the call as done even when it panics.
        let Some(running) = self.begin_call() else {
            return not_running(call).bytes;
        };
        let engine = running.engine();
        let answer = match call {
            Call::Register => self.register(engine, args),
            Call::Materialize => materialize(engine, args),
            Call::Stats => autojit::encode_stats(&engine.stats.snapshot()),
            Call::Hot => hot(engine, args),
            Call::Leaving => leaving(engine, args),
        };
        answer.bytes
    }

    /// `Error(Sequence<ModuleRegistration>)`.
    fn register(&self, engine: &Engine, args: &[u8]) -> Writer {
        let mut w = Writer::new();
        let modules = match decode_registrations(args) {
            Ok(modules) => modules,
            Err(e) => {
                w.error(Some(&format!("autojitd cannot read the program's module registration ({e}); relink the program with this autojit's stub")));
                return w;
            }
        };
        for m in modules {
            session::panic_if_asked(&m.source_path);
            self.log(|| format!("registered {} ({} functions)", m.lazy_path, m.guids.len()));
            engine.register(m.into());
        }
        w.error(None);
        w
    }
}

/// `MaterializeResult(u64 guid, u64 record)`: the address and the bodies
/// linked with it, or the failure as a value for the program's front end to
/// report.
fn materialize(engine: &Engine, args: &[u8]) -> Writer {
    match decode_materialize(args) {
        Ok(MaterializeCall { guid, record }) => {
            let record = (record != 0).then_some(record as usize);
            let result = engine.materialize_with_batch(guid, record);
            autojit::encode_materialize_result(&result)
        }
        Err(e) => {
            let mut w = Writer::new();
            w.unexpected(&format!("autojitd cannot read the program's materialize call ({e}); relink the program with this autojit's stub"));
            w
        }
    }
}

/// `()(Sequence<u64> guids, Sequence<FirstCall>)`: the records of first
/// calls the program answered, then the reports, queued for the background
/// thread. A malformed call is only logged: the program waits on its answer
/// for nothing.
fn hot(engine: &Arc<Engine>, args: &[u8]) -> Writer {
    match decode_hot(args) {
        Ok(call) => {
            engine.note_first_calls(&call.first_calls);
            call.guids.into_iter().for_each(|guid| engine.hot(guid));
        }
        Err(e) => engine.log(|| format!("autojitd cannot read the program's hot call ({e}); relink the program with this autojit's stub")),
    }
    Writer::new()
}

/// `()(bool wait)`: nothing more is linked into the program; with `wait`,
/// answered once the background thread has optimized what was reported
/// and stored it.
fn leaving(engine: &Engine, args: &[u8]) -> Writer {
    engine.stop_linking();
    match decode_leaving(args) {
        Ok(true) => engine.finish_background_work(),
        Ok(false) => {}
        Err(e) => engine.log(|| format!("autojitd cannot read the program's leaving call ({e}); relink the program with this autojit's stub")),
    }
    Writer::new()
}

/// The answer to `call` when the session is not serving.
fn not_running(call: Call) -> Writer {
    let why = "autojitd's session for this program is not running";
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
    use crate::session::tests::{session_without_jit, tear_down};
    use autojit_protocol::{Header, Opcode, Reader, HEADER_SIZE};
    use std::io::Read;

    #[test]
    fn an_unknown_call_ends_the_session_naming_it() {
        let (session, mut program) = session_without_jit();
        assert!(session.answer(7, &[]).is_empty());
        assert!(!session.is_open());

        // The program is told why in a hangup...
        let mut header = [0u8; HEADER_SIZE];
        program.read_exact(&mut header).expect("a message");
        let header = Header::decode(&header).expect("a header");
        assert_eq!(header.opcode, Opcode::Hangup);
        let mut payload = vec![0u8; header.payload_len];
        program.read_exact(&mut payload).expect("its payload");
        let told = Reader::new(&payload)
            .error()
            .expect("an error")
            .expect("why");
        assert!(told.contains("autojit call 7"), "{told}");

        // ...and the daemon logs it once the session is torn down.
        let logged = tear_down(&session).expect("why the session ended");
        assert_eq!(logged, told);
    }
}
