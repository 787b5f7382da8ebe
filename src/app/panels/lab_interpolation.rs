//! Interpolation: the decoded way from one image's code to another's, along the
//! straight line or the great circle, exportable as PNG and GIF.

use super::lab_map::ask_if_new;
use super::lab_widgets::{CachedImage, ThumbStrip};
use crate::app::actions::{Actions, UiAction};
use crate::app::lab_state::LabState;
use crate::app::theme;
use crate::lab::LatentQuery;
use crate::lab::{LabQuery, LabSlot};

/// The interpolation page.
#[derive(Default)]
pub struct InterpolationPage {
    strip: CachedImage,
    last: Option<(u64, LabQuery)>,
}

impl InterpolationPage {
    /// Draws the page.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        lab: &mut LabState,
        thumbs: &mut ThumbStrip,
        actions: &mut Actions,
    ) {
        ui.label("Click an image for the start, right-click one for the end (drop picture files on the window to add your own):");
        let (a, b) = lab.interp;
        let marked = [(a, "start"), (b, "end")];
        match thumbs.ui(ui, &lab.thumbs(), lab.thumbs_key(), &marked) {
            Some((i, false)) => lab.interp.0 = i,
            Some((i, true)) => lab.interp.1 = i,
            None => {}
        }
        ui.horizontal(|ui| {
            ui.add(egui::Slider::new(&mut lab.interp_steps, 3..=24).text("points"))
                .on_hover_text("Images in the strip, both ends included.");
            ui.radio_value(&mut lab.spherical, false, "linear")
                .on_hover_text("Along the straight line between the two codes.");
            ui.radio_value(&mut lab.spherical, true, "spherical")
                .on_hover_text("Along the great circle (slerp): the norm of the code stays typical of the prior, where a straight line cuts through its low-density middle.");
            let ready = lab.images.contains_key(&LabSlot::Interpolation);
            if ui
                .add_enabled(ready, egui::Button::new("Save PNG…"))
                .on_hover_text("Export the strip as a PNG picture.")
                .clicked()
            {
                actions.push(UiAction::ExportLabPng(LabSlot::Interpolation));
            }
            if ui
                .add_enabled(ready, egui::Button::new("Save GIF…"))
                .on_hover_text("Export the strip as an animation, there and back.")
                .clicked()
            {
                actions.push(UiAction::ExportLabGif(LabSlot::Interpolation));
            }
        });
        let query = LabQuery::Latent(LatentQuery::Interpolate {
            a: lab.image_ref(lab.interp.0),
            b: lab.image_ref(lab.interp.1),
            steps: lab.interp_steps,
            spherical: lab.spherical,
        });
        ask_if_new(&mut self.last, lab.map_generation, query, actions);
        ui.separator();
        if let Some(img) = lab.images.get(&LabSlot::Interpolation) {
            let width = ui.available_width();
            let aspect = img.grid.image.width as f32 / img.grid.image.height.max(1) as f32;
            let side = width.min(ui.available_height() * aspect);
            self.strip
                .ui(ui, "lab-strip", &img.grid.image, img.generation, side);
        }
        if let Some(e) = lab.errors.get(&LabSlot::Interpolation) {
            ui.colored_label(theme::WARNING, e);
        }
    }
}
