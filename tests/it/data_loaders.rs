//! Datasets: the glyph digits the studio makes, and loaders for IDX files and image
//! folders, on good and broken files the tests write.

use std::io::Write;
use std::path::Path;

use latent_studio::data::{glyph_digits, idx, image_folder};

#[test]
fn glyph_digits_are_deterministic_balanced_and_in_range() {
    let a = glyph_digits::generate(7, 0, 300, 28);
    let b = glyph_digits::generate(7, 0, 300, 28);
    let c = glyph_digits::generate(8, 0, 300, 28);
    assert_eq!(a, b, "same seed, same images");
    assert_ne!(a.pixels, c.pixels, "another seed, other images");
    assert_eq!((a.len(), a.width, a.height, a.channels), (300, 28, 28, 1));
    assert_eq!(a.label_histogram(), vec![30; 10]);
    // Each image has ink, and a black border like MNIST's.
    for i in 0..a.len() {
        let img = a.image(i);
        let ink = img.iter().filter(|&&p| p > 128).count();
        assert!(ink > 15, "image {i} has almost no ink ({ink} pixels)");
        let border: u32 = (0..28)
            .map(|k| img[k] as u32 + img[27 * 28 + k] as u32)
            .sum();
        assert!(border < 56 * 40, "image {i}: bright border {border}");
    }
    // Numbering continues across calls: a later range is not a copy of an earlier one.
    let later = glyph_digits::generate(7, 300, 10, 28);
    assert_ne!(later.image(0), a.image(0));
}

#[test]
fn glyph_digits_are_recognisable_digits() {
    // A nearest-centroid classifier, trained on one range and tested on another, must
    // beat chance (10%) by far if the labels match the pictures.
    let train = glyph_digits::generate(3, 0, 3000, 28);
    let test = glyph_digits::generate(3, 3000, 1000, 28);
    let mut centroids = vec![vec![0f32; 784]; 10];
    for i in 0..train.len() {
        let l = train.label(i).expect("label") as usize;
        for (c, &p) in centroids[l].iter_mut().zip(train.image(i)) {
            *c += p as f32 / 300.0;
        }
    }
    let correct = (0..test.len())
        .filter(|&i| {
            let img = test.image(i);
            let best = (0..10)
                .min_by(|&a, &b| {
                    let d = |k: usize| -> f32 {
                        centroids[k]
                            .iter()
                            .zip(img)
                            .map(|(c, &p)| (c - p as f32).powi(2))
                            .sum()
                    };
                    d(a).total_cmp(&d(b))
                })
                .expect("ten classes");
            best as u32 == test.label(i).expect("label")
        })
        .count();
    let acc = correct as f64 / test.len() as f64;
    assert!(acc > 0.6, "nearest-centroid accuracy {acc}");
}

fn idx_bytes(kind_dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 0x08, kind_dims.len() as u8];
    for d in kind_dims {
        out.extend_from_slice(&d.to_be_bytes());
    }
    out.extend_from_slice(data);
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip")
}

#[test]
fn idx_pairs_load_raw_and_gzipped() {
    let dir = tempfile::tempdir().expect("dir");
    let pixels: Vec<u8> = (0..5 * 3 * 4).map(|i| i as u8).collect();
    std::fs::write(
        dir.path().join("train-images-idx3-ubyte.gz"),
        gzip(&idx_bytes(&[5, 3, 4], &pixels)),
    )
    .expect("w");
    std::fs::write(
        dir.path().join("train-labels-idx1-ubyte"),
        idx_bytes(&[5], &[3, 1, 4, 1, 5]),
    )
    .expect("w");
    std::fs::write(
        dir.path().join("t10k-images-idx3-ubyte"),
        idx_bytes(&[2, 3, 4], &pixels[..24]),
    )
    .expect("w");
    let (train, test) = idx::load_folder(dir.path()).expect("load");
    assert_eq!((train.len(), train.height, train.width), (5, 3, 4));
    assert_eq!(train.pixels, pixels);
    assert_eq!(train.labels, Some(vec![3, 1, 4, 1, 5]));
    assert_eq!(train.class_names.len(), 6);
    let test = test.expect("held-out set");
    assert_eq!((test.len(), test.labels.clone()), (2, None));
}

fn idx_error(name: &str, bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    idx::load_pair(&path, None)
        .expect_err("broken file")
        .to_string()
}

#[test]
fn broken_idx_files_get_messages_naming_them() {
    let good = idx_bytes(&[2, 2, 2], &[0; 8]);
    let e = idx_error("short-images-idx3-ubyte", &good[..good.len() - 3]);
    assert!(
        e.contains("short-images-idx3-ubyte") && e.contains("truncated"),
        "{e}"
    );
    let mut wrong = good.clone();
    wrong[0] = 0x42;
    let e = idx_error("magic-images-idx3-ubyte", &wrong);
    assert!(
        e.contains("magic-images-idx3-ubyte") && e.contains("magic"),
        "{e}"
    );
    let e = idx_error("labels-as-images", &idx_bytes(&[3], &[1, 2, 3]));
    assert!(e.contains("3 dimensions"), "{e}");
    let e = idx_error("broken.gz", &[0x1f, 0x8b, 1, 2, 3]);
    assert!(e.contains("broken.gz") && e.contains("gzip"), "{e}");

    let dir = tempfile::tempdir().expect("dir");
    let images = dir.path().join("i");
    let labels = dir.path().join("l");
    std::fs::write(&images, &good).expect("w");
    std::fs::write(&labels, idx_bytes(&[3], &[0, 1, 2])).expect("w");
    let e = idx::load_pair(&images, Some(&labels))
        .expect_err("mismatch")
        .to_string();
    assert!(e.contains("3 labels for 2 images"), "{e}");
    let e = idx::load_folder(dir.path())
        .expect_err("no MNIST names")
        .to_string();
    assert!(e.contains("train-images-idx3-ubyte"), "{e}");
}

fn write_png(path: &Path, w: u32, h: u32, rgb: [u8; 3]) {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb(rgb));
    img.save(path).expect("png");
}

#[test]
fn image_folders_load_with_classes_and_skip_bad_files() {
    let dir = tempfile::tempdir().expect("dir");
    let root = dir.path();
    std::fs::create_dir(root.join("cats")).expect("mkdir");
    std::fs::create_dir(root.join("dogs")).expect("mkdir");
    write_png(&root.join("cats/a.png"), 40, 20, [255, 0, 0]);
    write_png(&root.join("cats/b.png"), 10, 10, [0, 255, 0]);
    image::GrayImage::from_pixel(64, 64, image::Luma([128]))
        .save(root.join("dogs/c.jpg"))
        .expect("jpg");
    std::fs::write(root.join("dogs/broken.png"), b"not a png at all").expect("w");
    std::fs::write(root.join("dogs/readme.txt"), b"ignored: not a picture name").expect("w");
    let load = image_folder::load(root, 8, 3).expect("load");
    assert_eq!(load.set.len(), 3);
    assert_eq!(
        (load.set.width, load.set.height, load.set.channels),
        (8, 8, 3)
    );
    assert_eq!(load.set.class_names, vec!["cats", "dogs"]);
    assert_eq!(load.set.labels, Some(vec![0, 0, 1]));
    assert_eq!(&load.set.image(0)[..3], &[255, 0, 0]);
    assert_eq!(load.skipped.len(), 1);
    assert!(load.skipped[0].0.ends_with("broken.png"));
    // Grayscale loading averages the colours.
    let gray = image_folder::load(root, 4, 1).expect("load");
    assert_eq!(gray.set.image(2)[0], 128);
}

#[test]
fn empty_or_unreadable_folders_are_errors_naming_them() {
    let dir = tempfile::tempdir().expect("dir");
    let e = image_folder::load(dir.path(), 8, 1)
        .expect_err("empty")
        .to_string();
    assert!(
        e.contains(&dir.path().display().to_string()) && e.contains("no pictures"),
        "{e}"
    );
    std::fs::write(dir.path().join("x.png"), b"garbage").expect("w");
    let e = image_folder::load(dir.path(), 8, 1)
        .expect_err("unreadable")
        .to_string();
    assert!(
        e.contains("none of its 1 files") && e.contains("x.png"),
        "{e}"
    );
    let e = image_folder::load(&dir.path().join("missing"), 8, 1)
        .expect_err("missing")
        .to_string();
    assert!(e.contains("not a folder"), "{e}");
}
