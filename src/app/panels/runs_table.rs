//! The Runs tab's table: one row per run, a sort button on every column head.

use super::runs_list::RunsList;
use crate::app::actions::{Actions, UiAction};
use crate::experiments::run_summary::{self, RunStatus, RunSummary, folder_name};

/// A column of the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Column {
    /// The run folder's name.
    Name,
    /// The architecture.
    Architecture,
    /// Running, finished, stopped, failed, incomplete.
    Status,
    /// Steps done.
    Steps,
    /// Training time.
    Wall,
    /// The headline metric's last value.
    Last,
    /// Its best value.
    Best,
    /// Its tags.
    Tags,
    /// The run it branched from.
    Parent,
    /// When it last changed (the default, newest first).
    #[default]
    Date,
}

/// Orders `runs` (listed newest first) by `column`.
pub fn sort(column: Column, ascending: bool, runs: &mut [&RunSummary]) {
    if column == Column::Date {
        if ascending {
            runs.reverse();
        }
        return;
    }
    let key = |r: &RunSummary| -> (String, f64) {
        match column {
            Column::Name => (r.display_name(), 0.0),
            Column::Architecture => (r.architecture.to_string(), 0.0),
            Column::Status => (r.status.label().to_string(), 0.0),
            Column::Steps => (String::new(), r.steps as f64),
            Column::Wall => (String::new(), r.wall_s.unwrap_or(-1.0)),
            Column::Last => (String::new(), r.last.unwrap_or(f64::NEG_INFINITY)),
            Column::Best => (String::new(), r.best.unwrap_or(f64::NEG_INFINITY)),
            Column::Tags => (r.notes.tags.join(","), 0.0),
            Column::Parent => (parent_text(r), 0.0),
            Column::Date => (String::new(), 0.0),
        }
    };
    runs.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
    });
    if !ascending {
        runs.reverse();
    }
}

/// Draws the table of `shown` runs.
pub fn ui(list: &mut RunsList, ui: &mut egui::Ui, shown: &[&RunSummary], actions: &mut Actions) {
    egui::Grid::new("runs-list").striped(true).show(ui, |ui| {
        ui.label("");
        ui.label("");
        for (column, title) in [
            (Column::Name, "run"),
            (Column::Architecture, "architecture"),
            (Column::Status, "status"),
            (Column::Steps, "steps"),
            (Column::Wall, "wall time"),
            (Column::Last, "headline (last)"),
            (Column::Best, "best"),
            (Column::Tags, "tags"),
            (Column::Parent, "branch of"),
        ] {
            let arrow = match (list.sort == column, list.ascending) {
                (true, true) => " ▲",
                (true, false) => " ▼",
                _ => "",
            };
            if ui
                .button(format!("{title}{arrow}"))
                .on_hover_text("Sort by this column (again: the other way).")
                .clicked()
            {
                list.ascending = if list.sort == column {
                    !list.ascending
                } else {
                    true
                };
                list.sort = column;
            }
        }
        ui.end_row();
        for r in shown {
            row_ui(list, ui, r, actions);
            ui.end_row();
        }
    });
}

fn row_ui(list: &mut RunsList, ui: &mut egui::Ui, r: &RunSummary, actions: &mut Actions) {
    let mut ticked = list.ticked.contains(&r.folder);
    if ui
        .checkbox(&mut ticked, "")
        .on_hover_text("Tick to compare this run with others.")
        .changed()
    {
        if ticked {
            list.ticked.insert(r.folder.clone());
        } else {
            list.ticked.remove(&r.folder);
        }
    }
    // The cell keeps its size whether the thumbnail has arrived or not, so the
    // table does not move under the pointer when it does.
    let side = crate::app::run_files::THUMB_SIDE as f32;
    match list.thumbs.get(&r.folder) {
        Some((picture, texture)) => {
            let size = texture.size_vec2();
            let scale = side / size.x.max(size.y).max(1.0);
            ui.add_sized([side, side], egui::Image::new((texture.id(), size * scale)))
                .on_hover_text(format!("last sample: {}", picture.display()));
        }
        None => {
            ui.allocate_space(egui::vec2(side, side));
        }
    }
    // A sweep's runs differ in their own names: the sweep's is the one shortened.
    let name = match &r.group {
        Some(g) => format!("{}/{}", short(g, 16), folder_name(&r.folder)),
        None => folder_name(&r.folder),
    };
    let mut tip = format!(
        "{} — open it, paused, to continue or explore it",
        r.folder.display()
    );
    if !r.notes.note.is_empty() {
        tip.push_str(&format!("\n\n{}", r.notes.note));
    }
    if ui.link(&name).on_hover_text(tip).clicked() {
        actions.push(UiAction::OpenRun(r.folder.clone()));
    }
    ui.label(r.architecture);
    let status = ui.label(r.status.label());
    if let (RunStatus::Failed, Some(why)) = (r.status, &r.failure) {
        status.on_hover_text(why);
    }
    ui.label(format!("{}/{}", r.steps, r.planned));
    ui.label(r.wall_s.map_or_else(|| "-".into(), |s| format!("{s:.0} s")));
    ui.label(format!("{} {}", r.headline, figure(r.last)));
    ui.label(figure(r.best));
    ui.label(r.notes.tags.join(", "));
    match &r.lineage {
        Some(l) => {
            ui.label(parent_text(r)).on_hover_text(format!(
                "branched from {} at its step {}",
                l.parent.display(),
                l.parent_step
            ));
        }
        None => {
            ui.label("");
        }
    }
    let open = list.details.folder() == Some(&r.folder);
    if ui
        .selectable_label(open, "details")
        .on_hover_text("Its note and tags; train it again, use its settings, rename or delete it.")
        .clicked()
    {
        if open {
            list.details.close();
        } else {
            list.details.open(r);
        }
    }
}

/// "parent @ step" for a branch, else nothing.
fn parent_text(r: &RunSummary) -> String {
    r.lineage.as_ref().map_or_else(String::new, |l| {
        format!("{} @ {}", short(&folder_name(&l.parent), 24), l.parent_step)
    })
}

/// `text` in at most `max` characters: its start and end around an ellipsis.
fn short(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max {
        return text.to_string();
    }
    let head = max / 3;
    let tail = max - head - 1;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// A metric's value, or a dash.
fn figure(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), run_summary::figure)
}

#[cfg(test)]
mod tests {
    use super::short;

    #[test]
    fn long_names_keep_their_start_and_end() {
        assert_eq!(short("ring-001", 44), "ring-001");
        let long = "sweep-ring/lr_g-0.0005_generator_loss-non_saturating";
        let s = short(long, 20);
        assert_eq!(s.chars().count(), 20);
        assert!(s.starts_with("sweep-") && s.ends_with("_saturating"), "{s}");
    }
}
