//! Checkpoints round-trip exactly, and foreign files are refused with a message.

use candle_core::Device;
use latent_studio::experiments::checkpoint;
use latent_studio::experiments::{self, StepPart};
use latent_studio::presets;
use latent_studio::view::View;

fn fake_points(view: View) -> Vec<[f32; 2]> {
    let View::Gan2d(v) = view else {
        panic!("a 2-D view")
    };
    v.fake
}

#[test]
fn a_loaded_checkpoint_gives_identical_outputs() {
    let dev = Device::Cpu;
    let spec = presets::default_spec().expect("built-in preset");
    let mut trained = experiments::build(&spec, &dev).expect("build");
    for _ in 0..20 {
        trained.step(StepPart::Whole).expect("step");
    }
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("ckpt.safetensors");
    checkpoint::save(&path, &trained.spec(), 20, &trained.tensors()).expect("save");

    let ckpt = checkpoint::load(&path, &dev).expect("load");
    assert_eq!(ckpt.step, 20);
    assert_eq!(ckpt.spec, spec);
    // A fresh model of the same spec (same seed, so the same fixed view noise) is
    // untrained: its outputs differ until the checkpoint is loaded.
    let mut restored = experiments::build(&ckpt.spec, &dev).expect("build");
    let want = fake_points(trained.view(20).expect("view"));
    assert_ne!(fake_points(restored.view(0).expect("view")), want);
    restored.load_tensors(&ckpt.tensors).expect("load tensors");
    assert_eq!(fake_points(restored.view(20).expect("view")), want);
    assert_eq!(
        trained.evaluate().expect("eval"),
        restored.evaluate().expect("eval")
    );
}

#[test]
fn a_checkpoint_of_another_shape_is_refused_by_name_and_changes_nothing() {
    let dev = Device::Cpu;
    let spec = presets::default_spec().expect("built-in preset");
    let small = {
        let mut s = spec.clone();
        s.set("model.g_hidden=[16]").expect("set");
        s
    };
    let src = experiments::build(&small, &dev).expect("build");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("small.safetensors");
    checkpoint::save(&path, &small, 0, &src.tensors()).expect("save");
    let ckpt = checkpoint::load(&path, &dev).expect("load");
    let mut target = experiments::build(&spec, &dev).expect("build");
    let before = fake_points(target.view(0).expect("view"));
    let err = target
        .load_tensors(&ckpt.tensors)
        .expect_err("shape mismatch");
    let msg = err.to_string();
    assert!(
        msg.contains("g.0.weight") || msg.contains("g.1.weight") || msg.contains("g.2"),
        "{msg}"
    );
    assert_eq!(
        fake_points(target.view(0).expect("view")),
        before,
        "nothing was loaded"
    );
}

#[test]
fn files_that_are_not_checkpoints_get_a_message_naming_them() {
    let dev = Device::Cpu;
    let dir = tempfile::tempdir().expect("dir");
    let garbage = dir.path().join("garbage.safetensors");
    std::fs::write(&garbage, b"definitely not safetensors").expect("write");
    let err = checkpoint::load(&garbage, &dev)
        .err()
        .expect("garbage refused")
        .to_string();
    assert!(err.contains("garbage.safetensors"), "{err}");

    // A valid safetensors file without our metadata.
    let plain = dir.path().join("plain.safetensors");
    let t = candle_core::Tensor::zeros((2, 2), candle_core::DType::F32, &dev).expect("tensor");
    candle_core::safetensors::save(
        &std::collections::HashMap::from([("w".to_string(), t)]),
        &plain,
    )
    .expect("save");
    let err = checkpoint::load(&plain, &dev)
        .err()
        .expect("plain refused")
        .to_string();
    assert!(err.contains("not a Latent Studio checkpoint"), "{err}");

    let err = checkpoint::load(&dir.path().join("missing.safetensors"), &dev)
        .err()
        .expect("missing")
        .to_string();
    assert!(err.contains("missing.safetensors"), "{err}");
}
