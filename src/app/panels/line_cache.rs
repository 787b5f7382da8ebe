//! What a plot's lines cost per frame, kept low: each line's points on the chosen
//! axes (smoothed, with their ranges) are computed when its data or the tools
//! change, and its reduction to the plot's pixel columns when the view changes
//! too; a frame that changes nothing draws from memory. Kept in egui's temporary
//! memory under the plot's and line's id.

use std::sync::Arc;

use super::line_plot::{PlotLine, PlotTools};
use crate::plotting::lines;

/// A line on the chosen axes: its raw and smoothed points and their ranges.
#[derive(Default)]
pub(super) struct Shown {
    /// The points on the chosen axes (x by step or time, y or log10 y).
    pub raw: Vec<[f64; 2]>,
    /// The same, smoothed.
    pub smoothed: Vec<[f64; 2]>,
    /// The x range of the raw points (readable for one point).
    pub x_range: Option<[f64; 2]>,
    /// Their y range.
    pub y_range: Option<[f64; 2]>,
}

/// What the shown points depend on: the data (its length and last point), the
/// clock's length and the tools.
type DataKey = (usize, [u64; 2], usize, bool, bool, u64, Option<u64>);

/// What a reduction depends on besides the data: the view's x range and width.
type ViewKey = (u64, u64, usize);

/// A line reduced to the view's pixel columns: its raw and smoothed points.
pub(super) type Reduced = Arc<[Vec<[f64; 2]>; 2]>;

#[derive(Clone, Default)]
struct Cached {
    data: Option<DataKey>,
    shown: Arc<Shown>,
    view: Option<(ViewKey, Reduced)>,
}

fn data_key(line: &PlotLine, tools: &PlotTools) -> DataKey {
    let last = line.points.last().copied().unwrap_or_default();
    (
        line.points.len(),
        [last[0].to_bits(), last[1].to_bits()],
        line.clock.len(),
        tools.x_time,
        tools.log_y,
        tools.smoothing.to_bits(),
        line.from_step.map(f64::to_bits),
    )
}

fn compute(line: &PlotLine, tools: &PlotTools) -> Shown {
    let points = if tools.x_time {
        lines::by_time(line.points, line.clock).unwrap_or_else(|| line.points.to_vec())
    } else {
        line.points.to_vec()
    };
    let raw: Vec<[f64; 2]> = if tools.log_y {
        points
            .into_iter()
            .filter(|p| p[1] > 0.0)
            .map(|p| [p[0], p[1].log10()])
            .collect()
    } else {
        points
    };
    let mut raw = raw;
    let mut smoothed = lines::smooth(&raw, tools.smoothing);
    if let Some(step) = line.from_step {
        let cut = if tools.x_time {
            lines::by_time(&[[step, 0.0]], line.clock).map_or(step, |p| p[0][0])
        } else {
            step
        };
        let keep_from = raw.partition_point(|p| p[0] <= cut).saturating_sub(1);
        raw.drain(..keep_from);
        smoothed.drain(..keep_from);
    }
    Shown {
        x_range: lines::axis_range(raw.iter().map(|p| p[0])),
        y_range: lines::axis_range(raw.iter().map(|p| p[1])),
        raw,
        smoothed,
    }
}

/// The line `line` on the chosen axes, from memory where nothing changed.
pub(super) fn shown(
    ctx: &egui::Context,
    id: egui::Id,
    line: &PlotLine,
    tools: &PlotTools,
) -> Arc<Shown> {
    let key = data_key(line, tools);
    let cached: Cached = ctx.data(|d| d.get_temp(id)).unwrap_or_default();
    if cached.data == Some(key) {
        return cached.shown;
    }
    let shown = Arc::new(compute(line, tools));
    ctx.data_mut(|d| {
        d.insert_temp(
            id,
            Cached {
                data: Some(key),
                shown: shown.clone(),
                view: None,
            },
        )
    });
    shown
}

/// The raw and smoothed points of the line cached under `id`, reduced to
/// `columns` pixel columns of `[x0, x1]`, from memory where the view is unchanged.
pub(super) fn reduced(
    ctx: &egui::Context,
    id: egui::Id,
    x0: f64,
    x1: f64,
    columns: usize,
    with_raw: bool,
) -> Reduced {
    let key = (x0.to_bits(), x1.to_bits(), columns);
    let mut cached: Cached = ctx.data(|d| d.get_temp(id)).unwrap_or_default();
    if let Some((k, lines)) = &cached.view
        && *k == key
    {
        return lines.clone();
    }
    let raw = if with_raw {
        lines::reduce(&cached.shown.raw, x0, x1, columns)
    } else {
        Vec::new()
    };
    let out = Arc::new([raw, lines::reduce(&cached.shown.smoothed, x0, x1, columns)]);
    cached.view = Some((key, out.clone()));
    ctx.data_mut(|d| d.insert_temp(id, cached));
    out
}
