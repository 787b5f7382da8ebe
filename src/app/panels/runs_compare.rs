//! Runs compared: one plot per metric the chosen runs share, one line per run in a
//! colour of its own, the run's folder name in the legend (click it to hide the line).

use egui_plot::{Legend, Line, Plot};

use crate::app::theme;
use crate::experiments::run_compare::{RunSeries, shared_metrics};

/// Draws the comparison of `runs`, two plots a row.
pub fn ui(ui: &mut egui::Ui, runs: &[RunSeries]) {
    let metrics = shared_metrics(runs);
    if metrics.is_empty() {
        ui.label("These runs share no metric.");
        return;
    }
    let width = ((ui.available_width() - 24.0) / 2.0).max(200.0);
    let height = (width * 0.6).clamp(140.0, 260.0);
    egui::ScrollArea::vertical().show(ui, |ui| {
        for pair in metrics.chunks(2) {
            ui.horizontal(|ui| {
                for metric in pair {
                    ui.vertical(|ui| {
                        ui.set_width(width);
                        ui.label(metric.as_str());
                        Plot::new(("compare", metric.as_str()))
                            .height(height)
                            .width(width)
                            .legend(Legend::default())
                            .x_axis_label("step")
                            .show(ui, |plot| {
                                for (k, run) in runs.iter().enumerate() {
                                    if let Some(points) = run.series(metric) {
                                        let line = Line::new(run.label.as_str(), points.to_vec())
                                            .color(theme::series(k));
                                        plot.line(line);
                                    }
                                }
                            });
                    });
                }
            });
        }
    });
}
