//! The top bar: the File menu and the preset picker.

use crate::app::actions::{Actions, UiAction};
use crate::app::state::AppState;
use crate::presets;

/// Runs offered under File → Recent runs.
const RECENT: usize = 8;

/// Draws the menu bar. `type_paths`: ask for paths as text instead of dialogs.
pub fn ui(
    ui: &mut egui::Ui,
    state: &AppState,
    dialog_open: bool,
    type_paths: &mut bool,
    actions: &mut Actions,
) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            ui.add_enabled_ui(!dialog_open, |ui| {
                if ui.button("Open preset…").on_hover_text("Load an experiment from a TOML preset file.").clicked() {
                    actions.push(UiAction::OpenPresetDialog);
                }
                if ui.button("Save preset as…").on_hover_text("Write the current settings to a TOML preset file.").clicked() {
                    actions.push(UiAction::SavePresetDialog);
                }
                if ui
                    .button("Open run folder…")
                    .on_hover_text("Load a run folder's checkpoint and its metrics, paused, to continue training it.")
                    .clicked()
                {
                    actions.push(UiAction::OpenRunDialog);
                }
            });
            recent_runs(ui, state, actions);
            ui.checkbox(type_paths, "Type paths instead of dialogs")
                .on_hover_text("Ask for every file or folder as typed text (where the system's file dialogs do not work, e.g. over SSH). The window does so by itself when no dialog can open.");
            ui.separator();
            if ui.button("Quit").clicked() {
                actions.push(UiAction::Quit);
            }
        });
        ui.menu_button("Help", |ui| {
            if ui
                .button("What the numbers mean, and the keys (F1)")
                .on_hover_text("A glossary of every metric on screen, with its unit, and the window's keys.")
                .clicked()
            {
                actions.push(UiAction::ShowHelp);
                ui.close();
            }
        });
        ui.separator();
        let label = ui.label("Preset:").id;
        {
            egui::ComboBox::from_id_salt("preset")
                .selected_text(state.draft.name())
                .show_ui(ui, |ui| {
                    for p in presets::built_in() {
                        let Ok(spec) = p.spec() else { continue };
                        let selected = spec.name() == state.draft.name();
                        if ui.selectable_label(selected, spec.name()).clicked() {
                            actions.push(UiAction::LoadSpec(Box::new(spec)));
                        }
                    }
                })
                .response
                .labelled_by(label)
                .on_hover_text("A ready experiment from presets/ (during a run, the window asks before stopping it).");
        }
    });
}

/// File → Recent runs: the newest run folders, to open paused.
fn recent_runs(ui: &mut egui::Ui, state: &AppState, actions: &mut Actions) {
    let response = ui.menu_button("Recent runs", |ui| match &state.runs {
        Some(Ok((runs, _))) if !runs.is_empty() => {
            for run in runs.iter().take(RECENT) {
                let label = format!("{} · {} · step {}", run.name, run.architecture, run.steps);
                if ui
                    .button(label)
                    .on_hover_text(format!(
                        "Open {} paused, to continue it or explore it.",
                        run.folder.display()
                    ))
                    .clicked()
                {
                    actions.push(UiAction::OpenRun(run.folder.clone()));
                    ui.close();
                }
            }
        }
        Some(Ok(_)) => {
            ui.label("No runs yet.");
        }
        Some(Err(e)) => {
            ui.label(format!("The runs could not be read: {e}"));
        }
        None => {
            ui.label("Reading the runs…");
        }
    });
    if response.response.hovered() && state.runs.is_none() {
        actions.push(UiAction::ScanRunsOnce);
    }
}
