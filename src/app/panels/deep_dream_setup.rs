//! Settings of a dream: the picture, the working size with its cost, the network,
//! the layer and channels amplified, the octaves and jitter; live, the step size.

use crate::app::actions::Actions;
use crate::app::dialogs::InputRole;
use crate::app::state::AppState;
use crate::experiments::ExperimentSpec;

use super::picture_inputs;

/// The settings fixed when a run starts.
pub fn fixed_ui(ui: &mut egui::Ui, state: &mut AppState, actions: &mut Actions) {
    let ExperimentSpec::DeepDream(mut spec) = state.draft.clone() else {
        return;
    };
    // Iterations per octave stay as they are when the number of octaves changes.
    let mut per = spec.iterations_per_octave();
    picture_inputs::picture_slot_ui(
        ui,
        state,
        InputRole::Dream,
        "Picture to dream on",
        &mut spec.picture,
        actions,
    );
    egui::Grid::new("dream-fixed").num_columns(2).show(ui, |ui| {
        ui.label("Working size");
        ui.vertical(|ui| {
            ui.add(egui::Slider::new(&mut spec.size, 32..=1024).suffix(" px"))
                .on_hover_text("Longer side of the last octave's picture; larger pictures are scaled down to it.");
            picture_inputs::estimate_ui(
                ui,
                &spec.network,
                spec.size,
                &spec.dream.layer,
                crate::experiments::deep_dream::DREAM_SHARE,
            );
        });
        ui.end_row();

        picture_inputs::network_ui(ui, state, spec.network.clone(), actions);
        ui.end_row();

        ui.label("Layer");
        egui::ComboBox::from_id_salt("dream-layer")
            .selected_text(spec.dream.layer.clone())
            .show_ui(ui, |ui| {
                for n in picture_inputs::layer_names(state, &spec.network) {
                    ui.selectable_value(&mut spec.dream.layer, n.clone(), n);
                }
            })
            .response
            .on_hover_text("Shallow layers amplify strokes and edges; deeper ones, larger patterns.");
        ui.end_row();

        ui.label("Channels");
        let mut text: String = spec
            .dream
            .channels
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        if ui
            .add(egui::TextEdit::singleline(&mut text).hint_text("all"))
            .on_hover_text("Only these channels of the layer, e.g. 3, 17 (empty = all of them).")
            .changed()
        {
            spec.dream.channels = text
                .split([',', ' '])
                .filter_map(|t| t.trim().parse().ok())
                .collect();
        }
        ui.end_row();

        ui.label("Octaves");
        ui.add(egui::Slider::new(&mut spec.dream.octaves, 1..=8))
            .on_hover_text("Scales, the smallest first: large patterns come from the small octaves.");
        ui.end_row();

        ui.label("Octave scale");
        ui.add(egui::Slider::new(&mut spec.dream.octave_scale, 1.1..=2.0))
            .on_hover_text("Ratio between the sides of two successive octaves.");
        ui.end_row();

        ui.label("Iterations per octave");
        ui.add(egui::Slider::new(&mut per, 1..=200))
            .on_hover_text("Gradient-ascent steps at each scale.");
        spec.schedule.steps = per * spec.dream.octaves as u64;
        ui.end_row();

        ui.label("Jitter");
        ui.add(egui::Slider::new(&mut spec.dream.jitter, 0..=32).suffix(" px"))
            .on_hover_text("Largest random shift of the picture before each step; hides the network's grid.");
        ui.end_row();

        ui.label("Seed");
        ui.add(egui::DragValue::new(&mut spec.seed))
            .on_hover_text("Seeds the jitter.");
        ui.end_row();
    });
    if let ExperimentSpec::DeepDream(draft) = &mut state.draft
        && draft.network == spec.network
    {
        *draft = spec;
    }
}
