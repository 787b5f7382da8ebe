//! The compared runs' samples in a grid (at the timeline's step, else their last):
//! one setting they differ in across, another (or none) down — a sweep's pictures
//! side by side by their settings.

use super::runs_samples::SamplePictures;
use crate::app::actions::Actions;
use crate::app::state::AppState;
use crate::experiments::run_compare::RunSeries;
use crate::runs::config_diff::SettingRow;
use crate::runs::sample_grid;

/// What the grid shows: the runs in their colours, their settings side by side, the
/// timeline's step (`None`: their last samples) and the app's state (the pictures).
pub struct GridInput<'a> {
    /// The runs compared.
    pub runs: &'a [RunSeries],
    /// Their colours.
    pub colours: &'a [egui::Color32],
    /// Their settings side by side.
    pub rows: &'a [SettingRow],
    /// The timeline's step.
    pub step: Option<u64>,
    /// The app's state.
    pub state: &'a AppState,
}

/// The view's choices: the settings across and down, and the pictures shown.
#[derive(Default)]
pub struct SampleGridView {
    across: Option<String>,
    down: Option<String>,
    pictures: SamplePictures,
}

impl SampleGridView {
    /// Draws the grid of `runs`, whose settings side by side are `rows`.
    pub fn ui(&mut self, ui: &mut egui::Ui, input: &GridInput, actions: &mut Actions) {
        let GridInput {
            runs: _,
            colours: _,
            rows,
            step: _,
            state,
        } = *input;
        let keys: Vec<&str> = rows
            .iter()
            .filter(|r| r.differs())
            .map(|r| r.key.as_str())
            .collect();
        let Some(&first) = keys.first() else {
            ui.label("Their settings are the same: nothing to lay the samples out by.");
            return;
        };
        let mut across = self
            .across
            .clone()
            .filter(|k| keys.contains(&k.as_str()))
            .unwrap_or_else(|| first.to_string());
        let mut down = self
            .down
            .clone()
            .filter(|k| keys.contains(&k.as_str()) && *k != across)
            .or_else(|| {
                (self.across.is_none())
                    .then(|| keys.iter().find(|k| **k != across).map(|k| k.to_string()))
                    .flatten()
            });
        ui.horizontal(|ui| {
            egui::ComboBox::from_label("across")
                .selected_text(across.as_str())
                .show_ui(ui, |ui| {
                    for k in &keys {
                        ui.selectable_value(&mut across, k.to_string(), *k);
                    }
                });
            egui::ComboBox::from_label("down")
                .selected_text(down.as_deref().unwrap_or("—"))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut down, None, "—");
                    for k in keys.iter().filter(|k| **k != across) {
                        ui.selectable_value(&mut down, Some(k.to_string()), *k);
                    }
                });
        })
        .response
        .on_hover_text("Each run's saved sample (at the timeline's step), placed by its values of the two settings.");
        if down.as_deref() == Some(across.as_str()) {
            down = None;
        }
        self.across = Some(across.clone());
        self.down = down.clone();
        let Some(grid) = sample_grid::arrange(rows, &across, down.as_deref()) else {
            ui.label("These settings do not place the runs.");
            return;
        };
        ui.label(match &grid.down {
            Some(d) => format!("columns by {}, rows by {d}", grid.across),
            None => format!("columns by {}", grid.across),
        });
        let bare = |v: &str| v.trim_matches('"').to_string();
        let label_width = grid.rows.iter().map(|r| r.len()).max().unwrap_or(0) as f32 * 8.0;
        let cell = ((ui.available_width() - label_width) / grid.columns.len() as f32 - 12.0)
            .clamp(48.0, 180.0);
        egui::Grid::new("runs-sample-grid")
            .spacing([8.0, 8.0])
            .show(ui, |ui| {
                ui.label("");
                for column in &grid.columns {
                    ui.strong(bare(column));
                }
                ui.end_row();
                for (value, cells) in grid.rows.iter().zip(&grid.cells) {
                    ui.strong(bare(value));
                    for runs_here in cells {
                        ui.vertical(|ui| {
                            ui.set_max_width(cell);
                            self.cell_ui(ui, input, runs_here, cell);
                        });
                    }
                    ui.end_row();
                }
            });
        self.pictures.finish(state, actions);
    }

    /// One cell: the first of its runs' sample at `step` (else its last), named in
    /// its colour, and how many more runs share the cell.
    fn cell_ui(&mut self, ui: &mut egui::Ui, input: &GridInput, here: &[usize], cell: f32) {
        let GridInput {
            runs,
            colours,
            step,
            state,
            ..
        } = *input;
        let Some(&k) = here.first() else {
            ui.weak("no run");
            return;
        };
        let run = &runs[k];
        let name = egui::RichText::new(&run.label).small().color(colours[k]);
        ui.add(egui::Label::new(name).truncate())
            .on_hover_text(&run.label);
        let sample = match step {
            Some(s) => run.sample_at(s),
            None => run.samples.last(),
        };
        match sample {
            Some((step, path)) => {
                self.pictures.show(ui, state, path, egui::vec2(cell, cell));
                let more = if here.len() > 1 {
                    format!(" · +{} more", here.len() - 1)
                } else {
                    String::new()
                };
                ui.small(format!("step {step}{more}")).on_hover_text(
                    here.iter()
                        .map(|&i| runs[i].label.as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
            }
            None => {
                ui.weak("no samples");
            }
        }
    }
}
