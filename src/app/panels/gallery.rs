//! The sample gallery of an image model: the newest grid from fixed noise, a slider
//! to scrub back through the run's history, and new noise on demand.

use crate::app::actions::{Actions, UiAction};
use crate::app::state::AppState;
use crate::experiments::registry::SampleKind;
use crate::worker::Command;

/// The gallery and its texture cache.
#[derive(Default)]
pub struct Gallery {
    texture: Option<egui::TextureHandle>,
    /// A picture experiment's result (the grid's last tile), drawn large.
    result: Option<egui::TextureHandle>,
    /// `(view generation, selected index)` the texture shows.
    shown: Option<(u64, Option<usize>)>,
}

impl Gallery {
    /// Draws the gallery, filling the space given.
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState, actions: &mut Actions) {
        let active = state.is_active();
        let generation = state.view_generation;
        let history = &mut state.gallery;
        let Some(current) = history.current() else {
            ui.centered_and_justified(|ui| ui.label("Press Start to watch the samples sharpen."));
            return;
        };
        let step = current.step;
        let caption = current.caption.clone();
        let key = (generation, history.selected);
        let shown = state.run.as_ref().map_or(&state.draft, |r| &r.info.spec);
        let samples = crate::app::tools_of(shown).samples;
        let is_picture = samples == SampleKind::Picture;
        if self.shown != Some(key) {
            set_texture(
                ui,
                &mut self.texture,
                "gallery",
                &current.image,
                egui::TextureOptions::NEAREST,
            );
            let result = is_picture
                .then(|| current.tile_image((current.cols * current.rows).saturating_sub(1)))
                .flatten();
            match result {
                // A picture is a photo, not pixel art: smooth when scaled.
                Some(img) => set_texture(
                    ui,
                    &mut self.result,
                    "gallery-result",
                    &img,
                    egui::TextureOptions::LINEAR,
                ),
                None => self.result = None,
            }
            self.shown = Some(key);
        }
        ui.horizontal(|ui| {
            let mut follow = history.selected.is_none();
            if ui
                .checkbox(&mut follow, "follow training")
                .on_hover_text("Show the newest samples; untick to scrub back through the run.")
                .changed()
            {
                history.selected = if follow {
                    None
                } else {
                    Some(history.len().saturating_sub(1))
                };
            }
            let last = history.len().saturating_sub(1);
            if let Some(sel) = history.selected.as_mut() {
                ui.add(egui::Slider::new(sel, 0..=last).show_value(false))
                    .on_hover_text(
                        "Scrub through the history of the run (older grids are thinned out).",
                    );
            }
            ui.label(format!("step {step}"));
            if samples == SampleKind::NoiseGallery && ui
                .add_enabled(active, egui::Button::new("New noise"))
                .on_hover_text("Draw a new fixed noise batch for the gallery.")
                .clicked()
            {
                actions.push(UiAction::Send(Command::NewViewNoise));
            }
            if ui
                .button("Save PNG…")
                .on_hover_text("Export the grid shown as a PNG picture.")
                .clicked()
            {
                actions.push(UiAction::ExportPng);
            }
            if samples == SampleKind::Picture && ui
                .button("Save result…")
                .on_hover_text("Export the result alone (the last picture of the grid), at the working size, as PNG.")
                .clicked()
            {
                actions.push(UiAction::ExportResultPng);
            }
            if ui
                .button("Save GIF…")
                .on_hover_text("Export the gallery's history as an animated GIF.")
                .clicked()
            {
                actions.push(UiAction::ExportGif);
            }
        });
        if !caption.is_empty() {
            ui.weak(caption);
        }
        if let (Some(grid), Some(result)) = (&self.texture, &self.result) {
            // The inputs and the result as a strip, then the result as large as fits.
            let strip = (ui.available_height() * 0.22).min(140.0);
            fit_image(ui, grid, ui.available_width(), strip);
            ui.weak("result");
            fit_image(ui, result, ui.available_width(), ui.available_height());
        } else if let Some(t) = &self.texture {
            fit_image(ui, t, ui.available_width(), ui.available_height());
        }
    }
}

/// Puts `image` into `slot` (made on first use).
fn set_texture(
    ui: &egui::Ui,
    slot: &mut Option<egui::TextureHandle>,
    name: &str,
    img: &crate::view::RgbImage,
    options: egui::TextureOptions,
) {
    let image = egui::ColorImage::from_rgb([img.width, img.height], &img.pixels);
    match slot {
        Some(t) => t.set(image, options),
        None => *slot = Some(ui.ctx().load_texture(name, image, options)),
    }
}

/// Draws a texture scaled to fit `width` × `height`, keeping its aspect.
fn fit_image(ui: &mut egui::Ui, t: &egui::TextureHandle, width: f32, height: f32) {
    let size = t.size_vec2();
    let scale = (width / size.x).min(height / size.y).max(0.1);
    ui.image((t.id(), size * scale));
}
