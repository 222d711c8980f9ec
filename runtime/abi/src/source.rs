//! What names a lazified module's source file across builds and checkouts:
//! the plugin names each module's source so (`plugin/src/outline.rs`), and
//! the engine reads the names from the descriptor and the keys file.
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
//!   directory above the source holding `.git`, `.hg` or `.jj`; a git
//!   submodule is part of the checkout that holds it) the identity is the
//!   path from the checkout's root, and the root goes to the keys file:
//!   keys count paths under it from there (`plugin/cpp/function_key.cpp`),
//!   and the engine moves an object's paths from the checkout it was
//!   compiled in to the one that runs it.
//! - Outside a checkout, the absolute path.
//!
//! Two checkouts' sources with one path from their roots in one program
//! (two repositories cloned side by side and linked together) have one
//! identity; the engine refuses to run their functions, which it could not
//! tell apart (`Registry::clash`), and says how to name them apart.

use std::path::{Component, Path, PathBuf};

/// What marks the root of a checkout.
const CHECKOUT_MARKERS: [&str; 3] = [".git", ".hg", ".jj"];

/// A source file's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceName {
    /// The path as the build names it (absolute unless mapped), for messages.
    pub path: String,
    /// Names the source in GUIDs, promoted names and the object cache.
    pub identity: String,
    /// The root of the checkout the source is in, if its path is absolute.
    pub root: Option<String>,
}

/// The names of the source the build calls `path`: the path its debug
/// info gives, or without debug info its path made absolute.
pub fn name_source(path: String) -> SourceName {
    let normal = normalized(Path::new(&path));
    let rooted = normal
        .is_absolute()
        .then(|| checkout_root(&normal))
        .flatten();
    match rooted {
        Some(root) => SourceName {
            identity: normal
                .strip_prefix(&root)
                .expect("a root is an ancestor")
                .to_string_lossy()
                .into_owned(),
            root: Some(root.to_string_lossy().into_owned()),
            path,
        },
        None => SourceName {
            identity: path.clone(),
            root: None,
            path,
        },
    }
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

/// The nearest directory above `source` that is a checkout's root; a root
/// whose path a keys file's line cannot hold counts as none.
fn checkout_root(source: &Path) -> Option<PathBuf> {
    source
        .ancestors()
        .skip(1)
        .find(|dir| {
            CHECKOUT_MARKERS
                .iter()
                .any(|marker| is_root_marker(&dir.join(marker)))
        })
        .filter(|dir| dir.parent().is_some())
        .filter(|dir| dir.to_str().is_some_and(|d| !d.contains('\n')))
        .map(Path::to_path_buf)
}

/// Whether `marker` marks a checkout's root. A git submodule's `.git` is a
/// file naming a directory under its superproject's `.git/modules/`: the
/// submodule is part of that checkout (as a worktree's `.git` file, naming
/// `.git/worktrees/`, is a checkout of its own).
fn is_root_marker(marker: &Path) -> bool {
    match marker.symlink_metadata() {
        Ok(meta) if meta.is_file() => std::fs::read_to_string(marker)
            .map(|text| !(text.starts_with("gitdir:") && text.contains("/modules/")))
            .unwrap_or(true),
        Ok(_) => true,
        Err(_) => false,
    }
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
        std::fs::write(
            dir.join("outer/inner/.git"),
            "gitdir: ../.git/worktrees/inner\n",
        )
        .unwrap();
        assert_eq!(checkout_root(&source), Some(dir.join("outer/inner")));
        // A submodule belongs to its superproject's checkout.
        std::fs::write(
            dir.join("outer/inner/.git"),
            "gitdir: ../.git/modules/inner\n",
        )
        .unwrap();
        assert_eq!(checkout_root(&source), Some(dir.join("outer")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
