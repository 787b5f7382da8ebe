//! The dataset browser: a grid of examples, the count, the label histogram, and the
//! choice of what an image model trains on.

use egui_plot::{Bar, BarChart, Plot};

use crate::app::actions::{Actions, UiAction};
use crate::app::dialogs::FolderKind;
use crate::app::state::AppState;
use crate::app::theme;
use crate::data::preview::{self, DatasetSource};

/// The browser and its texture cache.
#[derive(Default)]
pub struct DatasetBrowser {
    texture: Option<egui::TextureHandle>,
    shown: Option<DatasetSource>,
}

impl DatasetBrowser {
    /// Draws the browser.
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, busy: bool, actions: &mut Actions) {
        ui.horizontal_wrapped(|ui| {
            ui.add_enabled_ui(!busy, |ui| {
                if ui.button("Show the run's dataset").on_hover_text("Load the dataset the settings name.").clicked() {
                    actions.push(UiAction::PreviewDataset);
                }
                if ui
                    .button("Open IDX folder…")
                    .on_hover_text("A folder with MNIST-style files: train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz].")
                    .clicked()
                {
                    actions.push(UiAction::OpenDatasetDialog(FolderKind::Idx));
                }
                if ui
                    .button("Open picture folder…")
                    .on_hover_text("A folder of PNG/JPEG pictures, one sub-folder per class; resized to the model's size.")
                    .clicked()
                {
                    actions.push(UiAction::OpenDatasetDialog(FolderKind::Pictures));
                }
            });
            if busy {
                super::busy_mark::busy_mark(ui);
                ui.label("loading…");
            }
        });
        if let Some(err) = &state.dataset_error {
            ui.colored_label(theme::ERROR, err);
        }
        let Some(p) = &state.dataset else {
            ui.label("Press \"Show the run's dataset\" to see what the model will learn from.");
            return;
        };
        if self.shown.as_ref() != Some(&p.source) {
            let image = egui::ColorImage::from_rgb([p.grid.width, p.grid.height], &p.grid.pixels);
            self.texture = Some(ui.ctx().load_texture(
                "dataset-grid",
                image,
                egui::TextureOptions::NEAREST,
            ));
            self.shown = Some(p.source.clone());
        }
        ui.heading(preview::describe(&p.source));
        let [w, h, c] = p.shape;
        let held = p
            .held_out
            .map(|n| format!(" + {n} held out"))
            .unwrap_or_default();
        ui.label(format!(
            "{} images{held}, {w}×{h}, {}",
            p.count,
            if c == 1 { "grayscale" } else { "colour" }
        ));
        if !p.skipped.is_empty() {
            let r = ui.colored_label(
                theme::WARNING,
                format!("{} files skipped as unreadable", p.skipped.len()),
            );
            r.on_hover_ui(|ui| {
                for (path, why) in p.skipped.iter().take(20) {
                    ui.label(format!("{}: {why}", path.display()));
                }
            });
        }
        if ui
            .button("Train on this dataset")
            .on_hover_text("The next run of the image GAN uses this dataset.")
            .clicked()
        {
            actions.push(UiAction::UseDataset(p.source.clone()));
        }
        ui.horizontal_top(|ui| {
            if let Some(t) = &self.texture {
                let side = (ui.available_width() * 0.5)
                    .min(ui.available_height())
                    .max(100.0);
                ui.image((
                    t.id(),
                    egui::vec2(side, side * t.size_vec2().y / t.size_vec2().x),
                ));
            }
            if !p.classes.is_empty() {
                let bars: Vec<Bar> = p
                    .classes
                    .iter()
                    .enumerate()
                    .map(|(i, (name, n))| {
                        Bar::new(i as f64, *n as f64)
                            .name(name)
                            .fill(theme::series(i))
                    })
                    .collect();
                let names: Vec<String> = p.classes.iter().map(|(n, _)| n.clone()).collect();
                ui.vertical(|ui| {
                    ui.label("Images per class");
                    // One mark per class, named by the class (not a numeric axis).
                    Plot::new("class-histogram")
                        .height(ui.available_height().min(300.0))
                        .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
                        .x_axis_formatter(move |mark, _| {
                            let i = mark.value.round();
                            if (mark.value - i).abs() > 1e-6 || i < 0.0 {
                                return String::new();
                            }
                            names.get(i as usize).cloned().unwrap_or_default()
                        })
                        .show(ui, |plot| plot.bar_chart(BarChart::new("images", bars)));
                });
            }
        });
    }
}
