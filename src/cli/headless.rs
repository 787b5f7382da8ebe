//! Driving the worker without a window, for `train`, `stylize` and `dream`: Ctrl-C
//! asks the run to stop (a second, deliberate one ends the process), a progress bar
//! follows it, and a diverging loss or a failure ends it with one line.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use crate::view::RgbImage;
use crate::worker::{Command, Event, RunEnd, RunInfo, WorkerHandle};

/// How a run driven by [`drive`] ended well.
pub struct Outcome {
    /// The step it ended at.
    pub step: u64,
    /// Whether Ctrl-C stopped it.
    pub stopped: bool,
    /// The last row of metrics, as `name value` pairs.
    pub last_row: String,
    /// The picture it made, if its experiment makes one.
    pub picture: Option<RgbImage>,
}

/// A flag Ctrl-C sets. A second Ctrl-C kills the process as usual, but only a
/// deliberate one: `timeout` and process-group signals deliver the same interrupt
/// twice within microseconds.
pub fn interrupt_flag() -> Arc<AtomicBool> {
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = interrupted.clone();
    let mut first: Option<Instant> = None;
    let _ = ctrlc::set_handler(move || {
        flag.store(true, Ordering::SeqCst);
        match first {
            Some(t) if t.elapsed() > Duration::from_millis(500) => std::process::exit(130),
            Some(_) => {}
            None => first = Some(Instant::now()),
        }
    });
    interrupted
}

/// Follows the run `worker` was just asked to start until it ends: `on_started` sees
/// it begin, the bar shows its steps and `summary` of each row of metrics. Ctrl-C
/// (`interrupted`) sends Stop once. A pause for a reason (a diverging loss) or a
/// failure is an error of one line.
pub fn drive(
    worker: &WorkerHandle,
    bar: &ProgressBar,
    interrupted: &AtomicBool,
    mut on_started: impl FnMut(&RunInfo),
    summary: impl Fn(&[String], &[Option<f64>]) -> String,
) -> anyhow::Result<Outcome> {
    let mut names: Vec<String> = Vec::new();
    let (mut last_row, mut picture, mut stopped) = (String::new(), None, false);
    let mut started = false;
    loop {
        if interrupted.load(Ordering::SeqCst) && !started {
            // Still making its data or networks: nothing is written yet, so leave at
            // once rather than wait for the build to end (dropping the worker would
            // join its thread, which finishes the build first).
            bar.abandon();
            eprintln!("error: interrupted before training began: nothing was written");
            std::process::exit(130);
        }
        if interrupted.load(Ordering::SeqCst) && !stopped {
            say(bar, "interrupted: stopping after this step…");
            worker.send(Command::Stop);
            stopped = true;
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
                started = true;
                on_started(&info);
                names = info.metric_names;
            }
            Event::Progress(p) => bar.set_position(p.step),
            Event::Metrics(row) => {
                last_row = names
                    .iter()
                    .zip(&row.values)
                    .filter_map(|(n, v)| v.map(|v| format!("{n} {v:.3}")))
                    .collect::<Vec<_>>()
                    .join(", ");
                bar.set_message(summary(&names, &row.values));
            }
            Event::Paused {
                reason: Some(reason),
                ..
            } => {
                bar.abandon();
                anyhow::bail!("{reason}");
            }
            Event::Problem(msg) => say(bar, &format!("warning: {msg}")),
            Event::Picture(p) => picture = Some(*p),
            Event::Ended(end) => {
                bar.finish_and_clear();
                return match end {
                    RunEnd::Finished { step } | RunEnd::Stopped { step } => Ok(Outcome {
                        step,
                        stopped,
                        last_row,
                        picture,
                    }),
                    RunEnd::Failed(msg) => Err(anyhow::anyhow!(msg)),
                };
            }
            _ => {}
        }
    }
}

/// A line on stderr that shows whether or not stderr is a terminal (the bar's own
/// `println` prints nothing where the bar is hidden), above the bar where one is drawn.
pub fn say(bar: &ProgressBar, line: &str) {
    bar.suspend(|| eprintln!("{line}"));
}
