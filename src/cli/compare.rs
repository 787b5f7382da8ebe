//! `latent-studio compare RUN RUN… [--metric NAME]… [--plot out.png] [--smooth S]
//! [--x step|time]`: for each metric the runs share (or each one asked for), each
//! run's last value, best value and the step of its best; then the settings that
//! differ; with `--plot`, the overlaid curves as a PNG.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::experiments::registry::Better;
use crate::experiments::run_compare::{self, RunSeries, better, shared_metrics, summary};
use crate::experiments::run_summary::figure;
use crate::plotting::png::{self, PngLine, PngPlot};
use crate::plotting::{lines, run_colours};
use crate::runs::config_diff;

/// What the x axis shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum XAxis {
    /// Training steps.
    Step,
    /// Wall-clock seconds of training.
    Time,
}

/// Options of `compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The run folders (at least one; two to eight to compare).
    #[arg(required = true)]
    pub runs: Vec<PathBuf>,
    /// Only these metrics (default: every metric two of the runs share).
    #[arg(long = "metric", value_name = "NAME")]
    pub metrics: Vec<String>,
    /// Write the overlaid curves to this PNG.
    #[arg(long, value_name = "PNG")]
    pub plot: Option<PathBuf>,
    /// The PNG's size, `WIDTHxHEIGHT` in pixels.
    #[arg(long, default_value = "1200x800", value_parser = parse_size)]
    pub size: (u32, u32),
    /// Exponential smoothing of the plotted curves, 0 to 0.99 (the raw line stays faint).
    #[arg(long, default_value_t = 0.0)]
    pub smooth: f64,
    /// The plot's x axis.
    #[arg(long, value_enum, default_value_t = XAxis::Step)]
    pub x: XAxis,
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("{text}: expected WIDTHxHEIGHT, e.g. 1200x800"))?;
    let number = |s: &str| {
        s.trim()
            .parse::<u32>()
            .map_err(|_| format!("{text}: expected WIDTHxHEIGHT, e.g. 1200x800"))
    };
    Ok((number(w)?, number(h)?))
}

/// Compares the runs.
pub fn run(args: CompareArgs) -> anyhow::Result<()> {
    if !(0.0..=lines::MAX_SMOOTHING).contains(&args.smooth) {
        anyhow::bail!("--smooth {} must be between 0 and 0.99", args.smooth);
    }
    if args.runs.len() > 8 {
        anyhow::bail!("{} runs: compare at most eight at once", args.runs.len());
    }
    let runs = run_compare::load(&args.runs)?;
    let metrics = if args.metrics.is_empty() {
        shared_metrics(&runs)
    } else {
        for m in &args.metrics {
            if !runs.iter().any(|r| r.series(m).is_some()) {
                anyhow::bail!("--metric {m}: none of these runs logged it");
            }
        }
        args.metrics.clone()
    };
    let width = runs.iter().map(|r| r.label.len()).max().unwrap_or(3).max(3);
    for metric in &metrics {
        let way = better(metric);
        println!(
            "{metric} ({})",
            match way {
                Some(Better::Lower) => "lower is better",
                Some(Better::Higher) => "higher is better",
                None => "neither way is better: lowest and highest",
            }
        );
        for run in &runs {
            let points = run.series(metric).unwrap_or(&[]);
            let at = |p: [f64; 2]| format!("{} at step {}", figure(p[1]), p[0]);
            let line = match (
                way,
                summary(points, Some(Better::Lower)),
                summary(points, Some(Better::Higher)),
            ) {
                (_, None, _) | (_, _, None) => "not logged".into(),
                (Some(w), _, _) => summary(points, Some(w)).map_or_else(String::new, |s| {
                    format!("last {}, best {}", at(s.last), at(s.best))
                }),
                (None, Some(low), Some(high)) => {
                    format!(
                        "last {}, lowest {}, highest {}",
                        at(low.last),
                        at(low.best),
                        at(high.best)
                    )
                }
            };
            println!("  {:<width$}  {line}", run.label);
        }
    }
    print_differences(&runs)?;
    if let Some(path) = &args.plot {
        let plots = png_plots(&runs, &metrics, &args);
        let (w, h) = args.size;
        let names: Vec<&str> = runs.iter().map(|r| r.label.as_str()).collect();
        png::write(
            path,
            &format!("Runs compared: {}", names.join(", ")),
            &plots,
            w,
            h,
        )?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// Prints the settings the runs' configs disagree on.
fn print_differences(runs: &[RunSeries]) -> anyhow::Result<()> {
    let texts: Vec<&str> = runs
        .iter()
        .map(|r| r.config.as_deref().unwrap_or(""))
        .collect();
    let rows = config_diff::compare(&texts, false).map_err(anyhow::Error::msg)?;
    if runs.len() < 2 {
        return Ok(());
    }
    if rows.is_empty() {
        println!("settings: the same");
        return Ok(());
    }
    println!("settings that differ:");
    for row in rows {
        let values: Vec<String> = runs
            .iter()
            .zip(&row.values)
            .map(|(r, v)| format!("{} = {}", r.label, v.as_deref().unwrap_or("(none)")))
            .collect();
        println!("  {}: {}", row.key, values.join(", "));
    }
    Ok(())
}

/// One plot per metric, one line per run in the run's own colour.
fn png_plots(runs: &[RunSeries], metrics: &[String], args: &CompareArgs) -> Vec<PngPlot> {
    let names: Vec<&str> = runs.iter().map(|r| r.label.as_str()).collect();
    let colours = run_colours(&names);
    metrics
        .iter()
        .map(|metric| PngPlot {
            title: metric.clone(),
            x_label: match args.x {
                XAxis::Step => "step".into(),
                XAxis::Time => "seconds".into(),
            },
            lines: runs
                .iter()
                .zip(&colours)
                .filter_map(|(run, &colour)| {
                    let points = run.series(metric)?;
                    let raw = match args.x {
                        XAxis::Step => points.to_vec(),
                        XAxis::Time => {
                            lines::by_time(points, &run.clock).unwrap_or_else(|| points.to_vec())
                        }
                    };
                    let mut smoothed = lines::smooth(&raw, args.smooth);
                    // A branch grows from its parent's line (smoothed over its history).
                    if let Some(fork) = run.fork_among(runs) {
                        let cut = match args.x {
                            XAxis::Step => fork as f64,
                            XAxis::Time => lines::by_time(&[[fork as f64, 0.0]], &run.clock)
                                .map_or(fork as f64, |p| p[0][0]),
                        };
                        let from = smoothed.partition_point(|p| p[0] <= cut).saturating_sub(1);
                        smoothed.drain(..from);
                    }
                    Some(PngLine {
                        label: run.label.clone(),
                        colour,
                        points: smoothed,
                        raw: if args.smooth > 0.0 { raw } else { Vec::new() },
                    })
                })
                .collect(),
            log_y: false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_read_as_width_by_height() {
        assert_eq!(parse_size("640x480"), Ok((640, 480)));
        assert!(parse_size("640").is_err());
        assert!(parse_size("ax480").is_err());
    }
}
