//! Model cards: computed from a spec, they must name exactly the tensors a built
//! model has, with their shapes, so their parameter counts are the checkpoint's.

use candle_core::Device;
use latent_studio::experiments::{self, registry};
use latent_studio::presets;

#[test]
fn every_cards_tensors_are_the_built_models_checkpoint_tensors() {
    let mut checked = Vec::new();
    // A text of our own for the presets that learn the user's text.
    let dir = tempfile::tempdir().expect("dir");
    let text = dir.path().join("sentences.txt");
    let line = "The fox sleeps. A small bird sings under the old bridge! Does the cat wait? ";
    std::fs::write(&text, line.repeat(60)).expect("write");
    for p in presets::built_in() {
        let mut spec = p.spec().expect("parses");
        if p.file == "sentence_vae_text.toml" {
            spec.set(&format!("data.path=\"{}\"", text.display()))
                .expect("path");
        }
        let card = (registry::of(&spec).expect("registered").card)(&spec)
            .unwrap_or_else(|e| panic!("{}: {e}", p.file));
        let exp = experiments::build(&spec, &Device::Cpu).expect("build");
        let mut built: Vec<(String, Vec<usize>)> = exp
            .tensors()
            .into_iter()
            .map(|(n, t)| (n, t.dims().to_vec()))
            .collect();
        let mut named = card.tensors();
        built.sort();
        named.sort();
        assert_eq!(
            named, built,
            "{}: the card's tensors against the model's",
            p.file
        );
        let numbers: u64 = built
            .iter()
            .map(|(_, d)| d.iter().product::<usize>() as u64)
            .sum();
        let layers = card.networks.iter().flat_map(|n| &n.layers);
        assert_eq!(
            layers.map(|l| l.numbers()).sum::<u64>(),
            numbers,
            "{}",
            p.file
        );
        assert!(card.params() > 0 && card.params() <= numbers);
        assert!(card.step_flops() > 0 && card.sample_flops > 0, "{}", p.file);
        checked.push(p.file);
    }
    for wanted in [
        "gan2d_ring.toml",
        "dcgan_glyphs.toml",
        "wgan_gp_glyphs.toml",
        "char_lstm_source.toml",
    ] {
        assert!(
            checked.contains(&wanted),
            "{wanted} has a card: {checked:?}"
        );
    }
}

#[test]
fn the_2d_gans_card_counts_flops_by_hand_and_follows_its_settings() {
    let spec = presets::built_in()
        .find(|p| p.file == "gan2d_ring.toml")
        .expect("ring")
        .with(&[
            "model.g_hidden=[4]",
            "model.d_hidden=[3]",
            "train.batch_size=8",
            "train.minibatch_std=false",
        ])
        .expect("small");
    let card = (registry::of(&spec).expect("registered").card)(&spec).expect("card");
    // G: 2 -> 4 -> 2: (2·2·4 + 4) + (2·4·2 + 2) = 20 + 18; D: 2 -> 3 -> 1: 15 + 7.
    assert_eq!(card.networks[0].flops(), 38);
    assert_eq!(card.networks[1].flops(), 22);
    assert_eq!(card.sample_flops, 38);
    // One D update (G forward once, D on real and generated with backward: 6) and
    // G's update (3 each): 8·38·(1 + 3) + 8·22·(6 + 3).
    assert_eq!(card.step_flops(), 8 * 38 * 4 + 8 * 22 * 9);
    assert_eq!(card.params(), (2 * 4 + 4 + 4 * 2 + 2) + (2 * 3 + 3 + 3 + 1));
    // Packing and minibatch std widen D's input.
    let packed = presets::built_in()
        .find(|p| p.file == "gan2d_ring.toml")
        .unwrap()
        .with(&["train.pack=2", "train.minibatch_std=true"])
        .unwrap();
    let card = (registry::of(&packed).unwrap().card)(&packed).unwrap();
    assert_eq!(card.networks[1].input, vec![5]);
    assert_eq!(card.networks[1].batch, 128);
}
