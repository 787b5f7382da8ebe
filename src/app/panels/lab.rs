//! The latent lab of an autoencoder: its pages (map, sliders, interpolation,
//! concept vectors, prior samples) and the map that follows training.

use std::time::{Duration, Instant};

use super::lab_widgets::ThumbStrip;
use super::{lab_concepts, lab_interpolation, lab_map, lab_prior, lab_sliders};
use crate::app::actions::{Actions, UiAction};
use crate::app::lab_state::LabPage;
use crate::app::state::AppState;
use crate::lab::LatentQuery;
use crate::lab::{LabQuery, LabSlot};

/// Held-out images encoded for the map.
const MAP_POINTS: usize = 1000;
/// Thumbnails offered to pick images from.
const THUMBS: usize = 40;
/// While training, the map is encoded again at most this often.
const MAP_REFRESH: Duration = Duration::from_secs(2);

/// The lab and the textures of its pages.
#[derive(Default)]
pub struct LabPanel {
    thumbs: ThumbStrip,
    map: lab_map::MapPage,
    sliders: lab_sliders::SlidersPage,
    interpolation: lab_interpolation::InterpolationPage,
    concepts: lab_concepts::ConceptsPage,
    prior: lab_prior::PriorPage,
    map_asked: Option<Instant>,
}

impl LabPanel {
    /// Draws the lab.
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState, actions: &mut Actions) {
        if state.run.is_none() {
            ui.centered_and_justified(|ui| {
                ui.label("Train an autoencoder (or open a run folder) to explore its latent space.")
            });
            return;
        }
        self.keep_map_fresh(state, actions);
        let lab = &mut state.lab;
        ui.horizontal(|ui| {
            for (page, label, tip) in [
                (LabPage::Map, "Latent map", "The held-out images encoded and drawn in two dimensions; point anywhere to decode it."),
                (LabPage::Sliders, "Sliders", "One slider per latent dimension, starting at an image's code."),
                (LabPage::Interpolation, "Interpolation", "Decode the way from one image's code to another's."),
                (LabPage::Concepts, "Concept vectors", "A direction between two sets of images, added to any image."),
                (LabPage::Prior, "Prior samples", "Codes drawn from the prior N(0, I), decoded."),
            ] {
                ui.selectable_value(&mut lab.page, page, label).on_hover_text(tip);
            }
            if lab.map.is_none() && lab.is_waiting(LabSlot::Map) {
                super::busy_mark::busy_mark(ui);
            }
        });
        if let Some(e) = lab.errors.get(&LabSlot::Map) {
            ui.colored_label(crate::app::theme::WARNING, e);
        }
        ui.separator();
        let Some(map) = lab.map.clone() else {
            ui.label("Encoding the held-out images…");
            return;
        };
        match lab.page {
            LabPage::Map => self.map.ui(ui, lab, &map, actions),
            LabPage::Sliders => self.sliders.ui(ui, lab, &map, &mut self.thumbs, actions),
            LabPage::Interpolation => self.interpolation.ui(ui, lab, &mut self.thumbs, actions),
            LabPage::Concepts => self.concepts.ui(ui, lab, &map, &mut self.thumbs, actions),
            LabPage::Prior => self.prior.ui(ui, lab, actions),
        }
    }

    /// Asks for the map when there is none, and again (now and then) as the model
    /// trains.
    fn keep_map_fresh(&mut self, state: &mut AppState, actions: &mut Actions) {
        let generation = state.view_generation;
        let lab = &mut state.lab;
        if lab.is_waiting(LabSlot::Map) || lab.map_asked_at == Some(generation) {
            return;
        }
        let due = lab.map.is_none() || self.map_asked.is_none_or(|t| t.elapsed() >= MAP_REFRESH);
        if due {
            lab.map_asked_at = Some(generation);
            self.map_asked = Some(Instant::now());
            actions.push(UiAction::Lab(LabQuery::Latent(LatentQuery::Map {
                max_points: MAP_POINTS,
                thumbs: THUMBS,
            })));
        }
    }
}
