//! Feature networks for optimising the input: a frozen stack of 3 × 3 convolutions
//! (each followed by ReLU) and 2 × 2 poolings, whose activations style transfer and
//! DeepDream read by layer name (`conv1_1` … `conv5_4`, as in VGG).
//!
//! Where the weights come from ([`FeatureSource`]):
//! - [`built_in`]: fixed random filters, nothing to load;
//! - [`vgg`]: VGG16/VGG19 from a safetensors file (torchvision's or timm's names).

pub mod built_in;
pub mod estimate;
pub mod vgg;

use std::collections::HashMap;
use std::path::PathBuf;

use candle_core::{DType, Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::nn::fast_conv::{ConvGeometry, conv2d_fixed};

/// Where a feature network's weights come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FeatureSource {
    /// Fixed random filters in a VGG-shaped stack, the same for the same seed.
    BuiltIn {
        /// Seeds the filters.
        seed: u64,
    },
    /// VGG16 or VGG19 weights in a safetensors file.
    Vgg {
        /// The file.
        path: PathBuf,
    },
}

impl Default for FeatureSource {
    fn default() -> Self {
        FeatureSource::BuiltIn { seed: 0 }
    }
}

impl FeatureSource {
    /// Builds (or reads) the network on `device`.
    pub fn load(&self, device: &Device) -> Result<FeatureNet> {
        match self {
            FeatureSource::BuiltIn { seed } => built_in::network(*seed, device),
            FeatureSource::Vgg { path } => vgg::load(path, device),
        }
    }

    /// The layer names such a network has (without loading a file: a VGG's are
    /// VGG19's, of which VGG16 has all but `conv3_4`, `conv4_4` and `conv5_4`).
    pub fn layer_names(&self) -> Vec<String> {
        match self {
            FeatureSource::BuiltIn { .. } => built_in::layer_names(),
            FeatureSource::Vgg { .. } => vgg::layer_names(vgg::VGG19),
        }
    }
}

/// Loads the network `source` names and describes it (for a front end checking a
/// file the user chose, off its UI thread).
pub fn describe(source: &FeatureSource) -> Result<String> {
    let net = source.load(&Device::Cpu)?;
    Ok(format!(
        "{}: {} layers, {} … {}",
        net.description,
        net.layer_names().len(),
        net.layer_names().first().cloned().unwrap_or_default(),
        net.layer_names().last().cloned().unwrap_or_default()
    ))
}

/// How a network pools between its blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pooling {
    /// 2 × 2 maximum (VGG as trained).
    Max,
    /// 2 × 2 average (smoother gradients for the pixels; Gatys et al. preferred it).
    Average,
}

/// One stage of a feature network.
enum Stage {
    /// A 3 × 3 convolution (padding 1) and a ReLU; its output is named.
    Conv {
        name: String,
        weight: Tensor,
        bias: Tensor,
    },
    /// A 2 × 2 pooling, stride 2.
    Pool,
}

/// A frozen feature network.
pub struct FeatureNet {
    stages: Vec<Stage>,
    pooling: Pooling,
    /// Per-channel mean and standard deviation the input is normalised with.
    mean: [f32; 3],
    std: [f32; 3],
    /// What it is, for the UI.
    pub description: String,
}

impl FeatureNet {
    /// A network of `convs` (name, weight `[out, in, 3, 3]`, bias `[out]`) with a pooling
    /// after each name listed in `pool_after`.
    fn new(
        convs: Vec<(String, Tensor, Tensor)>,
        pool_after: &[&str],
        pooling: Pooling,
        normalise: ([f32; 3], [f32; 3]),
        description: String,
    ) -> Result<Self> {
        let mut stages = Vec::new();
        for (name, weight, bias) in convs {
            let pool = pool_after.contains(&name.as_str());
            stages.push(Stage::Conv {
                name,
                weight: weight.to_dtype(DType::F32)?,
                bias: bias.to_dtype(DType::F32)?,
            });
            if pool {
                stages.push(Stage::Pool);
            }
        }
        Ok(Self {
            stages,
            pooling,
            mean: normalise.0,
            std: normalise.1,
            description,
        })
    }

    /// Every layer's name, in order.
    pub fn layer_names(&self) -> Vec<String> {
        self.stages
            .iter()
            .filter_map(|s| match s {
                Stage::Conv { name, .. } => Some(name.clone()),
                Stage::Pool => None,
            })
            .collect()
    }

    /// Channels of layer `name`.
    pub fn channels(&self, name: &str) -> Option<usize> {
        self.stages.iter().find_map(|s| match s {
            Stage::Conv {
                name: n, weight, ..
            } if n == name => weight.dims().first().copied(),
            _ => None,
        })
    }

    /// The activations (after ReLU) of the layers in `wanted`, for pictures
    /// `[b, 3, h, w]` with values in [0, 1]; stops after the last one wanted.
    pub fn forward(&self, x: &Tensor, wanted: &[String]) -> Result<HashMap<String, Tensor>> {
        let device = x.device();
        let mean = Tensor::from_slice(&self.mean, (1, 3, 1, 1), device)?;
        let std = Tensor::from_slice(&self.std, (1, 3, 1, 1), device)?;
        let mut h = x.broadcast_sub(&mean)?.broadcast_div(&std)?; // [b, 3, h, w]
        let mut out = HashMap::new();
        let geometry = ConvGeometry {
            stride: 1,
            padding: 1,
        };
        for stage in &self.stages {
            if out.len() == wanted.len() {
                break;
            }
            match stage {
                Stage::Conv { name, weight, bias } => {
                    h = conv2d_fixed(&h, weight, geometry)?
                        .broadcast_add(&bias.reshape((1, (), 1, 1))?)?
                        .relu()?; // [b, out, h, w]
                    if wanted.contains(name) {
                        out.insert(name.clone(), h.clone());
                    }
                }
                Stage::Pool => {
                    h = match self.pooling {
                        Pooling::Max => h.max_pool2d(2)?,
                        Pooling::Average => h.avg_pool2d(2)?,
                    }; // [b, c, h/2, w/2]
                }
            }
        }
        Ok(out)
    }
}

/// ImageNet's channel means and standard deviations, which VGG expects.
pub const IMAGENET: ([f32; 3], [f32; 3]) = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
