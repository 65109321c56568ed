//! The ignore files the walker reads (`.gitignore`, `.ignore`) come from the
//! checkout, and `ignore` opens them as they are: one linked to `/dev/zero`
//! or a pipe would exhaust memory or hang every command that walks code.
//! So before the walker enters a directory, its ignore files are checked
//! here: each must be a regular file, small, and (when it is inside the
//! project) resolve inside it. A directory with an unsafe one is not walked,
//! and a TM004 finding says why.

use std::path::Path;

use crate::project_root::{ProjectRoot, shown};

/// The ignore files `ignore::WalkBuilder` reads in each directory it enters.
pub const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

/// An ignore file larger than this is not read (a real one is a few KiB).
pub const MAX_IGNORE_FILE_BYTES: u64 = 1024 * 1024;

/// Why `dir`'s ignore files cannot be read safely, or `None` when they can.
pub fn unsafe_ignore_file(project: &ProjectRoot, dir: &Path) -> Option<String> {
    IGNORE_FILES.iter().find_map(|name| {
        let path = dir.join(name);
        path.symlink_metadata().ok()?;
        let shown_path = shown(&project.relative(&path));
        let inside = dir.canonicalize().is_ok_and(|real| project.contains(&real));
        if inside && let Err(e) = project.resolve(&path) {
            return Some(e.to_string());
        }
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() && m.len() <= MAX_IGNORE_FILE_BYTES => None,
            Ok(m) if m.is_file() => Some(format!(
                "{shown_path} is larger than {MAX_IGNORE_FILE_BYTES} bytes"
            )),
            Ok(m) if m.is_dir() => None, // `ignore` skips a directory by that name
            Ok(_) => Some(format!(
                "{shown_path} is not a regular file (a device or a pipe)"
            )),
            Err(e) => Some(format!("{shown_path} cannot be read: {e}")),
        }
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn devices_pipes_escapes_and_huge_files_are_unsafe() {
        let dir = tempfile::tempdir().unwrap();
        let project = ProjectRoot::new(dir.path()).unwrap();
        let d = dir.path();
        assert_eq!(unsafe_ignore_file(&project, d), None);
        std::fs::write(d.join(".gitignore"), "target/\n").unwrap();
        assert_eq!(unsafe_ignore_file(&project, d), None);
        for target in ["/dev/zero", "/etc/hostname"] {
            std::fs::remove_file(d.join(".gitignore")).unwrap();
            symlink(target, d.join(".gitignore")).unwrap();
            let why = unsafe_ignore_file(&project, d).unwrap();
            assert!(why.contains("leads outside the project"), "{why}");
        }
        std::fs::remove_file(d.join(".gitignore")).unwrap();
        let fifo = d.join(".gitignore");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let why = unsafe_ignore_file(&project, d).unwrap();
            assert!(why.contains("not a regular file"), "{why}");
            std::fs::remove_file(&fifo).unwrap();
        }
        let big = std::fs::File::create(d.join(".ignore")).unwrap();
        big.set_len(MAX_IGNORE_FILE_BYTES + 1).unwrap();
        assert!(
            unsafe_ignore_file(&project, d)
                .unwrap()
                .contains("larger than")
        );
    }
}
