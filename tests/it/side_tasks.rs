//! Side tasks share the worker fairly with training: a streamed generation does not
//! stop training from advancing, and Stop during one ends the run promptly.

use std::time::{Duration, Instant};

use latent_studio::experiments::ExperimentSpec;
use latent_studio::lab::{LabQuery, LabSlot, TextQuery, TextRequest};
use latent_studio::nn::sampling::Sampling;
use latent_studio::presets;
use latent_studio::worker::{Command, Event, RunOptions, WorkerConfig, WorkerHandle};

/// A character model small enough for a test, long enough never to finish.
fn start_char_model(worker: &WorkerHandle) {
    let mut spec = ExperimentSpec::CharLstm(presets::char_lstm_default().expect("preset"));
    spec.set_all(&[
        "schedule.steps=1000000",
        "model.hidden=64",
        "model.embedding=16",
        "train.batch_size=8",
        "train.seq_len=32",
        "eval.every=1000000",
        "eval.chars=500",
        "sample.length=40",
    ])
    .expect("settings");
    assert!(worker.send(Command::Start {
        spec: Box::new(spec),
        options: RunOptions {
            out_dir: None,
            start_paused: false
        },
    }));
}

/// Steps made during `secs` seconds (from the progress reports), and the streamed
/// answers that arrived meanwhile.
fn steps_during(worker: &WorkerHandle, secs: f64) -> (u64, usize) {
    let (mut first, mut last, mut chunks) = (None, 0, 0);
    let t = Instant::now();
    while t.elapsed().as_secs_f64() < secs {
        match worker.events().recv_timeout(Duration::from_millis(50)) {
            Ok(Event::Progress(p)) => {
                first.get_or_insert(p.step);
                last = p.step;
            }
            Ok(Event::Lab(_)) => chunks += 1,
            _ => {}
        }
    }
    (last - first.unwrap_or(last), chunks)
}

// The stream earns half of each step's time, whatever a step costs, so training
// keeps about two thirds of its speed. (With a fixed 40 ms chunk after each step,
// this small model's 4 ms steps kept a share that depended on how soon the 20,000
// characters were done: passing or not as the machine's speed moved.)
#[test]
fn a_streamed_generation_leaves_training_at_least_half_its_speed_and_stop_is_prompt() {
    let worker = WorkerHandle::spawn(WorkerConfig {
        threads: 1,
        ..WorkerConfig::default()
    })
    .expect("spawn");
    start_char_model(&worker);
    // Warm up, then the speed alone.
    let _ = steps_during(&worker, 1.0);
    let (alone, _) = steps_during(&worker, 3.0);
    assert!(alone >= 10, "too few steps to judge: {alone}");
    // Four columns of 20,000 characters: the side-by-side temperatures.
    let rules = [0.5, 0.8, 1.0, 1.3]
        .into_iter()
        .map(|t| Sampling::Temperature { temperature: t })
        .collect();
    assert!(worker.send(Command::Lab(LabQuery::Text(TextQuery::Generate(
        TextRequest {
            slot: LabSlot::TextColumns,
            prompt: "fn ".into(),
            length: 20_000,
            seed: 1,
            rules,
        }
    )))));
    let (shared, chunks) = steps_during(&worker, 3.0);
    eprintln!("training: {alone} steps alone, {shared} beside the stream ({chunks} chunks)");
    assert!(chunks >= 5, "the generation streamed: {chunks} answers");
    assert!(
        shared * 2 >= alone,
        "training slowed from {alone} to {shared} steps in 3 s while text streamed"
    );
    // Stop while it still streams: ended within a step and half a second (and slack
    // for a loaded machine).
    let t = Instant::now();
    assert!(worker.send(Command::Stop));
    loop {
        match worker.events().recv_timeout(Duration::from_secs(10)) {
            Ok(Event::Ended(_)) => break,
            Ok(_) => {}
            Err(e) => panic!("no end after Stop: {e}"),
        }
    }
    let step = 3.0 / alone as f64;
    let took = t.elapsed().as_secs_f64();
    assert!(
        took <= step + 1.0,
        "Stop took {took:.2} s with steps of {step:.3} s"
    );
}
