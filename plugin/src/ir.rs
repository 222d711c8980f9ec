//! A thin layer over LLVM's C API for the IR work of the pass.
//!
//! Every function here takes handles that belong to the module being
//! processed; the pass never keeps a handle past the module's lifetime.

use crate::boundary::{
    autojit_comdat_name, autojit_copy_call_attributes, autojit_delete_function_body,
    autojit_erase_global_value, autojit_is_dso_local, autojit_replace_uses_except_label_addresses,
    autojit_set_dso_local, autojit_slim_lazy_debug_info,
};
use autojit_llvm_capi::{basic_blocks, block_instructions, list, take_buffer, take_message};
pub use autojit_llvm_capi::{cstring, OwnedModule};
use llvm_sys::core::*;
use llvm_sys::debuginfo::{LLVMDIFileGetDirectory, LLVMDIFileGetFilename, LLVMDIScopeGetFile};
use llvm_sys::prelude::*;
use llvm_sys::{LLVMLinkage, LLVMVisibility};
use std::ffi::{c_char, CStr};
use std::path::Path;

/// Copies `len` bytes LLVM returned at `p` (null for none).
///
/// # Safety
/// `p` must be null or point to `len` readable bytes.
unsafe fn copy_bytes(p: *const c_char, len: usize) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: guaranteed by the caller.
    let bytes = unsafe { std::slice::from_raw_parts(p as *const u8, len) };
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn name(v: LLVMValueRef) -> String {
    let mut len = 0;
    // SAFETY: `v` is a live value; LLVM returns `len` bytes it owns, copied
    // before `v` can change.
    unsafe { copy_bytes(LLVMGetValueName2(v, &mut len), len) }
}

pub fn set_name(v: LLVMValueRef, name: &str) {
    // SAFETY: `v` is a live value; the name is copied by LLVM.
    unsafe { LLVMSetValueName2(v, name.as_ptr() as *const c_char, name.len()) }
}

pub fn source_filename(m: LLVMModuleRef) -> String {
    let mut len = 0;
    // SAFETY: `m` is live; LLVM returns `len` bytes owned by the module.
    unsafe { copy_bytes(LLVMGetSourceFileName(m, &mut len), len) }
}

/// The module's source file as its debug info names it, after the
/// compiler's `-fdebug-prefix-map` and `-ffile-prefix-map`: its compile
/// unit's directory joined with its file name. None without debug info,
/// and for a module of several compile units (merged for LTO).
pub fn debug_source_path(m: LLVMModuleRef) -> Option<String> {
    let name = c"llvm.dbg.cu";
    // SAFETY: `m` is live; the operands are written into a buffer of the
    // count LLVM gives, and the strings copied before the module changes.
    unsafe {
        let count = LLVMGetNamedMetadataNumOperands(m, name.as_ptr());
        if count != 1 {
            return None;
        }
        let mut units = vec![std::ptr::null_mut(); count as usize];
        LLVMGetNamedMetadataOperands(m, name.as_ptr(), units.as_mut_ptr());
        let file = LLVMDIScopeGetFile(LLVMValueAsMetadata(units[0]));
        if file.is_null() {
            return None;
        }
        let (mut dir_len, mut name_len) = (0, 0);
        let dir = LLVMDIFileGetDirectory(file, &mut dir_len);
        let dir = copy_bytes(dir, dir_len as usize);
        let file_name = LLVMDIFileGetFilename(file, &mut name_len);
        let file_name = copy_bytes(file_name, name_len as usize);
        Some(
            Path::new(&dir)
                .join(file_name)
                .to_string_lossy()
                .into_owned(),
        )
    }
}

pub fn target_triple(m: LLVMModuleRef) -> String {
    // SAFETY: `m` is live; LLVM returns a NUL-terminated string it owns.
    unsafe { CStr::from_ptr(LLVMGetTarget(m)) }
        .to_string_lossy()
        .into_owned()
}

/// The instructions of function `f`, block by block.
pub fn instructions(f: LLVMValueRef) -> Vec<LLVMValueRef> {
    // SAFETY: `f` is a live function; its blocks and instructions are only
    // read.
    unsafe {
        basic_blocks(f)
            .into_iter()
            .flat_map(|block| block_instructions(block))
            .collect()
    }
}

/// The `blockaddress` constants of `f`'s blocks. They are users of the
/// blocks, not of the function (LLVM 22 drops the function operand).
pub fn block_addresses(f: LLVMValueRef) -> Vec<LLVMValueRef> {
    // SAFETY: `f` is a live function; its blocks and their uses are only
    // read.
    unsafe {
        basic_blocks(f)
            .into_iter()
            .flat_map(|block| users(LLVMBasicBlockAsValue(block)))
            .filter(|&u| !LLVMIsABlockAddress(u).is_null())
            .collect()
    }
}

pub fn functions(m: LLVMModuleRef) -> Vec<LLVMValueRef> {
    // SAFETY: `m` is a live module.
    unsafe { list(LLVMGetFirstFunction(m), LLVMGetNextFunction) }
}

pub fn globals(m: LLVMModuleRef) -> Vec<LLVMValueRef> {
    // SAFETY: `m` is a live module.
    unsafe { list(LLVMGetFirstGlobal(m), LLVMGetNextGlobal) }
}

pub fn aliases(m: LLVMModuleRef) -> Vec<LLVMValueRef> {
    // SAFETY: `m` is a live module.
    unsafe { list(LLVMGetFirstGlobalAlias(m), LLVMGetNextGlobalAlias) }
}

pub fn ifuncs(m: LLVMModuleRef) -> Vec<LLVMValueRef> {
    // SAFETY: `m` is a live module.
    unsafe { list(LLVMGetFirstGlobalIFunc(m), LLVMGetNextGlobalIFunc) }
}

/// Every global value of the module: functions, variables, aliases, ifuncs.
pub fn global_values(m: LLVMModuleRef) -> Vec<LLVMValueRef> {
    let mut all = functions(m);
    all.extend(globals(m));
    all.extend(aliases(m));
    all.extend(ifuncs(m));
    all
}

pub fn users(v: LLVMValueRef) -> Vec<LLVMValueRef> {
    // SAFETY: `v` is live; its uses are walked without modifying the use
    // list, and each is live while read.
    unsafe {
        list(LLVMGetFirstUse(v), LLVMGetNextUse)
            .into_iter()
            .map(|u| LLVMGetUser(u))
            .collect()
    }
}

pub fn has_uses(v: LLVMValueRef) -> bool {
    // SAFETY: `v` is a live value.
    !unsafe { LLVMGetFirstUse(v) }.is_null()
}

pub fn linkage(v: LLVMValueRef) -> LLVMLinkage {
    // SAFETY: `v` is a live global value.
    unsafe { LLVMGetLinkage(v) }
}

pub fn set_linkage(v: LLVMValueRef, l: LLVMLinkage) {
    // SAFETY: `v` is a live global value.
    unsafe { LLVMSetLinkage(v, l) }
}

pub fn visibility(v: LLVMValueRef) -> LLVMVisibility {
    // SAFETY: `v` is a live global value.
    unsafe { LLVMGetVisibility(v) }
}

pub fn set_visibility(v: LLVMValueRef, vis: LLVMVisibility) {
    // SAFETY: `v` is a live global value.
    unsafe { LLVMSetVisibility(v, vis) }
}

pub fn set_dso_local(v: LLVMValueRef, local: bool) {
    // SAFETY: `v` is a live global value (the C++ side casts to GlobalValue).
    unsafe { autojit_set_dso_local(v, local as i32) }
}

pub fn is_dso_local(v: LLVMValueRef) -> bool {
    // SAFETY: `v` is a live global value (the C++ side casts to GlobalValue).
    unsafe { autojit_is_dso_local(v) != 0 }
}

pub fn is_local(l: LLVMLinkage) -> bool {
    matches!(
        l,
        LLVMLinkage::LLVMInternalLinkage | LLVMLinkage::LLVMPrivateLinkage
    )
}

/// Link-once definitions may be dropped by the optimizer when unused and
/// are merged across translation units by the linker.
pub fn is_link_once(l: LLVMLinkage) -> bool {
    matches!(
        l,
        LLVMLinkage::LLVMLinkOnceAnyLinkage | LLVMLinkage::LLVMLinkOnceODRLinkage
    )
}

pub fn is_declaration(v: LLVMValueRef) -> bool {
    // SAFETY: `v` is a live global value.
    unsafe { LLVMIsDeclaration(v) != 0 }
}

pub fn is_function(v: LLVMValueRef) -> bool {
    // SAFETY: `v` is a live value.
    !unsafe { llvm_sys::core::LLVMIsAFunction(v) }.is_null()
}

pub fn is_global_variable(v: LLVMValueRef) -> bool {
    // SAFETY: `v` is a live value.
    !unsafe { LLVMIsAGlobalVariable(v) }.is_null()
}

/// Whether `v` is an LLVM intrinsic (`llvm.*`), which has no symbol.
pub fn is_intrinsic(v: LLVMValueRef) -> bool {
    // SAFETY: `v` is a live value.
    is_function(v) && unsafe { LLVMGetIntrinsicID(v) } != 0
}

pub fn is_alias(v: LLVMValueRef) -> bool {
    // SAFETY: `v` is a live value.
    !unsafe { LLVMIsAGlobalAlias(v) }.is_null()
}

/// What the alias `a` stands for: a global value or a constant expression.
pub fn aliasee(a: LLVMValueRef) -> LLVMValueRef {
    // SAFETY: `a` is a live alias.
    unsafe { LLVMAliasGetAliasee(a) }
}

pub fn is_global_value(v: LLVMValueRef) -> bool {
    // SAFETY: `v` is a live value.
    !unsafe { LLVMIsAGlobalValue(v) }.is_null()
}

/// The function an instruction belongs to, or None if `v` is no instruction.
pub fn instruction_function(v: LLVMValueRef) -> Option<LLVMValueRef> {
    // SAFETY: `v` is a live value; an instruction of a module's function has
    // a parent block, whose parent is that function.
    unsafe {
        if LLVMIsAInstruction(v).is_null() {
            return None;
        }
        Some(LLVMGetBasicBlockParent(LLVMGetInstructionParent(v)))
    }
}

/// The name of the COMDAT group of `gv`, if it has one.
pub fn comdat_name(gv: LLVMValueRef) -> Option<String> {
    // SAFETY: `gv` is a live global value; the comdat's name lives as long
    // as the module and is copied here.
    unsafe {
        let c = llvm_sys::comdat::LLVMGetComdat(gv);
        (!c.is_null()).then(|| {
            CStr::from_ptr(autojit_comdat_name(c))
                .to_string_lossy()
                .into_owned()
        })
    }
}

pub fn remove_comdat(gv: LLVMValueRef) {
    // SAFETY: `gv` is a live global object.
    unsafe { llvm_sys::comdat::LLVMSetComdat(gv, std::ptr::null_mut()) }
}

/// The explicit section of `gv`, if it has one.
pub fn section(gv: LLVMValueRef) -> Option<String> {
    // SAFETY: `gv` is a live global object; LLVM returns null or a
    // NUL-terminated string it owns, copied here.
    unsafe {
        let s = LLVMGetSection(gv);
        (!s.is_null() && *s != 0).then(|| CStr::from_ptr(s).to_string_lossy().into_owned())
    }
}

pub fn remove_section(gv: LLVMValueRef) {
    // SAFETY: `gv` is a live global object; an empty name means none.
    unsafe { LLVMSetSection(gv, c"".as_ptr()) }
}

/// The explicit alignment of `gv` in bytes, 0 if it has none.
pub fn alignment(gv: LLVMValueRef) -> u32 {
    // SAFETY: `gv` is a live global object.
    unsafe { LLVMGetAlignment(gv) }
}

pub fn value_type(gv: LLVMValueRef) -> LLVMTypeRef {
    // SAFETY: `gv` is a live global value.
    unsafe { LLVMGlobalGetValueType(gv) }
}

pub fn delete_body(f: LLVMValueRef) {
    // SAFETY: `f` is a live function of a module we own or are transforming.
    unsafe { autojit_delete_function_body(f) }
}

/// Erases a global value that has no uses left.
pub fn erase(gv: LLVMValueRef) {
    // SAFETY: `gv` is a live global value without uses.
    unsafe { autojit_erase_global_value(gv) }
}

/// Drops module-wide debug info the static module already carries.
pub fn slim_lazy_debug_info(m: LLVMModuleRef) {
    // SAFETY: `m` is a live module the pass owns.
    unsafe { autojit_slim_lazy_debug_info(m) }
}

fn attribute_kind(attr: &str) -> u32 {
    // SAFETY: the name is a valid buffer of that length.
    unsafe { LLVMGetEnumAttributeKindForName(attr.as_ptr() as *const c_char, attr.len()) }
}

pub fn has_fn_attr(f: LLVMValueRef, attr: &str) -> bool {
    // SAFETY: `f` is a live function.
    !unsafe {
        LLVMGetEnumAttributeAtIndex(
            f,
            llvm_sys::LLVMAttributeFunctionIndex,
            attribute_kind(attr),
        )
    }
    .is_null()
}

/// Removes a function attribute; an absent or unknown one is ignored.
pub fn remove_fn_attr(f: LLVMValueRef, attr: &str) {
    // SAFETY: `f` is a live function.
    unsafe {
        LLVMRemoveEnumAttributeAtIndex(
            f,
            llvm_sys::LLVMAttributeFunctionIndex,
            attribute_kind(attr),
        )
    }
}

/// Appends `asm` (whole lines) to the module's inline assembly.
pub fn append_module_asm(m: LLVMModuleRef, asm: &str) {
    if !asm.is_empty() {
        // SAFETY: `m` is live; LLVM copies the text.
        unsafe { LLVMAppendModuleInlineAsm(m, asm.as_ptr() as *const c_char, asm.len()) }
    }
}

/// Whether the module has the flag `key` (clang adds its boolean flags,
/// such as `cf-protection-branch`, only when they are on).
pub fn has_module_flag(m: LLVMModuleRef, key: &str) -> bool {
    // SAFETY: `m` is live; the key is a valid buffer of that length.
    !unsafe { LLVMGetModuleFlag(m, key.as_ptr() as *const c_char, key.len()) }.is_null()
}

/// Gives function `to` the calling convention of `from`, and its attributes
/// if both have the same type.
pub fn copy_call_attributes(to: LLVMValueRef, from: LLVMValueRef) {
    // SAFETY: both are live functions of the same context.
    unsafe { autojit_copy_call_attributes(to, from) }
}

/// Declares a global value with the name and value type of `gv`, which
/// gives up its name: a function if that type is one, else a variable.
pub fn declaration_in_place_of(m: LLVMModuleRef, gv: LLVMValueRef) -> LLVMValueRef {
    let name = cstring(&name(gv));
    let ty = value_type(gv);
    set_name(gv, "");
    // SAFETY: `m` is live and `gv` no longer holds the name; the
    // declaration has the same value type.
    unsafe {
        if LLVMGetTypeKind(ty) == llvm_sys::LLVMTypeKind::LLVMFunctionTypeKind {
            LLVMAddFunction(m, name.as_ptr(), ty)
        } else {
            LLVMAddGlobal(m, ty, name.as_ptr())
        }
    }
}

pub fn replace_all_uses(old: LLVMValueRef, new: LLVMValueRef) {
    // SAFETY: both are live values of the same type in the same module.
    unsafe { LLVMReplaceAllUsesWith(old, new) }
}

/// Replaces the uses of the function `old` by `new`, except its label
/// addresses, which belong to the body of `old`.
pub fn replace_uses_except_label_addresses(old: LLVMValueRef, new: LLVMValueRef) {
    // SAFETY: both are live functions of the same type in the same module.
    unsafe { autojit_replace_uses_except_label_addresses(old, new) }
}

pub fn context(m: LLVMModuleRef) -> LLVMContextRef {
    // SAFETY: `m` is a live module.
    unsafe { LLVMGetModuleContext(m) }
}

pub fn named_global(m: LLVMModuleRef, name: &str) -> Option<LLVMValueRef> {
    let c = cstring(name);
    // SAFETY: `m` is live and `c` outlives the call.
    let v = unsafe { LLVMGetNamedGlobal(m, c.as_ptr()) };
    (!v.is_null()).then_some(v)
}

pub fn ptr_type(ctx: LLVMContextRef) -> LLVMTypeRef {
    // SAFETY: `ctx` is a live context.
    unsafe { LLVMPointerTypeInContext(ctx, 0) }
}

pub fn i32_type(ctx: LLVMContextRef) -> LLVMTypeRef {
    // SAFETY: `ctx` is a live context.
    unsafe { LLVMInt32TypeInContext(ctx) }
}

pub fn i64_type(ctx: LLVMContextRef) -> LLVMTypeRef {
    // SAFETY: `ctx` is a live context.
    unsafe { LLVMInt64TypeInContext(ctx) }
}

pub fn const_i64(ctx: LLVMContextRef, v: u64) -> LLVMValueRef {
    // SAFETY: `ctx` is a live context.
    unsafe { LLVMConstInt(i64_type(ctx), v, 0) }
}

pub fn const_i32(ctx: LLVMContextRef, v: u32) -> LLVMValueRef {
    // SAFETY: `ctx` is a live context.
    unsafe { LLVMConstInt(i32_type(ctx), v as u64, 0) }
}

pub fn const_null(ty: LLVMTypeRef) -> LLVMValueRef {
    // SAFETY: `ty` is a live type.
    unsafe { LLVMConstNull(ty) }
}

pub fn const_struct(ctx: LLVMContextRef, fields: &mut [LLVMValueRef]) -> LLVMValueRef {
    // SAFETY: `fields` are live constants of `ctx`.
    unsafe { LLVMConstStructInContext(ctx, fields.as_mut_ptr(), fields.len() as u32, 0) }
}

pub fn const_array(elem: LLVMTypeRef, elems: &mut [LLVMValueRef]) -> LLVMValueRef {
    // SAFETY: `elems` are live constants of type `elem`.
    unsafe { LLVMConstArray2(elem, elems.as_mut_ptr(), elems.len() as u64) }
}

/// Adds a private constant global holding `init`.
pub fn add_private_constant(m: LLVMModuleRef, name: &str, init: LLVMValueRef) -> LLVMValueRef {
    let c = cstring(name);
    // SAFETY: `m` is live, `init` is a constant of the module's context.
    unsafe {
        let g = LLVMAddGlobal(m, LLVMTypeOf(init), c.as_ptr());
        LLVMSetInitializer(g, init);
        LLVMSetGlobalConstant(g, 1);
        LLVMSetLinkage(g, LLVMLinkage::LLVMPrivateLinkage);
        LLVMSetUnnamedAddress(g, llvm_sys::LLVMUnnamedAddr::LLVMGlobalUnnamedAddr);
        g
    }
}

/// A private NUL-terminated string constant.
pub fn add_private_string(m: LLVMModuleRef, name: &str, s: &str) -> LLVMValueRef {
    let ctx = context(m);
    // SAFETY: `ctx` is live; LLVM copies the bytes.
    let init = unsafe { LLVMConstStringInContext2(ctx, s.as_ptr() as *const c_char, s.len(), 0) };
    add_private_constant(m, name, init)
}

/// A private constant holding `bytes` as they are (no terminating NUL).
pub fn add_private_bytes(m: LLVMModuleRef, name: &str, bytes: &[u8]) -> LLVMValueRef {
    let ctx = context(m);
    // SAFETY: `ctx` is live; LLVM copies the bytes.
    let init =
        unsafe { LLVMConstStringInContext2(ctx, bytes.as_ptr() as *const c_char, bytes.len(), 1) };
    add_private_constant(m, name, init)
}

/// Declares (or finds) a function `void name(ptr)`.
pub fn declare_void_ptr_fn(m: LLVMModuleRef, name: &str) -> (LLVMValueRef, LLVMTypeRef) {
    let ctx = context(m);
    let c = cstring(name);
    // SAFETY: `m`/`ctx` are live; the type outlives the module.
    unsafe {
        let mut params = [ptr_type(ctx)];
        let ty = LLVMFunctionType(LLVMVoidTypeInContext(ctx), params.as_mut_ptr(), 1, 0);
        let existing = LLVMGetNamedFunction(m, c.as_ptr());
        let f = if existing.is_null() {
            LLVMAddFunction(m, c.as_ptr(), ty)
        } else {
            existing
        };
        (f, ty)
    }
}

/// Appends `(priority, f, null)` to `llvm.global_ctors`.
pub fn append_global_ctor(m: LLVMModuleRef, priority: u32, f: LLVMValueRef) {
    let ctx = context(m);
    let entry = const_struct(
        ctx,
        &mut [const_i32(ctx, priority), f, const_null(ptr_type(ctx))],
    );
    append_to_array_global(m, "llvm.global_ctors", vec![entry]);
}

/// The members of the array global `list` (`llvm.used`, ...).
pub fn used_values(m: LLVMModuleRef, list: &str) -> std::collections::HashSet<LLVMValueRef> {
    let Some(g) = named_global(m, list) else {
        return Default::default();
    };
    // SAFETY: `g` is a live array global; its initializer, if any, is a
    // constant array of pointers.
    unsafe {
        let init = LLVMGetInitializer(g);
        if init.is_null() {
            return Default::default();
        }
        (0..LLVMGetArrayLength2(LLVMTypeOf(init)))
            .map(|i| LLVMGetAggregateElement(init, i as u32))
            .collect()
    }
}

/// Adds `values` to `llvm.compiler.used` so the optimizer keeps them.
pub fn append_compiler_used(m: LLVMModuleRef, values: Vec<LLVMValueRef>) {
    if !values.is_empty() {
        append_to_array_global(m, "llvm.compiler.used", values);
    }
}

/// Adds `values` to `llvm.used`: the optimizer keeps them, and their ELF
/// sections are retained (`SHF_GNU_RETAIN`), so a linker's --gc-sections
/// keeps them too.
pub fn append_used(m: LLVMModuleRef, values: Vec<LLVMValueRef>) {
    if !values.is_empty() {
        append_to_array_global(m, "llvm.used", values);
    }
}

/// Rebuilds the appending array global `name` with `entries` added at the end.
fn append_to_array_global(m: LLVMModuleRef, name: &str, entries: Vec<LLVMValueRef>) {
    let mut elems = Vec::new();
    let old = named_global(m, name);
    if let Some(old) = old {
        // SAFETY: `old` is a live array global; its initializer is a constant array.
        unsafe {
            let init = LLVMGetInitializer(old);
            if !init.is_null() {
                let n = LLVMGetArrayLength2(LLVMTypeOf(init));
                for i in 0..n {
                    elems.push(LLVMGetAggregateElement(init, i as u32));
                }
            }
        }
    }
    // SAFETY: all handles are live and belong to `m`'s context.
    unsafe {
        let elem_ty = LLVMTypeOf(entries[0]);
        elems.extend(entries);
        let init = const_array(elem_ty, &mut elems);
        let tmp_name = cstring(&format!("{name}.autojit.new"));
        let g = LLVMAddGlobal(m, LLVMTypeOf(init), tmp_name.as_ptr());
        LLVMSetInitializer(g, init);
        LLVMSetLinkage(g, LLVMLinkage::LLVMAppendingLinkage);
        if let Some(old) = old {
            let section = LLVMGetSection(old);
            if !section.is_null() {
                LLVMSetSection(g, section);
            }
            LLVMDeleteGlobal(old);
        }
        if name == "llvm.compiler.used" {
            LLVMSetSection(g, c"llvm.metadata".as_ptr());
        }
        set_name(g, name);
    }
}

pub fn print_module_to_file(m: LLVMModuleRef, path: &std::path::Path) -> Result<(), String> {
    let c = cstring(&path.to_string_lossy());
    let mut err = std::ptr::null_mut();
    // SAFETY: `m` is live; `err` receives an LLVM-allocated message on failure.
    if unsafe { LLVMPrintModuleToFile(m, c.as_ptr(), &mut err) } != 0 {
        // SAFETY: LLVM made the message for us to free.
        let why = unsafe { take_message(err) };
        return Err(format!("cannot write {}: {why}", path.display()));
    }
    Ok(())
}

pub fn write_bitcode(m: LLVMModuleRef) -> Vec<u8> {
    // SAFETY: `m` is live; the buffer is ours, taken once.
    unsafe { take_buffer(llvm_sys::bit_writer::LLVMWriteBitcodeToMemoryBuffer(m)) }
}

/// True when `f` is used other than as the callee of a direct call.
pub fn address_escapes(f: LLVMValueRef) -> bool {
    let mut seen = std::collections::HashSet::new();
    users(f).into_iter().any(|user| {
        if !seen.insert(user) {
            return false;
        }
        // SAFETY: `user` is a live user of `f`.
        unsafe {
            let is_call = !LLVMIsACallInst(user).is_null() || !LLVMIsAInvokeInst(user).is_null();
            if !is_call || LLVMGetCalledValue(user) != f {
                return true;
            }
            (0..LLVMGetNumArgOperands(user)).any(|i| LLVMGetOperand(user, i) == f)
        }
    })
}
