//! `latent-studio bench fast-style`: repainting a 256 × 256 picture with the fast
//! style preset's transformation network (its weights do not change the cost), timed
//! after a warm-up, against the optimising transfer of the same picture at its
//! preset's iterations, timed once in the same run; prints both and the ratio.

use std::io::Write;
use std::time::Instant;

use candle_core::Device;

use crate::data::landscapes::LandscapeParams;
use crate::data::pictures::mosaic;
use crate::experiments::ExperimentSpec;
use crate::experiments::fast_style::{self, StyleNet};
use crate::experiments::style_transfer::{self, StyleTransfer};

/// The benchmark's name and what it times.
pub const BENCH: (&str, &str) = (
    "fast-style",
    "repainting a 256 × 256 picture with the fast style network (one forward pass), against the optimising transfer of the same picture at its preset's 150 L-BFGS iterations",
);

/// The side of the picture repainted.
const SIDE: usize = 256;

/// Times `steps` repaintings after `warmup`, then one optimising transfer.
pub fn run(steps: usize, warmup: usize) -> anyhow::Result<Vec<f64>> {
    let ExperimentSpec::FastStyle(spec) = fast_style::ARCHITECTURE.presets[0].spec()? else {
        anyhow::bail!("the fast style preset is of another architecture");
    };
    let device = Device::Cpu;
    let net = StyleNet::new(&spec, &device)?;
    let picture = LandscapeParams::default().draw(SIDE, SIDE);
    let mut times = Vec::new();
    for i in 0..warmup + steps {
        let start = Instant::now();
        std::hint::black_box(net.repaint(&picture)?);
        if i >= warmup {
            times.push(start.elapsed().as_secs_f64());
        }
    }
    let ExperimentSpec::StyleTransfer(slow) = style_transfer::ARCHITECTURE.presets[0].spec()?
    else {
        anyhow::bail!("the style transfer preset is of another architecture");
    };
    let iterations = slow.schedule.steps;
    let style = mosaic(SIDE, SIDE, 7);
    let start = Instant::now();
    let mut transfer = StyleTransfer::from_pictures(slow, picture, &style, &device)?;
    for _ in 0..iterations {
        transfer.iterate()?;
    }
    let optimised = start.elapsed().as_secs_f64();
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    let _ = writeln!(
        std::io::stdout().lock(),
        "optimising transfer of the same {SIDE} × {SIDE} picture ({iterations} L-BFGS iterations): {optimised:.2} s; \
         the network: {:.1} ms; {:.0}× faster",
        median * 1e3,
        optimised / median
    );
    Ok(times)
}
