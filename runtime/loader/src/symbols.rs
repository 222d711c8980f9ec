//! Symbol resolution: what each symbol a relocation names stands for,
//! before the object has addresses (its own definitions stay relative to
//! their sections until mapped).

use autojit_abi::fast_map::FastMap;

use crate::elf::{Definition, GotAccess, Object};
use crate::{CallTarget, LoadError, Resolve};

/// What a symbol resolves to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Target {
    /// Outside this object (or absolute): the address itself.
    External(u64),
    /// In this object's loaded section at this position, at this offset.
    Local { section: usize, value: u64 },
}

/// What each symbol of an object resolves to (`None`: not needed), and,
/// where calls to it go elsewhere, where they go.
pub(crate) struct Targets {
    pub symbols: Vec<Option<Target>>,
    pub calls: FastMap<usize, Target>,
}

impl Targets {
    /// Where a call to symbol `index` goes.
    pub fn call(&self, index: usize) -> Option<Target> {
        self.calls.get(&index).copied().or(self.symbols[index])
    }
}

impl Target {
    /// The address, given where each loaded section went.
    pub fn address(self, sections: &[u64]) -> u64 {
        match self {
            Target::External(address) => address,
            Target::Local { section, value } => sections[section].wrapping_add(value),
        }
    }
}

/// Resolves every symbol a loaded relocation names and every definition
/// the object exports. `shared` holds the weak definitions earlier loads
/// made public: a weak definition of the same name uses that copy.
///
/// Returns the targets, or `LoadError::Undefined` with every strong
/// undefined name `resolve` does not find.
pub(crate) fn resolve(
    object: &Object,
    shared: &FastMap<String, usize>,
    resolve: &mut dyn Resolve,
) -> Result<Targets, LoadError> {
    let mut needed = vec![false; object.symbols.len()];
    for relocation in object.relocations.iter().flatten() {
        needed[relocation.symbol] = true;
    }
    let mut found: FastMap<&str, Option<usize>> = FastMap::default();
    let mut undefined = Vec::new();
    let mut targets = Vec::with_capacity(object.symbols.len());
    for (index, symbol) in object.symbols.iter().enumerate() {
        if !needed[index] && !symbol.is_exported() {
            targets.push(None);
            continue;
        }
        let target = match symbol.definition {
            // The null symbol: relocations without a symbol use 0.
            Definition::Undefined if index == 0 => Some(Target::External(0)),
            Definition::Undefined => {
                let address = *found
                    .entry(symbol.name)
                    .or_insert_with(|| resolve.address(symbol.name));
                match address {
                    Some(address) => Some(Target::External(address as u64)),
                    None if symbol.is_weak() => Some(Target::External(0)),
                    None => {
                        if !undefined.iter().any(|name| name == symbol.name) {
                            undefined.push(symbol.name.to_string());
                        }
                        None
                    }
                }
            }
            Definition::Absolute(value) => Some(Target::External(value)),
            Definition::Loaded { section, value } => Some(match shared.get(symbol.name) {
                Some(&address) if symbol.is_weak() => Target::External(address as u64),
                _ => Target::Local { section, value },
            }),
            Definition::NotLoaded => None,
        };
        targets.push(target);
    }
    if !undefined.is_empty() {
        return Err(LoadError::Undefined(undefined));
    }
    let calls = call_targets(object, &targets, resolve);
    Ok(Targets {
        symbols: targets,
        calls,
    })
}

/// Where calls to the object's external symbols go instead, as `resolve`
/// says.
fn call_targets(
    object: &Object,
    targets: &[Option<Target>],
    resolve: &mut dyn Resolve,
) -> FastMap<usize, Target> {
    let mut asked: FastMap<u64, Option<CallTarget>> = FastMap::default();
    let mut definitions: Option<FastMap<&str, usize>> = None;
    let mut calls = FastMap::default();
    let sections = object.sections.iter().zip(&object.relocations);
    let relocations = sections
        .flat_map(|(section, relocations)| relocations.iter().map(move |r| (section.contents, r)));
    for (contents, relocation) in relocations {
        let symbol = relocation.symbol;
        let Some(Target::External(address)) = targets[symbol] else {
            continue;
        };
        let called = relocation.kind == object::elf::R_X86_64_PLT32
            || contents
                .and_then(|code| relocation.got_access(code))
                .is_some_and(|access| matches!(access, GotAccess::Call | GotAccess::Jump));
        if !called || address == 0 {
            continue;
        }
        let call = asked
            .entry(address)
            .or_insert_with(|| resolve.call_target(address as usize));
        let target = match call {
            Some(CallTarget::Address(to)) => Some(Target::External(*to as u64)),
            Some(CallTarget::Defined(name)) => definitions
                .get_or_insert_with(|| {
                    let exported = object.symbols.iter().enumerate();
                    exported
                        .filter(|(_, s)| s.is_exported())
                        .map(|(index, s)| (s.name, index))
                        .collect()
                })
                .get(name.as_str())
                .and_then(|&index| targets[index]),
            None => None,
        };
        if let Some(target) = target {
            calls.insert(symbol, target);
        }
    }
    calls
}
