//! The fast style transfer in the window: trained from the setup, its gallery shows
//! held-out pictures beside their optimised version, and its Repaint tab repaints a
//! dropped picture at its own size and the live landscape.

use std::sync::Arc;
use std::time::Duration;

use egui_kittest::kittest::Queryable;
use latent_studio::lab::LabSlot;

use crate::ui::{Dropped, app, choose_architecture, harness, run_to_the_end, step_until};

#[test]
fn the_fast_style_network_trains_and_repaints_a_dropped_picture() {
    let dir = tempfile::tempdir().expect("dir");
    let photo = dir.path().join("photo.png");
    image::RgbImage::from_fn(70, 45, |x, y| {
        image::Rgb([(x * 3) as u8, (y * 5) as u8, 120])
    })
    .save(&photo)
    .expect("png");
    let mut h = harness(app(dir.path().join("runs")));
    h.step();
    choose_architecture(&mut h, "Style transfer · fast (train a network)");
    assert_eq!(h.state().state.draft.architecture(), "fast_style");
    for setting in [
        "content.size=40",
        "content.count=6",
        "compare.iterations=2",
        "content.held_out=2",
        "model.width=4",
        "model.blocks=1",
        "train.batch_size=2",
        "schedule.steps=4",
        "schedule.log_every=1",
        "schedule.sample_every=2",
    ] {
        h.state_mut().state.draft.set(setting).expect(setting);
    }
    run_to_the_end(&mut h);
    let grid = h
        .state()
        .state
        .gallery
        .current()
        .cloned()
        .expect("a gallery");
    // Held-out rows: content · network · optimised.
    assert_eq!(
        (grid.cols, grid.rows, grid.tile_width, grid.tile_height),
        (3, 2, 40, 30)
    );
    assert!(h.state().state.series("val_style_loss").is_some());
    h.get_by_label("Repaint").click();
    h.step();
    step_until(&mut h, Duration::from_secs(30), |a| {
        a.state.lab.repaint.answers.contains_key(&LabSlot::Live)
    });
    let live = &h.state().state.lab.repaint.answers[&LabSlot::Live];
    assert_eq!((live.result.width, live.result.height), (256, 192));
    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped(photo.clone())));
    h.step();
    step_until(&mut h, Duration::from_secs(30), |a| {
        a.state.lab.repaint.answers.contains_key(&LabSlot::Repaint)
    });
    let answer = &h.state().state.lab.repaint.answers[&LabSlot::Repaint];
    assert_eq!((answer.result.width, answer.result.height), (70, 45));
    assert_ne!(answer.result.pixels, answer.original.pixels);
    // A file that is no picture is named under the field.
    let broken = dir.path().join("broken.png");
    std::fs::write(&broken, b"\x89PNG not really").expect("write");
    h.input_mut().dropped_files.push(Arc::new(Dropped(broken)));
    h.step();
    step_until(&mut h, Duration::from_secs(30), |a| {
        a.state
            .lab
            .errors
            .get(&LabSlot::Repaint)
            .is_some_and(|e| e.contains("broken.png"))
    });
}
