//! The 2-D GAN view: real and generated points over the discriminator's heat map,
//! with the generator's gradient as arrows (the picture GAN Lab made famous).

use egui_plot::{Plot, PlotImage, PlotPoint};

use super::gan2d_draw::DrawTool;
use crate::app::state::AppState;
use crate::app::theme::colour;
use crate::data::toy2d::Toy2d;
use crate::experiments::ExperimentSpec;
use crate::theme;
use crate::view::{Gan2dView, Manifold, ScalarField};

/// Points in the data preview shown before a run (as many as a run's view shows).
const PREVIEW_POINTS: usize = 512;

/// The canvas and what it caches between frames.
pub struct Gan2dCanvas {
    texture: Option<egui::TextureHandle>,
    texture_generation: u64,
    /// Draw the discriminator's heat map.
    pub show_field: bool,
    /// Draw the generator's gradient arrows.
    pub show_arrows: bool,
    /// Draw G's manifold: the noise grid warped into data space.
    pub show_manifold: bool,
    /// Draw the real points.
    pub show_real: bool,
    /// Draw the modes' centres.
    pub show_modes: bool,
    /// Before a run: the chosen data, for the distribution and seed it was drawn for.
    preview: Option<((Toy2d, u64), Gan2dView)>,
    /// Drawing the data by hand.
    pub draw: DrawTool,
}

impl Default for Gan2dCanvas {
    fn default() -> Self {
        Self {
            texture: None,
            texture_generation: u64::MAX,
            show_field: true,
            show_arrows: true,
            show_manifold: false,
            show_real: true,
            show_modes: false,
            preview: None,
            draw: DrawTool::default(),
        }
    }
}

impl Gan2dCanvas {
    /// Draws the canvas in a square that fits the available space.
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &mut AppState) {
        let can_draw = matches!(state.draft, ExperimentSpec::Gan2d(_)) && !state.is_active();
        if can_draw && self.draw.on {
            self.drawing_ui(ui, state);
            return;
        }
        ui.horizontal_wrapped(|ui| {
            if can_draw
                && ui
                    .button("Draw data")
                    .on_hover_text("Draw your own distribution with a brush (before a run): the drawn points become the data, saved with the run's config.")
                    .clicked()
            {
                self.begin_drawing(state);
            }
            ui.checkbox(&mut self.show_field, "D(x) heat map")
                .on_hover_text(
                    "The discriminator's belief that a point is real: green = real, purple = fake.",
                );
            ui.checkbox(&mut self.show_manifold, "manifold")
                .on_hover_text("GAN Lab's manifold view: a regular grid of G's noise (its first two dimensions, −2σ to 2σ) drawn where G puts it. Folds, stretches and collapsed regions show how G maps noise to data.");
            ui.checkbox(&mut self.show_arrows, "G gradient")
                .on_hover_text("Arrows: where the generator's loss pushes each generated point.");
            ui.checkbox(&mut self.show_real, "real data")
                .on_hover_text("Show points drawn from the data.");
            ui.checkbox(&mut self.show_modes, "modes")
                .on_hover_text("Mark the centre of each mode of the data.");
        });
        ui.horizontal_wrapped(|ui| {
            swatch_ui(ui, colour(theme::REAL), "real");
            swatch_ui(ui, colour(theme::FAKE), "generated");
            swatch_ui(ui, colour(theme::PUSH), "where G's loss pushes each point");
        });
        let Some(view) = &state.gan2d_view else {
            self.preview_ui(ui, state);
            return;
        };
        if view.field_is_critic && self.show_field {
            let (lo, hi) = finite_range(&view.field.values);
            ui.horizontal_wrapped(|ui| {
                swatch_ui(ui, colour(theme::critic_colour(0.0)), &format!("critic {lo:.2}"));
                swatch_ui(ui, colour(theme::critic_colour(1.0)), &format!("{hi:.2}"));
                ui.label("(WGAN-GP: the critic's score, lowest to highest in view; only differences matter)");
            });
        }
        if self.texture_generation != state.view_generation {
            let image = field_image(&view.field, view.field_is_critic);
            match &mut self.texture {
                Some(t) => t.set(image, egui::TextureOptions::LINEAR),
                None => {
                    self.texture = Some(ui.ctx().load_texture(
                        "d-field",
                        image,
                        egui::TextureOptions::LINEAR,
                    ));
                }
            }
            self.texture_generation = state.view_generation;
        }
        let noise_view = self.show_manifold && view.manifold.ny > 1;
        let inset = if noise_view { 140.0 } else { 0.0 };
        let side = (ui.available_width() - inset)
            .min(ui.available_height())
            .max(100.0);
        ui.horizontal_top(|ui| {
            self.plot_ui(ui, view, side, true);
            if noise_view {
                noise_space_ui(ui, &view.manifold, inset - 12.0);
            }
        });
    }

    /// Turns the canvas to drawing: the draft learns the drawn points, in the square
    /// the canvas shows now, with its points offered as a start.
    fn begin_drawing(&mut self, state: &mut AppState) {
        let shown = match (&state.gan2d_view, &state.points, &self.preview) {
            (Some(v), _, _) => Some(v),
            (None, Some(p), _) if p.path.as_os_str().is_empty() => None,
            (None, Some(p), _) => Some(&*p.view),
            (None, None, Some((_, v))) => Some(v),
            _ => None,
        };
        let range = shown.map(|v| v.field.x_range);
        let points = shown.map_or(&[][..], |v| &v.real[..]);
        self.draw.begin(range, points);
        if let ExperimentSpec::Gan2d(s) = &mut state.draft {
            s.data.distribution = Toy2d::Points;
            s.data.path = Default::default();
        }
    }

    /// The drawing surface, with a way back to the canvas.
    fn drawing_ui(&mut self, ui: &mut egui::Ui, state: &mut AppState) {
        ui.horizontal(|ui| {
            if ui
                .button("Done drawing")
                .on_hover_text("Back to the canvas: Start learns the drawn points.")
                .clicked()
            {
                self.draw.on = false;
            }
            ui.label("Draw the data: hold the button and move. Start trains on what you drew.");
        });
        let side = ui
            .available_width()
            .min(ui.available_height() - 50.0)
            .max(100.0);
        let preview = state.points.as_ref();
        if let ExperimentSpec::Gan2d(s) = &mut state.draft {
            self.draw.ui(ui, &mut s.data, preview, side);
        }
    }

    /// Before the first view of a run: the data the draft would learn, so that the
    /// distribution can be seen while it is being chosen.
    fn preview_ui(&mut self, ui: &mut egui::Ui, state: &AppState) {
        let ExperimentSpec::Gan2d(spec) = &state.draft else {
            ui.centered_and_justified(|ui| ui.label("Press Start to watch the generator learn."));
            return;
        };
        if spec.data.distribution == Toy2d::Points {
            let side = ui.available_width().min(ui.available_height()).max(100.0);
            match &state.points {
                Some(p) if p.path == spec.data.path => {
                    let from = if p.path.as_os_str().is_empty() {
                        "Your drawn points".to_string()
                    } else {
                        format!("Your points from {}", p.path.display())
                    };
                    ui.label(format!(
                        "{from}: {} modes {} (tick “modes” to mark them). Press Start to watch the generator learn them.",
                        p.view.modes.len(),
                        if p.k == 0 { "found" } else { "asked for" },
                    ));
                    self.plot_ui(ui, &p.view, side, false);
                }
                _ if !spec.data.points.is_empty() => {
                    ui.label(format!(
                        "{} drawn points; finding their modes…",
                        spec.data.points.len()
                    ));
                }
                _ => {
                    ui.label("Choose a file of points (x, y per line) in the setup panel, drop one here, or draw them (Draw data).");
                }
            }
            return;
        }
        let key = (spec.data.distribution, spec.seed);
        if self.preview.as_ref().is_none_or(|(k, _)| *k != key) {
            let view = key.0.preview(PREVIEW_POINTS, key.1);
            self.preview = Some((key, view));
        }
        ui.label(format!(
            "The data: {}. Press Start to watch the generator learn it.",
            key.0.label()
        ));
        let side = ui.available_width().min(ui.available_height()).max(100.0);
        if let Some((_, view)) = &self.preview {
            self.plot_ui(ui, view, side, false);
        }
    }

    fn plot_ui(&self, ui: &mut egui::Ui, view: &Gan2dView, side: f32, with_field: bool) {
        let f = &view.field;
        let [x0, x1] = f.x_range;
        let [y0, y1] = f.y_range;
        let response = Plot::new("gan2d-canvas")
            .width(side)
            .height(side)
            .data_aspect(1.0)
            .show_crosshair(false)
            .default_x_bounds(x0 as f64, x1 as f64)
            .default_y_bounds(y0 as f64, y1 as f64)
            .show(ui, |plot| {
                if let (true, Some(t)) = (self.show_field && with_field, &self.texture) {
                    let centre = PlotPoint::new((x0 + x1) as f64 / 2.0, (y0 + y1) as f64 / 2.0);
                    plot.image(PlotImage::new("D(x)", t.id(), centre, [x1 - x0, y1 - y0]));
                }
            });
        // Thousands of points and arrows as plot items cost ~10 ms a frame to tessellate
        // and rasterise on a software renderer; one mesh of small quads costs well under 1.
        let to_screen = |p: [f32; 2]| {
            response
                .transform
                .position_from_point(&PlotPoint::new(p[0] as f64, p[1] as f64))
        };
        let mut mesh = egui::Mesh::default();
        if self.show_real {
            for p in &view.real {
                add_square(&mut mesh, to_screen(*p), 2.0, colour(theme::REAL));
            }
        }
        if self.show_manifold {
            let m = &view.manifold;
            if m.points.len() == m.nx * m.ny {
                let at = |ix: usize, iy: usize| to_screen(m.points[iy * m.nx + ix]);
                add_grid(&mut mesh, m, at);
            }
        }
        if self.show_arrows {
            for (p, d) in view.fake.iter().zip(&view.fake_push) {
                add_segment(
                    &mut mesh,
                    to_screen(*p),
                    to_screen([p[0] + d[0], p[1] + d[1]]),
                    0.6,
                    colour(theme::PUSH),
                );
            }
        }
        for p in &view.fake {
            add_square(&mut mesh, to_screen(*p), 2.0, colour(theme::FAKE));
        }
        if self.show_modes {
            // Dark on the light heat map, the text's colour on the plot's own ground.
            let mode_colour = if self.show_field && with_field {
                colour(theme::MODE)
            } else {
                ui.visuals().strong_text_color()
            };
            for m in &view.modes {
                let c = to_screen(*m);
                let k = egui::vec2(5.0, 0.0);
                add_segment(&mut mesh, c - k, c + k, 1.0, mode_colour);
                add_segment(&mut mesh, c - k.yx(), c + k.yx(), 1.0, mode_colour);
            }
        }
        ui.painter_at(*response.transform.frame()).add(mesh);
    }
}

/// The manifold's grid as line segments between neighbouring points placed by
/// `at`: a 2-D noise grid in each point's colour (the noise-space inset's), a
/// 1-D line in one colour.
fn add_grid(mesh: &mut egui::Mesh, m: &Manifold, at: impl Fn(usize, usize) -> egui::Pos2) {
    for iy in 0..m.ny {
        for ix in 0..m.nx {
            let c = if m.ny > 1 {
                colour(grid_colour(m, ix, iy))
            } else {
                colour(theme::MANIFOLD)
            };
            if ix + 1 < m.nx {
                add_segment(mesh, at(ix, iy), at(ix + 1, iy), 0.8, c);
            }
            if iy + 1 < m.ny {
                add_segment(mesh, at(ix, iy), at(ix, iy + 1), 0.8, c);
            }
        }
    }
}

/// The colour of noise-grid point `(ix, iy)`, by its place in the grid.
fn grid_colour(m: &Manifold, ix: usize, iy: usize) -> theme::Rgb {
    let frac = |i: usize, n: usize| i as f32 / (n.max(2) - 1) as f32;
    theme::noise_colour(frac(ix, m.nx), frac(iy, m.ny))
}

/// G's noise space (its first two dimensions, −2σ to 2σ) as the regular grid the
/// manifold is made from, each point in the colour it carries into data space: a
/// colour missing from the manifold's picture is a region G collapses.
fn noise_space_ui(ui: &mut egui::Ui, m: &Manifold, side: f32) {
    ui.vertical(|ui| {
        ui.label("noise space z")
            .on_hover_text("G's noise, its first two dimensions from −2σ to 2σ: each grid point keeps its colour in the manifold on the left, so a fold, a stretch or a region squeezed onto a point can be read off.");
        let (rect, _) = ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
        let painter = ui.painter_at(rect);
        painter.rect_stroke(
            rect,
            0.0,
            egui::Stroke::new(1.0, ui.visuals().weak_text_color()),
            egui::StrokeKind::Inside,
        );
        let mut mesh = egui::Mesh::default();
        let at = |ix: usize, iy: usize| {
            let frac = |i: usize, n: usize| i as f32 / (n.max(2) - 1) as f32;
            let inner = rect.shrink(6.0);
            egui::pos2(
                inner.left() + frac(ix, m.nx) * inner.width(),
                inner.bottom() - frac(iy, m.ny) * inner.height(),
            )
        };
        add_grid(&mut mesh, m, at);
        painter.add(mesh);
    });
}

/// The lowest and highest finite values (0, 1 when there are none).
fn finite_range(values: &[f32]) -> (f32, f32) {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let lo = finite.clone().fold(f32::INFINITY, f32::min);
    let hi = finite.fold(f32::NEG_INFINITY, f32::max);
    if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    }
}

/// A small colour square and its label, for the legend.
fn swatch_ui(ui: &mut egui::Ui, fill: egui::Color32, label: &str) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, fill);
    ui.label(label);
}

/// A filled square of half-side `r` centred on `c`.
fn add_square(mesh: &mut egui::Mesh, c: egui::Pos2, r: f32, colour: egui::Color32) {
    if c.is_finite() {
        mesh.add_colored_rect(
            egui::Rect::from_center_size(c, egui::vec2(2.0 * r, 2.0 * r)),
            colour,
        );
    }
}

/// A straight line from `a` to `b`, `half_width` thick on each side.
fn add_segment(
    mesh: &mut egui::Mesh,
    a: egui::Pos2,
    b: egui::Pos2,
    half_width: f32,
    colour: egui::Color32,
) {
    let d = b - a;
    let len = d.length();
    if !(len.is_finite() && len > 0.0) {
        return;
    }
    let n = egui::vec2(-d.y, d.x) / len * half_width;
    let i = mesh.vertices.len() as u32;
    for p in [a + n, b + n, b - n, a - n] {
        mesh.colored_vertex(p, colour);
    }
    mesh.add_triangle(i, i + 1, i + 2);
    mesh.add_triangle(i, i + 2, i + 3);
}

/// The field as an image, top row first (the field's row 0 is the bottom): D's
/// belief on its fixed scale, a critic's scores spread over their own range.
fn field_image(f: &ScalarField, critic: bool) -> egui::ColorImage {
    let (lo, hi) = finite_range(&f.values);
    let span = (hi - lo).max(1e-6);
    let mut pixels = Vec::with_capacity(f.nx * f.ny);
    for iy in (0..f.ny).rev() {
        for ix in 0..f.nx {
            let v = f.values.get(iy * f.nx + ix).copied().unwrap_or(0.5);
            pixels.push(colour(if critic {
                theme::critic_colour((v - lo) / span)
            } else {
                theme::d_value_colour(v)
            }));
        }
    }
    egui::ColorImage::new([f.nx, f.ny], pixels)
}
