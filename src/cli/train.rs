//! `latent-studio train <preset> [--steps N] [--out DIR] [--set key=value]…`, and
//! `latent-studio train --continue RUN [--steps N]`.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::runs::RunFolder;
use crate::worker::{Command, RunOptions, WorkerConfig, WorkerHandle};

/// Options of `train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// A preset: a TOML file, or a built-in name such as `gan2d_ring`.
    #[arg(required_unless_present_any = ["continue_run", "from"])]
    pub preset: Option<String>,
    /// Continue this run folder from its checkpoint, exactly where it stopped (its
    /// rows after the checkpoint are taken again).
    #[arg(long = "continue", value_name = "RUN", conflicts_with_all = ["preset", "out", "set", "from"])]
    pub continue_run: Option<PathBuf>,
    /// Branch a new run from this run folder's checkpoint (with `--at`, the newest
    /// at or before that step), with any `--set` changes, into `--out` (default: a
    /// new folder beside it).
    #[arg(long, value_name = "RUN", conflicts_with = "preset")]
    pub from: Option<PathBuf>,
    /// With `--from`: the step to branch at (the newest checkpoint at or before it).
    #[arg(long, value_name = "STEP", requires = "from")]
    pub at: Option<u64>,
    /// Training steps (overrides `schedule.steps`); with `--continue`, this many
    /// more (default: up to the run's length, or as many again once reached).
    #[arg(long)]
    pub steps: Option<u64>,
    /// The run folder to write (default: a new folder under `runs/`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Override any key of the spec, e.g. `--set train.lr_g=0.0005` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Compute threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
}

/// Runs the training; an error is printed as one line by `main`.
pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    if let Some(run) = args.continue_run.clone() {
        return continue_run(run, args);
    }
    if let Some(parent) = args.from.clone() {
        return branch(parent, args);
    }
    let preset = args.preset.clone().unwrap_or_default();
    let mut spec = super::load_preset(&preset)?;
    // All together: their order does not matter.
    spec.set_all(&args.set)?;
    if let Some(steps) = args.steps {
        spec.schedule_mut().steps = steps;
    }
    spec.validate()?;
    let out = args
        .out
        .unwrap_or_else(|| RunFolder::next_free(std::path::Path::new("runs"), spec.name()));
    if out.join(crate::runs::folder::CHECKPOINT_FILE).exists() {
        anyhow::bail!(
            "{}: already holds a run; choose another --out",
            out.display()
        );
    }
    let options = RunOptions {
        out_dir: Some(out.clone()),
        start_paused: false,
    };
    let start = Command::Start {
        spec: Box::new(spec.clone()),
        options,
    };
    follow(start, &out, spec.schedule().steps, args.threads)
}

/// `train --continue RUN`: the run folder's checkpoint, taken up where it was.
fn continue_run(run: PathBuf, args: TrainArgs) -> anyhow::Result<()> {
    if args.steps == Some(0) {
        anyhow::bail!("--steps 0: nothing to continue (give the steps to train on)");
    }
    let checkpoint = run.join(crate::runs::folder::CHECKPOINT_FILE);
    if !checkpoint.exists() {
        anyhow::bail!(
            "{}: no checkpoint to continue from (is it a run folder?)",
            run.display()
        );
    }
    let open = Command::OpenRun {
        folder: run.clone(),
        more_steps: args.steps,
        start_paused: false,
    };
    follow(open, &run, args.steps.unwrap_or(0), args.threads)
}

/// `train --from RUN [--at STEP]`: a new run from the parent's checkpoint there.
fn branch(parent: PathBuf, args: TrainArgs) -> anyhow::Result<()> {
    use crate::experiments::branch;
    let started = Instant::now();
    let device = candle_core::Device::Cpu;
    let (ckpt, skipped) = branch::pick(&parent, args.at, &device)?;
    for why in &skipped {
        eprintln!("warning: passed over {why}");
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| branch::default_folder(&parent, ckpt.step));
    let made = branch::prepare(&parent, &ckpt, &args.set, &out, &device)?;
    let changed = if made.changes.is_empty() {
        "the same settings".to_string()
    } else {
        made.changes
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "branched {} at step {} with {changed} → {} (ready in {:.2} s)",
        parent.display(),
        made.step,
        out.display(),
        started.elapsed().as_secs_f64()
    );
    let open = Command::OpenRun {
        folder: out.clone(),
        more_steps: args.steps,
        start_paused: false,
    };
    follow(open, &out, args.steps.unwrap_or(0), args.threads)
}

/// Sends `start` to a new worker and follows the run it starts in `out` to its end.
fn follow(
    start: Command,
    out: &std::path::Path,
    steps: u64,
    threads: Option<usize>,
) -> anyhow::Result<()> {
    let mut config = WorkerConfig::default();
    if let Some(t) = threads {
        config.threads = t;
    }
    let worker = WorkerHandle::spawn(config)?;
    let interrupted = super::headless::interrupt_flag();
    if !worker.send(start) {
        anyhow::bail!("the worker thread is not running");
    }
    let bar = ProgressBar::new(steps);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} steps · {per_sec} · ETA {eta} · {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let on_started = |info: &crate::worker::RunInfo| {
        bar.set_length(info.last_step);
        bar.set_position(info.first_step);
        bar.reset_eta();
        super::headless::say(
            &bar,
            &format!(
                "memory: about {} at the peak (estimated; {} available now)",
                crate::memory_guard::human(info.memory_estimate),
                crate::memory_guard::available_bytes()
                    .map_or("unknown".into(), crate::memory_guard::human)
            ),
        );
    };
    let outcome = super::headless::drive(&worker, &bar, &interrupted, on_started, short_summary)?;
    let secs = started.elapsed().as_secs_f64();
    let how = if outcome.stopped {
        "stopped"
    } else {
        "finished"
    };
    println!(
        "{how} at step {} in {secs:.1} s → {}",
        outcome.step,
        out.display()
    );
    println!("last row: {}", outcome.last_row);
    if outcome.stopped {
        std::process::exit(130)
    }
    Ok(())
}

/// The few figures worth a glance in the progress bar.
fn short_summary(names: &[String], values: &[Option<f64>]) -> String {
    const SHOWN: [&str; 4] = ["d_loss", "g_loss", "modes_captured", "high_quality_pct"];
    names
        .iter()
        .zip(values)
        .filter(|(n, _)| SHOWN.contains(&n.as_str()))
        .filter_map(|(n, v)| v.map(|v| format!("{n} {v:.2}")))
        .collect::<Vec<_>>()
        .join(" ")
}
