//! A run's checkpoint history: `checkpoints/step-NNNNNN.safetensors` besides the
//! latest `checkpoint.safetensors`, so a run can be rewound and branched from an
//! earlier step. The last few are all kept; older ones are thinned out so the whole
//! run stays covered (an entry must be a multiple of a coarser spacing the older it
//! is); and the whole history stays within a disk budget (entries go where their
//! neighbours are closest). Every entry is written atomically; the latest
//! checkpoint is a hard link to the newest entry where the file system allows.

use std::path::{Path, PathBuf};

use super::atomic::write_atomic;
use super::folder::CHECKPOINT_FILE;
use crate::{Result, StudioError};

/// The history's folder inside a run folder.
pub const HISTORY_DIR: &str = "checkpoints";

/// How much history a run keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    /// Steps between checkpoints.
    pub every: u64,
    /// The newest entries all kept (0: no history at all).
    pub keep: u32,
    /// The most bytes the history may hold (the newest entry is kept regardless).
    pub budget_bytes: u64,
}

/// One entry of the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The step it was written at.
    pub step: u64,
    /// Its file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

/// The file of the entry at `step` in the run folder `run`.
pub fn entry_path(run: &Path, step: u64) -> PathBuf {
    run.join(HISTORY_DIR)
        .join(format!("step-{step:06}.safetensors"))
}

/// The step an entry's file name stands for (`step-000250.safetensors` → 250).
fn step_of(name: &str) -> Option<u64> {
    name.strip_prefix("step-")?
        .strip_suffix(".safetensors")?
        .parse()
        .ok()
}

/// The entries of `run`'s history, oldest first (none if it has no history);
/// other files in the folder (a temporary file of a write cut short) are ignored.
pub fn list(run: &Path) -> Vec<Entry> {
    let Ok(dir) = std::fs::read_dir(run.join(HISTORY_DIR)) else {
        return Vec::new();
    };
    let mut entries: Vec<Entry> = dir
        .flatten()
        .filter_map(|e| {
            let step = step_of(e.file_name().to_str()?)?;
            let meta = e.metadata().ok().filter(|m| m.is_file())?;
            Some(Entry {
                step,
                path: e.path(),
                bytes: meta.len(),
            })
        })
        .collect();
    entries.sort_by_key(|e| e.step);
    entries
}

/// The steps of `entries` (`(step, bytes)`, oldest first) that `rule` lets go.
///
/// Kept: the newest `keep`; among older ones, those whose step is a multiple of the
/// spacing for their age — `every · 2^k` once they are older than
/// `every · keep · 2^(k−1)` — so each doubling of age holds about `keep / 2` of them
/// and an entry once let go would never be wanted later; then, while the total is
/// over the budget, the older entry whose neighbours are closest (ties: the older;
/// the run's start counts as the first one's neighbour).
/// The newest entry is never let go.
pub fn to_let_go(entries: &[(u64, u64)], rule: Retention) -> Vec<u64> {
    let Some(&(newest, _)) = entries.last() else {
        return Vec::new();
    };
    if rule.keep == 0 {
        return entries.iter().map(|e| e.0).collect();
    }
    let every = rule.every.max(1);
    let recent = entries.len().saturating_sub(rule.keep as usize);
    let band = every.saturating_mul(rule.keep as u64);
    let mut kept: Vec<(u64, u64)> = Vec::new();
    let mut gone: Vec<u64> = Vec::new();
    for (i, &(step, bytes)) in entries.iter().enumerate() {
        let age = newest - step;
        let spacing = if i >= recent || age < band {
            1
        } else {
            // The smallest k with age < band · 2^(k−1), as a spacing every · 2^k.
            let doublings = 64 - (age / band).leading_zeros() as u64;
            every.saturating_mul(1u64 << doublings.min(40))
        };
        if i >= recent || step % spacing == 0 {
            kept.push((step, bytes));
        } else {
            gone.push(step);
        }
    }
    let mut total: u64 = kept.iter().map(|e| e.1).sum();
    while total > rule.budget_bytes && kept.len() > 1 {
        // The entry (not the newest) whose removal leaves the smallest gap (the run's
        // start, step 0, stands before the first).
        let last = kept.len() - 1;
        let pick = (0..last)
            .min_by_key(|&i| {
                let before = if i == 0 { 0 } else { kept[i - 1].0 };
                kept[i + 1].0 - before
            })
            .unwrap_or(0);
        total -= kept[pick].1;
        gone.push(kept.remove(pick).0);
    }
    gone.sort_unstable();
    gone
}

/// Writes `bytes` (a whole checkpoint) as the history's entry at `step` and as the
/// run's latest checkpoint, then lets go of what `rule` no longer keeps. Returns
/// the steps let go. With no history (`keep` = 0) only the latest is written.
pub fn record(run: &Path, step: u64, bytes: &[u8], rule: Retention) -> Result<Vec<u64>> {
    let latest = run.join(CHECKPOINT_FILE);
    if rule.keep == 0 {
        write_atomic(&latest, bytes)?;
        return Ok(Vec::new());
    }
    let dir = run.join(HISTORY_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| StudioError::io(&dir, e))?;
    let entry = entry_path(run, step);
    write_atomic(&entry, bytes)?;
    link_or_copy(&entry, &latest, bytes)?;
    let entries: Vec<(u64, u64)> = list(run).iter().map(|e| (e.step, e.bytes)).collect();
    let gone = to_let_go(&entries, rule);
    for s in &gone {
        let path = entry_path(run, *s);
        std::fs::remove_file(&path).map_err(|e| StudioError::io(&path, e))?;
    }
    Ok(gone)
}

/// Makes `to` the same file as `from` (a hard link put in place by a rename, so
/// `to` is never missing or partial), or a copy of `bytes` where links fail.
fn link_or_copy(from: &Path, to: &Path, bytes: &[u8]) -> Result<()> {
    let dir = to.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".tmp-link-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    if std::fs::hard_link(from, &tmp).is_ok() {
        return std::fs::rename(&tmp, to).map_err(|e| StudioError::io(to, e));
    }
    write_atomic(to, bytes)
}

/// The entry to branch or rewind to for `step`: the newest at or before it.
pub fn at_or_before(run: &Path, step: u64) -> Option<Entry> {
    list(run).into_iter().rev().find(|e| e.step <= step)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(keep: u32, budget: u64) -> Retention {
        Retention {
            every: 10,
            keep,
            budget_bytes: budget,
        }
    }

    /// Simulates a run writing an entry every 10 steps up to `last`, letting go as
    /// it goes; the steps kept at the end.
    fn simulate(last: u64, r: Retention, size: u64) -> Vec<u64> {
        let mut have: Vec<(u64, u64)> = Vec::new();
        for step in (10..=last).step_by(10) {
            have.push((step, size));
            let gone = to_let_go(&have, r);
            have.retain(|e| !gone.contains(&e.0));
        }
        have.iter().map(|e| e.0).collect()
    }

    #[test]
    fn the_last_few_are_kept_and_older_ones_thin_out_covering_the_run() {
        let kept = simulate(2000, rule(5, u64::MAX), 1);
        // The newest five, every 10 steps.
        assert_eq!(&kept[kept.len() - 5..], &[1960, 1970, 1980, 1990, 2000]);
        // Far fewer than the 200 written, but spread over the whole run.
        assert!(kept.len() <= 30, "{} kept: {kept:?}", kept.len());
        assert!(kept[0] <= 640, "the run's start stays covered: {kept:?}");
        // Gaps grow with age, and none is wider than the entry's age.
        for w in kept.windows(2) {
            let gap = w[1] - w[0];
            assert!(
                gap <= (2000 - w[0]).max(10),
                "gap {gap} at {}: {kept:?}",
                w[0]
            );
        }
    }

    #[test]
    fn an_entry_let_go_is_never_one_the_rule_would_keep_later() {
        // Spacing only gets coarser with age: what thinning keeps at the end was kept
        // all along, so it is the same as thinning the whole run at once.
        let all: Vec<(u64, u64)> = (1..=300).map(|i| (i * 10, 1)).collect();
        let r = rule(4, u64::MAX);
        let gone = to_let_go(&all, r);
        let at_once: Vec<u64> = all
            .iter()
            .map(|e| e.0)
            .filter(|s| !gone.contains(s))
            .collect();
        assert_eq!(simulate(3000, r, 1), at_once);
    }

    #[test]
    fn the_budget_is_kept_by_letting_go_where_entries_are_closest() {
        // 5 MB entries, 32 MB allowed: at most 6 entries, the newest among them.
        let kept = simulate(1000, rule(5, 32), 5);
        assert!(kept.len() <= 6, "{kept:?}");
        assert_eq!(*kept.last().unwrap(), 1000);
        assert!(kept[0] < 500, "still reaching back: {kept:?}");
        // A budget smaller than one entry keeps the newest alone.
        assert_eq!(simulate(100, rule(5, 1), 5), vec![100]);
        // No history: everything goes.
        assert_eq!(to_let_go(&[(10, 1), (20, 1)], rule(0, 100)), vec![10, 20]);
    }

    #[test]
    fn recording_writes_the_entry_and_the_latest_and_lists_only_entries() {
        let dir = tempfile::tempdir().unwrap();
        let run = dir.path();
        for step in [10u64, 20, 30] {
            let bytes = format!("checkpoint {step}");
            record(run, step, bytes.as_bytes(), rule(2, u64::MAX)).unwrap();
        }
        assert_eq!(
            std::fs::read(run.join(CHECKPOINT_FILE)).unwrap(),
            b"checkpoint 30"
        );
        // A stray temporary file is not an entry.
        std::fs::write(run.join(HISTORY_DIR).join(".tmp-abc"), b"x").unwrap();
        let steps: Vec<u64> = list(run).iter().map(|e| e.step).collect();
        assert_eq!(
            steps,
            vec![20, 30],
            "10 is neither recent nor on the spacing"
        );
        assert_eq!(at_or_before(run, 25).unwrap().step, 20);
        assert!(at_or_before(run, 5).is_none());
        // Writing the next latest does not change the entry it was linked to.
        record(run, 40, b"checkpoint 40", rule(2, u64::MAX)).unwrap();
        assert_eq!(
            std::fs::read(entry_path(run, 30)).unwrap(),
            b"checkpoint 30"
        );
    }
}
