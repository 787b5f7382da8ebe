//! Branching: a new run folder that starts from a parent run's checkpoint at (or
//! before) a step, with some settings changed. Its `config.toml` records its
//! lineage; its metrics, live changes and samples up to the fork are the parent's
//! (so it reads on its own, even once the parent is gone); its history starts with
//! the fork's checkpoint. The worker then continues it like any stopped run.
//!
//! Nothing is written until the change is known to fit: the experiment is built
//! with the new settings and takes the parent's weights and training state.

use std::path::{Path, PathBuf};

use candle_core::Device;

use super::ExperimentSpec;
use super::checkpoint::{self, Checkpoint};
use super::train_state::LAST_LOGGED;
use crate::runs::changes_file::{self, CHANGES_FILE, LiveChange};
use crate::runs::folder::{CHECKPOINT_FILE, RunFolder};
use crate::runs::history::{self, Retention};
use crate::runs::lineage::{self, Lineage};
use crate::runs::{config_diff, metrics_file};
use crate::{Result, StudioError};

/// A branch written and ready to continue.
#[derive(Debug)]
pub struct Branch {
    /// Its run folder.
    pub folder: PathBuf,
    /// The parent's step it starts from.
    pub step: u64,
    /// The settings it changed: dotted key and new value (TOML text).
    pub changes: Vec<(String, String)>,
    /// History entries of the parent passed over because they could not be read,
    /// each with why.
    pub skipped: Vec<String>,
}

/// The checkpoint of `parent` to start from: with `at`, the newest readable one at
/// or before that step (history entries, and the latest checkpoint); without, the
/// latest (or the newest readable entry if it cannot be read). Entries that cannot
/// be read are passed over and named in the second value.
pub fn pick(parent: &Path, at: Option<u64>, device: &Device) -> Result<(Checkpoint, Vec<String>)> {
    let latest = parent.join(CHECKPOINT_FILE);
    let entries = history::list(parent);
    let mut candidates: Vec<(Option<u64>, PathBuf)> = entries
        .iter()
        .map(|e| (Some(e.step), e.path.clone()))
        .collect();
    candidates.push((None, latest.clone()));
    let mut skipped = Vec::new();
    // Newest first: the latest (its step read from the file), then the entries.
    for (step, path) in candidates.into_iter().rev() {
        if let (Some(at), Some(step)) = (at, step)
            && step > at
        {
            continue;
        }
        if !path.exists() {
            continue;
        }
        match checkpoint::load(&path, device) {
            Ok(ckpt) if at.is_none_or(|at| ckpt.step <= at) => return Ok((ckpt, skipped)),
            Ok(_) => {}
            Err(e) => skipped.push(e.to_string()),
        }
    }
    let name = parent.display();
    let why = match (at, entries.first()) {
        _ if !latest.exists() && entries.is_empty() => {
            format!("{name}: no checkpoint to branch from (is it a run folder?)")
        }
        (Some(at), Some(first)) if first.step > at => format!(
            "{name}: its checkpoint history starts at step {}, so there is nothing at or before step {at}",
            first.step
        ),
        (Some(at), None) => format!(
            "{name}: no checkpoint at or before step {at} (it keeps no checkpoint history: an older version's run, or its checkpoints/ folder was deleted)"
        ),
        _ => format!("{name}: none of its checkpoints can be read"),
    };
    let mut message = why;
    for s in &skipped {
        message.push_str(&format!("; {s}"));
    }
    Err(StudioError::Checkpoint(message))
}

/// The settings `sets` (`key=value`, as `--set`) change from `spec`, applied: the
/// new spec, and each changed key with its new value.
pub fn apply(
    spec: &ExperimentSpec,
    sets: &[String],
) -> Result<(ExperimentSpec, Vec<(String, String)>)> {
    let mut new = spec.clone();
    new.set_all(sets)?;
    let changes = changes_between(spec, &new)?;
    Ok((new, changes))
}

/// The dotted keys whose values differ from `old` to `new`, with the new values.
pub fn changes_between(
    old: &ExperimentSpec,
    new: &ExperimentSpec,
) -> Result<Vec<(String, String)>> {
    let (old_text, new_text) = (old.to_toml()?, new.to_toml()?);
    let rows = config_diff::compare(&[&old_text, &new_text], false).map_err(StudioError::Spec)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.key, r.values[1].clone().unwrap_or_default()))
        .collect())
}

/// Where a branch of `parent` at `step` goes by default: a new folder beside it.
pub fn default_folder(parent: &Path, step: u64) -> PathBuf {
    let beside = parent.parent().unwrap_or(Path::new("runs"));
    let name = parent
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".into());
    RunFolder::next_free(beside, &format!("{name}-branch-{step}"))
}

/// Writes the branch of `parent` from `ckpt` (see [`pick`]) with the settings
/// `sets` into the new folder `out`, once the changed experiment is known to take
/// the parent's weights and state. `out` must not hold a run.
pub fn prepare(
    parent: &Path,
    ckpt: &Checkpoint,
    sets: &[String],
    out: &Path,
    device: &Device,
) -> Result<Branch> {
    let (spec, _) = apply(&ckpt.spec, sets)?;
    prepare_spec(parent, ckpt, spec, out, device)
}

/// [`prepare`] with the branch's whole spec (the window's setup panel edits one).
pub fn prepare_spec(
    parent: &Path,
    ckpt: &Checkpoint,
    spec: ExperimentSpec,
    out: &Path,
    device: &Device,
) -> Result<Branch> {
    if out.join(CHECKPOINT_FILE).exists() {
        return Err(StudioError::Spec(format!(
            "{}: already holds a run; choose another folder for the branch",
            out.display()
        )));
    }
    if spec.architecture() != ckpt.spec.architecture() {
        return Err(StudioError::Spec(format!(
            "a branch of a {} run must be a {} too",
            ckpt.spec.architecture(),
            ckpt.spec.architecture()
        )));
    }
    let changes = changes_between(&ckpt.spec, &spec)?;
    let step = ckpt.step;
    // Does the change fit the parent's networks? Build it and hand it their state.
    let shapes = |e: StudioError| {
        StudioError::Spec(format!(
            "a branch keeps its parent's networks, and this change does not fit them: {e}"
        ))
    };
    {
        let mut exp = super::build(&spec, device)?;
        exp.load_tensors(&ckpt.tensors).map_err(shapes)?;
        if let Some(state) = &ckpt.state {
            exp.load_train_state(state).map_err(shapes)?;
        }
    }
    let folder = RunFolder::create(out, &spec.to_toml()?)?;
    let lineage = Lineage {
        parent: lineage::parent_as_seen_from(out, parent),
        parent_step: step,
    };
    let config = lineage::with_lineage(&spec.to_toml()?, Some(&lineage));
    crate::runs::atomic::write_atomic(&folder.config_path(), config.as_bytes())?;
    // The parent's history up to the fork, so the branch reads on its own.
    let last_row = ckpt
        .state
        .as_ref()
        .and_then(|s| s.get::<Option<u64>>(LAST_LOGGED).ok().flatten())
        .unwrap_or(step);
    copy_rows(
        &parent.join("metrics.csv"),
        &folder.metrics_path(),
        last_row,
    )?;
    copy_rows(&parent.join(CHANGES_FILE), &out.join(CHANGES_FILE), step)?;
    for (key, value) in &changes {
        let change = LiveChange {
            step,
            key: key.clone(),
            value: value.clone(),
        };
        changes_file::append(&out.join(CHANGES_FILE), &change)?;
    }
    copy_samples(&parent.join("samples"), &folder.samples_dir(), step);
    // A classifier the parent trained for its quality figures is the branch's too.
    let classifier = parent.join("classifier.safetensors");
    if classifier.is_file() {
        let _ = std::fs::copy(&classifier, out.join("classifier.safetensors"));
    }
    let tensors: Vec<(String, candle_core::Tensor)> = ckpt
        .tensors
        .iter()
        .map(|(n, t)| (n.clone(), t.clone()))
        .collect();
    let path = folder.checkpoint_path();
    match &ckpt.state {
        Some(state) => {
            let bytes = checkpoint::encode_resumable(&path, &spec, step, &tensors, state)?;
            let schedule = spec.schedule();
            let rule = Retention {
                every: schedule.checkpoint_every,
                keep: schedule.keep_checkpoints,
                budget_bytes: schedule.checkpoint_budget_mb.saturating_mul(1 << 20),
            };
            history::record(out, step, &bytes, rule)?;
        }
        None => checkpoint::save(&path, &spec, step, &tensors)?,
    }
    Ok(Branch {
        folder: out.to_path_buf(),
        step,
        changes,
        skipped: Vec::new(),
    })
}

/// Copies the CSV at `from` to `to` keeping its rows up to `step` (nothing if
/// there is no such file).
fn copy_rows(from: &Path, to: &Path, step: u64) -> Result<()> {
    match std::fs::read(from) {
        Ok(bytes) => {
            crate::runs::atomic::write_atomic(to, &bytes)?;
            metrics_file::keep_rows_through(to, step)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StudioError::io(from, e)),
    }
}

/// Copies the parent's sample files of steps up to `step` (best effort: a sample
/// that cannot be copied is only a missing picture).
fn copy_samples(from: &Path, to: &Path, step: u64) {
    let Ok(dir) = std::fs::read_dir(from) else {
        return;
    };
    for entry in dir.flatten() {
        let name = entry.file_name();
        let Some(text) = name.to_str() else { continue };
        let at = text
            .strip_prefix("step-")
            .and_then(|r| r.split('.').next())
            .and_then(|n| n.parse::<u64>().ok());
        if at.is_some_and(|s| s <= step) {
            let _ = std::fs::copy(entry.path(), to.join(&name));
        }
    }
}
