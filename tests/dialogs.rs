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
    let runner = DialogRunner::new(Arc::new(Answer(path.clone())));
    let mut spec = presets::default_spec();
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
