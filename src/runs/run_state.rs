//! Whether a run folder is being written right now, and how its run ended.
//!
//! A process that trains into a folder holds an exclusive lock on its `.lock`
//! file for as long as the run goes (the operating system drops it if the process
//! dies), so a second process is refused instead of interleaving its rows, and a
//! list of runs can tell a running run from a dead one. When a run ends, its
//! folder gets `ended.toml`: finished, stopped or failed, the step, and why.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::write_atomic;
use crate::{Result, StudioError};

/// The lock file's name inside a run folder.
pub const LOCK_FILE: &str = ".lock";

/// The end record's name inside a run folder.
pub const ENDED_FILE: &str = "ended.toml";

/// The exclusive right to write a run folder, held until dropped.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
    path: PathBuf,
}

impl RunLock {
    /// Takes the lock of the run folder `root` (which must exist); refused while
    /// another process (or another run of this one) holds it.
    pub fn acquire(root: &Path) -> Result<Self> {
        let path = root.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StudioError::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => {
                // Who holds it, for a second process's message (a dead holder's lock
                // is released by the system, so a stale file is simply taken over).
                let mut file = file;
                let holder = format!("pid {}\nhost {}\n", std::process::id(), host_name());
                let _ = file.set_len(0).and_then(|()| {
                    use std::io::Write;
                    file.write_all(holder.as_bytes())
                });
                remove_stale_temporaries(root);
                Ok(Self { _file: file, path })
            }
            Err(TryLockError::WouldBlock) => {
                let who = std::fs::read_to_string(&path)
                    .ok()
                    .and_then(|text| holder_of(&text))
                    .map_or_else(
                        || "another process".to_string(),
                        |(pid, host)| format!("process {pid} on {host}"),
                    );
                Err(StudioError::Spec(format!(
                    "{}: this run folder is in use by {who} (its {LOCK_FILE} is held); \
                     wait for that run to end or choose another folder",
                    root.display()
                )))
            }
            Err(TryLockError::Error(e)) => Err(StudioError::io(&path, e)),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The process id and host written in a lock file's text.
fn holder_of(text: &str) -> Option<(u32, String)> {
    let mut pid = None;
    let mut host = None;
    for line in text.lines() {
        match line.split_once(' ') {
            Some(("pid", v)) => pid = v.trim().parse().ok(),
            Some(("host", v)) => host = Some(v.trim().to_string()),
            _ => {}
        }
    }
    Some((pid?, host.unwrap_or_else(|| "this machine".into())))
}

/// This machine's name (from the kernel; "this machine" where it cannot be read).
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "this machine".into())
}

/// Removes the temporary files an atomic write left when its process was killed
/// (`.tmp-*` in the folder, its history and its samples). Only the lock's holder
/// writes the folder, so none of them is a write in progress.
fn remove_stale_temporaries(root: &Path) {
    for dir in [
        root.to_path_buf(),
        root.join(super::history::HISTORY_DIR),
        root.join("samples"),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(".tmp-") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Whether a process holds the lock of the run folder `root` now.
pub fn is_locked(root: &Path) -> bool {
    let Ok(file) = File::open(root.join(LOCK_FILE)) else {
        return false;
    };
    matches!(file.try_lock_shared(), Err(TryLockError::WouldBlock))
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EndKind {
    /// It reached its last step.
    Finished,
    /// It was stopped.
    Stopped,
    /// It failed.
    Failed,
}

/// The run folder's record of how its run ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ended {
    /// How.
    pub how: EndKind,
    /// The step it ended at.
    pub step: u64,
    /// Why, for a failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Writes `ended` into the run folder `root`, atomically.
pub fn write_ended(root: &Path, ended: &Ended) -> Result<()> {
    let text = toml::to_string(ended).map_err(|e| StudioError::Spec(e.to_string()))?;
    write_atomic(&root.join(ENDED_FILE), text.as_bytes())
}

/// The end record of the run folder `root`, if it has a readable one.
pub fn read_ended(root: &Path) -> Option<Ended> {
    let text = std::fs::read_to_string(root.join(ENDED_FILE)).ok()?;
    toml::from_str(&text).ok()
}

/// Forgets how the run in `root` ended (it is going again).
pub fn clear_ended(root: &Path) {
    let _ = std::fs::remove_file(root.join(ENDED_FILE));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_writer_at_a_time_and_the_lock_goes_with_it() {
        let dir = tempfile::tempdir().expect("dir");
        assert!(!is_locked(dir.path()), "no lock file yet");
        let lock = RunLock::acquire(dir.path()).expect("first");
        assert!(is_locked(dir.path()));
        let err = RunLock::acquire(dir.path()).expect_err("second writer");
        let pid = std::process::id().to_string();
        assert!(
            err.to_string()
                .contains(&format!("in use by process {pid}")),
            "{err}"
        );
        drop(lock);
        assert!(!is_locked(dir.path()));
        RunLock::acquire(dir.path()).expect("free again");
    }

    #[test]
    fn taking_the_lock_removes_temporaries_a_killed_writer_left() {
        let dir = tempfile::tempdir().expect("dir");
        let history = dir.path().join(super::super::history::HISTORY_DIR);
        std::fs::create_dir_all(&history).expect("mkdir");
        std::fs::write(dir.path().join(".tmp-a1"), b"half").expect("write");
        std::fs::write(history.join(".tmp-b2"), b"half").expect("write");
        std::fs::write(dir.path().join("metrics.csv"), b"step\n").expect("write");
        let _lock = RunLock::acquire(dir.path()).expect("lock");
        assert!(!dir.path().join(".tmp-a1").exists());
        assert!(!history.join(".tmp-b2").exists());
        assert!(
            dir.path().join("metrics.csv").exists(),
            "only temporaries go"
        );
    }

    #[test]
    fn a_lock_file_names_its_holder() {
        assert_eq!(
            holder_of("pid 42\nhost lab-3\n"),
            Some((42, "lab-3".to_string()))
        );
        assert_eq!(holder_of("garbage"), None);
    }

    #[test]
    fn the_end_record_round_trips() {
        let dir = tempfile::tempdir().expect("dir");
        assert_eq!(read_ended(dir.path()), None);
        let ended = Ended {
            how: EndKind::Failed,
            step: 12,
            reason: Some("d_loss became NaN".into()),
        };
        write_ended(dir.path(), &ended).expect("write");
        assert_eq!(read_ended(dir.path()), Some(ended));
        clear_ended(dir.path());
        assert_eq!(read_ended(dir.path()), None);
    }
}
