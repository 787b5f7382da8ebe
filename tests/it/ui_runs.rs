//! The Runs tab in the window: a run Start wrote is listed and opens; a live run
//! shows as running and its row moves on; two runs compared show a line each
//! and the setting that differs; a note is kept in the run folder.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use egui_kittest::kittest::Queryable;

use crate::ui::{app, harness, run_to_the_end, step_until};

/// Trains the ring headless into `root/name` with the extra overrides.
fn train(root: &Path, name: &str, sets: &[&str]) -> PathBuf {
    let out = root.join(name);
    let mut c = Command::new(env!("CARGO_BIN_EXE_latent-studio"));
    c.env("RAYON_NUM_THREADS", "1")
        .args(["train", "gan2d_ring", "--steps", "30", "--out"])
        .arg(&out)
        .args(["--set", "schedule.log_every=5"]);
    for s in sets {
        c.args(["--set", s]);
    }
    assert!(c.status().expect("train").success(), "train {name}");
    out
}

/// The Runs tab, there whatever the architecture, lists the run a Start wrote (with
/// its status and headline) and opens it with a click.
#[test]
fn the_runs_tab_lists_a_finished_run_and_opens_it() {
    let dir = tempfile::tempdir().expect("dir");
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    // A short run of the default preset.
    h.state_mut().state.draft.schedule_mut().steps = 30;
    run_to_the_end(&mut h);
    h.get_by_label("Runs").click();
    h.step();
    step_until(&mut h, Duration::from_secs(20), |a| {
        a.state.runs.as_ref().is_some_and(|r| r.is_ok())
    });
    h.run_steps(2);
    let runs = match &h.state().state.runs {
        Some(Ok((runs, unreadable))) if unreadable.is_empty() => runs.clone(),
        other => panic!("runs not read: {other:?}"),
    };
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].status.label(), "finished");
    assert_eq!(runs[0].headline, "modes_captured");
    let name = runs[0]
        .folder
        .file_name()
        .and_then(|n| n.to_str())
        .expect("name")
        .to_string();
    // The row shows its status, and its name opens it.
    h.get_by_label("finished");
    h.get_by_label(&name).click();
    h.step();
    step_until(&mut h, Duration::from_secs(20), |a| a.state.is_paused());
    assert_eq!(
        h.state().state.run_dir().cloned(),
        Some(runs[0].folder.clone()),
        "the run opened, paused"
    );
}

/// A run going in the window is listed as running, its steps move on while the
/// tab shows, and once stopped it reads as stopped.
#[test]
fn a_live_run_is_listed_as_running_and_its_row_updates() {
    let dir = tempfile::tempdir().expect("dir");
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    h.state_mut().state.draft.schedule_mut().steps = 1_000_000;
    h.state_mut()
        .state
        .draft
        .set("schedule.log_every=5")
        .expect("log often");
    h.get_by_label("Start").click();
    h.step();
    step_until(&mut h, Duration::from_secs(30), |a| {
        a.state.series("d_loss").is_some_and(|s| !s.is_empty())
    });
    h.get_by_label("Runs").click();
    let steps = |a: &latent_studio::app::StudioApp| match &a.state.runs {
        Some(Ok((runs, _))) if runs.len() == 1 && runs[0].status.label() == "running" => {
            Some(runs[0].steps)
        }
        _ => None,
    };
    step_until(&mut h, Duration::from_secs(30), |a| steps(a).is_some());
    let first = steps(h.state()).expect("running");
    h.get_by_label("running");
    step_until(&mut h, Duration::from_secs(60), |a| {
        steps(a).is_some_and(|s| s > first)
    });
    h.get_by_label("Stop").click();
    h.step();
    step_until(
        &mut h,
        Duration::from_secs(30),
        |a| matches!(&a.state.runs, Some(Ok((runs, _))) if runs.len() == 1 && runs[0].status.label() == "stopped"),
    );
}

/// Two runs ticked and compared: each metric's plot holds a line per run (its
/// name in the legend) and the table names the one setting that differs.
#[test]
fn ticking_two_runs_compares_their_lines_and_settings() {
    let dir = tempfile::tempdir().expect("dir");
    train(dir.path(), "base", &[]);
    train(dir.path(), "slower-g", &["train.lr_g=0.0003"]);
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    h.get_by_label("Runs").click();
    step_until(&mut h, Duration::from_secs(20), |a| {
        matches!(&a.state.runs, Some(Ok((runs, _))) if runs.len() == 2)
            && a.state.run_thumbs.len() == 2
    });
    h.run_steps(2);
    // One tick per frame (two clicks in one frame may count as one).
    for i in 0..2 {
        let ticks: Vec<_> = h
            .get_all_by_label("Tick to compare this run with others.")
            .collect();
        assert_eq!(ticks.len(), 2, "a tick per run");
        ticks[i].click();
        h.run_steps(2);
    }
    h.get_by_label("Compare (2)").click();
    step_until(&mut h, Duration::from_secs(20), |a| {
        a.state.comparison.as_ref().is_some_and(|c| c.is_ok())
    });
    h.run_steps(3);
    let compared = match &h.state().state.comparison {
        Some(Ok(runs)) => runs.clone(),
        other => panic!("not compared: {other:?}"),
    };
    assert_eq!(compared.len(), 2);
    assert!(
        compared
            .iter()
            .all(|r| r.series("d_loss").is_some_and(|p| p.len() >= 6))
    );
    h.get_by_label("train.lr_g");
    assert_eq!(
        h.query_all_by_label("seed").count(),
        0,
        "only the keys that differ"
    );
    // A legend entry per run in each plot, and each run heads a column of the table.
    let legends = h.query_all_by_label("slower-g").count();
    assert!(legends >= 3, "{legends} labels of the second run");
    assert_eq!(
        h.query_all_by_label("base").count(),
        legends,
        "as many of the first"
    );
    // The finals against the setting that differs, one plot per such setting.
    h.get_by_label("Finals by setting").click();
    h.run_steps(3);
    h.get_by_label("d_loss at the end, by train.lr_g");
    assert_eq!(
        h.query_all_by_label_contains("at the end, by").count(),
        1,
        "one setting differs"
    );
    // The last samples in a grid by that setting: a column per value, each run's
    // picture in its column once read off the UI thread.
    h.get_by_label("Sample grid").click();
    step_until(&mut h, Duration::from_secs(20), |a| {
        a.state.run_samples.values().filter(|s| s.is_ok()).count() >= 2
    });
    h.run_steps(3);
    h.get_by_label("columns by train.lr_g");
    assert_eq!(
        h.query_all_by_label("0.0003").count(),
        2,
        "the value in the settings table and heading its column"
    );
    assert_eq!(
        h.query_all_by_label_contains("reading…").count(),
        0,
        "both samples shown"
    );
    assert_eq!(
        h.query_all_by_label_contains("step 30").count(),
        2,
        "a cell per run"
    );
}

/// A note and tags typed in a run's details are kept in its folder.
#[test]
fn a_runs_note_and_tags_are_kept_in_its_folder() {
    let dir = tempfile::tempdir().expect("dir");
    let run = train(dir.path(), "noted", &[]);
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    h.get_by_label("Runs").click();
    step_until(&mut h, Duration::from_secs(20), |a| {
        matches!(&a.state.runs, Some(Ok((runs, _))) if runs.len() == 1)
            && a.state.run_thumbs.len() == 1
    });
    h.run_steps(2);
    h.get_by_label("details").click();
    h.run_steps(2);
    // One event per frame: focus, then the text.
    h.get_by_role(egui::accesskit::Role::MultilineTextInput)
        .focus();
    h.run_steps(2);
    h.get_by_role(egui::accesskit::Role::MultilineTextInput)
        .type_text("lr 1e-3 collapses at 400");
    h.run_steps(2);
    h.get_by_label("Save note and tags").click();
    step_until(
        &mut h,
        Duration::from_secs(20),
        |a| matches!(&a.state.runs, Some(Ok((runs, _))) if runs.first().is_some_and(|r| !r.notes.note.is_empty())),
    );
    let kept = latent_studio::runs::notes::read(&run);
    assert_eq!(kept.note, "lr 1e-3 collapses at 400");
}
