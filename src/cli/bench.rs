//! `latent-studio bench <model> [--steps N] [--threads T]`: the training step of a
//! benchmark model, at the shapes of its PyTorch twin in `../shared/bench/` (batch 64),
//! or one sampling run (`*-sample`), timed after a warm-up; prints the median and,
//! last, `steps_per_s=<float>`. The benchmarks are those the architectures declare in
//! the registry.

use std::io::Write;
use std::time::Instant;

use anyhow::Context;
use candle_core::Device;
use clap::Args;

use crate::experiments::registry::{self, Bench};
use crate::experiments::{self, StepPart};

/// Options of `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Which benchmark (`latent-studio bench --list` names them all).
    #[arg(required_unless_present = "list", value_parser = bench_names())]
    pub model: Option<String>,
    /// List the benchmarks, with what each times.
    #[arg(long)]
    pub list: bool,
    /// Timed steps.
    #[arg(long, default_value_t = 20)]
    pub steps: usize,
    /// Untimed steps first.
    #[arg(long, default_value_t = 3)]
    pub warmup: usize,
    /// Compute threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
}

/// The registry's benchmark names, for the argument parser.
fn bench_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        registry::benches()
            .map(|b| clap::builder::PossibleValue::new(b.name).help(b.about))
            .chain(
                super::bench_runs::BENCHES
                    .iter()
                    .chain([&super::bench_style::BENCH])
                    .map(|(name, about)| clap::builder::PossibleValue::new(*name).help(*about)),
            ),
    )
}

/// Runs the benchmark.
pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    if args.list {
        for b in registry::benches() {
            println!("{:<18} {}", b.name, b.about);
        }
        for (name, about) in super::bench_runs::BENCHES
            .iter()
            .chain([&super::bench_style::BENCH])
        {
            println!("{name:<18} {about}");
        }
        return Ok(());
    }
    let name = args.model.as_deref().unwrap_or_default();
    if super::bench_runs::BENCHES.iter().any(|(n, _)| *n == name) {
        let times = super::bench_runs::run(name, args.steps.max(1), args.warmup)?;
        return report(name, 1, times);
    }
    if name == super::bench_style::BENCH.0 {
        let times = super::bench_style::run(args.steps.max(1), args.warmup)?;
        let threads = rayon::current_num_threads();
        return report(name, threads, times);
    }
    let bench: &Bench = registry::benches()
        .find(|b| b.name == name)
        .with_context(|| format!("no benchmark called {name}"))?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("thread pool")?;
    let spec = (bench.spec)()?;
    let sampling = bench.sampling;
    pool.install(|| {
        let mut exp = experiments::build(&spec, &Device::Cpu)?;
        // A step is one update, or one sample (a gallery, 1,000 characters, one image).
        let once = |exp: &mut Box<dyn experiments::Experiment>, i: u64| -> anyhow::Result<()> {
            if sampling {
                // Steps far apart, so no model serves a cached picture.
                exp.view(i * 1_000_003)?;
            } else {
                exp.step(StepPart::Whole)?;
            }
            Ok(())
        };
        for i in 0..args.warmup {
            once(&mut exp, i as u64)?;
        }
        let mut times = Vec::with_capacity(args.steps);
        for i in 0..args.steps.max(1) {
            let t = Instant::now();
            once(&mut exp, i as u64)?;
            times.push(t.elapsed().as_secs_f64());
        }
        report(name, threads, times)
    })
}

/// Prints the median step and, last, `steps_per_s=…`.
fn report(name: &str, threads: usize, mut times: Vec<f64>) -> anyhow::Result<()> {
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    // A reader that stops early (`| head -1`) is not an error.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "latent-studio {name} threads={threads} median_step_ms={:.2} min_ms={:.2} max_ms={:.2}",
        median * 1e3,
        times[0] * 1e3,
        times[times.len() - 1] * 1e3
    );
    let _ = writeln!(out, "steps_per_s={:.4}", 1.0 / median);
    Ok(())
}
