//! "Run a grid" in the Runs tab: up to three of the draft's declared settings and
//! their values; Start trains every combination of the draft with them, as
//! `latent-studio sweep` does (a process of its own, so the window stays free and
//! the sweep goes on if the window closes), into one sweep folder the list shows.

use crate::app::actions::{Actions, UiAction};
use crate::app::state::AppState;
use crate::experiments::registry;
use crate::experiments::run_sweep::MAX_VARIED;

/// The form's state.
pub struct RunGrid {
    open: bool,
    /// (dotted key, values as typed) per varied setting.
    rows: Vec<(String, String)>,
    steps: u64,
    parallel: usize,
}

impl Default for RunGrid {
    fn default() -> Self {
        Self {
            open: false,
            rows: vec![(String::new(), String::new())],
            steps: 1000,
            parallel: 1,
        }
    }
}

impl RunGrid {
    /// The button that opens the form, for the toolbar.
    pub fn button_ui(&mut self, ui: &mut egui::Ui) {
        ui.toggle_value(&mut self.open, "Run a grid…")
            .on_hover_text(
                "Train the setup panel's experiment for every combination of up to three settings.",
            );
    }

    /// The form, when open.
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, actions: &mut Actions) {
        if !self.open {
            return;
        }
        let Ok(arch) = registry::of(&state.draft) else {
            return;
        };
        let settings: Vec<&registry::Setting> = arch
            .settings
            .iter()
            .filter(|s| s.applies_to(&state.draft))
            .collect();
        ui.group(|ui| {
            ui.label(format!(
                "A grid of \"{}\" (the setup panel's settings), one run per combination:",
                state.draft.name()
            ));
            let mut remove = None;
            for (i, (key, values)) in self.rows.iter_mut().enumerate() {
                ui.horizontal(|ui| {
                    let label = settings
                        .iter()
                        .find(|s| s.key == key.as_str())
                        .map_or("choose a setting", |s| s.label);
                    egui::ComboBox::from_id_salt(("grid-key", i))
                        .selected_text(label)
                        .show_ui(ui, |ui| {
                            for s in &settings {
                                ui.selectable_value(key, s.key.to_string(), s.label)
                                    .on_hover_text(format!("{} — {}", s.key, s.tip));
                            }
                        });
                    ui.add(
                        egui::TextEdit::singleline(values)
                            .hint_text("values, comma separated: 1e-4, 3e-4, 1e-3")
                            .desired_width(260.0),
                    );
                    if ui.small_button("×").on_hover_text("Vary this setting no more.").clicked() {
                        remove = Some(i);
                    }
                });
            }
            if let Some(i) = remove {
                self.rows.remove(i);
            }
            ui.horizontal(|ui| {
                if self.rows.len() < MAX_VARIED && ui.button("+ setting").clicked() {
                    self.rows.push((String::new(), String::new()));
                }
                ui.label("steps");
                ui.add(egui::DragValue::new(&mut self.steps).range(1..=1_000_000));
                ui.label("at once");
                ui.add(egui::DragValue::new(&mut self.parallel).range(1..=4))
                    .on_hover_text("Runs trained at the same time; they share the cores.");
            });
            let vary: Vec<String> = self
                .rows
                .iter()
                .filter(|(k, v)| !k.is_empty() && !v.trim().is_empty())
                .map(|(k, v)| format!("{k}={}", v.trim()))
                .collect();
            let runs: usize = self
                .rows
                .iter()
                .filter(|(k, v)| !k.is_empty() && !v.trim().is_empty())
                .map(|(_, v)| v.split(',').filter(|x| !x.trim().is_empty()).count())
                .product();
            if ui
                .add_enabled(
                    !vary.is_empty(),
                    egui::Button::new(if vary.is_empty() {
                        "Start the grid".to_string()
                    } else {
                        format!("Start the grid ({runs} runs)")
                    }),
                )
                .on_hover_text("Checks every combination first; runs into a new sweep folder under the runs folder.")
                .on_disabled_hover_text("Choose a setting and type its values.")
                .clicked()
            {
                actions.push(UiAction::StartSweep {
                    spec: Box::new(state.draft.clone()),
                    vary,
                    steps: self.steps,
                    parallel: self.parallel,
                });
                self.open = false;
            }
        });
    }
}
