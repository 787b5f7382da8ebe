//! The window's manners (egui_kittest): a new choice shows at once, a switch during
//! a run asks first, keys drive the run, a typed path stands in for a dialog.

use std::time::Duration;

use egui::Key;
use egui_kittest::kittest::Queryable;

use super::ui::{app, choose_architecture, harness, run_to_the_end, step_until};

/// A 2-D GAN run as short as `steps`.
fn short_gan2d(h: &mut egui_kittest::Harness<'_, latent_studio::app::StudioApp>, steps: u64) {
    for setting in [
        format!("schedule.steps={steps}"),
        "schedule.log_every=5".into(),
    ] {
        h.state_mut().state.draft.set(&setting).expect("setting");
    }
}

#[test]
fn choosing_another_architecture_after_a_run_shows_it_at_once_on_the_training_tab() {
    let dir = tempfile::tempdir().expect("dir");
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    short_gan2d(&mut h, 20);
    run_to_the_end(&mut h);
    assert!(h.state().state.gan2d_view.is_some());
    // Look at the runs, then choose a character model.
    h.get_by_label("Runs").click();
    h.run_steps(3);
    choose_architecture(&mut h, "Character LSTM (text)");
    h.run_steps(3);
    let state = &h.state().state;
    assert_eq!(state.draft.architecture(), "char_lstm");
    assert!(state.run.is_none(), "the last run's progress is gone");
    assert!(state.gan2d_view.is_none(), "the last run's canvas is gone");
    assert!(
        state.series("d_loss").is_none(),
        "the last run's plots are gone"
    );
    // The Training tab, with the new model's empty samples.
    h.get_by_label("Press Start: a sample of the model's writing appears here every few steps.");
    // The last run is still listed in the Runs tab.
    h.get_by_label("Runs").click();
    step_until(&mut h, Duration::from_secs(20), |a| {
        a.state
            .runs
            .as_ref()
            .is_some_and(|r| r.as_ref().is_ok_and(|(runs, _)| runs.len() == 1))
    });
}

#[test]
fn space_pauses_and_a_switch_during_the_paused_run_asks_before_stopping_it() {
    let dir = tempfile::tempdir().expect("dir");
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    short_gan2d(&mut h, 1_000_000);
    h.get_by_label("Start").click();
    h.step();
    step_until(&mut h, Duration::from_secs(60), |a| a.state.is_running());
    h.key_press(Key::Space);
    h.step();
    step_until(&mut h, Duration::from_secs(10), |a| a.state.is_paused());
    // S steps once while paused.
    let at = |h: &egui_kittest::Harness<'_, latent_studio::app::StudioApp>| {
        h.state()
            .state
            .run
            .as_ref()
            .and_then(|r| r.progress)
            .map_or(0, |p| p.step)
    };
    step_until(&mut h, Duration::from_secs(5), |a| {
        a.state.run.as_ref().and_then(|r| r.progress).is_some()
    });
    let before = at(&h);
    h.key_press(Key::S);
    h.step();
    step_until(&mut h, Duration::from_secs(10), |a| {
        a.state
            .run
            .as_ref()
            .and_then(|r| r.progress)
            .map_or(0, |p| p.step)
            == before + 1
    });
    // Another preset while paused: the window asks; keeping the run changes nothing.
    h.get_by_label("Preset:").click();
    h.run_steps(3);
    h.get_by_label("GAN 2-D · grid of 25").click();
    h.run_steps(3);
    h.get_by_label("Keep the run").click();
    h.run_steps(3);
    assert!(h.state().state.is_paused(), "the run is still paused");
    assert_eq!(h.state().state.draft.name(), "GAN 2-D · ring of 8");
    // Asked again and answered "stop": the run ends and the new preset shows.
    h.get_by_label("Preset:").click();
    h.run_steps(3);
    h.get_by_label("GAN 2-D · grid of 25").click();
    h.run_steps(3);
    h.get_by_label("Stop the run and switch").click();
    h.run_steps(3);
    assert_eq!(h.state().state.draft.name(), "GAN 2-D · grid of 25");
    assert!(h.state().state.run.is_none());
    // The stopped run's folder says so once the worker has ended it.
    let runs = dir.path().to_path_buf();
    step_until(&mut h, Duration::from_secs(20), |_| {
        std::fs::read_dir(&runs)
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| e.ok())
            .is_some_and(|e| e.path().join("checkpoint.safetensors").is_file())
    });
}

/// File → Open run folder…, then steps until the typed-path `question` shows (at
/// most a second: the dialog's thread asks the window).
fn ask_for_run_folder(
    h: &mut egui_kittest::Harness<'_, latent_studio::app::StudioApp>,
    question: &str,
) {
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Open run folder…").click();
    for _ in 0..50 {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
        if h.query_by_label(question).is_some() {
            break;
        }
    }
}

#[test]
fn where_no_dialog_opens_a_typed_path_opens_the_run_folder() {
    let dir = tempfile::tempdir().expect("dir");
    let mut h = harness(app(dir.path().to_path_buf()));
    h.step();
    short_gan2d(&mut h, 10);
    run_to_the_end(&mut h);
    let folder = h.state().state.run_dir().cloned().expect("run folder");
    // File → Open run folder…: the tests' dialogs open nothing, at once.
    let question = "Path of the folder (~ is your home folder):";
    ask_for_run_folder(&mut h, question);
    h.get_by_label_contains("No file dialog could be opened here");
    // A wrong path is named and not taken.
    h.get_by_label(question).type_text("/no/such/folder");
    h.run_steps(2);
    h.get_by_label("no folder at /no/such/folder");
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(h.query_by_label(question).is_none(), "Escape cancels");
    // Again, with the run's folder typed.
    ask_for_run_folder(&mut h, question);
    h.get_by_label(question)
        .type_text(&folder.display().to_string());
    h.run_steps(2);
    h.get_by_label("OK").click();
    h.step();
    step_until(&mut h, Duration::from_secs(30), |a| {
        a.state.is_paused() && a.state.run_dir() == Some(&folder)
    });
}

#[test]
fn at_1024_by_700_every_training_plot_lies_inside_the_window() {
    use latent_studio::app::panels::metric_plots::PLOT_RECTS;
    let dir = tempfile::tempdir().expect("dir");
    let mut h = egui_kittest::Harness::builder()
        .with_size([1024.0, 700.0])
        .build_ui_state(
            |ui, app: &mut latent_studio::app::StudioApp| {
                app.logic(ui.ctx());
                app.ui(ui);
            },
            app(dir.path().to_path_buf()),
        );
    h.step();
    short_gan2d(&mut h, 30);
    run_to_the_end(&mut h);
    h.run_steps(3);
    let rects: Vec<egui::Rect> = h
        .ctx
        .data(|d| d.get_temp(egui::Id::unique(PLOT_RECTS)))
        .expect("plots drawn");
    assert!(
        rects.len() >= 6,
        "the 2-D GAN has its plots: {}",
        rects.len()
    );
    for r in &rects {
        assert!(r.width() >= 150.0, "a plot squeezed to {r:?}");
        assert!(
            r.min.x >= 0.0 && r.max.x <= 1024.0,
            "a plot reaches outside the window's width: {r:?}"
        );
    }
}
