//! A short property-based pass over every parser a user's file reaches (the long,
//! coverage-guided runs are the fuzz targets in `fuzz/`): valid files, mutated a
//! few bytes at a time, and random bytes give a value or an error — never a panic
//! — within a second. Seeded: the same cases every run.

use std::time::{Duration, Instant};

use latent_studio::front_door::{FileKind, parse};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Valid files of `kind`, as the tests and the studio write them.
fn seeds(kind: FileKind) -> Vec<Vec<u8>> {
    match kind {
        FileKind::Idx => {
            let mut raw = vec![0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 4];
            raw.extend((0..32).map(|i| (i * 7) as u8));
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut gz, &raw).expect("gzip");
            vec![raw, gz.finish().expect("gzip")]
        }
        FileKind::Picture => {
            let img =
                image::RgbImage::from_fn(8, 6, |x, y| image::Rgb([x as u8 * 30, y as u8 * 40, 90]));
            let mut png = std::io::Cursor::new(Vec::new());
            img.write_to(&mut png, image::ImageFormat::Png)
                .expect("png");
            let mut jpeg = std::io::Cursor::new(Vec::new());
            img.write_to(&mut jpeg, image::ImageFormat::Jpeg)
                .expect("jpeg");
            vec![png.into_inner(), jpeg.into_inner()]
        }
        FileKind::Text => vec![
            "fn main() {\n    println!(\"诗 — ok\");\n}\n"
                .as_bytes()
                .to_vec(),
        ],
        FileKind::Checkpoint | FileKind::VggWeights => {
            let spec = latent_studio::presets::default_spec().expect("preset");
            let t =
                candle_core::Tensor::new(&[[0.5f32, -1.0], [2.0, 0.25]], &candle_core::Device::Cpu)
                    .expect("tensor");
            let bytes = latent_studio::runs::checkpoint::encode(
                std::path::Path::new("seed.safetensors"),
                spec.architecture(),
                &spec.to_toml().expect("toml"),
                3,
                &[("conv1_1.weight".into(), t)],
                Some(("{}", &[])),
            )
            .expect("encode");
            vec![bytes]
        }
        FileKind::Spec => vec![
            latent_studio::presets::default_spec()
                .expect("preset")
                .to_toml()
                .expect("toml")
                .into_bytes(),
        ],
        FileKind::Metrics => {
            vec![b"step,d_loss,g_loss,elapsed_s\n1,0.5,0.7,0.1\n2,,0.6,0.2\n".to_vec()]
        }
    }
}

/// `seed` with a few bytes flipped, inserted, deleted, or cut off.
fn mutate(seed: &[u8], edits: &[(u8, usize, u8)]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for &(op, at, byte) in edits {
        let i = if out.is_empty() { 0 } else { at % out.len() };
        match op % 4 {
            0 if !out.is_empty() => out[i] ^= byte.max(1),
            1 => out.insert(i, byte),
            2 if !out.is_empty() => {
                out.remove(i);
            }
            _ => out.truncate(i),
        }
    }
    out
}

fn check(kind: FileKind, bytes: &[u8]) -> Result<(), TestCaseError> {
    let t = Instant::now();
    let result = std::panic::catch_unwind(|| parse(kind, bytes));
    prop_assert!(
        result.is_ok(),
        "{} parser panicked on {} bytes",
        kind.name(),
        bytes.len()
    );
    prop_assert!(
        t.elapsed() < Duration::from_secs(1),
        "{} parser took {:?}",
        kind.name(),
        t.elapsed()
    );
    Ok(())
}

#[test]
fn every_seed_is_read_as_valid_where_it_is() {
    for kind in [
        FileKind::Idx,
        FileKind::Picture,
        FileKind::Text,
        FileKind::Checkpoint,
        FileKind::Spec,
        FileKind::Metrics,
    ] {
        for seed in seeds(kind) {
            assert!(
                parse(kind, &seed).is_ok(),
                "{}: {:?}",
                kind.name(),
                parse(kind, &seed)
            );
        }
    }
    // The VGG seed is a valid safetensors file but no VGG: refused with a message.
    let vgg = &seeds(FileKind::VggWeights)[0];
    assert!(parse(FileKind::VggWeights, vgg).is_err());
}

#[test]
fn mutated_and_random_files_never_panic_or_hang() {
    for kind in FileKind::ALL {
        let config = Config {
            cases: 120,
            failure_persistence: None,
            ..Config::default()
        };
        let seed = [kind as u8; 32];
        let mut runner =
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        let files = seeds(kind);
        let cases = std::cell::Cell::new(0);
        let strategy = (
            0..files.len(),
            prop::collection::vec((any::<u8>(), any::<usize>(), any::<u8>()), 0..8),
            prop::collection::vec(any::<u8>(), 0..64),
        );
        runner
            .run(&strategy, |(which, edits, noise)| {
                cases.set(cases.get() + 1);
                check(kind, &mutate(&files[which], &edits))?;
                check(kind, &noise)
            })
            .unwrap_or_else(|e| panic!("{}: {e}", kind.name()));
        assert!(
            cases.get() >= 120,
            "{}: {} cases ran",
            kind.name(),
            cases.get()
        );
    }
}
