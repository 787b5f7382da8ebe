//! Presets load and save through the dialog runner, off the UI thread.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use latent_studio::app::dialogs::{DialogOutcome, DialogRunner, FileDialogs};
use latent_studio::presets;

/// Answers every dialog with the same path.
struct Answer(PathBuf);

impl FileDialogs for Answer {
    fn open_file(&self, _: &str, _: &[&str]) -> Option<PathBuf> {
        Some(self.0.clone())
    }
    fn save_file(&self, _: &str, _: &str) -> Option<PathBuf> {
        Some(self.0.clone())
    }
    fn pick_folder(&self, _: &str) -> Option<PathBuf> {
        Some(self.0.clone())
    }
}

fn next_outcome(runner: &DialogRunner) -> DialogOutcome {
    let start = Instant::now();
    loop {
        if let Some(o) = runner.outcomes().next() {
            return o;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "no outcome");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_saved_preset_loads_back_and_a_broken_one_is_named() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("mine.toml");
    let runner = DialogRunner::new(Arc::new(Answer(path.clone())), Arc::new(|| {}));
    let mut spec = presets::default_spec().expect("built-in preset");
    spec.set("train.lr_d=0.0002").expect("set");
    runner.save_preset(spec.clone(), || {});
    match next_outcome(&runner) {
        DialogOutcome::PresetSaved(Ok(p)) => assert_eq!(p, path),
        other => panic!("{other:?}"),
    }
    while runner.is_busy() {
        std::thread::sleep(Duration::from_millis(5));
    }
    runner.open_preset(|| {});
    match next_outcome(&runner) {
        DialogOutcome::PresetLoaded(Ok(loaded)) => assert_eq!(*loaded, spec),
        other => panic!("{other:?}"),
    }
    while runner.is_busy() {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::fs::write(&path, [0xff, 0xfe, b'x']).expect("write");
    runner.open_preset(|| {});
    match next_outcome(&runner) {
        DialogOutcome::PresetLoaded(Err(msg)) => assert!(msg.contains("mine.toml"), "{msg}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn datasets_preview_and_galleries_export_off_the_ui_thread() {
    use latent_studio::app::dialogs::FolderKind;
    use latent_studio::view::ImageGrid;
    let dir = tempfile::tempdir().expect("dir");
    // A picture folder with two classes.
    for (class, shade) in [("dark", 30u8), ("light", 220u8)] {
        std::fs::create_dir(dir.path().join(class)).expect("mkdir");
        for i in 0..3 {
            image::GrayImage::from_pixel(40, 30, image::Luma([shade]))
                .save(dir.path().join(class).join(format!("{i}.png")))
                .expect("png");
        }
    }
    let runner = DialogRunner::new(Arc::new(Answer(dir.path().to_path_buf())), Arc::new(|| {}));
    runner.open_dataset(FolderKind::Pictures, 32, 1, || {});
    let preview = match next_outcome(&runner) {
        DialogOutcome::DatasetPreviewed(Ok(p)) => p,
        other => panic!("{other:?}"),
    };
    assert_eq!(preview.count, 6);
    assert_eq!(preview.shape, [32, 32, 1]);
    assert_eq!(
        preview.classes,
        vec![("dark".to_string(), 3), ("light".to_string(), 3)]
    );
    while runner.is_busy() {
        std::thread::sleep(Duration::from_millis(5));
    }
    // An IDX dialog on the same folder fails with a message naming what is missing.
    runner.open_dataset(FolderKind::Idx, 28, 1, || {});
    match next_outcome(&runner) {
        DialogOutcome::DatasetPreviewed(Err(msg)) => {
            assert!(msg.contains("train-images-idx3-ubyte"), "{msg}")
        }
        other => panic!("{other:?}"),
    }
    while runner.is_busy() {
        std::thread::sleep(Duration::from_millis(5));
    }
    // Export three frames as a GIF and read it back.
    let gif = dir.path().join("history.gif");
    let exporter = DialogRunner::new(Arc::new(Answer(gif.clone())), Arc::new(|| {}));
    let frames: Vec<_> = (0..3u8)
        .map(|i| ImageGrid::tile(i as u64, &[i * 100; 16], 1, 4, 4, 1, 1).image)
        .collect();
    exporter.export_gif(frames, || {});
    match next_outcome(&exporter) {
        DialogOutcome::Exported(Ok(p)) => assert_eq!(p, gif),
        other => panic!("{other:?}"),
    }
    use image::AnimationDecoder;
    let decoder = image::codecs::gif::GifDecoder::new(std::io::BufReader::new(
        std::fs::File::open(&gif).expect("open"),
    ))
    .expect("gif");
    assert_eq!(decoder.into_frames().count(), 3);
}
