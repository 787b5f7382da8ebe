//! How the window is set up: a plain struct the command line (or a test) fills in.

use std::path::PathBuf;

use crate::experiments::ExperimentSpec;
use crate::worker::WorkerConfig;

/// What the central area shows at start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum StartView {
    /// Samples and plots.
    #[default]
    Training,
    /// The dataset browser.
    Dataset,
    /// The latent lab's map.
    Lab,
    /// The latent lab's sliders.
    LabSliders,
    /// The latent lab's interpolation.
    LabInterpolation,
    /// The latent lab's concept vectors.
    LabConcepts,
    /// The latent lab's prior samples.
    LabPrior,
    /// A character model's Generate tab, or a PixelCNN's Draw tab.
    Generate,
    /// The Model tab (the model's card).
    Model,
    /// The Runs tab.
    Runs,
}

/// How the app is set up.
pub struct StudioConfig {
    /// The spec shown at start.
    pub initial: ExperimentSpec,
    /// The worker's settings (threads, priority, view rate).
    pub worker: WorkerConfig,
    /// Where new run folders go.
    pub runs_dir: PathBuf,
    /// Other folders whose runs the Runs tab lists too.
    pub runs_folders: Vec<PathBuf>,
    /// Press Start at once.
    pub autostart: bool,
    /// Screenshot to take: file and seconds after start.
    pub screenshot: Option<(PathBuf, f64)>,
    /// Close after this many seconds.
    pub quit_after: Option<f64>,
    /// Close once the run started at launch has ended, printing its speed.
    pub quit_when_done: bool,
    /// Repaint continuously and record frame times.
    pub frame_stats: bool,
    /// Milliseconds between steps at start.
    pub delay_ms: u64,
    /// What the central area shows at start.
    pub view: StartView,
    /// A run folder to open at start (paused, ready to continue or explore).
    pub open_run: Option<PathBuf>,
    /// Remember the session (draft, tab, folders) when the window closes.
    pub persist: bool,
    /// Ask for paths as text instead of opening file dialogs.
    pub type_paths: bool,
    /// The longest the window waits to show the worker's news, in milliseconds: the
    /// window's wake reads it, the app sets it for what is shown (see
    /// [`crate::app::news_gap_ms`]).
    pub news_gap_ms: std::sync::Arc<std::sync::atomic::AtomicU64>,
}
