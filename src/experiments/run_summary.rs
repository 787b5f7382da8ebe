//! A run folder at a glance, for lists of runs (`latent-studio runs`): its name and
//! architecture, how far it got and how it stands, its wall time, and its
//! architecture's headline metric, last and best. Read from `config.toml`,
//! `metrics.csv` and the checkpoint's presence; nothing is loaded into a model.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::ExperimentSpec;
use super::registry::{self, Better};
use crate::runs::RunFolder;
use crate::runs::lineage::{self, Lineage};
use crate::runs::metrics_file::{self, ELAPSED};
use crate::runs::notes::{self, RunNotes};
use crate::runs::run_state::{self, EndKind};
use crate::{Result, StudioError};

/// How a run stands, as far as its folder tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStatus {
    /// A process is training it now (it holds the folder's lock).
    Running,
    /// It reached the steps its spec planned, and has a checkpoint.
    Finished,
    /// It has a checkpoint but stopped before its planned steps (or is still going).
    Stopped,
    /// It has no checkpoint: it ended (or is) before its first one.
    Incomplete,
    /// It ended with an error (`RunSummary::failure` says which).
    Failed,
}

impl RunStatus {
    /// The word shown in a list.
    pub fn label(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Finished => "finished",
            RunStatus::Stopped => "stopped",
            RunStatus::Incomplete => "incomplete",
            RunStatus::Failed => "failed",
        }
    }
}

/// One run folder at a glance.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSummary {
    /// The folder.
    pub folder: PathBuf,
    /// The experiment's display name.
    pub name: String,
    /// Its architecture's key.
    pub architecture: &'static str,
    /// How it stands.
    pub status: RunStatus,
    /// Why it failed, if it did.
    pub failure: Option<String>,
    /// The last step logged.
    pub steps: u64,
    /// The steps its spec planned.
    pub planned: u64,
    /// Seconds of training, as `metrics.csv` last recorded them.
    pub wall_s: Option<f64>,
    /// When `metrics.csv` (or `config.toml`) last changed.
    pub modified: Option<SystemTime>,
    /// The headline metric's column.
    pub headline: &'static str,
    /// Its last value.
    pub last: Option<f64>,
    /// Its best value over the run (lowest or highest, as the metric wants).
    pub best: Option<f64>,
    /// Every metric's last finite value.
    pub finals: std::collections::BTreeMap<String, f64>,
    /// The user's note and tags.
    pub notes: RunNotes,
    /// The newest sample picture in `samples/`, if any.
    pub last_sample: Option<PathBuf>,
    /// Its spec, from `config.toml`.
    pub spec: ExperimentSpec,
    /// The sweep folder it belongs to (its name), if it is one of a sweep's runs.
    pub group: Option<String>,
    /// The run it branched from and the step, if it is a branch.
    pub lineage: Option<Lineage>,
    /// Its checkpoint history: how many entries, their bytes, first and last step.
    pub history: History,
}

/// A run's checkpoint history at a glance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    /// Entries in `checkpoints/`.
    pub entries: usize,
    /// Their bytes together.
    pub bytes: u64,
    /// The steps of the oldest and newest entry.
    pub span: Option<(u64, u64)>,
}

impl History {
    /// Reads the history of the run folder `folder`.
    pub fn of(folder: &Path) -> Self {
        let entries = crate::runs::history::list(folder);
        Self {
            entries: entries.len(),
            bytes: entries.iter().map(|e| e.bytes).sum(),
            span: entries
                .first()
                .zip(entries.last())
                .map(|(a, b)| (a.step, b.step)),
        }
    }

    /// "5 checkpoints, 2.1 MB, steps 2000–5000", or that it keeps none.
    pub fn describe(&self) -> String {
        match self.span {
            Some((a, b)) => format!(
                "{} checkpoint{}, {:.1} MB, steps {a}–{b}",
                self.entries,
                if self.entries == 1 { "" } else { "s" },
                self.bytes as f64 / (1 << 20) as f64
            ),
            None => "no checkpoint history (only the latest checkpoint)".into(),
        }
    }
}

impl RunSummary {
    /// Its name in a list: the folder's name, after its sweep's (`sweep-…/lr_g-0.001`).
    pub fn display_name(&self) -> String {
        match &self.group {
            Some(g) => format!("{g}/{}", folder_name(&self.folder)),
            None => folder_name(&self.folder),
        }
    }
}

/// Reads the run folder `folder`; an error names what is missing or unreadable.
pub fn summarise(folder: &Path) -> Result<RunSummary> {
    let run = RunFolder::open_any(folder);
    let config = run.config_path();
    let text = std::fs::read_to_string(&config).map_err(|e| StudioError::io(&config, e))?;
    let spec = ExperimentSpec::from_toml(&text)
        .map_err(|e| StudioError::Spec(format!("{}: {e}", config.display())))?;
    let arch = registry::of(&spec)?;
    let metrics = run.metrics_path();
    let (names, rows) = if metrics.is_file() {
        metrics_file::read(&metrics)?
    } else {
        (Vec::new(), Vec::new())
    };
    let column = |name: &str| names.iter().position(|n| n == name);
    let values = |i: Option<usize>| -> Vec<f64> {
        i.map_or_else(Vec::new, |i| {
            rows.iter()
                .filter_map(|(_, v)| v.get(i).copied().flatten())
                .filter(|v| v.is_finite())
                .collect()
        })
    };
    let headline = values(column(arch.headline.metric));
    let finals = names
        .iter()
        .filter(|n| n.as_str() != ELAPSED)
        .filter_map(|n| Some((n.clone(), *values(column(n)).last()?)))
        .collect();
    let best = headline
        .iter()
        .copied()
        .reduce(|a, b| match arch.headline.better {
            Better::Lower => a.min(b),
            Better::Higher => a.max(b),
        });
    let steps = rows.last().map_or(0, |(s, _)| *s);
    let planned = spec.schedule().steps;
    let ended = run_state::read_ended(folder);
    let has_checkpoint = run.checkpoint_path().is_file();
    let status = match (&ended, has_checkpoint, steps >= planned) {
        _ if run_state::is_locked(folder) => RunStatus::Running,
        (Some(e), _, _) if e.how == EndKind::Failed => RunStatus::Failed,
        (_, false, _) => RunStatus::Incomplete,
        (Some(e), true, _) if e.how == EndKind::Finished => RunStatus::Finished,
        (Some(_), true, _) => RunStatus::Stopped,
        // No record (a run older than the record, or killed): as far as the files tell.
        (None, true, true) => RunStatus::Finished,
        (None, true, false) => RunStatus::Stopped,
    };
    let failure = ended.and_then(|e| e.reason);
    let modified = [metrics, config]
        .iter()
        .find_map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    Ok(RunSummary {
        folder: folder.to_path_buf(),
        name: spec.name().to_string(),
        architecture: arch.key,
        status,
        failure,
        steps,
        planned,
        wall_s: values(column(ELAPSED)).last().copied(),
        modified,
        headline: arch.headline.metric,
        last: headline.last().copied(),
        best,
        finals,
        notes: notes::read(folder),
        last_sample: newest_sample(&run.samples_dir()),
        spec,
        group: None,
        lineage: lineage::in_config(folder, &text),
        history: History::of(folder),
    })
}

/// The newest picture in `dir` (`step-NNNNNN.png`: the names sort by step).
fn newest_sample(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "png")
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("step-"))
        })
        .max()
}

/// What a scan found: the runs, and the folders that could not be read with why.
pub type Scanned = (Vec<RunSummary>, Vec<(PathBuf, String)>);

/// A run folder's name (its last component), as lists and legends show it.
pub fn folder_name(folder: &Path) -> String {
    folder.file_name().map_or_else(
        || folder.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A metric's value in at most four decimals, without trailing zeros.
pub fn figure(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Every run folder directly under `root` (a folder with a `config.toml`), newest
/// first, and the folders that could not be read, each with why.
pub fn scan(root: &Path) -> Result<Scanned> {
    let entries = std::fs::read_dir(root).map_err(|e| StudioError::io(root, e))?;
    let (mut runs, mut unreadable) = (Vec::new(), Vec::new());
    for entry in entries.flatten() {
        let path = entry.path();
        // `.trash/` holds deleted runs; a folder without a config is not a run, but
        // a sweep's folder holds runs, listed as its group.
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            continue;
        }
        if path.join(super::run_sweep::SWEEP_FILE).is_file() {
            let group = folder_name(&path);
            let (inner, broken) = scan(&path)?;
            runs.extend(inner.into_iter().map(|mut r| {
                r.group = Some(group.clone());
                r
            }));
            unreadable.extend(broken);
            continue;
        }
        if !path.join("config.toml").is_file() {
            continue;
        }
        match summarise(&path) {
            Ok(s) => runs.push(s),
            Err(e) => unreadable.push((path, e.to_string())),
        }
    }
    runs.sort_by(|a, b| b.modified.cmp(&a.modified).then(a.folder.cmp(&b.folder)));
    unreadable.sort();
    Ok((runs, unreadable))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    /// A run folder of the default preset (planned `planned` steps) whose
    /// `metrics.csv` holds `rows` of (step, modes_captured, elapsed_s).
    fn fake_run(dir: &Path, planned: u64, rows: &[(u64, f64, f64)], checkpoint: bool) {
        let mut spec = presets::default_spec().expect("default");
        spec.schedule_mut().steps = planned;
        std::fs::create_dir_all(dir).expect("dir");
        std::fs::write(dir.join("config.toml"), spec.to_toml().expect("toml")).expect("config");
        let mut csv = String::from("step,d_loss,modes_captured,elapsed_s\n");
        for (step, modes, secs) in rows {
            csv.push_str(&format!("{step},0.5,{modes},{secs}\n"));
        }
        std::fs::write(dir.join("metrics.csv"), csv).expect("metrics");
        if checkpoint {
            std::fs::write(dir.join(crate::runs::folder::CHECKPOINT_FILE), b"x").expect("ckpt");
        }
    }

    #[test]
    fn figures_read_at_a_glance() {
        assert_eq!(figure(8.0), "8");
        assert_eq!(figure(-217.1104), "-217.1104");
        assert_eq!(figure(0.000_01), "0");
        assert_eq!(figure(2.5), "2.5");
    }

    #[test]
    fn a_run_folder_reads_as_its_headline_last_and_best_and_its_status() {
        let root = tempfile::tempdir().expect("dir");
        let done = root.path().join("ring-001");
        fake_run(
            &done,
            30,
            &[(10, 3.0, 1.0), (20, 8.0, 2.0), (30, 7.0, 3.5)],
            true,
        );
        let s = summarise(&done).expect("summary");
        assert_eq!(s.architecture, "gan2d");
        assert_eq!(s.headline, "modes_captured");
        assert_eq!(
            (s.last, s.best),
            (Some(7.0), Some(8.0)),
            "more modes is better"
        );
        assert_eq!((s.steps, s.planned), (30, 30));
        assert_eq!(s.status, RunStatus::Finished);
        assert_eq!(s.wall_s, Some(3.5));
        assert_eq!(s.finals.get("d_loss"), Some(&0.5));
        assert!(!s.finals.contains_key("elapsed_s"));

        let stopped = root.path().join("ring-002");
        fake_run(&stopped, 100, &[(10, 2.0, 1.0)], true);
        assert_eq!(summarise(&stopped).expect("s").status, RunStatus::Stopped);
        // A process writing it: running; one that failed says why.
        let lock = crate::runs::run_state::RunLock::acquire(&stopped).expect("lock");
        assert_eq!(summarise(&stopped).expect("s").status, RunStatus::Running);
        drop(lock);
        let ended = crate::runs::run_state::Ended {
            how: EndKind::Failed,
            step: 10,
            reason: Some("out of memory".into()),
        };
        crate::runs::run_state::write_ended(&stopped, &ended).expect("ended");
        let s = summarise(&stopped).expect("s");
        assert_eq!(
            (s.status, s.failure.as_deref()),
            (RunStatus::Failed, Some("out of memory"))
        );
        let young = root.path().join("ring-003");
        fake_run(&young, 100, &[], false);
        let s = summarise(&young).expect("s");
        assert_eq!(
            (s.status, s.last, s.steps),
            (RunStatus::Incomplete, None, 0)
        );

        // A folder whose config is not a spec is named with the reason; a folder
        // without a config is not a run.
        let broken = root.path().join("broken");
        std::fs::create_dir_all(&broken).expect("dir");
        std::fs::write(broken.join("config.toml"), "architecture = \"nope\"").expect("w");
        std::fs::create_dir_all(root.path().join("not-a-run")).expect("dir");
        let (runs, unreadable) = scan(root.path()).expect("scan");
        assert_eq!(runs.len(), 3);
        assert_eq!(unreadable.len(), 1);
        assert!(unreadable[0].1.contains("nope"), "{:?}", unreadable[0]);
    }
}
