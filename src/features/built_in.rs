//! The built-in feature network: fixed random 3 × 3 filters in a VGG-shaped stack
//! (four blocks of two convolutions, average pooling between blocks), so features
//! exist at several scales. Random shallow convolutional features reproduce textures
//! well (Ustyuzhaninov et al., ICLR 2017); nothing has to be downloaded or trained.

use crate::nn::rng::SeededRng;
use candle_core::{Device, Tensor};
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

use super::{FeatureNet, Pooling};
use crate::Result;

/// Channels of each block's two convolutions.
pub const BLOCKS: [usize; 4] = [32, 64, 128, 128];

/// The layer names: `conv1_1`, `conv1_2`, … `conv4_2`.
pub fn layer_names() -> Vec<String> {
    (1..=BLOCKS.len())
        .flat_map(|b| (1..=2).map(move |i| format!("conv{b}_{i}")))
        .collect()
}

/// The network for `seed`: He-normal weights (variance 2 / fan-in, so activations
/// keep their scale through the ReLUs) and small random biases.
pub fn network(seed: u64, device: &Device) -> Result<FeatureNet> {
    let mut rng = SeededRng::seed_from_u64(seed);
    let mut convs = Vec::new();
    let mut channels_in = 3;
    let names = layer_names();
    for (i, name) in names.iter().enumerate() {
        let out = BLOCKS[i / 2];
        let fan_in = channels_in * 9;
        let normal = Normal::new(0.0f32, (2.0 / fan_in as f32).sqrt())
            .map_err(|e| crate::StudioError::Spec(e.to_string()))?;
        let w: Vec<f32> = (0..out * fan_in).map(|_| normal.sample(&mut rng)).collect();
        let b: Vec<f32> = (0..out).map(|_| 0.01 * normal.sample(&mut rng)).collect();
        convs.push((
            name.clone(),
            Tensor::from_vec(w, (out, channels_in, 3, 3), device)?,
            Tensor::from_vec(b, out, device)?,
        ));
        channels_in = out;
    }
    FeatureNet::new(
        convs,
        &["conv1_2", "conv2_2", "conv3_2"],
        Pooling::Average,
        ([0.5; 3], [0.25; 3]),
        format!("built-in random filters (seed {seed})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_features_at_every_scale() -> Result<()> {
        let d = Device::Cpu;
        let x = crate::nn::rng::uniform_tensor(1, &[1, 3, 32, 32], &d)?;
        let names = layer_names();
        let a = network(3, &d)?.forward(&x, &names)?;
        let b = network(3, &d)?.forward(&x, &names)?;
        let c = network(4, &d)?.forward(&x, &names)?;
        assert_eq!(a.len(), 8);
        for (name, side) in [
            ("conv1_1", 32),
            ("conv2_1", 16),
            ("conv3_2", 8),
            ("conv4_2", 4),
        ] {
            let t = &a[name];
            assert_eq!(t.dims()[2..], [side, side], "{name}");
            let same = (t - &b[name])?.abs()?.max_all()?.to_scalar::<f32>()?;
            let other = (t - &c[name])?.abs()?.max_all()?.to_scalar::<f32>()?;
            assert_eq!(same, 0.0);
            assert!(other > 0.0);
            // He scaling: activations neither vanish nor blow up with depth.
            let mean = t.mean_all()?.to_scalar::<f32>()?;
            assert!(mean > 1e-3 && mean < 10.0, "{name}: mean activation {mean}");
        }
        Ok(())
    }
}
