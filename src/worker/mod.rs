//! The worker thread: it owns every tensor, runs one experiment at a time, and
//! talks to a front end (window or CLI) through [`Command`]s and [`Event`]s on
//! bounded channels.

pub mod cpu_share;
mod priority;
pub mod protocol;
mod run_loop;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use candle_core::Device;
use crossbeam_channel::{Receiver, Sender, bounded};

pub use priority::set_current_thread_nice;
pub use protocol::{Command, Event, MetricRow, Progress, RunEnd, RunInfo, RunOptions};

use crate::Result;
use crate::experiments::{self, Experiment, ExperimentSpec};

/// Builds an experiment from a spec; tests substitute their own.
pub type Factory =
    Arc<dyn Fn(&ExperimentSpec, &Device) -> Result<Box<dyn Experiment>> + Send + Sync>;

/// How the worker runs.
#[derive(Clone)]
pub struct WorkerConfig {
    /// Compute threads (candle's matrix products and convolutions).
    pub threads: usize,
    /// Nice value of the worker and its compute threads (19 = lowest priority, so a
    /// window stays smooth; 0 = normal, for the CLI).
    pub nice: i32,
    /// Send a view at most this often; `None` sends none (the CLI draws none).
    pub view_interval: Option<Duration>,
    /// Called after events are sent (the window asks for a repaint).
    pub wake: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            nice: 0,
            view_interval: None,
            wake: None,
        }
    }
}

/// A running worker thread. Dropping it stops the run (writing its last checkpoint)
/// and joins the thread.
pub struct WorkerHandle {
    commands: Sender<Command>,
    events: Receiver<Event>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl WorkerHandle {
    /// Starts a worker that builds the studio's own experiments.
    pub fn spawn(config: WorkerConfig) -> std::io::Result<Self> {
        Self::spawn_with(config, Arc::new(experiments::build))
    }

    /// Starts a worker that builds experiments with `factory`.
    pub fn spawn_with(config: WorkerConfig, factory: Factory) -> std::io::Result<Self> {
        let (cmd_tx, cmd_rx) = bounded(256);
        let (ev_tx, ev_rx) = bounded(1024);
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("studio-worker".into())
            .spawn(move || {
                let nice = config.nice;
                set_current_thread_nice(nice);
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(config.threads.max(1))
                    .thread_name(|i| format!("studio-compute-{i}"))
                    .start_handler(move |_| {
                        set_current_thread_nice(nice);
                    })
                    .build();
                let run_loop = run_loop::RunLoop::new(cmd_rx, ev_tx, stop_flag, config, factory);
                match pool {
                    Ok(pool) => pool.install(move || run_loop.run()),
                    Err(_) => run_loop.run(),
                }
            })?;
        Ok(Self {
            commands: cmd_tx,
            events: ev_rx,
            stop,
            thread: Some(thread),
        })
    }

    /// Sends a command; `false` if the worker has ended.
    pub fn send(&self, command: Command) -> bool {
        self.commands.send(command).is_ok()
    }

    /// The events the worker reports, to drain with `try_iter` or `recv`.
    pub fn events(&self) -> &Receiver<Event> {
        &self.events
    }

    /// Whether the thread is still running.
    pub fn is_alive(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        let _ = self.commands.try_send(Command::Shutdown);
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            // Keep draining so a worker blocked on a full event channel can finish.
            while !t.is_finished() {
                while self.events.try_recv().is_ok() {}
                std::thread::sleep(Duration::from_millis(5));
            }
            let _ = t.join();
        }
    }
}
