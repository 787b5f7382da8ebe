//! A network the studio trained, as a feature network: the convolutions of an image
//! GAN's discriminator, read from a run folder's checkpoint. Batch normalisation (in
//! its evaluation form, with the running statistics) is folded into the convolution
//! before it, so the stack is plain convolutions and leaky ReLUs. The layers are
//! `conv1`, `conv2`, … (each halves the picture's side); the final linear layer
//! needs the training size exactly and is left out, so any picture size works.

use std::path::Path;

use candle_core::Device;

use super::spec::OutputActivation;
use crate::experiments::ExperimentSpec;
use crate::experiments::checkpoint;
use crate::features::{Act, FeatureNet};
use crate::nn::fast_conv::ConvGeometry;
use crate::nn::mlp::Activation;
use crate::runs::folder::CHECKPOINT_FILE;
use crate::{Result, StudioError};

/// Batch normalisation's ε (as in [`crate::nn::batch_norm`]).
const EPS: f64 = 1e-5;

/// Reads the discriminator of the image GAN whose run folder is `folder`.
pub fn load(folder: &Path, device: &Device) -> Result<FeatureNet> {
    let path = folder.join(CHECKPOINT_FILE);
    let ckpt = checkpoint::load(&path, device)?;
    let ExperimentSpec::ImageGan(spec) = &ckpt.spec else {
        return Err(StudioError::Spec(format!(
            "{}: a {} run; only an image GAN's discriminator can serve as a feature network",
            folder.display(),
            ckpt.spec.architecture()
        )));
    };
    let get = |name: &str| {
        ckpt.tensors
            .get(name)
            .ok_or_else(|| StudioError::Checkpoint(format!("{}: no tensor {name}", path.display())))
    };
    let act = match spec.model.d_activation {
        Activation::LeakyRelu => Act::LeakyRelu(0.2),
        _ => Act::Relu,
    };
    let mut convs = Vec::new();
    for i in 0.. {
        let stem = format!("d.conv{i}");
        if !ckpt.tensors.contains_key(&format!("{stem}.weight")) {
            break;
        }
        let mut weight = get(&format!("{stem}.weight"))?.clone(); // [out, in, k, k]
        let mut bias = get(&format!("{stem}.bias"))?.clone(); // [out]
        let bn = format!("d.bn{i}");
        if ckpt.tensors.contains_key(&format!("{bn}.weight")) {
            // y = γ·(conv(x) + b − μ)/√(σ² + ε) + β = conv'(x) + b'.
            let gamma = get(&format!("{bn}.weight"))?;
            let beta = get(&format!("{bn}.bias"))?;
            let mean = get(&format!("{bn}.running_mean"))?;
            let var = get(&format!("{bn}.running_var"))?;
            let scale = (gamma / (var + EPS)?.sqrt()?)?; // [out]
            weight = weight.broadcast_mul(&scale.reshape(((), 1, 1, 1))?)?;
            bias = ((bias - mean)? * &scale)?.add(beta)?;
        }
        convs.push((
            format!("conv{}", i + 1),
            weight,
            bias,
            ConvGeometry {
                stride: 2,
                padding: 1,
            },
            act,
        ));
    }
    if convs.is_empty() {
        return Err(StudioError::Checkpoint(format!(
            "{}: no discriminator convolutions (d.conv0.weight)",
            path.display()
        )));
    }
    // The network saw pixels in the generator's range: [−1, 1] for tanh, [0, 1] for σ.
    let (mean, std) = match spec.model.g_output {
        OutputActivation::Tanh => (0.5, 0.5),
        OutputActivation::Sigmoid => (0.0, 1.0),
    };
    FeatureNet::gray_stack(
        convs,
        mean,
        std,
        format!(
            "the discriminator of {} (step {})",
            folder.file_name().map_or_else(
                || folder.display().to_string(),
                |n| n.to_string_lossy().into_owned()
            ),
            ckpt.step
        ),
    )
}
