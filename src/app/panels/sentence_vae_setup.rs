//! Settings of a sentence VAE: where its sentences come from (the built-in grammar
//! or a text file, cut into lines or sentences), then the settings its registry
//! entry declares.

use super::declared_settings;
use crate::app::actions::{Actions, UiAction};
use crate::app::state::AppState;
use crate::data::sentences::SplitBy;
use crate::experiments::ExperimentSpec;
use crate::experiments::sentence_vae::spec::SentenceSource;

/// The settings fixed when a run starts.
pub fn fixed_ui(ui: &mut egui::Ui, state: &mut AppState, actions: &mut Actions) {
    let text_problem = state.text_problem.clone();
    if let ExperimentSpec::SentenceVae(spec) = &mut state.draft {
        let d = &mut spec.data;
        egui::Grid::new("sentence-source").num_columns(2).show(ui, |ui| {
            ui.label("Sentences");
            ui.vertical(|ui| {
                ui.radio_value(&mut d.source, SentenceSource::Grammar, "the built-in grammar")
                    .on_hover_text("\"the small red fox sleeps under the old bridge .\": size, colour, animal, number, verb and place drawn for each sentence, so the latent space can be checked.");
                let file_label = match d.path.file_name() {
                    Some(name) => format!("file: {}", name.to_string_lossy()),
                    None => "a text file…".to_string(),
                };
                if ui
                    .radio(d.source == SentenceSource::File, file_label)
                    .on_hover_text("Any UTF-8 text (or drop one on the window): poems a line each, or prose cut into sentences.")
                    .clicked()
                {
                    actions.push(UiAction::OpenTextDialog);
                }
                if let Some(problem) = &text_problem {
                    ui.colored_label(crate::app::theme::WARNING, problem);
                }
                if d.source == SentenceSource::File {
                    ui.horizontal(|ui| {
                        ui.radio_value(&mut d.split, SplitBy::Lines, "a line each")
                            .on_hover_text("Every non-empty line is one sentence (poems, lists).");
                        ui.radio_value(&mut d.split, SplitBy::Sentences, "cut at . ! ?")
                            .on_hover_text("Sentences end at . ! ? (or 。！？); line breaks inside a paragraph are spaces.");
                    });
                    ui.checkbox(&mut d.lower, "lower-case")
                        .on_hover_text("Lower-case every word, so \"The\" and \"the\" are one word.");
                    ui.horizontal(|ui| {
                        ui.label("at most");
                        ui.add(egui::DragValue::new(&mut d.max_tokens).range(2..=200))
                            .on_hover_text("Longer sentences are dropped (the model card counts them).");
                        ui.label("words a sentence,");
                        ui.add(egui::DragValue::new(&mut d.vocab_cap).range(16..=100_000))
                            .on_hover_text("The most frequent words kept; rarer ones become <unk>.");
                        ui.label("in the vocabulary");
                    });
                }
            });
            ui.end_row();
        });
    }
    declared_settings::section_ui(ui, state, false, false, actions);
}
