//! Runs compared: the settings that differ between them, then one plot per metric
//! they share with one line per run in a colour of its own (the run's folder name
//! in the legend; click it to hide the line), under the plot tools.

use super::line_plot::{self, Marker, PlotAsk, PlotExtras, PlotLine, PlotMenu, PlotTools};
use super::runs_finals::FinalsBySetting;
use super::runs_sample_grid::{GridInput, SampleGridView};
use super::runs_samples::SamplesSideBySide;
use super::runs_timeline::Timeline;
use crate::app::actions::{Actions, UiAction};
use crate::app::state::AppState;
use crate::app::theme;
use crate::experiments::run_compare::{RunSeries, shared_metrics};
use crate::plotting::references::references;
use crate::plotting::run_colours;
use crate::runs::config_diff::{self, SettingRow};

/// The comparison's own choices.
#[derive(Default)]
pub struct CompareView {
    /// The plots' tools.
    pub tools: PlotTools,
    /// List every setting, not only those that differ.
    pub all_settings: bool,
    /// What shows below the settings.
    shown: Shown,
    samples: SamplesSideBySide,
    finals: FinalsBySetting,
    grid: SampleGridView,
    /// The step every picture shows, and the plots mark.
    timeline: Timeline,
    /// The settings table of the runs last drawn, kept while their configs are the
    /// same (a live refresh reloads the metrics, not the settings).
    settings: Option<SettingsTable>,
}

/// The configs a settings table was made from, and the table (or why not).
type SettingsTable = (Vec<Option<String>>, Result<Vec<SettingRow>, String>);

/// What the comparison shows below the settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Shown {
    /// One plot per shared metric.
    #[default]
    Plots,
    /// The runs' saved samples at one step.
    Samples,
    /// Final values against the settings that differ.
    Finals,
    /// The last samples in a grid by two differing settings.
    Grid,
}

impl CompareView {
    /// Draws the comparison of `runs`.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        runs: &[RunSeries],
        state: &AppState,
        actions: &mut Actions,
    ) {
        let metrics = shared_metrics(runs);
        let names: Vec<&str> = runs.iter().map(|r| r.label.as_str()).collect();
        let colours: Vec<egui::Color32> =
            run_colours(&names).into_iter().map(theme::colour).collect();
        egui::ScrollArea::vertical().show(ui, |ui| {
            let configs: Vec<Option<String>> = runs.iter().map(|r| r.config.clone()).collect();
            if self.settings.as_ref().is_none_or(|(c, _)| *c != configs) {
                let texts: Vec<&str> = configs.iter().map(|c| c.as_deref().unwrap_or("")).collect();
                let rows = config_diff::compare(&texts, true);
                self.settings = Some((configs, rows));
            }
            let rows = match self.settings.as_ref().map(|(_, rows)| rows.clone()) {
                Some(Ok(rows)) => rows,
                Some(Err(e)) => {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                    Vec::new()
                }
                None => Vec::new(),
            };
            self.settings_ui(ui, runs, &colours, &rows);
            ui.separator();
            ui.horizontal(|ui| {
                ui.selectable_value(&mut self.shown, Shown::Plots, "Plots")
                    .on_hover_text("One plot per metric the runs share.");
                ui.selectable_value(&mut self.shown, Shown::Samples, "Samples side by side")
                    .on_hover_text("Each run's saved samples at the same step, one row per run.");
                ui.selectable_value(&mut self.shown, Shown::Finals, "Finals by setting")
                    .on_hover_text(
                        "A metric's last value of each run against each setting they differ in (a sweep's chart).",
                    );
                ui.selectable_value(&mut self.shown, Shown::Grid, "Sample grid")
                    .on_hover_text(
                        "Each run's last sample in a grid: one setting they differ in across, another down.",
                    );
            });
            let steps: Vec<u64> = runs
                .iter()
                .flat_map(|r| r.samples.iter().map(|s| s.0))
                .collect::<std::collections::BTreeSet<u64>>()
                .into_iter()
                .collect();
            if self.shown != Shown::Finals {
                self.timeline.ui(ui, &steps);
            }
            let step = self.timeline.step();
            match self.shown {
                Shown::Samples => {
                    return self.samples.ui(ui, runs, &colours, step, state, actions);
                }
                Shown::Finals => return self.finals.ui(ui, runs, &colours, &rows),
                Shown::Grid => {
                    let input = GridInput {
                        runs,
                        colours: &colours,
                        rows: &rows,
                        step,
                        state,
                    };
                    return self.grid.ui(ui, &input, actions);
                }
                Shown::Plots => {}
            }
            if metrics.is_empty() {
                ui.label("These runs share no metric.");
                return;
            }
            self.tools.ui(ui);
            let markers: Vec<Marker> = runs
                .iter()
                .flat_map(|r| {
                    r.changes.iter().map(|c| Marker {
                        step: c.step as f64,
                        clock: &r.clock,
                        text: format!("{}: {} = {}", r.label, c.key, c.value),
                    })
                })
                .collect();
            let width = ((ui.available_width() - 24.0) / 2.0).max(200.0);
            let height = (width * 0.6).clamp(140.0, 260.0);
            for pair in metrics.chunks(2) {
                ui.horizontal(|ui| {
                    for metric in pair {
                        ui.vertical(|ui| {
                            ui.set_width(width);
                            ui.label(metric.as_str());
                            let lines: Vec<PlotLine> = runs
                                .iter()
                                .zip(&colours)
                                .filter_map(|(run, &colour)| {
                                    Some(PlotLine {
                                        label: &run.label,
                                        colour,
                                        points: run.series(metric)?,
                                        clock: &run.clock,
                                        // A branch grows from its parent's line.
                                        from_step: run.fork_among(runs).map(|s| s as f64),
                                    })
                                })
                                .collect();
                            let first = &runs[0];
                            // The runs' games are not known here: the original GAN's.
                            let refs = references(
                                metric,
                                |m| first.series(m).and_then(|p| p.last()).map(|p| p[1]),
                                Some(2.0 * std::f64::consts::LN_2),
                            );
                            let extras = PlotExtras {
                                references: &refs,
                                markers: &markers,
                                counts: false,
                                menu: PlotMenu::BranchEachLine,
                                cursor: step.map(|s| s as f64),
                            };
                            let folders: Vec<&std::path::PathBuf> = runs
                                .iter()
                                .filter(|r| r.series(metric).is_some())
                                .map(|r| &r.folder)
                                .collect();
                            let ask = line_plot::ui(
                                ui,
                                ("compare", metric.as_str()),
                                [width, height],
                                &lines,
                                &extras,
                                &self.tools,
                            );
                            if let Some(PlotAsk::BranchFrom { line, step }) = ask
                                && let Some(folder) = folders.get(line)
                            {
                                actions.push(UiAction::BranchFrom((*folder).clone(), step));
                            }
                        });
                    }
                });
            }
        });
    }

    /// The table of settings that differ between `runs` (all with the switch).
    fn settings_ui(
        &mut self,
        ui: &mut egui::Ui,
        runs: &[RunSeries],
        colours: &[egui::Color32],
        all: &[SettingRow],
    ) {
        ui.horizontal(|ui| {
            ui.strong("What differs");
            ui.checkbox(&mut self.all_settings, "all settings")
                .on_hover_text(
                    "List every setting of the runs' config.toml, not only those that differ.",
                );
        });
        let rows: Vec<&SettingRow> = all
            .iter()
            .filter(|r| self.all_settings || r.differs())
            .collect();
        if rows.is_empty() {
            ui.label("Their settings are the same.");
            return;
        }
        egui::Grid::new("runs-settings")
            .striped(true)
            .show(ui, |ui| {
                ui.label("setting");
                for (run, &colour) in runs.iter().zip(colours) {
                    ui.colored_label(colour, &run.label);
                }
                ui.end_row();
                for row in rows {
                    if row.differs() {
                        ui.strong(&row.key);
                    } else {
                        ui.label(&row.key);
                    }
                    for value in &row.values {
                        ui.label(value.as_deref().unwrap_or("—"));
                    }
                    ui.end_row();
                }
            });
    }
}
