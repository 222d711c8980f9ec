//! Loads real C and C++ objects into the test process and calls them.

mod common;

use std::ffi::{c_char, CStr};
use std::ptr::addr_of_mut;

use autojit_loader::{
    undefined_symbols, CallTarget, LoadError, LoadedObject, Loader, ObjectImage, Reference, Resolve,
};
use common::{compile, dlsym, function, load_libstdcxx, FLAGS};

/// Read and written by loaded code, through its GOT.
#[no_mangle]
pub static mut program_value: i32 = 5;

#[no_mangle]
pub extern "C" fn program_add(a: i32, b: i32) -> i32 {
    a + b
}

/// The program's symbols first, then the process's.
fn resolve(name: &str) -> Option<usize> {
    match name {
        "program_value" => Some(addr_of_mut!(program_value) as usize),
        "program_add" => Some(program_add as *const () as usize),
        _ => dlsym(name),
    }
}

fn loader() -> Loader {
    Loader::new(program_add as *const () as usize)
}

fn load(loader: &mut Loader, object: &[u8]) -> LoadedObject {
    loader
        .load(object.to_vec().into(), &mut resolve)
        .unwrap_or_else(|error| panic!("{error}"))
}

fn address(object: &LoadedObject, name: &str) -> usize {
    object
        .symbol(name)
        .unwrap_or_else(|| panic!("{name} not defined"))
}

fn check_basic(flags: &[&str]) {
    let Some(object) = compile("basic.c", flags) else {
        return;
    };
    let loaded = load(&mut loader(), &object);
    // SAFETY: the signatures of tests/sources/basic.c.
    unsafe {
        let greeting: extern "C" fn() -> *const c_char = function(address(&loaded, "greeting"));
        let text = CStr::from_ptr(greeting());
        assert_eq!(text.to_str(), Ok("hello from loaded code"));

        let counter: extern "C" fn() -> i32 = function(address(&loaded, "counter"));
        assert_eq!((counter(), counter(), counter()), (1, 2, 3));

        let classify: extern "C" fn(i32, i32) -> i32 = function(address(&loaded, "classify"));
        let results: Vec<i32> = (0..9).map(|op| classify(op, 12)).collect();
        assert_eq!(results, [13, 36, 5, 9, 48, 4, 112, 34, -1]);

        let format: extern "C" fn(*mut c_char, i32, i32) -> i32 =
            function(address(&loaded, "format_number"));
        let mut buffer = [0 as c_char; 32];
        assert_eq!(format(buffer.as_mut_ptr(), 32, -417), 6);
        assert_eq!(CStr::from_ptr(buffer.as_ptr()).to_str(), Ok("<-417>"));

        let length: extern "C" fn(*const c_char) -> i64 = function(address(&loaded, "length"));
        assert_eq!(length(c"twelve bytes".as_ptr()), 12);

        let bump: extern "C" fn(i32) -> i32 = function(address(&loaded, "bump_program_value"));
        let before = *addr_of_mut!(program_value);
        assert_eq!(bump(10), before + 10);
        assert_eq!(*addr_of_mut!(program_value), before + 10);

        let call: extern "C" fn(i32, i32) -> i32 = function(address(&loaded, "call_program"));
        assert_eq!(call(20, 1), 42);

        let apply: extern "C" fn(i32, i32) -> i32 = function(address(&loaded, "apply"));
        assert_eq!((apply(0, 7), apply(1, 7), apply(2, 7)), (14, 49, -7));

        let sum: extern "C" fn() -> i64 = function(address(&loaded, "sum_zeroed"));
        assert_eq!((sum(), sum()), (0, 7));

        let next: extern "C" fn() -> i32 = function(address(&loaded, "next_data"));
        assert_eq!((next(), next()), (42, 43));
    }
    let sections: Vec<&str> = loaded.sections().map(|(name, _, _)| name).collect();
    for expected in [
        ".text.classify",
        ".rodata.classify",
        ".bss.zeroed",
        ".eh_frame",
    ] {
        assert!(sections.contains(&expected), "{expected} in {sections:?}");
    }
    let (_, start, size) = loaded
        .sections()
        .find(|(name, _, _)| *name == ".text.classify")
        .expect("classify's section");
    assert!((start..start + size).contains(&address(&loaded, "classify")));
}

#[test]
fn c_at_o0() {
    check_basic(FLAGS);
}

#[test]
fn c_at_o2() {
    let mut flags = FLAGS.to_vec();
    flags[0] = "-O2";
    check_basic(&flags);
}

#[test]
fn code_is_placed_near_the_program() {
    let Some(object) = compile("basic.c", FLAGS) else {
        return;
    };
    let loaded = load(&mut loader(), &object);
    let near = program_add as *const () as usize;
    for (name, address, _) in loaded.sections() {
        assert!(address.abs_diff(near) < 1 << 31, "{name} at {address:#x}");
    }
}

/// The permissions of the mapping holding `address`, from /proc/self/maps.
fn permissions(address: usize) -> String {
    let maps = std::fs::read_to_string("/proc/self/maps").expect("/proc/self/maps");
    maps.lines()
        .find_map(|line| {
            let (range, rest) = line.split_once(' ')?;
            let (start, end) = range.split_once('-')?;
            let start = usize::from_str_radix(start, 16).ok()?;
            let end = usize::from_str_radix(end, 16).ok()?;
            (start..end)
                .contains(&address)
                .then(|| rest[..4].to_string())
        })
        .unwrap_or_else(|| panic!("{address:#x} is not mapped"))
}

#[test]
fn memory_is_protected_by_section_kind() {
    let Some(object) = compile("basic.c", FLAGS) else {
        return;
    };
    let loaded = load(&mut loader(), &object);
    for (name, address, _) in loaded.sections() {
        let expected = if name.starts_with(".text") {
            "r-xp"
        } else if name.starts_with(".rodata") || name == ".eh_frame" {
            "r--p"
        } else {
            "rw-p"
        };
        assert_eq!(permissions(address), expected, "{name}");
    }
}

#[test]
fn position_independent_code_runs_anywhere() {
    let Some(object) = compile("basic.c", FLAGS) else {
        return;
    };
    // Near nothing: the program and libc are reached through GOT and call
    // thunks.
    let loaded = load(&mut Loader::new(0), &object);
    // SAFETY: the signature of `call_program` in tests/sources/basic.c.
    let call: extern "C" fn(i32, i32) -> i32 =
        unsafe { function(address(&loaded, "call_program")) };
    assert_eq!(call(1, 2), 6);
}

#[test]
fn out_of_range_references_are_refused() {
    let mut flags = FLAGS.to_vec();
    flags[2] = "-fno-pic";
    let Some(object) = compile("far.c", &flags) else {
        return;
    };
    // Data the code reaches directly, through a 32-bit field, too far away.
    let far = |name: &str| match name {
        "program_value" => Some(0x7fff_0000_0000),
        _ => resolve(name),
    };
    match Loader::new(program_add as *const () as usize).load(object.to_vec().into(), &mut { far })
    {
        Err(LoadError::Unsupported(why)) => {
            assert!(why.contains("against program_value out of range"), "{why}")
        }
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("a reference out of range was truncated"),
    }
}

#[test]
fn cxx_exceptions_unwind_through_loaded_code() {
    let Some(object) = compile("exceptions.cpp", FLAGS) else {
        return;
    };
    load_libstdcxx();
    let loaded = load(&mut loader(), &object);
    // SAFETY: the signatures of tests/sources/exceptions.cpp.
    unsafe {
        let inside: extern "C" fn(i32) -> i32 = function(address(&loaded, "catch_inside"));
        assert_eq!(inside(0), 0);
        assert_eq!(inside(1), 108);
        let catcher: extern "C" fn(i32) -> i32 = function(address(&loaded, "catcher"));
        assert_eq!(catcher(1), 2);
        // Thrown two loaded frames down; the guard in between is destroyed
        // (twice by now: once for each call).
        assert_eq!(catcher(5), 2050);
    }
}

#[test]
fn weak_definitions_are_shared_between_loads() {
    let (Some(a), Some(b)) = (compile("weak_a.cpp", FLAGS), compile("weak_b.cpp", FLAGS)) else {
        return;
    };
    load_libstdcxx();
    // `may_throw` is declared only: the program would define it.
    let mut resolve_with_may_throw = |name: &str| match name {
        "_Z9may_throwv" => Some(program_add as *const () as usize),
        _ => resolve(name),
    };
    let mut loader = loader();
    let first = loader
        .load(a.to_vec().into(), &mut resolve_with_may_throw)
        .unwrap();
    let second = loader
        .load(b.to_vec().into(), &mut resolve_with_may_throw)
        .unwrap();
    for name in ["_Z12shared_callsv", "__clang_call_terminate"] {
        assert_eq!(first.symbol(name), second.symbol(name), "{name}");
        assert!(first.symbol(name).is_some(), "{name}");
    }
    // SAFETY: `int use_a()` and `int use_b()`.
    unsafe {
        let use_a: extern "C" fn() -> i32 = function(address(&first, "use_a"));
        let use_b: extern "C" fn() -> i32 = function(address(&second, "use_b"));
        // One static counter: the second object runs the first's copy.
        assert_eq!((use_a(), use_b(), use_a()), (1, 2, 3));
    }
    // A new loader shares nothing with the first.
    let fresh = self::loader()
        .load(b.to_vec().into(), &mut resolve_with_may_throw)
        .unwrap();
    assert_ne!(
        fresh.symbol("_Z12shared_callsv"),
        first.symbol("_Z12shared_callsv")
    );
}

#[test]
fn undefined_symbols_are_reported() {
    let Some(object) = compile("undefined.c", FLAGS) else {
        return;
    };
    let error = loader().load(object.to_vec().into(), &mut resolve).err();
    assert_eq!(
        error,
        Some(LoadError::Undefined(vec![
            "no_such_function_anywhere".into()
        ]))
    );
}

#[test]
fn undefined_symbols_are_listed_with_their_binding() {
    let Some(object) = compile("references.c", FLAGS) else {
        return;
    };
    let mut references = undefined_symbols(&object).unwrap();
    references.sort_by_key(|r| r.name);
    let reference = |name, weak| Reference { name, weak };
    assert_eq!(
        references,
        [
            // The general-dynamic TLS model's helper, which the object calls.
            reference("__tls_get_addr", false),
            reference("optional_function", true),
            reference("per_thread_elsewhere", false),
            reference("required_function", false),
        ]
    );
    assert!(matches!(
        undefined_symbols(b"not an object"),
        Err(LoadError::Malformed(_))
    ));
}

#[test]
fn resolve_is_asked_once_per_name() {
    let Some(object) = compile("basic.c", FLAGS) else {
        return;
    };
    let mut asked = Vec::new();
    let mut counting = |name: &str| {
        asked.push(name.to_string());
        resolve(name)
    };
    loader()
        .load(object.to_vec().into(), &mut counting)
        .unwrap();
    let mut unique = asked.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(asked.len(), unique.len(), "{asked:?}");
    assert!(asked.contains(&"snprintf".to_string()));
}

#[test]
fn thread_local_storage_is_unsupported() {
    let Some(object) = compile("tls.c", FLAGS) else {
        return;
    };
    match loader().load(object.to_vec().into(), &mut resolve) {
        Err(LoadError::Unsupported(why)) => assert!(why.contains("thread-local"), "{why}"),
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("loaded a TLS object"),
    }
}

#[no_mangle]
pub extern "C" fn program_sub(a: i32, b: i32) -> i32 {
    a - b
}

/// Resolves as `resolve`, and sends calls to program_add to `calls`.
struct Redirecting(CallTarget);

impl Resolve for Redirecting {
    fn address(&mut self, name: &str) -> Option<usize> {
        resolve(name)
    }

    fn call_target(&mut self, address: usize) -> Option<CallTarget> {
        (address == program_add as *const () as usize).then(|| self.0.clone())
    }
}

#[test]
fn calls_go_where_the_resolver_sends_them() {
    let Some(object) = compile("call_targets.c", FLAGS) else {
        return;
    };
    let targets = [
        (
            CallTarget::Address(program_sub as *const () as usize),
            7 - 3,
        ),
        (CallTarget::Defined("body_of_add".into()), 1000 + 7 + 3),
    ];
    for (target, expected) in targets {
        let loaded = loader()
            .load(object.to_vec().into(), &mut Redirecting(target))
            .unwrap_or_else(|error| panic!("{error}"));
        // SAFETY: the signatures of tests/sources/call_targets.c.
        unsafe {
            let call: extern "C" fn(i32, i32) -> i32 = function(address(&loaded, "call_add"));
            assert_eq!(call(7, 3), expected);
            let address_of: extern "C" fn() -> usize = function(address(&loaded, "address_of_add"));
            assert_eq!(address_of(), program_add as *const () as usize);
        }
    }
}

#[test]
fn an_object_mapped_from_its_file_loads() {
    let Some(object) = compile("basic.c", FLAGS) else {
        return;
    };
    let path = std::env::temp_dir().join(format!("autojit-loader-mapped-{}.o", std::process::id()));
    std::fs::write(&path, &object).unwrap();
    let image = ObjectImage::map(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(image.bytes(), &object[..]);
    let loaded = loader()
        .load(image, &mut resolve)
        .unwrap_or_else(|error| panic!("{error}"));
    // SAFETY: the signature of tests/sources/basic.c's counter.
    let counter: extern "C" fn() -> i32 = unsafe { function(address(&loaded, "counter")) };
    assert_eq!((counter(), counter()), (1, 2));
}

/// The first `len` bytes of the code at `address`.
fn code(address: usize, len: usize) -> &'static [u8] {
    // SAFETY: `address` is a loaded function at least `len` bytes long.
    unsafe { std::slice::from_raw_parts(address as *const u8, len) }
}

/// Where a rel32 at `field` (the instruction ending at `end`) points.
fn rel32_target(field: usize, end: usize) -> usize {
    let bytes = code(field, 4).try_into().expect("four bytes");
    end.wrapping_add_signed(i32::from_le_bytes(bytes) as isize)
}

#[test]
fn got_accesses_within_reach_become_direct() {
    let flags = ["-O2", "-fPIC", "-fno-plt", "-ffunction-sections"];
    let Some(object) = compile("relax.c", &flags) else {
        return;
    };
    let value = addr_of_mut!(program_value) as usize;
    let sub = program_sub as *const () as usize;
    let loaded = loader()
        .load(
            object.to_vec().into(),
            &mut Redirecting(CallTarget::Address(sub)),
        )
        .unwrap_or_else(|error| panic!("{error}"));
    let address_of_value = address(&loaded, "address_of_value");
    let twice_add = address(&loaded, "twice_add");
    let tail_add = address(&loaded, "tail_add");
    // SAFETY: the signatures of tests/sources/relax.c.
    unsafe {
        let address_of: extern "C" fn() -> usize = function(address_of_value);
        assert_eq!(address_of(), value);
        let twice: extern "C" fn(i32, i32) -> i32 = function(twice_add);
        assert_eq!(twice(7, 3), 8);
        let tail: extern "C" fn(i32, i32) -> i32 = function(tail_add);
        assert_eq!(tail(7, 3), 4);
    }
    // lea program_value(%rip), %rax: the variable's own address.
    assert_eq!(code(address_of_value, 3), [0x48, 0x8d, 0x05]);
    assert_eq!(
        rel32_target(address_of_value + 3, address_of_value + 7),
        value
    );
    // addr32 call: where the resolver sends calls.
    let call = code(twice_add, 32)
        .windows(2)
        .position(|w| w == [0x67, 0xe8])
        .expect("a direct call in twice_add");
    let field = twice_add + call + 2;
    assert_eq!(rel32_target(field, field + 4), sub);
    // jmp, then a nop where the indirect jump's last byte was.
    assert_eq!(code(tail_add, 6)[0], 0xe9);
    assert_eq!(code(tail_add, 6)[5], 0x90);
    assert_eq!(rel32_target(tail_add + 1, tail_add + 5), sub);
}

#[test]
fn got_accesses_out_of_reach_stay_indirect() {
    let flags = ["-O2", "-fPIC", "-fno-plt", "-ffunction-sections"];
    let Some(object) = compile("relax.c", &flags) else {
        return;
    };
    // Near nothing: where the code lands, the program may be out of reach.
    let loaded = load(&mut Loader::new(0), &object);
    let address_of_value = address(&loaded, "address_of_value");
    let value = addr_of_mut!(program_value) as usize;
    // SAFETY: the signatures of tests/sources/relax.c.
    unsafe {
        let address_of: extern "C" fn() -> usize = function(address_of_value);
        assert_eq!(address_of(), value);
        let twice: extern "C" fn(i32, i32) -> i32 = function(address(&loaded, "twice_add"));
        assert_eq!(twice(7, 3), 20);
    }
    if address_of_value.abs_diff(value) >= 1 << 31 {
        // mov program_value@GOTPCREL(%rip), %rax
        assert_eq!(code(address_of_value, 3), [0x48, 0x8b, 0x05]);
    }
}
