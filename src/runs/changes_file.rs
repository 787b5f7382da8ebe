//! `live_changes.csv`: the settings changed while a run went, one row each
//! (`step,key,value`, the value as TOML text), so plots can mark where each was
//! made, also for runs read back from disk.

use std::path::Path;

use super::metrics_file::{append_writer, csv_err};

use crate::{Result, StudioError};

/// The file's name inside a run folder.
pub const CHANGES_FILE: &str = "live_changes.csv";

/// One change: the step it took effect at, the dotted key and the new value.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveChange {
    /// The step the run was at.
    pub step: u64,
    /// The dotted key.
    pub key: String,
    /// The value, as TOML text.
    pub value: String,
}

/// Appends `change` to the file at `path`, writing the header first if it is new.
pub fn append(path: &Path, change: &LiveChange) -> Result<()> {
    let fresh = std::fs::metadata(path).map_or(true, |m| m.len() == 0);
    let mut writer = append_writer(path)?;
    let fail = |e| csv_err(path, e);
    if fresh {
        writer
            .write_record(["step", "key", "value"])
            .map_err(fail)?;
    }
    writer
        .write_record([change.step.to_string().as_str(), &change.key, &change.value])
        .map_err(fail)?;
    writer.flush().map_err(|e| StudioError::io(path, e))
}

/// The changes recorded at `path` (none if there is no such file); rows that
/// cannot be read are skipped.
pub fn read(path: &Path) -> Vec<LiveChange> {
    let Ok(mut reader) = csv::Reader::from_path(path) else {
        return Vec::new();
    };
    reader
        .records()
        .flatten()
        .filter_map(|r| {
            Some(LiveChange {
                step: r.get(0)?.parse().ok()?,
                key: r.get(1)?.to_string(),
                value: r.get(2)?.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_round_trip_with_commas_and_quotes() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join(CHANGES_FILE);
        assert!(read(&path).is_empty());
        let a = LiveChange {
            step: 40,
            key: "train.lr_g".into(),
            value: "0.0001".into(),
        };
        let b = LiveChange {
            step: 90,
            key: "sample.prompt".into(),
            value: "\"a, \\\"b\\\"\"".into(),
        };
        append(&path, &a).expect("a");
        append(&path, &b).expect("b");
        assert_eq!(read(&path), vec![a, b]);
    }
}
