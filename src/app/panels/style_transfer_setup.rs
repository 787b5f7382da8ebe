//! Settings of a style transfer: the two pictures, the working size with its cost,
//! the network and its layers, the optimiser; live, the three loss weights, Adam's
//! step and colour preservation.

use crate::app::actions::Actions;
use crate::app::dialogs::InputRole;
use crate::app::state::AppState;
use crate::experiments::ExperimentSpec;
use crate::experiments::style_transfer::{PixelOptimiser, StartFrom};
use crate::features::estimate::deepest;

use super::{picture_inputs, seed_rows};

/// The settings fixed when a run starts.
pub fn fixed_ui(ui: &mut egui::Ui, state: &mut AppState, actions: &mut Actions) {
    let ExperimentSpec::StyleTransfer(mut spec) = state.draft.clone() else {
        return;
    };
    ui.horizontal_top(|ui| {
        picture_inputs::picture_slot_ui(
            ui,
            state,
            InputRole::Content,
            "Content (its layout is kept)",
            &mut spec.pictures.content,
            actions,
        );
        picture_inputs::picture_slot_ui(
            ui,
            state,
            InputRole::Style,
            "Style (its textures are taken)",
            &mut spec.pictures.style,
            actions,
        );
    });
    egui::Grid::new("style-fixed").num_columns(2).show(ui, |ui| {
        ui.label("Working size");
        ui.vertical(|ui| {
            ui.add(egui::Slider::new(&mut spec.pictures.size, 32..=1024).suffix(" px"))
                .on_hover_text("Longer side of the picture being optimised; larger pictures are scaled down to it.");
            let layers = std::iter::once(&spec.layers.content).chain(&spec.layers.style);
            let deep = deepest(&spec.network, layers);
            picture_inputs::estimate_ui(ui, &spec.network, spec.pictures.size, &deep, 1.0);
        });
        ui.end_row();

        picture_inputs::network_ui(ui, state, spec.network.clone(), actions);
        ui.end_row();

        let names = picture_inputs::layer_names(state, &spec.network);
        ui.label("Content layer");
        egui::ComboBox::from_id_salt("content-layer")
            .selected_text(spec.layers.content.clone())
            .show_ui(ui, |ui| {
                for n in &names {
                    ui.selectable_value(&mut spec.layers.content, n.clone(), n);
                }
            })
            .response
            .on_hover_text("Deeper layers keep the objects and let the style redraw the details.");
        ui.end_row();

        ui.label("Style layers");
        egui::Grid::new("style-layers").num_columns(4).show(ui, |ui| {
            for (k, n) in names.iter().enumerate() {
                let at = spec.layers.style.iter().position(|s| s == n);
                let mut on = at.is_some();
                if ui
                    .checkbox(&mut on, n.as_str())
                    .on_hover_text("Match this layer's Gram matrix (which features fire together) to the style picture's.")
                    .changed()
                {
                    match (on, at) {
                        (true, None) => {
                            spec.layers.style.push(n.clone());
                            spec.layers.style_weights.push(1.0);
                        }
                        (false, Some(i)) if spec.layers.style.len() > 1 => {
                            spec.layers.style.remove(i);
                            spec.layers.style_weights.remove(i);
                        }
                        _ => {}
                    }
                }
                match spec.layers.style.iter().position(|s| s == n) {
                    Some(i) => {
                        ui.add(
                            egui::DragValue::new(&mut spec.layers.style_weights[i])
                                .range(0.0..=100.0)
                                .speed(0.05),
                        )
                        .on_hover_text("This layer's weight within the style loss.");
                    }
                    None => {
                        ui.label("");
                    }
                }
                if k % 2 == 1 {
                    ui.end_row();
                }
            }
        });
        ui.end_row();

        ui.label("Optimiser");
        ui.horizontal(|ui| {
            ui.radio_value(&mut spec.optimise.optimiser, PixelOptimiser::Adam, "Adam")
                .on_hover_text("One gradient per iteration; steady and cheap.");
            ui.radio_value(&mut spec.optimise.optimiser, PixelOptimiser::Lbfgs, "L-BFGS")
                .on_hover_text("Quasi-Newton with a line search: each iteration costs a few gradients and gains more.");
        });
        ui.end_row();

        ui.label("Start from");
        ui.horizontal(|ui| {
            ui.radio_value(&mut spec.optimise.start, StartFrom::Content, "content")
                .on_hover_text("Start from the content picture: recognisable from the first frame.");
            ui.radio_value(&mut spec.optimise.start, StartFrom::Noise, "noise")
                .on_hover_text("Start from noise: the picture emerges as the losses fall.");
        });
        ui.end_row();

        seed_rows::seed_and_steps_rows(
            ui,
            &mut spec.seed,
            &mut spec.schedule.steps,
            "Iterations of the optimiser on the pixels.",
        );
    });
    if let ExperimentSpec::StyleTransfer(draft) = &mut state.draft {
        // The network choice may have changed the draft itself (layers for VGG).
        if draft.network == spec.network {
            *draft = spec;
        }
    }
}
