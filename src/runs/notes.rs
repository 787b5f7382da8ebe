//! `notes.toml`: what the user wrote about a run (a note and tags), kept in its
//! folder so it travels with the run.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::atomic::write_atomic;
use crate::{Result, StudioError};

/// The file's name inside a run folder.
pub const NOTES_FILE: &str = "notes.toml";

/// A run's note and tags.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunNotes {
    /// Free text.
    #[serde(default)]
    pub note: String,
    /// Short labels to filter by.
    #[serde(default)]
    pub tags: Vec<String>,
}

impl RunNotes {
    /// Tags from comma-separated text: trimmed, empty ones dropped, each once.
    pub fn parse_tags(text: &str) -> Vec<String> {
        let mut tags: Vec<String> = Vec::new();
        for tag in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            if !tags.iter().any(|t| t == tag) {
                tags.push(tag.to_string());
            }
        }
        tags
    }
}

/// The notes of the run folder `root` (empty if it has none or they cannot be read).
pub fn read(root: &Path) -> RunNotes {
    std::fs::read_to_string(root.join(NOTES_FILE))
        .ok()
        .and_then(|t| toml::from_str(&t).ok())
        .unwrap_or_default()
}

/// Writes `notes` into the run folder `root`, atomically.
pub fn write(root: &Path, notes: &RunNotes) -> Result<()> {
    if !root.is_dir() {
        return Err(StudioError::Spec(format!(
            "{}: no such run folder",
            root.display()
        )));
    }
    let text = toml::to_string(notes).map_err(|e| StudioError::Spec(e.to_string()))?;
    write_atomic(&root.join(NOTES_FILE), text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_and_tags_round_trip() {
        let dir = tempfile::tempdir().expect("dir");
        assert_eq!(read(dir.path()), RunNotes::default());
        let notes = RunNotes {
            note: "label smoothing 0.1: \"sharper\"\nsecond line".into(),
            tags: RunNotes::parse_tags(" smoothing, best ,, smoothing"),
        };
        assert_eq!(notes.tags, ["smoothing", "best"]);
        write(dir.path(), &notes).expect("write");
        assert_eq!(read(dir.path()), notes);
        assert!(write(&dir.path().join("gone"), &notes).is_err());
    }
}
