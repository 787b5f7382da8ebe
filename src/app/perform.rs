//! What the panels asked for, carried out at the end of the frame: commands to the
//! worker, dialogs, exports, the draft's dataset.

use std::sync::Arc;

use super::StudioApp;
use super::actions::UiAction;
use super::run_files::RunJob;
use super::state::Level;
use crate::data::preview::DatasetSource;
use crate::experiments::ExperimentSpec;
use crate::experiments::image_data::{DataSource, ImageData};
use crate::runs::RunFolder;
use crate::worker::{Command, RunOptions};

impl StudioApp {
    /// Carries out one thing a panel asked for this frame.
    pub(super) fn perform(&mut self, ctx: &egui::Context, action: UiAction) {
        let command = match action {
            UiAction::Start if self.state.branching.is_some() => {
                if let Some(pending) = self.state.branching.clone() {
                    self.start_branch(pending);
                }
                return;
            }
            UiAction::BranchFrom(parent, step) => return self.branch_from(parent, step),
            UiAction::CancelBranch => {
                self.state.branching = None;
                return self
                    .state
                    .say(Level::Info, "branch given up: Start makes a new run");
            }
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
            UiAction::LoadSpec(spec) => return self.switch_to(*spec),
            UiAction::OpenPresetDialog => return self.dialogs.open_preset(waker(&self.wake)),
            UiAction::SavePresetDialog => {
                return self
                    .dialogs
                    .save_preset(self.state.draft.clone(), waker(&self.wake));
            }
            UiAction::OpenRunDialog => return self.dialogs.open_run(waker(&self.wake)),
            UiAction::CompareRuns(folders) => {
                return self.run_files.send(RunJob::Compare(folders));
            }
            UiAction::ScanRuns => return self.scan_runs(),
            UiAction::ScanRunsOnce if self.runs_scan_pending => return,
            UiAction::ScanRunsOnce => return self.scan_runs(),
            UiAction::StartSweep {
                spec,
                vary,
                steps,
                parallel,
            } => {
                let folder =
                    RunFolder::next_free(&self.runs_dir, &format!("sweep {}", spec.name()));
                let Ok(exe) = std::env::current_exe() else {
                    return self.state.say(
                        Level::Error,
                        "cannot find the studio's own program to run the grid",
                    );
                };
                self.run_files
                    .send(RunJob::Sweep(Box::new(super::run_files::SweepJob {
                        exe,
                        spec: *spec,
                        vary,
                        steps,
                        parallel,
                        folder,
                    })));
                return self.scan_runs();
            }
            UiAction::LoadRunSamples(paths) => {
                return self.run_files.send(RunJob::Samples(paths));
            }
            UiAction::SaveRunNotes(folder, notes) => {
                return self.run_files.send(RunJob::SaveNotes(folder, notes));
            }
            UiAction::RenameRun(folder, name) => {
                return self.run_files.send(RunJob::Rename(folder, name));
            }
            UiAction::TrashRun(folder) => return self.run_files.send(RunJob::Trash(folder)),
            UiAction::AddRunsFolder(folder) => return self.add_runs_folder(folder),
            UiAction::AddRunsFolderDialog => {
                return self.dialogs.pick_runs_folder(waker(&self.wake));
            }
            UiAction::RemoveRunsFolder(folder) => {
                self.state.runs_folders.retain(|f| *f != folder);
                return self.scan_runs();
            }
            UiAction::TrainAgain(spec) => {
                if self.state.is_active() {
                    self.state.say(
                        Level::Warning,
                        "stop the current run before training another",
                    );
                    return;
                }
                self.state.draft = *spec;
                self.tab = super::Tab::Training;
                return self.perform(ctx, UiAction::Start);
            }
            UiAction::OpenRun(folder) => {
                self.tab = super::Tab::Training;
                Command::open_run(folder)
            }
            UiAction::ShowHelp => {
                self.help_open = true;
                return;
            }
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
            UiAction::OpenPointsDialog => {
                let ExperimentSpec::Gan2d(s) = &self.state.draft else {
                    return;
                };
                return self
                    .dialogs
                    .open_points(None, s.data.modes, waker(&self.wake));
            }
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
                    let frames = images.grid.there_and_back(images.codes.len(), 4);
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

pub(super) fn waker(wake: &Arc<dyn Fn() + Send + Sync>) -> impl Fn() + Send + 'static {
    let wake = wake.clone();
    move || wake()
}
