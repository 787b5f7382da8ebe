//! How a run ends: its last row, checkpoint and sample, the record of how it
//! ended in its folder, and the last event.

use super::RunLoop;
use crate::runs::run_state::{self, EndKind, Ended};
use crate::worker::protocol::{Event, RunEnd};

impl RunLoop {
    /// Ends the active run: a last checkpoint and picture when it has a folder, then `Ended`.
    pub(super) fn end(&mut self, how: impl FnOnce(u64) -> RunEnd) {
        let Some(step) = self.run.as_ref().map(|r| r.step) else {
            return;
        };
        // Opened and closed without a step: its folder stays as it was.
        if self.untouched() {
            self.retained = self.run.take().map(|r| r.exp);
            self.emit(Event::Ended(how(step)));
            return;
        }
        // A last row on the logging schedule is one an unstopped run writes too: it
        // goes before the checkpoint. Off the schedule, the checkpoint goes first,
        // holding the state before the row, so a continued run drops that row and
        // takes the steps (and the row averages) an unstopped run takes.
        let on_schedule = self.run.as_ref().is_some_and(|r| {
            let every = r.exp.spec().schedule().log_every.max(1);
            r.step % every == 0 || r.last_logged == Some(r.step)
        });
        let mut faults = Vec::new();
        if !on_schedule {
            faults.extend(self.end_checkpoint());
        }
        if self
            .run
            .as_ref()
            .is_some_and(|r| r.last_logged != Some(r.step))
            && let Err(e) = self.log_row(true)
        {
            self.emit(Event::Problem(format!("last metrics not logged: {e}")));
        }
        if on_schedule {
            faults.extend(self.end_checkpoint());
        }
        self.write_sample();
        self.send_progress(true);
        match self.run.as_ref().and_then(|r| r.exp.picture()) {
            Some(Ok(picture)) => self.emit(Event::Picture(Box::new(picture))),
            Some(Err(e)) => self.emit(Event::Problem(format!("no picture: {e}"))),
            None => {}
        }
        if let Some(r) = self.run.as_mut() {
            faults.extend(std::mem::take(&mut r.write_faults));
        }
        let end = match how(step) {
            // What could not be written ends the run as failed: it is not all on disk.
            RunEnd::Finished { .. } | RunEnd::Stopped { .. } if !faults.is_empty() => {
                RunEnd::Failed(format!(
                    "{} (ended at step {step}; the last good checkpoint is kept)",
                    faults.join("; ")
                ))
            }
            end => end,
        };
        self.record_end(&end, step);
        // The model stays for the latent lab until the next run starts.
        self.retained = self.run.take().map(|r| r.exp);
        self.emit(Event::Ended(end));
    }

    /// The last checkpoint; why it was not written, if not.
    fn end_checkpoint(&mut self) -> Option<String> {
        match self.checkpoint() {
            Ok(why) => why,
            Err(e) => Some(format!("last checkpoint not written: {e}")),
        }
    }

    pub(super) fn fail(&mut self, message: String) {
        let end = RunEnd::Failed(message);
        let step = self.run.as_ref().map_or(0, |r| r.step);
        self.record_end(&end, step);
        // Keep what the run had on disk; do not touch a model that may be broken.
        self.run = None;
        self.retained = None;
        self.emit(Event::Ended(end));
    }

    /// Writes how the run ended into its folder (while it still holds the lock).
    fn record_end(&mut self, end: &RunEnd, step: u64) {
        let Some(root) = self
            .run
            .as_ref()
            .and_then(|r| r.folder.as_ref())
            .map(|f| f.root().to_path_buf())
        else {
            return;
        };
        let (how, reason) = match end {
            RunEnd::Finished { .. } => (EndKind::Finished, None),
            RunEnd::Stopped { .. } => (EndKind::Stopped, None),
            RunEnd::Failed(why) => (EndKind::Failed, Some(why.clone())),
        };
        let ended = Ended { how, step, reason };
        if let Err(e) = run_state::write_ended(&root, &ended) {
            self.emit(Event::Problem(format!(
                "how the run ended not recorded: {e}"
            )));
        }
    }
}
