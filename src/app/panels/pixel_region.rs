//! Choosing what a PixelCNN completion keeps: the top rows of a picture, or a
//! rectangle dragged on it (redrawn, or the only part kept). The pixels the model
//! will draw are shaded on the picture.

use super::lab_widgets::CachedImage;
use crate::app::theme;
use crate::lab::{KeepRegion, PixelRect};
use crate::view::RgbImage;

/// What the user chose to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    TopRows,
    RedrawRect,
    KeepRect,
}

/// The region picker and its choices.
pub struct RegionPicker {
    mode: Mode,
    keep_rows: usize,
    rect: PixelRect,
    /// The pixel a drag started on.
    drag_from: Option<(usize, usize)>,
    picture: CachedImage,
}

impl Default for RegionPicker {
    fn default() -> Self {
        Self {
            mode: Mode::TopRows,
            keep_rows: 14,
            rect: PixelRect {
                x0: 7,
                y0: 7,
                x1: 21,
                y1: 21,
            },
            drag_from: None,
            picture: CachedImage::default(),
        }
    }
}

impl RegionPicker {
    /// The pixels kept, as the worker understands them.
    pub fn keep(&self) -> KeepRegion {
        match self.mode {
            Mode::TopRows => KeepRegion::TopRows(self.keep_rows),
            Mode::RedrawRect => KeepRegion::Outside(self.rect),
            Mode::KeepRect => KeepRegion::Inside(self.rect),
        }
    }

    /// The choices and the picture (`key` changes with it) with the pixels to draw
    /// shaded; dragging on the picture sets the rectangle.
    pub fn ui(&mut self, ui: &mut egui::Ui, picture: &RgbImage, key: u64) {
        let side = picture.width.min(picture.height).max(1);
        ui.horizontal_wrapped(|ui| {
            ui.radio_value(&mut self.mode, Mode::TopRows, "keep the top rows")
                .on_hover_text("Keep the top rows; the model draws the rest.");
            ui.radio_value(&mut self.mode, Mode::RedrawRect, "redraw a rectangle")
                .on_hover_text("Keep everything but the rectangle you drag on the picture; the model redraws it from the pixels above and to its left (it cannot see below).");
            ui.radio_value(&mut self.mode, Mode::KeepRect, "keep only a rectangle")
                .on_hover_text("Keep only the rectangle you drag on the picture; the model draws everything around it.");
        });
        if self.mode == Mode::TopRows {
            ui.horizontal(|ui| {
                ui.label("rows kept");
                ui.add(egui::Slider::new(&mut self.keep_rows, 0..=side - 1))
                    .on_hover_text("Rows kept from the top of the picture.");
            });
        } else {
            ui.label("Drag on the picture to choose the rectangle.");
        }
        let r =
            self.picture
                .ui_sensing(ui, "pixel-region", picture, key, 168.0, egui::Sense::drag());
        let at = |pos: egui::Pos2| {
            let f = (pos - r.rect.min) / r.rect.size();
            let clamp = |v: f32| ((v * side as f32).floor().max(0.0) as usize).min(side - 1);
            (clamp(f.y), clamp(f.x))
        };
        if r.drag_started()
            && let Some(pos) = r.interact_pointer_pos()
        {
            self.drag_from = Some(at(pos));
            if self.mode == Mode::TopRows {
                self.mode = Mode::RedrawRect;
            }
        }
        if r.dragged()
            && let (Some(from), Some(pos)) = (self.drag_from, r.interact_pointer_pos())
        {
            let to = at(pos);
            self.rect = PixelRect {
                x0: from.1.min(to.1),
                y0: from.0.min(to.0),
                x1: from.1.max(to.1) + 1,
                y1: from.0.max(to.0) + 1,
            };
        }
        if r.drag_stopped() {
            self.drag_from = None;
        }
        self.shade(ui, r.rect, side);
    }

    /// Shades the pixels the model will draw and outlines the rectangle.
    fn shade(&self, ui: &egui::Ui, area: egui::Rect, side: usize) {
        let px = area.width() / side as f32;
        let painter = ui.painter_at(area);
        let fill = theme::ACCENT.gamma_multiply(0.35);
        let cell = |x0: usize, y0: usize, x1: usize, y1: usize| {
            egui::Rect::from_min_max(
                area.min + egui::vec2(x0 as f32 * px, y0 as f32 * px),
                area.min + egui::vec2(x1 as f32 * px, y1 as f32 * px),
            )
        };
        let r = self.rect;
        match self.mode {
            Mode::TopRows => {
                painter.rect_filled(cell(0, self.keep_rows.min(side), side, side), 0.0, fill);
            }
            Mode::RedrawRect => {
                painter.rect_filled(cell(r.x0, r.y0, r.x1, r.y1), 0.0, fill);
            }
            Mode::KeepRect => {
                for band in [
                    cell(0, 0, side, r.y0),
                    cell(0, r.y1, side, side),
                    cell(0, r.y0, r.x0, r.y1),
                    cell(r.x1, r.y0, side, r.y1),
                ] {
                    painter.rect_filled(band, 0.0, fill);
                }
            }
        }
        if self.mode != Mode::TopRows {
            painter.rect_stroke(
                cell(r.x0, r.y0, r.x1, r.y1),
                0.0,
                egui::Stroke::new(1.5, theme::ACCENT),
                egui::StrokeKind::Inside,
            );
        }
    }
}
