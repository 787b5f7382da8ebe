//! The window (egui only): `StudioApp` drains the worker's events in `logic`,
//! draws the panels in `ui`, and carries out what the panels asked for at the end
//! of the frame.

pub mod actions;
pub mod branching;
mod central;
mod config;
pub mod dialogs;
mod file_inputs;
pub mod frame_stats;
pub mod gallery_history;
mod icon;
mod keys;
pub mod lab_state;
pub mod lab_tools;
pub mod panels;
mod perform;
pub mod run_files;
mod runs_tab;
mod session;
pub use session::{Restore, Session};
pub mod state;
pub mod switching;
pub mod theme;
pub mod typed_path;
mod typed_path_ui;
mod window;

use central::Tab;
pub use config::{StartView, StudioConfig};
use perform::waker;
pub use window::run_window;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use actions::{Actions, UiAction};
use dialogs::{DialogOutcome, DialogRunner, FileDialogs};
use frame_stats::FrameStats;
use panels::dataset_browser::DatasetBrowser;
use panels::gallery::Gallery;
use panels::gan2d_canvas::Gan2dCanvas;
use state::{AppState, Level};

use crate::experiments::ExperimentSpec;
use crate::experiments::registry::{self, SampleKind, Tools};
use crate::worker::{Command, WorkerHandle};
use lab_state::LabPage;

/// How long `logic` may spend draining events in one frame.
const DRAIN_BUDGET: Duration = Duration::from_millis(10);

/// The studio's window.
pub struct StudioApp {
    /// Everything the panels draw.
    pub state: AppState,
    worker: Option<WorkerHandle>,
    dialogs: DialogRunner,
    /// The Runs tab's disk work.
    run_files: run_files::RunFiles,
    /// When the runs were last asked to be read.
    runs_scanned_at: Option<Instant>,
    /// A read of the runs is queued and not answered yet.
    runs_scan_pending: bool,
    actions: Actions,
    canvas: Gan2dCanvas,
    model_card: panels::model_card::ModelCardPanel,
    gallery: Gallery,
    dataset_browser: DatasetBrowser,
    lab: panels::lab::LabPanel,
    text_samples: panels::text_samples::TextSamples,
    sentence_lab: panels::sentence_lab::SentenceLab,
    repaint: panels::repaint::RepaintPage,
    text_generate: panels::text_generate::TextGenerate,
    pixel_draw: panels::pixel_draw::PixelDraw,
    runs_list: panels::runs_list::RunsList,
    /// The training plots' tools (x axis, smoothing, log scale).
    plot_tools: panels::line_plot::PlotTools,
    /// The model generation text was last asked of, and when (see `text_model_key`).
    text_key: (u64, Instant),
    tab: Tab,
    runs_dir: PathBuf,
    wake: Arc<dyn Fn() + Send + Sync>,
    opened: Instant,
    autostart: bool,
    screenshot: Option<(PathBuf, f64)>,
    quit_after: Option<f64>,
    quit_when_done: bool,
    /// A path being typed where no file dialog could open.
    typed_path: Option<typed_path_ui::TypedPath>,
    /// The points file and modes whose preview was last asked for.
    points_asked: Option<(PathBuf, usize)>,
    /// The drawn points (by fingerprint) and modes whose preview was last asked for,
    /// and whether it is still being made.
    drawn_asked: Option<(u64, usize)>,
    drawn_in_flight: bool,
    /// Remember the session when the window closes.
    persist: bool,
    /// The window's wake reads it (see [`news_gap_ms`]).
    news_gap: Arc<std::sync::atomic::AtomicU64>,
    /// Whether the Help window is open, and what its search field holds.
    help_open: bool,
    help_filter: String,
    /// Frames drawn since the window opened.
    frames: u64,
    /// When the last second's frames started, and whether the worker was asked to
    /// yield to them (many frames: dragging, animating, continuous repaint).
    recent_frames: std::collections::VecDeque<Instant>,
    yielding: bool,
    /// Frame times, when asked for.
    pub frame_stats: Option<FrameStats>,
}

impl StudioApp {
    /// Builds the app and starts its worker. `wake` asks the window for a repaint.
    pub fn new(
        config: StudioConfig,
        file_dialogs: Arc<dyn FileDialogs>,
        wake: Arc<dyn Fn() + Send + Sync>,
    ) -> Self {
        let mut state = AppState::new(config.initial);
        state.delay_ms = config.delay_ms;
        state.nice = config.worker.nice;
        state.runs_folders = config.runs_folders;
        let (tab, page) = match config.view {
            StartView::Training => (Tab::Training, None),
            StartView::Dataset => (Tab::Dataset, None),
            StartView::Lab => (Tab::Lab, Some(LabPage::Map)),
            StartView::LabSliders => (Tab::Lab, Some(LabPage::Sliders)),
            StartView::LabInterpolation => (Tab::Lab, Some(LabPage::Interpolation)),
            StartView::LabConcepts => (Tab::Lab, Some(LabPage::Concepts)),
            StartView::LabPrior => (Tab::Lab, Some(LabPage::Prior)),
            StartView::Generate => (Tab::Lab, None),
            StartView::Model => (Tab::Model, None),
            StartView::Runs => (Tab::Runs, None),
        };
        if let Some(page) = page {
            state.lab.page = page;
        }
        let mut worker_config = config.worker;
        worker_config.wake = Some(wake.clone());
        let worker = match WorkerHandle::spawn(worker_config) {
            Ok(w) => {
                if let Some(folder) = config.open_run {
                    w.send(Command::open_run(folder));
                }
                Some(w)
            }
            Err(e) => {
                state.say(
                    Level::Error,
                    format!("could not start the training thread: {e}"),
                );
                None
            }
        };
        let dialogs = DialogRunner::new(file_dialogs, wake.clone());
        dialogs
            .always_type
            .store(config.type_paths, Ordering::Relaxed);
        Self {
            state,
            worker,
            dialogs,
            run_files: run_files::RunFiles::new(waker(&wake)),
            runs_scanned_at: None,
            runs_scan_pending: false,
            actions: Actions::default(),
            canvas: Gan2dCanvas::default(),
            model_card: Default::default(),
            gallery: Gallery::default(),
            dataset_browser: DatasetBrowser::default(),
            lab: panels::lab::LabPanel::default(),
            text_samples: Default::default(),
            sentence_lab: Default::default(),
            repaint: Default::default(),
            text_generate: Default::default(),
            pixel_draw: Default::default(),
            runs_list: Default::default(),
            plot_tools: Default::default(),
            text_key: (0, Instant::now()),
            tab,
            runs_dir: config.runs_dir,
            wake,
            opened: Instant::now(),
            autostart: config.autostart,
            screenshot: config.screenshot,
            quit_after: config.quit_after,
            quit_when_done: config.quit_when_done,
            frames: 0,
            recent_frames: Default::default(),
            yielding: false,
            typed_path: None,
            points_asked: None,
            drawn_asked: None,
            drawn_in_flight: false,
            help_open: false,
            persist: config.persist,
            news_gap: config.news_gap_ms.clone(),
            help_filter: String::new(),
            frame_stats: config.frame_stats.then(FrameStats::default),
        }
    }

    /// Non-UI work of a frame: drain the worker's events (within a time budget) and
    /// the dialogs' outcomes; timers for autostart, screenshot and quitting.
    pub fn logic(&mut self, ctx: &egui::Context) {
        let started = Instant::now();
        if let Some(worker) = &self.worker {
            while let Ok(event) = worker.events().try_recv() {
                self.state.apply(event);
                if started.elapsed() > DRAIN_BUDGET {
                    ctx.request_repaint();
                    break;
                }
            }
            // Lab queries that waited for an answer in their slot go out now.
            for query in self.state.lab.take_outbox() {
                if !worker.send(Command::Lab(query)) {
                    self.state
                        .say(Level::Error, "the training thread is not running");
                }
            }
            if !worker.is_alive() {
                self.state.say(
                    Level::Error,
                    "the training thread ended; restart the studio",
                );
                self.worker = None;
            }
        }
        let shown = self
            .state
            .run
            .as_ref()
            .map(|r| tools_of(&r.info.spec).samples);
        let gap = news_gap_ms(shown, self.state.lab.any_in_flight());
        if self.news_gap.swap(gap, Ordering::Relaxed) != gap && shown.is_some() {
            // No view more often than the window shows one (a stream's faster frames
            // are for its answers, not the views).
            let millis = news_gap_ms(shown, false);
            self.send(Command::ViewEvery { millis });
        }
        // Many frames a second: training at low priority yields to each of them at
        // once; few (the usual two): it does not, and keeps its speed.
        while self
            .recent_frames
            .front()
            .is_some_and(|t| t.elapsed() > Duration::from_secs(1))
        {
            self.recent_frames.pop_front();
        }
        let fps = self.recent_frames.len();
        let yielding = if self.yielding { fps > 3 } else { fps >= 8 };
        if yielding != self.yielding {
            self.yielding = yielding;
            self.send(Command::YieldToFrames { on: yielding });
        }
        self.take_dropped_files(ctx);
        self.keep_points_preview();
        let outcomes: Vec<DialogOutcome> = self.dialogs.outcomes().collect();
        for outcome in outcomes {
            self.on_dialog(outcome);
        }
        self.drain_run_files();
        self.refresh_live_runs(ctx);
        if std::mem::take(&mut self.autostart) {
            self.actions.push(UiAction::Start);
        }
        let elapsed = self.opened.elapsed().as_secs_f64();
        if let Some((path, after)) = self.screenshot.clone() {
            if elapsed >= after {
                self.screenshot = None;
                window::request_screenshot(ctx, path);
            } else {
                ctx.request_repaint_after(Duration::from_secs_f64(after - elapsed));
            }
        }
        if let Some(after) = self.quit_after {
            if elapsed >= after && self.screenshot.is_none() {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            } else {
                ctx.request_repaint_after(Duration::from_millis(100));
            }
        }
        if self.quit_when_done
            && let Some(run) = self.state.run.as_ref()
            && let state::RunStatus::Ended(_) = run.status
        {
            self.quit_when_done = false;
            if let Some(p) = &run.progress {
                println!(
                    "window: ended at step {} after {:.1} s of training ({:.2} steps/s), {} frames in {:.1} s",
                    p.step,
                    p.elapsed_s,
                    (p.step - run.info.first_step) as f64 / p.elapsed_s.max(1e-9),
                    self.frames,
                    self.opened.elapsed().as_secs_f64(),
                );
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        if self.frame_stats.is_some() {
            ctx.request_repaint();
        }
    }

    /// Draws every panel, then carries out what they asked for.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let frame_start = self.frame_stats.as_mut().map(FrameStats::frame_started);
        self.frames += 1;
        self.recent_frames.push_back(Instant::now());
        let dialog_open = self.dialogs.is_busy();
        self.keys(&ui.ctx().clone());
        egui::Panel::top("menu").show(ui, |ui| {
            let mut type_paths = self.dialogs.always_type.load(Ordering::Relaxed);
            panels::menu_bar::ui(
                ui,
                &self.state,
                dialog_open,
                &mut type_paths,
                &mut self.actions,
            );
            self.dialogs
                .always_type
                .store(type_paths, Ordering::Relaxed);
        });
        egui::Panel::bottom("status").show(ui, |ui| panels::status_bar::ui(ui, &self.state));
        egui::Panel::left("setup")
            .default_size(330.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    ui.heading("Run");
                    panels::run_controls::ui(ui, &mut self.state, &mut self.actions);
                    ui.separator();
                    ui.heading("Experiment");
                    panels::setup::ui(ui, &mut self.state, &mut self.actions);
                });
            });
        egui::CentralPanel::default().show(ui, |ui| self.central_ui(ui, dialog_open));
        self.switch_question_ui(&ui.ctx().clone());
        self.typed_path_ui(&ui.ctx().clone());
        panels::help::ui(
            &ui.ctx().clone(),
            &mut self.help_open,
            &mut self.help_filter,
        );
        for action in self.actions.take() {
            self.perform(ui.ctx(), action);
        }
        if let (Some(stats), Some(start)) = (self.frame_stats.as_mut(), frame_start) {
            stats.frame_built(start);
        }
    }

    /// Changes when generated text should be made again because the model changed:
    /// at once while paused or ended, at most every 10 s while training (so a
    /// stream is not restarted by every new view).
    fn text_model_key(&mut self) -> u64 {
        let now = self.state.view_generation;
        let due = !self.state.is_running() || self.text_key.1.elapsed() > Duration::from_secs(10);
        if due && self.text_key.0 != now {
            self.text_key = (now, Instant::now());
        }
        self.text_key.0
    }

    fn send(&mut self, command: Command) {
        let sent = self.worker.as_ref().is_some_and(|w| w.send(command));
        if !sent {
            self.state
                .say(Level::Error, "the training thread is not running");
        }
    }
}

impl eframe::App for StudioApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        StudioApp::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        StudioApp::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.save_session(storage);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if let Some(stats) = &self.frame_stats {
            println!("{}", stats.summary());
        }
        // Dropping the handle stops the run (writing its last checkpoint) and joins the thread.
        self.worker = None;
    }
}

/// The longest the window waits to show the worker's news, in milliseconds, for what
/// it shows (`None`: nothing yet; `streaming`: a lab answer is awaited). The 2-D lab
/// animates (GAN Lab's points move every frame): 10 frames a second; a streamed
/// answer (text, a drawing) 4. Elsewhere plots that gain a row a second and a
/// gallery made as often as it is shown need one: each frame is 30–75 ms of the
/// software renderer's CPU that the run does not get (`scripts/window_speed.sh`:
/// DCGAN kept 0.84–0.86 of its headless speed at 2.5 frames a second).
pub fn news_gap_ms(samples: Option<SampleKind>, streaming: bool) -> u64 {
    match samples {
        Some(SampleKind::Points2d) => 100,
        _ if streaming => 250,
        _ => 1000,
    }
}

/// What the window offers for the architecture of `spec` (a plain gallery for one
/// the registry does not know).
pub(crate) fn tools_of(spec: &ExperimentSpec) -> Tools {
    registry::of(spec).map_or(
        Tools {
            samples: SampleKind::Gallery,
            lab: None,
            gan_steps: false,
        },
        |a| a.tools,
    )
}
