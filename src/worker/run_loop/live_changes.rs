//! A live change asked for while a run goes: made by the experiment (or refused),
//! answered to the front end, and recorded in the run folder's `live_changes.csv`.

use super::RunLoop;
use crate::runs::changes_file::{self, LiveChange};
use crate::worker::protocol::Event;

impl RunLoop {
    /// Changes `key` to `value` (TOML text) in the running experiment.
    pub(super) fn set_live(&mut self, key: String, value: String) {
        if let Err(e) = self.rewind_if_pending() {
            self.emit(Event::Problem(format!("run folder not rewound: {e}")));
        }
        let changed = match self.run.as_mut() {
            Some(r) => crate::experiments::live::change(&mut *r.exp, &key, &value)
                .map(|sentence| (r.step, sentence, r.folder.clone())),
            None => Err(crate::StudioError::Spec("no run is going".into())),
        };
        match changed {
            Ok((step, sentence, folder)) => {
                if let Some(folder) = folder {
                    let change = LiveChange {
                        step,
                        key: key.clone(),
                        value: value.clone(),
                    };
                    let path = folder.root().join(changes_file::CHANGES_FILE);
                    if let Err(e) = changes_file::append(&path, &change) {
                        self.emit(Event::Problem(format!("change not recorded: {e}")));
                    }
                }
                self.emit(Event::LiveChanged { step, key, value });
                self.emit(Event::Notice(sentence));
            }
            Err(e) => self.emit(Event::LiveRefused {
                key,
                reason: e.to_string(),
            }),
        }
    }
}

use crate::worker::priority::{LOWEST, set_current_thread_priority, set_training_threads_priority};

impl RunLoop {
    /// Sets the training threads' priority (this thread and the compute pool's).
    pub(super) fn set_priority(&mut self, nice: i32) {
        let nice = nice.clamp(-20, 19);
        self.config.nice = nice;
        let idle = self.yielding && nice >= LOWEST;
        let mine = set_current_thread_priority(nice, idle);
        let pool: Vec<bool> = rayon::broadcast(|_| set_current_thread_priority(nice, idle));
        // Threads candle started from the pool take it too.
        let _ = set_training_threads_priority(nice, idle);
        if mine && pool.iter().all(|&ok| ok) {
            self.emit(Event::Notice(format!("training priority: nice {nice}")));
        } else {
            self.emit(Event::Problem(format!(
                "the system refused training priority nice {nice} (a higher priority than before needs permission; start the studio with --nice {nice} instead)"
            )));
        }
    }

    /// Training at the lowest priority yields to every other thread's wake-up (or
    /// stops yielding), silently: the window asks as its frame rate changes.
    pub(super) fn yield_to_frames(&mut self, on: bool) {
        self.yielding = on;
        let nice = self.config.nice;
        if nice < LOWEST {
            return;
        }
        set_training_threads_priority(nice, on);
    }
}
