//! The command line: a real training run, and one-line errors for bad input.

use std::path::Path;
use std::process::Command;

fn studio() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_latent-studio"));
    c.env("RAYON_NUM_THREADS", "2");
    c
}

fn column(csv: &str, name: &str) -> Vec<f64> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let i = header
        .iter()
        .position(|h| *h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    lines
        .map(|l| {
            l.split(',')
                .nth(i)
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN)
        })
        .collect()
}

#[test]
fn training_the_ring_moves_the_generator_onto_the_data() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("ring");
    let status = studio()
        .args([
            "train",
            "presets/gan2d_ring.toml",
            "--steps",
            "600",
            "--out",
        ])
        .arg(&out)
        .args([
            "--set",
            "schedule.log_every=50",
            "--set",
            "schedule.sample_every=300",
        ])
        .status()
        .expect("run");
    assert!(status.success());
    let csv = std::fs::read_to_string(out.join("metrics.csv")).expect("metrics.csv");
    assert!(csv.starts_with(
        "step,d_loss,g_loss,d_real,d_fake,g_grad_norm,modes_captured,high_quality_pct"
    ));
    // The first step, then every 50th.
    let want: Vec<f64> = std::iter::once(1.0)
        .chain((1..=12).map(|i| 50.0 * i as f64))
        .collect();
    assert_eq!(column(&csv, "step"), want);
    let dist = column(&csv, "sample_mode_distance");
    let (first, last) = (dist[0], dist[dist.len() - 1]);
    assert!(
        last < 0.5 * first,
        "distance to the data should fall by half: {first} → {last}"
    );
    // The preset's fast learning rates make the census swing early on; the
    // generator must have reached most of the ring by then.
    let modes = column(&csv, "modes_captured");
    let most = modes.iter().copied().fold(0.0, f64::max);
    assert!(most >= 7.0, "modes: {modes:?}");

    // The run folder is complete.
    let config = std::fs::read_to_string(out.join("config.toml")).expect("config");
    let spec =
        latent_studio::experiments::ExperimentSpec::from_toml(&config).expect("config parses");
    assert_eq!(spec.schedule().steps, 600);
    assert_eq!(spec.schedule().log_every, 50);
    for s in ["step-000300.png", "step-000600.png"] {
        let img = image::open(out.join("samples").join(s)).expect("png");
        assert_eq!((img.width(), img.height()), (512, 512));
    }
    let ckpt = latent_studio::experiments::checkpoint::load(
        &out.join("checkpoint.safetensors"),
        &candle_core::Device::Cpu,
    )
    .expect("checkpoint");
    assert_eq!(ckpt.step, 600);
    assert!(
        !std::fs::read_dir(&out)
            .expect("ls")
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
    );
}

fn fails_with(args: &[&str], want: &str) {
    let out = studio().args(args).output().expect("run");
    assert!(!out.status.success(), "{args:?} should fail");
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line for {args:?}: {err}");
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains(want),
        "{args:?}: {err}"
    );
}

#[test]
fn bad_input_exits_non_zero_with_one_line() {
    let dir = tempfile::tempdir().expect("dir");
    fails_with(&["train", "no/such/preset.toml"], "no/such/preset.toml");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "architecture = \"gan2d\"\nname = 3\n").expect("write");
    fails_with(&["train", bad.to_str().expect("utf8")], "bad.toml");
    let typo = dir.path().join("typo.toml");
    let text = std::fs::read_to_string("presets/gan2d_ring.toml")
        .expect("preset")
        .replace("lr_g", "lr_gg");
    std::fs::write(&typo, text).expect("write");
    fails_with(&["train", typo.to_str().expect("utf8")], "lr_gg");
    fails_with(
        &["train", "gan2d_ring", "--set", "train.nope=1"],
        "unknown key 'train.nope'",
    );
    fails_with(
        &["train", "gan2d_ring", "--set", "train.batch_size=-3"],
        "train.batch_size",
    );
    // No steps is refused, not run as one.
    let none = dir.path().join("none");
    fails_with(
        &[
            "train",
            "gan2d_ring",
            "--steps",
            "0",
            "--out",
            none.to_str().expect("utf8"),
        ],
        "schedule.steps must be at least 1",
    );
    assert!(!none.exists(), "nothing written for no steps");
    // Several overrides are checked together, in any order.
    let idx = dir.path().join("idx-folder");
    fails_with(
        &[
            "train",
            "dcgan_glyphs",
            "--set",
            "data.source=idx",
            "--set",
            &format!("data.path={}", idx.display()),
            "--steps",
            "1",
            "--out",
            dir.path().join("idx-run").to_str().expect("utf8"),
        ],
        "idx-folder",
    );
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").expect("write");
    let unwritable = file.join("run");
    fails_with(
        &[
            "train",
            "gan2d_ring",
            "--steps",
            "5",
            "--out",
            unwritable.to_str().expect("utf8"),
        ],
        "a-file",
    );
    assert!(!Path::new(&unwritable).exists());
}

#[test]
fn a_short_dcgan_run_lowers_the_frechet_distance() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("dcgan");
    let status = studio()
        .args(["train", "dcgan_glyphs", "--steps", "30", "--out"])
        .arg(&out)
        .args([
            "--set",
            "train.batch_size=32",
            "--set",
            "quality.every=15",
            "--set",
            "quality.samples=200",
        ])
        .status()
        .expect("run");
    assert!(status.success());
    let csv = std::fs::read_to_string(out.join("metrics.csv")).expect("metrics.csv");
    let fid: Vec<f64> = column(&csv, "frechet_distance")
        .into_iter()
        .filter(|v| v.is_finite())
        .collect();
    assert_eq!(fid.len(), 3, "measured at steps 1, 15 and 30: {csv}");
    assert!(
        fid[2] < 0.8 * fid[0],
        "the Fréchet distance should fall: {fid:?}"
    );
    let shares: f64 = (0..10)
        .map(|c| column(&csv, &format!("class_{c}_pct"))[0])
        .sum();
    assert!(
        (shares - 100.0).abs() < 1e-3,
        "class shares add up to 100%: {shares}"
    );
    assert!(
        out.join("classifier.safetensors").is_file(),
        "the classifier is cached in the run folder"
    );
    let grid = image::open(out.join("samples/step-000030.png")).expect("sample grid");
    assert_eq!((grid.width(), grid.height()), (8 * 29 + 1, 8 * 29 + 1));
}

/// `runs` lists what `train` wrote: a finished run and one stopped short of its plan
/// (continued later, it would be stopped too), with the architecture's headline.
#[test]
fn runs_lists_the_run_folders_with_their_status_and_headline() {
    let dir = tempfile::tempdir().expect("dir");
    let root = dir.path().join("runs");
    for (name, steps) in [("short", "20"), ("long", "40")] {
        let status = studio()
            .args(["train", "gan2d_ring", "--steps", steps, "--out"])
            .arg(root.join(name))
            .args(["--set", "schedule.checkpoint_every=10"])
            .status()
            .expect("train");
        assert!(status.success());
    }
    // Plan more steps than were run and forget how it ended (as a killed run or
    // one from before `ended.toml`): the folder reads as stopped.
    std::fs::remove_file(root.join("short").join("ended.toml")).expect("the end is recorded");
    let config = root.join("short").join("config.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(&config, text.replace("steps = 20", "steps = 500")).expect("write");
    let output = studio().arg("runs").arg(&root).output().expect("runs");
    assert!(output.status.success());
    let out = String::from_utf8_lossy(&output.stdout);
    let line = |name: &str| {
        out.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} in {out}"))
            .to_string()
    };
    let long = line("long");
    assert!(
        long.contains("gan2d") && long.contains("finished"),
        "{long}"
    );
    assert!(
        long.contains("40/40") && long.contains("modes_captured"),
        "{long}"
    );
    let short = line("short");
    assert!(
        short.contains("stopped") && short.contains("20/500"),
        "{short}"
    );
    let missing = studio()
        .args(["runs"])
        .arg(dir.path().join("nowhere"))
        .output()
        .expect("run");
    assert!(!missing.status.success());
    let err = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains("nowhere"), "{err}");
}
