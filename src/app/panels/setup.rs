//! The experiment's settings: the architecture, then that architecture's own panel.

use crate::app::actions::{Actions, UiAction};
use crate::app::state::AppState;
use crate::experiments::ExperimentSpec;
use crate::presets;

use super::{
    autoencoder_setup, char_lstm_setup, deep_dream_setup, gan2d_setup, image_gan_setup,
    pixel_cnn_setup, style_transfer_setup,
};

/// The architectures the picker offers: key and label.
const ARCHITECTURES: [(&str, &str); 7] = [
    ("gan2d", "GAN · 2-D"),
    ("image_gan", "Image GAN (DCGAN, WGAN, WGAN-GP)"),
    ("autoencoder", "Autoencoder / VAE"),
    ("char_lstm", "Character LSTM (text)"),
    ("pixel_cnn", "PixelCNN"),
    ("style_transfer", "Style transfer (optimise the picture)"),
    ("deep_dream", "DeepDream (optimise the picture)"),
];

/// Draws the settings of the draft spec.
pub fn ui(ui: &mut egui::Ui, state: &mut AppState, actions: &mut Actions) {
    let active = state.is_active();
    ui.horizontal(|ui| {
        let label = ui.label("Architecture").id;
        let current = state.draft.architecture();
        let current_label = ARCHITECTURES
            .iter()
            .find(|a| a.0 == current)
            .map_or(current, |a| a.1);
        ui.add_enabled_ui(!active, |ui| {
            egui::ComboBox::from_id_salt("architecture")
                .selected_text(current_label)
                .show_ui(ui, |ui| {
                    for (key, name) in ARCHITECTURES {
                        let clicked = ui.selectable_label(key == current, name).clicked();
                        if let (true, Some(spec)) = (
                            clicked && key != current,
                            presets::architecture_default(key),
                        ) {
                            actions.push(UiAction::LoadSpec(Box::new(spec)));
                        }
                    }
                })
                .response
                .labelled_by(label)
                .on_hover_text("Which kind of model to train (stop the run to change it).");
        });
    });
    let disabled_tip = "Stop the run to change these; the ones under Live change while it runs.";
    let live_only = |ui: &mut egui::Ui| {
        ui.separator();
        ui.strong("Live (change while it runs)");
    };
    match &state.draft {
        ExperimentSpec::CharLstm(_) => {
            ui.add_enabled_ui(!active, |ui| char_lstm_setup::fixed_ui(ui, state, actions))
                .response
                .on_disabled_hover_text(disabled_tip);
        }
        ExperimentSpec::StyleTransfer(_) => {
            ui.add_enabled_ui(!active, |ui| {
                style_transfer_setup::fixed_ui(ui, state, actions)
            })
            .response
            .on_disabled_hover_text(disabled_tip);
            live_only(ui);
            return style_transfer_setup::live_ui(ui, state, active, actions);
        }
        ExperimentSpec::DeepDream(_) => {
            ui.add_enabled_ui(!active, |ui| deep_dream_setup::fixed_ui(ui, state, actions))
                .response
                .on_disabled_hover_text(disabled_tip);
            live_only(ui);
            return deep_dream_setup::live_ui(ui, state, active, actions);
        }
        _ => {}
    }
    match &mut state.draft {
        ExperimentSpec::Gan2d(spec) => {
            ui.add_enabled_ui(!active, |ui| gan2d_setup::fixed_ui(ui, spec))
                .response
                .on_disabled_hover_text(disabled_tip);
            ui.separator();
            ui.strong("Live (change while it runs)");
            gan2d_setup::live_ui(ui, spec, active, actions);
        }
        ExperimentSpec::ImageGan(spec) => {
            ui.add_enabled_ui(!active, |ui| image_gan_setup::fixed_ui(ui, spec))
                .response
                .on_disabled_hover_text(disabled_tip);
            ui.separator();
            ui.strong("Live (change while it runs)");
            image_gan_setup::live_ui(ui, spec, active, actions);
        }
        ExperimentSpec::Autoencoder(spec) => {
            ui.add_enabled_ui(!active, |ui| autoencoder_setup::fixed_ui(ui, spec))
                .response
                .on_disabled_hover_text(disabled_tip);
            ui.separator();
            ui.strong("Live (change while it runs)");
            autoencoder_setup::live_ui(ui, spec, active, actions);
        }
        ExperimentSpec::PixelCnn(spec) => {
            ui.add_enabled_ui(!active, |ui| pixel_cnn_setup::fixed_ui(ui, spec))
                .response
                .on_disabled_hover_text(disabled_tip);
            ui.separator();
            ui.strong("Live (change while it runs)");
            pixel_cnn_setup::live_ui(ui, spec, active, actions);
        }
        ExperimentSpec::CharLstm(spec) => {
            ui.separator();
            ui.strong("Live (change while it runs)");
            char_lstm_setup::live_ui(ui, spec, active, actions);
        }
        ExperimentSpec::StyleTransfer(_) | ExperimentSpec::DeepDream(_) => {}
    }
}
