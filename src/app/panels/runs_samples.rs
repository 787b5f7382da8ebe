//! Runs' samples side by side: one row per compared run, each showing its saved
//! sample (picture or text) nearest the step of the comparison's timeline.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::app::actions::{Actions, UiAction};
use crate::app::run_files::SavedSample;
use crate::app::state::AppState;
use crate::experiments::run_compare::RunSeries;

/// The view's state: the pictures shown (the step is the comparison's timeline's).
#[derive(Default)]
pub struct SamplesSideBySide {
    pictures: SamplePictures,
}

/// Saved samples on screen: what was asked of the run-files thread and the
/// textures made of what came back (shared by the side-by-side view and the grid).
#[derive(Default)]
pub struct SamplePictures {
    asked: HashSet<PathBuf>,
    textures: HashMap<PathBuf, egui::TextureHandle>,
    wanted: Vec<PathBuf>,
}

impl SamplePictures {
    /// Shows the saved sample at `path` within `max` points (a picture scaled to
    /// fit, at most twice its size; a text in monospace), or "reading…" while the
    /// run-files thread reads it.
    pub fn show(&mut self, ui: &mut egui::Ui, state: &AppState, path: &PathBuf, max: egui::Vec2) {
        match state.run_samples.get(path) {
            Some(Ok(SavedSample::Picture(picture))) => {
                let texture = self.textures.entry(path.clone()).or_insert_with(|| {
                    let image = egui::ColorImage::from_rgb(
                        [picture.width, picture.height],
                        &picture.pixels,
                    );
                    ui.ctx().load_texture(
                        format!("run-sample-{}", path.display()),
                        image,
                        egui::TextureOptions::NEAREST,
                    )
                });
                let size = texture.size_vec2();
                let scale = (max.y / size.y.max(1.0))
                    .min(max.x / size.x.max(1.0))
                    .min(2.0);
                ui.image((texture.id(), size * scale));
            }
            Some(Ok(SavedSample::Text(text))) => {
                ui.label(egui::RichText::new(text.as_str()).monospace());
            }
            Some(Err(why)) => {
                ui.colored_label(ui.visuals().warn_fg_color, why);
            }
            None => {
                ui.label("reading…");
                if self.asked.insert(path.clone()) {
                    self.wanted.push(path.clone());
                }
            }
        }
    }

    /// Asks for what was shown but not read, and lets go of what the cache let go.
    pub fn finish(&mut self, state: &AppState, actions: &mut Actions) {
        if !self.wanted.is_empty() {
            actions.push(UiAction::LoadRunSamples(std::mem::take(&mut self.wanted)));
        }
        // Textures of pictures the cache let go are dropped too.
        self.textures
            .retain(|p, _| state.run_samples.contains_key(p));
        // Asked and answered: a picture the cache lets go later is asked for again.
        self.asked.retain(|p| !state.run_samples.contains_key(p));
    }
}

impl SamplesSideBySide {
    /// Draws the rows of `runs` (in their colours) at the timeline's `step` (`None`:
    /// each run's last saved sample).
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        runs: &[RunSeries],
        colours: &[egui::Color32],
        step: Option<u64>,
        state: &AppState,
        actions: &mut Actions,
    ) {
        if runs.iter().all(|r| r.samples.is_empty()) {
            ui.label("These runs saved no samples.");
            return;
        }
        let width = ui.available_width();
        for (run, &colour) in runs.iter().zip(colours) {
            ui.separator();
            let at = match step {
                Some(s) => run.sample_at(s),
                None => run.samples.last(),
            };
            let Some((at, path)) = at else {
                ui.colored_label(colour, format!("{}: no samples", run.label));
                continue;
            };
            ui.colored_label(colour, format!("{} · step {at}", run.label));
            self.pictures
                .show(ui, state, path, egui::vec2(width, 220.0));
        }
        self.pictures.finish(state, actions);
    }
}
