//! The window (egui only): `StudioApp` drains the worker's events in `logic`,
//! draws the panels in `ui`, and carries out what the panels asked for at the end
//! of the frame.

pub mod actions;
pub mod dialogs;
mod file_inputs;
pub mod frame_stats;
pub mod gallery_history;
pub mod lab_state;
pub mod panels;
pub mod state;
pub mod theme;
mod window;

pub use window::run_window;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actions::{Actions, UiAction};
use dialogs::{DialogOutcome, DialogRunner, FileDialogs};
use frame_stats::FrameStats;
use panels::dataset_browser::DatasetBrowser;
use panels::gallery::Gallery;
use panels::gan2d_canvas::Gan2dCanvas;
use state::{AppState, Level};

use crate::data::preview::DatasetSource;
use crate::experiments::ExperimentSpec;
use crate::experiments::image_data::{DataSource, ImageData};
use crate::experiments::registry::{self, LabTool, SampleKind, Tools};
use crate::runs::RunFolder;
use crate::worker::{Command, RunOptions, WorkerConfig, WorkerHandle};
use lab_state::LabPage;

/// How long `logic` may spend draining events in one frame.
const DRAIN_BUDGET: Duration = Duration::from_millis(10);

/// The central area's tabs (image models only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Training,
    Dataset,
    Lab,
}

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
}

/// How the app is set up.
pub struct StudioConfig {
    /// The spec shown at start.
    pub initial: ExperimentSpec,
    /// The worker's settings (threads, priority, view rate).
    pub worker: WorkerConfig,
    /// Where new run folders go.
    pub runs_dir: PathBuf,
    /// Press Start at once.
    pub autostart: bool,
    /// Screenshot to take: file and seconds after start.
    pub screenshot: Option<(PathBuf, f64)>,
    /// Close after this many seconds.
    pub quit_after: Option<f64>,
    /// Repaint continuously and record frame times.
    pub frame_stats: bool,
    /// Milliseconds between steps at start.
    pub delay_ms: u64,
    /// What the central area shows at start.
    pub view: StartView,
    /// A run folder to open at start (paused, ready to continue or explore).
    pub open_run: Option<PathBuf>,
}

/// The studio's window.
pub struct StudioApp {
    /// Everything the panels draw.
    pub state: AppState,
    worker: Option<WorkerHandle>,
    dialogs: DialogRunner,
    actions: Actions,
    canvas: Gan2dCanvas,
    gallery: Gallery,
    dataset_browser: DatasetBrowser,
    lab: panels::lab::LabPanel,
    text_samples: panels::text_samples::TextSamples,
    text_generate: panels::text_generate::TextGenerate,
    pixel_draw: panels::pixel_draw::PixelDraw,
    /// The model generation text was last asked of, and when (see `text_model_key`).
    text_key: (u64, Instant),
    tab: Tab,
    runs_dir: PathBuf,
    wake: Arc<dyn Fn() + Send + Sync>,
    opened: Instant,
    autostart: bool,
    screenshot: Option<(PathBuf, f64)>,
    quit_after: Option<f64>,
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
        let (tab, page) = match config.view {
            StartView::Training => (Tab::Training, None),
            StartView::Dataset => (Tab::Dataset, None),
            StartView::Lab => (Tab::Lab, Some(LabPage::Map)),
            StartView::LabSliders => (Tab::Lab, Some(LabPage::Sliders)),
            StartView::LabInterpolation => (Tab::Lab, Some(LabPage::Interpolation)),
            StartView::LabConcepts => (Tab::Lab, Some(LabPage::Concepts)),
            StartView::LabPrior => (Tab::Lab, Some(LabPage::Prior)),
            StartView::Generate => (Tab::Lab, None),
        };
        if let Some(page) = page {
            state.lab.page = page;
        }
        let mut worker_config = config.worker;
        worker_config.wake = Some(wake.clone());
        let worker = match WorkerHandle::spawn(worker_config) {
            Ok(w) => {
                if let Some(folder) = config.open_run {
                    w.send(Command::OpenRun { folder });
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
        Self {
            state,
            worker,
            dialogs: DialogRunner::new(file_dialogs),
            actions: Actions::default(),
            canvas: Gan2dCanvas::default(),
            gallery: Gallery::default(),
            dataset_browser: DatasetBrowser::default(),
            lab: panels::lab::LabPanel::default(),
            text_samples: Default::default(),
            text_generate: Default::default(),
            pixel_draw: Default::default(),
            text_key: (0, Instant::now()),
            tab,
            runs_dir: config.runs_dir,
            wake,
            opened: Instant::now(),
            autostart: config.autostart,
            screenshot: config.screenshot,
            quit_after: config.quit_after,
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
        self.take_dropped_files(ctx);
        let outcomes: Vec<DialogOutcome> = self.dialogs.outcomes().collect();
        for outcome in outcomes {
            self.on_dialog(outcome);
        }
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
        if self.frame_stats.is_some() {
            ctx.request_repaint();
        }
    }

    /// Draws every panel, then carries out what they asked for.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let frame_start = self.frame_stats.as_mut().map(FrameStats::frame_started);
        let dialog_open = self.dialogs.is_busy();
        egui::Panel::top("menu").show(ui, |ui| {
            panels::menu_bar::ui(ui, &self.state, dialog_open, &mut self.actions);
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
        egui::CentralPanel::default().show(ui, |ui| {
            let shown = self
                .state
                .run
                .as_ref()
                .map_or(&self.state.draft, |r| &r.info.spec);
            let images = shown.image_data().is_some();
            let tools = tools_of(shown);
            let is_text = tools.lab == Some(LabTool::Text);
            let is_pixel = tools.lab == Some(LabTool::Pixels);
            let has_lab = tools.lab.is_some();
            // A lab asked for before its model is loaded (e.g. `--run`) opens once it is.
            let tab = match self.tab {
                Tab::Lab if !has_lab => Tab::Training,
                Tab::Dataset if !images => Tab::Training,
                t => t,
            };
            if images || has_lab {
                let mut picked = tab;
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut picked, Tab::Training, "Training")
                        .on_hover_text("Samples and plots of the run.");
                    if is_pixel {
                        ui.selectable_value(&mut picked, Tab::Lab, "Draw").on_hover_text(
                            "Watch images drawn pixel by pixel, with the model's uncertainty; complete half an image.",
                        );
                    } else if is_text {
                        ui.selectable_value(&mut picked, Tab::Lab, "Generate")
                            .on_hover_text(
                                "Write with the model: prompt, temperature, top-k, top-p, side by side, and the next-character distribution.",
                            );
                    } else if has_lab {
                        ui.selectable_value(&mut picked, Tab::Lab, "Latent lab")
                            .on_hover_text(
                                "Walk in the latent space: map, sliders, interpolation, concept vectors, prior samples.",
                            );
                    }
                    if images {
                        ui.selectable_value(&mut picked, Tab::Dataset, "Dataset")
                            .on_hover_text(
                                "Browse the images the model learns from, or choose others.",
                            );
                    }
                });
                ui.separator();
                if picked != tab {
                    self.tab = picked;
                }
            }
            if tab == Tab::Dataset {
                self.dataset_browser
                    .ui(ui, &self.state, dialog_open, &mut self.actions);
                return;
            }
            if tab == Tab::Lab && is_text {
                if self.state.run.is_none() {
                    ui.label("Train a character model (or open a run folder) to write with it.");
                    return;
                }
                let key = self.text_model_key();
                self.text_generate
                    .ui(ui, &mut self.state.lab, key, &mut self.actions);
                return;
            }
            if tab == Tab::Lab && is_pixel {
                if self.state.run.is_none() {
                    ui.label("Train a PixelCNN (or open a run folder) to draw with it.");
                    return;
                }
                self.pixel_draw.ui(ui, &self.state.lab, &mut self.actions);
                return;
            }
            if tab == Tab::Lab {
                self.lab.ui(ui, &mut self.state, &mut self.actions);
                return;
            }
            let side = (ui.available_width() * 0.5).min(ui.available_height());
            ui.horizontal_top(|ui| {
                ui.vertical(|ui| {
                    ui.set_width(side);
                    ui.set_height(ui.available_height());
                    match tools.samples {
                        SampleKind::Text => self.text_samples.ui(ui, &self.state),
                        SampleKind::Points2d => self.canvas.ui(ui, &self.state),
                        SampleKind::NoiseGallery | SampleKind::Gallery | SampleKind::Picture => {
                            self.gallery.ui(ui, &mut self.state, &mut self.actions)
                        }
                    }
                });
                ui.separator();
                ui.vertical(|ui| panels::metric_plots::ui(ui, &self.state));
            });
        });
        for action in self.actions.take() {
            self.perform(ui.ctx(), action);
        }
        if let (Some(stats), Some(start)) = (self.frame_stats.as_mut(), frame_start) {
            stats.frame_built(start);
        }
    }

    fn perform(&mut self, ctx: &egui::Context, action: UiAction) {
        let command = match action {
            UiAction::Start => {
                let spec = self.state.draft.clone();
                let out_dir = RunFolder::next_free(&self.runs_dir, spec.name());
                let options = RunOptions {
                    out_dir: Some(out_dir),
                    start_paused: false,
                };
                self.send(Command::Start {
                    spec: Box::new(spec),
                    options,
                });
                // The new run keeps the speed the slider shows.
                if self.state.delay_ms > 0 {
                    self.send(Command::SetDelay {
                        millis: self.state.delay_ms,
                    });
                }
                return;
            }
            UiAction::Send(command) => command,
            UiAction::LoadSpec(spec) => {
                self.state.draft = *spec;
                return;
            }
            UiAction::OpenPresetDialog => return self.dialogs.open_preset(waker(&self.wake)),
            UiAction::SavePresetDialog => {
                return self
                    .dialogs
                    .save_preset(self.state.draft.clone(), waker(&self.wake));
            }
            UiAction::OpenRunDialog => return self.dialogs.open_run(waker(&self.wake)),
            UiAction::Quit => return ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            UiAction::PreviewDataset => {
                if let Some(source) = draft_dataset(&self.state.draft) {
                    self.dialogs.preview_dataset(source, waker(&self.wake));
                }
                return;
            }
            UiAction::OpenDatasetDialog(kind) => {
                let (size, channels) = match self.state.draft.image_data() {
                    Some((d, _)) => (d.image_size, d.channels),
                    None => (28, 1),
                };
                return self
                    .dialogs
                    .open_dataset(kind, size, channels, waker(&self.wake));
            }
            UiAction::UseDataset(source) => {
                let shape = self.state.dataset.as_ref().map(|p| p.shape);
                if let Some(d) = self.state.draft.image_data_mut() {
                    use_dataset(d, &source, shape);
                    self.state
                        .say(Level::Info, "the next run trains on the dataset shown");
                }
                return;
            }
            UiAction::ExportPng => {
                if let Some(grid) = self.state.gallery.current() {
                    self.dialogs
                        .export_png(grid.image.clone(), waker(&self.wake));
                }
                return;
            }
            UiAction::ExportResultPng => {
                let last = self
                    .state
                    .gallery
                    .current()
                    .and_then(|g| g.tile_image((g.cols * g.rows).saturating_sub(1)));
                if let Some(image) = last {
                    self.dialogs.export_png(image, waker(&self.wake));
                }
                return;
            }
            UiAction::OpenTextDialog => return self.dialogs.open_text(None, waker(&self.wake)),
            UiAction::ChooseInput(role) => {
                return self.dialogs.choose_input(role, None, waker(&self.wake));
            }
            UiAction::Lab(query) => {
                self.state.lab.ask(query);
                for query in self.state.lab.take_outbox() {
                    self.send(Command::Lab(query));
                }
                return;
            }
            UiAction::ExportLabPng(slot) => {
                if let Some(images) = self.state.lab.images.get(&slot) {
                    self.dialogs
                        .export_png(images.grid.image.clone(), waker(&self.wake));
                }
                return;
            }
            UiAction::ExportLabGif(slot) => {
                if let Some(images) = self.state.lab.images.get(&slot) {
                    let grid = &images.grid;
                    let there: Vec<_> = (0..images.codes.len())
                        .filter_map(|i| grid.tile_image(i))
                        .map(|t| t.scaled(4))
                        .collect();
                    let back = there
                        .iter()
                        .rev()
                        .skip(1)
                        .take(there.len().saturating_sub(2));
                    let frames: Vec<_> = there.iter().chain(back).cloned().collect();
                    self.dialogs.export_gif(frames, waker(&self.wake));
                }
                return;
            }
            UiAction::ExportGif => {
                let frames: Vec<_> = self.state.gallery.iter().map(|g| g.image.clone()).collect();
                return self.dialogs.export_gif(frames, waker(&self.wake));
            }
        };
        self.send(command);
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

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if let Some(stats) = &self.frame_stats {
            println!("{}", stats.summary());
        }
        // Dropping the handle stops the run (writing its last checkpoint) and joins the thread.
        self.worker = None;
    }
}

/// The dataset the draft trains on, as the browser describes it.
fn draft_dataset(draft: &ExperimentSpec) -> Option<DatasetSource> {
    let (d, seed) = draft.image_data()?;
    Some(match d.source {
        DataSource::Glyphs => DatasetSource::Glyphs {
            size: d.image_size,
            seed,
        },
        DataSource::Idx => DatasetSource::Idx(d.path.clone()),
        DataSource::Folder => DatasetSource::Folder {
            path: d.path.clone(),
            size: d.image_size,
            channels: d.channels,
        },
    })
}

/// Points an image model's data at `source`.
fn use_dataset(d: &mut ImageData, source: &DatasetSource, shape: Option<[usize; 3]>) {
    match source {
        DatasetSource::Glyphs { size, .. } => {
            d.source = DataSource::Glyphs;
            d.image_size = *size;
            d.channels = 1;
        }
        DatasetSource::Idx(path) => {
            d.source = DataSource::Idx;
            d.path = path.clone();
            d.channels = 1;
            d.image_size = shape.map_or(28, |s| s[0]);
        }
        DatasetSource::Folder {
            path,
            size,
            channels,
        } => {
            d.source = DataSource::Folder;
            d.path = path.clone();
            d.image_size = *size;
            d.channels = *channels;
        }
    }
}

fn waker(wake: &Arc<dyn Fn() + Send + Sync>) -> impl Fn() + Send + 'static {
    let wake = wake.clone();
    move || wake()
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
