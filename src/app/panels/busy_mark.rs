//! A "working on it" mark that costs no frames: egui's spinner asks for a repaint
//! every frame, and under a software renderer a window drawing flat out takes the
//! CPU that training and the streamed answer need (a text generation beside training
//! fell to 110 characters/s and training to 1 step/s). This mark turns four times a
//! second, and moves with whatever other news repaints the window.

use std::time::Duration;

/// How often the mark turns on its own.
const TICK: Duration = Duration::from_millis(250);

/// Eight dots in a ring, one of them lit, the lit one moving with the clock.
pub fn busy_mark(ui: &mut egui::Ui) -> egui::Response {
    let side = ui.spacing().interact_size.y;
    let (rect, response) = ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
    if ui.is_rect_visible(rect) {
        let time = ui.input(|i| i.time);
        let lit = lit_dot(time);
        let radius = side * 0.35;
        let painter = ui.painter();
        let colour = ui.visuals().text_color();
        for k in 0..8 {
            let angle = k as f32 * std::f32::consts::TAU / 8.0;
            let at = rect.center() + radius * egui::vec2(angle.cos(), angle.sin());
            let (r, alpha) = if k == lit { (2.2, 255) } else { (1.4, 90) };
            painter.circle_filled(at, r, colour.gamma_multiply(alpha as f32 / 255.0));
        }
        ui.ctx().request_repaint_after(TICK);
    }
    response.on_hover_text("working on it")
}

/// The dot lit at `time` seconds.
fn lit_dot(time: f64) -> usize {
    ((time / TICK.as_secs_f64()) as usize) % 8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lit_dot_moves_once_a_tick_and_comes_round() {
        assert_eq!(lit_dot(0.0), 0);
        assert_eq!(lit_dot(0.26), 1);
        assert_eq!(lit_dot(8.0 * 0.25 + 0.01), 0);
    }
}
