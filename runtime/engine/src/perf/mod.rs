//! What perf reads about lazily compiled code (AUTOJIT_PERF): after each
//! link, compiled now or loaded from the object cache, a line per function
//! in the program's perf map (`perf report`), and a code load, after its
//! line table, in the program's jitdump (`perf inject --jit`).
//!
//! The files are the program's: in remote mode autojitd writes them for the
//! program's pid, never its own, creating them with the session's engine,
//! and the stub maps the jitdump when its session is ready
//! (`runtime/stub/src/perf.rs`). They never fail a materialization: each
//! part stops at its first failure, which is returned once, for the log.

mod functions;
mod jitdump;
mod lines;
mod map;

use crate::object_cache::Member;
use crate::program::Program;
use autojit_abi::env;
use autojit_abi::store;
use functions::{ElfObject, LinkedFunction};
use jitdump::Jitdump;
use map::PerfMap;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

pub struct PerfOutput {
    program: Program,
    /// The variables the jitdump's place depends on (`env::jitdump_path`),
    /// `JITDUMPDIR` made absolute against the program's working directory.
    jitdump_vars: HashMap<&'static str, String>,
    /// The files of the process linked into, once opened.
    files: Mutex<Option<Files>>,
}

/// One process's files; a part is None once it failed.
struct Files {
    pid: Option<u32>,
    map: Option<PerfMap>,
    jitdump: Option<Jitdump>,
    /// Line tables are read until one fails to parse.
    lines: bool,
    /// Code is read from the program until that fails (then from the
    /// object).
    memory_readable: bool,
}

impl PerfOutput {
    /// The output for `program`, its jitdump placed by `jitdump_vars`
    /// (`EngineConfig::perf`).
    pub fn new(program: Program, jitdump_vars: HashMap<&'static str, String>) -> Self {
        PerfOutput {
            program,
            jitdump_vars,
            files: Mutex::new(None),
        }
    }

    /// Adds `members` of `object`, linked at the addresses in `linked`, to
    /// the program's files, opening them first for a new process. What
    /// failed for the first time comes back, for the log.
    pub fn record(
        &self,
        members: &[Member],
        linked: &[(u64, usize)],
        object: &[u8],
    ) -> Result<(), String> {
        let mut problems = Vec::new();
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        let files = self.of_current_process(&mut files, &mut problems);
        if files.map.is_some() || files.jitdump.is_some() {
            match ElfObject::parse(object) {
                Ok(elf) => {
                    let linked_code = functions::linked_functions(&elf, members, linked);
                    files.add(&elf, &linked_code, &self.program, &mut problems);
                }
                Err(e) => problems.push(format!("cannot read the linked object: {e}")),
            }
        }
        joined(problems)
    }

    /// Creates the files now rather than at the first link: a remote
    /// program's stub maps the jitdump as soon as its session is ready.
    pub fn create_files(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        self.of_current_process(&mut files, &mut problems);
        joined(problems)
    }

    /// The files of the process linked into now, opened if new.
    fn of_current_process<'a>(
        &self,
        files: &'a mut Option<Files>,
        problems: &mut Vec<String>,
    ) -> &'a mut Files {
        let pid = self.program.pid();
        if files.as_ref().map(|f| f.pid) != Some(pid) {
            *files = Some(self.open(pid, problems));
        }
        files.as_mut().expect("just opened")
    }

    fn open(&self, pid: Option<u32>, problems: &mut Vec<String>) -> Files {
        let mut files = Files {
            pid,
            map: None,
            jitdump: None,
            lines: true,
            memory_readable: true,
        };
        let Some(pid) = pid else {
            problems.push("the program's pid is unknown: no perf map or jitdump".into());
            return files;
        };
        files.map = PerfMap::open(pid)
            .map_err(|e| problems.push(format!("no perf map: {e}")))
            .ok();
        files.jitdump = self
            .create_jitdump(pid)
            .map_err(|e| problems.push(format!("no jitdump: {e}")))
            .ok();
        files
    }

    fn create_jitdump(&self, pid: u32) -> Result<Jitdump, String> {
        let path = env::jitdump_path(|name| self.jitdump_vars.get(name), pid)
            .map(PathBuf::from)
            .ok_or_else(|| format!("neither {} nor HOME is set", env::JITDUMPDIR))?;
        if let Some(dir) = path.parent() {
            store::ensure_private_dir(dir)
                .map_err(|e| format!("{}: {}", e.path.display(), e.reason))?;
        }
        let jitdump =
            Jitdump::create(&path, pid).map_err(|e| format!("{}: {e}", path.display()))?;
        // Remote, the stub maps it.
        if let Program::ThisProcess = self.program {
            jitdump
                .map_into_this_process()
                .map_err(|e| format!("cannot map {}: {e}", path.display()))?;
        }
        Ok(jitdump)
    }
}

fn joined(problems: Vec<String>) -> Result<(), String> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

impl Files {
    fn add(
        &mut self,
        object: &ElfObject<'_>,
        linked: &[LinkedFunction<'_>],
        program: &Program,
        problems: &mut Vec<String>,
    ) {
        if let Some(map) = &mut self.map {
            if let Err(e) = map.add(linked) {
                problems.push(format!("perf map: {e}"));
                self.map = None;
            }
        }
        let (Some(jitdump), Some(pid)) = (&mut self.jitdump, self.pid) else {
            return;
        };
        let mut rows = Vec::new();
        if self.lines {
            match lines::line_rows(object, &functions::section_bases(linked)) {
                Ok(all) => rows = all,
                Err(e) => {
                    problems.push(format!("no line tables in the jitdump: {e}"));
                    self.lines = false;
                }
            }
        }
        let tid = program.tid(pid);
        for function in linked {
            let read = self
                .memory_readable
                .then(|| functions::running_code(function, pid));
            let code = match read {
                Some(Ok(code)) => code,
                Some(Err(e)) => {
                    problems.push(format!(
                        "cannot read the code of process {pid} ({e}): the jitdump has the \
                         object's code, not relocated"
                    ));
                    self.memory_readable = false;
                    functions::object_code(function, object)
                }
                None => functions::object_code(function, object),
            };
            let start = rows.partition_point(|row| row.address < function.address);
            let end = function.address.saturating_add(function.size);
            let end = rows.partition_point(|row| row.address < end);
            let written = if start < end {
                jitdump.debug_info(function, &rows[start..end])
            } else {
                Ok(())
            };
            if let Err(e) = written.and_then(|()| jitdump.code_load(function, &code, tid)) {
                problems.push(format!("jitdump: {e}"));
                self.jitdump = None;
                return;
            }
        }
    }
}
