//! `latent-studio train <preset> [--steps N] [--out DIR] [--set key=value]…`

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::runs::RunFolder;
use crate::worker::{Command, Event, RunEnd, RunOptions, WorkerConfig, WorkerHandle};

/// Options of `train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// A preset: a TOML file, or a built-in name such as `gan2d_ring`.
    pub preset: String,
    /// Training steps (overrides `schedule.steps`).
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
    let mut spec = super::load_preset(&args.preset)?;
    for assignment in &args.set {
        spec.set(assignment)?;
    }
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
    let mut config = WorkerConfig::default();
    if let Some(t) = args.threads {
        config.threads = t;
    }
    let worker = WorkerHandle::spawn(config)?;
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        let mut first: Option<Instant> = None;
        // A second Ctrl-C kills the process as usual, but only a deliberate one: `timeout`
        // and process-group signals deliver the same interrupt twice within microseconds.
        let _ = ctrlc::set_handler(move || {
            flag.store(true, Ordering::SeqCst);
            match first {
                Some(t) if t.elapsed() > Duration::from_millis(500) => std::process::exit(130),
                Some(_) => {}
                None => first = Some(Instant::now()),
            }
        });
    }
    let options = RunOptions {
        out_dir: Some(out.clone()),
        start_paused: false,
    };
    if !worker.send(Command::Start {
        spec: Box::new(spec.clone()),
        options,
    }) {
        anyhow::bail!("the worker thread is not running");
    }
    let bar = ProgressBar::new(spec.schedule().steps);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} steps · {per_sec} · ETA {eta} · {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let mut names: Vec<String> = Vec::new();
    let mut last_row = String::new();
    let mut stop_sent = false;
    loop {
        if interrupted.load(Ordering::SeqCst) && !stop_sent {
            bar.println("interrupted: stopping after this step and writing a checkpoint…");
            worker.send(Command::Stop);
            stop_sent = true;
        }
        let event = match worker.events().recv_timeout(Duration::from_millis(100)) {
            Ok(e) => e,
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => continue,
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                anyhow::bail!("the worker thread ended unexpectedly")
            }
        };
        match event {
            Event::Started(info) => {
                names = info.metric_names;
                bar.set_length(info.last_step - info.first_step);
            }
            Event::Progress(p) => bar.set_position(p.step),
            Event::Metrics(row) => {
                last_row = names
                    .iter()
                    .zip(&row.values)
                    .filter_map(|(n, v)| v.map(|v| format!("{n} {v:.3}")))
                    .collect::<Vec<_>>()
                    .join(", ");
                bar.set_message(short_summary(&names, &row.values));
            }
            Event::Paused {
                reason: Some(reason),
                ..
            } => {
                bar.abandon();
                anyhow::bail!("{reason}");
            }
            Event::Problem(msg) => bar.println(format!("warning: {msg}")),
            Event::Ended(end) => {
                bar.finish_and_clear();
                let secs = started.elapsed().as_secs_f64();
                return match end {
                    RunEnd::Finished { step } | RunEnd::Stopped { step } => {
                        let how = if stop_sent { "stopped" } else { "finished" };
                        println!("{how} at step {step} in {secs:.1} s → {}", out.display());
                        println!("last row: {last_row}");
                        if stop_sent {
                            std::process::exit(130)
                        } else {
                            Ok(())
                        }
                    }
                    RunEnd::Failed(msg) => Err(anyhow::anyhow!(msg)),
                };
            }
            _ => {}
        }
    }
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
