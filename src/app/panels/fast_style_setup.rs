//! Settings of a fast style transfer: the style picture, the content pictures it
//! learns from (the studio's landscapes or a folder of photos), the feature network,
//! the training size, the network's width and depth, and the optimised comparison.
//! The live settings (loss weights, learning rate) are drawn from the registry.

use std::path::PathBuf;

use crate::app::actions::Actions;
use crate::app::dialogs::InputRole;
use crate::app::state::AppState;
use crate::experiments::ExperimentSpec;
use crate::experiments::fast_style::ContentSource;
use crate::features::estimate::deepest;

use super::{picture_inputs, seed_rows};

/// The settings fixed when a run starts.
pub fn fixed_ui(ui: &mut egui::Ui, state: &mut AppState, actions: &mut Actions) {
    let ExperimentSpec::FastStyle(mut spec) = state.draft.clone() else {
        return;
    };
    picture_inputs::picture_slot_ui(
        ui,
        state,
        InputRole::Style,
        "Style (its textures are learnt)",
        &mut spec.style,
        actions,
    );
    egui::Grid::new("fast-style-fixed").num_columns(2).show(ui, |ui| {
        ui.label("Learn from");
        ui.vertical(|ui| {
            let landscapes = spec.content.source == ContentSource::Landscapes;
            if ui
                .radio(landscapes, "the studio's landscapes")
                .on_hover_text("Landscapes the studio draws, each from its own seed: sun, hills, house, lake and light vary. Nothing to load.")
                .clicked()
            {
                spec.content.source = ContentSource::Landscapes;
            }
            if landscapes {
                ui.add(egui::Slider::new(&mut spec.content.count, 1..=2000).text("landscapes"));
            }
            if ui
                .radio(!landscapes, "a folder of photos")
                .on_hover_text("Every PNG and JPEG in a folder, scaled to cover the training size; its last ones are kept aside to measure on. Type its path, or drop the folder on the window.")
                .clicked()
                && landscapes
            {
                spec.content.source = ContentSource::Folder(PathBuf::new());
            }
            if let ContentSource::Folder(path) = &mut spec.content.source {
                let mut text = path.display().to_string();
                let field = egui::TextEdit::singleline(&mut text)
                    .hint_text("/path/to/photos")
                    .desired_width(220.0);
                if ui.add(field).changed() {
                    *path = crate::app::typed_path::expand_home(&text);
                }
            }
            ui.add(egui::Slider::new(&mut spec.content.held_out, 1..=16).text("held out"))
                .on_hover_text("Pictures kept aside: the gallery and the held-out losses are theirs.");
        });
        ui.end_row();

        ui.label("Training width");
        ui.vertical(|ui| {
            ui.add(egui::Slider::new(&mut spec.content.size, 32..=512).suffix(" px"))
                .on_hover_text("Width of the pictures it learns on (4:3). It repaints pictures of any size afterwards.");
            let layers = std::iter::once(&spec.layers.content).chain(&spec.layers.style);
            let deep = deepest(&spec.network, layers);
            let batch = spec.train.batch_size as f64;
            picture_inputs::estimate_ui(ui, &spec.network, spec.content.size, &deep, batch);
        });
        ui.end_row();

        picture_inputs::network_ui(ui, state, spec.network.clone(), actions);
        ui.end_row();

        ui.label("Network");
        ui.horizontal(|ui| {
            ui.add(egui::DragValue::new(&mut spec.model.width).range(4..=128).prefix("width "))
                .on_hover_text("Channels of the first layer (twice and four times that further down): wider learns more and repaints slower.");
            ui.add(egui::DragValue::new(&mut spec.model.blocks).range(0..=16).suffix(" blocks"))
                .on_hover_text("Residual blocks at a quarter of the size.");
            ui.add(egui::DragValue::new(&mut spec.model.noise).range(0..=16).suffix(" noise"))
                .on_hover_text("Channels of random noise fed in beside the picture: where the picture is flat, the only thing the network can build texture from (fixed when repainting).");
            ui.add(egui::DragValue::new(&mut spec.train.batch_size).range(1..=64).prefix("batch "))
                .on_hover_text("Content pictures per step.");
        });
        ui.end_row();

        seed_rows::rate_schedule_row(
            ui,
            &mut spec.train.lr_warmup,
            &mut spec.train.lr_decay,
            "After the warm-up: held, or brought down to zero by the run's last step (along a half cosine or a line): a decay settles the network at the end, for lower held-out losses in the same time.",
        );

        ui.label("Compare with");
        ui.horizontal(|ui| {
            let most = spec.content.held_out;
            ui.add(egui::DragValue::new(&mut spec.compare.pictures).range(0..=most).suffix(" optimised"))
                .on_hover_text("Held-out pictures also repainted the slow way (their pixels optimised by L-BFGS), once, to show beside the network's.");
            ui.add(egui::DragValue::new(&mut spec.compare.iterations).range(1..=1000).suffix(" iterations"));
        });
        ui.end_row();

        seed_rows::seed_and_steps_rows(
            ui,
            &mut spec.seed,
            &mut spec.schedule.steps,
            "Training steps: a batch of content pictures through the network and the feature network, and back.",
        );
    });
    if let ExperimentSpec::FastStyle(draft) = &mut state.draft {
        // The network choice may have changed the draft itself (layers for VGG).
        if draft.network == spec.network {
            *draft = spec;
        }
    }
}
