//! One plot of lines with the tools users of TensorBoard and W&B reach for first,
//! shared by the training plots and the Runs tab's comparison: x by step or by
//! wall-clock time, exponential smoothing (the raw line faint behind), a log value
//! axis, the value of every line under the pointer, reference lines, a mark at each
//! live change, sensible axes for one point, and lines reduced to what the plot's
//! pixel columns can show so long runs draw fast.

use std::sync::Arc;

use egui::Color32;
use egui_plot::{GridInput, GridMark, HLine, Line, LineStyle, Plot, VLine};

use super::line_cache::{self, Shown};
use crate::experiments::run_summary::figure;
use crate::plotting::lines;
use crate::plotting::references::Reference;

/// The tools' settings, shared by every plot of a view.
#[derive(Clone, Debug, PartialEq)]
pub struct PlotTools {
    /// Wall-clock seconds on the x axis instead of steps.
    pub x_time: bool,
    /// Exponential smoothing, 0 (none) to [`lines::MAX_SMOOTHING`].
    pub smoothing: f64,
    /// A log10 value axis.
    pub log_y: bool,
}

impl Default for PlotTools {
    fn default() -> Self {
        Self {
            x_time: false,
            smoothing: 0.0,
            log_y: false,
        }
    }
}

impl PlotTools {
    /// The tools' widgets, in a row (two where the column is narrow: a slider does
    /// not wrap).
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let narrow = ui.available_width() < 430.0;
        ui.horizontal(|ui| {
            ui.label("x:");
            ui.selectable_value(&mut self.x_time, false, "step")
                .on_hover_text("Steps on the x axis.");
            ui.selectable_value(&mut self.x_time, true, "time")
                .on_hover_text("Seconds of training on the x axis (pauses left out).");
            ui.separator();
            ui.checkbox(&mut self.log_y, "log scale")
                .on_hover_text("A log10 value axis (values ≤ 0 are left out).");
            if !narrow {
                ui.separator();
                self.smoothing_ui(ui);
            }
        });
        if narrow {
            self.smoothing_ui(ui);
        }
    }

    fn smoothing_ui(&mut self, ui: &mut egui::Ui) {
        ui.spacing_mut().slider_width = 90.0;
        ui.add(
            egui::Slider::new(&mut self.smoothing, 0.0..=lines::MAX_SMOOTHING)
                .text("smoothing")
                .fixed_decimals(2),
        )
        .on_hover_text(
            "Exponential moving average, debiased as TensorBoard does; the raw line stays faint behind.",
        );
    }
}

/// A line to draw: its legend entry, colour and `[step, value]` points, and the
/// run's clock (`[step, seconds]`) for the time axis.
pub struct PlotLine<'a> {
    /// Its legend entry.
    pub label: &'a str,
    /// Its colour.
    pub colour: Color32,
    /// `[step, value]`, increasing steps.
    pub points: &'a [[f64; 2]],
    /// `[step, seconds]` of its run.
    pub clock: &'a [[f64; 2]],
    /// Draw it from this step on (a branch drawn on its parent's line: smoothed over
    /// its whole history, shown from its last point at or before the fork).
    pub from_step: Option<f64>,
}

/// A mark on the x axis: a step where a setting was changed, with what changed.
pub struct Marker<'a> {
    /// The step.
    pub step: f64,
    /// The run's clock, for the time axis.
    pub clock: &'a [[f64; 2]],
    /// What changed (`run: train.lr_g = 0.0001`).
    pub text: String,
}

/// What one plot shows besides its lines.
pub struct PlotExtras<'a> {
    /// Horizontal reference lines.
    pub references: &'a [Reference],
    /// Marks of live changes.
    pub markers: &'a [Marker<'a>],
    /// Mark only whole numbers on the value axis (a plot of counts).
    pub counts: bool,
    /// What a right-click offers.
    pub menu: PlotMenu,
    /// A step to mark with a cursor (the comparison's timeline).
    pub cursor: Option<f64>,
}

/// What a right-click on a plot offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlotMenu {
    /// Nothing.
    None,
    /// "Branch from step N": every line is one run's (the training plots).
    BranchRun,
    /// "Branch <line> from step N" for each line, one run per line (a comparison).
    BranchEachLine,
}

/// What a right-click on a plot asked for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PlotAsk {
    /// A new run from line `line`'s run at `step`.
    BranchFrom {
        /// The line (its run) asked for.
        line: usize,
        /// The step under the pointer.
        step: u64,
    },
}

fn whole_number_marks(input: GridInput) -> Vec<GridMark> {
    let mut marks = egui_plot::log_grid_spacer(10)(input);
    marks.retain(|m| m.step_size >= 1.0);
    marks
}

/// Draws one plot of `lines`, `width` × `height` points, under the id `id`.
pub fn ui(
    ui: &mut egui::Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    size: [f32; 2],
    lines_in: &[PlotLine],
    extras: &PlotExtras,
    tools: &PlotTools,
) -> Option<PlotAsk> {
    let ctx = ui.ctx().clone();
    let menu_id = ui.scope_id().with(("plot-menu-x", &id));
    let line_ids: Vec<egui::Id> = (0..lines_in.len())
        .map(|k| ui.scope_id().with(("plot-line", &id, k)))
        .collect();
    let drawn: Vec<Arc<Shown>> = lines_in
        .iter()
        .zip(&line_ids)
        .map(|(l, &lid)| line_cache::shown(&ctx, lid, l, tools))
        .collect();
    // The legend above the plot, never over its lines; a click hides or shows a line.
    let hidden_id = ui.scope_id().with(("plot-hidden", &id));
    let mut hidden: Vec<bool> = ctx
        .data(|d| d.get_temp::<Vec<bool>>(hidden_id))
        .unwrap_or_default();
    hidden.resize(lines_in.len(), false);
    let legend_height = legend_ui(ui, size[0], lines_in, extras.references, &mut hidden);
    ctx.data_mut(|d| d.insert_temp(hidden_id, hidden.clone()));
    let mut plot = Plot::new(id)
        .width(size[0])
        .height((size[1] - legend_height).max(60.0))
        .show_x(false)
        .show_y(false)
        .x_axis_label(if tools.x_time { "seconds" } else { "step" });
    if extras.counts && !tools.log_y {
        plot = plot.y_grid_spacer(whole_number_marks);
    }
    if tools.log_y {
        plot = plot.y_axis_formatter(|mark, _| figure(10f64.powf(mark.value)));
    }
    // A line of one point (or of one value) gets a readable range, not a sliver.
    let ys = drawn.iter().filter_map(|d| d.y_range).flatten();
    if let (Some(y), Some(x)) = (
        lines::axis_range(ys),
        lines::axis_range(drawn.iter().filter_map(|d| d.x_range).flatten()),
    ) {
        plot = plot
            .include_y(y[0])
            .include_y(y[1])
            .include_x(x[0])
            .include_x(x[1]);
    }
    let columns = size[0].max(50.0) as usize;
    let at = |step: f64, clock: &[[f64; 2]]| -> f64 {
        if tools.x_time {
            lines::by_time(&[[step, 0.0]], clock).map_or(step, |p| p[0][0])
        } else {
            step
        }
    };
    let response = plot.show(ui, |plot_ui| {
        let bounds = plot_ui.plot_bounds();
        let (x0, x1) = (bounds.min()[0], bounds.max()[0]);
        for ((line, &lid), _) in lines_in
            .iter()
            .zip(&line_ids)
            .zip(&hidden)
            .filter(|(_, hide)| !**hide)
        {
            let smoothing = tools.smoothing > 0.0;
            let reduced = line_cache::reduced(&ctx, lid, x0, x1, columns, smoothing);
            if smoothing {
                let faint = line.colour.gamma_multiply(0.3);
                plot_ui.line(Line::new(line.label, reduced[0].clone()).color(faint));
            }
            plot_ui.line(Line::new(line.label, reduced[1].clone()).color(line.colour));
        }
        for r in extras.references {
            let value = if tools.log_y {
                r.value.log10()
            } else {
                r.value
            };
            if value.is_finite() {
                plot_ui.hline(
                    HLine::new(r.label.as_str(), value)
                        .color(Color32::GRAY)
                        .style(LineStyle::dashed_loose()),
                );
            }
        }
        for m in extras.markers {
            plot_ui.vline(
                VLine::new("live change", at(m.step, m.clock))
                    .color(Color32::from_rgb(250, 200, 40).gamma_multiply(0.6))
                    .style(LineStyle::dotted_dense()),
            );
        }
        if let (Some(step), Some(line)) = (extras.cursor, lines_in.first()) {
            plot_ui.vline(
                VLine::new("timeline", at(step, line.clock))
                    .color(Color32::WHITE.gamma_multiply(0.7))
                    .width(1.5),
            );
        }
        plot_ui.pointer_coordinate().map(|p| p.x)
    });
    // Where a right-click landed, for the menu it opens.
    if response.response.secondary_clicked()
        && let Some(pos) = response.response.interact_pointer_pos()
    {
        let x = response.transform.value_from_position(pos).x;
        ctx.data_mut(|d| d.insert_temp(menu_id, x));
    }
    let mut ask = None;
    if extras.menu != PlotMenu::None && !lines_in.is_empty() {
        response.response.context_menu(|ui| {
            let x: f64 = ctx.data(|d| d.get_temp(menu_id)).unwrap_or(0.0);
            let step_of = |line: &PlotLine| -> u64 {
                let step = if tools.x_time {
                    lines::step_at_time(line.clock, x).unwrap_or(x)
                } else {
                    x
                };
                step.max(0.0).round() as u64
            };
            let tip = "A new run from the newest checkpoint at or before this step, with \
                       settings you may change first (those that keep the networks' shapes).";
            let wanted: Vec<(usize, String)> = match extras.menu {
                PlotMenu::BranchRun => {
                    vec![(0, format!("Branch from step {}…", step_of(&lines_in[0])))]
                }
                _ => lines_in
                    .iter()
                    .enumerate()
                    .map(|(k, l)| (k, format!("Branch {} from step {}…", l.label, step_of(l))))
                    .collect(),
            };
            for (line, text) in wanted {
                if ui.button(text).on_hover_text(tip).clicked() {
                    ask = Some(PlotAsk::BranchFrom {
                        line,
                        step: step_of(&lines_in[line]),
                    });
                    ui.close();
                }
            }
        });
    }
    if let Some(x) = response.inner {
        let span = (response.transform.bounds().width()).abs().max(1e-9);
        response.response.on_hover_ui(|ui| {
            readout_ui(ui, x, span, lines_in, &drawn, extras, tools, &at);
        });
    }
    ask
}

/// The legend as a wrapped row of coloured strokes and names, `width` wide; a click
/// on an entry flips `hidden[k]`. Returns the height it took.
fn legend_ui(
    ui: &mut egui::Ui,
    width: f32,
    lines_in: &[PlotLine],
    references: &[Reference],
    hidden: &mut [bool],
) -> f32 {
    let response = ui.allocate_ui(egui::vec2(width, 0.0), |ui| {
        ui.set_width(width);
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing = egui::vec2(4.0, 0.0);
            let entry = |ui: &mut egui::Ui, colour: Color32, dashed: bool, text: &str| {
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(14.0, 10.0), egui::Sense::hover());
                let y = rect.center().y;
                let stroke = egui::Stroke::new(2.0, colour);
                if dashed {
                    for k in 0..3 {
                        let x = rect.left() + k as f32 * 5.0;
                        ui.painter()
                            .line_segment([egui::pos2(x, y), egui::pos2(x + 3.0, y)], stroke);
                    }
                } else {
                    ui.painter().line_segment(
                        [egui::pos2(rect.left(), y), egui::pos2(rect.right(), y)],
                        stroke,
                    );
                }
                ui.add(
                    egui::Label::new(egui::RichText::new(text).small().color(colour))
                        .sense(egui::Sense::click()),
                )
            };
            for (k, line) in lines_in.iter().enumerate() {
                let colour = if hidden[k] {
                    Color32::DARK_GRAY
                } else {
                    line.colour
                };
                let r = entry(ui, colour, false, line.label)
                    .on_hover_text("Click to hide or show this line.");
                if r.clicked() {
                    hidden[k] = !hidden[k];
                }
                ui.add_space(6.0);
            }
            let mut seen: Vec<&str> = Vec::new();
            for r in references {
                // Two metrics of one plot may share a reference (equilibrium ½).
                if seen.contains(&r.label.as_str()) {
                    continue;
                }
                seen.push(&r.label);
                let _ = entry(ui, Color32::GRAY, true, &r.label);
                ui.add_space(6.0);
            }
        });
    });
    response.response.rect.height() + ui.spacing().item_spacing.y
}

/// The value of every line at `x`, and the live changes near it.
#[allow(clippy::too_many_arguments)]
fn readout_ui(
    ui: &mut egui::Ui,
    x: f64,
    span: f64,
    lines_in: &[PlotLine],
    drawn: &[Arc<Shown>],
    extras: &PlotExtras,
    tools: &PlotTools,
    at: &dyn Fn(f64, &[[f64; 2]]) -> f64,
) {
    for (line, d) in lines_in.iter().zip(drawn) {
        let Some(i) = d
            .smoothed
            .iter()
            .rposition(|p| p[0] <= x)
            .or((!d.smoothed.is_empty()).then_some(0))
        else {
            continue;
        };
        // The step and time of the point, whichever the axis shows.
        let (step, secs) = if tools.x_time {
            let secs = d.smoothed[i][0];
            let step = line
                .clock
                .iter()
                .rev()
                .find(|c| c[1] <= secs)
                .map_or(0.0, |c| c[0]);
            (step, Some(secs))
        } else {
            let step = d.smoothed[i][0];
            let secs = lines::by_time(&[[step, 0.0]], line.clock).map(|p| p[0][0]);
            (step, secs)
        };
        let value = |v: f64| {
            if tools.log_y {
                figure(10f64.powf(v))
            } else {
                figure(v)
            }
        };
        let mut text = format!(
            "{}: {} at step {step:.0}",
            line.label,
            value(d.smoothed[i][1])
        );
        if tools.smoothing > 0.0 {
            text.push_str(&format!(" (raw {})", value(d.raw[i][1])));
        }
        if let Some(s) = secs {
            text.push_str(&format!(", {s:.0} s"));
        }
        ui.colored_label(line.colour, text);
    }
    for m in extras.markers {
        if (at(m.step, m.clock) - x).abs() <= span * 0.02 {
            ui.label(format!("changed at step {}: {}", m.step, m.text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plots_of_counts_mark_whole_numbers_only() {
        // Octaves 1–4 on a tall plot: egui_plot would mark every 0.1.
        let input = |bounds, base_step_size| GridInput {
            bounds,
            base_step_size,
        };
        let values = |marks: Vec<GridMark>| marks.iter().map(|m| m.value).collect::<Vec<_>>();
        let octaves = values(whole_number_marks(input((0.9, 4.1), 0.01)));
        assert_eq!(octaves, [1.0, 2.0, 3.0, 4.0]);
        let decimal = values(egui_plot::log_grid_spacer(10)(input((0.9, 4.1), 0.01)));
        assert!(decimal.iter().any(|v| v.fract() != 0.0), "{decimal:?}");
        // A wider range keeps egui_plot's coarser marks, all whole.
        let modes = values(whole_number_marks(input((-2.0, 400.0), 0.5)));
        assert!(modes.contains(&100.0) && modes.iter().all(|v| v.fract() == 0.0));
    }
}
