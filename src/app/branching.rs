//! The app's side of branching a run from the window: a right-click on a plot asks
//! for a step; the run-files thread reads the parent's checkpoint there and the
//! setup panel takes its settings; Start then writes the branch's folder (on the
//! same thread, which checks the changed settings fit the parent's networks) and
//! the worker continues it.

use std::path::{Path, PathBuf};

use candle_core::Device;

use super::StudioApp;
use super::run_files::{RunJob, RunOutcome};
use super::state::Level;
use crate::experiments::ExperimentSpec;
use crate::experiments::branch;
use crate::worker::Command;

/// A branch being set up: the parent and the step of its checkpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingBranch {
    /// The parent's run folder.
    pub parent: PathBuf,
    /// The step of the checkpoint it starts from.
    pub step: u64,
    /// The step the user asked for (the checkpoint is the newest at or before it).
    pub asked: u64,
}

/// A parent's checkpoint read for a branch.
#[derive(Clone, Debug)]
pub struct Picked {
    /// What is being set up.
    pub pending: PendingBranch,
    /// The parent's settings at that checkpoint.
    pub spec: ExperimentSpec,
    /// History entries passed over, each with why.
    pub skipped: Vec<String>,
}

/// A branch to write: the parent, its checkpoint's step, the settings and folder.
#[derive(Clone, Debug)]
pub struct BranchWrite {
    /// What was set up.
    pub pending: PendingBranch,
    /// The branch's settings (the setup panel's draft).
    pub spec: ExperimentSpec,
    /// The new run folder.
    pub out: PathBuf,
}

/// On the run-files thread: the checkpoint of `parent` at or before `asked`.
pub fn pick(parent: &Path, asked: u64) -> RunOutcome {
    RunOutcome::BranchPicked(
        branch::pick(parent, Some(asked), &Device::Cpu)
            .map(|(ckpt, skipped)| {
                Box::new(Picked {
                    pending: PendingBranch {
                        parent: parent.to_path_buf(),
                        step: ckpt.step,
                        asked,
                    },
                    spec: ckpt.spec,
                    skipped,
                })
            })
            .map_err(|e| e.to_string()),
    )
}

/// On the run-files thread: writes the branch (nothing if its settings do not fit).
pub fn write(job: &BranchWrite) -> RunOutcome {
    let p = &job.pending;
    let made = branch::pick(&p.parent, Some(p.step), &Device::Cpu).and_then(|(ckpt, _)| {
        branch::prepare_spec(&p.parent, &ckpt, job.spec.clone(), &job.out, &Device::Cpu)
    });
    RunOutcome::BranchWritten(
        made.map(|b| (b.folder, b.changes))
            .map_err(|e| e.to_string()),
    )
}

impl StudioApp {
    /// Asks for the checkpoint of `parent` at or before `step`.
    pub(super) fn branch_from(&mut self, parent: PathBuf, step: u64) {
        self.state.say(
            Level::Info,
            format!("reading {} at step {step} to branch it…", parent.display()),
        );
        self.run_files.send(RunJob::BranchPick(parent, step));
    }

    /// Start with a branch set up: its folder is written from the draft.
    pub(super) fn start_branch(&mut self, pending: PendingBranch) {
        let out = branch::default_folder(&pending.parent, pending.step);
        self.state
            .say(Level::Info, format!("making the branch {}…", out.display()));
        self.run_files
            .send(RunJob::BranchWrite(Box::new(BranchWrite {
                pending,
                spec: self.state.draft.clone(),
                out,
            })));
    }

    /// The parent's checkpoint read: its settings into the setup panel.
    pub(super) fn branch_picked(&mut self, picked: Result<Box<Picked>, String>) {
        match picked {
            Ok(p) => {
                for why in &p.skipped {
                    self.state.say(Level::Warning, format!("passed over {why}"));
                }
                let pending = p.pending;
                let near = if pending.step == pending.asked {
                    String::new()
                } else {
                    format!(" (the newest checkpoint at or before {})", pending.asked)
                };
                self.state.say(
                    Level::Info,
                    format!(
                        "branching {} at step {}{near}: change its settings, then Start",
                        pending.parent.display(),
                        pending.step
                    ),
                );
                self.state.draft = p.spec.clone();
                self.state.branching = Some(pending);
                self.tab = super::Tab::Training;
            }
            Err(why) => self
                .state
                .say(Level::Error, format!("cannot branch: {why}")),
        }
    }

    /// The branch written (or why not): the worker continues it.
    pub(super) fn branch_written(
        &mut self,
        made: Result<(PathBuf, Vec<(String, String)>), String>,
    ) {
        match made {
            Ok((folder, changes)) => {
                self.state.branching = None;
                let changed = if changes.is_empty() {
                    "the same settings".to_string()
                } else {
                    changes
                        .iter()
                        .map(|(k, v)| format!("{k} = {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                self.state.say(
                    Level::Info,
                    format!("branch {} with {changed}", folder.display()),
                );
                self.send(Command::OpenRun {
                    folder,
                    more_steps: None,
                    start_paused: false,
                });
                self.tab = super::Tab::Training;
            }
            Err(why) => self
                .state
                .say(Level::Error, format!("branch not made: {why}")),
        }
    }
}
