//! The top bar: the File menu and the preset picker.

use crate::app::actions::{Actions, UiAction};
use crate::app::state::AppState;
use crate::presets;

/// Draws the menu bar.
pub fn ui(ui: &mut egui::Ui, state: &AppState, dialog_open: bool, actions: &mut Actions) {
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
            ui.separator();
            if ui.button("Quit").clicked() {
                actions.push(UiAction::Quit);
            }
        });
        ui.separator();
        let label = ui.label("Preset:").id;
        let active = state.is_active();
        ui.add_enabled_ui(!active, |ui| {
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
                .on_hover_text("A ready experiment from presets/ (stop the run to change it).");
        });
    });
}
