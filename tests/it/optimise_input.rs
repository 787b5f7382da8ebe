//! Optimising the input: style transfer's three loss terms fall, DeepDream's
//! objective rises, both work with the built-in network and with VGG weights from a
//! safetensors file, and the CLI writes the picture or refuses bad files in one line.

use std::collections::HashMap;
use std::process::Command;

use candle_core::{DType, Device, Tensor};
use latent_studio::data::pictures::PictureSource;
use latent_studio::experiments::deep_dream::DeepDream;
use latent_studio::experiments::style_transfer::{PixelOptimiser, StartFrom, StyleTransfer};
use latent_studio::experiments::{Experiment, ExperimentSpec, StepPart, feature_choice};
use latent_studio::features::vgg::{VGG16, layer_names};
use latent_studio::presets;

fn metric(m: &[(&'static str, f64)], name: &str) -> f64 {
    m.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
        .expect(name)
}

#[test]
fn each_style_transfer_loss_term_falls_from_noise() {
    // Each term alone, then all three together, with both optimisers.
    let alone = [
        (1.0, 0.0, 0.0),
        (0.0, 100.0, 0.0),
        (0.0, 0.0, 5.0),
        (1.0, 100.0, 5.0),
    ];
    for optimiser in [PixelOptimiser::Adam, PixelOptimiser::Lbfgs] {
        for (content, style, tv) in alone {
            let mut spec = presets::style_transfer_default().expect("built-in preset");
            spec.pictures.size = 64;
            spec.optimise.start = StartFrom::Noise;
            spec.optimise.optimiser = optimiser;
            spec.optimise.lr = 0.05;
            spec.loss.content = content;
            spec.loss.style = style;
            spec.loss.tv = tv;
            let mut st = StyleTransfer::new(spec, &Device::Cpu).expect("build");
            let first = st.step(StepPart::Whole).expect("step");
            let mut last = first.clone();
            for _ in 0..20 {
                last = st.step(StepPart::Whole).expect("step");
            }
            for (term, weight) in [
                ("content_loss", content),
                ("style_loss", style),
                ("tv_loss", tv),
                ("total_loss", 1.0),
            ] {
                let (a, b) = (metric(&first, term), metric(&last, term));
                let together = content > 0.0 && style > 0.0;
                if together && term != "total_loss" {
                    // Together the terms trade off (from noise, style outweighs content).
                    continue;
                }
                if weight > 0.0 {
                    assert!(
                        b < 0.7 * a,
                        "{optimiser:?} {content}/{style}/{tv}: {term} {a} → {b}"
                    );
                } else {
                    assert_eq!(a, 0.0, "a term weighted 0 counts for nothing");
                }
            }
            let img = st.result().expect("result");
            assert_eq!((img.width, img.height), (64, 48), "the landscape is 4:3");
        }
    }
}

#[test]
fn deep_dream_amplifies_its_layer_octave_by_octave() {
    let mut spec = presets::deep_dream_default().expect("built-in preset");
    spec.size = 64;
    spec.dream.octaves = 2;
    spec.schedule.steps = 12;
    let mut dd = DeepDream::new(spec, &Device::Cpu).expect("build");
    let mut rows = Vec::new();
    for _ in 0..12 {
        rows.push(dd.step(StepPart::Whole).expect("step"));
    }
    // Within each octave the objective rises; the second octave is the larger picture.
    assert!(metric(&rows[5], "activation") > metric(&rows[0], "activation"));
    assert!(metric(&rows[11], "activation") > metric(&rows[6], "activation"));
    assert_eq!(metric(&rows[0], "octave"), 1.0);
    assert_eq!(metric(&rows[11], "octave"), 2.0);
    let dream = dd.result().expect("result");
    let original = PictureSource::Landscape.load(64).expect("landscape");
    assert_eq!(
        (dream.width, dream.height),
        (original.width, original.height)
    );
    let changed = dream
        .pixels
        .iter()
        .zip(&original.pixels)
        .filter(|(a, b)| a.abs_diff(**b) > 8)
        .count();
    assert!(
        changed > dream.pixels.len() / 10,
        "the dream changed the picture"
    );
}

#[test]
fn a_vgg_file_drives_both_and_a_missing_layer_is_named() {
    let dir = tempfile::tempdir().expect("dir");
    let weights = dir.path().join("vgg16.safetensors");
    crate::common::write_tiny_vgg16(&weights, 8);
    let mut spec =
        ExperimentSpec::StyleTransfer(presets::style_transfer_default().expect("built-in preset"));
    feature_choice::use_vgg(&mut spec, weights.clone());
    let ExperimentSpec::StyleTransfer(mut st_spec) = spec else {
        panic!("style transfer")
    };
    st_spec.pictures.size = 64;
    st_spec.optimise.start = StartFrom::Noise;
    let mut st = StyleTransfer::new(st_spec.clone(), &Device::Cpu).expect("vgg16 transfer");
    let first = metric(&st.step(StepPart::Whole).expect("step"), "total_loss");
    let mut last = first;
    for _ in 0..10 {
        last = metric(&st.step(StepPart::Whole).expect("step"), "total_loss");
    }
    assert!(last < 0.7 * first, "total loss {first} → {last}");
    // VGG16 has no conv5_4.
    st_spec.layers.style = vec!["conv5_4".into()];
    st_spec.layers.style_weights = vec![1.0];
    let e = StyleTransfer::new(st_spec, &Device::Cpu)
        .err()
        .expect("no such layer");
    assert!(e.to_string().contains("conv5_4"), "{e}");
    assert_eq!(layer_names(VGG16).len(), 13);

    let mut spec =
        ExperimentSpec::DeepDream(presets::deep_dream_default().expect("built-in preset"));
    feature_choice::use_vgg(&mut spec, weights);
    let ExperimentSpec::DeepDream(mut dd_spec) = spec else {
        panic!("dream")
    };
    dd_spec.size = 64;
    dd_spec.dream.octaves = 1;
    let mut dd = DeepDream::new(dd_spec, &Device::Cpu).expect("vgg16 dream");
    let a = metric(&dd.step(StepPart::Whole).expect("step"), "activation");
    let mut b = a;
    for _ in 0..5 {
        b = metric(&dd.step(StepPart::Whole).expect("step"), "activation");
    }
    assert!(b > a, "activation {a} → {b}");
}

fn studio() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_latent-studio"));
    c.env("RAYON_NUM_THREADS", "2");
    c
}

#[test]
fn the_cli_writes_the_picture_and_refuses_bad_files_in_one_line() {
    let dir = tempfile::tempdir().expect("dir");
    // A photo of its own, sideways by EXIF would need a JPEG writer with EXIF; a
    // plain wide PNG checks the scaling.
    let photo = dir.path().join("photo.png");
    image::RgbImage::from_fn(160, 80, |x, y| image::Rgb([x as u8, y as u8, 128]))
        .save(&photo)
        .expect("png");
    let out = dir.path().join("styled.png");
    let status = studio()
        .args(["stylize", "--steps", "3", "--size", "64", "--content"])
        .arg(&photo)
        .arg("--out")
        .arg(&out)
        .status()
        .expect("run");
    assert!(status.success());
    let img = image::open(&out).expect("written");
    assert_eq!((img.width(), img.height()), (64, 32));

    let dreamt = dir.path().join("dream.png");
    let status = studio()
        .args([
            "dream",
            "--iterations",
            "2",
            "--octaves",
            "2",
            "--size",
            "64",
            "--out",
        ])
        .arg(&dreamt)
        .status()
        .expect("run");
    assert!(status.success());
    assert_eq!(image::open(&dreamt).expect("written").width(), 64);

    let broken = dir.path().join("broken.jpg");
    std::fs::write(&broken, b"\xff\xd8\xff garbage").expect("write");
    let bad_weights = dir.path().join("other.safetensors");
    let mut t = HashMap::new();
    t.insert(
        "fc.weight".to_string(),
        Tensor::zeros((2, 2), DType::F32, &Device::Cpu).expect("t"),
    );
    candle_core::safetensors::save(&t, &bad_weights).expect("save");
    for (args, names) in [
        (vec!["stylize", "--style"], broken.clone()),
        (vec!["dream", "--weights"], bad_weights.clone()),
    ] {
        let output = studio()
            .args(&args)
            .arg(&names)
            .args(
                ["--steps", "1", "--size", "32"]
                    .iter()
                    .filter(|_| args[0] == "stylize"),
            )
            .arg("--out")
            .arg(dir.path().join("never.png"))
            .output()
            .expect("run");
        assert!(!output.status.success(), "{args:?} must fail");
        let err = String::from_utf8_lossy(&output.stderr);
        let file = names.file_name().and_then(|n| n.to_str()).expect("name");
        assert!(err.contains(file), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        assert!(!dir.path().join("never.png").exists());
    }
}

#[test]
fn a_trained_gans_discriminator_dreams_on_a_digit() {
    let dir = tempfile::tempdir().expect("dir");
    let run = dir.path().join("gan");
    let status = studio()
        .args(["train", "dcgan_glyphs", "--steps", "3", "--out"])
        .arg(&run)
        .args(["--set", "quality.every=0", "--set", "train.batch_size=16"])
        .status()
        .expect("train");
    assert!(status.success());
    let out = dir.path().join("dream.png");
    let output = studio()
        .args(["dream", "--iterations", "4", "--from-run"])
        .arg(&run)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("dream");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let img = image::open(&out).expect("written").to_rgb8();
    assert_eq!(
        img.dimensions(),
        (56, 56),
        "a digit at the discriminator's scale"
    );
    // The network of the run: its convolutions, with batch norm folded in.
    let source = latent_studio::features::FeatureSource::Run {
        folder: run.clone(),
    };
    let (description, layers) =
        latent_studio::experiments::feature_choice::describe(&source).expect("describe");
    assert_eq!(
        layers,
        vec!["conv1".to_string(), "conv2".into()],
        "{description}"
    );
    // Another architecture's run is refused with a message naming it.
    let pcnn = dir.path().join("pcnn");
    let status = studio()
        .args(["train", "pixelcnn_glyphs", "--steps", "1", "--out"])
        .arg(&pcnn)
        .args(["--set", "model.blocks=1", "--set", "model.channels=4"])
        .args(["--set", "eval.images=10", "--set", "sample.count=1"])
        .status()
        .expect("train");
    assert!(status.success());
    let output = studio()
        .args(["dream", "--from-run"])
        .arg(&pcnn)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("dream");
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("pixel_cnn") && err.contains("pcnn"), "{err}");
}

#[test]
fn the_default_256_pixel_transfer_runs_and_its_loss_falls() {
    // The preset as shipped (256 px, L-BFGS, the studio's pictures), a few iterations:
    // 150 take about a minute on 2 cores (`latent-studio bench style-transfer`).
    let mut st = StyleTransfer::new(
        presets::style_transfer_default().expect("built-in preset"),
        &Device::Cpu,
    )
    .expect("build");
    assert_eq!(st.size(), (256, 192));
    let first = metric(&st.step(StepPart::Whole).expect("step"), "total_loss");
    let mut last = first;
    for _ in 0..3 {
        last = metric(&st.step(StepPart::Whole).expect("step"), "total_loss");
    }
    assert!(last < first, "total loss {first} → {last}");
}
