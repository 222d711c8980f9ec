//! perf's map of JIT code, `/tmp/perf-<pid>.map`: a line `START SIZE name`
//! (hex) per function, which `perf report` reads for samples in anonymous
//! memory of process <pid>.

use super::functions::LinkedFunction;
use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};

pub struct PerfMap(File);

impl PerfMap {
    /// Opens the map of process `pid`, emptied: a file left by an earlier
    /// process with this pid would name its code. The path is perf's fixed
    /// convention in the shared /tmp, so a link planted there is never
    /// followed (a fifo is not waited on), and a file of another user is
    /// left alone.
    pub fn open(pid: u32) -> io::Result<Self> {
        let path = format!("/tmp/perf-{pid}.map");
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .mode(0o644)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&path)?;
        let metadata = file.metadata()?;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let euid = unsafe { libc::geteuid() };
        if metadata.uid() != euid || !metadata.is_file() {
            return Err(io::Error::other(format!(
                "{path} is not a file of yours; remove it"
            )));
        }
        file.set_len(0)?;
        Ok(PerfMap(file))
    }

    /// Adds `functions`, in one write.
    pub fn add(&mut self, functions: &[LinkedFunction<'_>]) -> io::Result<()> {
        let mut lines = String::new();
        for f in functions {
            let _ = writeln!(lines, "{:x} {:x} {}", f.address, f.size, f.name);
        }
        self.0.write_all(lines.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use object::SectionIndex;
    use std::fs;

    /// A pid no process has: above the kernel's largest.
    fn unused_pid() -> u32 {
        4_000_000_000 + std::process::id()
    }

    #[test]
    fn a_line_per_function() {
        let pid = unused_pid();
        let mut map = PerfMap::open(pid).unwrap();
        let function = LinkedFunction {
            name: "_Z1fv",
            address: 0x7f00_1000,
            size: 42,
            section: SectionIndex(1),
            offset: 0,
        };
        map.add(&[function]).unwrap();
        let path = format!("/tmp/perf-{pid}.map");
        let text = fs::read_to_string(&path).unwrap();
        fs::remove_file(&path).unwrap();
        assert_eq!(text, "7f001000 2a _Z1fv\n");
    }

    #[test]
    fn a_link_planted_in_tmp_is_not_followed() {
        let pid = unused_pid() + 1;
        let path = format!("/tmp/perf-{pid}.map");
        let target = std::env::temp_dir().join(format!("autojit-map-target-{pid}"));
        let _ = fs::remove_file(&path);
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let opened = PerfMap::open(pid);
        fs::remove_file(&path).unwrap();
        assert!(opened.is_err());
        assert!(!target.exists());
    }
}
