//! x86-64 (System V): the trampoline the plugin emits in place of each
//! lazified function's body and the resolver both runtimes link. Everything
//! the two sides must agree on at the instruction level is in this file.
//!
//! A lazified function `f` becomes a declaration in the static module, and
//! module-level assembly defines its symbol, the function's trampoline:
//!
//! ```text
//!         .globl f                     ; f's binding, visibility, section,
//!         .type f, @function           ; COMDAT group and alignment
//! f:      jmp *record(%rip)            ; the hot path: one indirect jump
//! entry:  lea record(%rip), %r11       ; first call: which function
//!         jmp *__llvm_autojit_resolve@GOTPCREL(%rip)
//!         .size f, . - f
//!         .data
//! record: .quad entry                  ; target: the entry until published
//!         .quad GUID
//! ```
//!
//! The trampoline never touches an argument register, the stack or the
//! flags the caller set up, so every calling convention, `byval`, `sret`,
//! varargs and vector arguments reach the compiled body exactly as the
//! caller passed them. `r11` carries the record: the ABI makes it a scratch
//! register that no convention passes anything in. Because a lazily bound
//! PLT entry may clobber `r11`, the trampoline jumps to the resolver through
//! its GOT entry, which the dynamic loader fills at load time (the static
//! linker turns it into a direct jump when the resolver is linked into the
//! program).

use alloc::format;
use alloc::string::String;

/// Whether modules for `triple` can get trampolines: x86-64 ELF (the
/// trampoline's sections and relocations are ELF's). A module without a
/// triple is compiled for the host, this one.
pub fn supports_triple(triple: &str) -> bool {
    if triple.is_empty() {
        return true;
    }
    let mut parts = triple.split('-');
    let arch = parts.next().unwrap_or("");
    let rest: alloc::vec::Vec<&str> = parts.collect();
    arch == "x86_64"
        && !rest.iter().any(|p| {
            p.starts_with("darwin")
                || p.starts_with("macos")
                || p.starts_with("windows")
                || p.starts_with("win32")
                || p.starts_with("uefi")
        })
}

/// Whether assembly can spell `name` as a quoted symbol.
pub fn can_quote(name: &str) -> bool {
    !name.is_empty() && !name.contains(['"', '\\', '\n', '\0', '\u{1}'])
}

/// How the linker binds a symbol: what the linkage of the definition it
/// stands for says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    /// `external`: the program's one definition.
    Global,
    /// `weak`, `linkonce` and their `_odr` forms: another definition may win.
    Weak,
    /// `internal`: this object's own.
    Local,
}

/// ELF symbol visibility.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    Default,
    Hidden,
    Protected,
}

/// The symbol a trampoline defines: what the function's definition told
/// the assembler and the linker.
pub struct TrampolineSymbol<'a> {
    pub name: &'a str,
    pub binding: Binding,
    pub visibility: Visibility,
    /// The function's explicit section (`__attribute__((section))`), if any.
    pub section: Option<&'a str>,
    /// The function's explicit alignment in bytes (a power of two), 1 if
    /// it has none. C++ member functions have 2: the Itanium ABI marks
    /// virtual member function pointers with the low bit.
    pub align: u64,
    /// The linker must keep it though nothing refers to it (`llvm.used`,
    /// `__attribute__((retain))`).
    pub retain: bool,
    /// Unwinders get an FDE for it, as LLVM gives one to a function that
    /// may throw, so a backtrace from inside the trampoline reaches its
    /// caller.
    pub unwind_info: bool,
}

/// How the plugin places a trampoline's code and record.
pub struct TrampolineSections<'a> {
    /// The COMDAT group of the function, if it has one: the trampoline and
    /// its record must be kept or discarded with the group.
    pub comdat: Option<&'a str>,
    /// Whether indirect branches must land on `endbr64` (the module was
    /// built with `-fcf-protection=branch`): at the symbol, and at the
    /// entry, reached through the record.
    pub branch_protection: bool,
    /// What the function's body refers to that the object does not define,
    /// for the static linker to check (`link_check_asm`); the record carries
    /// them only in a COMDAT group (the module's other records share one
    /// section, and so one list: `module_link_check_asm`).
    pub link_checks: &'a [&'a str],
}

/// Module-level assembly (AT&T syntax) defining a trampoline: its symbol,
/// as the function's definition would have, its code and its record. Local
/// numeric labels keep the record out of the symbol table and its
/// relocation section-relative, so a preempted or interposed symbol can
/// never redirect it; each use (`2f`, `1b`) comes right before or after its
/// label, so the trampolines of one module never see each other's.
pub fn trampoline_asm(
    guid: u64,
    symbol: &TrampolineSymbol,
    sections: &TrampolineSections,
) -> String {
    let name = symbol.name;
    let landing = if sections.branch_protection {
        "endbr64\n"
    } else {
        ""
    };
    let (cfi_start, cfi_end) = if symbol.unwind_info {
        (".cfi_startproc\n", ".cfi_endproc\n")
    } else {
        ("", "")
    };
    let align = match symbol.align {
        0 | 1 => String::new(),
        bytes => format!(".p2align {}\n", bytes.trailing_zeros()),
    };
    let link_checks = match sections.comdat {
        Some(_) => link_check_asm(sections.link_checks),
        None => String::new(),
    };
    format!(
        ".pushsection {text_section}\n\
         {directives}\
         .type \"{name}\",@function\n\
         {align}\
         \"{name}\":\n\
         {cfi_start}\
         {landing}\
         jmp *2f(%rip)\n\
         1:\n\
         {landing}\
         lea 2f(%rip), %r11\n\
         jmp *{resolver}@GOTPCREL(%rip)\n\
         {cfi_end}\
         .size \"{name}\", . - \"{name}\"\n\
         .popsection\n\
         .pushsection {data_section}\n\
         .p2align 3\n\
         2:\n\
         .quad 1b\n\
         .quad 0x{guid:016x}\n\
         {link_checks}\
         .popsection\n",
        text_section = text_section(symbol, sections.comdat),
        directives = symbol_directives(name, symbol.binding, symbol.visibility),
        data_section = record_section(sections.comdat),
        resolver = crate::names::RESOLVE_FN,
    )
}

/// How many bytes at a trampoline's start name its record: an optional
/// `endbr64`, then `jmp *record(%rip)`.
pub const TRAMPOLINE_HEAD_LEN: usize = 10;
/// A trampoline's record: where the trampoline jumps (its entry, until the
/// body is published), then the function's GUID.
pub const RECORD_SIZE: usize = 16;
pub const RECORD_GUID_OFFSET: usize = 8;

/// The address of the record of the trampoline whose first bytes, at
/// `address`, are `head`; None if they do not start a trampoline.
pub fn trampoline_record(address: usize, head: &[u8; TRAMPOLINE_HEAD_LEN]) -> Option<usize> {
    const ENDBR64: [u8; 4] = [0xf3, 0x0f, 0x1e, 0xfa];
    let at = if head[..4] == ENDBR64 { 4 } else { 0 };
    if head[at..at + 2] != [0xff, 0x25] {
        return None;
    }
    let displacement = i32::from_le_bytes(head[at + 2..at + 6].try_into().ok()?);
    let next = address.checked_add(at + 6)?;
    Some(next.wrapping_add_signed(displacement as isize))
}

/// An alias of a lazified function (clang's complete constructor `C1`
/// aliasing the base one `C2`, `__attribute__((alias))`). IR cannot point
/// an alias at the declaration the function became, so the alias becomes
/// assembly too.
pub struct AliasSymbol<'a> {
    pub name: &'a str,
    /// The function, or another alias of it.
    pub target: &'a str,
    pub binding: Binding,
    pub visibility: Visibility,
}

/// Module-level assembly defining an alias: its value, section, size and
/// type are its target's.
pub fn alias_asm(alias: &AliasSymbol) -> String {
    format!(
        "{directives}.type \"{name}\",@function\n.set \"{name}\", \"{target}\"\n",
        directives = symbol_directives(alias.name, alias.binding, alias.visibility),
        name = alias.name,
        target = alias.target,
    )
}

/// The directives that give `name` its binding and visibility.
fn symbol_directives(name: &str, binding: Binding, visibility: Visibility) -> String {
    let binding = match binding {
        Binding::Global => format!(".globl \"{name}\"\n"),
        Binding::Weak => format!(".weak \"{name}\"\n"),
        Binding::Local => String::new(),
    };
    let visibility = match visibility {
        Visibility::Default => String::new(),
        Visibility::Hidden => format!(".hidden \"{name}\"\n"),
        Visibility::Protected => format!(".protected \"{name}\"\n"),
    };
    binding + &visibility
}

/// The section of a trampoline's code, as LLVM would have placed the
/// function: its explicit section, else `.text.<name>` if it needs a
/// section of its own (a COMDAT group, or SHF_GNU_RETAIN), else `.text`.
/// `.text` even under -ffunction-sections (which the IR does not record):
/// the records of a module refer to all its trampolines, so --gc-sections
/// could not drop one alone, and a section per trampoline would cost a
/// section header and a relocation section each.
fn text_section(symbol: &TrampolineSymbol, comdat: Option<&str>) -> String {
    let name = match symbol.section {
        Some(section) => String::from(section),
        None if comdat.is_some() || symbol.retain => format!(".text.{}", symbol.name),
        None => return String::from(".text"),
    };
    let flags = format!(
        "ax{}{}",
        if comdat.is_some() { "G" } else { "" },
        if symbol.retain { "R" } else { "" }
    );
    match comdat {
        Some(group) => format!("\"{name}\",\"{flags}\",@progbits,\"{group}\",comdat"),
        None => format!("\"{name}\",\"{flags}\",@progbits"),
    }
}

/// The section of a trampoline's record: the function's COMDAT group, if
/// any, else one section the module's records share.
fn record_section(comdat: Option<&str>) -> String {
    match comdat {
        Some(group) => {
            format!(".data.rel.local.__llvm_autojit,\"awG\",@progbits,\"{group}\",comdat")
        }
        None => String::from(".data.rel.local.__llvm_autojit,\"aw\",@progbits"),
    }
}

/// Module-level assembly that puts the link checks of the functions without
/// a COMDAT group into the section their records share, so the linker
/// checks them exactly when it keeps those records (and so their
/// trampolines).
pub fn module_link_check_asm(symbols: &[&str]) -> String {
    if symbols.is_empty() {
        return String::new();
    }
    format!(
        ".pushsection {}\n{}.popsection\n",
        record_section(None),
        link_check_asm(symbols)
    )
}

/// Link checks: a 4-byte slot in the current (record) section with one
/// R_X86_64_GOTPC32 per symbol. ELF linkers report an undefined symbol only
/// when a relocation uses it, and lld ignores R_X86_64_NONE; GOTPC32's value
/// (the GOT's address relative to the slot) does not depend on the symbol,
/// so GNU ld, gold and lld check the reference (an undefined strong symbol
/// fails the link, a weak one stays null, a library that defines it stays
/// needed under --as-needed) and add no dynamic relocation, PLT or GOT entry
/// for it. Every relocation writes the same value to the same slot, which
/// nothing reads.
fn link_check_asm(symbols: &[&str]) -> String {
    if symbols.is_empty() {
        return String::new();
    }
    let mut asm = String::from(".p2align 2\n");
    for symbol in symbols {
        asm.push_str(&format!(".reloc ., R_X86_64_GOTPC32, \"{symbol}\"\n"));
    }
    asm.push_str(".long 0\n");
    asm
}

/// Defines `__llvm_autojit_resolve`, the one resolver behind every
/// trampoline, in the runtime that invokes it with its materialize function
/// (a macro, so that only the runtimes, which define that function, contain
/// it).
///
/// Register contract: on entry `r11` holds the record's address and the
/// stack is exactly as the caller left it for `f` (return address on top).
/// The resolver saves everything that can carry an argument (rdi, rsi, rdx,
/// rcx, r8, r9; rax, whose low byte counts vector registers for varargs;
/// r10, the static chain; the whole vector state, AVX and AVX-512 included,
/// with XSAVE, or FXSAVE where the system has none), calls
/// `materialize(guid, entry, record)` (the entry lies inside the
/// trampoline) with an aligned stack, publishes the returned address in the
/// record unless the record no longer holds the entry (the runtime
/// published a newer body since), restores everything and jumps there. The body then runs as if `f` had been it all
/// along. Concurrent first calls each reach the runtime, which compiles
/// once and hands every caller the same address. `materialize` never
/// returns on failure.
#[macro_export]
macro_rules! define_resolver {
    ($materialize:path) => {
        /// Bytes of the save area for the vector state, 64-byte aligned; 0
        /// until the first resolution measures it (written after the mask).
        static mut RESOLVER_SAVE_AREA_BYTES: u32 = 0;
        /// The XSAVE components to save (SSE, AVX, opmask, ZMM), as XCR0
        /// enables them; 0 means FXSAVE.
        static mut RESOLVER_SAVE_MASK: u32 = 0;

        /// # Safety
        /// Only trampolines jump here, with `r11` holding their
        /// record.
        #[unsafe(naked)]
        #[no_mangle]
        pub unsafe extern "C" fn __llvm_autojit_resolve() {
            core::arch::naked_asm!(
                ".cfi_startproc",
                // A frame gdb and unwinders can walk: CFA = rbp + 16.
                "push rbp",
                ".cfi_adjust_cfa_offset 8",
                ".cfi_rel_offset rbp, 0",
                "mov rbp, rsp",
                ".cfi_def_cfa_register rbp",
                "push rax",
                "push rdi",
                "push rsi",
                "push rdx",
                "push rcx",
                "push r8",
                "push r9",
                "push r10",
                "push r11",
                "push rbx",
                ".cfi_offset rbx, -96",
                // The arguments are saved: any general register is free now.
                "mov r8d, dword ptr [rip + {area}]",
                "test r8d, r8d",
                "jnz 3f",
                // First resolution in the process: measure the save area.
                "mov r8d, 512", // FXSAVE's area
                "xor r9d, r9d",
                "mov eax, 1",
                "cpuid",
                "bt ecx, 27", // OSXSAVE: XSAVE and XGETBV usable
                "jnc 2f",
                "xor ecx, ecx",
                "xgetbv",
                "and eax, 0xe6", // SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM
                "mov r9d, eax",
                "mov r8d, 576", // legacy area and XSAVE header
                "mov r10d, 2",
                "4:",
                "bt r9d, r10d",
                "jnc 5f",
                "mov eax, 0xd",
                "mov ecx, r10d",
                "cpuid", // eax: the component's size, ebx: its offset
                "add eax, ebx",
                "cmp eax, r8d",
                "cmova r8d, eax",
                "5:",
                "inc r10d",
                "cmp r10d, 8",
                "jb 4b",
                "2:",
                // The mask first: a thread that sees the size sees the mask.
                "mov dword ptr [rip + {mask}], r9d",
                "mov dword ptr [rip + {area}], r8d",
                "3:",
                "sub rsp, r8",
                "and rsp, -64",
                "mov r9d, dword ptr [rip + {mask}]",
                "test r9d, r9d",
                "jz 6f",
                // XRSTOR faults unless the header's reserved bytes are zero.
                "xor eax, eax",
                "mov [rsp + 512], rax",
                "mov [rsp + 520], rax",
                "mov [rsp + 528], rax",
                "mov [rsp + 536], rax",
                "mov [rsp + 544], rax",
                "mov [rsp + 552], rax",
                "mov [rsp + 560], rax",
                "mov [rsp + 568], rax",
                "mov eax, r9d",
                "xor edx, edx",
                "xsave [rsp]",
                "jmp 7f",
                "6:",
                "fxsave [rsp]",
                "7:",
                "mov r11, [rbp - 72]",
                "mov rdi, [r11 + 8]",
                "mov rsi, [r11]", // the entry, inside the trampoline
                "mov rdx, r11",   // the record
                "mov rbx, rsi",   // callee-saved: the entry, after the call
                "call {materialize}@PLT",
                // Publish unless the runtime has published a newer body in
                // the meantime (a hot function's optimized one), and keep
                // the target where r11 is restored from. A locked
                // compare-exchange is a release.
                "mov r11, [rbp - 72]",
                "mov [rbp - 72], rax",
                "mov rcx, rax",
                "mov rax, rbx",
                "lock cmpxchg [r11], rcx",
                "mov r9d, dword ptr [rip + {mask}]",
                "test r9d, r9d",
                "jz 8f",
                "mov eax, r9d",
                "xor edx, edx",
                "xrstor [rsp]",
                "jmp 9f",
                "8:",
                "fxrstor [rsp]",
                "9:",
                "lea rsp, [rbp - 80]",
                "pop rbx",
                "pop r11",
                "pop r10",
                "pop r9",
                "pop r8",
                "pop rcx",
                "pop rdx",
                "pop rsi",
                "pop rdi",
                "pop rax",
                "pop rbp",
                ".cfi_def_cfa rsp, 8",
                "jmp r11",
                ".cfi_endproc",
                area = sym RESOLVER_SAVE_AREA_BYTES,
                mask = sym RESOLVER_SAVE_MASK,
                materialize = sym $materialize,
            )
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trampoline_records_are_read_from_the_jump() {
        // jmp *0x100(%rip), as at a trampoline without and with branch protection.
        let plain = [0xff, 0x25, 0x00, 0x01, 0, 0, 0x4c, 0x8d, 0x1d, 0xf3];
        assert_eq!(trampoline_record(0x1000, &plain), Some(0x1000 + 6 + 0x100));
        let protected = [0xf3, 0x0f, 0x1e, 0xfa, 0xff, 0x25, 0xf0, 0xff, 0xff, 0xff];
        assert_eq!(
            trampoline_record(0x1000, &protected),
            Some(0x1000 + 10 - 0x10)
        );
        // push %rbp; mov %rsp,%rbp: a function, not a trampoline.
        let function = [0x55, 0x48, 0x89, 0xe5, 0, 0, 0, 0, 0, 0];
        assert_eq!(trampoline_record(0x1000, &function), None);
    }

    fn symbol(name: &str) -> TrampolineSymbol<'_> {
        TrampolineSymbol {
            name,
            binding: Binding::Global,
            visibility: Visibility::Default,
            section: None,
            align: 1,
            retain: false,
            unwind_info: false,
        }
    }

    const PLAIN: TrampolineSections = TrampolineSections {
        comdat: None,
        branch_protection: false,
        link_checks: &[],
    };

    #[test]
    fn elf_x86_64_only() {
        assert!(supports_triple("x86_64-pc-linux-gnu"));
        assert!(supports_triple("x86_64-unknown-freebsd14"));
        assert!(!supports_triple("aarch64-linux-gnu"));
        assert!(!supports_triple("x86_64-apple-macosx14.0.0"));
        assert!(!supports_triple("x86_64-pc-windows-msvc"));
        assert!(supports_triple(""));
    }

    #[test]
    fn a_plain_trampoline_is_a_global_function_in_text() {
        let asm = trampoline_asm(0x1f, &symbol("f"), &PLAIN);
        assert!(asm.starts_with(
            ".pushsection .text\n.globl \"f\"\n.type \"f\",@function\n\"f\":\n\
             jmp *2f(%rip)\n1:\nlea 2f(%rip), %r11\n\
             jmp *__llvm_autojit_resolve@GOTPCREL(%rip)\n\
             .size \"f\", . - \"f\"\n.popsection\n"
        ));
        assert!(asm.ends_with(
            ".pushsection .data.rel.local.__llvm_autojit,\"aw\",@progbits\n\
             .p2align 3\n2:\n.quad 1b\n.quad 0x000000000000001f\n.popsection\n"
        ));
        assert!(
            !asm.contains(".p2align 0"),
            "alignment 1 needs no directive"
        );
        assert!(!asm.contains(".cfi"));
    }

    #[test]
    fn a_trampoline_keeps_the_properties_of_its_function() {
        let member = TrampolineSymbol {
            binding: Binding::Weak,
            visibility: Visibility::Hidden,
            align: 2,
            unwind_info: true,
            ..symbol("_ZN1SC2Ei")
        };
        let asm = trampoline_asm(
            1,
            &member,
            &TrampolineSections {
                comdat: Some("_ZN1SC5Ei"),
                branch_protection: true,
                link_checks: &[],
            },
        );
        assert!(asm.starts_with(
            ".pushsection \".text._ZN1SC2Ei\",\"axG\",@progbits,\"_ZN1SC5Ei\",comdat\n\
             .weak \"_ZN1SC2Ei\"\n.hidden \"_ZN1SC2Ei\"\n.type \"_ZN1SC2Ei\",@function\n\
             .p2align 1\n\"_ZN1SC2Ei\":\n.cfi_startproc\nendbr64\njmp *2f(%rip)\n\
             1:\nendbr64\nlea 2f(%rip), %r11\n"
        ));
        assert!(asm.contains("(%rip)\n.cfi_endproc\n.size"));
        assert!(asm.contains("\"awG\",@progbits,\"_ZN1SC5Ei\",comdat\n"));
        assert!(!asm.contains(".reloc"));
    }

    #[test]
    fn explicit_and_retained_sections() {
        let in_section = TrampolineSymbol {
            section: Some("hot code"),
            visibility: Visibility::Protected,
            ..symbol("f")
        };
        let asm = trampoline_asm(1, &in_section, &PLAIN);
        assert!(asm.starts_with(".pushsection \"hot code\",\"ax\",@progbits\n"));
        assert!(asm.contains(".protected \"f\"\n"));
        let retained = TrampolineSymbol {
            retain: true,
            ..symbol("f")
        };
        let asm = trampoline_asm(1, &retained, &PLAIN);
        assert!(asm.starts_with(".pushsection \".text.f\",\"axR\",@progbits\n"));
        let grouped = trampoline_asm(
            1,
            &TrampolineSymbol {
                section: Some("s"),
                ..retained
            },
            &TrampolineSections {
                comdat: Some("g"),
                ..PLAIN
            },
        );
        assert!(grouped.starts_with(".pushsection \"s\",\"axGR\",@progbits,\"g\",comdat\n"));
    }

    #[test]
    fn link_checks_go_with_the_record() {
        let plain = trampoline_asm(
            1,
            &symbol("f"),
            &TrampolineSections {
                link_checks: &["puts"],
                ..PLAIN
            },
        );
        assert!(
            !plain.contains("puts"),
            "the module's shared list checks it"
        );
        let grouped = trampoline_asm(
            1,
            &symbol("f"),
            &TrampolineSections {
                comdat: Some("f"),
                branch_protection: false,
                link_checks: &["malloc", "a$b"],
            },
        );
        let record = grouped.split(".pushsection").nth(2).expect("a record");
        assert!(record.contains(".reloc ., R_X86_64_GOTPC32, \"malloc\"\n"));
        // Module asm has no operands: `$` is taken as it is.
        assert!(record.contains("\"a$b\""));
        assert!(record.ends_with(".long 0\n.popsection\n"));
        let module = module_link_check_asm(&["a$b"]);
        assert!(module.starts_with(".pushsection .data.rel.local.__llvm_autojit,\"aw\""));
        assert!(module.contains("\"a$b\""));
        assert_eq!(module_link_check_asm(&[]), "");
    }

    #[test]
    fn aliases_take_their_target() {
        let complete = alias_asm(&AliasSymbol {
            name: "_ZN1SC1Ei",
            target: "_ZN1SC2Ei",
            binding: Binding::Weak,
            visibility: Visibility::Hidden,
        });
        assert_eq!(
            complete,
            ".weak \"_ZN1SC1Ei\"\n.hidden \"_ZN1SC1Ei\"\n.type \"_ZN1SC1Ei\",@function\n\
             .set \"_ZN1SC1Ei\", \"_ZN1SC2Ei\"\n"
        );
        let local = alias_asm(&AliasSymbol {
            name: "a",
            target: "f",
            binding: Binding::Local,
            visibility: Visibility::Default,
        });
        assert_eq!(local, ".type \"a\",@function\n.set \"a\", \"f\"\n");
    }

    #[test]
    fn quotable_names() {
        assert!(can_quote("_ZN1SC2Ei"));
        assert!(can_quote("f.autojit.1f"));
        assert!(!can_quote(""));
        assert!(!can_quote("a\"b"));
        assert!(!can_quote("\u{1}f"));
    }
}
