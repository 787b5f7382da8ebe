//! One run's details in the Runs tab: where it is and how it ended, its note and
//! tags (kept in its folder), and what to do with it: open it, train it again,
//! use its settings, rename it, or move it to the trash (asked first).

use std::path::PathBuf;

use crate::app::actions::{Actions, UiAction};
use crate::app::state::AppState;
use crate::experiments::run_summary::{RunStatus, RunSummary, folder_name};
use crate::runs::notes::RunNotes;

/// The pane's state: which run, and the text being edited.
#[derive(Default)]
pub struct RunDetails {
    folder: Option<PathBuf>,
    note: String,
    tags: String,
    new_name: String,
    confirm_delete: bool,
}

impl RunDetails {
    /// The run shown, if any.
    pub fn folder(&self) -> Option<&PathBuf> {
        self.folder.as_ref()
    }

    /// Shows `run`, its note and tags ready to edit.
    pub fn open(&mut self, run: &RunSummary) {
        *self = Self {
            folder: Some(run.folder.clone()),
            note: run.notes.note.clone(),
            tags: run.notes.tags.join(", "),
            new_name: folder_name(&run.folder),
            confirm_delete: false,
        };
    }

    /// Hides the pane.
    pub fn close(&mut self) {
        *self = Self::default();
    }

    /// Draws the pane for `run`.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        run: &RunSummary,
        state: &AppState,
        actions: &mut Actions,
    ) {
        ui.horizontal(|ui| {
            ui.strong(folder_name(&run.folder));
            ui.label(format!(
                "{} · {} · {}",
                run.name,
                run.architecture,
                run.status.label()
            ));
            if ui
                .small_button("×")
                .on_hover_text("Close the details.")
                .clicked()
            {
                self.close();
            }
        });
        ui.label(run.folder.display().to_string());
        if let Some(l) = &run.lineage {
            let gone = if l.parent.exists() {
                ""
            } else {
                " (no longer there)"
            };
            ui.label(format!(
                "branched from {} at step {}{gone}",
                l.parent.display(),
                l.parent_step
            ));
        }
        ui.label(format!("history: {}", run.history.describe()))
            .on_hover_text(
                "Checkpoints kept in its checkpoints/ folder to rewind to and branch from: the last few, and older ones thinned out (schedule.keep_checkpoints, schedule.checkpoint_budget_mb).",
            );
        if let (RunStatus::Failed, Some(why)) = (run.status, &run.failure) {
            ui.colored_label(ui.visuals().error_fg_color, format!("failed: {why}"));
        }
        let running = run.status == RunStatus::Running;
        self.actions_ui(ui, run, state, running, actions);
        ui.add_space(4.0);
        ui.label("Note");
        ui.add(
            egui::TextEdit::multiline(&mut self.note)
                .desired_rows(3)
                .desired_width(f32::INFINITY)
                .hint_text("What this run tried, what you saw"),
        );
        ui.horizontal(|ui| {
            ui.label("Tags");
            ui.add(
                egui::TextEdit::singleline(&mut self.tags)
                    .hint_text("comma, separated")
                    .desired_width(240.0),
            );
            let notes = RunNotes {
                note: self.note.trim_end().to_string(),
                tags: RunNotes::parse_tags(&self.tags),
            };
            let changed = notes != run.notes;
            if ui
                .add_enabled(changed, egui::Button::new("Save note and tags"))
                .on_hover_text("Kept in the run folder's notes.toml.")
                .on_disabled_hover_text("Nothing changed.")
                .clicked()
            {
                actions.push(UiAction::SaveRunNotes(run.folder.clone(), notes));
            }
        });
        self.rename_delete_ui(ui, run, running, actions);
    }

    fn actions_ui(
        &mut self,
        ui: &mut egui::Ui,
        run: &RunSummary,
        state: &AppState,
        running: bool,
        actions: &mut Actions,
    ) {
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(!running, egui::Button::new("Open in the studio"))
                .on_hover_text(
                    "Load it, paused: its plots and samples, its lab; continue it with Resume.",
                )
                .on_disabled_hover_text("It is being trained now.")
                .clicked()
            {
                actions.push(UiAction::OpenRun(run.folder.clone()));
            }
            let busy = state.is_active();
            if ui
                .add_enabled(!busy, egui::Button::new("Train again"))
                .on_hover_text("A new run with the same settings, in a new folder.")
                .on_disabled_hover_text("Stop the current run first.")
                .clicked()
            {
                actions.push(UiAction::TrainAgain(Box::new(run.spec.clone())));
            }
            if ui
                .button("Use these settings")
                .on_hover_text(
                    "Load its settings into the setup panel, to change one and press Start.",
                )
                .clicked()
            {
                actions.push(UiAction::LoadSpec(Box::new(run.spec.clone())));
            }
        });
    }

    fn rename_delete_ui(
        &mut self,
        ui: &mut egui::Ui,
        run: &RunSummary,
        running: bool,
        actions: &mut Actions,
    ) {
        ui.horizontal_wrapped(|ui| {
            ui.add(egui::TextEdit::singleline(&mut self.new_name).desired_width(200.0));
            let name = self.new_name.trim().to_string();
            let changed = !name.is_empty() && name != folder_name(&run.folder);
            if ui
                .add_enabled(changed && !running, egui::Button::new("Rename"))
                .on_hover_text("Rename the run folder.")
                .on_disabled_hover_text(if running {
                    "It is being trained now."
                } else {
                    "Type a new name."
                })
                .clicked()
            {
                actions.push(UiAction::RenameRun(run.folder.clone(), name));
                self.close();
                return;
            }
            ui.separator();
            if self.confirm_delete {
                ui.label("Move it to the trash (.trash beside it)?");
                if ui.button("Yes, delete").clicked() {
                    actions.push(UiAction::TrashRun(run.folder.clone()));
                    self.close();
                } else if ui.button("Cancel").clicked() {
                    self.confirm_delete = false;
                }
            } else if ui
                .add_enabled(!running, egui::Button::new("Delete…"))
                .on_hover_text("Moves the folder into .trash beside it; nothing is erased.")
                .on_disabled_hover_text("It is being trained now.")
                .clicked()
            {
                self.confirm_delete = true;
            }
        });
    }
}
