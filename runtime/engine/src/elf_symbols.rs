//! The program's ELF files, for the definitions no dynamic symbol table
//! lists: which file an address of the program lies in and at what load
//! bias (`/proc/<pid>/maps`), and what lazy code may need from that file's
//! symbol table (`.symtab`). The in-process engine reads its own process;
//! autojitd reads the program behind a session (its pid comes from the
//! connection's SO_PEERCRED), as the same user.
//!
//! Hidden definitions matter because static code reached them at link
//! time: functions and variables of objects built with -fvisibility=hidden,
//! and glibc's `atexit` and `pthread_atfork`, which every program and
//! library links from libc_nonshared.a. The link makes them local, and
//! linkers mark them differently: lld keeps their visibility (LOCAL
//! HIDDEN); GNU ld resets it (LOCAL DEFAULT) and lists them after an
//! unnamed FILE symbol, apart from the statics of each file, or, in an
//! executable without dynamic exports, leaves them GLOBAL HIDDEN. Statics
//! (LOCAL DEFAULT under their file's FILE symbol) are never taken: another
//! file's `static int helper` is not what a reference to `helper` meant.

use autojit_abi::fast_map::FastMap;
use autojit_loader::ObjectImage;
use object::elf;
use object::read::elf::{FileHeader, ProgramHeader, Sym};
use object::{Endianness, ReadCache};
use std::fs::File;
use std::sync::{Arc, Mutex, OnceLock};

type Header = elf::FileHeader64<Endianness>;

/// What lazy code may need from one file's symbol table, at link-time
/// addresses.
#[derive(Default)]
struct SymbolTable {
    /// Definitions the link made local, or left global but hidden.
    hidden: FastMap<String, u64>,
    /// Global and weak definitions, when asked for.
    global: FastMap<String, u64>,
    /// Whether the file has a symbol table at all (stripped files do not).
    present: bool,
}

impl SymbolTable {
    fn read(file: &File, with_globals: bool) -> Result<Self, String> {
        // Mapped: the tables are read in place, not through a read call
        // per string.
        let image = ObjectImage::map_file(file).map_err(|e| e.to_string())?;
        let data = image.bytes();
        let header = Header::parse(data).map_err(|e| e.to_string())?;
        let endian = header.endian().map_err(|e| e.to_string())?;
        let sections = header.sections(endian, data).map_err(|e| e.to_string())?;
        let symbols = sections
            .symbols(endian, data, elf::SHT_SYMTAB)
            .map_err(|e| e.to_string())?;
        let mut table = SymbolTable {
            present: !symbols.is_empty(),
            ..SymbolTable::default()
        };
        // GNU ld lists the symbols it made local after an unnamed FILE
        // symbol, each file's statics after that file's.
        let mut after_unnamed_file = false;
        for symbol in symbols.iter() {
            if symbol.st_type() == elf::STT_FILE {
                after_unnamed_file = symbol.st_name(endian) == 0
                    || symbols
                        .symbol_name(endian, symbol)
                        .is_ok_and(|n| n.is_empty());
                continue;
            }
            let hidden_visibility = symbol.st_visibility() != elf::STV_DEFAULT;
            let map = match symbol.st_bind() {
                elf::STB_LOCAL if hidden_visibility || after_unnamed_file => &mut table.hidden,
                elf::STB_GLOBAL | elf::STB_WEAK | elf::STB_GNU_UNIQUE if hidden_visibility => {
                    &mut table.hidden
                }
                elf::STB_GLOBAL | elf::STB_WEAK | elf::STB_GNU_UNIQUE if with_globals => {
                    &mut table.global
                }
                _ => continue,
            };
            if !is_plain_definition(symbol, endian) {
                continue;
            }
            let Ok(name) = symbols.symbol_name(endian, symbol) else {
                continue;
            };
            if let Ok(name) = std::str::from_utf8(name) {
                map.entry(name.to_string())
                    .or_insert(symbol.st_value(endian));
            }
        }
        Ok(table)
    }
}

/// A function or variable defined in a section of the file: not a TLS
/// variable or an ifunc (whose symbol is the resolver, not the function),
/// not absolute, common or undefined.
fn is_plain_definition(symbol: &elf::Sym64<Endianness>, endian: Endianness) -> bool {
    let section = symbol.st_shndx(endian);
    let in_a_section =
        section != elf::SHN_UNDEF && (section < elf::SHN_LORESERVE || section == elf::SHN_XINDEX);
    in_a_section
        && matches!(
            symbol.st_type(),
            elf::STT_NOTYPE | elf::STT_FUNC | elf::STT_OBJECT
        )
}

/// One ELF object of the running program, its executable or a shared
/// library, and the symbols of its file, read once on first need.
pub struct LoadedObject {
    /// The file's path, for messages.
    path: String,
    /// The open file and the object's load bias, or why they are unknown.
    file: Result<(File, usize), String>,
    with_globals: bool,
    symbols: OnceLock<Result<SymbolTable, String>>,
}

impl LoadedObject {
    fn unknown(why: String) -> Self {
        LoadedObject {
            path: String::new(),
            file: Err(why),
            with_globals: false,
            symbols: OnceLock::new(),
        }
    }

    fn table(&self) -> Result<&SymbolTable, &str> {
        let (file, _) = self.file.as_ref().map_err(String::as_str)?;
        self.symbols
            .get_or_init(|| {
                SymbolTable::read(file, self.with_globals)
                    .map_err(|e| format!("cannot read the symbol table of {}: {e}", self.path))
            })
            .as_ref()
            .map_err(String::as_str)
    }

    fn address(
        &self,
        name: &str,
        pick: impl Fn(&SymbolTable) -> &FastMap<String, u64>,
    ) -> Option<usize> {
        let bias = self.file.as_ref().ok()?.1;
        let value = *pick(self.table().ok()?).get(name)?;
        Some(bias.wrapping_add(value as usize))
    }

    /// The run-time address of the hidden definition `name`.
    pub fn hidden(&self, name: &str) -> Option<usize> {
        self.address(name, |t| &t.hidden)
    }

    /// The run-time address of the global definition `name`, if this
    /// object's global symbols were asked for.
    pub fn global(&self, name: &str) -> Option<usize> {
        self.address(name, |t| &t.global)
    }

    /// Whether the file's symbol table defines `name`, global or hidden
    /// (for the message of a failed link: the globals of a remote
    /// program's files are otherwise not read, its dynamic linker finds the
    /// exported ones).
    pub fn defines(&self, name: &str) -> bool {
        if self.with_globals {
            return self.hidden(name).or_else(|| self.global(name)).is_some();
        }
        let Ok((file, _)) = &self.file else {
            return false;
        };
        SymbolTable::read(file, true)
            .is_ok_and(|t| t.hidden.contains_key(name) || t.global.contains_key(name))
    }

    /// Why this object's symbol table cannot be searched, if it cannot: a
    /// symbol found nowhere may be defined there.
    pub fn unsearchable(&self) -> Option<String> {
        match self.table() {
            Err(why) => Some(why.to_string()),
            Ok(table) if !table.present => Some(format!(
                "{} has no symbol table (it was stripped), where lazy code finds the hidden and unexported definitions static code reached",
                self.path
            )),
            Ok(_) => None,
        }
    }
}

/// The ELF objects of one running program, found by address and shared by
/// all the modules they hold (each file is read once).
pub struct ProgramObjects {
    /// The program's process; None when it is unknown.
    pid: Option<u32>,
    /// Whether the executable's global symbols are needed too (the
    /// in-process engine finds them there, so that programs need no
    /// -rdynamic).
    executable_globals: bool,
    objects: Mutex<Vec<Arc<LoadedObject>>>,
    executable: OnceLock<Arc<LoadedObject>>,
}

/// One line of `/proc/<pid>/maps` that maps a file.
struct Mapping {
    start: usize,
    end: usize,
    offset: u64,
    path: String,
}

impl ProgramObjects {
    pub fn new(pid: Option<u32>, executable_globals: bool) -> Self {
        ProgramObjects {
            pid,
            executable_globals,
            objects: Mutex::default(),
            executable: OnceLock::new(),
        }
    }

    /// The object of the program that `address` lies in.
    pub fn containing(&self, address: usize) -> Arc<LoadedObject> {
        let located = self.locate(|m| (m.start..m.end).contains(&address).then_some(address));
        self.share(located)
    }

    /// The file that registered the module whose descriptor is at
    /// `descriptor`: the executable if `in_executable` (no library's
    /// handle contains it), found without reading the program's memory
    /// map again, which has thousands of lines in a program that protects
    /// its allocations page by page.
    pub fn registering(&self, descriptor: usize, in_executable: bool) -> Arc<LoadedObject> {
        if in_executable {
            self.executable()
        } else {
            self.containing(descriptor)
        }
    }

    /// The program's executable.
    pub fn executable(&self) -> Arc<LoadedObject> {
        let executable = self.executable.get_or_init(|| {
            let exe = self
                .pid
                .and_then(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).ok());
            let located = match exe {
                Some(exe) => {
                    let exe = exe.to_string_lossy().into_owned();
                    self.locate(|m| (m.path == exe).then_some(m.start))
                }
                None => Err(self.unknown_process()),
            };
            self.share(located)
        });
        Arc::clone(executable)
    }

    fn unknown_process(&self) -> String {
        match self.pid {
            Some(pid) => format!("cannot read the files of process {pid}"),
            None => "the program's process is unknown (its connection is not a socket)".into(),
        }
    }

    /// The first object of which `select` picks an address, opened and
    /// placed.
    fn locate(&self, select: impl Fn(&Mapping) -> Option<usize>) -> Result<LoadedObject, String> {
        let pid = self.pid.ok_or_else(|| self.unknown_process())?;
        let maps = std::fs::read(format!("/proc/{pid}/maps"))
            .map_err(|e| format!("cannot read /proc/{pid}/maps: {e}"))?;
        let maps = String::from_utf8_lossy(&maps);
        let (mapping, address) = maps
            .lines()
            .filter_map(parse_mapping)
            .find_map(|m| select(&m).map(|a| (m, a)))
            .ok_or_else(|| format!("no file of process {pid} is mapped where autojit looked"))?;
        let exe_path = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
        let executable = exe_path.is_some_and(|p| p.as_os_str() == mapping.path.as_str());
        // The executable's link opens the very file the process runs, even
        // if it has been replaced or deleted since.
        let open_path = if executable {
            format!("/proc/{pid}/exe")
        } else {
            mapping.path.clone()
        };
        let file =
            File::open(&open_path).map_err(|e| format!("cannot open {}: {e}", mapping.path))?;
        let bias = load_bias(&file, &mapping, address).ok_or_else(|| {
            format!(
                "{} is not the file process {pid} mapped (was it rebuilt since it was loaded?)",
                mapping.path
            )
        })?;
        Ok(LoadedObject {
            path: mapping.path,
            file: Ok((file, bias)),
            with_globals: executable && self.executable_globals,
            symbols: OnceLock::new(),
        })
    }

    /// The object already known at the same place, or `located`, now known.
    fn share(&self, located: Result<LoadedObject, String>) -> Arc<LoadedObject> {
        let object = located.unwrap_or_else(LoadedObject::unknown);
        let Ok((_, bias)) = &object.file else {
            return Arc::new(object);
        };
        let mut objects = self.objects.lock().unwrap_or_else(|e| e.into_inner());
        let same = objects
            .iter()
            .find(|o| o.path == object.path && o.file.as_ref().is_ok_and(|(_, b)| b == bias));
        if let Some(known) = same {
            return Arc::clone(known);
        }
        let object = Arc::new(object);
        objects.push(Arc::clone(&object));
        object
    }
}

/// A file mapping of a `/proc/<pid>/maps` line: `start-end perms offset
/// dev inode path`; the path is what is left after the padding.
fn parse_mapping(line: &str) -> Option<Mapping> {
    let mut fields = line.splitn(6, ' ');
    let (start, end) = fields.next()?.split_once('-')?;
    let _perms = fields.next()?;
    let offset = u64::from_str_radix(fields.next()?, 16).ok()?;
    let _device = fields.next()?;
    let inode = fields.next()?;
    let path = fields.next()?.trim_start();
    if inode == "0" || !path.starts_with('/') {
        return None;
    }
    Some(Mapping {
        start: usize::from_str_radix(start, 16).ok()?,
        end: usize::from_str_radix(end, 16).ok()?,
        offset,
        path: path.to_string(),
    })
}

/// The load bias of the object `file` at which `mapping` maps it, from the
/// loadable segment that holds `address`'s file offset; None if no segment
/// of the file holds it (the file is not what was mapped).
fn load_bias(file: &File, mapping: &Mapping, address: usize) -> Option<usize> {
    let data = ReadCache::new(file);
    let data = &data;
    let header = Header::parse(data).ok()?;
    let endian = header.endian().ok()?;
    let file_offset = mapping.offset + (address - mapping.start) as u64;
    header
        .program_headers(endian, data)
        .ok()?
        .iter()
        .filter(|p| p.p_type(endian) == elf::PT_LOAD)
        .find(|p| {
            (p.p_offset(endian)..p.p_offset(endian) + p.p_filesz(endian)).contains(&file_offset)
        })
        .map(|p| {
            let vaddr = p.p_vaddr(endian) + (file_offset - p.p_offset(endian));
            address.wrapping_sub(vaddr as usize)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_lines() {
        let m = parse_mapping(
            "55d0c0a00000-55d0c0a02000 r--p 00002000 fd:01 1234567                    /usr/bin/a b",
        )
        .expect("a file mapping");
        assert_eq!(
            (m.start, m.end, m.offset),
            (0x55d0c0a00000, 0x55d0c0a02000, 0x2000)
        );
        assert_eq!(m.path, "/usr/bin/a b");
        assert!(
            parse_mapping("7ffd1000-7ffd2000 rw-p 00000000 00:00 0                  [stack]")
                .is_none()
        );
        assert!(parse_mapping("7ffd1000-7ffd2000 rw-p 00000000 00:00 0").is_none());
    }

    #[test]
    fn own_executable() {
        let objects = ProgramObjects::new(Some(std::process::id()), true);
        let exe = objects.executable();
        assert!(exe.with_globals);
        assert!(exe.unsearchable().is_none(), "{:?}", exe.unsearchable());
        let here = own_executable as fn() as usize;
        assert!(Arc::ptr_eq(&objects.containing(here), &exe));
    }
}
