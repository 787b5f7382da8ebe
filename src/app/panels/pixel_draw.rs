//! Drawing with a PixelCNN: images appear pixel by pixel (or row by row), with each
//! pixel's uncertainty beside them; completions of a held-out image or a dropped
//! picture (its top rows, or around or inside a dragged rectangle), several side by
//! side after the original; a gallery of finished drawings.

use super::lab_widgets::{CachedImage, ThumbStrip};
use super::pixel_region::RegionPicker;
use crate::app::actions::{Actions, UiAction};
use crate::app::lab_state::LabState;
use crate::app::theme;
use crate::lab::PixelQuery;
use crate::lab::{DrawRequest, LabQuery, LabSlot};

/// Held-out images offered for completion.
const ORIGINALS: usize = 24;

/// The drawing page and its choices.
pub struct PixelDraw {
    count: usize,
    seed: u64,
    per_update: usize,
    complete: bool,
    image: usize,
    region: RegionPicker,
    thumbs: ThumbStrip,
    canvas: CachedImage,
    heat: CachedImage,
    gallery: Vec<CachedImage>,
    /// Whether the page has asked for a drawing yet (it waits for a click: a drawing
    /// shares the worker with training).
    started: bool,
}

impl Default for PixelDraw {
    fn default() -> Self {
        Self {
            count: 4,
            seed: 1,
            per_update: 1,
            complete: false,
            image: 0,
            region: RegionPicker::default(),
            thumbs: ThumbStrip::default(),
            canvas: CachedImage::default(),
            heat: CachedImage::default(),
            gallery: Vec::new(),
            started: false,
        }
    }
}

impl PixelDraw {
    /// Draws the page.
    pub fn ui(&mut self, ui: &mut egui::Ui, lab: &LabState, actions: &mut Actions) {
        // The held-out images to complete (and the size dropped pictures are read at).
        if lab.originals.is_empty()
            && !lab.is_waiting(LabSlot::Originals)
            && !lab.errors.contains_key(&LabSlot::Originals)
        {
            actions.push(UiAction::Lab(LabQuery::Pixels(PixelQuery::Originals {
                count: ORIGINALS,
            })));
        }
        ui.horizontal_wrapped(|ui| {
            ui.radio_value(&mut self.complete, false, "draw from nothing")
                .on_hover_text("Every pixel drawn from the model's prediction given the pixels before it.");
            ui.radio_value(&mut self.complete, true, "complete a picture")
                .on_hover_text("Keep part of a held-out image (or of a picture you drop on the window) and let the model draw the rest, several times.");
        });
        if self.complete {
            self.thumbs_ui(ui, lab);
        }
        ui.horizontal_wrapped(|ui| {
            ui.label("images");
            ui.add(egui::Slider::new(&mut self.count, 1..=16));
            ui.label("seed");
            ui.add(egui::DragValue::new(&mut self.seed));
            ui.label("speed");
            for (n, label, tip) in [
                (1, "pixel by pixel", "One pixel per update: watch it think."),
                (28, "row by row", "A row per update."),
                (784, "at once", "As fast as it can, shown when done."),
            ] {
                ui.radio_value(&mut self.per_update, n, label)
                    .on_hover_text(tip);
            }
            if ui
                .button("Start drawing")
                .on_hover_text("Draw new images (a new press starts over). Drawing shares the CPU with training.")
                .clicked()
            {
                self.started = true;
                actions.push(UiAction::Lab(LabQuery::Pixels(PixelQuery::Draw(
                    DrawRequest {
                        count: self.count,
                        seed: self.seed,
                        pixels_per_update: self.per_update,
                        complete: self.complete.then(|| lab.image_ref(self.image)),
                        keep: self.region.keep(),
                    },
                ))));
                self.seed += 1;
            }
        });
        if let Some(e) = lab.errors.get(&LabSlot::Pixels) {
            ui.colored_label(theme::WARNING, e);
        }
        if !self.started && lab.drawing.is_none() {
            ui.weak("Press Start drawing to watch the model draw.");
        }
        ui.separator();
        ui.horizontal_top(|ui| {
            if self.complete {
                ui.vertical(|ui| self.region_ui(ui, lab));
                ui.separator();
            }
            ui.vertical(|ui| self.drawing_ui(ui, lab));
        });
        if !lab.drawn_gallery.is_empty() {
            ui.separator();
            ui.label("finished drawings");
            let n = lab.drawn_gallery.len();
            self.gallery.resize_with(n, CachedImage::default);
            ui.horizontal_wrapped(|ui| {
                for (i, (grid, tex)) in lab.drawn_gallery.iter().zip(&mut self.gallery).enumerate()
                {
                    // The gallery shifts as it fills: key each picture by the count too.
                    let key = (n * 100 + i) as u64;
                    tex.ui(ui, &format!("pixel-done-{i}"), &grid.image, key, 96.0);
                }
            });
        }
    }
}

impl PixelDraw {
    /// Switches to completing thumbnail `i` (a picture just dropped, say).
    pub fn complete_picture(&mut self, i: usize) {
        self.complete = true;
        self.image = i;
    }

    /// The pictures to complete: held-out images and dropped pictures to pick from.
    fn thumbs_ui(&mut self, ui: &mut egui::Ui, lab: &LabState) {
        if lab.originals.is_empty() && lab.map.is_none() {
            match lab.errors.get(&LabSlot::Originals) {
                Some(e) => ui.colored_label(theme::WARNING, e),
                None => ui.label("fetching held-out images…"),
            };
            return;
        }
        let thumbs = lab.thumbs();
        self.image = self.image.min(thumbs.len().saturating_sub(1));
        ui.label("Pick a picture (drop a picture file on the window to add your own):");
        if let Some((i, _)) = self.thumbs.ui(
            ui,
            &thumbs,
            lab.thumbs_key(),
            &[(self.image, "to complete")],
        ) {
            self.image = i;
        }
    }

    /// The picture chosen, with the region kept.
    fn region_ui(&mut self, ui: &mut egui::Ui, lab: &LabState) {
        let thumbs = lab.thumbs();
        if let Some(picture) = thumbs.get(self.image) {
            let key = lab.thumbs_key() * 1_000 + self.image as u64;
            self.region.ui(ui, picture, key);
        }
    }

    /// The drawing in progress and its uncertainty map.
    fn drawing_ui(&mut self, ui: &mut egui::Ui, lab: &LabState) {
        let Some(d) = &lab.drawing else {
            ui.label("Press Start drawing: the model draws every pixel from the ones above and to its left.");
            return;
        };
        ui.label(format!(
            "{} of {} pixels in {:.1} s{}",
            d.drawn,
            d.total,
            d.secs,
            if d.done { " (done)" } else { "" }
        ));
        let images_label = "images (the original first, for a completion)";
        let heat_label = "uncertainty: entropy of each pixel's prediction";
        let heat_tip = "Bright where the model hesitated when it drew the pixel (in units of the most uncertain possible), dark where it was sure; kept pixels are dark.";
        let heat = heat_colours(&d.entropy.image);
        // The longer side of a grid that fits `width` × `height`.
        let image = &d.grid.image;
        let aspect = image.width.max(1) as f32 / image.height.max(1) as f32;
        let longer = |width: f32, height: f32| {
            let (w, h) = if aspect >= 1.0 {
                (width, height * aspect)
            } else {
                (width / aspect, height)
            };
            w.min(h).max(120.0)
        };
        if self.complete {
            // Beside the region picker: the two grids one above the other.
            let side = longer(
                ui.available_width() - 8.0,
                (ui.available_height() - 80.0) / 2.0,
            );
            ui.label(images_label);
            self.canvas
                .ui(ui, "pixel-canvas", &d.grid.image, d.generation, side);
            ui.label(heat_label).on_hover_text(heat_tip);
            self.heat.ui(ui, "pixel-heat", &heat, d.generation, side);
            return;
        }
        let side = longer(
            (ui.available_width() - 24.0) / 2.0,
            ui.available_height() - 140.0,
        );
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.label(images_label);
                self.canvas
                    .ui(ui, "pixel-canvas", &d.grid.image, d.generation, side);
            });
            ui.vertical(|ui| {
                ui.label(heat_label).on_hover_text(heat_tip);
                self.heat.ui(ui, "pixel-heat", &heat, d.generation, side);
            });
        });
    }
}

/// A grayscale uncertainty map in heat colours.
fn heat_colours(image: &crate::view::RgbImage) -> crate::view::RgbImage {
    let pixels = image
        .pixels
        .chunks(3)
        .flat_map(|p| crate::theme::uncertainty_colour(p[0] as f32 / 255.0))
        .collect();
    crate::view::RgbImage {
        width: image.width,
        height: image.height,
        pixels,
    }
}
