//! One slider per latent dimension, starting at the code of a chosen image: move
//! one while the others stay fixed and watch the decoded image change.

use super::lab_map::ask_if_new;
use super::lab_widgets::{CachedImage, ThumbStrip};
use crate::app::actions::{Actions, UiAction};
use crate::app::lab_state::LabState;
use crate::app::theme;
use crate::lab::LatentQuery;
use crate::lab::{LabQuery, LabSlot, LatentMap};

/// A dimension whose codes vary less than this across the held-out set is
/// inactive (it carries no information).
const INACTIVE_VARIANCE: f32 = 0.01;

/// The sliders page.
#[derive(Default)]
pub struct SlidersPage {
    image: CachedImage,
    last: Option<(u64, LabQuery)>,
    /// The base image and map the sliders were loaded for.
    loaded: Option<(usize, u64)>,
}

impl SlidersPage {
    /// Draws the page.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        lab: &mut LabState,
        map: &LatentMap,
        thumbs: &mut ThumbStrip,
        actions: &mut Actions,
    ) {
        ui.label("Click an image to start from its code (drop picture files on the window to add your own):");
        let marked = [(lab.slider_base, "start")];
        if let Some((i, _)) = thumbs.ui(ui, &lab.thumbs(), lab.thumbs_key(), &marked) {
            lab.slider_base = i;
        }
        // A new base image (or the first map) loads its code into the sliders.
        if self.loaded.map(|(b, _)| b) != Some(lab.slider_base) || lab.sliders.len() != map.dim {
            self.loaded = Some((lab.slider_base, lab.map_generation));
            lab.load_sliders = true;
            actions.push(UiAction::Lab(LabQuery::Latent(LatentQuery::Encode {
                slot: LabSlot::Sliders,
                images: vec![lab.image_ref(lab.slider_base)],
            })));
            self.last = None;
        }
        ui.separator();
        let ranges = dimension_ranges(map);
        let mut changed = false;
        ui.horizontal_top(|ui| {
            let img_side = (ui.available_height() - 40.0).clamp(96.0, 260.0);
            ui.vertical(|ui| {
                ui.set_width(img_side + 8.0);
                if let Some(img) = lab.images.get(&LabSlot::Sliders) {
                    self.image
                        .ui(ui, "lab-sliders", &img.grid.image, img.generation, img_side);
                }
                if ui
                    .button("Back to the image's code")
                    .on_hover_text("Set every slider to the chosen image's code again.")
                    .clicked()
                {
                    self.loaded = None;
                }
                if let Some(e) = lab.errors.get(&LabSlot::Sliders) {
                    ui.colored_label(theme::WARNING, e);
                }
            });
            egui::ScrollArea::vertical().show(ui, |ui| {
                egui::Grid::new("lab-sliders").num_columns(2).show(ui, |ui| {
                    for (d, value) in lab.sliders.iter_mut().enumerate() {
                        let (lo, hi, var) = ranges.get(d).copied().unwrap_or((-3.0, 3.0, 1.0));
                        let name = if var < INACTIVE_VARIANCE {
                            format!("z{} (inactive)", d + 1)
                        } else {
                            format!("z{}", d + 1)
                        };
                        ui.label(name).on_hover_text(format!(
                            "Dimension {} of the code; its variance over the held-out set is {var:.3}{}",
                            d + 1,
                            if var < INACTIVE_VARIANCE { ": the decoder ignores it (posterior collapse)" } else { "" }
                        ));
                        changed |= ui
                            .add(egui::Slider::new(value, lo..=hi).fixed_decimals(2))
                            .changed();
                        ui.end_row();
                    }
                });
            });
        });
        if changed || !lab.load_sliders {
            let query = LabQuery::Latent(LatentQuery::Decode {
                slot: LabSlot::Sliders,
                codes: vec![lab.sliders.clone()],
                cols: 1,
            });
            ask_if_new(&mut self.last, lab.map_generation, query, actions);
        }
    }
}

/// Per dimension: a slider range covering the held-out codes with room to spare,
/// and their variance.
fn dimension_ranges(map: &LatentMap) -> Vec<(f32, f32, f32)> {
    (0..map.dim)
        .map(|d| {
            let values: Vec<f32> = map.codes.iter().filter_map(|c| c.get(d).copied()).collect();
            let n = values.len().max(1) as f32;
            let mean = values.iter().sum::<f32>() / n;
            let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / n;
            let sd = var.sqrt().max(0.5);
            (mean - 3.0 * sd, mean + 3.0 * sd, var)
        })
        .collect()
}
