//! `latent-studio bench <model> [--steps N] [--threads T]`: the training step of a
//! benchmark model, at the shapes of its PyTorch twin in `../shared/bench/` (batch 64),
//! or one sampling run (`*-sample`), timed after a warm-up; prints the median and,
//! last, `steps_per_s=<float>`.

use std::io::Write;
use std::time::Instant;

use anyhow::Context;
use candle_core::Device;
use clap::{Args, ValueEnum};

use crate::experiments::autoencoder::spec::AutoencoderKind;
use crate::experiments::image_gan::spec::GanLoss;
use crate::experiments::{self, ExperimentSpec, StepPart};
use crate::presets;

/// The benchmark models.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BenchModel {
    /// DCGAN 28×28 (`torch_dcgan.py`): one discriminator and one generator update.
    Dcgan,
    /// The convolutional VAE (`torch_vae.py`): one update.
    Vae,
    /// The character LSTM (`torch_charlstm.py`: vocabulary 64, embedding 64, hidden 256,
    /// sequence 100): one update.
    CharLstm,
    /// The PixelCNN preset (binarised 28×28, batch 32): one update.
    Pixelcnn,
    /// DCGAN sampling: the 64-image gallery from fixed noise.
    DcganSample,
    /// Character sampling: 1,000 characters, one at a time.
    CharLstmSample,
    /// PixelCNN sampling: one 28×28 image, pixel by pixel.
    PixelcnnSample,
    /// Style transfer of the studio's pictures at 256 × 192, built-in network: one
    /// Adam iteration (a forward and a backward pass; an L-BFGS iteration adds its
    /// line search's extra evaluations).
    StyleTransfer,
    /// The same at 512 × 384.
    StyleTransfer512,
    /// DeepDream at 256 × 192 (the last octave): one iteration.
    DeepDream,
}

/// Options of `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Which model.
    pub model: BenchModel,
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

/// Runs the benchmark.
pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("thread pool")?;
    let spec = match args.model {
        BenchModel::Dcgan | BenchModel::DcganSample => {
            let mut s = presets::image_gan_default(GanLoss::Gan);
            s.quality.every = 0;
            ExperimentSpec::ImageGan(s)
        }
        BenchModel::Vae => {
            ExperimentSpec::Autoencoder(presets::autoencoder_default(AutoencoderKind::Vae))
        }
        BenchModel::CharLstm | BenchModel::CharLstmSample => {
            let mut s = presets::char_lstm_default();
            s.data.vocab_cap = 64;
            s.sample.length = 1000;
            ExperimentSpec::CharLstm(s)
        }
        BenchModel::Pixelcnn | BenchModel::PixelcnnSample => {
            let mut s = presets::pixel_cnn_default();
            s.sample.count = 1;
            ExperimentSpec::PixelCnn(s)
        }
        BenchModel::StyleTransfer | BenchModel::StyleTransfer512 => {
            let mut s = presets::style_transfer_default();
            s.optimise.optimiser = crate::experiments::style_transfer::PixelOptimiser::Adam;
            if matches!(args.model, BenchModel::StyleTransfer512) {
                s.pictures.size = 512;
            }
            ExperimentSpec::StyleTransfer(s)
        }
        BenchModel::DeepDream => {
            let mut s = presets::deep_dream_default();
            s.dream.octaves = 1;
            s.schedule.steps = 1_000_000;
            ExperimentSpec::DeepDream(s)
        }
    };
    let sampling = matches!(
        args.model,
        BenchModel::DcganSample | BenchModel::CharLstmSample | BenchModel::PixelcnnSample
    );
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
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        // A reader that stops early (`| head -1`) is not an error.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "latent-studio {:?} threads={threads} median_step_ms={:.2}",
            args.model,
            median * 1e3
        );
        let _ = writeln!(out, "steps_per_s={:.4}", 1.0 / median);
        Ok(())
    })
}
