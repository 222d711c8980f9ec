//! The program's autojit calls (`autojit_protocol::autojit`): which there
//! are. The program makes a call by its tag, a bootstrap symbol; the
//! session's JIT binds each tag, in the order of [`Call::ALL`], to a handler
//! that passes the call's index to `autojitd_call`.

use autojit_protocol::autojit;
use std::fmt;

/// A call the program makes, as result(arguments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `Error(Sequence<ModuleRegistration>)`: the program's modules.
    Register,
    /// `MaterializeResult(u64 guid)`: a function's address, or why not.
    Materialize,
    /// `StatsSnapshot()`: the AUTOJIT_STATS counters.
    Stats,
    /// `()(Sequence<u64> guids)`: first-tier code reports its functions hot.
    Hot,
    /// `()(bool wait)`: the program exits; nothing more is linked into it.
    Leaving,
}

impl Call {
    /// Every call, at its index.
    pub const ALL: [Call; 5] = [
        Call::Register,
        Call::Materialize,
        Call::Stats,
        Call::Hot,
        Call::Leaving,
    ];

    /// The call's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Call::Register => "register",
            Call::Materialize => "materialize",
            Call::Stats => "stats",
            Call::Hot => "hot",
            Call::Leaving => "leaving",
        }
    }

    /// The bootstrap symbol the program makes the call by.
    pub fn tag(self) -> &'static str {
        match self {
            Call::Register => autojit::REGISTER_TAG,
            Call::Materialize => autojit::MATERIALIZE_TAG,
            Call::Stats => autojit::STATS_TAG,
            Call::Hot => autojit::HOT_TAG,
            Call::Leaving => autojit::LEAVING_TAG,
        }
    }
}

/// An index the JIT passed that names no [`Call`].
#[derive(Debug, PartialEq, Eq)]
pub struct UnknownCall(pub u32);

impl fmt::Display for UnknownCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "autojit call {} is none of the {} this autojitd binds",
            self.0,
            Call::ALL.len()
        )
    }
}

impl TryFrom<u32> for Call {
    type Error = UnknownCall;

    fn try_from(index: u32) -> Result<Self, UnknownCall> {
        usize::try_from(index)
            .ok()
            .and_then(|i| Call::ALL.get(i).copied())
            .ok_or(UnknownCall(index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_call_is_at_its_index() {
        for (index, call) in Call::ALL.into_iter().enumerate() {
            assert_eq!(Call::try_from(index as u32), Ok(call));
        }
        assert_eq!(Call::try_from(5), Err(UnknownCall(5)));
    }
}
