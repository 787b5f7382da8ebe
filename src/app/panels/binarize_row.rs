//! The row that binarises an image model's data: off, by a threshold, or
//! stochastically (redrawn every epoch), for grayscale images.

use crate::data::binarize::Binarize;
use crate::experiments::image_data::ImageData;

/// A "Binarise" row of the current grid; nothing for colour images.
pub fn binarize_row(ui: &mut egui::Ui, data: &mut ImageData) {
    if data.channels != 1 {
        return;
    }
    ui.label("Binarise").on_hover_text(
        "Make every pixel black or white, as the papers' binarised MNIST is, so that nats per image compare with theirs.",
    );
    ui.horizontal(|ui| {
        for mode in [Binarize::Off, Binarize::Threshold, Binarize::Stochastic] {
            ui.radio_value(&mut data.binarize, mode, mode.label())
                .on_hover_text(mode.about());
        }
    });
    ui.end_row();
}
