//! `AUTOJIT_DEBUG`'s log: one line per decision, behind the runtime's
//! prefix. A value, so that the parts the engine owns (the object cache)
//! log as the engine does.

#[derive(Clone, Copy)]
pub struct Log {
    prefix: &'static str,
    on: bool,
}

impl Log {
    pub fn new(prefix: &'static str, on: bool) -> Self {
        Log { prefix, on }
    }

    pub fn is_on(self) -> bool {
        self.on
    }

    /// One line, made only when the log is on.
    pub fn line(self, msg: impl FnOnce() -> String) {
        if self.on {
            self.always(msg());
        }
    }

    /// One line whether or not the log is on: a setting the user got wrong.
    pub fn always(self, msg: String) {
        eprintln!("{} {msg}", self.prefix);
    }
}
