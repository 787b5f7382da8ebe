//! Image GANs: the three games build from their presets, train, draw a gallery,
//! checkpoint their batch-norm statistics, and refuse specs that cannot work.

use crate::common::numeric::{gradient_gap, max_abs, max_diff};
use candle_core::Device;
use latent_studio::experiments::checkpoint;
use latent_studio::experiments::{self, ExperimentSpec, StepPart};
use latent_studio::presets;
use latent_studio::view::View;

fn preset(name: &str) -> ExperimentSpec {
    let p = presets::built_in()
        .find(|p| p.file == name)
        .expect("preset");
    let mut spec = p.spec().expect("parses");
    spec.set("train.batch_size=16").expect("batch");
    spec
}

fn grid(view: View) -> latent_studio::view::ImageGrid {
    match view {
        View::Images(g) => g,
        other => panic!("expected images, got {other:?}"),
    }
}

#[test]
fn dcgan_discriminator_learns_to_tell_real_from_fake() {
    let mut exp = experiments::build(&preset("dcgan_glyphs.toml"), &Device::Cpu).expect("build");
    let mut first = None;
    let mut last = None;
    for _ in 0..12 {
        let m = exp.step(StepPart::Discriminator).expect("step");
        let get = |k: &str| {
            m.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| *v)
                .expect("metric")
        };
        let gap = get("d_real") - get("d_fake");
        first.get_or_insert(gap);
        last = Some(gap);
    }
    let (first, last) = (first.expect("first"), last.expect("last"));
    assert!(
        last > first + 0.2,
        "D(x) − D(G(z)) should open up: {first} → {last}"
    );
    let m = exp.step(StepPart::Whole).expect("whole step");
    let names: Vec<&str> = m.iter().map(|(n, _)| *n).collect();
    for want in ["d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm"] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    assert!(m.iter().all(|(_, v)| v.is_finite()));
    let g = grid(exp.view(13).expect("view"));
    assert_eq!((g.cols, g.rows, g.tile_width), (8, 8, 28));
    assert_eq!((g.image.width, g.image.height), (8 * 29 + 1, 8 * 29 + 1));
    // New noise changes the gallery; the weights did not change.
    exp.new_view_noise().expect("new noise");
    assert_ne!(grid(exp.view(13).expect("view")).image, g.image);
}

#[test]
fn wasserstein_games_report_their_estimates() {
    for (file, has_gp) in [("wgan_glyphs.toml", false), ("wgan_gp_glyphs.toml", true)] {
        let mut spec = preset(file);
        spec.set("train.d_steps=2").expect("d_steps");
        let mut exp = experiments::build(&spec, &Device::Cpu).expect("build");
        let m = exp.step(StepPart::Whole).expect("step");
        let get = |k: &str| m.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
        assert!(
            get("wasserstein").is_some_and(f64::is_finite),
            "{file}: {m:?}"
        );
        assert_eq!(get("gradient_penalty").is_some(), has_gp, "{file}: {m:?}");
        if let Some(gp) = get("gradient_penalty") {
            assert!(gp >= 0.0);
        }
    }
}

#[test]
fn weight_clipping_keeps_the_critic_inside_the_clip() {
    let mut spec = preset("wgan_glyphs.toml");
    spec.set("train.lr_d=0.01").expect("big steps");
    let mut exp = experiments::build(&spec, &Device::Cpu).expect("build");
    exp.step(StepPart::Discriminator).expect("step");
    for (name, t) in exp.tensors() {
        if name.starts_with("d.") && !name.contains("running") {
            let max = t
                .abs()
                .and_then(|a| a.flatten_all()?.max(0)?.to_scalar::<f32>())
                .expect("max");
            assert!(max <= 0.01 + 1e-7, "{name}: {max}");
        }
    }
}

#[test]
fn other_sizes_and_the_odd_kernel_build_and_step() {
    for sets in [
        ["data.image_size=64", "model.kernel=4"],
        ["data.image_size=32", "model.kernel=3"],
    ] {
        let mut spec = preset("dcgan_glyphs.toml");
        for s in sets {
            spec.set(s).expect("set");
        }
        spec.set("train.batch_size=4").expect("batch");
        let mut exp = experiments::build(&spec, &Device::Cpu).expect("build");
        exp.step(StepPart::Whole).expect("step");
        let g = grid(exp.view(1).expect("view"));
        let side: usize = sets[0]
            .trim_start_matches("data.image_size=")
            .parse()
            .expect("size");
        assert_eq!(g.tile_width, side, "{sets:?}");
    }
}

#[test]
fn a_checkpoint_restores_weights_and_batch_norm_statistics() {
    let spec = preset("dcgan_glyphs.toml");
    let dev = Device::Cpu;
    let mut trained = experiments::build(&spec, &dev).expect("build");
    for _ in 0..3 {
        trained.step(StepPart::Whole).expect("step");
    }
    let names: Vec<String> = trained.tensors().into_iter().map(|(n, _)| n).collect();
    assert!(names.iter().any(|n| n == "g.bn0.running_mean"), "{names:?}");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("c.safetensors");
    checkpoint::save(&path, &trained.spec(), 3, &trained.tensors()).expect("save");
    let ckpt = checkpoint::load(&path, &dev).expect("load");
    let mut restored = experiments::build(&ckpt.spec, &dev).expect("build");
    restored.load_tensors(&ckpt.tensors).expect("load");
    for ((n, a), (_, b)) in trained.tensors().into_iter().zip(restored.tensors()) {
        let diff = (a - b)
            .and_then(|d| d.abs()?.flatten_all()?.max(0)?.to_scalar::<f32>())
            .expect("diff");
        assert_eq!(diff, 0.0, "{n}");
    }
    assert_eq!(
        grid(trained.view(3).expect("v")).image,
        grid(restored.view(3).expect("v")).image
    );
}

#[test]
fn specs_that_cannot_work_are_refused_with_a_reason() {
    let mut spec = preset("wgan_gp_glyphs.toml");
    let err = spec.set("model.d_batch_norm=true").expect_err("bn with gp");
    assert!(err.to_string().contains("d_batch_norm"), "{err}");
    let err = spec.set("data.image_size=30").expect_err("size");
    assert!(err.to_string().contains("28, 32 or 64"), "{err}");
    let err = spec.set("data.channels=3").expect_err("colour digits");
    assert!(err.to_string().contains("folder"), "{err}");
    let mut idx = preset("dcgan_glyphs.toml");
    idx.set("data.source=idx").expect_err("idx needs a path");
    idx.set("data.path=/no/such/folder").expect("path");
    idx.set("data.source=idx").expect("now valid");
    let err = experiments::build(&idx, &Device::Cpu)
        .err()
        .expect("missing folder");
    assert!(err.to_string().contains("/no/such/folder"), "{err}");
}

#[test]
fn a_detached_discriminator_passes_the_same_gradient_to_g_and_computes_none_for_itself() {
    use latent_studio::experiments::image_gan::nets::{Discriminator, Generator, Mode};
    use latent_studio::nn::params::ParamStore;
    use rand::SeedableRng;
    let spec =
        presets::image_gan_default(latent_studio::experiments::image_gan::spec::GanLoss::Gan)
            .expect("built-in preset");
    let (dev, mut params) = (Device::Cpu, ParamStore::new());
    let mut rng = latent_studio::nn::rng::SeededRng::seed_from_u64(7);
    let g = Generator::new(&spec, &mut params, &mut rng, &dev).expect("G");
    let d = Discriminator::new(&spec, &mut params, &mut rng, &dev).expect("D");
    let z = crate::common::numeric::normal(8, &[8, spec.model.latent_dim]);
    let images = g.forward(&z, Mode::Train).expect("images");
    let running = |params: &ParamStore| -> Vec<f32> {
        let (_, t) = (params.tensors().into_iter())
            .find(|(n, _)| n == "d.bn1.running_mean")
            .expect("running mean");
        t.to_vec1().expect("values")
    };
    let before = running(&params);
    let attached = d.forward(&images, Mode::Train, None).expect("D");
    let after_attached = running(&params);
    let detached = d
        .detached()
        .forward(&images, Mode::Train, None)
        .expect("detached D");
    let after_detached = running(&params);
    // The same logits, and the shared running statistics moved by both passes.
    assert!(max_diff(&attached, &detached) < 1e-6);
    assert_ne!(before, after_attached);
    assert_ne!(after_attached, after_detached);
    let (ga, gd) = (
        attached.sum_all().and_then(|t| t.backward()).expect("bwd"),
        detached.sum_all().and_then(|t| t.backward()).expect("bwd"),
    );
    for v in params.vars_with_prefix("g.") {
        let (a, b) = (ga.get(&v).expect("G grad"), gd.get(&v).expect("G grad"));
        let (diff, scale) = (max_diff(a, b), max_abs(a));
        assert!(diff <= 1e-5 * scale.max(1e-6), "{diff} vs {scale}");
    }
    for v in params.vars_with_prefix("d.") {
        assert!(ga.get(&v).is_some(), "attached D gets gradients");
        assert!(gd.get(&v).is_none(), "detached D gets none");
    }
}

#[test]
fn channels_last_feature_maps_give_the_channels_first_results() {
    // G and D compute with channels-last feature maps; with channels-first ones they
    // must give the same images, logits and gradients (up to rounding), for the
    // benchmark's shape and for three stages of RGB with dropout.
    use latent_studio::experiments::image_gan::nets::{Discriminator, Generator, Mode};
    use latent_studio::nn::conv_layout::Layout;
    use latent_studio::nn::params::ParamStore;
    use rand::SeedableRng;
    let mut rgb =
        presets::image_gan_default(latent_studio::experiments::image_gan::spec::GanLoss::Gan)
            .expect("built-in preset");
    rgb.data.image_size = 64;
    rgb.data.channels = 3;
    rgb.model.d_dropout = 0.3;
    let specs = [
        presets::image_gan_default(latent_studio::experiments::image_gan::spec::GanLoss::Gan)
            .expect("built-in preset"),
        rgb,
    ];
    for spec in specs {
        let (dev, mut params) = (Device::Cpu, ParamStore::new());
        let mut rng = latent_studio::nn::rng::SeededRng::seed_from_u64(3);
        let g = Generator::new(&spec, &mut params, &mut rng, &dev).expect("G");
        let d = Discriminator::new(&spec, &mut params, &mut rng, &dev).expect("D");
        let z = crate::common::numeric::normal(5, &[6, spec.model.latent_dim]);
        let run = |g: &Generator, d: &Discriminator| {
            let images = g.forward(&z, Mode::Train).expect("images");
            let mut drop = latent_studio::nn::rng::SeededRng::seed_from_u64(9);
            let logits = d
                .forward(&images, Mode::Train, Some(&mut drop))
                .expect("logits");
            let grads = logits
                .sqr()
                .and_then(|t| t.sum_all())
                .and_then(|t| t.backward());
            (images, logits, grads.expect("backward"))
        };
        let (images, logits, grads) = run(&g, &d);
        // The same networks (the same parameters), channels first.
        let g = g.with_feature_layout(Layout::ChannelsFirst);
        let d = d.with_feature_layout(Layout::ChannelsFirst);
        let (images_f, logits_f, grads_f) = run(&g, &d);
        assert_eq!(images.dims(), images_f.dims());
        assert!(max_diff(&images, &images_f) < 1e-5);
        assert!(max_diff(&logits, &logits_f) < 1e-4 * (1.0 + max_abs(&logits)));
        // Gradients as a whole, relative to their size. They are not continuous: a
        // ReLU input that rounding puts on the other side of zero changes terms
        // outright, and batch norm spreads the change over its channel. Measured over
        // 100 latent draws, the channels-first path against itself with z scaled by
        // (1 + 3e-7) differs by up to 6.1e-3 of the norm, and channels-last against
        // channels-first by up to 3.4e-3 (more than 1e-4 in about one draw in ten);
        // a layout mistake changes the gradients by their own size.
        let (diff, total) = gradient_gap(&params.vars_with_prefix(""), &grads, &grads_f);
        assert!(diff < 3e-2 * total, "gradients differ by {diff} of {total}");
    }
}
