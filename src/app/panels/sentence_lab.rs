//! The sentence lab: walk from one sentence to another along the straight line and
//! the great circle between their codes (the homotopy), write a typed sentence back
//! from its code, and (in `sentence_lab_more`) draw from the prior and move a
//! sentence along a concept vector. Every change asks again; the answers come back
//! to their slots.

use std::collections::HashMap;

use super::lab_map::ask_if_new;
use crate::app::actions::Actions;
use crate::app::lab_state::LabState;
use crate::app::theme;
use crate::lab::{LabQuery, LabSlot, SentenceAnswer, SentenceLine, SentenceQuery};

/// Held-out sentences offered to pick from.
const OFFERED: usize = 60;
/// Held-out sentences on the map.
const MAP_SENTENCES: usize = 1000;

/// What the sentence lab asks.
#[derive(Clone, Debug, PartialEq)]
pub struct SentenceSettings {
    /// The homotopy's first sentence.
    pub from: String,
    /// Its last sentence.
    pub to: String,
    /// Its points, the ends included.
    pub points: usize,
    /// Beam width for every decoding (1 = greedy).
    pub beam: usize,
    /// Draws from p(x | z) at each point of the straight line.
    pub draws: usize,
    /// The sentence written back.
    pub reconstruct: String,
    /// Codes drawn from its posterior.
    pub samples: usize,
    /// Sentences from the prior.
    pub prior_count: usize,
    /// Seed of the prior's codes (and of every draw).
    pub seed: u64,
    /// The concept's word (e.g. "blue").
    pub plus: String,
    /// The word it replaces (e.g. "red").
    pub minus: String,
    /// The sentence moved along the concept vector.
    pub base: String,
    /// The strongest multiple of the vector.
    pub strength: f32,
    /// Words that colour the map's points.
    pub map_words: String,
    /// A point pinned on the map by a click.
    pub map_pin: Option<[f32; 2]>,
}

impl Default for SentenceSettings {
    fn default() -> Self {
        Self {
            from: String::new(),
            to: String::new(),
            points: 7,
            beam: 1,
            draws: 0,
            reconstruct: String::new(),
            samples: 3,
            prior_count: 10,
            seed: 1,
            plus: "blue".into(),
            minus: "red".into(),
            base: String::new(),
            strength: 1.5,
            map_words: "red, blue, green, grey, white, black".into(),
            map_pin: None,
        }
    }
}

/// The sentence lab's page.
#[derive(Default)]
pub struct SentenceLab {
    asked: HashMap<LabSlot, (u64, LabQuery)>,
}

impl SentenceLab {
    /// Draws the page; `model_key` changes when the model does (new weights).
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        lab: &mut LabState,
        model_key: u64,
        actions: &mut Actions,
    ) {
        let held_out = match lab.sentences.get(&LabSlot::Originals) {
            Some(SentenceAnswer::HeldOut(list)) => list.clone(),
            _ => Vec::new(),
        };
        let s = &mut lab.sentence;
        // The ends and bases start as held-out sentences.
        if !held_out.is_empty() && s.from.is_empty() && s.to.is_empty() {
            s.from = held_out[0].clone();
            s.to = held_out.get(1).unwrap_or(&held_out[0]).clone();
            s.reconstruct = held_out.get(2).unwrap_or(&held_out[0]).clone();
            s.base = held_out
                .iter()
                .find(|t| t.split(' ').any(|w| w == s.minus))
                .unwrap_or(&held_out[0])
                .clone();
        }
        let mut ask = |slot: LabSlot, q: SentenceQuery, actions: &mut Actions| {
            let mut last = self.asked.remove(&slot);
            ask_if_new(&mut last, model_key, LabQuery::Sentences(q), actions);
            if let Some(l) = last {
                self.asked.insert(slot, l);
            }
        };
        ask(
            LabSlot::Originals,
            SentenceQuery::HeldOut { count: OFFERED },
            actions,
        );
        ask(
            LabSlot::Map,
            SentenceQuery::Map {
                count: MAP_SENTENCES,
            },
            actions,
        );
        if held_out.is_empty() {
            ui.label("Reading the held-out sentences…");
            return;
        }
        let s = lab.sentence.clone();
        ask(
            LabSlot::Interpolation,
            SentenceQuery::Homotopy {
                from: s.from.clone(),
                to: s.to.clone(),
                points: s.points,
                beam: s.beam,
                draws: s.draws,
                seed: s.seed,
            },
            actions,
        );
        ask(
            LabSlot::Reconstruct,
            SentenceQuery::Reconstruct {
                text: s.reconstruct.clone(),
                samples: s.samples,
                beam: s.beam,
                seed: s.seed,
            },
            actions,
        );
        ask(
            LabSlot::Prior,
            SentenceQuery::Prior {
                count: s.prior_count,
                beam: s.beam,
                seed: s.seed,
            },
            actions,
        );
        let k = s.strength;
        ask(
            LabSlot::Concept,
            SentenceQuery::Concept {
                plus: s.plus.clone(),
                minus: s.minus.clone(),
                base: s.base.clone(),
                strengths: vec![0.0, 0.25 * k, 0.5 * k, 0.75 * k, k],
                beam: s.beam,
            },
            actions,
        );
        egui::ScrollArea::vertical()
            .id_salt("sentence-lab")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                homotopy_ui(ui, lab, &held_out);
                ui.separator();
                reconstruct_ui(ui, lab, &held_out);
                ui.separator();
                super::sentence_lab_more::prior_ui(ui, lab);
                ui.separator();
                super::sentence_lab_more::concept_ui(ui, lab, &held_out);
                ui.separator();
                if let Some(code) = super::sentence_lab_map::map_ui(ui, lab) {
                    let beam = lab.sentence.beam;
                    ask(
                        LabSlot::MapPoint,
                        SentenceQuery::Decode { code, beam },
                        actions,
                    );
                }
            });
    }
}

/// A text field with a menu of held-out sentences beside it.
pub fn sentence_field(
    ui: &mut egui::Ui,
    id: &str,
    text: &mut String,
    held_out: &[String],
    tip: &str,
) {
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(text).desired_width(430.0))
            .on_hover_text(tip);
        egui::ComboBox::from_id_salt(id)
            .selected_text("held-out…")
            .width(90.0)
            .show_ui(ui, |ui| {
                for h in held_out {
                    if ui.selectable_label(h == text, h).clicked() {
                        *text = h.clone();
                    }
                }
            });
    });
}

/// Sentences, one a line, each marked new or seen (numbered when `numbered`).
pub fn lines_ui(ui: &mut egui::Ui, lines: &[SentenceLine], numbered: bool) {
    for (i, l) in lines.iter().enumerate() {
        ui.horizontal(|ui| {
            if numbered {
                ui.label(
                    egui::RichText::new(format!("{:>2}", i + 1))
                        .monospace()
                        .weak(),
                );
            }
            let (mark, colour) = if l.seen {
                ("seen", theme::ACCENT)
            } else {
                ("new ", ui.visuals().weak_text_color())
            };
            ui.label(egui::RichText::new(mark).monospace().color(colour))
                .on_hover_text(if l.seen {
                    "Word for word a training sentence."
                } else {
                    "Not in the training set."
                });
            ui.label(&l.text);
        });
    }
}

/// The error of a slot's last query, if any.
pub fn error_ui(ui: &mut egui::Ui, lab: &LabState, slot: LabSlot) {
    if let Some(e) = lab.errors.get(&slot) {
        ui.colored_label(theme::ERROR, e);
    }
}

/// Words of a typed sentence the model does not know.
pub fn unknown_ui(ui: &mut egui::Ui, unknown: &[String]) {
    if !unknown.is_empty() {
        ui.colored_label(
            theme::WARNING,
            format!(
                "not in the vocabulary, read as <unk>: {}",
                unknown.join(", ")
            ),
        );
    }
}

fn homotopy_ui(ui: &mut egui::Ui, lab: &mut LabState, held_out: &[String]) {
    ui.heading("Homotopy").on_hover_text(
        "Encode two sentences, walk between their codes, and decode evenly spaced points: a chain of sentences that turns one into the other (Bowman et al. 2016).",
    );
    let s = &mut lab.sentence;
    egui::Grid::new("homotopy-settings").num_columns(2).show(ui, |ui| {
        ui.label("From");
        sentence_field(ui, "from-pick", &mut s.from, held_out, "The first sentence: type one, or pick a held-out sentence.");
        ui.end_row();
        ui.label("To");
        sentence_field(ui, "to-pick", &mut s.to, held_out, "The last sentence.");
        ui.end_row();
        ui.label("Points");
        ui.horizontal(|ui| {
            ui.add(egui::Slider::new(&mut s.points, 3..=15))
                .on_hover_text("Sentences in the chain, the ends included.");
            ui.label("beam");
            ui.add(egui::Slider::new(&mut s.beam, 1..=8)).on_hover_text(
                "Beam width of every decoding in the lab: 1 is greedy (the likeliest word each step); wider keeps that many partial sentences and returns the likeliest whole one.",
            );
            ui.label("draws per point");
            ui.add(egui::Slider::new(&mut s.draws, 0..=3)).on_hover_text(
                "Sentences drawn from p(x | z) at temperature 1 at each point of the straight line: how sure the decoder is there.",
            );
        });
        ui.end_row();
    });
    error_ui(ui, lab, LabSlot::Interpolation);
    let Some(SentenceAnswer::Homotopy {
        straight,
        circle,
        draws,
        unknown,
    }) = lab.sentences.get(&LabSlot::Interpolation)
    else {
        return;
    };
    unknown_ui(ui, unknown);
    let width = ui.available_width();
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(width * 0.5 - 8.0);
            ui.strong("Straight line").on_hover_text("Codes (1 − t)·a + t·b.");
            for (i, line) in straight.iter().enumerate() {
                lines_ui(ui, std::slice::from_ref(line), false);
                if let Some(d) = draws.get(i) {
                    ui.indent(("draws", i), |ui| {
                        for l in d {
                            ui.label(egui::RichText::new(&l.text).weak().small());
                        }
                    });
                }
            }
        });
        ui.vertical(|ui| {
            ui.strong("Great circle").on_hover_text(
                "Spherical interpolation (slerp): the codes keep a norm the prior finds typical, where the straight line's middle dips toward the origin.",
            );
            lines_ui(ui, circle, false);
        });
    });
}

fn reconstruct_ui(ui: &mut egui::Ui, lab: &mut LabState, held_out: &[String]) {
    ui.heading("Reconstruct").on_hover_text(
        "A typed sentence through the encoder and back: from the mean of q(z | x), and from codes drawn from it.",
    );
    let s = &mut lab.sentence;
    sentence_field(
        ui,
        "rebuild-pick",
        &mut s.reconstruct,
        held_out,
        "Type any sentence.",
    );
    ui.horizontal(|ui| {
        ui.label("codes drawn from q(z | x)");
        ui.add(egui::Slider::new(&mut s.samples, 0..=8));
    });
    error_ui(ui, lab, LabSlot::Reconstruct);
    if let Some(SentenceAnswer::Reconstruct {
        mean,
        samples,
        unknown,
    }) = lab.sentences.get(&LabSlot::Reconstruct)
    {
        unknown_ui(ui, unknown);
        ui.label(egui::RichText::new("from the mean").weak());
        lines_ui(ui, std::slice::from_ref(mean), false);
        if !samples.is_empty() {
            ui.label(egui::RichText::new("from codes drawn from the posterior").weak());
            lines_ui(ui, samples, false);
        }
    }
}
