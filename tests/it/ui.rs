//! The window, driven by egui_kittest: widgets found by their labels.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use latent_studio::app::dialogs::FileDialogs;
use latent_studio::app::{StudioApp, StudioConfig};
use latent_studio::data::toy2d::Toy2d;
use latent_studio::experiments::ExperimentSpec;
use latent_studio::presets;
use latent_studio::worker::WorkerConfig;

/// Tests never open a dialog.
struct NoDialogs;

impl FileDialogs for NoDialogs {
    fn open_file(&self, _: &str, _: &[&str]) -> Option<PathBuf> {
        None
    }
    fn save_file(&self, _: &str, _: &str) -> Option<PathBuf> {
        None
    }
    fn pick_folder(&self, _: &str) -> Option<PathBuf> {
        None
    }
}

/// Dialogs that answer every save with one path.
struct SaveTo(PathBuf);

impl FileDialogs for SaveTo {
    fn open_file(&self, _: &str, _: &[&str]) -> Option<PathBuf> {
        None
    }
    fn save_file(&self, _: &str, _: &str) -> Option<PathBuf> {
        Some(self.0.clone())
    }
    fn pick_folder(&self, _: &str) -> Option<PathBuf> {
        None
    }
}

pub(crate) fn app(runs_dir: PathBuf) -> StudioApp {
    app_with(runs_dir, Arc::new(NoDialogs))
}

fn app_with(runs_dir: PathBuf, dialogs: Arc<dyn FileDialogs>) -> StudioApp {
    let config = StudioConfig {
        initial: presets::default_spec().expect("built-in preset"),
        worker: WorkerConfig {
            threads: 1,
            view_interval: Some(Duration::from_millis(50)),
            ..WorkerConfig::default()
        },
        runs_dir,
        runs_folders: Vec::new(),
        autostart: false,
        screenshot: None,
        quit_after: None,
        quit_when_done: false,
        frame_stats: false,
        delay_ms: 0,
        view: latent_studio::app::StartView::Training,
        open_run: None,
        persist: false,
        type_paths: false,
        news_gap_ms: Default::default(),
    };
    StudioApp::new(config, dialogs, Arc::new(|| {}))
}

pub(crate) fn harness(app: StudioApp) -> Harness<'static, StudioApp> {
    Harness::builder()
        .with_size([1400.0, 900.0])
        .build_ui_state(
            |ui, app: &mut StudioApp| {
                app.logic(ui.ctx());
                app.ui(ui);
            },
            app,
        )
}

/// Picks an architecture from the setup panel's list by its label.
pub(crate) fn choose_architecture(h: &mut Harness<'_, StudioApp>, label: &str) {
    h.get_by_label("Architecture").click();
    h.run_steps(3);
    h.get_by_label(label).click();
    h.run_steps(3);
}

/// Presses Start and steps the UI until the run has ended (at most two minutes).
pub(crate) fn run_to_the_end(h: &mut Harness<'_, StudioApp>) {
    h.get_by_label("Start").click();
    h.step();
    step_until(h, Duration::from_secs(120), |a| {
        a.state.run.is_some() && !a.state.is_active()
    });
}

/// Steps the UI until `done` holds, or panics after `timeout`.
pub(crate) fn step_until(
    h: &mut Harness<'_, StudioApp>,
    timeout: Duration,
    done: impl Fn(&StudioApp) -> bool,
) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(
            start.elapsed() < timeout,
            "condition not reached in {timeout:?}; log: {:?}",
            h.state()
                .state
                .log
                .iter()
                .rev()
                .take(3)
                .map(|l| &l.text)
                .collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
}

#[test]
fn before_a_run_the_canvas_shows_the_chosen_data() {
    let dir = tempfile::tempdir().expect("dir");
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    let before = "Press Start to watch the generator learn it.";
    h.get_by_label(&format!("The data: Ring of 8 Gaussians. {before}"));
    // Another distribution in the draft (as the Data list sets it): the preview follows.
    match &mut h.state_mut().state.draft {
        ExperimentSpec::Gan2d(spec) => spec.data.distribution = Toy2d::Spiral,
        other => panic!("the default is a 2-D GAN, not {other:?}"),
    }
    h.run_steps(3);
    h.get_by_label(&format!("The data: Spiral. {before}"));
    assert!(
        h.state().state.gan2d_view.is_none(),
        "a preview is not a run's view"
    );
}

#[test]
fn pressing_start_makes_the_plots_and_the_canvas_receive_points() {
    let dir = tempfile::tempdir().expect("dir");
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    assert!(
        h.state().state.series("d_loss").is_none(),
        "no plot data before Start"
    );
    h.get_by_label("Start").click();
    h.step();
    step_until(&mut h, Duration::from_secs(60), |a| {
        a.state.series("d_loss").is_some_and(|s| s.len() >= 2) && a.state.gan2d_view.is_some()
    });
    let view = h.state().state.gan2d_view.clone().expect("view");
    assert_eq!(view.fake.len(), view.fake_push.len());
    assert!(h.state().state.latest("modes_captured").is_some());
    // Pause, then a single D step advances the step count by one.
    h.get_by_label("Pause").click();
    h.step();
    step_until(&mut h, Duration::from_secs(10), |a| a.state.is_paused());
    let rows = h.state().state.series("d_loss").map_or(0, <[_]>::len);
    h.get_by_label("Step D").click();
    h.step();
    step_until(&mut h, Duration::from_secs(10), |a| {
        a.state.series("d_loss").map_or(0, <[_]>::len) > rows
    });
    h.get_by_label("Stop").click();
    h.step();
    step_until(&mut h, Duration::from_secs(10), |a| !a.state.is_active());
    // The run folder was written.
    let run_dir = h.state().state.run_dir().cloned().expect("run dir");
    assert!(run_dir.starts_with(dir.path()));
    assert!(run_dir.join("checkpoint.safetensors").is_file());
}

#[test]
fn controls_are_found_by_label_and_the_preset_box_switches_distribution() {
    let dir = tempfile::tempdir().expect("dir");
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    for label in [
        "Start",
        "Resume",
        "Stop",
        "Step D",
        "Step G",
        "Step both",
        "Save checkpoint",
        "Adam",
        "SGD",
    ] {
        let _ = h.get_by_label(label);
    }
    // Choosing the grid preset from the preset box replaces the draft.
    h.get_by_label("Preset:").click();
    h.run_steps(3);
    h.get_by_label("GAN 2-D · grid of 25").click();
    h.step();
    h.step();
    assert_eq!(h.state().state.draft.name(), "GAN 2-D · grid of 25");
}

#[test]
fn the_image_gan_shows_its_dataset_and_a_gallery() {
    let dir = tempfile::tempdir().expect("dir");
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    choose_architecture(&mut h, "Image GAN (DCGAN, WGAN, WGAN-GP)");
    assert_eq!(h.state().state.draft.architecture(), "image_gan");
    h.get_by_label("Dataset").click();
    h.run_steps(2);
    h.get_by_label("Show the run's dataset").click();
    h.step();
    step_until(&mut h, Duration::from_secs(60), |a| {
        a.state.dataset.is_some()
    });
    let preview = h.state().state.dataset.clone().expect("preview");
    assert_eq!(preview.count, 60_000);
    assert_eq!(preview.classes.len(), 10);
    h.get_by_label("Training").click();
    h.run_steps(2);
    // Small batches and no quality probe keep the test quick.
    h.state_mut()
        .state
        .draft
        .set("train.batch_size=8")
        .expect("batch");
    h.state_mut()
        .state
        .draft
        .set("quality.every=0")
        .expect("quality off");
    h.get_by_label("Start").click();
    h.step();
    step_until(&mut h, Duration::from_secs(120), |a| {
        a.state.gallery.current().is_some()
    });
    let grid = h.state().state.gallery.current().cloned().expect("grid");
    assert_eq!((grid.cols, grid.rows), (8, 8));
    let _ = h.get_by_label("Save GIF…");
    let _ = h.get_by_label("New noise");
    // A click on a sample asks for its nearest training images: by pixels, and by
    // the quality classifier's features (trained on demand, as quality is off).
    h.get_by_label("sample gallery").click();
    h.step();
    let tile = h
        .state()
        .state
        .lab
        .nearest_tile
        .expect("a tile asked about");
    assert!(tile < 64);
    step_until(&mut h, Duration::from_secs(120), |a| {
        a.state.lab.nearest.is_some()
            || a.state
                .lab
                .errors
                .contains_key(&latent_studio::lab::LabSlot::Nearest)
    });
    let (near, _) = h.state().state.lab.nearest.clone().expect("an answer");
    assert_eq!((near.sample.width, near.sample.height), (28, 28));
    assert!(near.by_pixels.index < 60_000 && near.by_pixels.distance > 0.0);
    let by_features = near.by_features.as_ref().expect("labelled digits");
    assert!(near.copy_threshold.is_some_and(|t| t > 0.0));
    assert!(by_features.distance > 0.0);
    h.run_steps(2);
    let _ = h.get_by_label("by pixels");
    h.get_by_label("Close").click();
    h.step();
    assert!(h.state().state.lab.nearest_tile.is_none());
}

#[test]
fn the_latent_lab_maps_interpolates_and_applies_concepts() {
    use latent_studio::lab::LabSlot;
    let dir = tempfile::tempdir().expect("dir");
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    choose_architecture(&mut h, "Autoencoder / VAE");
    assert_eq!(h.state().state.draft.architecture(), "autoencoder");
    for setting in [
        "schedule.steps=30",
        "train.batch_size=16",
        "eval.images=200",
    ] {
        h.state_mut().state.draft.set(setting).expect("setting");
    }
    h.get_by_label("Start").click();
    h.step();
    h.get_by_label("Latent lab").click();
    step_until(&mut h, Duration::from_secs(120), |a| {
        a.state.lab.map.is_some()
    });
    let map = h.state().state.lab.map.clone().expect("map");
    assert_eq!(map.dim, 16);
    assert!(map.basis.is_pca);
    for (page, slot) in [
        ("Interpolation", LabSlot::Interpolation),
        ("Sliders", LabSlot::Sliders),
        ("Concept vectors", LabSlot::Concept),
        ("Prior samples", LabSlot::Prior),
    ] {
        h.get_by_label(page).click();
        h.step();
        step_until(&mut h, Duration::from_secs(60), |a| {
            a.state.lab.images.contains_key(&slot)
        });
        assert!(
            h.state().state.lab.errors.is_empty(),
            "{:?}",
            h.state().state.lab.errors
        );
    }
    assert_eq!(h.state().state.lab.sliders.len(), 16);
    let strip = &h.state().state.lab.images[&LabSlot::Interpolation];
    assert_eq!(strip.codes.len(), 10);
}

#[test]
fn the_character_model_streams_text_and_shows_the_next_character_distribution() {
    use latent_studio::lab::LabSlot;
    let dir = tempfile::tempdir().expect("dir");
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    choose_architecture(&mut h, "Character LSTM (text)");
    assert_eq!(h.state().state.draft.architecture(), "char_lstm");
    for setting in [
        "schedule.steps=3",
        "model.hidden=32",
        "train.batch_size=8",
        "train.seq_len=20",
        "eval.chars=500",
        "sample.length=30",
    ] {
        h.state_mut().state.draft.set(setting).expect("setting");
    }
    h.get_by_label("Start").click();
    h.step();
    step_until(&mut h, Duration::from_secs(120), |a| {
        !a.state.text_samples.is_empty()
    });
    h.get_by_label("Generate").click();
    h.step();
    step_until(&mut h, Duration::from_secs(60), |a| {
        a.state
            .lab
            .texts
            .get(&LabSlot::Text)
            .is_some_and(|t| t.done)
            && a.state.lab.distribution.is_some()
    });
    let text = &h.state().state.lab.texts[&LabSlot::Text];
    assert_eq!(text.columns.len(), 1);
    assert_eq!(text.columns[0].chars().count(), 400);
    let d = h
        .state()
        .state
        .lab
        .distribution
        .clone()
        .expect("distribution");
    let total: f32 = d.before.iter().sum();
    assert!(total > 0.0 && total <= 1.0001, "{total}");
    // Side by side: one column per compared temperature.
    h.get_by_label("compare temperatures").click();
    h.step();
    step_until(&mut h, Duration::from_secs(60), |a| {
        a.state
            .lab
            .texts
            .get(&LabSlot::TextColumns)
            .is_some_and(|t| t.done)
    });
    assert_eq!(
        h.state().state.lab.texts[&LabSlot::TextColumns]
            .columns
            .len(),
        4
    );
}

#[test]
fn the_pixelcnn_draws_pixel_by_pixel_and_completes_half_an_image() {
    let dir = tempfile::tempdir().expect("dir");
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    choose_architecture(&mut h, "PixelCNN");
    assert_eq!(h.state().state.draft.architecture(), "pixel_cnn");
    for setting in [
        "schedule.steps=2",
        "model.blocks=1",
        "model.channels=8",
        "train.batch_size=4",
        "eval.images=20",
        "sample.count=1",
    ] {
        h.state_mut().state.draft.set(setting).expect("setting");
    }
    run_to_the_end(&mut h);
    // The Draw tab waits for a click: drawing shares the worker with training.
    h.get_by_label("Draw").click();
    for _ in 0..5 {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        h.state().state.lab.drawing.is_none(),
        "the Draw tab drew before it was asked"
    );
    h.get_by_label("Start drawing").click();
    h.step();
    step_until(&mut h, Duration::from_secs(120), |a| {
        a.state.lab.drawing.as_ref().is_some_and(|d| d.done)
    });
    let d = h.state().state.lab.drawing.clone().expect("drawing");
    assert_eq!((d.drawn, d.total), (784, 784));
    assert_eq!(d.grid.cols * d.grid.rows, 4, "four images by default");
    // A completion: the original first, then completions that keep its top rows.
    h.get_by_label("complete a picture").click();
    h.step();
    step_until(&mut h, Duration::from_secs(30), |a| {
        a.state.lab.originals.len() == 24
    });
    h.get_by_label("Start drawing").click();
    h.step();
    step_until(&mut h, Duration::from_secs(120), |a| {
        a.state.lab.drawing.as_ref().is_some_and(|d| d.done) && a.state.lab.drawn_gallery.len() == 2
    });
    let d = h.state().state.lab.drawing.clone().expect("completion");
    let original = d.grid.tile_image(0).expect("original");
    for i in 1..5 {
        let done = d.grid.tile_image(i).expect("completion");
        let half = 14 * 28 * 3;
        assert_eq!(
            &done.pixels[..half],
            &original.pixels[..half],
            "completion {i} keeps the top"
        );
    }
    // Redrawing a rectangle (the centre half until one is dragged) keeps the rest.
    h.get_by_label("redraw a rectangle").click();
    h.step();
    h.get_by_label("Start drawing").click();
    h.step();
    step_until(&mut h, Duration::from_secs(120), |a| {
        a.state.lab.drawing.as_ref().is_some_and(|d| d.done) && a.state.lab.drawn_gallery.len() == 3
    });
    let d = h.state().state.lab.drawing.clone().expect("completion");
    let original = d.grid.tile_image(0).expect("original");
    let done = d.grid.tile_image(1).expect("completion");
    for k in 0..28 * 28 {
        let (row, col) = (k / 28, k % 28);
        if !((7..21).contains(&row) && (7..21).contains(&col)) {
            assert_eq!(
                done.pixels[3 * k],
                original.pixels[3 * k],
                "({row}, {col}) kept"
            );
        }
    }
}

/// A file dropped on the window, as the integration would hand it over.
#[derive(Debug)]
pub(crate) struct Dropped(pub(crate) PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn style_transfer_takes_a_dropped_picture_and_paints_it() {
    let dir = tempfile::tempdir().expect("dir");
    let photo = dir.path().join("photo.png");
    image::RgbImage::from_fn(90, 60, |x, y| {
        image::Rgb([(x * 2) as u8, (y * 3) as u8, 200])
    })
    .save(&photo)
    .expect("png");
    let broken = dir.path().join("broken.png");
    std::fs::write(&broken, b"\x89PNG not really").expect("write");
    let exported = dir.path().join("result.png");
    let mut h = harness(app_with(
        dir.path().to_path_buf(),
        Arc::new(SaveTo(exported.clone())),
    ));
    h.step();
    h.get_by_label("Architecture").click();
    h.run_steps(3);
    h.get_by_label("Style transfer (optimise the picture)")
        .click();
    h.run_steps(3);
    assert_eq!(h.state().state.draft.architecture(), "style_transfer");
    // A corrupt picture is refused with its name and changes nothing.
    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped(broken.clone())));
    h.step();
    step_until(&mut h, Duration::from_secs(20), |a| {
        a.state.log.iter().any(|l| l.text.contains("broken.png"))
    });
    let latent_studio::experiments::ExperimentSpec::StyleTransfer(s) = &h.state().state.draft
    else {
        panic!("style transfer")
    };
    assert_eq!(
        s.pictures.content,
        latent_studio::data::pictures::PictureSource::Landscape
    );
    // A good one, dropped on the content slot, becomes the content picture.
    h.get_all_by_label("Open picture…")
        .next()
        .expect("the content slot's button")
        .hover();
    h.step();
    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped(photo.clone())));
    h.step();
    step_until(&mut h, Duration::from_secs(20), |a| {
        matches!(&a.state.draft, latent_studio::experiments::ExperimentSpec::StyleTransfer(s)
            if s.pictures.content == latent_studio::data::pictures::PictureSource::File(photo.clone()))
    });
    // VGG weights dropped on the window become the network, with VGG's usual layers.
    let weights = dir.path().join("tiny-vgg16.safetensors");
    crate::common::write_tiny_vgg16(&weights, 4);
    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped(weights.clone())));
    h.step();
    step_until(&mut h, Duration::from_secs(20), |a| {
        a.state.network_layers.is_some()
    });
    let latent_studio::experiments::ExperimentSpec::StyleTransfer(s) = &h.state().state.draft
    else {
        panic!("style transfer")
    };
    assert_eq!(
        s.network,
        latent_studio::features::FeatureSource::Vgg {
            path: weights.clone()
        }
    );
    assert_eq!(s.layers.content, "conv4_2");
    assert_eq!(
        h.state().state.network_layers.as_ref().map(Vec::len),
        Some(13)
    );
    for setting in [
        "pictures.size=48",
        "schedule.steps=4",
        "schedule.log_every=1",
    ] {
        h.state_mut().state.draft.set(setting).expect("setting");
    }
    run_to_the_end(&mut h);
    let grid = h
        .state()
        .state
        .gallery
        .current()
        .cloned()
        .expect("a picture");
    assert_eq!((grid.cols, grid.tile_width, grid.tile_height), (3, 48, 32));
    // The result alone exports at the working size.
    h.get_by_label("Save result…").click();
    h.step();
    step_until(&mut h, Duration::from_secs(20), |_| exported.exists());
    let png = image::open(&exported).expect("exported").to_rgb8();
    assert_eq!(png.dimensions(), (48, 32));
    assert_eq!(png.into_raw(), grid.tile_image(2).expect("result").pixels);
    assert_eq!(
        h.state().state.series("style_loss").map(<[_]>::len),
        Some(4)
    );
}

#[test]
fn deep_dream_runs_from_the_window_with_its_octaves_plotted() {
    use latent_studio::experiments::ExperimentSpec;
    let dir = tempfile::tempdir().expect("dir");
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    choose_architecture(&mut h, "DeepDream (optimise the picture)");
    assert_eq!(h.state().state.draft.architecture(), "deep_dream");
    for setting in ["size=48", "dream.octaves=2", "schedule.log_every=1"] {
        h.state_mut().state.draft.set(setting).expect("setting");
    }
    h.run_steps(2);
    // The preset's 80 iterations, spread over 2 octaves.
    let ExperimentSpec::DeepDream(d) = &h.state().state.draft else {
        panic!("dream")
    };
    assert_eq!((d.schedule.steps, d.iterations_per_octave()), (80, 40));
    h.state_mut()
        .state
        .draft
        .set("schedule.steps=6")
        .expect("steps");
    run_to_the_end(&mut h);
    let grid = h
        .state()
        .state
        .gallery
        .current()
        .cloned()
        .expect("a picture");
    assert_eq!((grid.cols, grid.tile_width), (2, 48));
    let octaves = h.state().state.series("octave").expect("octaves").to_vec();
    assert_eq!(octaves.first().map(|p| p[1]), Some(1.0));
    assert_eq!(octaves.last().map(|p| p[1]), Some(2.0));
}
