//! The 2-D GAN's cures for mode collapse and its drawn data: each switch does what
//! its tooltip says, seen in the model's shapes, its weights and its metrics.

use candle_core::Device;
use latent_studio::experiments::{self, Experiment, ExperimentSpec, StepPart};
use latent_studio::presets;
use latent_studio::view::View;

/// The ring preset, small, with `sets`.
fn ring(sets: &[&str]) -> ExperimentSpec {
    let mut spec = presets::built_in()
        .find(|p| p.file == "gan2d_ring.toml")
        .expect("ring")
        .spec()
        .expect("parses");
    spec.set("train.batch_size=64").expect("batch");
    for s in sets {
        spec.set(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    spec
}

fn tensor(exp: &dyn Experiment, name: &str) -> Vec<f32> {
    let (_, t) = exp
        .tensors()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no tensor {name}"));
    t.flatten_all().unwrap().to_vec1::<f32>().unwrap()
}

fn first_weight(exp: &dyn Experiment, prefix: &str) -> (String, Vec<usize>) {
    let mut names: Vec<(String, Vec<usize>)> = exp
        .tensors()
        .into_iter()
        .filter(|(n, _)| n.starts_with(prefix) && n.ends_with("weight"))
        .map(|(n, t)| (n, t.dims().to_vec()))
        .collect();
    names.sort();
    names.into_iter().next().expect("a weight")
}

#[test]
fn minibatch_std_gives_d_one_more_input() {
    let plain =
        experiments::build(&ring(&["train.minibatch_std=false"]), &Device::Cpu).expect("build");
    let with =
        experiments::build(&ring(&["train.minibatch_std=true"]), &Device::Cpu).expect("build");
    let (name, a) = first_weight(plain.as_ref(), "d.");
    let (_, b) = first_weight(with.as_ref(), "d.");
    assert!(a.contains(&2) && b.contains(&3), "{name}: {a:?} then {b:?}");
    let mut with = with;
    for _ in 0..3 {
        let m = with.step(StepPart::Whole).expect("step");
        assert!(m.iter().all(|(_, v)| v.is_finite()), "{m:?}");
    }
    assert!(matches!(with.view(3).expect("view"), View::Gan2d(_)));
}

#[test]
fn unrolled_d_is_put_back_after_gs_update() {
    let mut exp =
        experiments::build(&ring(&["train.unrolled_steps=3"]), &Device::Cpu).expect("build");
    exp.step(StepPart::Whole).expect("a first step");
    let (d, _) = first_weight(exp.as_ref(), "d.");
    let (g, _) = first_weight(exp.as_ref(), "g.");
    let (d0, g0) = (tensor(exp.as_ref(), &d), tensor(exp.as_ref(), &g));
    exp.step(StepPart::Generator).expect("G's update alone");
    assert_eq!(tensor(exp.as_ref(), &d), d0, "the look-ahead is undone");
    assert_ne!(tensor(exp.as_ref(), &g), g0, "G moved");
    // Against D as it is now (no unrolling), G takes another step.
    let mut plain = experiments::build(&ring(&[]), &Device::Cpu).expect("build");
    plain.step(StepPart::Whole).expect("a first step");
    let m_plain = plain.step(StepPart::Generator).expect("G");
    let mut again =
        experiments::build(&ring(&["train.unrolled_steps=3"]), &Device::Cpu).expect("build");
    again.step(StepPart::Whole).expect("a first step");
    let m_unrolled = again.step(StepPart::Generator).expect("G");
    assert_ne!(m_plain, m_unrolled, "the look-ahead changes G's loss");
}

#[test]
fn the_wgan_gp_critic_trains_with_its_penalty_and_is_drawn_as_a_critic() {
    let mut exp =
        experiments::build(&ring(&["train.loss=\"wgan_gp\""]), &Device::Cpu).expect("build");
    let names = exp.metric_names();
    assert!(names.contains(&"gradient_penalty") && names.contains(&"wasserstein"));
    let mut penalties = Vec::new();
    for _ in 0..5 {
        let m = exp.step(StepPart::Whole).expect("step");
        let get = |k: &str| m.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
        let gp = get("gradient_penalty").expect("a penalty each step");
        assert!(gp.is_finite() && gp >= 0.0, "{m:?}");
        let w = get("wasserstein").expect("an estimate");
        let (r, f) = (get("d_real").unwrap(), get("d_fake").unwrap());
        assert!((w - (r - f)).abs() < 1e-9, "W = mean D(x) − mean D(G(z))");
        penalties.push(gp);
    }
    let View::Gan2d(view) = exp.view(5).expect("view") else {
        panic!("a 2-D view");
    };
    assert!(view.field_is_critic);
    assert!(view.field.values.iter().all(|v| v.is_finite()));
    // The critic's field is its raw score, not squeezed into [0, 1].
    let (lo, hi) = view
        .field
        .values
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    assert!(hi > lo, "a flat critic: {lo} {hi}");
}

#[test]
fn instance_noise_falls_to_zero_on_its_schedule() {
    let mut exp = experiments::build(
        &ring(&["train.instance_noise=0.4", "train.instance_noise_steps=4"]),
        &Device::Cpu,
    )
    .expect("build");
    assert!(exp.metric_names().contains(&"instance_noise"));
    let sigmas: Vec<f64> = (0..6)
        .map(|_| {
            let m = exp.step(StepPart::Whole).expect("step");
            m.iter().find(|(n, _)| *n == "instance_noise").expect("σ").1
        })
        .collect();
    let want = [0.4, 0.3, 0.2, 0.1, 0.0, 0.0];
    for (s, w) in sigmas.iter().zip(want) {
        assert!((s - w).abs() < 1e-9, "{sigmas:?}");
    }
}

#[test]
fn drawn_points_round_trip_through_the_config_and_their_modes_are_found() {
    // Three blobs "drawn" (sprayed in discs, as the brush does) far from the lab's
    // scale.
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let centres = [[10.0f32, 10.0], [14.0, 10.0], [12.0, 13.0]];
    let mut points = Vec::new();
    for c in centres {
        for _ in 0..200 {
            let t = rng.random::<f32>() * std::f32::consts::TAU;
            let d = 0.3 * rng.random::<f32>().sqrt();
            points.push([c[0] + d * t.cos(), c[1] + d * t.sin()]);
        }
    }
    let ExperimentSpec::Gan2d(mut spec) = ring(&[]) else {
        panic!("a 2-D GAN");
    };
    spec.data.distribution = latent_studio::data::toy2d::Toy2d::Points;
    spec.data.points = points.clone();
    let spec = ExperimentSpec::Gan2d(spec);
    let text = spec.to_toml().expect("toml");
    let back = ExperimentSpec::from_toml(&text).expect("parses");
    assert_eq!(back, spec, "the drawn points survive the config exactly");
    let view = latent_studio::experiments::gan2d::data::preview(&points, 0, 1);
    let mut found = view.modes.clone();
    assert_eq!(found.len(), 3, "{found:?}");
    found.sort_by(|a, b| a[0].total_cmp(&b[0]));
    for (f, c) in found.iter().zip([centres[0], centres[2], centres[1]]) {
        assert!((f[0] - c[0]).hypot(f[1] - c[1]) < 0.2, "{f:?} near {c:?}");
    }
    // And a run built from the config learns them (its census counts three modes).
    let mut exp = experiments::build(&back, &Device::Cpu).expect("build");
    exp.step(StepPart::Whole).expect("step");
    let View::Gan2d(v) = exp.view(1).expect("view") else {
        panic!("a 2-D view");
    };
    assert_eq!(v.modes.len(), 3);
}
