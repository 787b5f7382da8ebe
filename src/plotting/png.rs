//! Plots as a PNG a person can read (titles, axes, a legend), drawn with the
//! `plotters` crate into a buffer and written atomically. The text is DejaVu Sans,
//! which ships inside the binary, so nothing depends on the system's fonts.

use std::path::Path;
use std::sync::Once;

use plotters::prelude::*;

use super::lines;
use crate::experiments::run_summary::figure;
use crate::runs::render::save_png;
use crate::theme::Rgb;
use crate::view::RgbImage;
use crate::{Result, StudioError};

/// The font family the plots ask for.
const FONT: &str = "sans-serif";

/// One line of a plot.
#[derive(Clone, Debug)]
pub struct PngLine {
    /// Its legend entry.
    pub label: String,
    /// Its colour.
    pub colour: Rgb,
    /// Its points, `[x, y]` in increasing x.
    pub points: Vec<[f64; 2]>,
    /// The raw points behind a smoothed line, drawn faint (empty: none).
    pub raw: Vec<[f64; 2]>,
}

/// One plot of a figure.
#[derive(Clone, Debug)]
pub struct PngPlot {
    /// Its title.
    pub title: String,
    /// The x axis's label.
    pub x_label: String,
    /// Its lines.
    pub lines: Vec<PngLine>,
    /// Draw log10 of the values.
    pub log_y: bool,
}

/// Draws `plots` in a grid (as square as it goes) on a white `width` × `height`
/// picture under `title`, and writes it to `path` as PNG.
pub fn write(path: &Path, title: &str, plots: &[PngPlot], width: u32, height: u32) -> Result<()> {
    let image = draw(title, plots, width, height)?;
    save_png(path, &image)
}

/// The picture [`write`] writes.
pub fn draw(title: &str, plots: &[PngPlot], width: u32, height: u32) -> Result<RgbImage> {
    static FONTS: Once = Once::new();
    FONTS.call_once(|| {
        // DejaVu Sans is a valid font: registering it cannot fail.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
    });
    if width < 200 || height < 150 {
        return Err(StudioError::Spec(format!(
            "a plot of {width} × {height} pixels is too small to read (at least 200 × 150)"
        )));
    }
    let fail = |e: String| StudioError::Spec(format!("drawing the plot: {e}"));
    let mut pixels = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(e.to_string()))?;
        let root = root
            .titled(title, (FONT, 22))
            .map_err(|e| fail(e.to_string()))?;
        let columns = (plots.len() as f64).sqrt().ceil().max(1.0) as usize;
        let rows = plots.len().div_ceil(columns).max(1);
        for (area, plot) in root.split_evenly((rows, columns)).iter().zip(plots) {
            draw_plot(area, plot).map_err(fail)?;
        }
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    Ok(RgbImage {
        width: width as usize,
        height: height as usize,
        pixels,
    })
}

fn draw_plot<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    plot: &PngPlot,
) -> std::result::Result<(), String> {
    let y = |v: f64| if plot.log_y { v.log10() } else { v };
    let shown = |points: &[[f64; 2]]| -> Vec<(f64, f64)> {
        points
            .iter()
            .map(|p| (p[0], y(p[1])))
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .collect()
    };
    let all: Vec<(f64, f64)> = plot
        .lines
        .iter()
        .flat_map(|l| shown(&l.points).into_iter().chain(shown(&l.raw)))
        .collect();
    let (Some(xr), Some(yr)) = (
        lines::axis_range(all.iter().map(|p| p.0)),
        lines::axis_range(all.iter().map(|p| p.1)),
    ) else {
        return Ok(());
    };
    let y_label = if plot.log_y { "log10 value" } else { "value" };
    let mut chart = ChartBuilder::on(area)
        .caption(&plot.title, (FONT, 16))
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(xr[0]..xr[1], yr[0]..yr[1])
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc(plot.x_label.as_str())
        .y_desc(y_label)
        .x_label_formatter(&|v| figure(*v))
        .y_label_formatter(&|v| figure(*v))
        .light_line_style(RGBColor(238, 238, 238))
        .label_style((FONT, 12))
        .draw()
        .map_err(|e| e.to_string())?;
    for line in &plot.lines {
        let [r, g, b] = line.colour;
        let colour = RGBColor(r, g, b);
        if !line.raw.is_empty() {
            chart
                .draw_series(LineSeries::new(shown(&line.raw), colour.mix(0.25)))
                .map_err(|e| e.to_string())?;
        }
        chart
            .draw_series(LineSeries::new(shown(&line.points), colour.stroke_width(2)))
            .map_err(|e| e.to_string())?
            .label(line.label.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .label_font((FONT, 12))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_is_drawn_at_the_asked_size_with_its_lines() {
        let line = |label: &str, colour: Rgb, slope: f64| PngLine {
            label: label.into(),
            colour,
            points: (0..50).map(|i| [i as f64, slope * i as f64]).collect(),
            raw: Vec::new(),
        };
        let plots = vec![PngPlot {
            title: "loss".into(),
            x_label: "step".into(),
            lines: vec![
                line("a", [214, 39, 40], 1.0),
                line("b", [31, 119, 180], 2.0),
            ],
            log_y: false,
        }];
        let image = draw("two runs", &plots, 640, 400).expect("drawn");
        assert_eq!((image.width, image.height), (640, 400));
        let has = |c: Rgb| image.pixels.chunks(3).any(|p| p == c);
        assert!(
            has([214, 39, 40]) && has([31, 119, 180]),
            "both lines drawn"
        );
        assert!(has([0, 0, 0]), "text and axes drawn");
        assert!(draw("tiny", &plots, 50, 50).is_err());
    }
}
