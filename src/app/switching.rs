//! Choosing another preset or architecture: the new choice shows at once (its empty
//! plots, the Training tab, no answers of the old model's lab) while the last run
//! stays in the Runs tab. With a run loaded (running or paused) the window asks
//! first whether to stop it.

use super::StudioApp;
use super::central::Tab;
use super::state::Level;
use crate::experiments::ExperimentSpec;
use crate::worker::Command;

/// A switch waiting for the user's answer, because a run is loaded.
#[derive(Clone, Debug)]
pub struct PendingSwitch {
    /// What the user chose.
    pub spec: Box<ExperimentSpec>,
}

impl StudioApp {
    /// The user chose `spec` (the preset menu, the architecture menu, a preset file).
    pub(super) fn switch_to(&mut self, spec: ExperimentSpec) {
        // A branch being set up edits its own draft while the run goes on.
        if self.state.branching.is_some() && spec.architecture() == self.state.draft.architecture()
        {
            self.state.draft = spec;
            return;
        }
        if self.state.is_active() {
            self.state.pending_switch = Some(PendingSwitch {
                spec: Box::new(spec),
            });
            return;
        }
        self.show_new_choice(spec);
    }

    /// Puts `spec` in the setup panel and clears what belonged to the last run.
    fn show_new_choice(&mut self, spec: ExperimentSpec) {
        self.state.branching = None;
        self.state.draft = spec;
        self.state.forget_last_run();
        self.tab = Tab::Training;
        self.lab = Default::default();
        self.pixel_draw = Default::default();
        self.text_generate = Default::default();
        self.text_samples = Default::default();
        self.gallery = Default::default();
        self.canvas = Default::default();
    }

    /// The question a switch during a run asks, as a modal window.
    pub(super) fn switch_question_ui(&mut self, ctx: &egui::Context) {
        let Some(pending) = self.state.pending_switch.clone() else {
            return;
        };
        // The run may have ended meanwhile: then nothing needs asking.
        if !self.state.is_active() {
            self.state.pending_switch = None;
            return self.show_new_choice(*pending.spec);
        }
        let (what, step) = match &self.state.run {
            Some(r) => (
                if self.state.is_paused() {
                    "paused"
                } else {
                    "training"
                },
                r.progress.as_ref().map_or(r.info.first_step, |p| p.step),
            ),
            None => ("loaded", 0),
        };
        let mut answer = None;
        let modal = egui::Modal::new(egui::Id::unique("switch question")).show(ctx, |ui| {
            ui.set_max_width(420.0);
            ui.heading(format!("Switch to {}?", pending.spec.name()));
            ui.label(format!(
                "The current run is {what} at step {step}. Switching stops it: its last \
                 checkpoint is written and it stays in the Runs tab, where it can be continued."
            ));
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if ui.button("Stop the run and switch").clicked() {
                    answer = Some(true);
                }
                if ui.button("Keep the run").clicked() {
                    answer = Some(false);
                }
            });
        });
        if modal.should_close() && answer.is_none() {
            answer = Some(false);
        }
        match answer {
            Some(true) => {
                self.state.pending_switch = None;
                self.send(Command::Stop);
                self.state.say(
                    Level::Info,
                    format!("stopped the run to switch to {}", pending.spec.name()),
                );
                self.show_new_choice(*pending.spec);
            }
            Some(false) => self.state.pending_switch = None,
            None => {}
        }
    }
}
