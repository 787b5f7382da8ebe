//! What optimising a picture will cost, before anything is built: seconds per
//! iteration and memory, from the network's layer widths and the picture's size.
//! Plain arithmetic, so the UI can show it as the user moves the size slider.

use super::FeatureSource;
use super::built_in;

/// The estimate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Seconds per iteration (one forward and one backward pass).
    pub secs_per_iteration: f64,
    /// Peak memory in megabytes (activations kept for the backward pass, their
    /// gradients, the weights).
    pub megabytes: f64,
}

/// Effective speed of an iteration on the development machine (2 cores), counting
/// forward + backward as three forward passes: `latent-studio stylize --steps 30`
/// took 0.171 s per iteration at 256 × 192 (3.9 GFLOP forward up to conv4_1) and
/// 0.735 s at 512 × 384 (15.7 GFLOP), setup included: ≈ 65 GFLOP/s.
const FLOPS_PER_SEC: f64 = 65e9;

/// Peak memory against the activations and the largest im2col buffer, fitted to
/// the peak resident size `/usr/bin/time -v latent-studio stylize` reported: 495 MB
/// at 256 × 192 and 1,811 MB at 512 × 384 (candle keeps every intermediate of the
/// graph, their gradients, and the convolutions' patch copies).
const MEMORY_BASE_MB: f64 = 56.0;
const MEMORY_FACTOR: f64 = 4.19;

/// `(channels, pool after)` of each convolution up to and including `deepest`.
fn plan(source: &FeatureSource, deepest: &str) -> Vec<(usize, bool)> {
    let (names, widths, pools): (Vec<String>, Vec<usize>, Vec<&str>) = match source {
        FeatureSource::BuiltIn { .. } => (
            built_in::layer_names(),
            built_in::layer_names()
                .iter()
                .enumerate()
                .map(|(i, _)| built_in::BLOCKS[i / 2])
                .collect(),
            vec!["conv1_2", "conv2_2", "conv3_2"],
        ),
        FeatureSource::Vgg { .. } => {
            let names = super::vgg::layer_names(super::vgg::VGG19);
            let widths = names
                .iter()
                .map(|n| match n.as_bytes().get(4) {
                    Some(b'1') => 64,
                    Some(b'2') => 128,
                    Some(b'3') => 256,
                    _ => 512,
                })
                .collect();
            (
                names,
                widths,
                vec!["conv1_2", "conv2_2", "conv3_4", "conv4_4"],
            )
        }
        // A discriminator: strided convolutions (each halves the side), 64 channels
        // doubling (the image GAN's default), on one grey channel.
        FeatureSource::Run { .. } => (
            source.layer_names(),
            vec![64, 128, 256],
            vec!["conv1", "conv2", "conv3"],
        ),
    };
    let mut out = Vec::new();
    for (name, width) in names.iter().zip(widths) {
        out.push((width, pools.contains(&name.as_str())));
        if name == deepest {
            break;
        }
    }
    out
}

/// The cost of one iteration on a `width` × `height` picture through `source` up to
/// layer `deepest`.
pub fn estimate(source: &FeatureSource, width: usize, height: usize, deepest: &str) -> Estimate {
    let (mut h, mut w) = (height as f64, width as f64);
    let (mut flops, mut floats, mut weights, mut columns) = (0.0, 3.0 * h * w, 0.0, 0.0f64);
    let mut c_in = 3.0;
    for (c, pool) in plan(source, deepest) {
        let c = c as f64;
        flops += 2.0 * h * w * c * c_in * 9.0;
        floats += 2.0 * h * w * c; // the convolution's output and the ReLU's
        weights += c * c_in * 9.0;
        columns = columns.max(9.0 * h * w * c.max(c_in));
        c_in = c;
        if pool {
            (h, w) = ((h / 2.0).floor(), (w / 2.0).floor());
            floats += h * w * c;
        }
    }
    // Forward + backward ≈ 3 forward passes.
    Estimate {
        secs_per_iteration: 3.0 * flops / FLOPS_PER_SEC,
        megabytes: MEMORY_BASE_MB + MEMORY_FACTOR * (floats + columns + weights) * 4.0 / 1e6,
    }
}

/// The deepest of `layers` in `source`'s order.
pub fn deepest<'a>(source: &FeatureSource, layers: impl IntoIterator<Item = &'a String>) -> String {
    let names = source.layer_names();
    layers
        .into_iter()
        .filter_map(|l| names.iter().position(|n| n == l))
        .max()
        .and_then(|i| names.get(i).cloned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_grows_with_the_picture_and_the_depth() {
        let src = FeatureSource::default();
        let small = estimate(&src, 256, 256, "conv4_1");
        let big = estimate(&src, 512, 512, "conv4_1");
        let shallow = estimate(&src, 256, 256, "conv1_1");
        // Four times the pixels, four times the work and (nearly) the memory.
        assert!((big.secs_per_iteration / small.secs_per_iteration - 4.0).abs() < 0.1);
        assert!(big.megabytes > 3.2 * small.megabytes);
        // The fit: 256 × 192 measured 0.171 s and 495 MB, 512 × 384 0.735 s and 1,811 MB.
        let measured = estimate(&src, 512, 384, "conv4_1");
        assert!(
            (measured.secs_per_iteration - 0.735).abs() < 0.05,
            "{measured:?}"
        );
        assert!((measured.megabytes - 1811.0).abs() < 120.0, "{measured:?}");
        let small_measured = estimate(&src, 256, 192, "conv4_1");
        assert!(
            (small_measured.megabytes - 495.0).abs() < 50.0,
            "{small_measured:?}"
        );
        assert!(shallow.secs_per_iteration < small.secs_per_iteration / 10.0);
        let vgg = FeatureSource::Vgg {
            path: "vgg19.safetensors".into(),
        };
        assert!(estimate(&vgg, 256, 256, "conv4_1").secs_per_iteration > small.secs_per_iteration);
        assert_eq!(
            deepest(
                &src,
                &["conv2_1".to_string(), "conv4_1".into(), "conv1_1".into()]
            ),
            "conv4_1"
        );
    }
}
