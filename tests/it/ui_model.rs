//! The Model tab and the 2-D canvas's drawing, in the window (egui_kittest): the
//! card of the setup's model is drawn (its glyphs too), follows the architecture
//! chosen, and drawn points become the draft's data.

use std::time::Duration;

use egui_kittest::kittest::Queryable;

use super::ui::{app, choose_architecture, harness, step_until};

/// Steps until a label is on screen (the card is made off the UI thread).
fn wait_for_label(h: &mut egui_kittest::Harness<'_, latent_studio::app::StudioApp>, text: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while h.query_all_by_label(text).next().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "no '{text}' on screen"
        );
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
}

#[test]
fn the_model_tab_shows_the_card_of_each_architecture_chosen() {
    let dir = tempfile::tempdir().expect("dir");
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    h.get_by_label("Model").click();
    h.run_steps(2);
    // The default 2-D GAN: its generator's first layer, latent 2 -> 128.
    wait_for_label(&mut h, "linear 2 -> 128");
    // Settings change the card before any run: a wider first hidden layer.
    h.state_mut()
        .state
        .draft
        .set("model.g_hidden=[64, 128]")
        .expect("set");
    wait_for_label(&mut h, "linear 2 -> 64");
    choose_architecture(&mut h, "Character LSTM (text)");
    h.get_by_label("Model").click();
    wait_for_label(&mut h, "LSTM 64 -> 256");
    choose_architecture(&mut h, "Autoencoder / VAE");
    h.get_by_label("Model").click();
    wait_for_label(&mut h, "linear (log σ²) 128 -> 16");
}

#[test]
fn drawing_the_data_makes_the_drafts_points() {
    let dir = tempfile::tempdir().expect("dir");
    let mut h = harness(app(dir.path().to_path_buf()));
    h.run_steps(3);
    h.get_by_label("Draw data").click();
    h.run_steps(2);
    h.get_by_label("Start from the data shown").click();
    h.run_steps(2);
    let latent_studio::experiments::ExperimentSpec::Gan2d(s) = &h.state().state.draft else {
        panic!("a 2-D GAN");
    };
    assert_eq!(
        s.data.distribution,
        latent_studio::data::toy2d::Toy2d::Points
    );
    assert!(s.data.path.as_os_str().is_empty());
    assert!(s.data.points.len() >= 500, "the ring's points to edit");
    // Their modes are found off the UI thread: the ring's eight.
    step_until(&mut h, Duration::from_secs(30), |a| {
        a.state
            .points
            .as_ref()
            .is_some_and(|p| p.view.modes.len() == 8)
    });
    h.get_by_label("Clear").click();
    h.run_steps(2);
    let latent_studio::experiments::ExperimentSpec::Gan2d(s) = &h.state().state.draft else {
        panic!("a 2-D GAN");
    };
    assert!(s.data.points.is_empty());
    h.get_by_label("Done drawing").click();
    h.run_steps(2);
    h.get_by_label("Draw data");
}
