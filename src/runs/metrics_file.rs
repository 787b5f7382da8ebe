//! `metrics.csv`: a header row `step,<metric>,…,elapsed_s`, then one row per logged
//! step, flushed as it goes so a crash loses at most the row being written.
//! `elapsed_s` is the training time since the run started, in seconds (pauses left out;
//! a continued run goes on from its checkpoint's).

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use crate::{Result, StudioError};

/// Appends rows to a run's `metrics.csv`.
pub struct MetricsFile {
    path: PathBuf,
    writer: csv::Writer<File>,
}

impl MetricsFile {
    /// Opens `path` for appending, writing the header if the file is new or empty.
    /// An existing file must have the same columns.
    pub fn open(path: &Path, names: &[&str]) -> Result<Self> {
        let header: Vec<String> = std::iter::once("step")
            .chain(names.iter().copied())
            .chain(std::iter::once(ELAPSED))
            .map(String::from)
            .collect();
        let existing = std::fs::metadata(path)
            .map(|m| m.len() > 0)
            .unwrap_or(false);
        if existing {
            let mut reader = csv::Reader::from_path(path).map_err(|e| csv_err(path, e))?;
            let found: Vec<String> = reader
                .headers()
                .map_err(|e| csv_err(path, e))?
                .iter()
                .map(String::from)
                .collect();
            if found != header {
                return Err(StudioError::Checkpoint(format!(
                    "{}: its columns ({}) are not this experiment's ({})",
                    path.display(),
                    found.join(","),
                    header.join(",")
                )));
            }
        }
        let mut writer = append_writer(path)?;
        if !existing {
            writer.write_record(&header).map_err(|e| csv_err(path, e))?;
            writer.flush().map_err(|e| StudioError::io(path, e))?;
        }
        Ok(Self {
            path: path.to_path_buf(),
            writer,
        })
    }

    /// Appends one row; `None` leaves a cell empty.
    pub fn append(&mut self, step: u64, values: &[Option<f64>], elapsed_s: f64) -> Result<()> {
        let row = std::iter::once(step.to_string())
            .chain(
                values
                    .iter()
                    .map(|v| v.map(|x| format!("{x:.6}")).unwrap_or_default()),
            )
            .chain(std::iter::once(format!("{elapsed_s:.2}")));
        self.writer
            .write_record(row)
            .map_err(|e| csv_err(&self.path, e))?;
        self.writer
            .flush()
            .map_err(|e| StudioError::io(&self.path, e))
    }
}

/// One row read back: the step and the cells after it (`None` where empty).
pub type Row = (u64, Vec<Option<f64>>);

/// The name of the wall-clock column.
pub const ELAPSED: &str = "elapsed_s";

/// Reads a `metrics.csv` back: its column names after `step` (the metrics, then
/// `elapsed_s`) and its rows (step, values).
pub fn read(path: &Path) -> Result<(Vec<String>, Vec<Row>)> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| csv_err(path, e))?;
    let names: Vec<String> = reader
        .headers()
        .map_err(|e| csv_err(path, e))?
        .iter()
        .skip(1)
        .map(String::from)
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_err(path, e))?;
        let Some(step) = record.get(0).and_then(|s| s.parse().ok()) else {
            continue;
        };
        rows.push((
            step,
            record.iter().skip(1).map(|c| c.parse().ok()).collect(),
        ));
    }
    Ok((names, rows))
}

/// Drops the rows of the CSV file at `path` (`metrics.csv`, `live_changes.csv`:
/// the step first) after `step`, atomically; the header and the rows up to `step`
/// stay as they were written. A continued run rewinds its history this way to its
/// checkpoint, whose later rows it takes again. A missing file is left missing.
pub fn keep_rows_through(path: &Path, step: u64) -> Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(StudioError::io(path, e)),
    };
    let mut lines = text.lines();
    let mut kept = String::new();
    if let Some(header) = lines.next() {
        kept.push_str(header);
        kept.push('\n');
    }
    let mut dropped = false;
    for line in lines {
        let first = line.split(',').next().unwrap_or("");
        match first.parse::<u64>() {
            Ok(s) if s > step => dropped = true,
            // Rows up to the step, and anything unreadable, stay as found.
            _ => {
                kept.push_str(line);
                kept.push('\n');
            }
        }
    }
    if dropped {
        super::atomic::write_atomic(path, kept.as_bytes())?;
    }
    Ok(())
}

/// A CSV writer that appends to `path` (made if missing).
pub(super) fn append_writer(path: &Path) -> Result<csv::Writer<File>> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| StudioError::io(path, e))?;
    Ok(csv::Writer::from_writer(file))
}

/// A CSV error, with the file it concerns.
pub(super) fn csv_err(path: &Path, e: csv::Error) -> StudioError {
    StudioError::Spec(format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_after_a_step_are_dropped_and_the_rest_kept_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("metrics.csv");
        let mut file = MetricsFile::open(&path, &["loss"]).unwrap();
        for step in [1u64, 5, 10, 15] {
            file.append(step, &[Some(step as f64 / 3.0)], step as f64)
                .unwrap();
        }
        drop(file);
        let before = std::fs::read_to_string(&path).unwrap();
        keep_rows_through(&path, 10).unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        assert_eq!(after.lines().count(), 4, "header and three rows: {after}");
        assert!(
            before.starts_with(&after),
            "the kept rows are byte for byte the same"
        );
        let (_, rows) = read(&path).unwrap();
        assert_eq!(rows.last().unwrap().0, 10);
        // Appending goes on after the kept rows.
        let mut file = MetricsFile::open(&path, &["loss"]).unwrap();
        file.append(15, &[Some(1.0)], 15.0).unwrap();
        assert_eq!(read(&path).unwrap().1.len(), 4);
        keep_rows_through(&dir.path().join("missing.csv"), 3).unwrap();
        assert!(!dir.path().join("missing.csv").exists());
    }
}
