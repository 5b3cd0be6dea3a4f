//! Where the workspace is, what xtask's steps answer, and what a build leaves in it: a leaf every other module
//! may use (it uses none of them).

use std::path::{Path, PathBuf};

pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// What `cargo xtask build` makes, which the tests and benchmarks reuse.
pub struct Artefacts {
    pub dist: PathBuf,
    pub pkg: PathBuf,
    pub server: PathBuf,
}

/// Copies a directory into another, merging, leaving out entries named in `skip` at any depth.
pub fn copy_tree(from: &Path, to: &Path, skip: &[&str]) -> Result {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        if skip.iter().any(|name| entry.file_name() == *name) {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target, skip)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
}
