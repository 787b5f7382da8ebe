//! The experiment's settings: the architecture, then that architecture's own panel.

use crate::app::actions::{Actions, UiAction};
use crate::app::state::{AppState, Level};
use crate::experiments::registry;
use crate::presets;

use super::{
    autoencoder_setup, char_lstm_setup, declared_settings, deep_dream_setup, gan2d_setup,
    image_gan_setup, pixel_cnn_setup, style_transfer_setup,
};

/// Draws the settings of the draft spec.
pub fn ui(ui: &mut egui::Ui, state: &mut AppState, actions: &mut Actions) {
    // A branch being set up edits its draft, whatever runs meanwhile.
    let branching = state.branching.is_some();
    let active = state.is_active() && !branching;
    ui.horizontal(|ui| {
        let label = ui.label("Architecture").id;
        let current = state.draft.architecture();
        let current_label = registry::find(current).map_or(current, |a| a.label);
        // A branch keeps its parent's architecture; during a run the window asks first.
        ui.add_enabled_ui(!branching, |ui| {
            egui::ComboBox::from_id_salt("architecture")
                .selected_text(current_label)
                .show_ui(ui, |ui| {
                    for arch in presets::architectures() {
                        let clicked = ui
                            .selectable_label(arch.key == current, arch.label)
                            .clicked();
                        if clicked && arch.key != current {
                            match arch.default_spec() {
                                Ok(spec) => actions.push(UiAction::LoadSpec(Box::new(spec))),
                                Err(e) => state.say(Level::Error, e.to_string()),
                            }
                        }
                    }
                })
                .response
                .labelled_by(label)
                .on_hover_text("Which kind of model to train (during a run, the window asks before stopping it).")
                .on_disabled_hover_text("A branch keeps the architecture of the run it branches from (Cancel the branch to choose another).");
        });
    });
    match fixed_panel(state.draft.architecture()) {
        Some(panel) => {
            ui.add_enabled_ui(!active, |ui| panel(ui, state, actions))
                .response
                .on_disabled_hover_text(
                    "Stop the run to change these; the ones under Live change while it runs.",
                );
            declared_settings::live_ui(ui, state, active, actions);
        }
        // An architecture without a panel of its own: its declared settings.
        None => declared_settings::ui(ui, state, active, actions),
    }
}

/// A settings panel of the window's own (the fixed settings; the live ones are drawn
/// from their declarations), by architecture. An architecture not listed here needs
/// none: the window draws the settings its registry entry declares.
type FixedPanel = fn(&mut egui::Ui, &mut AppState, &mut Actions);

/// The architectures with a panel of their own for their fixed settings.
fn fixed_panel(architecture: &str) -> Option<FixedPanel> {
    Some(match architecture {
        "gan2d" => gan2d_setup::fixed_ui,
        "image_gan" => image_gan_setup::fixed_ui,
        "autoencoder" => autoencoder_setup::fixed_ui,
        "char_lstm" => char_lstm_setup::fixed_ui,
        "pixel_cnn" => pixel_cnn_setup::fixed_ui,
        "style_transfer" => style_transfer_setup::fixed_ui,
        "fast_style" => super::fast_style_setup::fixed_ui,
        "deep_dream" => deep_dream_setup::fixed_ui,
        "sentence_vae" => super::sentence_vae_setup::fixed_ui,
        _ => return None,
    })
}
