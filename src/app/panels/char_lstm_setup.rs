//! Settings of a character-level LSTM: the text, the network and its training.

use crate::app::actions::{Actions, UiAction};
use crate::app::state::AppState;
use crate::experiments::ExperimentSpec;
use crate::experiments::char_lstm::spec::TextSource;

use super::seed_rows;

/// The settings fixed when a run starts.
pub fn fixed_ui(ui: &mut egui::Ui, state: &mut AppState, actions: &mut Actions) {
    let text_problem = state.text_problem.clone();
    let ExperimentSpec::CharLstm(spec) = &mut state.draft else {
        return;
    };
    egui::Grid::new("char-fixed").num_columns(2).show(ui, |ui| {
        ui.label("Text");
        ui.vertical(|ui| {
            ui.radio_value(&mut spec.data.source, TextSource::BuiltIn, "the studio's own source")
                .on_hover_text("Its Rust code, README and presets, embedded at build time: a model that learns to write the code it runs on.");
            let file_label = match spec.data.path.file_name() {
                Some(name) => format!("file: {}", name.to_string_lossy()),
                None => "a text file…".to_string(),
            };
            let r = ui
                .radio(spec.data.source == TextSource::File, file_label)
                .on_hover_text("Any UTF-8 text file (or drop one on the window). Public-domain books from Project Gutenberg work well.");
            if r.clicked() {
                actions.push(UiAction::OpenTextDialog);
            }
            if let Some(problem) = &text_problem {
                ui.colored_label(crate::app::theme::WARNING, problem);
            }
            if spec.data.source == TextSource::File {
                ui.checkbox(&mut spec.data.lossy, "replace invalid UTF-8")
                    .on_hover_text("Load a file that is not valid UTF-8 anyway, each bad byte sequence becoming U+FFFD.");
            }
        });
        ui.end_row();

        ui.label("Vocabulary cap");
        ui.add(egui::DragValue::new(&mut spec.data.vocab_cap).range(8..=4096))
            .on_hover_text("The most frequent characters kept; rarer ones become U+FFFD.");
        ui.end_row();

        ui.label("Embedding");
        ui.add(egui::DragValue::new(&mut spec.model.embedding).range(4..=512))
            .on_hover_text("Size of the vector each character is turned into.");
        ui.end_row();

        ui.label("Hidden units");
        ui.add(egui::DragValue::new(&mut spec.model.hidden).range(16..=1024))
            .on_hover_text("Units of each LSTM layer: its memory of the text so far.");
        ui.end_row();

        ui.label("LSTM layers");
        ui.add(egui::Slider::new(&mut spec.model.layers, 1..=3))
            .on_hover_text("Stacked LSTM layers, each reading the one below.");
        ui.end_row();

        ui.label("Batch size");
        ui.add(egui::DragValue::new(&mut spec.train.batch_size).range(1..=512))
            .on_hover_text("Parallel streams through the text, each carrying its state from step to step.");
        ui.end_row();

        ui.label("Sequence length");
        ui.add(egui::DragValue::new(&mut spec.train.seq_len).range(2..=1000))
            .on_hover_text("Characters per step of truncated back-propagation through time: gradients reach this far back.");
        ui.end_row();

        ui.label("Gradient clip");
        ui.add(egui::Slider::new(&mut spec.train.clip, 0.0..=20.0))
            .on_hover_text("Largest global norm of the gradient (0 = off): keeps exploding gradients in check.");
        ui.end_row();

        seed_rows::seed_and_steps_rows(ui, &mut spec.seed, &mut spec.schedule.steps, "How many batches the run lasts.");
    });
}
