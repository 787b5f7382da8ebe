//! The sample gallery of an image model: the newest grid from fixed noise, a slider
//! to scrub back through the run's history, and new noise on demand.

use crate::app::actions::{Actions, UiAction};
use crate::app::state::AppState;
use crate::experiments::registry::SampleKind;
use crate::view::ImageGrid;
use crate::worker::Command;

use super::gallery_nearest::{self, NearestStrip, STRIP_HEIGHT};

/// The gallery and its texture cache.
#[derive(Default)]
pub struct Gallery {
    texture: Option<egui::TextureHandle>,
    /// A picture experiment's result (the grid's last tile), drawn large.
    result: Option<egui::TextureHandle>,
    /// `(view generation, selected index)` the texture shows.
    shown: Option<(u64, Option<usize>)>,
    /// A clicked sample beside its nearest training images.
    nearest: NearestStrip,
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
            let clickable = samples == SampleKind::NoiseGallery;
            let strip = if NearestStrip::wanted(state) {
                STRIP_HEIGHT
            } else {
                0.0
            };
            let height = (ui.available_height() - strip).max(60.0);
            let response = fit_image(ui, t, ui.available_width(), height);
            if clickable {
                let response = response.on_hover_text(
                    "Click a sample to see its nearest training images: is it new, or a copy?",
                );
                if let (Some(tile), Some(grid)) = (state.lab.nearest_tile, state.gallery.current())
                {
                    mark_tile(ui, grid, response.rect, tile);
                }
                let click = response
                    .interact_pointer_pos()
                    .filter(|_| response.clicked());
                if let Some(pos) = click
                    && let Some(grid) = state.gallery.current().cloned()
                    && let Some(tile) = tile_at(&grid, response.rect, pos)
                {
                    let channels = shown_channels(state);
                    gallery_nearest::ask(&grid, tile, channels, state, actions);
                }
                if NearestStrip::wanted(state) {
                    self.nearest.ui(ui, state);
                }
            }
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
fn fit_image(
    ui: &mut egui::Ui,
    t: &egui::TextureHandle,
    width: f32,
    height: f32,
) -> egui::Response {
    let size = t.size_vec2();
    let scale = (width / size.x).min(height / size.y).max(0.1);
    ui.add(
        egui::Image::new((t.id(), size * scale))
            .sense(egui::Sense::click())
            .alt_text("sample gallery"),
    )
}

/// The tile of `grid` under `pos` in the grid's picture drawn in `rect` (tiles are
/// separated by 1-pixel gaps); `None` on a gap or outside.
pub fn tile_at(grid: &ImageGrid, rect: egui::Rect, pos: egui::Pos2) -> Option<usize> {
    let (iw, ih) = (grid.image.width as f32, grid.image.height as f32);
    let x = (pos.x - rect.min.x) / rect.width() * iw;
    let y = (pos.y - rect.min.y) / rect.height() * ih;
    if x < 0.0 || y < 0.0 {
        return None;
    }
    let (tw, th) = (grid.tile_width + 1, grid.tile_height + 1);
    let (col, row) = (
        (x as usize).saturating_sub(1) / tw,
        (y as usize).saturating_sub(1) / th,
    );
    (col < grid.cols && row < grid.rows).then_some(row * grid.cols + col)
}

/// Outlines tile `tile` of `grid` drawn in `rect`.
fn mark_tile(ui: &egui::Ui, grid: &ImageGrid, rect: egui::Rect, tile: usize) {
    let (sx, sy) = (
        rect.width() / grid.image.width as f32,
        rect.height() / grid.image.height as f32,
    );
    let (col, row) = (tile % grid.cols, tile / grid.cols);
    let x0 = rect.min.x + (col * (grid.tile_width + 1)) as f32 * sx;
    let y0 = rect.min.y + (row * (grid.tile_height + 1)) as f32 * sy;
    let r = egui::Rect::from_min_size(
        egui::pos2(x0, y0),
        egui::vec2(
            (grid.tile_width + 2) as f32 * sx,
            (grid.tile_height + 2) as f32 * sy,
        ),
    );
    let colour = crate::app::theme::ACCENT;
    ui.painter().rect_stroke(
        r,
        0.0,
        egui::Stroke::new(2.0, colour),
        egui::StrokeKind::Inside,
    );
}

/// Channels of the images of the model shown.
fn shown_channels(state: &AppState) -> usize {
    let spec = state.run.as_ref().map_or(&state.draft, |r| &r.info.spec);
    spec.image_data().map_or(1, |(d, _)| d.channels)
}
