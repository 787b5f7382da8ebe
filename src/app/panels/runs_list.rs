//! The Runs tab: every run folder under the runs folder and the folders added,
//! newest first, with a thumbnail of its last sample, its architecture, status,
//! steps, wall time, headline metric (last and best) and tags; sorted by any
//! column, filtered by text or architecture. A run opens with a click on its
//! name; its details (note, tags, what to do with it) open below the list.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::run_details::RunDetails;
use super::runs_table::{self, Column};
use crate::app::actions::{Actions, UiAction};
use crate::app::state::AppState;
use crate::experiments::run_summary::RunSummary;

/// The list's choices.
#[derive(Default)]
pub struct RunsList {
    pub(super) sort: Column,
    pub(super) ascending: bool,
    filter: String,
    /// Only runs of this architecture (key), if chosen.
    architecture: Option<&'static str>,
    /// The runs ticked for a comparison.
    pub(super) ticked: BTreeSet<PathBuf>,
    /// Showing the comparison of the ticked runs instead of the list.
    comparing: bool,
    /// The comparison's choices.
    compare: super::runs_compare::CompareView,
    /// A folder of runs typed to be added.
    typed_folder: String,
    /// The run whose details show.
    pub(super) details: RunDetails,
    /// The "Run a grid" form.
    grid: super::runs_grid::RunGrid,
    /// Thumbnail textures: run folder → (the picture shown, its texture).
    pub(super) thumbs: std::collections::HashMap<PathBuf, (PathBuf, egui::TextureHandle)>,
}

/// Most runs compared at once (one colour each).
const MAX_COMPARED: usize = 8;

impl RunsList {
    /// The runs being compared, while the comparison shows.
    pub fn compared(&self) -> Option<Vec<PathBuf>> {
        self.comparing
            .then(|| self.ticked.iter().cloned().collect())
    }

    /// Draws the tab.
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, actions: &mut Actions) {
        if self.comparing {
            return self.comparison_ui(ui, state, actions);
        }
        self.toolbar_ui(ui, state, actions);
        self.grid.ui(ui, state, actions);
        self.folders_ui(ui, state, actions);
        let (runs, unreadable) = match &state.runs {
            None => {
                ui.label("Reading the runs folder…");
                return;
            }
            Some(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
                return;
            }
            Some(Ok((runs, unreadable))) => (runs, unreadable),
        };
        if !unreadable.is_empty() {
            ui.collapsing(
                format!("{} folder(s) could not be read", unreadable.len()),
                |ui| {
                    for (path, why) in unreadable {
                        ui.label(format!("{}: {why}", path.display()));
                    }
                },
            );
        }
        let needle = self.filter.to_lowercase();
        let mut shown: Vec<&RunSummary> = runs
            .iter()
            .filter(|r| self.architecture.is_none_or(|a| r.architecture == a))
            .filter(|r| needle.is_empty() || haystack(r).contains(&needle))
            .collect();
        runs_table::sort(self.sort, self.ascending, &mut shown);
        if shown.is_empty() {
            ui.label(if runs.is_empty() {
                "No runs yet: press Start, or train one with `latent-studio train`."
            } else {
                "No run matches the filter."
            });
            return;
        }
        self.load_thumbnails(ui.ctx(), state);
        let chosen = self.details.folder().cloned();
        let detail = chosen.and_then(|f| runs.iter().find(|r| r.folder == f));
        let table_height = if detail.is_some() {
            (ui.available_height() * 0.55).max(120.0)
        } else {
            ui.available_height()
        };
        egui::ScrollArea::both()
            .id_salt("runs-table")
            .max_height(table_height)
            .show(ui, |ui| runs_table::ui(self, ui, &shown, actions));
        if let Some(run) = detail {
            ui.separator();
            egui::ScrollArea::vertical()
                .id_salt("run-details")
                .show(ui, |ui| self.details.ui(ui, run, state, actions));
        }
    }

    /// Refresh, Compare, the filters, adding a folder.
    fn toolbar_ui(&mut self, ui: &mut egui::Ui, state: &AppState, actions: &mut Actions) {
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Refresh")
                .on_hover_text("Read the runs folders again.")
                .clicked()
            {
                actions.push(UiAction::ScanRuns);
            }
            let n = self.ticked.len();
            if ui
                .add_enabled(
                    (2..=MAX_COMPARED).contains(&n),
                    egui::Button::new(format!("Compare ({n})")),
                )
                .on_hover_text(
                    "Tick two to eight runs: what differs in their settings, and one plot per metric they share with a line per run.",
                )
                .on_disabled_hover_text("Tick two to eight runs to compare them.")
                .clicked()
            {
                actions.push(UiAction::CompareRuns(self.ticked.iter().cloned().collect()));
                self.comparing = true;
            }
            ui.label("Filter");
            ui.add(egui::TextEdit::singleline(&mut self.filter).desired_width(140.0))
                .on_hover_text(
                    "Show the runs whose name, architecture, status, tags or note contain this.",
                );
            let keys: BTreeSet<&'static str> = match &state.runs {
                Some(Ok((runs, _))) => runs.iter().map(|r| r.architecture).collect(),
                _ => BTreeSet::new(),
            };
            self.grid.button_ui(ui);
            egui::ComboBox::from_id_salt("runs-architecture")
                .selected_text(self.architecture.unwrap_or("every architecture"))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.architecture, None, "every architecture");
                    for key in keys {
                        ui.selectable_value(&mut self.architecture, Some(key), key);
                    }
                });
        });
    }

    /// The folders listed, and a way to add one (typed, chosen or dropped).
    fn folders_ui(&mut self, ui: &mut egui::Ui, state: &AppState, actions: &mut Actions) {
        ui.horizontal_wrapped(|ui| {
            ui.label("Also list runs in")
                .on_hover_text("A folder holding run folders (or a run folder itself); you can also drop one on the window, or start with `window --runs DIR`.");
            let typed = ui.add(
                egui::TextEdit::singleline(&mut self.typed_folder)
                    .hint_text("type a folder path")
                    .desired_width(220.0),
            );
            let enter = typed.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let path = self.typed_folder.trim().to_string();
            if (ui
                .add_enabled(!path.is_empty(), egui::Button::new("Add"))
                .clicked()
                || enter)
                && !path.is_empty()
            {
                actions.push(UiAction::AddRunsFolder(PathBuf::from(path)));
                self.typed_folder.clear();
            }
            if ui
                .button("Choose…")
                .on_hover_text("Choose a folder in a dialog (where the desktop offers one; else type its path).")
                .clicked()
            {
                actions.push(UiAction::AddRunsFolderDialog);
            }
            for folder in &state.runs_folders {
                if ui
                    .small_button(format!("{} ×", folder.display()))
                    .on_hover_text("Stop listing this folder's runs (nothing is deleted).")
                    .clicked()
                {
                    actions.push(UiAction::RemoveRunsFolder(folder.clone()));
                }
            }
        });
    }

    /// Makes textures of thumbnails that arrived (UI work: the decoding was done
    /// off the UI thread).
    fn load_thumbnails(&mut self, ctx: &egui::Context, state: &AppState) {
        for (run, (picture, thumb)) in &state.run_thumbs {
            if self.thumbs.get(run).map(|t| &t.0) == Some(picture) {
                continue;
            }
            let image = egui::ColorImage::from_rgb([thumb.width, thumb.height], &thumb.pixels);
            let name = format!("run-thumb-{}", run.display());
            let texture = ctx.load_texture(name, image, egui::TextureOptions::LINEAR);
            self.thumbs.insert(run.clone(), (picture.clone(), texture));
        }
    }

    /// The ticked runs compared, with a way back to the list.
    fn comparison_ui(&mut self, ui: &mut egui::Ui, state: &AppState, actions: &mut Actions) {
        if ui
            .button("Back to all runs")
            .on_hover_text("Back to the list of runs.")
            .clicked()
        {
            self.comparing = false;
        }
        match &state.comparison {
            None => {
                ui.label("Reading the runs' metrics…");
            }
            Some(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            Some(Ok(runs)) => self.compare.ui(ui, runs, state, actions),
        }
    }
}

/// What the filter looks in, lower case.
fn haystack(r: &RunSummary) -> String {
    format!(
        "{} {} {} {} {} {}",
        r.display_name(),
        r.name,
        r.architecture,
        r.status.label(),
        r.notes.tags.join(" "),
        r.notes.note
    )
    .to_lowercase()
}
