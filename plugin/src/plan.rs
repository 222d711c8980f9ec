//! What the pass does to a module, decided once, before anything changes:
//! which functions are lazified (every other keeps its body in the object),
//! which locals static and lazy code share, and which label tables follow
//! their function (`labels.rs`). The stages after it read the plan.
//!
//! A local variable (`static int counter`) must exist once, so it is
//! promoted (`promote.rs`) and stays defined in the program. A local
//! function whose address escapes must keep one address, so it is promoted
//! too and lazified like any other; so is a local function pinned for its
//! label addresses, whose copies in lazy bodies would read label addresses
//! of the static copy. Local functions that lazified code calls are
//! lazified too, at every level: each is then compiled once, instead of
//! once in every body that calls it (unless only code that stays in the
//! program calls it: constructors and their helpers run at start-up
//! anyway). Above -O0 the small ones keep a copy for the inliner
//! (`inlinable.rs`).
//!
//! An unnamed-address constant (a string literal) is copied the same way only
//! when one lazified function, compiled once, is all that uses it: a constant
//! that static code refers to (a function that keeps its body, the
//! initializer of a global, `const char *const T::s = "..."`), or that two
//! functions use, is promoted, so its address is the same wherever the
//! program looks at it, as in a regular build. Label tables stay local and
//! follow their function.

use crate::ir;
use crate::labels::{self, LabelAddresses};
use crate::select::{self, check_module, SkipReason};
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::LLVMUnnamedAddr;
use std::collections::{HashMap, HashSet};

/// What the pass does to one module.
pub struct Plan {
    /// The functions to lazify, in module order.
    pub lazified: Vec<LLVMValueRef>,
    /// The locals to promote: variables, then functions, each in module
    /// order (the order promoted names are given in).
    pub promoted: Vec<LLVMValueRef>,
    /// The label tables that follow their function, and the functions
    /// pinned for their label addresses, with why.
    pub labels: LabelAddresses,
}

/// The plan for `m`, or why it is left exactly as clang made it.
pub fn plan_module(m: LLVMModuleRef, at_link_time: bool) -> Result<Plan, SkipReason> {
    check_module(m, at_link_time)?;
    let labels = labels::analyze(m);
    let pinned = select::pinned_functions(m, &labels);
    let label_pinned: HashSet<LLVMValueRef> = labels.pinned.iter().map(|&(f, _)| f).collect();
    let mut lazified = Vec::new();
    let mut shared_functions = Vec::new();
    for f in ir::functions(m) {
        let local = ir::is_local(ir::linkage(f));
        let shared = local
            && (label_pinned.contains(&f)
                || (!pinned.contains(&f) && select::lazifies(f, &pinned)));
        if shared {
            shared_functions.push(f);
        }
        if select::is_candidate(f, &pinned) && (!local || shared) {
            lazified.push(f);
        }
    }
    if lazified.is_empty() {
        return Err(SkipReason::NothingToLazify);
    }
    let mut promoted = shared_variables(m, &labels.tables, &lazified.iter().copied().collect());
    promoted.extend(shared_functions);
    Ok(Plan {
        lazified,
        promoted,
        labels,
    })
}

/// The local variables static and lazy code must share: all but label
/// tables, constants one lazified body can carry, and `llvm.*` globals
/// (the compiler's).
fn shared_variables(
    m: LLVMModuleRef,
    tables: &HashSet<LLVMValueRef>,
    lazified: &HashSet<LLVMValueRef>,
) -> Vec<LLVMValueRef> {
    let mut constants = ConstantOwners {
        lazified,
        tables,
        owners: HashMap::new(),
    };
    let mut stays_local = |g| {
        is_metadata_global(g)
            || tables.contains(&g)
            || (is_unnamed_constant(g) && constants.copyable(g))
    };
    ir::globals(m)
        .into_iter()
        .filter(|&g| ir::is_local(ir::linkage(g)) && !stays_local(g))
        .collect()
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
    lazified: &'a HashSet<LLVMValueRef>,
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
                if self.lazified.contains(&f) {
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
