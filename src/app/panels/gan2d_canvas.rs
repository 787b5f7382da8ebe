//! The 2-D GAN view: real and generated points over the discriminator's heat map,
//! with the generator's gradient as arrows (the picture GAN Lab made famous).

use egui_plot::{Arrows, Legend, MarkerShape, Plot, PlotImage, PlotPoint, Points};

use crate::app::state::AppState;
use crate::app::theme::colour;
use crate::theme;
use crate::view::{Gan2dView, ScalarField};

/// The canvas and what it caches between frames.
pub struct Gan2dCanvas {
    texture: Option<egui::TextureHandle>,
    texture_generation: u64,
    /// Draw the discriminator's heat map.
    pub show_field: bool,
    /// Draw the generator's gradient arrows.
    pub show_arrows: bool,
    /// Draw the real points.
    pub show_real: bool,
    /// Draw the modes' centres.
    pub show_modes: bool,
}

impl Default for Gan2dCanvas {
    fn default() -> Self {
        Self {
            texture: None,
            texture_generation: u64::MAX,
            show_field: true,
            show_arrows: true,
            show_real: true,
            show_modes: false,
        }
    }
}

impl Gan2dCanvas {
    /// Draws the canvas in a square that fits the available space.
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &AppState) {
        ui.horizontal(|ui| {
            ui.checkbox(&mut self.show_field, "D(x) heat map")
                .on_hover_text("The discriminator's belief that a point is real: green = real, purple = fake.");
            ui.checkbox(&mut self.show_arrows, "G gradient")
                .on_hover_text("Arrows: where the generator's loss pushes each generated point.");
            ui.checkbox(&mut self.show_real, "real data").on_hover_text("Show points drawn from the data.");
            ui.checkbox(&mut self.show_modes, "modes").on_hover_text("Mark the centre of each mode of the data.");
        });
        let Some(view) = &state.gan2d_view else {
            ui.centered_and_justified(|ui| ui.label("Press Start to watch the generator learn."));
            return;
        };
        if self.texture_generation != state.view_generation {
            let image = field_image(&view.field);
            match &mut self.texture {
                Some(t) => t.set(image, egui::TextureOptions::LINEAR),
                None => {
                    self.texture = Some(ui.ctx().load_texture("d-field", image, egui::TextureOptions::LINEAR));
                }
            }
            self.texture_generation = state.view_generation;
        }
        let side = ui.available_width().min(ui.available_height()).max(100.0);
        self.plot_ui(ui, view, side);
    }

    fn plot_ui(&self, ui: &mut egui::Ui, view: &Gan2dView, side: f32) {
        let f = &view.field;
        let [x0, x1] = f.x_range;
        let [y0, y1] = f.y_range;
        Plot::new("gan2d-canvas")
            .width(side)
            .height(side)
            .data_aspect(1.0)
            .default_x_bounds(x0 as f64, x1 as f64)
            .default_y_bounds(y0 as f64, y1 as f64)
            .legend(Legend::default())
            .show(ui, |plot| {
                if let (true, Some(t)) = (self.show_field, &self.texture) {
                    let centre = PlotPoint::new((x0 + x1) as f64 / 2.0, (y0 + y1) as f64 / 2.0);
                    plot.image(PlotImage::new("D(x)", t.id(), centre, [x1 - x0, y1 - y0]));
                }
                if self.show_real {
                    plot.points(
                        Points::new("real", as_f64(&view.real))
                            .color(colour(theme::REAL))
                            .radius(2.0),
                    );
                }
                if self.show_arrows {
                    let tips: Vec<[f64; 2]> = view
                        .fake
                        .iter()
                        .zip(&view.fake_push)
                        .map(|(p, d)| [(p[0] + d[0]) as f64, (p[1] + d[1]) as f64])
                        .collect();
                    plot.arrows(
                        Arrows::new("G gradient", as_f64(&view.fake), tips)
                            .color(colour(theme::PUSH))
                            .tip_length(4.0),
                    );
                }
                plot.points(
                    Points::new("generated", as_f64(&view.fake))
                        .color(colour(theme::FAKE))
                        .radius(2.0),
                );
                if self.show_modes {
                    plot.points(
                        Points::new("modes", as_f64(&view.modes))
                            .shape(MarkerShape::Cross)
                            .color(colour(theme::MODE))
                            .radius(5.0),
                    );
                }
            });
    }
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

fn as_f64(points: &[[f32; 2]]) -> Vec<[f64; 2]> {
    points.iter().map(|p| [p[0] as f64, p[1] as f64]).collect()
}
