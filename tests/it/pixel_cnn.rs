//! PixelCNN: the likelihood falls on a short CLI run, and a completion leaves the
//! given pixels untouched.

use std::process::Command;

use candle_core::Device;
use latent_studio::experiments::pixel_cnn::PixelCnn;
use latent_studio::presets::pixel_cnn_default;

#[test]
fn the_held_out_nll_falls_on_a_short_run() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("pcnn");
    let status = Command::new(env!("CARGO_BIN_EXE_latent-studio"))
        .env("RAYON_NUM_THREADS", "2")
        .args(["train", "pixelcnn_glyphs", "--steps", "40", "--out"])
        .arg(&out)
        .args(["--set", "model.blocks=2", "--set", "model.channels=16"])
        .args(["--set", "train.batch_size=16", "--set", "eval.every=40"])
        .args(["--set", "eval.images=100", "--set", "sample.count=1"])
        .status()
        .expect("run");
    assert!(status.success());
    let csv = std::fs::read_to_string(out.join("metrics.csv")).expect("metrics");
    let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("column");
    let (nll, bpd) = (col("val_nll_nats"), col("val_bits_per_dim"));
    let rows: Vec<(f64, f64)> = csv
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            Some((cells[nll].parse().ok()?, cells[bpd].parse().ok()?))
        })
        .collect();
    let (first, last) = (rows[0], rows[rows.len() - 1]);
    assert!(last.0 < 0.6 * first.0, "held-out NLL {first:?} → {last:?}");
    // Bits per dimension is the NLL per pixel in bits.
    assert!((last.1 - last.0 / 784.0 / std::f64::consts::LN_2).abs() < 1e-6);
    assert!(
        last.1 < 0.6,
        "binarised digits: well under 1 bit per pixel, not {}",
        last.1
    );
}

#[test]
fn a_completion_keeps_the_given_half_and_draws_the_rest() {
    let mut spec = pixel_cnn_default().expect("built-in preset");
    spec.model.blocks = 1;
    spec.model.channels = 8;
    let pcnn = PixelCnn::new(spec, &Device::Cpu).expect("build");
    let s = 28;
    let original = pcnn.held_out_levels(3);
    let keep: Vec<bool> = (0..s * s).map(|k| k < s * s / 2).collect();
    let mut given = Vec::new();
    for _ in 0..2 {
        given.extend_from_slice(&original);
    }
    let done = pcnn.sample(2, 9, Some((&given, &keep))).expect("complete");
    for i in 0..2 {
        let img = &done[i * s * s..(i + 1) * s * s];
        assert_eq!(
            &img[..s * s / 2],
            &original[..s * s / 2],
            "the top half is kept"
        );
        assert!(img.iter().all(|&l| l < 2), "binarised levels");
    }
    // Two completions of the same half differ (they are draws, not a copy).
    assert_ne!(&done[s * s / 2..s * s], &done[s * s + s * s / 2..]);
}

#[test]
fn colour_pictures_are_drawn_in_their_k_means_palette() {
    use latent_studio::experiments::image_data::{DataSource, ImageData};
    use latent_studio::experiments::{Experiment, StepPart};
    use latent_studio::view::View;
    let dir = tempfile::tempdir().expect("dir");
    // Pictures of two colours in two classes: red squares on blue, and the reverse.
    let colours = [[220u8, 20, 20], [20, 40, 200]];
    for class in 0..2 {
        let folder = dir.path().join(format!("class{class}"));
        std::fs::create_dir_all(&folder).expect("folder");
        for i in 0..30 {
            let img = image::RgbImage::from_fn(28, 28, |x, y| {
                let inside = (8..20).contains(&x) && (8..20).contains(&y) && i % 3 != 0;
                image::Rgb(colours[(class + usize::from(inside)) % 2])
            });
            img.save(folder.join(format!("{i}.png"))).expect("png");
        }
    }
    let mut spec = pixel_cnn_default().expect("built-in preset");
    spec.data = ImageData {
        source: DataSource::Folder,
        path: dir.path().to_path_buf(),
        image_size: 28,
        channels: 3,
        binarize: Default::default(),
    };
    spec.model.palette = 2;
    spec.model.blocks = 1;
    spec.model.channels = 8;
    spec.sample.count = 1;
    let mut pcnn = PixelCnn::new(spec, &Device::Cpu).expect("build");
    for _ in 0..3 {
        pcnn.step(StepPart::Whole).expect("step");
    }
    let View::Images(grid) = pcnn.view(3).expect("view") else {
        panic!("expected images")
    };
    let tile = grid.tile_image(0).expect("sample");
    for p in tile.pixels.chunks(3) {
        let near = colours
            .iter()
            .any(|c| (0..3).all(|j| (p[j] as i32 - c[j] as i32).abs() <= 2));
        assert!(near, "a pixel {p:?} outside the palette");
    }
}

#[test]
fn the_samplers_window_gives_the_whole_images_prediction() {
    use candle_core::D;
    for gated in [false, true] {
        let mut spec = pixel_cnn_default().expect("built-in preset");
        spec.model.levels = 4;
        spec.model.blocks = 3;
        spec.model.channels = 8;
        spec.model.gated = gated;
        let pcnn = PixelCnn::new(spec, &Device::Cpu).expect("build");
        let mut levels = pcnn.held_out_levels(0);
        levels.extend(pcnn.held_out_levels(5));
        let whole = pcnn.logits(&levels, 2).expect("logits"); // [2, 4, s, s]
        for (r, c) in [(0, 0), (0, 27), (5, 0), (13, 14), (27, 27), (20, 3)] {
            let windowed = pcnn
                .pixel_logits(&levels, 2, r, c)
                .and_then(|t| Ok(t.to_vec2::<f32>()?))
                .expect("window");
            let reference = whole
                .narrow(2, r, 1)
                .and_then(|t| t.narrow(3, c, 1))
                .and_then(|t| t.squeeze(D::Minus1))
                .and_then(|t| t.squeeze(D::Minus1))
                .and_then(|t| t.to_vec2::<f32>())
                .expect("reference");
            for (w, full) in windowed.iter().zip(&reference) {
                for (a, b) in w.iter().zip(full) {
                    assert!(
                        (a - b).abs() < 1e-6 * (1.0 + b.abs()),
                        "gated {gated}, pixel ({r}, {c}): window {w:?} vs whole {full:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_dragged_rectangle_is_redrawn_and_the_rest_kept() {
    use latent_studio::experiments::Experiment;
    use latent_studio::lab::{
        DrawRequest, ImageRef, KeepRegion, LabQuery, LabResult, PixelQuery, PixelRect,
    };
    let mut spec = pixel_cnn_default().expect("built-in preset");
    spec.model.blocks = 1;
    spec.model.channels = 8;
    let mut pcnn = PixelCnn::new(spec, &Device::Cpu).expect("build");
    let s = 28;
    // A dropped picture: a bright bar on dark paper, at the model's size.
    let picture: Vec<u8> = (0..s * s)
        .map(|k| if (10..18).contains(&(k % s)) { 255 } else { 0 })
        .collect();
    let rect = PixelRect {
        x0: 6,
        y0: 8,
        x1: 22,
        y1: 20,
    };
    let request = DrawRequest {
        count: 3,
        seed: 4,
        pixels_per_update: 10_000,
        complete: Some(ImageRef::Pixels(picture.clone())),
        keep: KeepRegion::Outside(rect),
    };
    let mut answer = pcnn
        .lab(&LabQuery::Pixels(PixelQuery::Draw(request)))
        .expect("draw");
    while answer.is_partial() {
        answer = pcnn
            .lab_more(std::time::Duration::from_millis(60))
            .expect("more")
            .1
            .expect("chunk");
    }
    let LabResult::Pixels { grid, done, .. } = answer else {
        panic!("expected pixels")
    };
    assert!(done);
    let original = grid.tile_image(0).expect("original");
    let mut changed = 0;
    for i in 1..4 {
        let drawn = grid.tile_image(i).expect("completion");
        for k in 0..s * s {
            let (row, col) = (k / s, k % s);
            let (a, b) = (original.pixels[3 * k], drawn.pixels[3 * k]);
            if rect.contains(row, col) {
                changed += usize::from(a != b);
            } else {
                assert_eq!(a, b, "completion {i}: kept pixel ({row}, {col}) changed");
            }
        }
    }
    assert!(
        changed > 0,
        "an untrained model redraws the rectangle differently"
    );
    // The original is the dropped picture, binarised.
    assert_eq!(original.pixels[3 * 12], 255);
    assert_eq!(original.pixels[0], 0);
}
