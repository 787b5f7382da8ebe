//! Runs side by side: the metrics of a few run folders, read from their
//! `metrics.csv`, and the metrics they share, in the order the first run logs them.

use std::path::{Path, PathBuf};

use super::registry::Better;
use crate::runs::RunFolder;
use crate::runs::changes_file::{self, LiveChange};
use crate::runs::lineage::{self, Lineage};
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
    /// `[step, seconds]`: its wall-clock time at each row.
    pub clock: Vec<[f64; 2]>,
    /// The settings changed while it went.
    pub changes: Vec<LiveChange>,
    /// Its `config.toml`, as text (`None` if it has none).
    pub config: Option<String>,
    /// Its saved samples (`samples/step-NNNNNN.png` or `.txt`) by step, in order.
    pub samples: Vec<(u64, PathBuf)>,
    /// The run it branched from and the step, if it is a branch.
    pub lineage: Option<Lineage>,
}

impl RunSeries {
    /// The saved sample nearest `step` (the last at or before it, else the first).
    pub fn sample_at(&self, step: u64) -> Option<&(u64, PathBuf)> {
        let i = self.samples.partition_point(|(s, _)| *s <= step);
        self.samples.get(i.saturating_sub(1))
    }
}

/// The samples in `dir` by step: `step-NNNNNN.png` (or `.txt`), sorted.
fn samples(dir: &Path) -> Vec<(u64, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(u64, PathBuf)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "png" || x == "txt"))
        .filter_map(|p| {
            let stem = p.file_stem()?.to_str()?;
            let step = stem.strip_prefix("step-")?.parse().ok()?;
            Some((step, p))
        })
        .collect();
    out.sort();
    out
}

impl RunSeries {
    /// The points of `metric`, if the run logged it.
    pub fn series(&self, metric: &str) -> Option<&[[f64; 2]]> {
        self.metrics
            .iter()
            .find(|(n, _)| n == metric)
            .map(|(_, p)| p.as_slice())
    }

    /// The step this run branched from a run among `runs` at, if it did: its line
    /// is then drawn from there, on its parent's, so a family reads as a tree.
    pub fn fork_among(&self, runs: &[RunSeries]) -> Option<u64> {
        let l = self.lineage.as_ref()?;
        runs.iter()
            .any(|r| r.folder != self.folder && lineage::same_folder(&r.folder, &l.parent))
            .then_some(l.parent_step)
    }

    /// The points of `metric` this run draws among `runs`: from its fork on (from
    /// its last row at or before the fork) when its parent is drawn too, else all.
    pub fn own_series(&self, metric: &str, runs: &[RunSeries]) -> Option<&[[f64; 2]]> {
        let points = self.series(metric)?;
        Some(match self.fork_among(runs) {
            Some(fork) => from_fork(points, fork),
            None => points,
        })
    }
}

/// `points` from the last at or before `fork` on (all of them if none is).
pub fn from_fork(points: &[[f64; 2]], fork: u64) -> &[[f64; 2]] {
    let after = points.partition_point(|p| p[0] <= fork as f64);
    &points[after.saturating_sub(1)..]
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
    let clock = names
        .iter()
        .position(|n| n == ELAPSED)
        .map(|i| {
            rows.iter()
                .filter_map(|(step, v)| Some([*step as f64, v.get(i).copied().flatten()?]))
                .collect()
        })
        .unwrap_or_default();
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
    let run = RunFolder::open_any(folder);
    let config = std::fs::read_to_string(run.config_path()).ok();
    Ok(RunSeries {
        folder: folder.to_path_buf(),
        label,
        metrics,
        clock,
        changes: changes_file::read(&folder.join(changes_file::CHANGES_FILE)),
        lineage: config
            .as_deref()
            .and_then(|c| lineage::in_config(folder, c)),
        config,
        samples: samples(&run.samples_dir()),
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

/// Which way `metric` is better: the way an architecture's headline says where
/// it is one, else by its name (losses, distances and bits fall; ELBOs, shares and
/// counts of modes or classes rise); `None` where neither tells, and for a GAN's
/// own losses and outputs (`d_…`, `g_…`), which are read against each other, not
/// minimised.
pub fn better(metric: &str) -> Option<Better> {
    if let Some(arch) = super::ARCHITECTURES
        .iter()
        .find(|a| a.headline.metric == metric)
    {
        return Some(arch.headline.better);
    }
    if metric.starts_with("d_") || metric.starts_with("g_") {
        return None;
    }
    const LOWER: &[&str] = &["loss", "nll", "bpc", "bits", "distance", "reconstruction"];
    const HIGHER: &[&str] = &["elbo", "pct", "captured", "covered", "active_units"];
    if HIGHER.iter().any(|w| metric.contains(w)) {
        Some(Better::Higher)
    } else if LOWER.iter().any(|w| metric.contains(w)) {
        Some(Better::Lower)
    } else {
        None
    }
}

/// A metric's summary over one run: its last point and its best (`[step, value]`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricSummary {
    /// The last point.
    pub last: [f64; 2],
    /// The best point (the first of equals), the lowest where the direction is unknown.
    pub best: [f64; 2],
}

/// The last and best points of `points` (none if it is empty).
pub fn summary(points: &[[f64; 2]], better: Option<Better>) -> Option<MetricSummary> {
    let last = *points.last()?;
    let best = points.iter().copied().reduce(|a, b| match better {
        Some(Better::Higher) if b[1] > a[1] => b,
        Some(Better::Lower) | None if b[1] < a[1] => b,
        _ => a,
    })?;
    Some(MetricSummary { last, best })
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
    fn a_branch_is_drawn_from_its_fork_when_its_parent_is_drawn_too() {
        let root = tempfile::tempdir().expect("dir");
        let (parent, branch) = (root.path().join("parent"), root.path().join("branch"));
        let rows = ["1,1.0", "10,2.0", "20,3.0", "30,4.0"];
        write(&parent, "step,loss", &rows);
        write(
            &branch,
            "step,loss",
            &["1,1.0", "10,2.0", "20,5.0", "30,6.0"],
        );
        let config = lineage::with_lineage(
            "architecture = \"gan2d\"\n",
            Some(&Lineage {
                parent: "../parent".into(),
                parent_step: 15,
            }),
        );
        std::fs::write(branch.join("config.toml"), config).expect("config");
        let both = load(&[parent.clone(), branch.clone()]).expect("load");
        assert_eq!(both[1].fork_among(&both), Some(15));
        // From its last row at or before the fork, so it joins its parent's line.
        let own = both[1].own_series("loss", &both).expect("loss");
        assert_eq!(own, &[[10.0, 2.0], [20.0, 5.0], [30.0, 6.0]]);
        assert_eq!(both[0].own_series("loss", &both).expect("loss").len(), 4);
        // Alone, a branch draws its whole history.
        let alone = load(&[branch]).expect("load");
        assert_eq!(alone[0].fork_among(&alone), None);
        assert_eq!(alone[0].own_series("loss", &alone).expect("loss").len(), 4);
        assert_eq!(from_fork(&[[20.0, 1.0]], 5), &[[20.0, 1.0]]);
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
        let runs = load(&[a.clone(), b.clone(), c]).expect("load");
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
        assert_eq!(
            runs[0].clock,
            vec![[10.0, 1.0], [20.0, 2.0]],
            "it is the clock"
        );
        assert_eq!(runs[0].config, None, "no config.toml written");
        std::fs::create_dir_all(b.join("samples")).expect("dir");
        for name in ["step-000010.png", "step-000030.png", "notes.png"] {
            std::fs::write(b.join("samples").join(name), b"x").expect("sample");
        }
        let b = &load(std::slice::from_ref(&b)).expect("load")[0];
        let steps: Vec<u64> = b.samples.iter().map(|s| s.0).collect();
        assert_eq!(steps, [10, 30], "only step-N files, by step");
        assert_eq!(b.sample_at(29).map(|s| s.0), Some(10));
        assert_eq!(b.sample_at(30).map(|s| s.0), Some(30));
        assert_eq!(
            b.sample_at(5).map(|s| s.0),
            Some(10),
            "the first if none before"
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

    #[test]
    fn a_metric_is_summarised_by_its_last_and_best_point() {
        let points = [[10.0, 3.0], [20.0, 1.0], [30.0, 1.0], [40.0, 2.0]];
        let low = summary(&points, better("val_nll_nats")).expect("points");
        assert_eq!(low.last, [40.0, 2.0]);
        assert_eq!(low.best, [20.0, 1.0], "the first of equal bests");
        let high = summary(&points, better("val_elbo")).expect("points");
        assert_eq!(high.best, [10.0, 3.0]);
        assert_eq!(
            better("modes_captured"),
            Some(Better::Higher),
            "the headline says"
        );
        assert_eq!(better("frechet_distance"), Some(Better::Lower));
        assert_eq!(better("d_real"), None);
        assert_eq!(better("d_loss"), None, "a GAN's losses are not minimised");
        assert!(summary(&[], None).is_none());
    }
}
