//! `AppState`: everything the panels draw, folded from the worker's events.
//! Plain data only: no tensors, no egui handles.

use std::path::PathBuf;

use super::gallery_history::GalleryHistory;
use super::lab_state::LabState;
use crate::data::preview::DatasetPreview;
use crate::experiments::ExperimentSpec;
use crate::experiments::run_compare::RunSeries;
use crate::experiments::run_summary::Scanned;
use crate::runs::changes_file::LiveChange;
use crate::view::{Gan2dView, TextSample, View};
use crate::worker::{Event, Progress, RunEnd, RunInfo};

/// Text samples kept.
const MAX_TEXT_SAMPLES: usize = 40;

/// Most messages kept in the status log.
const MAX_LOG: usize = 200;

/// The window's state.
pub struct AppState {
    /// The spec that Start will run (edited by the setup panel).
    pub draft: ExperimentSpec,
    /// A branch being set up: Start makes it from the draft instead of a new run.
    pub branching: Option<super::branching::PendingBranch>,
    /// The current or last run.
    pub run: Option<RunState>,
    /// Another preset or architecture chosen during a run: the window asks first.
    pub pending_switch: Option<super::switching::PendingSwitch>,
    /// The latest picture of a 2-D GAN.
    pub gan2d_view: Option<Gan2dView>,
    /// The dataset shown in the browser.
    pub dataset: Option<DatasetPreview>,
    /// Why the last dataset could not be loaded.
    pub dataset_error: Option<String>,
    /// Sample grids of an image model, newest last.
    pub gallery: GalleryHistory,
    /// Increments whenever a new view arrives (panels cache textures by it).
    pub view_generation: u64,
    /// Milliseconds the worker sleeps between steps (the speed slider).
    pub delay_ms: u64,
    /// The training threads' nice value (19: lowest priority; 0: normal).
    pub nice: i32,
    /// Messages for the status bar, newest last.
    pub log: Vec<LogLine>,
    /// The lab (an autoencoder's latent space, a character model's text).
    pub lab: LabState,
    /// Why the chosen text file cannot be used as it is.
    pub text_problem: Option<String>,
    /// The 2-D points file last chosen, as the canvas previews it (read and its
    /// modes found off the UI thread).
    pub points: Option<PointsPreview>,
    /// Thumbnails of the pictures chosen for style transfer or DeepDream.
    pub input_thumbs: std::collections::HashMap<super::dialogs::InputRole, crate::view::RgbImage>,
    /// What the chosen network file or run holds, or why it cannot be used.
    pub weights_info: Option<Result<String, String>>,
    /// The layers of the chosen network file or run, once checked.
    pub network_layers: Option<Vec<String>>,
    /// Where on screen each input's slot was drawn last frame, for dropped files.
    pub drop_targets: Vec<(super::dialogs::InputRole, ScreenRect)>,
    /// Text a character model wrote while training, newest last.
    pub text_samples: Vec<TextSample>,
    /// Live changes sent and not yet answered: key → value (TOML text). The draft
    /// takes a change only when the worker accepts it; until then its widget shows
    /// the value asked for.
    pub live_pending: std::collections::BTreeMap<String, String>,
    /// The run folders under the runs folder and the added folders, newest first,
    /// as last read (`None`: to be read again), and the folders that could not be
    /// read with why; or why none could.
    pub runs: Option<Result<Scanned, String>>,
    /// Folders besides the runs folder whose runs the Runs tab lists.
    pub runs_folders: Vec<PathBuf>,
    /// Thumbnails of runs' last samples: run folder → (the picture, its thumbnail).
    pub run_thumbs: std::collections::HashMap<PathBuf, (PathBuf, crate::view::RgbImage)>,
    /// Saved samples of compared runs, read for the side-by-side view (by file).
    pub run_samples:
        std::collections::HashMap<PathBuf, Result<super::run_files::SavedSample, String>>,
    /// The runs being compared in the Runs tab, once read (or why they could not be).
    pub comparison: Option<Result<Vec<RunSeries>, String>>,
}

/// A rectangle on screen, in points (a panel's place, for files dropped on it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScreenRect {
    /// Top-left corner `[x, y]`.
    pub min: [f32; 2],
    /// Bottom-right corner `[x, y]`.
    pub max: [f32; 2],
}

impl ScreenRect {
    /// Whether the point `[x, y]` lies inside (edges included).
    pub fn contains(&self, [x, y]: [f32; 2]) -> bool {
        (self.min[0]..=self.max[0]).contains(&x) && (self.min[1]..=self.max[1]).contains(&y)
    }
}

/// A message for the user.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    /// How serious it is.
    pub level: Level,
    /// What it says.
    pub text: String,
}

/// How serious a message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Information.
    Info,
    /// Something went wrong but nothing was lost.
    Warning,
    /// Something failed.
    Error,
}

/// A run as the window sees it.
pub struct RunState {
    /// What the worker said at the start.
    pub info: RunInfo,
    /// Whether it is going.
    pub status: RunStatus,
    /// One series of `[step, value]` per metric, aligned with `info.metric_names`.
    pub series: Vec<Vec<[f64; 2]>>,
    /// `[step, seconds]`: the run's wall-clock time at each logged row.
    pub clock: Vec<[f64; 2]>,
    /// The live changes made, in order.
    pub changes: Vec<LiveChange>,
    /// The latest progress report.
    pub progress: Option<Progress>,
    /// When the worker last reported progress (or the run started): a run that goes
    /// silent while running is starved of the CPU.
    pub heard_at: std::time::Instant,
}

/// Where a run stands.
#[derive(Clone, Debug, PartialEq)]
pub enum RunStatus {
    /// Training.
    Running,
    /// Paused; with a reason if the worker paused it by itself.
    Paused(Option<String>),
    /// Over.
    Ended(RunEnd),
}

impl AppState {
    /// A fresh state whose draft is `draft`.
    pub fn new(draft: ExperimentSpec) -> Self {
        Self {
            draft,
            branching: None,
            run: None,
            pending_switch: None,
            gan2d_view: None,
            dataset: None,
            dataset_error: None,
            gallery: GalleryHistory::new(120),
            view_generation: 0,
            delay_ms: 0,
            nice: 19,
            log: Vec::new(),
            lab: LabState::default(),
            text_samples: Vec::new(),
            live_pending: Default::default(),
            runs: None,
            runs_folders: Vec::new(),
            run_thumbs: Default::default(),
            run_samples: Default::default(),
            comparison: None,
            text_problem: None,
            points: None,
            input_thumbs: std::collections::HashMap::new(),
            weights_info: None,
            network_layers: None,
            drop_targets: Vec::new(),
        }
    }

    /// Whether a run is loaded in the worker (running or paused).
    pub fn is_active(&self) -> bool {
        self.run
            .as_ref()
            .is_some_and(|r| !matches!(r.status, RunStatus::Ended(_)))
    }

    /// Whether a run is training right now.
    pub fn is_running(&self) -> bool {
        self.run
            .as_ref()
            .is_some_and(|r| r.status == RunStatus::Running)
    }

    /// Whether a run is paused.
    pub fn is_paused(&self) -> bool {
        self.run
            .as_ref()
            .is_some_and(|r| matches!(r.status, RunStatus::Paused(_)))
    }

    /// The run folder of the current or last run.
    pub fn run_dir(&self) -> Option<&PathBuf> {
        self.run.as_ref().and_then(|r| r.info.run_dir.as_ref())
    }

    /// The series of metric `name`, if the run reports it.
    pub fn series(&self, name: &str) -> Option<&[[f64; 2]]> {
        let run = self.run.as_ref()?;
        let i = run.info.metric_names.iter().position(|n| n == name)?;
        run.series.get(i).map(Vec::as_slice)
    }

    /// The latest value of metric `name`.
    pub fn latest(&self, name: &str) -> Option<f64> {
        self.series(name).and_then(|s| s.last()).map(|p| p[1])
    }

    /// Adds a message to the log.
    pub fn say(&mut self, level: Level, text: impl Into<String>) {
        self.log.push(LogLine {
            level,
            text: text.into(),
        });
        if self.log.len() > MAX_LOG {
            self.log.drain(..self.log.len() - MAX_LOG);
        }
    }

    /// Clears what the last run showed (its plots, samples and lab answers), for a
    /// new choice of experiment; the run itself stays in its folder.
    pub fn forget_last_run(&mut self) {
        self.run = None;
        self.gan2d_view = None;
        self.gallery.clear();
        self.text_samples.clear();
        self.lab = LabState::default();
        self.live_pending.clear();
        self.view_generation += 1;
    }

    /// Folds one event from the worker into the state.
    pub fn apply(&mut self, event: Event) {
        match event {
            Event::Started(info) => {
                self.live_pending.clear();
                let n = info.metric_names.len();
                let where_ = info
                    .run_dir
                    .as_ref()
                    .map(|d| format!(", writing to {}", d.display()))
                    .unwrap_or_default();
                self.say(Level::Info, format!("started {}{where_}", info.spec.name()));
                self.draft = info.spec.clone();
                self.gan2d_view = None;
                self.gallery.clear();
                self.lab.reset_answers();
                self.text_samples.clear();
                self.run = Some(RunState {
                    info: *info,
                    status: RunStatus::Running,
                    series: vec![Vec::new(); n],
                    clock: Vec::new(),
                    changes: Vec::new(),
                    progress: None,
                    heard_at: std::time::Instant::now(),
                });
            }
            Event::Metrics(row) => {
                if let Some(run) = self.run.as_mut() {
                    for (series, value) in run.series.iter_mut().zip(&row.values) {
                        if let Some(v) = value.filter(|v| v.is_finite()) {
                            series.push([row.step as f64, v]);
                        }
                    }
                    if let Some(t) = row.elapsed_s.filter(|t| t.is_finite()) {
                        run.clock.push([row.step as f64, t]);
                    }
                }
            }
            // A view still on its way from a run the window has let go of.
            Event::View(_) if self.run.is_none() => {}
            Event::View(view) => match *view {
                View::Gan2d(v) => {
                    self.gan2d_view = Some(v);
                    self.view_generation += 1;
                }
                View::Images(grid) => {
                    self.gallery.push(grid);
                    self.view_generation += 1;
                }
                View::Text(sample) => {
                    // Each step's sample once, and a bounded history.
                    if self.text_samples.last().map(|t| t.step) == Some(sample.step) {
                        self.text_samples.pop();
                    }
                    self.text_samples.push(sample);
                    if self.text_samples.len() > MAX_TEXT_SAMPLES {
                        self.text_samples.remove(0);
                    }
                    self.view_generation += 1;
                }
            },
            Event::Progress(p) => {
                if let Some(run) = self.run.as_mut() {
                    run.progress = Some(p);
                    run.heard_at = std::time::Instant::now();
                }
            }
            Event::Paused { step, reason } => {
                if let Some(reason) = &reason {
                    self.say(Level::Warning, format!("paused at step {step}: {reason}"));
                }
                if let Some(run) = self.run.as_mut() {
                    run.status = RunStatus::Paused(reason);
                }
            }
            Event::Resumed => {
                if let Some(run) = self.run.as_mut() {
                    run.status = RunStatus::Running;
                }
            }
            Event::Lab(answer) => self.lab.apply(*answer),
            Event::LiveChanged { step, key, value } => {
                if self.live_pending.get(&key) == Some(&value) {
                    self.live_pending.remove(&key);
                }
                let assignment = format!("{key}={value}");
                if let Some(run) = self.run.as_mut() {
                    let _ = run.info.spec.set(&assignment);
                    run.changes.push(LiveChange {
                        step,
                        key: key.clone(),
                        value: value.clone(),
                    });
                }
                if let Err(e) = self.draft.set(&assignment) {
                    self.say(Level::Warning, e.to_string());
                }
            }
            Event::PastChanges(past) => {
                if let Some(run) = self.run.as_mut() {
                    run.changes = past
                        .into_iter()
                        .map(|(step, key, value)| LiveChange { step, key, value })
                        .collect();
                }
            }
            Event::LiveRefused { key, reason } => {
                self.live_pending.remove(&key);
                self.say(Level::Warning, reason);
            }
            Event::Notice(text) => self.say(Level::Info, text),
            // The gallery already shows the picture (its last tile).
            Event::Picture(_) => {}
            Event::Problem(text) => self.say(Level::Warning, text),
            Event::Ended(end) => {
                // The runs list has a run to update.
                self.runs = None;
                let (level, text) = match &end {
                    RunEnd::Finished { step } => (Level::Info, format!("finished at step {step}")),
                    RunEnd::Stopped { step } => (Level::Info, format!("stopped at step {step}")),
                    RunEnd::Failed(msg) => (Level::Error, format!("failed: {msg}")),
                };
                self.say(level, text);
                if let Some(run) = self.run.as_mut() {
                    run.status = RunStatus::Ended(end);
                }
            }
        }
    }
}

/// A points file's preview: its points and modes with `k` asked for (0: found).
#[derive(Clone, Debug)]
pub struct PointsPreview {
    /// The file.
    pub path: std::path::PathBuf,
    /// The modes asked for.
    pub k: usize,
    /// For drawn points (an empty `path`): their fingerprint (see
    /// [`crate::data::points2d::fingerprint`]).
    pub fingerprint: u64,
    /// Points and modes, in the data's units.
    pub view: Box<crate::view::Gan2dView>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;
    use crate::worker::MetricRow;

    fn info() -> RunInfo {
        RunInfo {
            spec: presets::default_spec().expect("default"),
            metric_names: vec!["a".into(), "b".into()],
            run_dir: None,
            first_step: 0,
            last_step: 10,
            memory_estimate: 0,
        }
    }

    #[test]
    fn folds_a_run_from_start_to_failure() {
        let mut s = AppState::new(presets::default_spec().expect("default"));
        s.apply(Event::Started(Box::new(info())));
        assert!(s.is_running());
        s.apply(Event::Metrics(MetricRow {
            step: 5,
            values: vec![Some(1.0), None],
            elapsed_s: Some(0.5),
        }));
        s.apply(Event::Metrics(MetricRow {
            step: 10,
            values: vec![Some(f64::NAN), Some(2.0)],
            elapsed_s: None,
        }));
        assert_eq!(s.series("a"), Some(&[[5.0, 1.0]][..]));
        assert_eq!(
            s.run.as_ref().map(|r| r.clock.clone()),
            Some(vec![[5.0, 0.5]]),
            "the clock has the rows that carried a time"
        );
        assert_eq!(s.latest("b"), Some(2.0));
        s.apply(Event::Paused {
            step: 10,
            reason: Some("d_loss became NaN".into()),
        });
        assert!(s.is_paused());
        assert_eq!(s.log.last().map(|l| l.level), Some(Level::Warning));
        s.apply(Event::Ended(RunEnd::Failed("boom".into())));
        assert!(!s.is_active());
        assert!(
            s.log
                .last()
                .is_some_and(|l| l.text.contains("boom") && l.level == Level::Error)
        );
    }

    #[test]
    fn the_draft_takes_a_live_change_only_when_the_worker_accepts_it() {
        let mut s = AppState::new(presets::default_spec().expect("default"));
        s.apply(Event::Started(Box::new(info())));
        let lr = |s: &AppState| match &s.draft {
            ExperimentSpec::Gan2d(g) => g.train.lr_g,
            _ => f64::NAN,
        };
        let before = lr(&s);
        s.live_pending.insert("train.lr_g".into(), "0.5".into());
        s.apply(Event::LiveRefused {
            key: "train.lr_g".into(),
            reason: "train.lr_g must be between 0.000001 and 1".into(),
        });
        assert_eq!(lr(&s), before, "refused: the draft keeps its value");
        assert!(
            s.live_pending.is_empty(),
            "the widget shows the draft again"
        );
        assert_eq!(s.log.last().map(|l| l.level), Some(Level::Warning));
        s.live_pending.insert("train.lr_g".into(), "0.0005".into());
        s.apply(Event::LiveChanged {
            step: 3,
            key: "train.lr_g".into(),
            value: "0.0005".into(),
        });
        assert_eq!(lr(&s), 0.0005);
        assert!(s.live_pending.is_empty());
        let run_lr = match s.run.as_ref().map(|r| &r.info.spec) {
            Some(ExperimentSpec::Gan2d(g)) => g.train.lr_g,
            _ => f64::NAN,
        };
        assert_eq!(run_lr, 0.0005, "the run's spec follows");
    }
}
