//! Exact resume, for every architecture that trains: 2·N steps straight against N
//! steps, a checkpoint written to disk, a fresh experiment built from it, and N
//! more. The steps' metrics and the evaluations must be the same — bit for bit: the
//! optimisers' averages, the random generators, counters and stream positions all
//! travel in the checkpoint. (The same compute threads on both sides, so the same
//! sums in the same order.)

use candle_core::Device;
use latent_studio::experiments::checkpoint;
use latent_studio::experiments::{self, Experiment, ExperimentSpec, Metrics, StepPart};
use latent_studio::presets;

/// A built-in preset made small with `sets`.
fn preset(file: &str, sets: &[&str]) -> ExperimentSpec {
    let p = presets::built_in()
        .find(|p| p.file == file)
        .unwrap_or_else(|| panic!("no preset {file}"));
    let mut spec = p.spec().expect("parses");
    for s in sets {
        spec.set(s).unwrap_or_else(|e| panic!("{file}: {s}: {e}"));
    }
    spec
}

/// `n` steps' metrics, then an evaluation (as the loop does at a logged row).
fn steps(exp: &mut dyn Experiment, n: usize) -> (Vec<Metrics>, Metrics) {
    let metrics = (0..n)
        .map(|_| exp.step(StepPart::Whole).expect("step"))
        .collect();
    (metrics, exp.evaluate().expect("evaluate"))
}

/// Checks that `spec` continued from a checkpoint after `n` steps takes the steps
/// the uninterrupted run takes.
fn resumes_exactly(spec: ExperimentSpec, n: usize) {
    let dev = Device::Cpu;
    let name = spec.architecture().to_string();
    let mut straight = experiments::build(&spec, &dev).expect("build");
    let (first_half, first_eval) = steps(straight.as_mut(), n);
    let (second_half, _) = steps(straight.as_mut(), n);
    let straight_final = straight.evaluate_final().expect("final");

    let mut stopped = experiments::build(&spec, &dev).expect("build");
    let (again, again_eval) = steps(stopped.as_mut(), n);
    assert_eq!(again, first_half, "{name}: the same seed, the same steps");
    assert_eq!(again_eval, first_eval, "{name}");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("checkpoint.safetensors");
    let state = stopped.train_state().expect("state");
    checkpoint::save_resumable(&path, &stopped.spec(), n as u64, &stopped.tensors(), &state)
        .expect("save");
    drop(stopped);

    let ckpt = checkpoint::load(&path, &dev).expect("load");
    let state = ckpt.state.as_ref().expect("a resumable checkpoint");
    let mut continued = experiments::build(&ckpt.spec, &dev).expect("build");
    continued.load_tensors(&ckpt.tensors).expect("weights");
    continued.load_train_state(state).expect("state");
    let (continued_half, _) = steps(continued.as_mut(), n);
    assert_eq!(
        continued_half, second_half,
        "{name}: continued as if never stopped"
    );
    assert_eq!(
        continued.evaluate_final().expect("final"),
        straight_final,
        "{name}"
    );

    // Weights alone are not enough: without the state the run goes elsewhere.
    let mut weights_only = experiments::build(&ckpt.spec, &dev).expect("build");
    weights_only.load_tensors(&ckpt.tensors).expect("weights");
    let (fresh_half, _) = steps(weights_only.as_mut(), n);
    assert_ne!(fresh_half, second_half, "{name}: the state matters");
}

#[test]
fn the_2d_gan_resumes_exactly() {
    resumes_exactly(preset("gan2d_ring.toml", &["train.batch_size=64"]), 4);
}

#[test]
fn the_2d_gan_with_every_cure_resumes_exactly() {
    // WGAN-GP, minibatch std, unrolled D and instance noise (its schedule's count
    // travels in the checkpoint).
    resumes_exactly(
        preset(
            "gan2d_grid.toml",
            &[
                "train.batch_size=64",
                "train.loss=\"wgan_gp\"",
                "train.minibatch_std=true",
                "train.unrolled_steps=2",
                "train.instance_noise=0.5",
                "train.instance_noise_steps=6",
            ],
        ),
        3,
    );
}

#[test]
fn the_2d_gan_with_sgd_resumes_exactly() {
    resumes_exactly(
        preset(
            "gan2d_spiral.toml",
            &["train.batch_size=64", "train.optimizer=\"sgd\""],
        ),
        3,
    );
}

#[test]
fn dcgan_resumes_exactly() {
    resumes_exactly(
        preset(
            "dcgan_glyphs.toml",
            &["train.batch_size=8", "quality.every=0"],
        ),
        3,
    );
}

#[test]
fn wgan_with_rmsprop_and_clipping_resumes_exactly() {
    resumes_exactly(
        preset(
            "wgan_glyphs.toml",
            &["train.batch_size=8", "quality.every=0"],
        ),
        3,
    );
}

#[test]
fn wgan_gp_resumes_exactly() {
    resumes_exactly(
        preset(
            "wgan_gp_glyphs.toml",
            &["train.batch_size=8", "quality.every=0"],
        ),
        2,
    );
}

#[test]
fn the_vae_resumes_exactly_with_its_kl_warm_up_and_rate_schedule() {
    // The rate warms up over 2 steps and decays along a cosine over the run's 6.
    resumes_exactly(
        preset(
            "vae_glyphs.toml",
            &[
                "train.batch_size=8",
                "train.kl_warmup=10",
                "eval.every=2",
                "schedule.steps=6",
                "train.lr_warmup=2",
            ],
        ),
        3,
    );
}

#[test]
fn the_denoising_autoencoder_resumes_exactly() {
    resumes_exactly(
        preset("dae_glyphs.toml", &["train.batch_size=8", "eval.every=2"]),
        3,
    );
}

#[test]
fn the_character_model_resumes_exactly_in_its_text_streams() {
    resumes_exactly(
        preset(
            "char_lstm_source.toml",
            &[
                "model.hidden=32",
                "model.embedding=16",
                "train.batch_size=4",
                "train.seq_len=16",
                "eval.chars=400",
                "eval.every=2",
            ],
        ),
        4,
    );
}

#[test]
fn pixelcnn_resumes_exactly() {
    resumes_exactly(
        preset(
            "pixelcnn_glyphs.toml",
            &[
                "model.blocks=1",
                "model.channels=8",
                "train.batch_size=4",
                "eval.every=2",
            ],
        ),
        3,
    );
}

#[test]
fn independent_pixels_resume_exactly() {
    resumes_exactly(
        preset(
            "independent_pixels_glyphs.toml",
            &["train.batch_size=8", "eval.every=2"],
        ),
        3,
    );
}

#[test]
fn style_transfer_resumes_exactly_with_lbfgs_and_with_adam() {
    resumes_exactly(preset("style_transfer.toml", &["pictures.size=32"]), 3);
    resumes_exactly(
        preset(
            "style_transfer.toml",
            &["pictures.size=32", "optimise.optimiser=\"adam\""],
        ),
        3,
    );
}

#[test]
fn deep_dream_resumes_exactly_in_its_jitter() {
    resumes_exactly(
        preset(
            "deep_dream.toml",
            &["size=32", "dream.octaves=1", "dream.jitter=4"],
        ),
        3,
    );
}

#[test]
fn the_sentence_vae_resumes_exactly_in_its_order_dropout_and_noise() {
    resumes_exactly(
        preset(
            "sentence_vae_grammar.toml",
            &[
                "data.sentences=300",
                "model.hidden=16",
                "model.embedding=8",
                "train.batch_size=8",
                "eval.sentences=40",
                "eval.every=2",
            ],
        ),
        4,
    );
}

#[test]
fn the_fast_style_network_resumes_exactly() {
    resumes_exactly(
        preset(
            "fast_style_mosaic.toml",
            &[
                "content.size=40",
                "content.count=8",
                "compare.pictures=0",
                "content.held_out=1",
                "model.width=4",
                "model.blocks=1",
                "train.batch_size=2",
            ],
        ),
        3,
    );
}
