//! What names a module's source file across builds and checkouts.
//!
//! A source's identity goes into GUIDs, promoted names and the object
//! cache's index, so it must be unique in a program and the same wherever
//! the same sources are built: two checkouts of one repository at different
//! paths, by two users, name each file alike and share their objects.
//!
//! - A build that maps its root away in its debug info (`-ffile-prefix-map`,
//!   `-fdebug-prefix-map`, `-fdebug-compilation-dir`) has done the work: the
//!   debug info's path is the identity.
//! - Otherwise the path is absolute. Inside a checkout (the nearest
//!   directory above the source holding `.git`, `.hg` or `.jj`) the identity
//!   is the path from the checkout's root, and the root goes to the keys
//!   file: keys count paths under it from there (`cpp/function_key.cpp`),
//!   and the engine moves an object's paths from the checkout it was
//!   compiled in to the one that runs it.
//! - Outside a checkout, the absolute path.

use crate::ir;
use llvm_sys::prelude::LLVMModuleRef;
use std::path::{Component, Path, PathBuf};

/// What marks the root of a checkout.
const CHECKOUT_MARKERS: [&str; 3] = [".git", ".hg", ".jj"];

pub struct Source {
    /// The path as the build names it (absolute unless mapped), for messages.
    pub path: String,
    /// Names the source in GUIDs, promoted names and the object cache.
    pub identity: String,
    /// The root of the checkout the source is in, if its path is absolute.
    pub root: Option<String>,
}

impl Source {
    pub fn of_module(m: LLVMModuleRef) -> Source {
        let path = ir::debug_source_path(m)
            .unwrap_or_else(|| absolute_source_path(&ir::source_filename(m)));
        let normal = normalized(Path::new(&path));
        let rooted = normal
            .is_absolute()
            .then(|| checkout_root(&normal))
            .flatten();
        match rooted {
            Some(root) => Source {
                identity: normal
                    .strip_prefix(&root)
                    .expect("a root is an ancestor")
                    .to_string_lossy()
                    .into_owned(),
                root: Some(root.to_string_lossy().into_owned()),
                path,
            },
            None => Source {
                identity: path.clone(),
                root: None,
                path,
            },
        }
    }
}

/// The source path as the user's build sees it, made absolute against the
/// compiler's working directory so that `foo.c` built in two directories are
/// two different sources.
fn absolute_source_path(source: &str) -> String {
    std::path::absolute(source)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| source.to_string())
}

/// `path` without `.` components and with each `..` taking its parent away,
/// as the paths of a build (`build/../src/a.c`) name the same file.
fn normalized(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The nearest directory above `source` that is a checkout's root.
fn checkout_root(source: &Path) -> Option<PathBuf> {
    source
        .ancestors()
        .skip(1)
        .find(|dir| {
            CHECKOUT_MARKERS
                .iter()
                .any(|marker| dir.join(marker).symlink_metadata().is_ok())
        })
        .filter(|dir| dir.parent().is_some())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_as_a_build_names_them() {
        assert_eq!(
            normalized(Path::new("/c/build/../src/./a.c")),
            Path::new("/c/src/a.c")
        );
        assert_eq!(normalized(Path::new("./src/a.c")), Path::new("src/a.c"));
        assert_eq!(normalized(Path::new("../a.c")), Path::new("../a.c"));
    }

    #[test]
    fn the_nearest_marked_directory_is_the_root() {
        let dir = std::env::temp_dir().join(format!("autojit-source-{}", std::process::id()));
        let nested = dir.join("outer/inner/src");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::create_dir_all(dir.join("outer/.git")).unwrap();
        let source = nested.join("a.c");
        assert_eq!(checkout_root(&source), Some(dir.join("outer")));
        std::fs::write(dir.join("outer/inner/.git"), "gitdir: elsewhere\n").unwrap();
        assert_eq!(checkout_root(&source), Some(dir.join("outer/inner")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
