//! Entry point: no arguments opens the window; subcommands run headless.

use clap::Parser;
use latent_studio::cli::{Cli, CliCommand};

/// Training allocates and frees the same large tensors every step. glibc's malloc
/// hands blocks of that size back to the kernel and maps them afresh, so every step
/// page-faulted its tensors in again (a fifth of a DCGAN step in the kernel); mimalloc
/// keeps them. `bench dcgan`: 4.4 → 5.9 steps/s with glibc tuned by `mallopt`, 6.2–6.9
/// with mimalloc, which also kept the gain when the ops changed.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // candle asks for its thread count before every matrix product and, without this
    // variable, reads /proc/cpuinfo each time (5% of a small model's step). Set it once,
    // before any thread starts, from what the process may use.
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get());
        // SAFETY: no other thread exists yet, so nothing reads the environment concurrently.
        unsafe { std::env::set_var("RAYON_NUM_THREADS", n.to_string()) };
    }
    // candle runs large element-wise ops on its own pool, whose threads spin 25,000
    // times after each op before parking: on a small machine the spinning thread takes
    // a core from the products that follow. 1,000 spins: DCGAN 7.1 → 8.0 steps/s, VAE
    // 35 → 41 (`bench`, 2 cores).
    if std::env::var_os("CANDLE_BARRIER_POOL_SPIN_LIMIT").is_none() {
        // SAFETY: no other thread exists yet.
        unsafe { std::env::set_var("CANDLE_BARRIER_POOL_SPIN_LIMIT", "1000") };
    }
    // WGAN-GP's gradient penalty needs second-order gradients, which candle builds only
    // when this is set before a thread's first backward pass.
    if std::env::var_os("CANDLE_GRAD_DO_NOT_DETACH").is_none() {
        // SAFETY: as above, no other thread exists yet.
        unsafe { std::env::set_var("CANDLE_GRAD_DO_NOT_DETACH", "1") };
    }
    let cli = Cli::parse();
    latent_studio::memory_guard::set_forced(cli.force);
    let result = match cli.command {
        Some(CliCommand::Train(args)) => latent_studio::cli::train::run(args),
        Some(CliCommand::Presets) => {
            for p in latent_studio::presets::built_in() {
                println!("{}", p.name());
            }
            Ok(())
        }
        Some(CliCommand::Runs(args)) => latent_studio::cli::runs::run(args),
        Some(CliCommand::Compare(args)) => latent_studio::cli::compare::run(args),
        Some(CliCommand::Sweep(args)) => latent_studio::cli::sweep::run(args),
        Some(CliCommand::Dataset(args)) => latent_studio::cli::dataset::run(args),
        Some(CliCommand::Bench(args)) => latent_studio::cli::bench::run(args),
        Some(CliCommand::Model(args)) => latent_studio::cli::model::run(args),
        Some(CliCommand::Generate(args)) => latent_studio::cli::generate::run(args),
        Some(CliCommand::Interpolate(args)) => latent_studio::cli::sentences::interpolate(args),
        Some(CliCommand::Stylize(args)) => latent_studio::cli::optimise_input::stylize(args),
        Some(CliCommand::Dream(args)) => latent_studio::cli::optimise_input::dream(args),
        Some(CliCommand::Window(args)) => latent_studio::cli::window::run(args),
        None => latent_studio::cli::window::run(latent_studio::cli::WindowArgs::defaults()),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
