//! The worker protocol: start → metrics → stop, bad specs, panics, NaN.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::{Scripted, wait_for};
use latent_studio::experiments::ExperimentSpec;
use latent_studio::presets;
use latent_studio::worker::{Command, Event, RunEnd, RunOptions, WorkerConfig, WorkerHandle};

fn scripted_worker(make: impl Fn() -> Scripted + Send + Sync + 'static) -> WorkerHandle {
    WorkerHandle::spawn_with(
        WorkerConfig {
            threads: 1,
            ..WorkerConfig::default()
        },
        Arc::new(move |_spec: &ExperimentSpec, _dev: &candle_core::Device| {
            Ok(Box::new(make()) as _)
        }),
    )
    .expect("spawn")
}

fn start(worker: &WorkerHandle, steps: u64, out_dir: Option<std::path::PathBuf>) {
    let mut spec = presets::default_spec().expect("built-in preset");
    spec.schedule_mut().steps = steps;
    let options = RunOptions {
        out_dir,
        start_paused: false,
    };
    assert!(worker.send(Command::Start {
        spec: Box::new(spec),
        options
    }));
}

#[test]
fn real_gan_reports_metrics_and_stops_promptly() {
    let worker = WorkerHandle::spawn(WorkerConfig {
        threads: 1,
        ..WorkerConfig::default()
    })
    .expect("spawn");
    start(&worker, 1_000_000, None);
    let Event::Started(info) = wait_for(&worker, Duration::from_secs(30), |e| {
        matches!(e, Event::Started(_))
    }) else {
        unreachable!()
    };
    assert!(info.metric_names.iter().any(|n| n == "modes_captured"));
    let Event::Metrics(row) = wait_for(&worker, Duration::from_secs(30), |e| {
        matches!(e, Event::Metrics(_))
    }) else {
        unreachable!()
    };
    assert_eq!(row.values.len(), info.metric_names.len());
    assert!(
        row.values.iter().all(|v| v.is_some_and(f64::is_finite)),
        "{row:?}"
    );
    let asked = Instant::now();
    assert!(worker.send(Command::Stop));
    let ended = wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::Ended(_))
    });
    assert!(
        matches!(ended, Event::Ended(RunEnd::Stopped { step }) if step > 0),
        "{ended:?}"
    );
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "stop took {:?}",
        asked.elapsed()
    );
}

#[test]
fn a_bad_spec_fails_cleanly_and_the_worker_stays_usable() {
    let worker = WorkerHandle::spawn(WorkerConfig {
        threads: 1,
        ..WorkerConfig::default()
    })
    .expect("spawn");
    let mut spec = presets::default_spec().expect("built-in preset");
    let ExperimentSpec::Gan2d(g) = &mut spec else {
        panic!("gan2d")
    };
    g.train.batch_size = 0;
    worker.send(Command::Start {
        spec: Box::new(spec),
        options: RunOptions::default(),
    });
    let e = wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::Ended(_) | Event::Started(_))
    });
    match e {
        Event::Ended(RunEnd::Failed(msg)) => assert!(msg.contains("batch_size"), "{msg}"),
        other => panic!("expected a failure, got {other:?}"),
    }
    // A run folder that cannot be created is a failure too, with the path in it.
    let file = tempfile::NamedTempFile::new().expect("file");
    start(&worker, 10, Some(file.path().join("run")));
    let e = wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::Ended(_))
    });
    assert!(
        matches!(&e, Event::Ended(RunEnd::Failed(m)) if m.contains(&file.path().display().to_string())),
        "{e:?}"
    );
    // And the worker still runs a good spec afterwards.
    start(&worker, 3, None);
    let e = wait_for(&worker, Duration::from_secs(30), |e| {
        matches!(e, Event::Ended(_))
    });
    assert_eq!(e_end(e), RunEnd::Finished { step: 3 });
}

fn e_end(e: Event) -> RunEnd {
    match e {
        Event::Ended(end) => end,
        other => panic!("not an end: {other:?}"),
    }
}

#[test]
fn a_panic_in_the_experiment_becomes_a_failure_event() {
    let worker = scripted_worker(|| Scripted {
        panic_at: Some(4),
        ..Scripted::new()
    });
    start(&worker, 100, None);
    let e = wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::Ended(_))
    });
    match e_end(e) {
        RunEnd::Failed(msg) => assert!(msg.contains("scripted panic at 4"), "{msg}"),
        other => panic!("expected failure, got {other:?}"),
    }
    assert!(worker.is_alive(), "the thread survives the panic");
    start(&worker, 2, None);
    let e = wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::Ended(_))
    });
    assert_eq!(e_end(e), RunEnd::Finished { step: 2 });
}

#[test]
fn a_nan_loss_pauses_and_restores_the_last_good_weights() {
    let dir = tempfile::tempdir().expect("dir");
    let worker = scripted_worker(|| Scripted {
        nan_at: Some(5),
        ..Scripted::new()
    });
    start(&worker, 100, Some(dir.path().join("run")));
    let e = wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::Paused { .. })
    });
    let Event::Paused {
        step,
        reason: Some(reason),
    } = e
    else {
        panic!("{e:?}")
    };
    assert_eq!(step, 4, "paused before counting the bad step");
    assert!(reason.contains("loss became NaN at step 5"), "{reason}");
    assert!(
        reason.contains("restored the weights of step 3"),
        "{reason}"
    );
    // The checkpoint on disk is the last good one.
    let ckpt = latent_studio::experiments::checkpoint::load(
        &dir.path().join("run/checkpoint.safetensors"),
        &candle_core::Device::Cpu,
    )
    .expect("checkpoint");
    assert_eq!(ckpt.step, 3);
    // Stepping on works from the restored weights (count 3 → 4).
    worker.send(Command::Step(latent_studio::experiments::StepPart::Whole));
    let e = wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::Metrics(_))
    });
    let Event::Metrics(row) = e else {
        unreachable!()
    };
    assert_eq!(row.values[1], Some(4.0));
}

/// Stopped while paused after a diverging loss, the run keeps its last good
/// checkpoint as it was: the restored weights are not saved again under the
/// diverged step's number.
#[test]
fn stopping_after_a_nan_keeps_the_last_good_checkpoint_with_its_own_step() {
    let dir = tempfile::tempdir().expect("dir");
    let worker = scripted_worker(|| Scripted {
        nan_at: Some(5),
        ..Scripted::new()
    });
    start(&worker, 100, Some(dir.path().join("run")));
    wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(
            e,
            Event::Paused {
                reason: Some(_),
                ..
            }
        )
    });
    assert!(worker.send(Command::Stop));
    wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::Ended(_))
    });
    let ckpt = latent_studio::experiments::checkpoint::load(
        &dir.path().join("run/checkpoint.safetensors"),
        &candle_core::Device::Cpu,
    )
    .expect("checkpoint");
    assert_eq!(
        ckpt.step, 3,
        "the checkpoint names the step its weights are from"
    );
}

#[test]
fn pause_step_and_resume() {
    let worker = scripted_worker(|| Scripted {
        step_sleep: Duration::from_millis(2),
        ..Scripted::new()
    });
    let mut spec = presets::default_spec().expect("built-in preset");
    spec.schedule_mut().steps = 1_000;
    let options = RunOptions {
        out_dir: None,
        start_paused: true,
    };
    worker.send(Command::Start {
        spec: Box::new(spec),
        options,
    });
    wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(
            e,
            Event::Paused {
                step: 0,
                reason: None
            }
        )
    });
    worker.send(Command::Step(
        latent_studio::experiments::StepPart::Discriminator,
    ));
    let Event::Metrics(row) = wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::Metrics(_))
    }) else {
        unreachable!()
    };
    assert_eq!(row.step, 1);
    worker.send(Command::Resume);
    wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::Resumed)
    });
    let e = wait_for(&worker, Duration::from_secs(30), |e| {
        matches!(e, Event::Ended(_))
    });
    assert_eq!(e_end(e), RunEnd::Finished { step: 1_000 });
}

#[test]
fn dropping_the_handle_stops_and_writes_the_last_checkpoint() {
    let dir = tempfile::tempdir().expect("dir");
    let run = dir.path().join("run");
    let worker = scripted_worker(|| Scripted {
        step_sleep: Duration::from_millis(1),
        ..Scripted::new()
    });
    start(&worker, 1_000_000, Some(run.clone()));
    wait_for(
        &worker,
        Duration::from_secs(10),
        |e| matches!(e, Event::Metrics(r) if r.step >= 10),
    );
    let asked = Instant::now();
    drop(worker);
    assert!(asked.elapsed() < Duration::from_secs(2));
    let ckpt = latent_studio::experiments::checkpoint::load(
        &run.join("checkpoint.safetensors"),
        &candle_core::Device::Cpu,
    )
    .expect("checkpoint");
    assert!(ckpt.step >= 10, "last checkpoint at {}", ckpt.step);
}

#[test]
fn a_run_folder_can_be_opened_and_continued() {
    let dir = tempfile::tempdir().expect("dir");
    let run = dir.path().join("run");
    let worker = WorkerHandle::spawn(WorkerConfig {
        threads: 1,
        ..WorkerConfig::default()
    })
    .expect("spawn");
    let mut spec = presets::default_spec().expect("built-in preset");
    spec.set("schedule.steps=50").expect("set");
    spec.set("schedule.log_every=10").expect("set");
    worker.send(Command::Start {
        spec: Box::new(spec),
        options: RunOptions {
            out_dir: Some(run.clone()),
            start_paused: false,
        },
    });
    let e = wait_for(&worker, Duration::from_secs(60), |e| {
        matches!(e, Event::Ended(_))
    });
    assert_eq!(e_end(e), RunEnd::Finished { step: 50 });

    worker.send(Command::open_run(run.clone()));
    let Event::Started(info) = wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::Started(_) | Event::Ended(_))
    }) else {
        panic!("open failed")
    };
    assert_eq!((info.first_step, info.last_step), (50, 100));
    // The history comes back first, then the run waits, paused.
    let mut history = Vec::new();
    loop {
        match wait_for(&worker, Duration::from_secs(10), |_| true) {
            Event::Metrics(row) => history.push(row.step),
            Event::Paused {
                step: 50,
                reason: None,
            } => break,
            _ => {}
        }
    }
    assert_eq!(history, vec![1, 10, 20, 30, 40, 50]);
    worker.send(Command::Resume);
    let e = wait_for(&worker, Duration::from_secs(60), |e| {
        matches!(e, Event::Ended(_))
    });
    assert_eq!(e_end(e), RunEnd::Finished { step: 100 });
    let csv = std::fs::read_to_string(run.join("metrics.csv")).expect("csv");
    assert_eq!(
        csv.lines().filter(|l| l.starts_with("step,")).count(),
        1,
        "one header"
    );
    let steps: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or(""))
        .collect();
    assert_eq!(
        steps,
        [
            "1", "10", "20", "30", "40", "50", "60", "70", "80", "90", "100"
        ]
    );
    assert!(
        csv.lines()
            .next()
            .is_some_and(|h| h.ends_with(",elapsed_s"))
    );

    // Opening something that is not a run folder fails with its name.
    worker.send(Command::open_run(dir.path().to_path_buf()));
    let e = wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::Ended(_))
    });
    assert!(
        matches!(&e, Event::Ended(RunEnd::Failed(m)) if m.contains("not a run folder")),
        "{e:?}"
    );
}

/// A drawing that fails part way answers in its own slot, so the window's pixel slot
/// is free again and the next Draw goes out at once (the error used to be filed
/// under the text slot, and every later Draw waited for good).
#[test]
fn a_drawing_that_fails_part_way_frees_its_slot_for_the_next() {
    use latent_studio::app::lab_state::LabState;
    use latent_studio::lab::{DrawRequest, KeepRegion, LabQuery, LabSlot, PixelQuery};
    let worker = scripted_worker(Scripted::new);
    start(&worker, 3, None);
    wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::Ended(_))
    });
    let draw = |seed| {
        LabQuery::Pixels(PixelQuery::Draw(DrawRequest {
            count: 1,
            seed,
            pixels_per_update: 1,
            complete: None,
            keep: KeepRegion::TopRows(0),
        }))
    };
    let mut lab = LabState::default();
    lab.ask(draw(1));
    let sent = lab.take_outbox();
    assert_eq!(sent.len(), 1);
    for query in sent {
        worker.send(Command::Lab(query));
    }
    let mut answers = Vec::new();
    while answers.len() < 2 {
        if let Event::Lab(answer) = wait_for(&worker, Duration::from_secs(10), |e| {
            matches!(e, Event::Lab(_))
        }) {
            answers.push(*answer);
        }
    }
    assert!(answers[0].result.is_ok(), "{:?}", answers[0].result);
    assert_eq!(answers[1].slot, LabSlot::Pixels, "the error names its slot");
    let err = answers[1]
        .result
        .clone()
        .expect_err("the second chunk fails");
    assert!(err.contains("chunk 2 failed"), "{err}");
    for answer in answers {
        lab.apply(answer);
    }
    assert!(!lab.is_waiting(LabSlot::Pixels), "the failed drawing ended");
    assert!(lab.errors.contains_key(&LabSlot::Pixels));
    assert!(!lab.errors.contains_key(&LabSlot::Text));
    lab.ask(draw(2));
    assert_eq!(
        lab.take_outbox(),
        vec![draw(2)],
        "the next Draw goes out at once"
    );
}

/// A live change names its key and value when accepted (with a sentence for the
/// user), and its key and the reason when refused; an accepted one is recorded
/// in the run folder with its step.
#[test]
fn a_live_change_is_answered_by_key() {
    let dir = tempfile::tempdir().expect("dir");
    let run_dir = dir.path().join("run");
    let worker = WorkerHandle::spawn(WorkerConfig {
        threads: 1,
        ..WorkerConfig::default()
    })
    .expect("spawn");
    let mut spec = presets::default_spec().expect("built-in preset");
    spec.schedule_mut().steps = 1_000;
    worker.send(Command::Start {
        spec: Box::new(spec),
        options: RunOptions {
            out_dir: Some(run_dir.clone()),
            start_paused: true,
        },
    });
    wait_for(&worker, Duration::from_secs(30), |e| {
        matches!(e, Event::Paused { .. })
    });
    let set = |key: &str, value: &str| {
        worker.send(Command::SetLive {
            key: key.into(),
            value: value.into(),
        })
    };
    set("train.lr_d", "0.002");
    let e = wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::LiveChanged { .. } | Event::LiveRefused { .. })
    });
    let Event::LiveChanged { step, key, value } = e else {
        panic!("refused: {e:?}")
    };
    assert_eq!((key.as_str(), value.as_str()), ("train.lr_d", "0.002"));
    assert_eq!(step, 0, "made before the first step");
    let Event::Notice(said) = wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::Notice(_))
    }) else {
        unreachable!()
    };
    assert_eq!(said, "D learning rate is now 0.002");
    set("model.latent_dim", "3");
    let e = wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::LiveChanged { .. } | Event::LiveRefused { .. })
    });
    let Event::LiveRefused { key, reason } = e else {
        panic!("accepted: {e:?}")
    };
    assert_eq!(key, "model.latent_dim");
    assert!(
        reason.contains("cannot change while a run goes"),
        "{reason}"
    );
    worker.send(Command::Stop);
    wait_for(&worker, Duration::from_secs(30), |e| {
        matches!(e, Event::Ended(_))
    });
    let recorded = latent_studio::runs::changes_file::read(
        &run_dir.join(latent_studio::runs::changes_file::CHANGES_FILE),
    );
    assert_eq!(recorded.len(), 1, "only the accepted change: {recorded:?}");
    assert_eq!(
        (
            recorded[0].step,
            recorded[0].key.as_str(),
            recorded[0].value.as_str()
        ),
        (0, "train.lr_d", "0.002")
    );
}

/// A run opened (paused) and stopped without a step is left as it was: no row,
/// record or length is changed by looking at it.
#[test]
fn a_run_opened_and_closed_without_a_step_is_left_as_it_was() {
    let dir = tempfile::tempdir().expect("dir");
    let run = dir.path().join("run");
    let worker = WorkerHandle::spawn(WorkerConfig {
        threads: 1,
        ..WorkerConfig::default()
    })
    .expect("spawn");
    let mut spec = presets::default_spec().expect("built-in preset");
    // Stopped off its logging schedule: its last row is one a continued run retakes.
    spec.set_all(&["schedule.steps=35", "schedule.log_every=10"])
        .expect("set");
    worker.send(Command::Start {
        spec: Box::new(spec),
        options: RunOptions {
            out_dir: Some(run.clone()),
            start_paused: false,
        },
    });
    wait_for(&worker, Duration::from_secs(60), |e| {
        matches!(e, Event::Ended(_))
    });
    let files = ["metrics.csv", "config.toml", "ended.toml"];
    let read = |f: &str| std::fs::read_to_string(run.join(f)).expect(f);
    let before: Vec<String> = files.iter().map(|f| read(f)).collect();
    worker.send(Command::open_run(run.clone()));
    wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::Paused { .. })
    });
    worker.send(Command::Stop);
    wait_for(&worker, Duration::from_secs(10), |e| {
        matches!(e, Event::Ended(_))
    });
    let after: Vec<String> = files.iter().map(|f| read(f)).collect();
    assert_eq!(after, before);
    assert!(
        before[0]
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("35,"))
    );
}

/// A checkpoint that cannot be written (here its history's folder is a file; a
/// full disk goes the same way) pauses the run with the reason, rather than
/// training on unsaved.
#[test]
fn a_checkpoint_that_cannot_be_written_pauses_the_run_with_why() {
    let dir = tempfile::tempdir().expect("dir");
    let run = dir.path().join("run");
    std::fs::create_dir_all(&run).expect("run folder");
    std::fs::write(run.join("checkpoints"), b"in the way").expect("block the history");
    let worker = WorkerHandle::spawn(WorkerConfig {
        threads: 1,
        ..WorkerConfig::default()
    })
    .expect("spawn");
    let mut spec = presets::default_spec().expect("built-in preset");
    spec.set_all(&["schedule.steps=50", "schedule.checkpoint_every=3"])
        .expect("set");
    worker.send(Command::Start {
        spec: Box::new(spec),
        options: RunOptions {
            out_dir: Some(run.clone()),
            start_paused: false,
        },
    });
    let e = wait_for(&worker, Duration::from_secs(60), |e| {
        matches!(
            e,
            Event::Paused {
                reason: Some(_),
                ..
            } | Event::Ended(_)
        )
    });
    let Event::Paused {
        step,
        reason: Some(why),
    } = e
    else {
        panic!("not paused: {e:?}")
    };
    assert_eq!(step, 3);
    assert!(why.contains("checkpoint of step 3 not written"), "{why}");
    assert!(why.contains("paused"), "{why}");
    assert!(
        !run.join("checkpoint.safetensors").exists(),
        "nothing half-written"
    );
    worker.send(Command::Stop);
}
