//! Branching from the window: a right-click on a plot of an opened run offers
//! "Branch from step N"; the setup panel takes the parent's settings at its
//! checkpoint there; a changed setting and Start branch make a new run folder that
//! names its parent and carries its rows up to the fork.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use egui_kittest::kittest::{NodeT, Queryable};

use crate::ui::{app, harness, step_until};

#[test]
fn a_right_click_on_a_plot_branches_the_run_with_a_changed_setting() {
    let dir = tempfile::tempdir().expect("dir");
    let parent = dir.path().join("parent");
    let status = Command::new(env!("CARGO_BIN_EXE_latent-studio"))
        .env("RAYON_NUM_THREADS", "1")
        .args(["train", "gan2d_ring", "--steps", "60", "--out"])
        .arg(&parent)
        .args([
            "--set",
            "schedule.log_every=5",
            "--set",
            "schedule.checkpoint_every=10",
        ])
        .status()
        .expect("train");
    assert!(status.success());
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    h.get_by_label("Runs").click();
    step_until(
        &mut h,
        Duration::from_secs(20),
        |a| matches!(&a.state.runs, Some(Ok((runs, _))) if runs.len() == 1),
    );
    h.run_steps(2);
    h.get_by_label("parent").click();
    step_until(&mut h, Duration::from_secs(20), |a| a.state.is_paused());
    h.run_steps(3);
    // Right-click the losses plot, below its legend.
    let title = h.get_by_label("Losses").rect();
    let at = egui::pos2(title.left() + 120.0, title.bottom() + 150.0);
    h.hover_at(at);
    h.step();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Secondary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    h.step();
    h.run_steps(2);
    let item = h.get_by_label_contains("Branch from step");
    let asked: u64 = item
        .accesskit_node()
        .label()
        .and_then(|l| {
            l.split_whitespace()
                .nth(3)
                .map(|s| s.trim_end_matches('…').to_string())
        })
        .and_then(|s| s.parse().ok())
        .expect("a step in the menu");
    item.click();
    step_until(&mut h, Duration::from_secs(20), |a| {
        a.state.branching.is_some()
    });
    let pending = h.state().state.branching.clone().expect("branching");
    assert!(
        pending.step <= asked && pending.step % 10 == 0,
        "{pending:?} for {asked}"
    );
    assert!(
        pending.step >= 10,
        "a checkpoint of the history: {pending:?}"
    );
    h.run_steps(2);
    h.get_by_label_contains("Branch of parent at step");
    // Change one setting of the branch, then start it.
    h.state_mut()
        .state
        .draft
        .set("train.lr_g=0.0003")
        .expect("set");
    h.get_by_label("Start branch").click();
    step_until(&mut h, Duration::from_secs(60), |a| {
        a.state.branching.is_none()
            && a.state
                .run_dir()
                .is_some_and(|d| d.to_string_lossy().contains("branch"))
            && !a.state.is_active()
    });
    let branch = h.state().state.run_dir().cloned().expect("branch folder");
    // The plots mark the branch's change at its fork (read back from its folder).
    let marks = &h.state().state.run.as_ref().expect("run").changes;
    assert!(
        marks
            .iter()
            .any(|c| c.step == pending.step && c.key == "train.lr_g" && c.value == "0.0003"),
        "{marks:?}"
    );
    let config = std::fs::read_to_string(branch.join("config.toml")).expect("config");
    assert!(config.starts_with("parent = \"../parent\""), "{config}");
    assert!(config.contains(&format!("parent_step = {}", pending.step)));
    assert!(config.contains("lr_g = 0.0003"), "{config}");
    // Its rows up to the fork are its parent's, and it went on to the run's end.
    let rows = |p: &Path| -> Vec<String> {
        std::fs::read_to_string(p.join("metrics.csv"))
            .expect("csv")
            .lines()
            .map(|l| l.rsplit_once(',').map_or(l, |(r, _)| r).to_string())
            .collect()
    };
    let (mine, theirs) = (rows(&branch), rows(&parent));
    let shared = theirs
        .iter()
        .take_while(|l| {
            l.split(',')
                .next()
                .and_then(|s| s.parse::<u64>().ok())
                .is_none_or(|s| s <= pending.step)
        })
        .count();
    assert_eq!(mine[..shared], theirs[..shared]);
    assert!(
        mine.last().is_some_and(|l| l.starts_with("60,")),
        "{mine:?}"
    );
    assert_ne!(
        mine.last(),
        theirs.last(),
        "another learning rate, another end"
    );
}
