//! Settings of a PixelCNN.

use crate::app::actions::Actions;
use crate::app::state::AppState;
use crate::experiments::ExperimentSpec;

use super::{binarize_row, seed_rows};

/// The settings fixed when a run starts.
pub fn fixed_ui(ui: &mut egui::Ui, state: &mut AppState, _actions: &mut Actions) {
    let ExperimentSpec::PixelCnn(spec) = &mut state.draft else {
        return;
    };
    egui::Grid::new("pixelcnn-fixed").num_columns(2).show(ui, |ui| {
        ui.label("Data");
        let data = match spec.data.source {
            crate::experiments::image_data::DataSource::Glyphs => "glyph digits".to_string(),
            _ => spec.data.path.display().to_string(),
        };
        ui.label(data).on_hover_text("Glyph digits by default; IDX files or a picture folder through the Dataset tab.");
        ui.end_row();

        binarize_row::binarize_row(ui, &mut spec.data);

        if spec.data.channels == 3 {
            ui.label("Palette colours");
            ui.add(egui::Slider::new(&mut spec.model.palette, 2..=256).logarithmic(true))
                .on_hover_text("Colour pictures: k-means picks this many colours, and each pixel is predicted as one of them.");
        } else {
            ui.label("Intensity levels");
            ui.add(egui::Slider::new(&mut spec.model.levels, 2..=256).logarithmic(true))
                .on_hover_text("Each pixel is quantised to this many levels and predicted by a softmax over them: 2 = black and white.");
        }
        ui.end_row();

        ui.label("Channels");
        ui.add(egui::DragValue::new(&mut spec.model.channels).range(4..=256))
            .on_hover_text("Channels of the hidden layers.");
        ui.end_row();

        ui.label("Residual blocks");
        ui.add(egui::Slider::new(&mut spec.model.blocks, 0..=12))
            .on_hover_text("Each block widens what a pixel sees by one pixel each way (above and to the left).");
        ui.end_row();

        ui.label("Gated");
        ui.checkbox(&mut spec.model.gated, "tanh · σ gates")
            .on_hover_text("Gated PixelCNN's activation tanh(a)·σ(b) instead of ReLU.");
        ui.end_row();

        ui.label("Batch size");
        ui.add(egui::DragValue::new(&mut spec.train.batch_size).range(1..=256))
            .on_hover_text("Images per update.");
        ui.end_row();

        ui.label("Samples");
        ui.add(egui::Slider::new(&mut spec.sample.count, 1..=36))
            .on_hover_text("Images drawn pixel by pixel for each gallery picture (each takes one pass of the network per pixel).");
        ui.end_row();

        seed_rows::seed_and_steps_rows(ui, &mut spec.seed, &mut spec.schedule.steps, "How many batches the run lasts.");
    });
}
