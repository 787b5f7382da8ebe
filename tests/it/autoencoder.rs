//! Autoencoders and the latent lab: the VAE's maths, a short training run, and
//! the lab's answers on a trained model, through the library, the worker and the CLI.

use std::process::Command as Process;
use std::time::Duration;

use candle_core::{DType, Device, Tensor};
use latent_studio::experiments::autoencoder::spec::AutoencoderKind;
use latent_studio::experiments::{self, ExperimentSpec, StepPart};
use latent_studio::lab::{ImageRef, LabQuery, LabResult, LabSlot, LatentQuery, Selection};
use latent_studio::nn::gaussian::{kl_to_standard_normal, reparameterise};
use latent_studio::presets::autoencoder_default;
use latent_studio::quality::classifier::Classifier;
use latent_studio::view::ImageGrid;
use latent_studio::worker::{Command, Event, RunOptions, WorkerConfig, WorkerHandle};

use crate::common::wait_for;

const SAMPLES: usize = 40_000;

fn normal(n: usize, d: usize) -> Tensor {
    crate::common::numeric::normal((n * 16 + d) as u64, &[n, d])
}

#[test]
fn reparameterised_samples_have_the_encoders_mean_and_variance() {
    let mu = Tensor::new(&[[1.5f32, -2.0]], &Device::Cpu).expect("mu");
    let var = [0.25f32, 4.0];
    let lv = Tensor::new(&[[var[0].ln(), var[1].ln()]], &Device::Cpu).expect("lv");
    let mu_n = mu
        .broadcast_as((SAMPLES, 2))
        .expect("b")
        .contiguous()
        .expect("c");
    let lv_n = lv
        .broadcast_as((SAMPLES, 2))
        .expect("b")
        .contiguous()
        .expect("c");
    let z = reparameterise(&mu_n, &lv_n, &normal(SAMPLES, 2)).expect("z");
    let mean = z.mean(0).expect("mean").to_vec1::<f32>().expect("v");
    let centred = z.broadcast_sub(&z.mean_keepdim(0).expect("m")).expect("c");
    let v = centred
        .sqr()
        .expect("sq")
        .mean(0)
        .expect("var")
        .to_vec1::<f32>()
        .expect("v");
    for j in 0..2 {
        let want_mu = [1.5, -2.0][j];
        // Standard errors: σ/√n for the mean, σ²·√(2/n) for the variance; allow 5 of them.
        assert!(
            (mean[j] - want_mu).abs() < 5.0 * var[j].sqrt() / (SAMPLES as f32).sqrt(),
            "{mean:?}"
        );
        assert!(
            (v[j] - var[j]).abs() < 5.0 * var[j] * (2.0 / SAMPLES as f32).sqrt(),
            "{v:?}"
        );
    }
}

#[test]
fn the_kl_term_matches_a_monte_carlo_estimate() {
    // KL(q ‖ p) = E_q[log q(z) − log p(z)], estimated with samples of q.
    let (mu, var) = ([0.8f32, -0.3, 1.7], [0.5f32, 2.0, 0.1]);
    let mu_t = Tensor::new(&mu[..], &Device::Cpu)
        .expect("mu")
        .reshape((1, 3))
        .expect("r");
    let lv: Vec<f32> = var.iter().map(|v| v.ln()).collect();
    let lv_t = Tensor::new(&lv[..], &Device::Cpu)
        .expect("lv")
        .reshape((1, 3))
        .expect("r");
    let closed = kl_to_standard_normal(&mu_t, &lv_t)
        .expect("kl")
        .to_vec1::<f32>()
        .expect("v")[0];
    let eps = normal(SAMPLES, 3).to_vec2::<f32>().expect("eps");
    let mut total = 0f64;
    for e in &eps {
        for j in 0..3 {
            let z = mu[j] + var[j].sqrt() * e[j];
            let log_q = -0.5 * (e[j] * e[j]) - 0.5 * var[j].ln();
            let log_p = -0.5 * z * z;
            total += (log_q - log_p) as f64;
        }
    }
    let mc = total / SAMPLES as f64;
    // ½ Σ (σ² + μ² − 1 − ln σ²), in Python:
    // 0.5*sum(v+m*m-1-math.log(v) for v,m in zip([0.5,2,0.1],[0.8,-0.3,1.7])) = 2.76129…
    assert!(
        (closed as f64 - 2.76129).abs() < 1e-4,
        "closed form {closed}"
    );
    assert!(
        (mc - closed as f64).abs() < 0.05,
        "Monte Carlo {mc} vs closed form {closed}"
    );
    let zero = Tensor::zeros((1, 3), DType::F32, &Device::Cpu).expect("z");
    let kl0 = kl_to_standard_normal(&zero, &zero)
        .expect("kl")
        .to_vec1::<f32>()
        .expect("v")[0];
    assert!(kl0.abs() < 1e-7);
}

/// Every tile of `grid` as a `[n, 1, s, s]` tensor in [0, 1].
fn tiles(grid: &ImageGrid, n: usize) -> Tensor {
    let s = grid.tile_width;
    let mut v = Vec::new();
    for i in 0..n {
        let t = grid.tile_image(i).expect("tile");
        v.extend(t.pixels.chunks(3).map(|p| p[0] as f32 / 255.0));
    }
    Tensor::from_vec(v, (n, 1, s, s), &Device::Cpu).expect("tiles")
}

fn images(result: LabResult) -> (ImageGrid, Vec<Vec<f32>>) {
    match result {
        LabResult::Images { grid, codes } => (grid, codes),
        other => panic!("expected images, not {other:?}"),
    }
}

#[test]
fn a_trained_vae_interpolates_between_its_ends_and_concepts_move_the_class() {
    let mut spec = autoencoder_default(AutoencoderKind::Vae).expect("built-in preset");
    spec.seed = 3;
    let spec = ExperimentSpec::Autoencoder(spec);
    let mut ae = experiments::build(&spec, &Device::Cpu).expect("build");
    for _ in 0..400 {
        ae.step(StepPart::Whole).expect("step");
    }
    let ends = ae
        .lab(&LabQuery::Latent(LatentQuery::Encode {
            slot: LabSlot::Sliders,
            images: vec![ImageRef::HeldOut(0), ImageRef::HeldOut(1)],
        }))
        .expect("encode");
    let (ends, end_codes) = images(ends);
    for spherical in [false, true] {
        let strip = ae
            .lab(&LabQuery::Latent(LatentQuery::Interpolate {
                a: ImageRef::HeldOut(0),
                b: ImageRef::HeldOut(1),
                steps: 6,
                spherical,
            }))
            .expect("interpolate");
        let (strip, codes) = images(strip);
        assert_eq!(codes.len(), 6);
        assert_eq!(strip.tile_image(0), ends.tile_image(0), "first end");
        assert_eq!(strip.tile_image(5), ends.tile_image(1), "last end");
        assert_ne!(strip.tile_image(2), ends.tile_image(0), "the middle moves");
        for (a, b) in codes[5].iter().zip(&end_codes[1]) {
            assert!((a - b).abs() < 1e-4);
        }
    }

    // A classifier of the digits judges what the concept "7" − "1" does to 1s.
    let (train, held_out) = latent_studio::data::glyph_digits::train_and_test(3);
    let mut classifier = Classifier::new(28, 1, 10, 3, &Device::Cpu).expect("classifier");
    classifier
        .train(&train, 300, 3, &Device::Cpu)
        .expect("train");
    assert!(
        classifier
            .accuracy(&held_out, 500, &Device::Cpu)
            .expect("acc")
            > 0.8
    );
    let ones: Vec<usize> = {
        let spec_held = match &spec {
            ExperimentSpec::Autoencoder(s) => s.data.load(s.seed).expect("data").1,
            _ => unreachable!(),
        };
        (0..spec_held.len())
            .filter(|&i| spec_held.label(i) == Some(1))
            .take(12)
            .collect()
    };
    assert!(ones.len() >= 8);
    let mut sevens = [0usize; 2];
    for &i in &ones {
        let row = ae
            .lab(&LabQuery::Latent(LatentQuery::Concept {
                plus: Selection::Label(7),
                minus: Selection::Label(1),
                base: ImageRef::HeldOut(i),
                strengths: vec![0.0, 1.0],
            }))
            .expect("concept");
        let (grid, _) = images(row);
        let pred = classifier.predict(&tiles(&grid, 2)).expect("predict");
        for (k, p) in pred.iter().enumerate() {
            sevens[k] += (*p == 7) as usize;
        }
    }
    assert!(
        sevens[1] >= sevens[0] + ones.len() / 2,
        "7s among {} decoded 1s: {} before, {} after adding the concept",
        ones.len(),
        sevens[0],
        sevens[1]
    );
}

#[test]
fn the_worker_answers_the_lab_after_a_run_ends_and_from_a_run_folder_and_refuses_a_2d_gan() {
    let worker = WorkerHandle::spawn(WorkerConfig {
        threads: 1,
        ..WorkerConfig::default()
    })
    .expect("spawn");
    let mut spec = autoencoder_default(AutoencoderKind::Plain).expect("built-in preset");
    spec.schedule.steps = 3;
    let start = |spec: ExperimentSpec| {
        assert!(worker.send(Command::Start {
            spec: Box::new(spec),
            options: RunOptions::default(),
        }));
    };
    start(ExperimentSpec::Autoencoder(spec));
    wait_for(&worker, Duration::from_secs(60), |e| {
        matches!(e, Event::Ended(_))
    });
    assert!(
        worker.send(Command::Lab(LabQuery::Latent(LatentQuery::Prior {
            count: 4,
            seed: 1
        })))
    );
    assert!(worker.send(Command::Lab(LabQuery::Latent(LatentQuery::Map {
        max_points: 50,
        thumbs: 5
    }))));
    let Event::Lab(answer) = wait_for(&worker, Duration::from_secs(30), |e| {
        matches!(e, Event::Lab(_))
    }) else {
        unreachable!()
    };
    assert_eq!(answer.slot, LabSlot::Prior);
    let (grid, codes) = images(answer.result.expect("prior samples"));
    assert_eq!((codes.len(), grid.tile_width), (4, 28));
    let Event::Lab(answer) = wait_for(&worker, Duration::from_secs(30), |e| {
        matches!(e, Event::Lab(_))
    }) else {
        unreachable!()
    };
    let Ok(LabResult::Map(map)) = answer.result else {
        panic!("expected a map: {answer:?}")
    };
    assert_eq!((map.codes.len(), map.thumbs.len(), map.dim), (50, 5, 16));
    assert!(map.labels.iter().all(|l| l.is_some_and(|l| l < 10)));

    // A run folder alone is enough: opened, its model answers the lab.
    let dir = tempfile::tempdir().expect("dir");
    let folder = dir.path().join("ae");
    let mut spec = autoencoder_default(AutoencoderKind::Vae).expect("built-in preset");
    spec.schedule.steps = 2;
    assert!(worker.send(Command::Start {
        spec: Box::new(ExperimentSpec::Autoencoder(spec)),
        options: RunOptions {
            out_dir: Some(folder.clone()),
            start_paused: false,
        },
    }));
    wait_for(&worker, Duration::from_secs(60), |e| {
        matches!(e, Event::Ended(_))
    });
    assert!(worker.send(Command::open_run(folder)));
    wait_for(&worker, Duration::from_secs(60), |e| {
        matches!(e, Event::Paused { .. })
    });
    assert!(
        worker.send(Command::Lab(LabQuery::Latent(LatentQuery::Interpolate {
            a: ImageRef::HeldOut(0),
            b: ImageRef::HeldOut(1),
            steps: 3,
            spherical: true,
        })))
    );
    let Event::Lab(answer) = wait_for(&worker, Duration::from_secs(30), |e| {
        matches!(e, Event::Lab(_))
    }) else {
        unreachable!()
    };
    assert_eq!(answer.slot, LabSlot::Interpolation);
    assert_eq!(images(answer.result.expect("strip")).1.len(), 3);

    start(latent_studio::presets::default_spec().expect("built-in preset"));
    wait_for(&worker, Duration::from_secs(30), |e| {
        matches!(e, Event::Started(_))
    });
    assert!(
        worker.send(Command::Lab(LabQuery::Latent(LatentQuery::Prior {
            count: 4,
            seed: 1
        })))
    );
    let Event::Lab(answer) = wait_for(&worker, Duration::from_secs(30), |e| {
        matches!(e, Event::Lab(_))
    }) else {
        unreachable!()
    };
    let err = answer.result.expect_err("a 2-D GAN has no lab");
    assert!(err.contains("no latent space"), "{err}");
}

#[test]
fn the_cli_writes_a_held_out_elbo_that_improves() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("vae");
    let status = Process::new(env!("CARGO_BIN_EXE_latent-studio"))
        .env("RAYON_NUM_THREADS", "2")
        .args([
            "train",
            "vae_glyphs",
            "--steps",
            "200",
            "--set",
            "eval.every=100",
            "--out",
        ])
        .arg(&out)
        .status()
        .expect("run");
    assert!(status.success());
    let csv = std::fs::read_to_string(out.join("metrics.csv")).expect("metrics");
    let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "val_elbo")
        .expect("val_elbo column");
    let elbo: Vec<f64> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(col).and_then(|v| v.parse().ok()))
        .collect();
    assert!(elbo.len() >= 3, "{elbo:?}");
    let (first, last) = (elbo[0], elbo[elbo.len() - 1]);
    assert!(
        first < 0.0 && last < 0.0,
        "an ELBO of binary-ish images is negative: {elbo:?}"
    );
    assert!(last > first + 150.0, "held-out ELBO {first} → {last}");
    assert!(out.join("checkpoint.safetensors").is_file());
}

#[test]
fn channels_last_feature_maps_give_the_channels_first_results() {
    // Encoder and decoder compute with channels-last maps; channels first they must
    // give the same codes, logits and gradients (forward values tightly, gradients as
    // a whole: a ReLU input rounded across zero changes single terms).
    use candle_core::Var;
    use latent_studio::experiments::autoencoder::nets::{Decoder, Encoder};
    use latent_studio::nn::conv_layout::Layout;
    use latent_studio::nn::params::ParamStore;
    use rand::SeedableRng;
    let spec = autoencoder_default(AutoencoderKind::Vae).expect("built-in preset");
    let (dev, mut params) = (Device::Cpu, ParamStore::new());
    let mut rng = latent_studio::nn::rng::SeededRng::seed_from_u64(5);
    let enc = Encoder::new(&spec, true, &mut params, &mut rng, &dev).expect("encoder");
    let dec = Decoder::new(&spec, &mut params, &mut rng, &dev).expect("decoder");
    let s = spec.data.image_size;
    let x = crate::common::numeric::seq(6 * s * s, 0.37, DType::F32, &[6, 1, s, s]);
    let x = Var::from_tensor(&((x + 1.0).expect("x") * 0.5).expect("x")).expect("x");
    let run = |enc: &Encoder, dec: &Decoder| {
        let (mu, log_var) = enc.forward(&x).expect("encode");
        let log_var = log_var.expect("log variance");
        let logits = dec.forward(&(&mu + &log_var).expect("z")).expect("decode");
        let loss = (logits.sqr().and_then(|t| t.sum_all()))
            .and_then(|l| l + mu.sqr()?.sum_all()?)
            .expect("loss");
        (mu, logits, loss.backward().expect("backward"))
    };
    let (mu, logits, grads) = run(&enc, &dec);
    let enc = enc.with_feature_layout(Layout::ChannelsFirst);
    let dec = dec.with_feature_layout(Layout::ChannelsFirst);
    let (mu_f, logits_f, grads_f) = run(&enc, &dec);
    use crate::common::numeric::{gradient_gap, max_abs, max_diff};
    assert!(max_diff(&mu, &mu_f) < 1e-5 * (1.0 + max_abs(&mu)));
    assert!(max_diff(&logits, &logits_f) < 1e-5 * (1.0 + max_abs(&logits)));
    let mut vars = params.vars_with_prefix("");
    vars.push(x.clone());
    let (diff, total) = gradient_gap(&vars, &grads, &grads_f);
    assert!(diff < 1e-4 * total, "gradients differ by {diff} of {total}");
}

/// The binarised preset from the CLI: its last row has −log p(x) by the
/// importance-weighted bound below the negative ELBO of the same held-out images
/// (a tighter bound), and its prior samples measured for quality and copies.
#[test]
fn the_binarised_vae_scores_a_tighter_bound_and_its_prior_samples() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("vae");
    let status = Process::new(env!("CARGO_BIN_EXE_latent-studio"))
        .env("RAYON_NUM_THREADS", "2")
        .args(["train", "vae_glyphs_binarised", "--steps", "150"])
        .args(["--set", "eval.images=100", "--set", "eval.iwae_images=100"])
        .args([
            "--set",
            "eval.iwae_samples=50",
            "--set",
            "quality.samples=200",
        ])
        .arg("--out")
        .arg(&out)
        .status()
        .expect("run");
    assert!(status.success());
    let csv = std::fs::read_to_string(out.join("metrics.csv")).expect("metrics");
    let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    let last: Vec<&str> = csv.lines().last().expect("row").split(',').collect();
    let value = |name: &str| -> f64 {
        let col = header.iter().position(|h| *h == name).expect(name);
        last[col]
            .parse()
            .unwrap_or_else(|_| panic!("{name}: {:?}", last[col]))
    };
    let (iwae, elbo) = (value("val_nll_iwae"), value("val_elbo"));
    assert!(
        iwae > 0.0 && iwae < -elbo,
        "IWAE −log p(x) {iwae} against −ELBO {}",
        -elbo
    );
    assert!(value("iwae_seconds") > 0.0);
    for name in ["precision", "recall"] {
        assert!((0.0..=1.0).contains(&value(name)), "{name}");
    }
    assert!(value("frechet_distance") > 0.0);
    assert!((0.0..=100.0).contains(&value("copied_pct")));
}
