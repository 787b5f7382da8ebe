//! Runs side by side: the metrics of a few run folders, read from their
//! `metrics.csv`, and the metrics they share, in the order the first run logs them.

use std::path::{Path, PathBuf};

use crate::runs::RunFolder;
use crate::runs::metrics_file::{self, ELAPSED};
use crate::{Result, StudioError};

/// One run's metrics, for a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSeries {
    /// The run folder.
    pub folder: PathBuf,
    /// Its name in a legend: the folder's name.
    pub label: String,
    /// Each metric's `[step, value]` points (finite values only), in column order.
    pub metrics: Vec<(String, Vec<[f64; 2]>)>,
}

impl RunSeries {
    /// The points of `metric`, if the run logged it.
    pub fn series(&self, metric: &str) -> Option<&[[f64; 2]]> {
        self.metrics
            .iter()
            .find(|(n, _)| n == metric)
            .map(|(_, p)| p.as_slice())
    }
}

/// Reads the metrics of each folder; an error names the folder it could not read.
pub fn load(folders: &[PathBuf]) -> Result<Vec<RunSeries>> {
    folders.iter().map(|f| read(f)).collect()
}

fn read(folder: &Path) -> Result<RunSeries> {
    let path = RunFolder::open_any(folder).metrics_path();
    if !path.is_file() {
        return Err(StudioError::Spec(format!(
            "{}: no metrics.csv to compare",
            folder.display()
        )));
    }
    let (names, rows) = metrics_file::read(&path)?;
    let metrics = names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.as_str() != ELAPSED)
        .map(|(i, n)| {
            let points = rows
                .iter()
                .filter_map(|(step, v)| {
                    let v = v.get(i).copied().flatten()?;
                    v.is_finite().then_some([*step as f64, v])
                })
                .collect();
            (n.clone(), points)
        })
        .collect();
    let label = super::run_summary::folder_name(folder);
    Ok(RunSeries {
        folder: folder.to_path_buf(),
        label,
        metrics,
    })
}

/// The metrics at least two of `runs` logged values of (all of them for a single
/// run), in the order the first run that has each logs them.
pub fn shared_metrics(runs: &[RunSeries]) -> Vec<String> {
    let need = runs.len().min(2);
    let mut out: Vec<String> = Vec::new();
    for run in runs {
        for (name, points) in &run.metrics {
            if points.is_empty() || out.contains(name) {
                continue;
            }
            let having = runs
                .iter()
                .filter(|r| r.series(name).is_some_and(|p| !p.is_empty()))
                .count();
            if having >= need {
                out.push(name.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, header: &str, rows: &[&str]) {
        std::fs::create_dir_all(dir).expect("dir");
        let mut csv = format!("{header}\n");
        for r in rows {
            csv.push_str(r);
            csv.push('\n');
        }
        std::fs::write(dir.join("metrics.csv"), csv).expect("write");
    }

    #[test]
    fn runs_share_the_metrics_two_of_them_logged() {
        let root = tempfile::tempdir().expect("dir");
        let (a, b, c) = (
            root.path().join("a"),
            root.path().join("b"),
            root.path().join("c"),
        );
        write(
            &a,
            "step,d_loss,g_loss,elapsed_s",
            &["10,0.5,1.5,1.0", "20,0.4,,2.0"],
        );
        write(
            &b,
            "step,g_loss,d_loss,frechet_distance,elapsed_s",
            &["10,1.2,0.6,90,1.0"],
        );
        write(&c, "step,loss,elapsed_s", &["10,3.0,1.0"]);
        let runs = load(&[a.clone(), b, c]).expect("load");
        assert_eq!(runs[0].label, "a");
        assert_eq!(
            runs[0].series("g_loss"),
            Some(&[[10.0, 1.5]][..]),
            "gaps skipped"
        );
        assert_eq!(
            runs[0].series("elapsed_s"),
            None,
            "wall time is not a metric"
        );
        assert_eq!(shared_metrics(&runs), vec!["d_loss", "g_loss"]);
        assert_eq!(
            shared_metrics(&runs[2..]),
            vec!["loss"],
            "one run: all of its own"
        );
        let err = load(&[root.path().join("none")]).expect_err("no metrics");
        assert!(err.to_string().contains("none"), "{err}");
    }
}
