//! The 2-D GAN view: real and generated points over the discriminator's heat map,
//! with the generator's gradient as arrows (the picture GAN Lab made famous).

use egui_plot::{Plot, PlotImage, PlotPoint};

use crate::app::state::AppState;
use crate::app::theme::colour;
use crate::data::toy2d::Toy2d;
use crate::experiments::ExperimentSpec;
use crate::theme;
use crate::view::{Gan2dView, ScalarField};

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
        }
    }
}

impl Gan2dCanvas {
    /// Draws the canvas in a square that fits the available space.
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &AppState) {
        ui.horizontal(|ui| {
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
        ui.horizontal(|ui| {
            swatch_ui(ui, colour(theme::REAL), "real");
            swatch_ui(ui, colour(theme::FAKE), "generated");
            swatch_ui(ui, colour(theme::PUSH), "where G's loss pushes each point");
        });
        let Some(view) = &state.gan2d_view else {
            self.preview_ui(ui, state);
            return;
        };
        if self.texture_generation != state.view_generation {
            let image = field_image(&view.field);
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
        let side = ui.available_width().min(ui.available_height()).max(100.0);
        self.plot_ui(ui, view, side, true);
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
                    ui.label(format!(
                        "Your points from {}: {} modes {} (tick “modes” to mark them). Press Start to watch the generator learn them.",
                        p.path.display(),
                        p.view.modes.len(),
                        if p.k == 0 { "found" } else { "asked for" },
                    ));
                    self.plot_ui(ui, &p.view, side, false);
                }
                _ => {
                    ui.label("Choose a file of points (x, y per line) in the setup panel, or drop one here.");
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
            let at = |ix: usize, iy: usize| to_screen(m.points[iy * m.nx + ix]);
            if m.points.len() == m.nx * m.ny {
                for iy in 0..m.ny {
                    for ix in 0..m.nx {
                        if ix + 1 < m.nx {
                            add_segment(
                                &mut mesh,
                                at(ix, iy),
                                at(ix + 1, iy),
                                0.7,
                                colour(theme::MANIFOLD),
                            );
                        }
                        if iy + 1 < m.ny {
                            add_segment(
                                &mut mesh,
                                at(ix, iy),
                                at(ix, iy + 1),
                                0.7,
                                colour(theme::MANIFOLD),
                            );
                        }
                    }
                }
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
            for m in &view.modes {
                let c = to_screen(*m);
                let k = egui::vec2(5.0, 0.0);
                add_segment(&mut mesh, c - k, c + k, 1.0, colour(theme::MODE));
                add_segment(&mut mesh, c - k.yx(), c + k.yx(), 1.0, colour(theme::MODE));
            }
        }
        ui.painter_at(*response.transform.frame()).add(mesh);
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

/// The field as an image, top row first (the field's row 0 is the bottom).
fn field_image(f: &ScalarField) -> egui::ColorImage {
    let mut pixels = Vec::with_capacity(f.nx * f.ny);
    for iy in (0..f.ny).rev() {
        for ix in 0..f.nx {
            let v = f.values.get(iy * f.nx + ix).copied().unwrap_or(0.5);
            pixels.push(colour(theme::d_value_colour(v)));
        }
    }
    egui::ColorImage::new([f.nx, f.ny], pixels)
}
