//! The worker's loop: owns the experiment, steps it, answers commands, writes the
//! run folder and reports events.

mod carried;
mod clock;
mod divergence;
mod ending;
mod lab_queries;
mod live_changes;
mod memory_watch;
mod recording;
mod rewind;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use candle_core::{Device, Tensor};
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use carried::LoopState;
use clock::Speed;

use super::protocol::{Command, Event, RunEnd, RunInfo, RunOptions};
use super::{Factory, WorkerConfig};
use crate::Result;
use crate::experiments::checkpoint;
use crate::experiments::{Experiment, ExperimentSpec, Metrics, StepPart};
use crate::runs::RunFolder;
use crate::runs::metrics_file::MetricsFile;
use crate::runs::run_state::{self, RunLock};

/// The loop's state between commands.
pub(super) struct RunLoop {
    commands: Receiver<Command>,
    events: Sender<Event>,
    stop: Arc<AtomicBool>,
    config: WorkerConfig,
    factory: Factory,
    device: Device,
    run: Option<ActiveRun>,
    /// The model of the last run that ended well, kept for the latent lab.
    retained: Option<Box<dyn Experiment>>,
    /// Lab queries taken this turn, at most one per slot.
    lab_queue: crate::lab::flow::NewestPerSlot,
    /// A lab answer is streaming (generated text): keep turning without waiting.
    streaming: bool,
    /// Training's time shared with a streamed answer.
    stream_share: lab_queries::StreamShare,
    /// When the memory available was last read.
    memory_watch: memory_watch::MemoryWatch,
    /// Set when the front end is gone; the loop ends.
    disconnected: bool,
    /// The window draws many frames: at the lowest priority, yield to them.
    yielding: bool,
}

struct ActiveRun {
    exp: Box<dyn Experiment>,
    names: Vec<&'static str>,
    step: u64,
    last_step: u64,
    paused: bool,
    delay: Duration,
    folder: Option<RunFolder>,
    /// The run folder's lock, held while the run goes.
    _lock: Option<RunLock>,
    metrics_file: Option<MetricsFile>,
    /// Sums and counts of step metrics since the last logged row.
    sums: Vec<(f64, u32)>,
    /// The step of the last row written.
    last_logged: Option<u64>,
    /// Deep copies of the weights at the last checkpoint, for recovery from NaN.
    last_good: Option<(u64, Vec<(String, Tensor)>)>,
    /// Training diverged and the weights of this step were put back: until the next
    /// step they are that checkpoint's own, so no checkpoint is written over it.
    restored_from: Option<u64>,
    /// Writes to the run folder that failed since the run last paused for them.
    write_faults: Vec<String>,
    last_view: Option<Instant>,
    /// How long the last view took to make.
    view_cost: Duration,
    last_progress: Instant,
    speed: Speed,
    /// The step this session of the run started from.
    speed_origin: u64,
    /// A continued run's rewind, until it first moves on.
    rewind: Option<rewind::Rewind>,
    /// Seconds of training, pauses left out.
    clock: clock::TrainClock,
    /// The training thread's share of the CPU.
    cpu_share: crate::worker::cpu_share::CpuShare,
}

impl RunLoop {
    pub(super) fn new(
        commands: Receiver<Command>,
        events: Sender<Event>,
        stop: Arc<AtomicBool>,
        config: WorkerConfig,
        factory: Factory,
    ) -> Self {
        Self {
            commands,
            events,
            stop,
            config,
            factory,
            device: Device::Cpu,
            run: None,
            retained: None,
            lab_queue: Default::default(),
            streaming: false,
            stream_share: Default::default(),
            memory_watch: Default::default(),
            disconnected: false,
            yielding: false,
        }
    }

    /// Runs until `Shutdown`, the stop flag, or the front end hanging up.
    pub(super) fn run(mut self) {
        while !self.disconnected && !self.stop.load(Ordering::Relaxed) {
            // A panic anywhere in one turn ends the run, not the thread.
            let turn = catch_unwind(AssertUnwindSafe(|| self.turn()));
            match turn {
                Ok(Ok(true)) => {}
                Ok(Ok(false)) => break,
                Ok(Err(e)) => self.fail(e.to_string()),
                Err(payload) => {
                    let msg = panic_message(payload.as_ref());
                    self.fail(format!("the experiment crashed: {msg}"));
                }
            }
        }
        if self.run.is_some() {
            self.end(|step| RunEnd::Stopped { step });
        }
    }

    /// One turn: take commands (waiting when there is nothing to run), then maybe step.
    /// Returns `Ok(false)` to end the thread.
    fn turn(&mut self) -> Result<bool> {
        let runnable = self.run.as_ref().is_some_and(|r| !r.paused) || self.streaming;
        let wait = match &self.run {
            _ if self.streaming => Duration::ZERO,
            Some(r) if !r.paused => r.delay,
            _ => Duration::from_millis(200),
        };
        // Wait for the first command up to `wait` (a delay or an idle poll of the stop flag),
        // then take whatever else is queued.
        let first = if runnable && wait.is_zero() {
            self.commands.try_recv().ok()
        } else {
            match self.commands.recv_timeout(wait) {
                Ok(c) => Some(c),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return Ok(false),
            }
        };
        let mut next = first;
        while let Some(cmd) = next {
            if !self.handle(cmd)? {
                return Ok(false);
            }
            next = self.commands.try_recv().ok();
        }
        self.answer_lab_queries();
        self.stream_lab_answer();
        if self.run.as_ref().is_some_and(|r| !r.paused) {
            self.advance(StepPart::Whole)?;
        }
        Ok(true)
    }

    fn handle(&mut self, cmd: Command) -> Result<bool> {
        match cmd {
            Command::Start { spec, options } => {
                if self.run.is_some() {
                    self.end(|step| RunEnd::Stopped { step });
                }
                self.start(*spec, options, None)?;
            }
            Command::OpenRun {
                folder,
                more_steps,
                start_paused,
            } => {
                if self.run.is_some() {
                    self.end(|step| RunEnd::Stopped { step });
                }
                let run = RunFolder::open(&folder)?;
                let ckpt = checkpoint::load(&run.checkpoint_path(), &self.device)?;
                let mut spec = ckpt.spec.clone();
                // The run's length: as asked, else its own, else another as long.
                let length = spec.schedule().steps;
                spec.schedule_mut().steps = match more_steps {
                    Some(n) => ckpt.step + n,
                    None if ckpt.step < length => length,
                    None => ckpt.step + length,
                };
                let options = RunOptions {
                    out_dir: Some(folder),
                    start_paused,
                };
                self.start(spec, options, Some(ckpt))?;
            }
            Command::Pause => {
                if let Some(r) = self.run.as_mut().filter(|r| !r.paused) {
                    r.set_paused(true);
                    let step = r.step;
                    // The bar shows the step it paused at, not one 100 ms old.
                    self.send_progress(true);
                    self.emit(Event::Paused { step, reason: None });
                }
            }
            Command::Resume => {
                if let Some(r) = self.run.as_mut().filter(|r| r.paused) {
                    r.set_paused(false);
                    self.emit(Event::Resumed);
                }
            }
            Command::Stop => {
                if self.run.is_some() {
                    self.end(|step| RunEnd::Stopped { step });
                }
            }
            Command::Step(part) => {
                if self.run.as_ref().is_some_and(|r| r.paused) {
                    self.advance(part)?;
                }
            }
            Command::SetLive { key, value } => self.set_live(key, value),
            Command::NewViewNoise => {
                if let Some(r) = self.run.as_mut()
                    && let Err(e) = r.exp.new_view_noise()
                {
                    self.emit(Event::Problem(e.to_string()));
                }
            }
            Command::SetDelay { millis } => {
                if let Some(r) = self.run.as_mut() {
                    r.delay = Duration::from_millis(millis.min(5000));
                }
            }
            Command::SetPriority { nice } => self.set_priority(nice),
            Command::YieldToFrames { on } => self.yield_to_frames(on),
            Command::ViewEvery { millis } => {
                if self.config.view_interval.is_some() {
                    self.config.view_interval = Some(Duration::from_millis(millis.max(10)));
                }
            }
            Command::SaveCheckpoint => {
                if self.run.is_some()
                    && let Some(why) = self.checkpoint()?
                {
                    self.emit(Event::Problem(why));
                }
            }
            Command::Lab(query) => self.lab_queue.push(query),
            Command::Shutdown => return Ok(false),
        }
        Ok(true)
    }

    fn start(
        &mut self,
        spec: ExperimentSpec,
        options: RunOptions,
        resume: Option<checkpoint::Checkpoint>,
    ) -> Result<()> {
        self.retained = None;
        let mut exp = (self.factory)(&spec, &self.device)?;
        let mut first_step = 0;
        let mut carried = LoopState::default();
        if let Some(ckpt) = &resume {
            exp.load_tensors(&ckpt.tensors)?;
            first_step = ckpt.step;
            match &ckpt.state {
                Some(state) => {
                    exp.load_train_state(state)?;
                    carried = LoopState::from_state(state)?;
                }
                None => self.emit(Event::Notice(
                    "this checkpoint holds weights only (an older version's): the optimiser starts afresh, so the run will not go on exactly as it would have".into(),
                )),
            }
        }
        let names = exp.metric_names();
        let mut rewind = None;
        let (folder, metrics_file, lock) = match &options.out_dir {
            Some(dir) => {
                // One writer per folder: take its lock before writing anything.
                std::fs::create_dir_all(dir).map_err(|e| crate::StudioError::io(dir, e))?;
                let lock = RunLock::acquire(dir)?;
                let folder = if resume.is_some() {
                    // Rewound to the checkpoint when it first moves on.
                    let through = carried.last_logged.unwrap_or(first_step);
                    rewind = Some(rewind::Rewind::new(dir, &spec, first_step, through)?);
                    RunFolder::open(dir)?
                } else {
                    run_state::clear_ended(dir);
                    RunFolder::create(dir, &spec.to_toml()?)?
                };
                let file = MetricsFile::open(&folder.metrics_path(), &names)?;
                (Some(folder), Some(file), Some(lock))
            }
            None => (None, None, None),
        };
        if let Some(f) = &folder {
            exp.use_run_folder(f.root());
        }
        let last_step = if resume.is_some() {
            spec.schedule().steps.max(first_step)
        } else {
            spec.schedule().steps
        };
        self.emit(Event::Started(Box::new(RunInfo {
            spec: spec.clone(),
            metric_names: names.iter().map(|s| s.to_string()).collect(),
            run_dir: folder.as_ref().map(|f| f.root().to_path_buf()),
            first_step,
            last_step,
            memory_estimate: crate::experiments::memory_estimate(exp.as_ref()),
        })));
        // A continued run shows its history first, and its clock goes on.
        let mut elapsed_before_s = 0.0;
        if let (Some(f), Some(r)) = (folder.as_ref(), rewind.as_ref()) {
            elapsed_before_s = self.replay_history(f, &names, r);
        }
        // The clock and the partial averages go on from the checkpoint's.
        if let Some(t) = carried.elapsed_s {
            elapsed_before_s = t;
        }
        let sums = match carried.sums {
            Some(sums) if sums.len() == names.len() => sums,
            _ => vec![(0.0, 0); names.len()],
        };
        self.run = Some(ActiveRun {
            exp,
            names,
            step: first_step,
            last_step,
            paused: options.start_paused,
            delay: Duration::ZERO,
            folder,
            _lock: lock,
            metrics_file,
            sums,
            last_good: None,
            restored_from: None,
            write_faults: Vec::new(),
            // A continued run's history holds the rows up to its checkpoint's last.
            last_logged: resume
                .is_some()
                .then(|| carried.last_logged.unwrap_or(first_step)),
            last_view: None,
            view_cost: Duration::ZERO,
            last_progress: Instant::now(),
            speed: Speed::new(first_step),
            speed_origin: first_step,
            clock: clock::TrainClock::new(elapsed_before_s, !options.start_paused),
            cpu_share: Default::default(),
            rewind,
        });
        self.snapshot()?;
        self.send_view(true)?;
        if options.start_paused {
            self.emit(Event::Paused {
                step: first_step,
                reason: None,
            });
        }
        Ok(())
    }

    /// Runs one (part of a) step and whatever is due after it.
    fn advance(&mut self, part: StepPart) -> Result<()> {
        self.rewind_if_pending()?;
        let Some(r) = self.run.as_mut() else {
            return Ok(());
        };
        let began = Instant::now();
        let metrics = r.exp.step(part)?;
        self.stream_share.earn(began.elapsed());
        if let Some((name, value)) = metrics.iter().find(|(_, v)| !v.is_finite()) {
            let msg = format!("{name} became {value} at step {}", r.step + 1);
            return self.recover_from_divergence(msg);
        }
        r.step += 1;
        r.restored_from = None;
        r.accumulate(&metrics);
        let step = r.step;
        let schedule = r.exp.spec().schedule().clone();
        let manual = part != StepPart::Whole || r.paused;
        // The first step is logged too, so plots start at once even for slow models.
        // (A continued run has its history already.)
        let first = step == r.speed_origin + 1 && r.last_logged.is_none();
        // The last row is written by `end`, with a final evaluation.
        let last = step >= r.last_step;
        if !last && (manual || first || step % schedule.log_every == 0) {
            self.log_row(false)?;
        }
        self.send_view(manual)?;
        if step % schedule.sample_every == 0 || step == self.last_step() {
            self.write_sample();
        }
        let mut faults = match self.run.as_mut() {
            Some(r) => std::mem::take(&mut r.write_faults),
            None => Vec::new(),
        };
        if step % schedule.checkpoint_every == 0
            && let Some(why) = self.checkpoint()?
        {
            faults.push(why);
        }
        if !faults.is_empty() {
            // A full disk, say: wait for the user rather than train on unsaved.
            if let Some(r) = self.run.as_mut() {
                r.set_paused(true);
            }
            self.emit(Event::Paused {
                step,
                reason: Some(format!(
                    "{}; paused, the last good checkpoint is kept (free some space, then Resume)",
                    faults.join("; ")
                )),
            });
        }
        self.watch_memory(step);
        // A manual step shows at once.
        self.send_progress(manual);
        let out_of_time = schedule.seconds > 0
            && self
                .run
                .as_ref()
                .is_some_and(|r| r.clock.seconds() >= schedule.seconds as f64);
        if out_of_time {
            self.emit(Event::Notice(format!(
                "its time budget of {} s is spent (schedule.seconds)",
                schedule.seconds
            )));
        }
        if step >= self.last_step() || out_of_time {
            self.end(|step| RunEnd::Finished { step });
        }
        Ok(())
    }

    fn last_step(&self) -> u64 {
        self.run.as_ref().map_or(0, |r| r.last_step)
    }

    fn emit(&mut self, event: Event) {
        if self.events.send(event).is_err() {
            self.disconnected = true;
        }
        self.wake();
    }

    fn wake(&self) {
        if let Some(wake) = &self.config.wake {
            wake();
        }
    }
}

impl ActiveRun {
    fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
        self.cpu_share.reset();
        self.clock.set_running(!paused);
    }

    fn accumulate(&mut self, metrics: &Metrics) {
        for (name, value) in metrics {
            if let Some(i) = self.names.iter().position(|n| n == name) {
                self.sums[i].0 += value;
                self.sums[i].1 += 1;
            }
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}
