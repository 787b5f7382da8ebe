//! The Runs tab: every run folder under the runs folder, newest first, with its
//! architecture, status, steps, wall time and headline metric (last and best);
//! sorted by any column, filtered by text; a run opens with a click.

use crate::app::actions::{Actions, UiAction};
use crate::app::state::AppState;
use crate::experiments::run_summary::{self, RunSummary};

/// A column of the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Column {
    /// The run folder's name.
    Name,
    /// The architecture.
    Architecture,
    /// Finished, stopped, incomplete.
    Status,
    /// Steps done.
    Steps,
    /// Training time.
    Wall,
    /// The headline metric's last value.
    Last,
    /// Its best value.
    Best,
    /// When it last changed (the default, newest first).
    #[default]
    Date,
}

/// The list's choices.
#[derive(Default)]
pub struct RunsList {
    sort: Column,
    ascending: bool,
    filter: String,
    /// The runs ticked for a comparison.
    ticked: std::collections::BTreeSet<std::path::PathBuf>,
    /// Showing the comparison of the ticked runs instead of the list.
    comparing: bool,
    /// The comparison's choices.
    compare: super::runs_compare::CompareView,
}

/// Most runs compared at once (one colour each).
const MAX_COMPARED: usize = 8;

impl RunsList {
    /// Draws the tab.
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, actions: &mut Actions) {
        if self.comparing {
            return self.comparison_ui(ui, state);
        }
        ui.horizontal(|ui| {
            if ui
                .button("Refresh")
                .on_hover_text("Read the runs folder again.")
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
                    "Tick two to eight runs: one plot per metric they share, a line per run.",
                )
                .on_disabled_hover_text("Tick two to eight runs to compare them.")
                .clicked()
            {
                actions.push(UiAction::CompareRuns(self.ticked.iter().cloned().collect()));
                self.comparing = true;
            }
            ui.label("Filter");
            ui.text_edit_singleline(&mut self.filter)
                .on_hover_text("Show the runs whose name, architecture or status contains this.");
        });
        let (runs, unreadable) = match &state.runs {
            None => {
                ui.label("Reading the runs folder…");
                return;
            }
            Some(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
                return;
            }
            Some(Ok((runs, unreadable))) => (runs, *unreadable),
        };
        if unreadable > 0 {
            ui.label(format!(
                "{unreadable} folder(s) could not be read (`latent-studio runs` names them)"
            ));
        }
        let needle = self.filter.to_lowercase();
        let mut shown: Vec<&RunSummary> = runs
            .iter()
            .filter(|r| needle.is_empty() || haystack(r).contains(&needle))
            .collect();
        self.sort(&mut shown);
        if shown.is_empty() {
            ui.label("No runs yet: press Start, or train one with `latent-studio train`.");
            return;
        }
        egui::ScrollArea::both().show(ui, |ui| {
            egui::Grid::new("runs-list").striped(true).show(ui, |ui| {
                ui.label("");
                for (column, title) in [
                    (Column::Name, "run"),
                    (Column::Architecture, "architecture"),
                    (Column::Status, "status"),
                    (Column::Steps, "steps"),
                    (Column::Wall, "wall time"),
                    (Column::Last, "headline (last)"),
                    (Column::Best, "best"),
                ] {
                    let arrow = match (self.sort == column, self.ascending) {
                        (true, true) => " ▲",
                        (true, false) => " ▼",
                        _ => "",
                    };
                    if ui
                        .button(format!("{title}{arrow}"))
                        .on_hover_text("Sort by this column (again: the other way).")
                        .clicked()
                    {
                        self.ascending = if self.sort == column {
                            !self.ascending
                        } else {
                            true
                        };
                        self.sort = column;
                    }
                }
                ui.end_row();
                for r in shown {
                    let mut ticked = self.ticked.contains(&r.folder);
                    if ui
                        .checkbox(&mut ticked, "")
                        .on_hover_text("Tick to compare this run with others.")
                        .changed()
                    {
                        if ticked {
                            self.ticked.insert(r.folder.clone());
                        } else {
                            self.ticked.remove(&r.folder);
                        }
                    }
                    let name = folder_name(r);
                    if ui
                        .link(&name)
                        .on_hover_text(format!(
                            "{} — open it, paused, to continue or explore it",
                            r.folder.display()
                        ))
                        .clicked()
                    {
                        actions.push(UiAction::OpenRun(r.folder.clone()));
                    }
                    ui.label(r.architecture);
                    ui.label(r.status.label());
                    ui.label(format!("{}/{}", r.steps, r.planned));
                    ui.label(r.wall_s.map_or_else(|| "-".into(), |s| format!("{s:.0} s")));
                    ui.label(format!("{} {}", r.headline, figure(r.last)));
                    ui.label(figure(r.best));
                    ui.end_row();
                }
            });
        });
    }

    /// The ticked runs compared, with a way back to the list.
    fn comparison_ui(&mut self, ui: &mut egui::Ui, state: &AppState) {
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
            Some(Ok(runs)) => self.compare.ui(ui, runs),
        }
    }

    /// Orders `runs` by the chosen column.
    fn sort(&self, runs: &mut [&RunSummary]) {
        let key = |r: &RunSummary| -> (String, f64) {
            match self.sort {
                Column::Name => (folder_name(r), 0.0),
                Column::Architecture => (r.architecture.to_string(), 0.0),
                Column::Status => (r.status.label().to_string(), 0.0),
                Column::Steps => (String::new(), r.steps as f64),
                Column::Wall => (String::new(), r.wall_s.unwrap_or(-1.0)),
                Column::Last => (String::new(), r.last.unwrap_or(f64::NEG_INFINITY)),
                Column::Best => (String::new(), r.best.unwrap_or(f64::NEG_INFINITY)),
                Column::Date => (String::new(), 0.0),
            }
        };
        if self.sort == Column::Date {
            // The scan lists them newest first.
            if self.ascending {
                runs.reverse();
            }
            return;
        }
        runs.sort_by(|a, b| {
            let (ka, kb) = (key(a), key(b));
            ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
        });
        if !self.ascending {
            runs.reverse();
        }
    }
}

/// The run folder's name.
fn folder_name(r: &RunSummary) -> String {
    run_summary::folder_name(&r.folder)
}

/// What the filter looks in, lower case.
fn haystack(r: &RunSummary) -> String {
    format!(
        "{} {} {} {}",
        folder_name(r),
        r.name,
        r.architecture,
        r.status.label()
    )
    .to_lowercase()
}

/// A metric's value, or a dash.
fn figure(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), run_summary::figure)
}
