//! Promotion of local symbols that static and lazy code must share.
//!
//! A local variable (`static int counter`) must exist once, so it becomes a
//! hidden external symbol with a name unique to this module and stays defined
//! in the program. A local function whose address escapes must keep one
//! address, so it becomes hidden external too and is lazified like any other;
//! so does a local function pinned for its label addresses, whose copies in
//! lazy bodies would read label addresses of the static copy. Local functions
//! that lazified code calls are lazified too, at every level: each is then
//! compiled once, instead of once in every body that calls it (unless only
//! code that stays in the program calls it: constructors and their helpers
//! run at start-up anyway). Above -O0 the small ones keep a copy for the
//! inliner (`inlinable.rs`).
//!
//! An unnamed-address constant (a string literal) is copied the same way only
//! when one lazified function, compiled once, is all that uses it: a constant
//! that static code refers to (a function that keeps its body, the
//! initializer of a global, `const char *const T::s = "..."`), or that two
//! functions use, is promoted, so its address is the same wherever the
//! program looks at it, as in a regular build. Label tables stay local and
//! follow their function (`labels.rs`).

use crate::ir;
use crate::labels::LabelAddresses;
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::{LLVMLinkage, LLVMUnnamedAddr, LLVMVisibility};
use std::collections::{HashMap, HashSet};

pub struct Promotion {
    pub old_name: String,
    pub new_name: String,
}

pub fn promote_locals(m: LLVMModuleRef, module_id: u64, labels: &LabelAddresses) -> Vec<Promotion> {
    let pinned = crate::select::pinned_functions(m);
    let label_pinned: HashSet<LLVMValueRef> = labels.pinned.iter().map(|&(f, _)| f).collect();
    let mut constants = ConstantOwners {
        pinned: &pinned,
        tables: &labels.tables,
        owners: HashMap::new(),
    };
    // Label tables and copyable constants travel with the code using them;
    // `llvm.*` globals are the compiler's.
    let mut stays_local = |g| {
        is_metadata_global(g)
            || labels.tables.contains(&g)
            || (is_unnamed_constant(g) && constants.copyable(g))
    };
    let to_promote: Vec<LLVMValueRef> = ir::globals(m)
        .into_iter()
        .filter(|&g| ir::is_local(ir::linkage(g)) && !stays_local(g))
        .collect();
    let mut promoted: Vec<Promotion> = to_promote
        .into_iter()
        .map(|g| promote(g, module_id))
        .collect();
    for f in ir::functions(m) {
        if ir::is_local(ir::linkage(f))
            && (!pinned.contains(&f) || label_pinned.contains(&f))
            && (label_pinned.contains(&f) || crate::select::lazifies(f, &pinned))
        {
            promoted.push(promote(f, module_id));
        }
    }
    promoted
}

fn promote(gv: LLVMValueRef, module_id: u64) -> Promotion {
    let old_name = ir::name(gv);
    let base = if old_name.is_empty() {
        "anon"
    } else {
        &old_name
    };
    // A member of a link-once group (the profile data of an inline
    // function, say) is named after its group: the linker keeps one file's
    // group, whose members every file's references must find.
    let id = ir::comdat_name(gv).map_or(module_id, |group| {
        autojit_abi::function_guid("", &group, true)
    });
    let new_name = autojit_abi::names::promoted_name(base, id);
    ir::set_name(gv, &new_name);
    ir::set_linkage(gv, LLVMLinkage::LLVMExternalLinkage);
    ir::set_visibility(gv, LLVMVisibility::LLVMHiddenVisibility);
    Promotion {
        old_name,
        new_name: ir::name(gv),
    }
}

fn is_unnamed_constant(g: LLVMValueRef) -> bool {
    // SAFETY: `g` is a live global variable.
    unsafe {
        LLVMIsGlobalConstant(g) != 0
            && LLVMGetUnnamedAddress(g) != LLVMUnnamedAddr::LLVMNoUnnamedAddr
            // A thread's copy lives in the program's thread-local storage.
            && LLVMIsThreadLocal(g) == 0
    }
}

/// Who uses a local constant, once lazy bodies are compiled on their own.
#[derive(Clone, Copy, PartialEq)]
enum Owner {
    /// Nothing.
    Nobody,
    /// Only this function, which is lazified as one body.
    Body(LLVMValueRef),
    /// Code or data that stays in the static module, or several functions.
    Shared,
}

impl Owner {
    fn join(self, other: Owner) -> Owner {
        match (self, other) {
            (Owner::Nobody, o) | (o, Owner::Nobody) => o,
            (Owner::Body(a), Owner::Body(b)) if a == b => self,
            _ => Owner::Shared,
        }
    }
}

struct ConstantOwners<'a> {
    pinned: &'a HashSet<LLVMValueRef>,
    tables: &'a HashSet<LLVMValueRef>,
    owners: HashMap<LLVMValueRef, Owner>,
}

impl ConstantOwners<'_> {
    /// A constant may be copied into the one body that uses it: nobody can
    /// then tell the copy from the original.
    fn copyable(&mut self, g: LLVMValueRef) -> bool {
        self.owner_of_global(g) != Owner::Shared
    }

    /// A carried global (an unnamed constant left local, or a label table)
    /// belongs to whoever uses it; any other global stays in the static
    /// module with its initializer.
    fn owner_of_global(&mut self, g: LLVMValueRef) -> Owner {
        if let Some(&o) = self.owners.get(&g) {
            return o;
        }
        let carried =
            ir::is_local(ir::linkage(g)) && (self.tables.contains(&g) || is_unnamed_constant(g));
        if !carried {
            return Owner::Shared;
        }
        // A cycle of constants is shared: no body carries it alone.
        self.owners.insert(g, Owner::Shared);
        let owner = self.owner_of_uses(g, &mut HashSet::new());
        self.owners.insert(g, owner);
        owner
    }

    fn owner_of_uses(&mut self, v: LLVMValueRef, seen: &mut HashSet<LLVMValueRef>) -> Owner {
        let mut owner = Owner::Nobody;
        for user in ir::users(v) {
            if !seen.insert(user) {
                continue;
            }
            let o = if let Some(f) = ir::instruction_function(user) {
                if crate::select::will_be_lazified(f, self.pinned) {
                    Owner::Body(f)
                } else {
                    Owner::Shared
                }
            } else if ir::is_global_variable(user) {
                self.owner_of_global(user)
            } else if ir::is_global_value(user) {
                Owner::Shared
            } else {
                self.owner_of_uses(user, seen)
            };
            owner = owner.join(o);
            if owner == Owner::Shared {
                break;
            }
        }
        owner
    }
}

fn is_metadata_global(g: LLVMValueRef) -> bool {
    ir::name(g).starts_with("llvm.")
}
