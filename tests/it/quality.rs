//! The quality classifier learns the glyph digits and round-trips through a file.

use std::time::Instant;

use candle_core::Device;
use latent_studio::data::glyph_digits;
use latent_studio::quality::classifier::{Classifier, images_tensor};

#[test]
fn the_classifier_learns_glyph_digits_and_round_trips() {
    let dev = Device::Cpu;
    let train = glyph_digits::generate(5, 0, 6000, 28);
    let test = glyph_digits::generate(5, 6000, 1000, 28);
    let mut c = Classifier::new(28, 1, 10, 0, &dev).expect("new");
    let before = c.accuracy(&test, 1000, &dev).expect("acc");
    let t = Instant::now();
    c.train(&train, 300, 0, &dev).expect("train");
    let secs = t.elapsed().as_secs_f64();
    let after = c.accuracy(&test, 1000, &dev).expect("acc");
    eprintln!("classifier: accuracy {before:.3} → {after:.3} in {secs:.1} s");
    assert!(after > 0.9, "held-out accuracy {after}");
    assert!(before < 0.3, "untrained accuracy {before}");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("classifier.safetensors");
    c.save(&path).expect("save");
    let loaded = Classifier::load(&path, 28, 1, 10, &dev).expect("load");
    let x = images_tensor(&test, &[0, 1, 2, 3], &dev).expect("x");
    assert_eq!(c.predict(&x).expect("p"), loaded.predict(&x).expect("p"));
    let err = Classifier::load(&path, 32, 1, 10, &dev)
        .err()
        .expect("other size")
        .to_string();
    assert!(err.contains("image_size"), "{err}");
}
