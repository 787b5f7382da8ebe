//! The sentence lab's map: held-out sentences' codes on their two principal
//! components, coloured by words they contain; the pointer decodes the code under
//! it, and the nearest held-out sentence is named beside it.

use egui_plot::{Plot, PlotPoint, Points};

use super::sentence_lab::{error_ui, lines_ui};
use crate::app::lab_state::LabState;
use crate::app::theme;
use crate::lab::{LabSlot, SentenceAnswer};

/// Draws the map; returns the code under the pointer (or the pinned one), to decode.
pub fn map_ui(ui: &mut egui::Ui, lab: &mut LabState) -> Option<Vec<f32>> {
    ui.heading("Map").on_hover_text(
        "The held-out sentences' codes (posterior means) on their two principal components. Move over the map to decode the code under the pointer; click to pin it.",
    );
    ui.horizontal(|ui| {
        ui.label("colour by the words");
        ui.add(egui::TextEdit::singleline(&mut lab.sentence.map_words).desired_width(260.0))
            .on_hover_text("Words separated by commas: each sentence takes the colour of the first it contains.");
    });
    error_ui(ui, lab, LabSlot::Map);
    let Some(SentenceAnswer::Map {
        texts,
        codes,
        basis,
    }) = lab.sentences.get(&LabSlot::Map)
    else {
        ui.label("Encoding the held-out sentences…");
        return None;
    };
    let words: Vec<String> = (lab.sentence.map_words.split(','))
        .map(|w| w.trim().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    let projected: Vec<[f64; 2]> = (codes.iter())
        .map(|c| {
            let p = basis.project(c);
            [
                p.first().copied().unwrap_or(0.0) as f64,
                p.get(1).copied().unwrap_or(0.0) as f64,
            ]
        })
        .collect();
    let mut groups: Vec<Vec<[f64; 2]>> = vec![Vec::new(); words.len() + 1];
    for (text, p) in texts.iter().zip(&projected) {
        let lower = text.to_lowercase();
        let g = (words.iter())
            .position(|w| lower.split(|c: char| !c.is_alphanumeric()).any(|t| t == w))
            .unwrap_or(words.len());
        groups[g].push(*p);
    }
    let side = ui.available_width().min(420.0);
    let pinned = lab.sentence.map_pin;
    let mut hovered = None;
    let mut clicked = None;
    ui.horizontal_top(|ui| {
        let plot = Plot::new("sentence-map")
            .width(side)
            .height(side * 0.8)
            .data_aspect(1.0)
            .legend(egui_plot::Legend::default())
            .x_axis_label("component 1")
            .y_axis_label("component 2")
            .show(ui, |plot| {
                for (g, pts) in groups.into_iter().enumerate() {
                    if pts.is_empty() {
                        continue;
                    }
                    let (name, colour) = match words.get(g) {
                        Some(w) => (w.clone(), theme::series(g)),
                        None => ("other".to_string(), egui::Color32::GRAY),
                    };
                    plot.points(
                        Points::new(name, pts)
                            .radius(2.0)
                            .filled(true)
                            .color(colour),
                    );
                }
                if let Some(p) = pinned {
                    plot.points(
                        Points::new("pinned", vec![[p[0] as f64, p[1] as f64]])
                            .shape(egui_plot::MarkerShape::Cross)
                            .radius(8.0)
                            .color(theme::ACCENT),
                    );
                }
                plot.pointer_coordinate()
            });
        if plot.response.clicked()
            && let Some(p) = plot.inner
        {
            clicked = Some([p.x as f32, p.y as f32]);
        }
        hovered = plot
            .inner
            .map(|p: PlotPoint| [p.x as f32, p.y as f32])
            .or(clicked)
            .or(pinned);
        ui.vertical(|ui| {
            let Some(p) = hovered else {
                ui.label(egui::RichText::new("Point at the map to decode.").weak());
                return;
            };
            ui.label(egui::RichText::new("decoded at the pointer").weak());
            match lab.sentences.get(&LabSlot::MapPoint) {
                Some(SentenceAnswer::Decoded(line)) => {
                    lines_ui(ui, std::slice::from_ref(line), false)
                }
                _ => {
                    ui.label("…");
                }
            }
            error_ui(ui, lab, LabSlot::MapPoint);
            let nearest = (projected.iter().enumerate())
                .min_by(|a, b| dist(a.1, p).total_cmp(&dist(b.1, p)))
                .map(|(i, _)| i);
            if let Some(i) = nearest {
                ui.label(egui::RichText::new("nearest held-out sentence").weak());
                ui.label(&texts[i]);
            }
        });
    });
    // Snapped to a fine grid, so a still pointer asks once.
    let code = hovered.map(|p| {
        let snap = |v: f32| (v * 50.0).round() / 50.0;
        basis.lift(
            (0, 1.min(basis.components.len().saturating_sub(1))),
            [snap(p[0]), snap(p[1])],
        )
    });
    if clicked.is_some() {
        lab.sentence.map_pin = clicked;
    }
    code
}

fn dist(a: &[f64; 2], p: [f32; 2]) -> f64 {
    (a[0] - p[0] as f64).powi(2) + (a[1] - p[1] as f64).powi(2)
}
