//! The sentence lab's second half: sentences from the prior, each marked new or
//! seen with the share of new ones (memorising shows), and a sentence moved along
//! a concept vector between the training sentences with one word and with another.

use super::sentence_lab::{error_ui, lines_ui, sentence_field};
use crate::app::lab_state::LabState;
use crate::lab::{LabSlot, SentenceAnswer, SentenceLine};

/// Sentences from the prior.
pub fn prior_ui(ui: &mut egui::Ui, lab: &mut LabState) {
    ui.heading("From the prior").on_hover_text(
        "Codes drawn from N(0, I), decoded: what the model writes of its own. A sentence marked seen is word for word in the training set; a model that memorises marks many.",
    );
    let s = &mut lab.sentence;
    ui.horizontal(|ui| {
        ui.label("sentences");
        ui.add(egui::Slider::new(&mut s.prior_count, 1..=40));
        if ui
            .button("New draw")
            .on_hover_text("Other codes (and other draws everywhere in the lab).")
            .clicked()
        {
            s.seed += 1;
        }
    });
    error_ui(ui, lab, LabSlot::Prior);
    if let Some(SentenceAnswer::Prior(lines)) = lab.sentences.get(&LabSlot::Prior) {
        let new = lines.iter().filter(|l| !l.seen).count();
        ui.label(format!(
            "{new} of {} new ({:.0}%), not in the training set",
            lines.len(),
            100.0 * new as f64 / lines.len().max(1) as f64
        ));
        lines_ui(ui, lines, true);
    }
}

/// A sentence moved along a concept vector.
pub fn concept_ui(ui: &mut egui::Ui, lab: &mut LabState, held_out: &[String]) {
    ui.heading("Concept vector").on_hover_text(
        "The mean code of training sentences with one word minus the mean code of those with another, added to a sentence's code with growing strength. On the grammar, blue − red should turn the colour and leave the rest.",
    );
    let s = &mut lab.sentence;
    egui::Grid::new("concept-settings")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("add");
            ui.horizontal(|ui| {
                ui.add(egui::TextEdit::singleline(&mut s.plus).desired_width(100.0))
                    .on_hover_text("A word the sentences with the concept contain.");
                ui.label("minus");
                ui.add(egui::TextEdit::singleline(&mut s.minus).desired_width(100.0))
                    .on_hover_text("A word the sentences without it contain.");
                ui.label("strength up to");
                ui.add(egui::Slider::new(&mut s.strength, 0.0..=4.0));
            });
            ui.end_row();
            ui.label("to");
            sentence_field(
                ui,
                "base-pick",
                &mut s.base,
                held_out,
                "The sentence to move.",
            );
            ui.end_row();
        });
    error_ui(ui, lab, LabSlot::Concept);
    if let Some(SentenceAnswer::Concept { rows, counts }) = lab.sentences.get(&LabSlot::Concept) {
        ui.label(
            egui::RichText::new(format!(
                "vector from {} training sentences with “{}” and {} with “{}”",
                counts.0, lab.sentence.plus, counts.1, lab.sentence.minus
            ))
            .weak(),
        );
        for (strength, line) in rows {
            ui.horizontal(|ui| {
                ui.label(
                    egui::RichText::new(format!("{strength:>4.2} ×"))
                        .monospace()
                        .weak(),
                );
                lines_ui(ui, std::slice::from_ref::<SentenceLine>(line), false);
            });
        }
    }
}
