//! Samples from the prior: codes drawn from N(0, I) and decoded, as a gallery.

use super::lab_map::ask_if_new;
use super::lab_widgets::CachedImage;
use crate::app::actions::{Actions, UiAction};
use crate::app::lab_state::LabState;
use crate::app::theme;
use crate::lab::LatentQuery;
use crate::lab::{LabQuery, LabSlot};

/// Samples in the gallery.
const SAMPLES: usize = 64;

/// The prior page.
#[derive(Default)]
pub struct PriorPage {
    image: CachedImage,
    last: Option<(u64, LabQuery)>,
}

impl PriorPage {
    /// Draws the page.
    pub fn ui(&mut self, ui: &mut egui::Ui, lab: &mut LabState, actions: &mut Actions) {
        ui.horizontal(|ui| {
            ui.label("Codes drawn from the prior N(0, I), decoded.")
                .on_hover_text("A VAE is trained to decode such codes into plausible images; a plain autoencoder is not, and its samples show it.");
            if ui.button("New samples").clicked() {
                lab.prior_seed += 1;
            }
            ui.weak(format!("seed {}", lab.prior_seed));
            if ui
                .add_enabled(lab.images.contains_key(&LabSlot::Prior), egui::Button::new("Save PNG…"))
                .clicked()
            {
                actions.push(UiAction::ExportLabPng(LabSlot::Prior));
            }
        });
        let query = LabQuery::Latent(LatentQuery::Prior {
            count: SAMPLES,
            seed: lab.prior_seed,
        });
        ask_if_new(&mut self.last, lab.map_generation, query, actions);
        ui.separator();
        if let Some(img) = lab.images.get(&LabSlot::Prior) {
            let side = ui.available_width().min(ui.available_height());
            self.image
                .ui(ui, "lab-prior", &img.grid.image, img.generation, side);
        }
        if let Some(e) = lab.errors.get(&LabSlot::Prior) {
            ui.colored_label(theme::WARNING, e);
        }
    }
}
