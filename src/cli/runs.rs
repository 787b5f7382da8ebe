//! `latent-studio runs [DIR]…`: the run folders under each folder (default `runs/`),
//! newest first: architecture, status, steps, wall time and the headline metric of
//! its architecture, last and best. A folder that cannot be read is named on stderr.

use std::path::PathBuf;

use clap::Args;

use crate::experiments::run_summary::{RunSummary, figure, folder_name, scan};

/// Options of `runs`.
#[derive(Debug, Args)]
pub struct RunsArgs {
    /// Folders holding run folders (default: `runs`).
    pub dirs: Vec<PathBuf>,
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
    all.sort_by(|a, b| b.modified.cmp(&a.modified));
    println!(
        "{:<40} {:<18} {:<10} {:>13} {:>8}  headline (last, best)",
        "run", "architecture", "status", "steps", "wall"
    );
    for r in &all {
        println!("{}", row(r));
    }
    if all.is_empty() {
        println!("(no runs)");
    }
    Ok(())
}

/// One line of the list.
fn row(r: &RunSummary) -> String {
    let name = folder_name(&r.folder);
    let wall = r.wall_s.map_or_else(|| "-".into(), duration);
    let figure = |v: Option<f64>| v.map_or_else(|| "-".into(), figure);
    format!(
        "{name:<40} {:<18} {:<10} {:>13} {wall:>8}  {} {}, {}",
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
