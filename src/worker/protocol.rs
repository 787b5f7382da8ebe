//! The two plain-data enums between a front end and the worker.

use std::path::PathBuf;

use crate::experiments::{ExperimentSpec, StepPart};
use crate::lab::{LabAnswer, LabQuery};
use crate::view::{RgbImage, View};

/// What a front end asks of the worker.
#[derive(Clone, Debug)]
pub enum Command {
    /// Start a new run of `spec` (any run in progress is stopped first).
    Start {
        /// The experiment.
        spec: Box<ExperimentSpec>,
        /// Where it writes and how it starts.
        options: RunOptions,
    },
    /// Continue a run folder from its checkpoint, exactly where it was (its
    /// metrics after the checkpoint's step are dropped and taken again).
    OpenRun {
        /// The run folder.
        folder: PathBuf,
        /// Train this many more steps; `None`: up to the run's length, or another
        /// length if it has reached it.
        more_steps: Option<u64>,
        /// Wait, paused, for Resume (the window) or go at once (the command line).
        start_paused: bool,
    },
    /// Pause between steps.
    Pause,
    /// Continue after a pause.
    Resume,
    /// End the run (a final checkpoint is written).
    Stop,
    /// Run one (part of a) step while paused.
    Step(StepPart),
    /// Change a setting of the running experiment: a dotted key of its spec that its
    /// architecture declares live, and the new value as TOML text (as for `--set`).
    /// Answered by [`Event::LiveChanged`] or [`Event::LiveRefused`].
    SetLive {
        /// The dotted key (`train.lr_g`).
        key: String,
        /// The value, as TOML text (`0.0005`, `"minimax"`).
        value: String,
    },
    /// Draw new fixed noise for the sample gallery.
    NewViewNoise,
    /// Sleep this long between steps, to watch slowly (0 = full speed).
    SetDelay {
        /// Milliseconds between steps.
        millis: u64,
    },
    /// Write a checkpoint now.
    SaveCheckpoint,
    /// Set the nice value of the training thread and its compute threads (19: the
    /// lowest priority, the window stays smooth; 0: normal). Raising the priority
    /// again may need a permission the system refuses: the answer says so.
    SetPriority {
        /// The nice value, -20 to 19.
        nice: i32,
    },
    /// While on, training at the lowest priority yields the CPU to any other thread
    /// the moment it wakes (the window drawing many frames: dragging, animating);
    /// no effect at another priority.
    YieldToFrames {
        /// On or off.
        on: bool,
    },
    /// Send views at most this often (a front end that draws fewer frames needs
    /// fewer); no effect on a worker that sends none.
    ViewEvery {
        /// Milliseconds between views, at least.
        millis: u64,
    },
    /// Ask the latent lab a question about the running model, or the last one that
    /// ended (queued queries for the same slot are dropped in favour of the newest).
    Lab(LabQuery),
    /// Stop any run and end the thread.
    Shutdown,
}

impl Command {
    /// Continue the run in `folder` as the window does: paused, up to its length.
    pub fn open_run(folder: PathBuf) -> Self {
        Command::OpenRun {
            folder,
            more_steps: None,
            start_paused: true,
        }
    }
}

/// How a run writes and starts.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// The run folder to create; `None` writes nothing to disk.
    pub out_dir: Option<PathBuf>,
    /// Start paused (the UI's step buttons can then advance it).
    pub start_paused: bool,
}

/// What the worker reports.
#[derive(Clone, Debug)]
pub enum Event {
    /// A run began (or was opened from a run folder).
    Started(Box<RunInfo>),
    /// One logged row of metrics.
    Metrics(MetricRow),
    /// A picture of the model's state (rate-limited; may be dropped if the front end lags).
    View(Box<View>),
    /// Where the run stands.
    Progress(Progress),
    /// The run paused: by request (`reason` is `None`) or because of a problem.
    Paused {
        /// The step it paused at.
        step: u64,
        /// Why, if it was not asked to.
        reason: Option<String>,
    },
    /// The run continues after a pause.
    Resumed,
    /// Something worth telling the user (a checkpoint saved, a parameter changed).
    Notice(String),
    /// A problem that did not end the run (a sample picture could not be written, …).
    Problem(String),
    /// A live change was made: the front end's copy of the spec takes it too.
    LiveChanged {
        /// The step the run was at when it took effect.
        step: u64,
        /// The dotted key.
        key: String,
        /// The value, as TOML text.
        value: String,
    },
    /// A continued run's live changes up to its checkpoint, read from its folder
    /// (after its history's rows): `(step, key, value)` each, for the plots' marks.
    PastChanges(Vec<(u64, String, String)>),
    /// A live change was refused; nothing changed.
    LiveRefused {
        /// The dotted key.
        key: String,
        /// Why, as a sentence.
        reason: String,
    },
    /// The answer to a [`Command::Lab`] query.
    Lab(Box<LabAnswer>),
    /// The picture a run made (a style transfer's, a dream's), sent as it ends.
    Picture(Box<RgbImage>),
    /// The run ended; this is the last event of a run.
    Ended(RunEnd),
}

/// Facts about a run that do not change while it goes.
#[derive(Clone, Debug)]
pub struct RunInfo {
    /// The spec it runs.
    pub spec: ExperimentSpec,
    /// Names of the metrics in each [`MetricRow`], in order.
    pub metric_names: Vec<String>,
    /// Its run folder, if it writes one.
    pub run_dir: Option<PathBuf>,
    /// The step it starts at (non-zero when continued from a checkpoint).
    pub first_step: u64,
    /// The step it ends at.
    pub last_step: u64,
    /// Its estimated peak memory, bytes ([`crate::experiments::memory_estimate`]).
    pub memory_estimate: u64,
}

/// One row of metrics; `values[i]` belongs to `RunInfo::metric_names[i]`.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricRow {
    /// The step it was logged at.
    pub step: u64,
    /// The values (`None` where the metric was not measured in this row).
    pub values: Vec<Option<f64>>,
    /// Seconds of the run's wall-clock time at this row (`None` where not known).
    pub elapsed_s: Option<f64>,
}

/// Where a run stands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// Steps done.
    pub step: u64,
    /// The step the run ends at.
    pub last_step: u64,
    /// Recent speed.
    pub steps_per_sec: f64,
    /// Seconds of training so far (pauses left out).
    pub elapsed_s: f64,
    /// The training thread's share of the CPU time it wanted, over the last few
    /// seconds (`None` until measured, or where the system does not say).
    pub cpu_share: Option<f64>,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq)]
pub enum RunEnd {
    /// It reached its last step.
    Finished {
        /// The last step.
        step: u64,
    },
    /// It was stopped.
    Stopped {
        /// The step it stopped at.
        step: u64,
    },
    /// It could not start or go on; the message says why.
    Failed(String),
}
