//! Atomic file writes: a crash never leaves a half-written file behind.

use std::io::Write;
use std::path::Path;

use crate::{Result, StudioError};

/// Writes `bytes` to `path` through a temporary file in the same folder, then renames
/// it over `path`, so readers see either the old file or the whole new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(|e| StudioError::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| StudioError::io(path, e))?;
    // tempfile creates 0600 files; a run's outputs are ordinary, readable files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::Permissions::from_mode(0o644);
        tmp.as_file()
            .set_permissions(perms)
            .map_err(|e| StudioError::io(path, e))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| StudioError::io(path, e))?;
    tmp.persist(path)
        .map_err(|e| StudioError::io(path, e.error))?;
    Ok(())
}

/// Checks, before any work, that `path` can be written as [`write_atomic`] writes
/// it: its folder exists and takes a new file, and `path` is not a folder.
pub fn check_writable(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(StudioError::io(
            path,
            std::io::Error::other("is a folder, not a file"),
        ));
    }
    tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|e| StudioError::io(dir, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_whole_file_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.txt");
        write_atomic(&path, b"first version, longer").expect("write");
        write_atomic(&path, b"second").expect("rewrite");
        assert_eq!(std::fs::read(&path).expect("read"), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .flatten()
            .collect();
        assert_eq!(names.len(), 1);
        let err = write_atomic(&dir.path().join("missing/b.txt"), b"x").expect_err("no folder");
        assert!(err.to_string().contains("missing"), "{err}");
    }

    #[test]
    fn writability_is_checked_without_leaving_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        check_writable(&dir.path().join("out.png")).expect("writable");
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 0);
        assert!(check_writable(&dir.path().join("missing/out.png")).is_err());
        assert!(check_writable(dir.path()).is_err(), "a folder");
    }
}
