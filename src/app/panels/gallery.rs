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
        if self.shown != Some(key) {
            let img = &current.image;
            let image = egui::ColorImage::from_rgb([img.width, img.height], &img.pixels);
            match &mut self.texture {
                Some(t) => t.set(image, egui::TextureOptions::NEAREST),
                None => {
                    self.texture = Some(ui.ctx().load_texture(
                        "gallery",
                        image,
                        egui::TextureOptions::NEAREST,
                    ))
                }
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
            let shown = state.run.as_ref().map_or(&state.draft, |r| &r.info.spec);
            let samples = crate::app::tools_of(shown).samples;
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
        if let Some(t) = &self.texture {
            let size = t.size_vec2();
            let scale = (ui.available_width() / size.x)
                .min(ui.available_height() / size.y)
                .max(0.1);
            ui.image((t.id(), size * scale));
        }
    }
}
