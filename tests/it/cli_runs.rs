//! The command line on run folders: `runs --sort/--json`, `compare` with its best
//! values, differing settings and PNG, and one writer per run folder.

use std::path::{Path, PathBuf};
use std::process::Command;

use latent_studio::experiments::run_summary::figure;

fn studio() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_latent-studio"));
    c.env("RAYON_NUM_THREADS", "2");
    c
}

/// Trains the ring for `steps` into `root/name` with the extra overrides.
fn train(root: &Path, name: &str, steps: &str, sets: &[&str]) -> PathBuf {
    let out = root.join(name);
    let mut c = studio();
    c.args(["train", "gan2d_ring", "--steps", steps, "--out"])
        .arg(&out)
        .args(["--set", "schedule.log_every=5"]);
    for s in sets {
        c.args(["--set", s]);
    }
    let status = c.status().expect("train");
    assert!(status.success(), "train {name}");
    out
}

/// A column of a run's metrics.csv as `[step, value]` (empty cells skipped).
fn column(run: &Path, name: &str) -> Vec<[f64; 2]> {
    let text = std::fs::read_to_string(run.join("metrics.csv")).expect("metrics");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let i = header.iter().position(|h| *h == name).expect("column");
    lines
        .filter_map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            Some([cells[0].parse().ok()?, cells[i].parse().ok()?])
        })
        .collect()
}

#[test]
fn compare_prints_last_and_best_the_settings_that_differ_and_a_png() {
    let dir = tempfile::tempdir().expect("dir");
    let a = train(dir.path(), "a", "30", &[]);
    let b = train(dir.path(), "b", "30", &["train.lr_g=0.0005"]);
    let png = dir.path().join("compare.png");
    let output = studio()
        .arg("compare")
        .args([&a, &b])
        .args(["--plot"])
        .arg(&png)
        .args(["--size", "640x480", "--smooth", "0.5"])
        .output()
        .expect("compare");
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The best D loss of run a, as the CSV has it (lowest, first of equals).
    let d = column(&a, "d_loss");
    let best = d
        .iter()
        .copied()
        .reduce(|x, y| if y[1] < x[1] { y } else { x })
        .expect("rows");
    let section: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("d_loss"))
        .take(3)
        .collect();
    assert!(section[0].contains("lowest and highest"), "{out}");
    let line_a = section[1];
    assert!(line_a.trim_start().starts_with('a'), "{out}");
    assert!(
        line_a.contains(&format!("lowest {} at step {}", figure(best[1]), best[0])),
        "lowest at step {}: {line_a}",
        best[0]
    );
    let modes = out
        .lines()
        .skip_while(|l| !l.starts_with("modes_captured"))
        .nth(1)
        .expect("modes line");
    let most = column(&a, "modes_captured")
        .into_iter()
        .reduce(|x, y| if y[1] > x[1] { y } else { x })
        .expect("rows");
    assert!(
        modes.contains(&format!("best {} at step {}", figure(most[1]), most[0])),
        "more modes is better: {modes}"
    );
    assert!(out.contains("settings that differ:"), "{out}");
    assert!(out.contains("train.lr_g: a = 0.002, b = 0.0005"), "{out}");
    let picture = image::open(&png).expect("png");
    assert_eq!((picture.width(), picture.height()), (640, 480));

    let missing = studio()
        .args(["compare"])
        .arg(&a)
        .arg(dir.path().join("nowhere"))
        .output()
        .expect("run");
    assert!(!missing.status.success());
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(
        err.contains("nowhere") && err.trim().lines().count() == 1,
        "{err}"
    );
}

#[test]
fn runs_sorts_by_a_metric_and_prints_json_for_scripts() {
    let dir = tempfile::tempdir().expect("dir");
    let root = dir.path().join("runs");
    train(
        &root,
        "slow",
        "20",
        &["train.lr_g=0.00001", "train.lr_d=0.00001"],
    );
    train(&root, "fast", "20", &[]);
    let output = studio()
        .arg("runs")
        .arg(&root)
        .args(["--json", "--sort", "d_loss"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(rows.len(), 2);
    let d_loss = |r: &serde_json::Value| r["finals"]["d_loss"].as_f64().expect("d_loss");
    assert!(d_loss(&rows[0]) <= d_loss(&rows[1]), "lowest loss first");
    for r in &rows {
        assert_eq!(r["architecture"], "gan2d");
        assert_eq!(r["status"], "finished");
        assert_eq!(r["steps"], 20);
        let last = column(Path::new(r["folder"].as_str().expect("folder")), "d_loss");
        assert!((last.last().expect("rows")[1] - d_loss(r)).abs() < 1e-9);
    }
}

/// A folder another run is writing is refused with one line, and nothing in it changes.
#[test]
fn a_run_folder_has_one_writer_at_a_time() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("busy");
    std::fs::create_dir_all(&out).expect("dir");
    let lock = latent_studio::runs::run_state::RunLock::acquire(&out).expect("lock");
    let output = studio()
        .args(["train", "gan2d_ring", "--steps", "5", "--out"])
        .arg(&out)
        .output()
        .expect("train");
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    // The holder (this test's process) is named.
    let holder = format!("in use by process {}", std::process::id());
    assert!(err.contains(&holder), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(!out.join("config.toml").exists(), "nothing written");
    drop(lock);
    let status = studio()
        .args(["train", "gan2d_ring", "--steps", "5", "--out"])
        .arg(&out)
        .status()
        .expect("train");
    assert!(status.success(), "free once the lock is gone");
    let ended = std::fs::read_to_string(out.join("ended.toml")).expect("ended.toml");
    assert!(ended.contains("finished"), "{ended}");
}

/// A sweep trains every combination into one folder, lists them as its group, and
/// the same command again finds nothing left to train.
#[test]
fn a_sweep_trains_every_combination_once() {
    let dir = tempfile::tempdir().expect("dir");
    let root = dir.path().join("runs");
    let sweep = |extra: &[&str]| {
        studio()
            .args(["sweep", "gan2d_ring", "--steps", "10", "--parallel", "2"])
            .args(["--vary", "train.lr_g=0.001,0.0005"])
            .args(["--vary", "train.generator_loss=minimax,non_saturating"])
            .args(extra)
            .arg("--out")
            .arg(root.join("grid"))
            .output()
            .expect("sweep")
    };
    let first = sweep(&[]);
    let said = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(said.contains("4 runs, 0 done, 4 to train"), "{said}");
    let run = root.join("grid/lr_g-0.0005_generator_loss-minimax");
    let config = std::fs::read_to_string(run.join("config.toml")).expect("config");
    assert!(
        config.contains("lr_g = 0.0005") && config.contains("\"minimax\""),
        "{config}"
    );
    let again = sweep(&[]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("4 done, 0 to train"));
    let other = sweep(&["--set", "seed=9"]);
    assert!(
        !other.status.success(),
        "another sweep in the same folder is refused"
    );
    let listed = studio()
        .arg("runs")
        .arg(&root)
        .args(["--json"])
        .output()
        .expect("runs");
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(rows.len(), 4);
    assert!(
        rows.iter()
            .all(|r| r["group"] == "grid" && r["status"] == "finished")
    );
}

/// The window's "Run a grid" starts the same sweep in a process of its own: every
/// combination is checked first, and the runs land in the sweep folder.
#[test]
fn the_windows_grid_runs_a_sweep_in_a_process_of_its_own() {
    use latent_studio::app::run_files::{SweepJob, start_sweep};
    let dir = tempfile::tempdir().expect("dir");
    let spec = latent_studio::presets::default_spec().expect("default");
    let job = |vary: &str| SweepJob {
        exe: env!("CARGO_BIN_EXE_latent-studio").into(),
        spec: spec.clone(),
        vary: vec![vary.to_string()],
        steps: 10,
        parallel: 1,
        folder: dir.path().join("sweep"),
    };
    let refused = start_sweep(&job("train.lr_g=0.001,-1")).expect_err("a bad value");
    assert!(refused.contains("train.lr_g=-1"), "{refused}");
    assert!(!dir.path().join("sweep").exists(), "nothing written");
    let said = start_sweep(&job("train.lr_g=0.001,0.0005")).expect("started");
    assert!(said.contains("grid of 2 runs"), "{said}");
    let finished = |name: &str| {
        std::fs::read_to_string(dir.path().join("sweep").join(name).join("ended.toml"))
            .is_ok_and(|t| t.contains("finished"))
    };
    let start = std::time::Instant::now();
    while !(finished("lr_g-0.001") && finished("lr_g-0.0005")) {
        assert!(start.elapsed().as_secs() < 120, "the grid did not finish");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
