//! Symbol resolution: what each symbol a relocation names stands for,
//! before the object has addresses (its own definitions stay relative to
//! their sections until mapped).

use std::collections::HashMap;

use crate::elf::{Definition, Object};
use crate::LoadError;

/// What a symbol resolves to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Target {
    /// Outside this object (or absolute): the address itself.
    External(u64),
    /// In this object's loaded section at this position, at this offset.
    Local { section: usize, value: u64 },
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
/// Returns one entry per symbol table entry (`None`: not needed), or
/// `LoadError::Undefined` with every strong undefined name `resolve` does
/// not find.
pub(crate) fn resolve(
    object: &Object,
    shared: &HashMap<String, usize>,
    resolve: &mut dyn FnMut(&str) -> Option<usize>,
) -> Result<Vec<Option<Target>>, LoadError> {
    let mut needed = vec![false; object.symbols.len()];
    for relocation in object.relocations.iter().flatten() {
        needed[relocation.symbol] = true;
    }
    let mut found: HashMap<&str, Option<usize>> = HashMap::new();
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
                    .or_insert_with(|| resolve(symbol.name));
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
    Ok(targets)
}
