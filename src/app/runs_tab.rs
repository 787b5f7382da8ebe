//! The app's side of the Runs tab: which folders it lists, the disk jobs it
//! queues, and what it does with their outcomes (the list, thumbnails of last
//! samples, a comparison, changes made to a run folder).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::StudioApp;
use super::run_files::{RunJob, RunOutcome};
use super::state::Level;

/// How often the list and a comparison holding the live run are read again
/// while a run goes and the Runs tab is shown.
pub(super) const LIVE_REFRESH: Duration = Duration::from_secs(2);

impl StudioApp {
    /// Reads the runs folder and the added folders again.
    pub(super) fn scan_runs(&mut self) {
        let mut dirs = vec![self.runs_dir.clone()];
        dirs.extend(self.state.runs_folders.iter().cloned());
        self.run_files.send(RunJob::Scan(dirs));
        self.runs_scanned_at = Some(Instant::now());
        self.runs_scan_pending = true;
    }

    /// Lists the runs of `folder` too (or the run it is); the run-files thread
    /// reads it and says if it cannot.
    pub(super) fn add_runs_folder(&mut self, folder: PathBuf) {
        if folder != self.runs_dir && !self.state.runs_folders.contains(&folder) {
            self.state.runs_folders.push(folder);
        }
        self.scan_runs();
    }

    /// Folds what the run-files thread finished.
    pub(super) fn drain_run_files(&mut self) {
        let outcomes: Vec<RunOutcome> = self.run_files.outcomes().collect();
        for outcome in outcomes {
            match outcome {
                RunOutcome::Scanned(runs) => {
                    self.runs_scan_pending = false;
                    if let Ok((list, _)) = &runs {
                        let wanted: Vec<(PathBuf, PathBuf)> = list
                            .iter()
                            .filter_map(|r| Some((r.folder.clone(), r.last_sample.clone()?)))
                            .filter(|(run, pic)| {
                                self.state.run_thumbs.get(run).map(|t| &t.0) != Some(pic)
                            })
                            .collect();
                        if !wanted.is_empty() {
                            self.run_files.send(RunJob::Thumbnails(wanted));
                        }
                    }
                    self.state.runs = Some(runs);
                }
                RunOutcome::Compared(runs) => self.state.comparison = Some(runs),
                RunOutcome::Samples(read) => {
                    // A bounded cache: the samples of the step shown, and a few before.
                    if self.state.run_samples.len() > 64 {
                        self.state.run_samples.clear();
                    }
                    self.state.run_samples.extend(read);
                }
                RunOutcome::Thumbnails(made) => {
                    for (run, picture, thumb) in made {
                        self.state.run_thumbs.insert(run, (picture, thumb));
                    }
                }
                RunOutcome::BranchPicked(picked) => self.branch_picked(picked),
                RunOutcome::BranchWritten(made) => {
                    self.branch_written(made);
                    self.scan_runs();
                }
                RunOutcome::Changed(result) => {
                    match result {
                        Ok(said) => self.state.say(Level::Info, said),
                        Err(why) => self.state.say(Level::Warning, why),
                    }
                    self.scan_runs();
                }
            }
        }
    }

    /// While a run goes and the Runs tab shows, reads the list (and a comparison
    /// that holds the live run) again every [`LIVE_REFRESH`].
    pub(super) fn refresh_live_runs(&mut self, ctx: &egui::Context) {
        // A run of this window, or one another process trains (a grid's).
        let others = matches!(&self.state.runs, Some(Ok((runs, _)))
            if runs.iter().any(|r| r.status == crate::experiments::run_summary::RunStatus::Running));
        if self.tab != super::Tab::Runs || !(self.state.is_active() || others) {
            return;
        }
        let due = self
            .runs_scanned_at
            .is_none_or(|t| t.elapsed() >= LIVE_REFRESH);
        if due {
            self.scan_runs();
            if let (Some(live), Some(compared)) = (self.state.run_dir(), self.runs_list.compared())
                && compared.contains(live)
            {
                self.run_files.send(RunJob::Compare(compared));
            }
        }
        ctx.request_repaint_after(LIVE_REFRESH);
    }
}
