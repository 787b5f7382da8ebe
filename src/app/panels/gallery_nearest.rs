//! Under the sample gallery: the sample clicked, beside its nearest training images
//! by the quality classifier's features and by pixels, and whether it counts as a
//! copy (nearer a training image than 95% of held-out images are).

use crate::app::actions::{Actions, UiAction};
use crate::app::state::AppState;
use crate::lab::{LabQuery, LabSlot, NearImage, NearestImages};
use crate::view::{ImageGrid, RgbImage};

use super::busy_mark::busy_mark;

/// Height the strip takes under the gallery.
pub const STRIP_HEIGHT: f32 = 150.0;

/// The strip's textures, remade when a new answer comes.
#[derive(Default)]
pub struct NearestStrip {
    textures: Vec<egui::TextureHandle>,
    shown: Option<u64>,
}

/// Asks for the nearest training images of tile `tile` of `grid`, whose images
/// have `channels` channels in the dataset.
pub fn ask(
    grid: &ImageGrid,
    tile: usize,
    channels: usize,
    state: &mut AppState,
    actions: &mut Actions,
) {
    let Some(picture) = grid.tile_image(tile) else {
        return;
    };
    let image: Vec<u8> = if channels == 1 {
        picture.pixels.iter().step_by(3).copied().collect()
    } else {
        picture.pixels
    };
    state.lab.nearest_tile = Some(tile);
    state.lab.nearest_pending = true;
    actions.push(UiAction::Lab(LabQuery::Nearest { image }));
}

impl NearestStrip {
    /// Whether there is anything to show (asked, answered or failed).
    pub fn wanted(state: &AppState) -> bool {
        state.lab.nearest_tile.is_some()
    }

    /// Draws the strip.
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState) {
        let lab = &mut state.lab;
        ui.separator();
        ui.horizontal(|ui| {
            ui.strong("Nearest training images");
            if lab.nearest_pending {
                busy_mark(ui);
                ui.weak(
                    "searching the training set (the first time trains the quality classifier)",
                );
            }
            if ui.small_button("Close").clicked() {
                lab.nearest_tile = None;
            }
        });
        if let Some(e) = lab.errors.get(&LabSlot::Nearest) {
            ui.colored_label(ui.visuals().error_fg_color, e);
            return;
        }
        let Some((near, generation)) = &lab.nearest else {
            ui.weak("Click a sample to see whether it is new or a copy of a training image.");
            return;
        };
        if self.shown != Some(*generation) {
            self.textures = pictures(near)
                .iter()
                .enumerate()
                .map(|(i, img)| {
                    let image = egui::ColorImage::from_rgb([img.width, img.height], &img.pixels);
                    ui.ctx().load_texture(
                        format!("nearest-{i}"),
                        image,
                        egui::TextureOptions::NEAREST,
                    )
                })
                .collect();
            self.shown = Some(*generation);
        }
        let side = (ui.available_height() - 40.0).clamp(48.0, 96.0);
        ui.horizontal(|ui| {
            let mut textures = self.textures.iter();
            let mut column = |ui: &mut egui::Ui, title: &str, detail: String, tip: &str| {
                if let Some(t) = textures.next() {
                    ui.vertical(|ui| {
                        ui.image((t.id(), egui::vec2(side, side))).on_hover_text(tip);
                        ui.label(title);
                        ui.weak(detail);
                    });
                }
            };
            column(ui, "the sample", String::new(), "The gallery sample clicked.");
            if let Some(f) = &near.by_features {
                let verdict = match near.copied() {
                    Some(true) => "a copy",
                    _ => "new",
                };
                column(
                    ui,
                    &format!("by features: {verdict}"),
                    detail(f, near.copy_threshold),
                    "The training image nearest in the quality classifier's features. Nearer than the threshold (which only 5% of held-out images come under) counts as a copy.",
                );
            }
            column(
                ui,
                "by pixels",
                detail(&near.by_pixels, None),
                "The training image nearest pixel by pixel (Euclidean distance, pixels in 0-1).",
            );
        });
    }
}

/// The pictures shown, in column order.
fn pictures(near: &NearestImages) -> Vec<RgbImage> {
    let mut out = vec![near.sample.clone()];
    if let Some(f) = &near.by_features {
        out.push(f.image.clone());
    }
    out.push(near.by_pixels.image.clone());
    out
}

fn detail(n: &NearImage, threshold: Option<f32>) -> String {
    match threshold {
        Some(t) => format!(
            "#{} · distance {:.2} (copy < {:.2})",
            n.index, n.distance, t
        ),
        None => format!("#{} · distance {:.2}", n.index, n.distance),
    }
}
