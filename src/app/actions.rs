//! What the panels ask for: values that the app carries out once, at the end of
//! the frame, so no panel talks to the worker or the disk itself.

use super::dialogs::{FolderKind, InputRole};
use crate::data::preview::DatasetSource;
use crate::experiments::ExperimentSpec;
use crate::lab::{LabQuery, LabSlot};
use crate::worker::Command;

/// One thing a user asked for this frame.
#[must_use]
#[derive(Clone, Debug)]
pub enum UiAction {
    /// Start the draft spec as a new run.
    Start,
    /// Send a command to the worker as it is (pause, resume, stop, step, a live
    /// change, the delay between steps, a checkpoint now, new gallery noise).
    Send(Command),
    /// Replace the draft with a built-in or loaded spec.
    LoadSpec(Box<ExperimentSpec>),
    /// Ask for a preset file to load.
    OpenPresetDialog,
    /// Ask where to save the draft as a preset.
    SavePresetDialog,
    /// Ask for a run folder to continue.
    OpenRunDialog,
    /// Load the dataset the draft names, for the browser.
    PreviewDataset,
    /// Ask for a dataset folder and load it for the browser.
    OpenDatasetDialog(FolderKind),
    /// Train the draft on the dataset shown in the browser.
    UseDataset(DatasetSource),
    /// Export the shown sample grid as PNG.
    ExportPng,
    /// Export the last picture of the shown grid (an optimised picture) as PNG.
    ExportResultPng,
    /// Export the gallery's history as an animated GIF.
    ExportGif,
    /// Ask for a text file for a character model.
    OpenTextDialog,
    /// Ask for a file of 2-D points for the 2-D GAN.
    OpenPointsDialog,
    /// Ask for a picture (or weights) for style transfer or DeepDream.
    ChooseInput(InputRole),
    /// Ask the latent lab a question.
    Lab(LabQuery),
    /// Export a lab slot's images as PNG.
    ExportLabPng(LabSlot),
    /// Export a lab slot's images, one frame each, as an animated GIF (there and back).
    ExportLabGif(LabSlot),
    /// Read the runs folder (and the added folders) again, for the Runs tab.
    ScanRuns,
    /// Read the runs unless a read is on its way already (File → Recent runs).
    ScanRunsOnce,
    /// Compare these run folders' metrics in the Runs tab.
    CompareRuns(Vec<std::path::PathBuf>),
    /// Train every combination of `vary` (`key=v1,v2`) on `spec`, as a sweep.
    StartSweep {
        /// The experiment every run starts from.
        spec: Box<ExperimentSpec>,
        /// Up to three `key=v1,v2,…`.
        vary: Vec<String>,
        /// Steps of each run.
        steps: u64,
        /// Runs at once.
        parallel: usize,
    },
    /// Read these saved samples of compared runs, to show them side by side.
    LoadRunSamples(Vec<std::path::PathBuf>),
    /// Write a run's note and tags into its folder.
    SaveRunNotes(std::path::PathBuf, crate::runs::notes::RunNotes),
    /// Rename a run folder.
    RenameRun(std::path::PathBuf, String),
    /// Move a run folder to the trash beside it.
    TrashRun(std::path::PathBuf),
    /// List the runs of another folder too (typed, dropped or chosen).
    AddRunsFolder(std::path::PathBuf),
    /// Ask for a folder of runs to list too.
    AddRunsFolderDialog,
    /// Stop listing an added folder.
    RemoveRunsFolder(std::path::PathBuf),
    /// Start a new run of this spec (a run's settings, trained again).
    TrainAgain(Box<ExperimentSpec>),
    /// Open a run folder (paused, ready to continue or explore) and show its training.
    OpenRun(std::path::PathBuf),
    /// Get ready to branch this run at this step: its checkpoint there read, its
    /// settings put in the setup panel; Start then makes the branch.
    BranchFrom(std::path::PathBuf, u64),
    /// Give up the branch being set up (Start makes a new run again).
    CancelBranch,
    /// Open the Help window (the glossary and the keys).
    ShowHelp,
    /// Close the window.
    Quit,
}

/// The actions collected during one frame.
#[derive(Default)]
pub struct Actions(Vec<UiAction>);

impl Actions {
    /// Queues an action.
    pub fn push(&mut self, action: UiAction) {
        self.0.push(action);
    }

    /// Takes every queued action, in order.
    pub fn take(&mut self) -> Vec<UiAction> {
        std::mem::take(&mut self.0)
    }
}
