//! The window's side of the typed-path fallback: a modal that asks for the path a
//! dialog would have given, checks it as it is typed, and answers the dialog's thread.

use super::StudioApp;
use super::typed_path::{self, PathAsk, PathKind};

/// A path being typed.
pub(super) struct TypedPath {
    ask: PathAsk,
    text: String,
}

impl TypedPath {
    pub(super) fn new(ask: PathAsk) -> Self {
        let text = ask.suggested.clone();
        Self { ask, text }
    }
}

impl StudioApp {
    /// Draws the question, if one is open.
    pub(super) fn typed_path_ui(&mut self, ctx: &egui::Context) {
        let Some(typed) = self.typed_path.as_mut() else {
            return;
        };
        let mut answer: Option<Option<std::path::PathBuf>> = None;
        let what = match typed.ask.kind {
            PathKind::OpenFile => "the file",
            PathKind::SaveFile => "the file to write",
            PathKind::Folder => "the folder",
        };
        let problem = typed_path::check(typed.ask.kind, &typed.text);
        let modal = egui::Modal::new(egui::Id::unique("typed path")).show(ctx, |ui| {
            ui.set_width(480.0);
            ui.heading(&typed.ask.title);
            if typed.ask.no_dialog {
                ui.label(
                    "No file dialog could be opened here (no desktop portal is running: \
                     under Xvfb, over SSH or in a sandbox). Type the path instead.",
                );
            }
            let label = ui
                .label(format!("Path of {what} (~ is your home folder):"))
                .id;
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut typed.text)
                        .desired_width(f32::INFINITY)
                        .hint_text("/path/to/…"),
                )
                .labelled_by(label);
            edit.request_focus();
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if let Some(p) = &problem {
                ui.colored_label(super::theme::WARNING, p);
            }
            ui.horizontal(|ui| {
                let ok = ui.add_enabled(problem.is_none(), egui::Button::new("OK"));
                if (ok.clicked() || enter) && problem.is_none() {
                    answer = Some(Some(typed_path::expand_home(&typed.text)));
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(None);
                }
            });
        });
        if modal.should_close() && answer.is_none() {
            answer = Some(None);
        }
        if let Some(answer) = answer {
            if let Some(typed) = self.typed_path.take() {
                let _ = typed.ask.reply.send(answer);
            }
        }
    }
}
