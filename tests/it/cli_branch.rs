//! `train --from RUN [--at STEP]`: a branch with the same settings takes its
//! parent's steps; its folder records its lineage and reads on its own once the
//! parent is gone; a change of shapes, a step before the history and a corrupt
//! entry get a clear answer.

use std::path::Path;
use std::process::{Command, Output};

fn studio(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_latent-studio"))
        .env("RAYON_NUM_THREADS", "1")
        .args(args)
        .output()
        .expect("run")
}

fn ok(args: &[&str]) -> String {
    let out = studio(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One line of error, containing `want`; nothing written to `out`.
fn refused(args: &[&str], want: &str, out: &Path) {
    let o = studio(args);
    assert!(!o.status.success(), "{args:?} should fail");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains(want), "{args:?}: {err}");
    assert!(!out.exists(), "nothing written for {args:?}");
}

fn rows_without_clock(run: &Path) -> Vec<String> {
    std::fs::read_to_string(run.join("metrics.csv"))
        .expect("metrics.csv")
        .lines()
        .map(|l| l.rsplit_once(',').map_or(l, |(rest, _)| rest).to_string())
        .collect()
}

/// A 60-step ring with a checkpoint every 10 steps (and its history).
fn parent(dir: &Path) -> String {
    let p = dir.join("parent");
    let p = p.to_str().expect("utf8").to_string();
    ok(&[
        "train",
        "gan2d_ring",
        "--steps",
        "60",
        "--out",
        &p,
        "--set",
        "schedule.log_every=10",
        "--set",
        "schedule.checkpoint_every=10",
    ]);
    p
}

#[test]
fn a_branch_with_the_same_settings_takes_its_parents_steps() {
    let dir = tempfile::tempdir().expect("dir");
    let parent = parent(dir.path());
    let b = dir.path().join("same").to_str().expect("utf8").to_string();
    // 35 is not a checkpoint: the newest at or before it, 30, is taken.
    let said = ok(&["train", "--from", &parent, "--at", "35", "--out", &b]);
    assert!(said.contains("at step 30"), "{said}");
    assert_eq!(
        rows_without_clock(Path::new(&b)),
        rows_without_clock(Path::new(&parent))
    );
    let config = std::fs::read_to_string(Path::new(&b).join("config.toml")).expect("config");
    assert!(config.starts_with("parent = \"../parent\""), "{config}");
    assert!(config.contains("parent_step = 30"), "{config}");
    // Its history starts at the fork.
    assert!(
        Path::new(&b)
            .join("checkpoints/step-000030.safetensors")
            .is_file()
    );
    // The listing names the parent and the step.
    let json = ok(&["runs", dir.path().to_str().expect("utf8"), "--json"]);
    let line = json
        .lines()
        .find(|l| l.contains("\"same\"") || l.contains("/same\""))
        .expect("row");
    assert!(line.contains("\"parent_step\":30"), "{line}");
    assert!(line.contains("parent\""), "{line}");
}

#[test]
fn a_branch_with_a_change_records_it_and_lives_on_without_its_parent() {
    let dir = tempfile::tempdir().expect("dir");
    let parent = parent(dir.path());
    let b = dir.path().join("slow").to_str().expect("utf8").to_string();
    ok(&[
        "train",
        "--from",
        &parent,
        "--at",
        "30",
        "--set",
        "train.lr_g=0.0003",
        "--out",
        &b,
    ]);
    let (mine, theirs) = (
        rows_without_clock(Path::new(&b)),
        rows_without_clock(Path::new(&parent)),
    );
    // The same up to the fork, then its own future.
    assert_eq!(mine[..5], theirs[..5], "header and rows 1-30");
    assert_eq!(mine.len(), theirs.len());
    assert_ne!(
        mine[5..],
        theirs[5..],
        "a lower learning rate trains otherwise"
    );
    let changes = std::fs::read_to_string(Path::new(&b).join("live_changes.csv")).expect("changes");
    assert!(changes.contains("30,train.lr_g,0.0003"), "{changes}");
    // The parent gone, the branch still continues on its own.
    std::fs::remove_dir_all(&parent).expect("rm");
    ok(&["train", "--continue", &b, "--steps", "10"]);
    assert!(
        rows_without_clock(Path::new(&b))
            .last()
            .is_some_and(|r| r.starts_with("70,"))
    );
}

#[test]
fn bad_branches_are_refused_with_one_line_and_nothing_written() {
    let dir = tempfile::tempdir().expect("dir");
    let parent = parent(dir.path());
    let out = dir.path().join("branch");
    let o = out.to_str().expect("utf8");
    // A change of a network's shape.
    refused(
        &[
            "train",
            "--from",
            &parent,
            "--at",
            "30",
            "--set",
            "model.g_hidden=[64]",
            "--out",
            o,
        ],
        "does not fit",
        &out,
    );
    // A step before the history's first entry (the oldest kept is step 20).
    refused(
        &["train", "--from", &parent, "--at", "5", "--out", o],
        "history starts at step",
        &out,
    );
    // Not a run.
    refused(
        &[
            "train",
            "--from",
            dir.path().join("nothing").to_str().expect("utf8"),
            "--out",
            o,
        ],
        "no checkpoint to branch from",
        &out,
    );
    // A corrupt entry is named and passed over for the one before it.
    let entry = Path::new(&parent).join("checkpoints/step-000040.safetensors");
    std::fs::write(&entry, b"not a checkpoint").expect("corrupt");
    let o2 = studio(&["train", "--from", &parent, "--at", "40", "--out", o]);
    assert!(o2.status.success());
    let err = String::from_utf8_lossy(&o2.stderr);
    assert!(err.contains("step-000040"), "named: {err}");
    assert!(String::from_utf8_lossy(&o2.stdout).contains("at step 30"));
}
