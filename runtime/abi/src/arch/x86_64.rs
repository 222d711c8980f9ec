//! x86-64 (System V): the lazy function stub the plugin emits and the
//! resolver both runtimes link. Everything the two sides must agree on at
//! the instruction level is in this file.
//!
//! A lazified function `f` becomes a naked function whose body is
//!
//! ```text
//! f:      jmp *record(%rip)            ; the hot path: one indirect jump
//! entry:  lea record(%rip), %r11       ; first call: which function
//!         jmp *__llvm_autojit_resolve@GOTPCREL(%rip)
//!         .data
//! record: .quad entry                  ; target: the entry until published
//!         .quad GUID
//! ```
//!
//! The stub never touches an argument register, the stack or the flags the
//! caller set up, so every calling convention, `byval`, `sret`, varargs and
//! vector arguments reach the compiled body exactly as the caller passed
//! them. `r11` carries the record: the ABI makes it a scratch register that
//! no convention passes anything in. Because a lazily bound PLT entry may
//! clobber `r11`, the stub jumps to the resolver through its GOT entry, which
//! the dynamic loader fills at load time (the static linker turns it into a
//! direct jump when the resolver is linked into the program).

use alloc::format;
use alloc::string::String;

/// Whether modules for `triple` can get lazy function stubs: x86-64 ELF
/// (the stub's sections and relocations are ELF's). A module without a
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

/// How the plugin places a stub's record.
pub struct StubSections<'a> {
    /// The COMDAT group of the function, if it has one: the record must be
    /// discarded with the function's code, never kept without it.
    pub comdat: Option<&'a str>,
    /// Whether indirect branches must land on `endbr64` (the module was
    /// built with `-fcf-protection=branch`). LLVM already starts the
    /// function with one; the entry, reached through the record, needs its
    /// own.
    pub branch_protection: bool,
    /// What the function's body refers to that the object does not define,
    /// for the static linker to check (`link_check_asm`); the record carries
    /// them only in a COMDAT group (the module's other records share one
    /// section, and so one list: `module_link_check_asm`).
    pub link_checks: &'a [&'a str],
}

/// The assembly of a stub's body (AT&T syntax; LLVM inline asm, so `$`
/// would introduce an operand and is never used). Local numeric labels keep
/// the record out of the symbol table and its relocation section-relative,
/// so a preempted or interposed symbol can never redirect it.
pub fn stub_asm(guid: u64, sections: &StubSections) -> String {
    let landing = if sections.branch_protection {
        "endbr64\n"
    } else {
        ""
    };
    let link_checks = match sections.comdat {
        // `$` starts an operand in a function's inline asm.
        Some(_) => link_check_asm(sections.link_checks).replace('$', "$$"),
        None => String::new(),
    };
    format!(
        "jmp *2f(%rip)\n\
         1:\n\
         {landing}lea 2f(%rip), %r11\n\
         jmp *{resolver}@GOTPCREL(%rip)\n\
         .pushsection {data_section}\n\
         .p2align 3\n\
         2:\n\
         .quad 1b\n\
         .quad 0x{guid:016x}\n\
         {link_checks}\
         .popsection",
        data_section = record_section(sections.comdat),
        resolver = crate::names::RESOLVE_FN,
    )
}

/// The section of a stub's record: the function's COMDAT group, if any,
/// else one section the module's records share.
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
/// checks them exactly when it keeps those records (and so their stubs).
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

/// Defines `__llvm_autojit_resolve`, the one resolver behind every stub, in
/// the runtime that invokes it with its materialize function (a macro, so
/// that only the runtimes, which define that function, contain it).
///
/// Register contract: on entry `r11` holds the record's address and the
/// stack is exactly as the caller left it for `f` (return address on top).
/// The resolver saves everything that can carry an argument (rdi, rsi, rdx,
/// rcx, r8, r9; rax, whose low byte counts vector registers for varargs;
/// r10, the static chain; the whole vector state, AVX and AVX-512 included,
/// with XSAVE, or FXSAVE where the system has none), calls
/// `materialize(guid, entry)` (the entry lies inside the stub) with an aligned stack, publishes the
/// returned address in the record, restores everything and jumps there.
/// The body then runs as if `f` had been it all along. Concurrent first
/// calls each reach the runtime, which compiles once and hands every caller
/// the same address. `materialize` never returns on failure.
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
        /// Only lazy function stubs jump here, with `r11` holding their
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
                "mov rsi, [r11]", // the entry, inside the stub
                "call {materialize}@PLT",
                // Publish (a plain store is a release on x86-64) and keep
                // the target where r11 is restored from.
                "mov r11, [rbp - 72]",
                "mov [r11], rax",
                "mov [rbp - 72], rax",
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
    fn elf_x86_64_only() {
        assert!(supports_triple("x86_64-pc-linux-gnu"));
        assert!(supports_triple("x86_64-unknown-freebsd14"));
        assert!(!supports_triple("aarch64-linux-gnu"));
        assert!(!supports_triple("x86_64-apple-macosx14.0.0"));
        assert!(!supports_triple("x86_64-pc-windows-msvc"));
        assert!(supports_triple(""));
    }

    #[test]
    fn stub_records_follow_the_comdat() {
        let plain = stub_asm(
            0x1f,
            &StubSections {
                comdat: None,
                branch_protection: false,
                link_checks: &["puts"],
            },
        );
        assert!(
            !plain.contains("puts"),
            "the module's shared list checks it"
        );
        assert!(plain.starts_with("jmp *2f(%rip)\n1:\nlea 2f(%rip), %r11\n"));
        assert!(plain.contains(".quad 0x000000000000001f"));
        assert!(plain.contains("\"aw\",@progbits\n"));
        let grouped = stub_asm(
            1,
            &StubSections {
                comdat: Some("_ZN1SC5Ei"),
                branch_protection: true,
                link_checks: &[],
            },
        );
        assert!(grouped.starts_with("jmp *2f(%rip)\n1:\nendbr64\nlea"));
        assert!(grouped.contains("\"awG\",@progbits,\"_ZN1SC5Ei\",comdat"));
        assert!(!grouped.contains('$'));
        assert!(!grouped.contains(".reloc"));
    }

    #[test]
    fn link_checks_go_with_the_record() {
        let grouped = stub_asm(
            1,
            &StubSections {
                comdat: Some("f"),
                branch_protection: false,
                link_checks: &["malloc", "a$b"],
            },
        );
        let record = grouped.split(".pushsection").nth(1).expect("a record");
        assert!(record.contains(".reloc ., R_X86_64_GOTPC32, \"malloc\"\n"));
        // Inline asm reads `$` as an operand: it must be doubled.
        assert!(record.contains("\"a$$b\""));
        assert!(record.ends_with(".long 0\n.popsection"));
        let module = module_link_check_asm(&["a$b"]);
        assert!(module.starts_with(".pushsection .data.rel.local.__llvm_autojit,\"aw\""));
        assert!(module.contains("\"a$b\""), "module asm takes `$` as it is");
        assert_eq!(module_link_check_asm(&[]), "");
    }
}
