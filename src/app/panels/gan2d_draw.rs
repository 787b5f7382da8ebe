//! Drawing a 2-D distribution on the canvas (GAN Lab's users asked to use their own
//! data): a brush that sprays points, an eraser, Clear, and a start from the data
//! shown. The points go into the draft (`data.points`), so they are saved with the
//! run's config and the run can be rebuilt from it.

use egui_plot::Plot;
use rand::{Rng, SeedableRng};

use crate::app::state::PointsPreview;
use crate::app::theme::colour;
use crate::experiments::gan2d::Gan2dData;
use crate::theme;

/// The most points a drawing holds.
pub const MAX_DRAWN: usize = 20_000;

/// The brush and the drawing's frame.
pub struct DrawTool {
    /// Whether the canvas is drawing (before a run).
    pub on: bool,
    /// The brush removes points instead of adding them.
    erase: bool,
    /// The brush's radius, a share of the canvas's width.
    brush: f32,
    /// Points sprayed per frame while the button is held.
    density: usize,
    /// The square drawn in, `[min, max]` on both axes.
    range: [f32; 2],
    /// The data shown when drawing began, to start from.
    template: Vec<[f32; 2]>,
    rng: rand::rngs::StdRng,
}

impl Default for DrawTool {
    fn default() -> Self {
        Self {
            on: false,
            erase: false,
            brush: 0.04,
            density: 6,
            range: [-3.0, 3.0],
            template: Vec::new(),
            rng: rand::rngs::StdRng::seed_from_u64(7),
        }
    }
}

impl DrawTool {
    /// Starts drawing over the square `range`, with `shown` (the data on the canvas)
    /// offered as a start.
    pub fn begin(&mut self, range: Option<[f32; 2]>, shown: &[[f32; 2]]) {
        self.on = true;
        if let Some(r) = range.filter(|r| r[0].is_finite() && r[1] > r[0]) {
            self.range = r;
        }
        self.template = shown.to_vec();
    }

    /// The toolbar and the drawing surface; changes `data.points`.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &mut Gan2dData,
        preview: Option<&PointsPreview>,
        side: f32,
    ) {
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.erase, false, "brush")
                .on_hover_text("Hold the button and move: points are sprayed under the brush.");
            ui.radio_value(&mut self.erase, true, "erase")
                .on_hover_text("Hold the button and move: points under the brush are removed.");
            ui.add(egui::Slider::new(&mut self.brush, 0.01..=0.2).text("size"))
                .on_hover_text("The brush's radius, as a share of the canvas.");
            ui.add(egui::Slider::new(&mut self.density, 1..=40).text("density"))
                .on_hover_text("Points sprayed per frame while the button is held.");
        });
        ui.horizontal(|ui| {
            if ui.button("Clear").clicked() {
                data.points.clear();
            }
            if !self.template.is_empty()
                && ui
                    .button("Start from the data shown")
                    .on_hover_text("Copy the points the canvas showed before drawing, to edit them: erase a mode, add another.")
                    .clicked()
            {
                data.points = self.template.clone();
            }
            let modes = preview
                .filter(|p| p.path.as_os_str().is_empty() && data.points.len() >= 2)
                .map_or(String::new(), |p| format!(", {} modes found", p.view.modes.len()));
            ui.label(format!("{} points{modes}", data.points.len()));
        });
        let [lo, hi] = self.range;
        let response = Plot::new("gan2d-draw")
            .width(side)
            .height(side)
            .data_aspect(1.0)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .allow_boxed_zoom(false)
            .allow_double_click_reset(false)
            .show_crosshair(false)
            .default_x_bounds(lo as f64, hi as f64)
            .default_y_bounds(lo as f64, hi as f64)
            .show(ui, |_| {});
        let frame = *response.transform.frame();
        let radius_px = self.brush * frame.width();
        let units_per_px = (hi - lo) / frame.width().max(1.0);
        let r = &response.response;
        if r.is_pointer_button_down_on()
            && let Some(pos) = r.interact_pointer_pos()
        {
            let c = response.transform.value_from_position(pos);
            let (cx, cy, rad) = (c.x as f32, c.y as f32, radius_px * units_per_px);
            if self.erase {
                data.points.retain(|p| (p[0] - cx).hypot(p[1] - cy) > rad);
            } else {
                for _ in 0..self
                    .density
                    .min(MAX_DRAWN.saturating_sub(data.points.len()))
                {
                    // Uniform in the disc.
                    let t = self.rng.random::<f32>() * std::f32::consts::TAU;
                    let d = rad * self.rng.random::<f32>().sqrt();
                    data.points.push([cx + d * t.cos(), cy + d * t.sin()]);
                }
            }
            ui.ctx().request_repaint();
        }
        let painter = ui.painter_at(frame);
        let mut mesh = egui::Mesh::default();
        let to_screen = |p: [f32; 2]| {
            response
                .transform
                .position_from_point(&egui_plot::PlotPoint::new(p[0] as f64, p[1] as f64))
        };
        for p in &data.points {
            let c = to_screen(*p);
            if c.is_finite() {
                let rect = egui::Rect::from_center_size(c, egui::vec2(3.0, 3.0));
                mesh.add_colored_rect(rect, colour(theme::REAL));
            }
        }
        painter.add(mesh);
        if let Some(p) = preview.filter(|p| p.path.as_os_str().is_empty()) {
            for m in &p.view.modes {
                let c = to_screen(*m);
                let k = egui::vec2(6.0, 0.0);
                let stroke = egui::Stroke::new(2.0, ui.visuals().strong_text_color());
                painter.line_segment([c - k, c + k], stroke);
                painter.line_segment([c - k.yx(), c + k.yx()], stroke);
            }
        }
        if let Some(pos) = r.hover_pos() {
            painter.circle_stroke(
                pos,
                radius_px,
                egui::Stroke::new(1.0, ui.visuals().strong_text_color()),
            );
        }
    }
}
