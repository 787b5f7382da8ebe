//! Fast style transfer: a small network learns (its held-out losses fall), its lab
//! repaints landscapes and files, a run folder alone repaints a picture from the
//! command line (any size, grey too), and bad inputs are named in one line.

use std::process::Command;

use candle_core::Device;
use latent_studio::data::landscapes::LandscapeParams;
use latent_studio::experiments::{self, ExperimentSpec, StepPart};
use latent_studio::lab::{LabQuery, LabResult, StylizeQuery};
use latent_studio::presets;

/// A network and pictures small enough for a test.
const SMALL: [&str; 9] = [
    "content.size=48",
    "content.count=24",
    "content.held_out=2",
    "model.width=6",
    "model.blocks=1",
    "train.batch_size=2",
    "train.lr=0.01",
    "compare.pictures=1",
    "compare.iterations=5",
];

fn small_spec() -> ExperimentSpec {
    let p = presets::built_in()
        .find(|p| p.file == "fast_style_mosaic.toml")
        .expect("preset");
    let mut spec = p.spec().expect("parses");
    for s in SMALL {
        spec.set(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    spec
}

fn metric(m: &[(&str, f64)], name: &str) -> f64 {
    m.iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no {name} in {m:?}"))
        .1
}

#[test]
fn a_small_network_learns_the_style_on_held_out_pictures() {
    let mut exp = experiments::build(&small_spec(), &Device::Cpu).expect("build");
    let before = exp.evaluate_final().expect("evaluate");
    for _ in 0..120 {
        exp.step(StepPart::Whole).expect("step");
    }
    let after = exp.evaluate_final().expect("evaluate");
    let (b, a) = (
        metric(&before, "val_style_loss"),
        metric(&after, "val_style_loss"),
    );
    assert!(a < b * 0.2, "held-out style loss {b} -> {a}");
    let (b, a) = (
        metric(&before, "val_total_loss"),
        metric(&after, "val_total_loss"),
    );
    assert!(a < b * 0.2, "held-out total loss {b} -> {a}");
    // The optimised comparison was made, and the ratio is the losses' ratio.
    let ratio = metric(&after, "style_vs_optimised");
    assert!(ratio.is_finite() && ratio > 0.0);
    assert!(metric(&after, "optimised_style_loss") > 0.0);
    // The gallery: held-out rows of content, network, optimised.
    let latent_studio::view::View::Images(grid) = exp.view(120).expect("view") else {
        panic!("a gallery");
    };
    assert_eq!((grid.cols, grid.rows), (3, 2));
    // A run reopened from its checkpoint shows the same optimised picture without
    // optimising again.
    let mut reopened = experiments::build(&small_spec(), &Device::Cpu).expect("build");
    let tensors: std::collections::HashMap<_, _> = exp.tensors().into_iter().collect();
    reopened.load_tensors(&tensors).expect("weights");
    reopened
        .load_train_state(&exp.train_state().expect("state"))
        .expect("state");
    let latent_studio::view::View::Images(again) = reopened.view(120).expect("view") else {
        panic!("a gallery");
    };
    assert_eq!(again.tile_image(2), grid.tile_image(2));
    assert_eq!(again.tile_image(1), grid.tile_image(1));
}

#[test]
fn the_lab_repaints_landscapes_and_files_at_their_own_size() {
    let mut exp = experiments::build(&small_spec(), &Device::Cpu).expect("build");
    let q = StylizeQuery::Landscape {
        params: LandscapeParams::from_seed(9),
        width: 67,
    };
    let Ok(LabResult::Repainted {
        original, result, ..
    }) = exp.lab(&LabQuery::Stylize(q))
    else {
        panic!("a repainting");
    };
    assert_eq!((original.width, original.height), (67, 50));
    assert_eq!((result.width, result.height), (67, 50));
    assert_ne!(original, result);
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("grey.png");
    image::GrayImage::from_fn(41, 29, |x, y| image::Luma([(x * 5 + y * 3) as u8]))
        .save(&path)
        .expect("write");
    let q = StylizeQuery::File {
        path: path.clone(),
        max_side: 1024,
    };
    let Ok(LabResult::Repainted { result, .. }) = exp.lab(&LabQuery::Stylize(q)) else {
        panic!("a repainting");
    };
    assert_eq!((result.width, result.height), (41, 29));
    let missing = StylizeQuery::File {
        path: dir.path().join("nothing.png"),
        max_side: 1024,
    };
    let err = exp.lab(&LabQuery::Stylize(missing)).expect_err("no file");
    assert!(err.to_string().contains("nothing.png"), "{err}");
}

fn studio() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_latent-studio"));
    c.env("RAYON_NUM_THREADS", "2");
    c
}

fn ok(c: &mut Command) -> String {
    let out = c.output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{err}");
    err
}

fn fails(c: &mut Command) -> String {
    let out = c.output().expect("run");
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).trim().to_string()
}

#[test]
fn a_run_folder_alone_repaints_pictures_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let run = dir.path().join("run");
    ok(studio()
        .args(["train", "fast_style_mosaic", "--steps", "6", "--out"])
        .arg(&run)
        .args(SMALL.iter().flat_map(|s| ["--set", s])));
    // A colour picture of an odd size, and a grey one: each keeps its size.
    let colour = dir.path().join("colour.png");
    image::RgbImage::from_fn(53, 37, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 6) as u8, 90])
    })
    .save(&colour)
    .expect("write");
    let grey = dir.path().join("grey.jpg");
    image::GrayImage::from_fn(30, 44, |x, y| image::Luma([(x + y * 5) as u8]))
        .save(&grey)
        .expect("write");
    for (input, size) in [(&colour, (53, 37)), (&grey, (30, 44))] {
        let out = dir.path().join("out.png");
        let said = ok(studio()
            .args(["stylize", "--model"])
            .arg(&run)
            .arg("--content")
            .arg(input)
            .arg("--out")
            .arg(&out));
        assert!(said.contains("repainted"), "{said}");
        let img = image::open(&out).expect("a picture").to_rgb8();
        assert_eq!(img.dimensions(), size);
    }
    // --size scales the longer side.
    let out = dir.path().join("small.png");
    ok(studio()
        .args(["stylize", "--model"])
        .arg(&run)
        .arg("--content")
        .arg(&colour)
        .args(["--size", "26", "--out"])
        .arg(&out));
    assert_eq!(image::open(&out).expect("png").to_rgb8().width(), 26);
    // A corrupt picture, and a run of another architecture: one line each.
    let corrupt = dir.path().join("corrupt.png");
    std::fs::write(&corrupt, b"\x89PNG not really").expect("write");
    let err = fails(
        studio()
            .args(["stylize", "--model"])
            .arg(&run)
            .arg("--content")
            .arg(&corrupt)
            .arg("--out")
            .arg(dir.path().join("x.png")),
    );
    assert!(
        err.contains("corrupt.png") && err.lines().count() == 1,
        "{err}"
    );
    let other = dir.path().join("other");
    ok(studio()
        .args(["train", "gan2d_ring", "--steps", "3", "--out"])
        .arg(&other));
    let err = fails(
        studio()
            .args(["stylize", "--model"])
            .arg(&other)
            .arg("--out")
            .arg(dir.path().join("y.png")),
    );
    assert!(err.contains("gan2d") && err.lines().count() == 1, "{err}");
}
