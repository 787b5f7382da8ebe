//! The quality classifier learns the glyph digits and round-trips through a file;
//! the probe catches a generator that hands back its training images.

use std::time::Instant;

use candle_core::Device;
use latent_studio::data::glyph_digits;
use latent_studio::quality::classifier::{Classifier, images_tensor};
use latent_studio::quality::probe::QualityProbe;

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

/// A "generator" that hands back training images is caught copying; fresh digits
/// of the same kind score about the held-out images' own 5%.
#[test]
fn training_images_handed_back_count_as_copies_and_fresh_digits_do_not() {
    let dev = Device::Cpu;
    let train = glyph_digits::generate(9, 0, 4000, 28);
    let held_out = glyph_digits::generate(9, 4000, 1000, 28);
    let probe = QualityProbe::new(&train, &held_out, None, 9, &dev).expect("probe");
    let copies: Vec<usize> = (0..500).map(|i| i * 7).collect();
    let copied = probe
        .measure(&images_tensor(&train, &copies, &dev).expect("x"))
        .expect("measure");
    let fresh_set = glyph_digits::generate(9, 5000, 500, 28);
    let all: Vec<usize> = (0..500).collect();
    let fresh = probe
        .measure(&images_tensor(&fresh_set, &all, &dev).expect("x"))
        .expect("measure");
    eprintln!(
        "copied_pct: training images {:.1}, fresh digits {:.1}",
        copied.copied_pct, fresh.copied_pct
    );
    assert!(copied.copied_pct > 95.0, "copies: {}", copied.copied_pct);
    assert!(fresh.copied_pct < 12.0, "fresh: {}", fresh.copied_pct);
    // The nearest training image of a training image is itself.
    let (near, threshold) = probe
        .nearest_training(&images_tensor(&train, &[14, 700], &dev).expect("x"))
        .expect("nearest");
    assert_eq!((near[0].index, near[1].index), (14, 700));
    assert!(
        near[0].distance < 1e-2 && threshold > 0.1,
        "{near:?} {threshold}"
    );
}
