//! `latent-studio runs [DIR]…`: the run folders under each folder (default `runs/`),
//! newest first: architecture, status, steps, wall time and the headline metric of
//! its architecture, last and best. A folder that cannot be read is named on stderr.
//! `--sort` orders by a column or by any metric's last value (best first);
//! `--json` prints one JSON object per run, for scripts.

use std::path::PathBuf;

use clap::Args;

use crate::experiments::registry::Better;
use crate::experiments::run_compare::better;
use crate::experiments::run_summary::{RunSummary, figure, scan};

/// Options of `runs`.
#[derive(Debug, Args)]
pub struct RunsArgs {
    /// Folders holding run folders (default: `runs`).
    pub dirs: Vec<PathBuf>,
    /// Order by `name`, `architecture`, `status`, `steps`, `wall`, `date` (the
    /// default, newest first), `headline`, or any metric's last value (best first).
    #[arg(long, value_name = "COLUMN|METRIC")]
    pub sort: Option<String>,
    /// One JSON object per line and run instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Lists the runs.
pub fn run(args: RunsArgs) -> anyhow::Result<()> {
    let dirs = if args.dirs.is_empty() {
        vec![PathBuf::from("runs")]
    } else {
        args.dirs
    };
    let mut all = Vec::new();
    for dir in &dirs {
        if !dir.is_dir() {
            anyhow::bail!("{}: no such folder", dir.display());
        }
        let (runs, unreadable) = scan(dir)?;
        for (path, why) in unreadable {
            eprintln!("warning: {}: {why}", path.display());
        }
        all.extend(runs);
    }
    all.sort_by_key(|r| std::cmp::Reverse(r.modified));
    if let Some(key) = &args.sort {
        sort(&mut all, key);
    }
    if args.json {
        for r in &all {
            println!("{}", json(r));
        }
        return Ok(());
    }
    let width = all
        .iter()
        .map(|r| r.display_name().chars().count())
        .max()
        .unwrap_or(0)
        .max(24);
    println!(
        "{:<width$} {:<18} {:<10} {:>13} {:>8}  headline (last, best)",
        "run", "architecture", "status", "steps", "wall"
    );
    for r in &all {
        println!("{}", row(r, width));
    }
    if all.is_empty() {
        println!("(no runs)");
    }
    Ok(())
}

/// Orders `runs` by a column, or by the last value of a metric, best first (runs
/// without it last).
fn sort(runs: &mut [RunSummary], key: &str) {
    use std::cmp::Ordering;
    let by_number =
        |runs: &mut [RunSummary], value: &dyn Fn(&RunSummary) -> Option<f64>, high_first: bool| {
            runs.sort_by(|a, b| match (value(a), value(b)) {
                (Some(x), Some(y)) if high_first => y.total_cmp(&x),
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            });
        };
    match key {
        "date" => {}
        "name" => runs.sort_by_key(RunSummary::display_name),
        "architecture" => runs.sort_by_key(|r| r.architecture),
        "status" => runs.sort_by_key(|r| r.status.label()),
        "steps" => runs.sort_by_key(|r| std::cmp::Reverse(r.steps)),
        "wall" => by_number(runs, &|r| r.wall_s, true),
        "headline" => {
            // Each run's own headline, best first (a higher-is-better one negated).
            by_number(
                runs,
                &|r| {
                    let high = better(r.headline) == Some(Better::Higher);
                    r.last.map(|v| if high { -v } else { v })
                },
                false,
            );
            runs.sort_by_key(|r| r.architecture);
        }
        metric => by_number(
            runs,
            &|r| r.finals.get(metric).copied(),
            better(metric) == Some(Better::Higher),
        ),
    }
}

/// One run as a JSON object.
fn json(r: &RunSummary) -> String {
    let modified = r
        .modified
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs());
    serde_json::json!({
        "folder": r.folder.display().to_string(),
        "name": r.name,
        "group": r.group,
        "architecture": r.architecture,
        "status": r.status.label(),
        "steps": r.steps,
        "planned": r.planned,
        "wall_s": r.wall_s,
        "modified_unix_s": modified,
        "headline": r.headline,
        "last": r.last,
        "best": r.best,
        "finals": r.finals,
        "parent": r.lineage.as_ref().map(|l| l.parent.display().to_string()),
        "parent_step": r.lineage.as_ref().map(|l| l.parent_step),
        "history_checkpoints": r.history.entries,
        "history_bytes": r.history.bytes,
    })
    .to_string()
}

/// One line of the list.
fn row(r: &RunSummary, width: usize) -> String {
    let name = r.display_name();
    let wall = r.wall_s.map_or_else(|| "-".into(), duration);
    let figure = |v: Option<f64>| v.map_or_else(|| "-".into(), figure);
    format!(
        "{name:<width$} {:<18} {:<10} {:>13} {wall:>8}  {} {}, {}",
        r.architecture,
        r.status.label(),
        format!("{}/{}", r.steps, r.planned),
        r.headline,
        figure(r.last),
        figure(r.best)
    )
}

/// Seconds as `1h02m`, `3m05s` or `42s`.
fn duration(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    match (s / 3600, s % 3600 / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m{s:02}s"),
        (h, m, _) => format!("{h}h{m:02}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_at_a_glance() {
        assert_eq!(duration(42.4), "42s");
        assert_eq!(duration(185.0), "3m05s");
        assert_eq!(duration(3720.0), "1h02m");
    }
}
