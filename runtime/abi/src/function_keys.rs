//! Function keys: what the plugin writes beside each lazy module, and the
//! engine reads, to reuse the object of a function that did not change.
//!
//! A key hashes what decides a lazified function's object code and debug
//! info (`plugin/cpp/function_key.cpp`), with the lines of its own source
//! file counted from its first line; `line` is that first line in this
//! build, where the engine moves a reused object's lines to. The file
//! (`<stem>-<hash>.keys` beside `<stem>-<hash>.bc`) is a function of the
//! lazy module's content, so the module's content hash vouches for it too.
//!
//! A module built in a checkout (a directory under version control) names
//! its checkout's root: its keys count the paths under it from there, and
//! an object compiled in another checkout of the same sources is reused
//! with its paths moved to this one (`autojit-line-shift`).

use crate::guid::ContentHash;
use std::iter::Peekable;
use std::path::{Path, PathBuf};

const HEADER: &str = "autojit-function-keys-v2";
const SOURCE_ROOT: &str = "source-root ";
pub const KEYS_FILE_EXT: &str = "keys";

/// The line that names a checkout's root, in a keys file and in the object
/// cache's member lists.
pub fn source_root_line(root: &str) -> String {
    format!("{SOURCE_ROOT}{root}\n")
}

/// Takes the line naming a checkout's root from `lines` if it comes next:
/// the root, or `Some(None)` without such a line; None if the root is not
/// an absolute path other than `/` (every path under it would move).
pub fn next_source_root<'a>(
    lines: &mut Peekable<impl Iterator<Item = &'a str>>,
) -> Option<Option<String>> {
    let Some(root) = lines.peek().and_then(|line| line.strip_prefix(SOURCE_ROOT)) else {
        return Some(None);
    };
    let usable = root.len() > 1 && root.starts_with('/') && !root.ends_with('/');
    let root = usable.then(|| root.to_string())?;
    lines.next();
    Some(Some(root))
}

/// The key of a lazified function's body.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct FunctionKey(pub ContentHash);

impl FunctionKey {
    pub fn to_hex(self) -> String {
        self.0.to_hex()
    }

    pub fn from_hex(hex: &str) -> Option<Self> {
        ContentHash::from_hex(hex).map(FunctionKey)
    }
}

/// One lazified function of a lazy module.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct KeyedFunction {
    pub guid: u64,
    pub key: FunctionKey,
    /// The first line of its subprogram; 0 without debug info.
    pub line: u32,
}

/// What a keys file holds.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct KeysFile {
    /// The root of the checkout the module was built in, which its keys
    /// count paths from; None outside a checkout (paths count in full).
    pub source_root: Option<String>,
    pub functions: Vec<KeyedFunction>,
}

/// The keys file of the lazy module at `lazy_path`.
pub fn keys_path(lazy_path: &Path) -> PathBuf {
    lazy_path.with_extension(KEYS_FILE_EXT)
}

pub fn encode(keys: &KeysFile) -> String {
    let mut text = format!("{HEADER}\n");
    if let Some(root) = &keys.source_root {
        text.push_str(&source_root_line(root));
    }
    for f in &keys.functions {
        text.push_str(&format!("{:016x} {} {}\n", f.guid, f.key.to_hex(), f.line));
    }
    text
}

/// What a keys file holds, or None if it is not one.
pub fn decode(text: &str) -> Option<KeysFile> {
    let mut lines = text.lines().peekable();
    if lines.next()? != HEADER {
        return None;
    }
    let source_root = next_source_root(&mut lines)?;
    let functions = lines
        .map(|line| {
            let mut fields = line.split(' ');
            let f = KeyedFunction {
                guid: u64::from_str_radix(fields.next()?, 16).ok()?,
                key: FunctionKey::from_hex(fields.next()?)?,
                line: fields.next()?.parse().ok()?,
            };
            fields.next().is_none().then_some(f)
        })
        .collect::<Option<_>>()?;
    Some(KeysFile {
        source_root,
        functions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_other_text() {
        let functions = vec![
            KeyedFunction {
                guid: 7,
                key: FunctionKey(ContentHash(0xabc)),
                line: 12,
            },
            KeyedFunction {
                guid: u64::MAX,
                key: FunctionKey(ContentHash(u128::MAX)),
                line: 0,
            },
        ];
        let mut keys = KeysFile {
            source_root: None,
            functions,
        };
        let text = encode(&keys);
        assert_eq!(decode(&text).as_ref(), Some(&keys));
        keys.source_root = Some("/home/a b/checkout".into());
        let rooted = encode(&keys);
        assert_eq!(decode(&rooted).as_ref(), Some(&keys));
        assert!(rooted.contains("\nsource-root /home/a b/checkout\n"));
        for bad in ["", "/", "checkout", "/home/a/"] {
            let named = rooted.replace("/home/a b/checkout", bad);
            assert_eq!(decode(&named), None, "root {bad:?}");
        }
        assert_eq!(decode(""), None);
        assert_eq!(decode(&text.replace(" 12\n", " 12 9\n")), None);
        assert_eq!(decode(&text.replace(HEADER, "other")), None);
        assert_eq!(
            keys_path(Path::new("/s/m-1f.bc")),
            Path::new("/s/m-1f.keys")
        );
    }
}
