//! `metrics.csv`: a header row `step,<metric>,…,elapsed_s`, then one row per logged
//! step, flushed as it goes so a crash loses at most the row being written.
//! `elapsed_s` is the wall-clock time since the run started, in seconds (pauses included).

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
