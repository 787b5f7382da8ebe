//! Final values against settings: for the compared runs (a sweep's, say), one plot
//! per setting they differ in, the chosen metric's last value of each run against
//! that setting's value (numbers on a number line, other values side by side). The
//! runs' colours are those of the settings table above (no legend to hide a point;
//! the pointer names a point's run).

use egui_plot::{Plot, Points};

use crate::experiments::run_compare::{RunSeries, shared_metrics};
use crate::plotting::lines;
use crate::runs::config_diff::SettingRow;

/// The view's choice: the metric shown.
#[derive(Default)]
pub struct FinalsBySetting {
    metric: Option<String>,
}

impl FinalsBySetting {
    /// Draws the plots for `runs`, whose differing settings are `rows`.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        runs: &[RunSeries],
        colours: &[egui::Color32],
        rows: &[SettingRow],
    ) {
        let metrics = shared_metrics(runs);
        let Some(first) = metrics.first() else {
            ui.label("These runs share no metric.");
            return;
        };
        let mut metric = self
            .metric
            .clone()
            .filter(|m| metrics.contains(m))
            .unwrap_or_else(|| first.clone());
        egui::ComboBox::from_label("final value of")
            .selected_text(metric.as_str())
            .show_ui(ui, |ui| {
                for m in &metrics {
                    ui.selectable_value(&mut metric, m.clone(), m.as_str());
                }
            });
        self.metric = Some(metric.clone());
        let varied: Vec<&SettingRow> = rows.iter().filter(|r| r.differs()).collect();
        if varied.is_empty() {
            ui.label("Their settings are the same: nothing to plot against.");
            return;
        }
        let width = ((ui.available_width() - 24.0) / 2.0).max(200.0);
        for pair in varied.chunks(2) {
            ui.horizontal(|ui| {
                for row in pair {
                    ui.vertical(|ui| {
                        ui.set_width(width);
                        ui.label(format!("{metric} at the end, by {}", row.key));
                        setting_plot(ui, runs, colours, row, &metric, width);
                    });
                }
            });
        }
    }
}

/// One plot: each run's last value of `metric` against its value of `row.key`.
fn setting_plot(
    ui: &mut egui::Ui,
    runs: &[RunSeries],
    colours: &[egui::Color32],
    row: &SettingRow,
    metric: &str,
    width: f32,
) {
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
    let numeric = row
        .values
        .iter()
        .all(|v| v.as_deref().is_some_and(|t| t.parse::<f64>().is_ok()));
    // Categories in the order they first appear.
    let mut categories: Vec<String> = Vec::new();
    for v in &row.values {
        if !categories.contains(&text(v)) {
            categories.push(text(v));
        }
    }
    let x_of = |v: &Option<String>| -> f64 {
        match v.as_deref().and_then(|t| t.parse::<f64>().ok()) {
            Some(x) if numeric => x,
            _ => categories.iter().position(|c| *c == text(v)).unwrap_or(0) as f64,
        }
    };
    let points: Vec<([f64; 2], usize)> = runs
        .iter()
        .zip(&row.values)
        .enumerate()
        .filter_map(|(k, (run, value))| {
            let last = run.series(metric)?.last()?;
            Some(([x_of(value), last[1]], k))
        })
        .collect();
    // Room around the points, so none sits on an edge under the axis or legend.
    let pad = |range: Option<[f64; 2]>| {
        range.map(|[lo, hi]| {
            let m = (hi - lo) * 0.15;
            [lo - m, hi + m]
        })
    };
    let xs = pad(lines::axis_range(points.iter().map(|p| p.0[0])));
    let ys = pad(lines::axis_range(points.iter().map(|p| p.0[1])));
    let mut plot = Plot::new(("finals", row.key.as_str(), metric))
        .width(width)
        .height((width * 0.5).clamp(120.0, 220.0))
        .x_axis_label(row.key.as_str());
    if let (Some(x), Some(y)) = (xs, ys) {
        plot = plot
            .include_x(x[0])
            .include_x(x[1])
            .include_y(y[0])
            .include_y(y[1]);
    }
    if !numeric {
        let names = categories.clone();
        plot = plot.x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        });
    }
    plot.show(ui, |plot_ui| {
        for (point, k) in points {
            plot_ui.points(
                Points::new(runs[k].label.as_str(), vec![point])
                    .color(colours[k])
                    .radius(5.0),
            );
        }
    });
}
