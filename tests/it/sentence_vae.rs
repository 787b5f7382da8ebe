//! The sentence VAE: training improves the held-out ELBO; the cures against
//! posterior collapse keep the KL up where without them it falls to zero; on the
//! grammar a "red" → "blue" concept vector turns the colour word; the homotopy's
//! ends are the ends' reconstructions; and a run folder alone interpolates and
//! draws from the prior on the command line.

use std::path::Path;
use std::process::Command;

use candle_core::Device;
use latent_studio::data::sentences::grammar::COLOURS;
use latent_studio::experiments::sentence_vae::SentenceVae;
use latent_studio::experiments::sentence_vae::decode::Decoding;
use latent_studio::experiments::{Experiment, ExperimentSpec, Metrics, StepPart};
use latent_studio::presets;

fn spec(sets: &[&str]) -> ExperimentSpec {
    let p = presets::built_in()
        .find(|p| p.file == "sentence_vae_grammar.toml")
        .expect("preset");
    p.with(sets).expect("spec")
}

fn trained(sets: &[&str], steps: usize) -> (SentenceVae, Metrics, Metrics) {
    let ExperimentSpec::SentenceVae(s) = spec(sets) else {
        panic!("a sentence VAE")
    };
    let mut exp = SentenceVae::new(s, &Device::Cpu).expect("build");
    let first = exp.evaluate_final().expect("first");
    let mut window: Vec<Metrics> = Vec::new();
    for _ in 0..steps {
        window.push(exp.step(StepPart::Whole).expect("step"));
    }
    let last = exp.evaluate_final().expect("last");
    // The training KL averaged over the last 100 steps.
    let tail = &window[window.len().saturating_sub(100)..];
    let kl = tail
        .iter()
        .map(|m| m.iter().find(|(k, _)| *k == "sentence_kl").expect("kl").1)
        .sum::<f64>()
        / tail.len() as f64;
    let mut last_with_kl = last.clone();
    last_with_kl.push(("train_kl_tail", kl));
    (exp, first, last_with_kl)
}

fn get(m: &Metrics, key: &str) -> f64 {
    m.iter()
        .find(|(k, _)| *k == key)
        .unwrap_or_else(|| panic!("no {key} in {m:?}"))
        .1
}

/// Small and quick: 2,000 grammar sentences, LSTMs of 96.
const SMALL: &[&str] = &[
    "data.sentences=2000",
    "model.hidden=96",
    "eval.sentences=200",
];

#[test]
fn a_short_run_improves_the_held_out_elbo_and_beats_the_unigram_model() {
    let (_, first, last) = trained(SMALL, 300);
    let (before, after) = (
        get(&first, "val_sentence_elbo"),
        get(&last, "val_sentence_elbo"),
    );
    assert!(after > before + 10.0, "ELBO {before} -> {after}");
    assert!(-after < get(&last, "unigram_nats"), "{last:?}");
    assert!(get(&last, "val_ppl_bound") < get(&first, "val_ppl_bound"));
}

#[test]
fn annealing_and_word_dropout_keep_the_code_in_use_where_without_them_it_collapses() {
    let cured = [
        SMALL,
        &[
            "train.free_bits=0",
            "train.kl_anneal=\"logistic\"",
            "train.kl_anneal_steps=600",
            "train.word_dropout=0.6",
        ],
    ]
    .concat();
    let bare = [
        SMALL,
        &[
            "train.free_bits=0",
            "train.kl_anneal=\"off\"",
            "train.word_dropout=0",
        ],
    ]
    .concat();
    let (_, _, with) = trained(&cured, 1500);
    let (_, _, without) = trained(&bare, 1500);
    let (kl_with, kl_without) = (get(&with, "train_kl_tail"), get(&without, "train_kl_tail"));
    assert!(kl_without < 0.2, "collapsed: KL {kl_without}");
    assert!(
        kl_with > 0.5 && kl_with > 5.0 * kl_without,
        "cured: KL {kl_with} against {kl_without}"
    );
    assert!(get(&with, "active_units") > get(&without, "active_units"));
}

#[test]
fn the_homotopys_ends_are_the_ends_reconstructions() {
    let (exp, _, _) = trained(SMALL, 150);
    let reader = exp.reader();
    let (a, b) = (
        "the small red fox sleeps under the old bridge .",
        "two white mice hide behind the tall wall .",
    );
    for spherical in [false, true] {
        for rule in [Decoding::Greedy, Decoding::Beam(3)] {
            let chain = reader.homotopy(a, b, 7, spherical, rule).expect("homotopy");
            assert_eq!(chain.len(), 7);
            assert_eq!(chain[0], reader.reconstruct(a, 0, rule, 1).expect("a").0);
            assert_eq!(chain[6], reader.reconstruct(b, 0, rule, 1).expect("b").0);
        }
    }
    // Codes along the great circle keep a norm between the ends'.
    let (ca, cb) = (reader.code(a).expect("a"), reader.code(b).expect("b"));
    let norm = |c: &[f32]| c.iter().map(|v| v * v).sum::<f32>().sqrt();
    let (lo, hi) = (norm(&ca).min(norm(&cb)), norm(&ca).max(norm(&cb)));
    for c in latent_studio::experiments::sentence_vae::reader::Reader::path(&ca, &cb, 9, true) {
        assert!(norm(&c) >= lo * 0.999 && norm(&c) <= hi * 1.001);
    }
}

/// Training sentences containing `word`, at most `n`.
fn containing(exp: &SentenceVae, from_train: bool, word: &str, n: usize) -> Vec<Vec<u32>> {
    let set = exp.sentences();
    let id = set.vocab.id(word);
    let pool = if from_train {
        &set.train
    } else {
        &set.held_out
    };
    pool.iter()
        .filter(|s| s.contains(&id))
        .take(n)
        .cloned()
        .collect()
}

#[test]
fn on_the_grammar_a_red_to_blue_vector_turns_the_colour_word_and_keeps_the_rest() {
    let (exp, _, _) = trained(&["schedule.steps=2500"], 2500);
    let reader = exp.reader();
    let vocab = &exp.sentences().vocab;
    let vector = reader
        .concept(
            &containing(&exp, true, "blue", 400),
            &containing(&exp, true, "red", 400),
        )
        .expect("vector");
    let reds = containing(&exp, false, "red", 200);
    assert!(reds.len() >= 30, "{} held-out red sentences", reds.len());
    let shifted = reader
        .shift(&reds, &vector, 1.0, Decoding::Greedy)
        .expect("shift");
    let (red, blue) = (vocab.id("red"), vocab.id("blue"));
    let colours: Vec<u32> = COLOURS.iter().map(|c| vocab.id(c)).collect();
    let mut turned = 0;
    let mut kept = 0.0;
    for (before, after) in reds.iter().zip(&shifted) {
        if after.contains(&blue) && !after.contains(&red) {
            turned += 1;
        }
        // The other words, position by position.
        let others: Vec<(usize, u32)> = before
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, w)| !colours.contains(w))
            .collect();
        let same = others
            .iter()
            .filter(|(i, w)| after.get(*i) == Some(w))
            .count();
        kept += same as f64 / others.len() as f64;
    }
    let kept = kept / reds.len() as f64;
    eprintln!(
        "{turned} of {} turned blue, {kept:.2} of the other words kept",
        reds.len()
    );
    assert!(
        2 * turned >= reds.len(),
        "{turned} of {} turned blue",
        reds.len()
    );
    assert!(kept > 0.5, "{kept:.2} of the other words kept");
}

fn studio() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_latent-studio"));
    c.env("RAYON_NUM_THREADS", "2");
    c
}

fn ok(c: &mut Command) -> (String, String) {
    let out = c.output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{err}");
    (String::from_utf8(out.stdout).expect("utf-8"), err)
}

fn fails(c: &mut Command) -> String {
    let out = c.output().expect("run");
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn a_run_folder_alone_interpolates_and_draws_from_the_prior_on_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let run = dir.path().join("run");
    ok(studio()
        .args(["train", "sentence_vae_grammar", "--steps", "80", "--out"])
        .arg(&run)
        .args(SMALL.iter().flat_map(|s| ["--set", s])));
    let (chain, _) = ok(studio().arg("interpolate").arg(&run).args([
        "--from",
        "the small red fox sleeps under the old bridge .",
        "--to",
        "two white mice hide behind the tall wall .",
        "--points",
        "5",
        "--beam",
        "3",
        "--spherical",
    ]));
    let lines: Vec<&str> = chain.lines().collect();
    assert_eq!(lines.len(), 5, "{chain}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("[new ] ") || l.starts_with("[seen] ")),
        "{chain}"
    );
    let (_, warned) = ok(studio().arg("interpolate").arg(&run).args([
        "--from",
        "the purple fox",
        "--to",
        "a red cat",
        "--points",
        "3",
    ]));
    assert!(warned.contains("purple"), "{warned}");
    let (prior, summary) = ok(studio()
        .arg("generate")
        .arg(&run)
        .args(["--prior", "--count", "8"]));
    assert_eq!(prior.lines().count(), 8, "{prior}");
    assert!(summary.contains("of 8 new"), "{summary}");
    let (sampled, _) = ok(studio().arg("generate").arg(&run).args([
        "--prior",
        "--count",
        "8",
        "--temperature",
        "1.0",
        "--seed",
        "4",
    ]));
    assert_ne!(sampled, prior, "sampling differs from greedy");
    let err = fails(
        studio()
            .arg("generate")
            .arg(&run)
            .args(["--prior", "--temperature=-1"]),
    );
    assert!(err.contains("--temperature"), "{err}");
    let err = fails(studio().arg("generate").arg(&run).args(["--prompt", "the"]));
    assert!(
        err.contains("add --prior") && err.lines().count() == 1,
        "{err}"
    );
    let err = fails(
        studio()
            .arg("interpolate")
            .arg(&run)
            .args(["--from", "a", "--to", "b", "--points", "1"]),
    );
    assert!(err.contains("--points"), "{err}");
    let missing = Path::new("no-such-run");
    let err = fails(
        studio()
            .arg("interpolate")
            .arg(missing)
            .args(["--from", "a", "--to", "b"]),
    );
    assert!(err.contains("no-such-run"), "{err}");
}

#[test]
fn the_sentence_lab_answers_each_question_and_names_what_it_cannot_read() {
    use latent_studio::lab::{LabQuery, LabResult, SentenceAnswer, SentenceQuery};
    let (mut exp, _, _) = trained(SMALL, 100);
    let mut ask = |q: SentenceQuery| match exp.lab(&LabQuery::Sentences(q)) {
        Ok(LabResult::Sentences(a)) => Ok(a),
        Ok(other) => panic!("{other:?}"),
        Err(e) => Err(e.to_string()),
    };
    let Ok(SentenceAnswer::HeldOut(held)) = ask(SentenceQuery::HeldOut { count: 5 }) else {
        panic!("held out")
    };
    assert_eq!(held.len(), 5);
    let walk = ask(SentenceQuery::Homotopy {
        from: held[0].clone(),
        to: "the purple fox sleeps .".into(),
        points: 6,
        beam: 2,
        draws: 2,
        seed: 3,
    });
    let Ok(SentenceAnswer::Homotopy {
        straight,
        circle,
        draws,
        unknown,
    }) = walk
    else {
        panic!("{walk:?}")
    };
    assert_eq!((straight.len(), circle.len(), draws.len()), (6, 6, 6));
    assert!(draws.iter().all(|d| d.len() == 2));
    assert_eq!(unknown, ["purple"]);
    let Ok(SentenceAnswer::Prior(lines)) = ask(SentenceQuery::Prior {
        count: 7,
        beam: 1,
        seed: 2,
    }) else {
        panic!("prior")
    };
    assert_eq!(lines.len(), 7);
    let Ok(SentenceAnswer::Concept { rows, counts }) = ask(SentenceQuery::Concept {
        plus: "Blue".into(),
        minus: "red".into(),
        base: held[0].clone(),
        strengths: vec![0.0, 1.0],
        beam: 1,
    }) else {
        panic!("concept")
    };
    assert_eq!(rows.len(), 2);
    assert!(counts.0 > 50 && counts.1 > 50, "{counts:?}");
    let err = ask(SentenceQuery::Concept {
        plus: "purple".into(),
        minus: "red".into(),
        base: held[0].clone(),
        strengths: vec![1.0],
        beam: 1,
    })
    .unwrap_err();
    assert!(err.contains("purple"), "{err}");
    let Ok(SentenceAnswer::Map {
        texts,
        codes,
        basis,
    }) = ask(SentenceQuery::Map { count: 50 })
    else {
        panic!("map")
    };
    assert_eq!(
        (texts.len(), codes.len(), basis.components.len()),
        (50, 50, 2)
    );
    assert_eq!(texts[..5], held[..]);
    let point = basis.lift((0, 1), [0.5, -0.5]);
    let Ok(SentenceAnswer::Decoded(line)) = ask(SentenceQuery::Decode {
        code: point,
        beam: 1,
    }) else {
        panic!("decode")
    };
    assert!(!line.text.is_empty());
    let err = ask(SentenceQuery::Decode {
        code: vec![0.0; 3],
        beam: 1,
    })
    .unwrap_err();
    assert!(err.contains("latent size of 16"), "{err}");
    let err = ask(SentenceQuery::Reconstruct {
        text: "  ".into(),
        samples: 2,
        beam: 1,
        seed: 1,
    })
    .unwrap_err();
    assert!(err.contains("type a sentence"), "{err}");
}

#[test]
fn the_text_preset_asks_for_a_text_and_learns_the_sentences_of_one() {
    let dir = tempfile::tempdir().expect("dir");
    let err = fails(
        studio()
            .args(["train", "sentence_vae_text", "--steps", "5", "--out"])
            .arg(dir.path().join("none")),
    );
    assert!(
        err.contains("data.path") && err.trim().lines().count() == 1,
        "{err}"
    );
    // Prose of our own: the grammar's sentences as paragraphs, with one too long.
    let mut text = latent_studio::data::sentences::grammar::sentences(400, 2).join(" ");
    text.push_str("\n\nThis sentence runs on and on for far more than twenty words, so the model never sees it at all, not even once.");
    let path = dir.path().join("prose.txt");
    std::fs::write(&path, text).expect("write");
    let run = dir.path().join("run");
    let (out, err) = ok(studio()
        .args(["train", "sentence_vae_text", "--steps", "30", "--out"])
        .arg(&run)
        .args([
            "--set",
            &format!("data.path=\"{}\"", path.display()),
            "--set",
            "eval.every=10",
        ]));
    let log = out + &err;
    assert!(log.contains("finished at step 30"), "{log}");
    let card = ok(studio().args([
        "model",
        "sentence_vae_text",
        "--set",
        &format!("data.path=\"{}\"", path.display()),
    ]))
    .0;
    assert!(
        card.contains(
            "360 training and 40 held-out sentences, 1 longer than data.max_tokens dropped"
        ),
        "{card}"
    );
}
