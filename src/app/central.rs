//! The window's central area: the tabs an architecture offers (its registry entry
//! says which: training, its lab tool, the dataset) and what each shows.

use super::panels;
use super::{StudioApp, tools_of};
use crate::experiments::registry::{LabTool, SampleKind};

/// The central area's tabs: training, the lab tool and the dataset where the
/// architecture has them, and the runs always.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tab {
    Training,
    Dataset,
    Lab,
    Model,
    Runs,
}

impl StudioApp {
    /// The tabs shown now, in order (number keys 1, 2, … choose them).
    pub(super) fn visible_tabs(&self) -> Vec<Tab> {
        let shown = self
            .state
            .run
            .as_ref()
            .map_or(&self.state.draft, |r| &r.info.spec);
        let mut tabs = vec![Tab::Training];
        if tools_of(shown).lab.is_some() {
            tabs.push(Tab::Lab);
        }
        if shown.image_data().is_some() {
            tabs.push(Tab::Dataset);
        }
        tabs.push(Tab::Model);
        tabs.push(Tab::Runs);
        tabs
    }

    /// Draws the central area.
    pub(super) fn central_ui(&mut self, ui: &mut egui::Ui, dialog_open: bool) {
        let shown = self
            .state
            .run
            .as_ref()
            .map_or(&self.state.draft, |r| &r.info.spec);
        let images = shown.image_data().is_some();
        let tools = tools_of(shown);
        let is_text = tools.lab == Some(LabTool::Text);
        let is_pixel = tools.lab == Some(LabTool::Pixels);
        let is_sentence = tools.lab == Some(LabTool::Sentences);
        let is_repaint = tools.lab == Some(LabTool::Repaint);
        let has_lab = tools.lab.is_some();
        // A lab asked for before its model is loaded (e.g. `--run`) opens once it is.
        let tab = match self.tab {
            Tab::Lab if !has_lab => Tab::Training,
            Tab::Dataset if !images => Tab::Training,
            t => t,
        };
        {
            let mut picked = tab;
            ui.horizontal(|ui| {
            ui.selectable_value(&mut picked, Tab::Training, "Training")
                .on_hover_text("Samples and plots of the run. (key 1; the next tabs 2, 3, …)");
            if is_pixel {
                ui.selectable_value(&mut picked, Tab::Lab, "Draw").on_hover_text(
                    "Watch images drawn pixel by pixel, with the model's uncertainty; complete half an image.",
                );
            } else if is_text {
                ui.selectable_value(&mut picked, Tab::Lab, "Generate")
                    .on_hover_text(
                        "Write with the model: prompt, temperature, top-k, top-p, side by side, and the next-character distribution.",
                    );
            } else if is_sentence {
                ui.selectable_value(&mut picked, Tab::Lab, "Sentence lab")
                    .on_hover_text(
                        "Walk from one sentence to another through the code, write sentences back, draw from the prior, move a sentence along a concept vector.",
                    );
            } else if is_repaint {
                ui.selectable_value(&mut picked, Tab::Lab, "Repaint")
                    .on_hover_text(
                        "Repaint any picture with the trained network at its own size, and a landscape live as its sliders move.",
                    );
            } else if has_lab {
                ui.selectable_value(&mut picked, Tab::Lab, "Latent lab")
                    .on_hover_text(
                        "Walk in the latent space: map, sliders, interpolation, concept vectors, prior samples.",
                    );
            }
            if images {
                ui.selectable_value(&mut picked, Tab::Dataset, "Dataset")
                    .on_hover_text(
                        "Browse the images the model learns from, or choose others.",
                    );
            }
            ui.selectable_value(&mut picked, Tab::Model, "Model")
                .on_hover_text("The model's card: its layers with output shapes, parameters, FLOPs, activation memory and the kernels they run on, for the setup as it is now.");
            ui.selectable_value(&mut picked, Tab::Runs, "Runs")
                .on_hover_text("Every run in the runs folder: status, steps, headline metric; open one.");
        });
            ui.separator();
            if picked != tab {
                self.tab = picked;
            }
        }
        if tab == Tab::Runs {
            if self.state.runs.is_none() && !self.runs_scan_pending {
                self.actions.push(super::actions::UiAction::ScanRuns);
            }
            self.runs_list.ui(ui, &self.state, &mut self.actions);
            return;
        }
        if tab == Tab::Model {
            // The setup's model, or the running one's while it trains.
            let spec = match &self.state.run {
                Some(r) if self.state.is_active() => &r.info.spec,
                _ => &self.state.draft,
            };
            self.model_card.ui(ui, spec);
            return;
        }
        if tab == Tab::Dataset {
            self.dataset_browser
                .ui(ui, &self.state, dialog_open, &mut self.actions);
            return;
        }
        if tab == Tab::Lab && is_text {
            if self.state.run.is_none() {
                ui.label("Train a character model (or open a run folder) to write with it.");
                return;
            }
            let key = self.text_model_key();
            self.text_generate
                .ui(ui, &mut self.state.lab, key, &mut self.actions);
            return;
        }
        if tab == Tab::Lab && is_pixel {
            if self.state.run.is_none() {
                ui.label("Train a PixelCNN (or open a run folder) to draw with it.");
                return;
            }
            self.pixel_draw.ui(ui, &self.state.lab, &mut self.actions);
            return;
        }
        if tab == Tab::Lab && is_sentence {
            if self.state.run.is_none() {
                ui.label("Train a sentence VAE (or open a run folder) to walk between sentences.");
                return;
            }
            let key = self.text_model_key();
            self.sentence_lab
                .ui(ui, &mut self.state.lab, key, &mut self.actions);
            return;
        }
        if tab == Tab::Lab && is_repaint {
            if self.state.run.is_none() {
                ui.label(
                    "Train the style network (or open a run folder) to repaint pictures with it.",
                );
                return;
            }
            let key = self.text_model_key();
            self.repaint
                .ui(ui, &mut self.state.lab, key, &mut self.actions);
            return;
        }
        if tab == Tab::Lab {
            self.lab.ui(ui, &mut self.state, &mut self.actions);
            return;
        }
        // A picture experiment's result deserves the room; its losses need little.
        let share = if tools.samples == SampleKind::Picture {
            0.62
        } else {
            0.5
        };
        let side = (ui.available_width() * share).min(ui.available_height().max(200.0));
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(side);
                ui.set_height(ui.available_height());
                match tools.samples {
                    SampleKind::Text => self.text_samples.ui(ui, &self.state),
                    SampleKind::Points2d => self.canvas.ui(ui, &mut self.state),
                    SampleKind::NoiseGallery | SampleKind::Gallery | SampleKind::Picture => {
                        self.gallery.ui(ui, &mut self.state, &mut self.actions)
                    }
                }
            });
            ui.separator();
            ui.vertical(|ui| {
                panels::metric_plots::ui(ui, &self.state, &mut self.plot_tools, &mut self.actions)
            });
        });
    }
}
