//! The bottom bar: the latest message, and the run folder.

use crate::app::state::{AppState, Level};
use crate::app::theme;

/// Draws the status bar.
pub fn ui(ui: &mut egui::Ui, state: &AppState) {
    ui.horizontal(|ui| {
        if let Some(line) = state.log.last() {
            let colour = match line.level {
                Level::Info => ui.visuals().text_color(),
                Level::Warning => theme::WARNING,
                Level::Error => theme::ERROR,
            };
            let r = ui.label(egui::RichText::new(&line.text).color(colour));
            r.on_hover_ui(|ui| {
                for l in state.log.iter().rev().take(15) {
                    ui.label(&l.text);
                }
            });
        } else {
            ui.label("Pick a preset and press Start.");
        }
        if let Some(dir) = state.run_dir() {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(format!("run folder: {}", dir.display()));
            });
        }
    });
}
