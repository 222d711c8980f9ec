//! perf's jitdump file (perf's `jitdump-specification.txt`): a header,
//! then a record per event, little-endian. `perf inject --jit` turns each
//! code load into an ELF file with the function's symbol, its code and,
//! from the debug-info record just before it, its line table, and points
//! the samples at it.

use super::functions::LinkedFunction;
use super::lines::LineRow;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::path::Path;

const MAGIC: u32 = 0x4A69_5444;
const VERSION: u32 = 1;
const HEADER_SIZE: u32 = 40;
const EM_X86_64: u32 = 62;
const CODE_LOAD: u32 = 0;
const CODE_DEBUG_INFO: u32 = 2;
const RECORD_PREFIX_SIZE: usize = 16;

pub struct Jitdump {
    file: File,
    pid: u32,
    /// Numbers each code load: perf names its ELF files after it.
    next_code_index: u64,
}

impl Jitdump {
    /// Creates `path` (replacing the file of an earlier process with this
    /// pid) for process `pid`, and writes the header. Its directory must
    /// be private to the user already.
    pub fn create(path: &Path, pid: u32) -> io::Result<Self> {
        // Readable too: mapping it takes a readable descriptor.
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)?;
        let mut header = Vec::with_capacity(HEADER_SIZE as usize);
        for word in [MAGIC, VERSION, HEADER_SIZE, EM_X86_64, 0, pid] {
            header.extend_from_slice(&word.to_le_bytes());
        }
        header.extend_from_slice(&monotonic_ns().to_le_bytes());
        // Flags: none (timestamps are CLOCK_MONOTONIC, not the TSC).
        header.extend_from_slice(&0u64.to_le_bytes());
        file.write_all(&header)?;
        Ok(Jitdump {
            file,
            pid,
            next_code_index: 0,
        })
    }

    /// Maps the file into this process: perf inject only reads a jitdump
    /// whose process mapped it executable (`perf record` logs the mmap).
    /// The mapping stays for the life of the process.
    pub fn map_into_this_process(&self) -> io::Result<()> {
        // SAFETY: a new private mapping of an open file; nothing reads it.
        let mapped = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                HEADER_SIZE as usize,
                libc::PROT_READ | libc::PROT_EXEC,
                libc::MAP_PRIVATE,
                self.file.as_raw_fd(),
                0,
            )
        };
        if mapped == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// The line table of `function`, for the code load that follows.
    pub fn debug_info(
        &mut self,
        function: &LinkedFunction<'_>,
        rows: &[LineRow],
    ) -> io::Result<()> {
        let mut body = Vec::new();
        body.extend_from_slice(&function.address.to_le_bytes());
        body.extend_from_slice(&(rows.len() as u64).to_le_bytes());
        for row in rows {
            body.extend_from_slice(&row.address.to_le_bytes());
            body.extend_from_slice(&row.line.to_le_bytes());
            body.extend_from_slice(&row.discriminator.to_le_bytes());
            // The name in full each time: perf before 6.5 took the format's
            // "same as before" marker for a file name.
            body.extend_from_slice(row.file.as_bytes());
            body.push(0);
        }
        // Records stay 8-byte aligned; perf counts entries, not bytes.
        body.resize(
            (RECORD_PREFIX_SIZE + body.len()).next_multiple_of(8) - RECORD_PREFIX_SIZE,
            0,
        );
        self.write_record(CODE_DEBUG_INFO, &body)
    }

    /// `function` linked with `code`, by thread `tid`.
    pub fn code_load(
        &mut self,
        function: &LinkedFunction<'_>,
        code: &[u8],
        tid: u32,
    ) -> io::Result<()> {
        let mut body = Vec::with_capacity(40 + function.name.len() + 1 + code.len());
        body.extend_from_slice(&self.pid.to_le_bytes());
        body.extend_from_slice(&tid.to_le_bytes());
        // vma and code address: the code runs where it lies.
        body.extend_from_slice(&function.address.to_le_bytes());
        body.extend_from_slice(&function.address.to_le_bytes());
        body.extend_from_slice(&(code.len() as u64).to_le_bytes());
        body.extend_from_slice(&self.next_code_index.to_le_bytes());
        body.extend_from_slice(function.name.as_bytes());
        body.push(0);
        body.extend_from_slice(code);
        self.next_code_index += 1;
        self.write_record(CODE_LOAD, &body)
    }

    fn write_record(&mut self, id: u32, body: &[u8]) -> io::Result<()> {
        let total = u32::try_from(RECORD_PREFIX_SIZE + body.len())
            .map_err(|_| io::Error::other("a jitdump record over 4 GiB"))?;
        let mut record = Vec::with_capacity(total as usize);
        record.extend_from_slice(&id.to_le_bytes());
        record.extend_from_slice(&total.to_le_bytes());
        record.extend_from_slice(&monotonic_ns().to_le_bytes());
        record.extend_from_slice(body);
        self.file.write_all(&record)
    }
}

/// Now on CLOCK_MONOTONIC, the clock of `perf record -k mono`, in ns.
fn monotonic_ns() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
    now.tv_sec as u64 * 1_000_000_000 + now.tv_nsec as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use object::SectionIndex;

    fn word(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
    }

    fn quad(bytes: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
    }

    #[test]
    fn header_and_records() {
        let dir = std::env::temp_dir().join(format!("autojit-jitdump-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("jit-42.dump");
        let function = LinkedFunction {
            name: "_Z1fv",
            address: 0x7000_1000,
            size: 3,
            section: SectionIndex(1),
            offset: 0,
        };
        let rows = [LineRow {
            address: 0x7000_1000,
            line: 12,
            discriminator: 0,
            file: "/src/f.c".into(),
        }];
        let mut dump = Jitdump::create(&path, 42).unwrap();
        dump.debug_info(&function, &rows).unwrap();
        dump.code_load(&function, &[0x90, 0x90, 0xc3], 43).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();

        assert_eq!(&bytes[..4], b"DTiJ");
        assert_eq!(word(&bytes, 4), VERSION);
        assert_eq!(word(&bytes, 8), HEADER_SIZE);
        assert_eq!(word(&bytes, 12), EM_X86_64);
        assert_eq!(word(&bytes, 20), 42);

        let debug = &bytes[HEADER_SIZE as usize..];
        assert_eq!(word(debug, 0), CODE_DEBUG_INFO);
        let debug_size = word(debug, 4) as usize;
        assert_eq!(debug_size % 8, 0);
        assert_eq!(quad(debug, 16), 0x7000_1000);
        assert_eq!(quad(debug, 24), 1);
        assert_eq!(quad(debug, 32), 0x7000_1000);
        assert_eq!(word(debug, 40), 12);
        assert_eq!(&debug[48..57], b"/src/f.c\0");

        let load = &debug[debug_size..];
        assert_eq!(word(load, 0), CODE_LOAD);
        assert_eq!(word(load, 4) as usize, load.len());
        assert_eq!((word(load, 16), word(load, 20)), (42, 43));
        assert_eq!(quad(load, 32), 0x7000_1000);
        assert_eq!(quad(load, 40), 3);
        assert_eq!(quad(load, 48), 0);
        assert_eq!(&load[56..], b"_Z1fv\0\x90\x90\xc3");
    }
}
