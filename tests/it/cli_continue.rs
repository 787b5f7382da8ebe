//! `train --continue RUN`: a run stopped part way (off its logging schedule) and
//! continued writes the metrics an uninterrupted run writes; bad folders and a
//! folder another process holds are refused with one line.

use std::path::Path;
use std::process::Command;

fn studio() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_latent-studio"));
    c.env("RAYON_NUM_THREADS", "1");
    c
}

/// `train` with `args`, which must succeed.
fn train(args: &[&str]) {
    let out = studio().arg("train").args(args).output().expect("run");
    assert!(
        out.status.success(),
        "train {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The rows of a `metrics.csv` without their wall-clock column (the last).
fn rows_without_clock(run: &Path) -> Vec<String> {
    let csv = std::fs::read_to_string(run.join("metrics.csv")).expect("metrics.csv");
    csv.lines()
        .map(|l| l.rsplit_once(',').map_or(l, |(rest, _)| rest).to_string())
        .collect()
}

/// Trains `preset` straight for `total` steps, and again stopped at `first` and
/// continued; both folders' metrics must be the same.
fn continues_as_if_never_stopped(preset: &str, sets: &[&str], first: u64, total: u64) {
    let dir = tempfile::tempdir().expect("dir");
    let (straight, stopped) = (dir.path().join("straight"), dir.path().join("stopped"));
    let mut common: Vec<&str> = Vec::new();
    for s in sets {
        common.extend(["--set", s]);
    }
    let path = |p: &Path| p.to_str().expect("utf8").to_string();
    let (a, b) = (path(&straight), path(&stopped));
    let (total_s, first_s) = (total.to_string(), first.to_string());
    train(
        &[
            &[preset, "--steps", &total_s, "--out", &a],
            common.as_slice(),
        ]
        .concat(),
    );
    train(
        &[
            &[preset, "--steps", &first_s, "--out", &b],
            common.as_slice(),
        ]
        .concat(),
    );
    let more = (total - first).to_string();
    train(&["--continue", &b, "--steps", &more]);
    let (want, got) = (rows_without_clock(&straight), rows_without_clock(&stopped));
    assert!(want.len() > 3, "{want:?}");
    assert_eq!(got, want, "{preset}: continued as if never stopped");
    // The folder records its new length.
    let config = std::fs::read_to_string(stopped.join("config.toml")).expect("config");
    assert!(config.contains(&format!("steps = {total}")), "{config}");
}

#[test]
fn a_2d_gan_stopped_between_rows_continues_exactly() {
    // Stopped at 35 (rows every 10): its last row at 35 is taken again as part of 40.
    continues_as_if_never_stopped(
        "gan2d_ring",
        &["schedule.log_every=10", "schedule.checkpoint_every=25"],
        35,
        60,
    );
}

#[test]
fn a_2d_gan_stopped_on_a_row_continues_exactly() {
    continues_as_if_never_stopped(
        "gan2d_ring",
        &["schedule.log_every=10", "schedule.checkpoint_every=25"],
        30,
        60,
    );
}

#[test]
fn a_character_model_continues_exactly_in_its_streams() {
    continues_as_if_never_stopped(
        "char_lstm_source",
        &[
            "model.hidden=32",
            "model.embedding=16",
            "train.batch_size=4",
            "train.seq_len=16",
            "eval.chars=400",
            "eval.every=6",
            "schedule.log_every=4",
            "schedule.sample_every=1000",
        ],
        9,
        20,
    );
}

#[test]
fn continuing_without_steps_goes_to_the_runs_length_then_refuses_bad_folders() {
    let dir = tempfile::tempdir().expect("dir");
    let run = dir.path().join("ring");
    let r = run.to_str().expect("utf8");
    train(&[
        "gan2d_ring",
        "--steps",
        "20",
        "--out",
        r,
        "--set",
        "schedule.log_every=5",
    ]);
    // Finished: continuing without --steps trains as many again.
    train(&["--continue", r]);
    let rows = rows_without_clock(&run);
    assert!(
        rows.last().is_some_and(|l| l.starts_with("40,")),
        "{rows:?}"
    );
    // Not a run folder: one line, non-zero.
    let out = studio()
        .args(["train", "--continue"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("no checkpoint to continue from"), "{err}");
    // A preset and --continue together are refused.
    let out = studio()
        .args(["train", "gan2d_ring", "--continue", r])
        .output()
        .expect("run");
    assert!(!out.status.success());
    // A folder another process holds is refused, and left as it was.
    let before = std::fs::read_to_string(run.join("metrics.csv")).expect("csv");
    let lock = latent_studio::runs::run_state::RunLock::acquire(&run).expect("lock");
    let out = studio()
        .args(["train", "--continue", r])
        .output()
        .expect("run");
    assert!(!out.status.success(), "a held folder is refused");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    drop(lock);
    assert_eq!(
        std::fs::read_to_string(run.join("metrics.csv")).expect("csv"),
        before
    );
}
