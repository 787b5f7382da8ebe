//! Feature networks for optimising the input: a frozen stack of 3 × 3 convolutions
//! (each followed by ReLU) and 2 × 2 poolings, whose activations style transfer and
//! DeepDream read by layer name (`conv1_1` … `conv5_4`, as in VGG).
//!
//! Where the weights come from ([`FeatureSource`]):
//! - [`built_in`]: fixed random filters, nothing to load;
//! - [`vgg`]: VGG16/VGG19 from a safetensors file (torchvision's or timm's names);
//! - an image GAN's discriminator from one of the studio's run folders (read by
//!   `experiments::image_gan::feature_net`, which knows the GAN's checkpoint;
//!   `experiments::feature_choice::load` builds any of the three).

pub mod built_in;
pub mod estimate;
pub mod vgg;

use std::collections::HashMap;
use std::path::PathBuf;

use candle_core::{DType, Tensor};
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::nn::activations;
use crate::nn::fast_conv::{ConvGeometry, conv2d_fixed_with_bias};

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
    /// The discriminator of an image GAN the studio trained, from its run folder.
    Run {
        /// The run folder.
        folder: PathBuf,
    },
}

impl Default for FeatureSource {
    fn default() -> Self {
        FeatureSource::BuiltIn { seed: 0 }
    }
}

impl FeatureSource {
    /// The layer names such a network has, without reading any file: a VGG's are
    /// VGG19's (VGG16 has all but `conv3_4`, `conv4_4` and `conv5_4`), a trained
    /// discriminator's the most it can have (`conv1` … `conv3`; 28- and 32-pixel ones
    /// stop at `conv2`). Loading the network tells exactly.
    pub fn layer_names(&self) -> Vec<String> {
        match self {
            FeatureSource::BuiltIn { .. } => built_in::layer_names(),
            FeatureSource::Vgg { .. } => vgg::layer_names(vgg::VGG19),
            FeatureSource::Run { .. } => (1..=3).map(|i| format!("conv{i}")).collect(),
        }
    }
}

/// How a network pools between its blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pooling {
    /// 2 × 2 maximum (VGG as trained).
    Max,
    /// 2 × 2 average (smoother gradients for the pixels; Gatys et al. preferred it).
    Average,
}

/// The non-linearity after a convolution.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Act {
    /// max(0, x).
    Relu,
    /// x for x > 0, `slope`·x otherwise.
    LeakyRelu(f64),
}

/// One stage of a feature network.
#[derive(Clone)]
enum Stage {
    /// A convolution and its non-linearity; its output is named.
    Conv {
        name: String,
        weight: Tensor,
        bias: Tensor,
        geometry: ConvGeometry,
        act: Act,
    },
    /// A 2 × 2 pooling, stride 2.
    Pool,
}

/// A frozen feature network (a clone shares its weights).
#[derive(Clone)]
pub struct FeatureNet {
    stages: Vec<Stage>,
    pooling: Pooling,
    /// Per-channel mean and standard deviation the input is normalised with.
    mean: [f32; 3],
    std: [f32; 3],
    /// Whether the network sees one grey channel (the mean of red, green and blue).
    gray: bool,
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
                geometry: ConvGeometry {
                    stride: 1,
                    padding: 1,
                },
                act: Act::Relu,
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
            gray: false,
            description,
        })
    }

    /// A network of grey-input convolutions with their own geometry and
    /// non-linearity (a trained discriminator), no pooling; the input is mapped to
    /// `(x − mean) / std` after averaging its channels.
    pub fn gray_stack(
        convs: Vec<(String, Tensor, Tensor, ConvGeometry, Act)>,
        mean: f32,
        std: f32,
        description: String,
    ) -> Result<Self> {
        let stages = convs
            .into_iter()
            .map(|(name, weight, bias, geometry, act)| {
                Ok(Stage::Conv {
                    name,
                    weight: weight.to_dtype(DType::F32)?,
                    bias: bias.to_dtype(DType::F32)?,
                    geometry,
                    act,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            stages,
            pooling: Pooling::Average,
            mean: [mean; 3],
            std: [std; 3],
            gray: true,
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
        if self.gray {
            h = h.mean_keepdim(1)?; // [b, 1, h, w]
        }
        let mut out = HashMap::new();
        for stage in &self.stages {
            if out.len() == wanted.len() {
                break;
            }
            match stage {
                Stage::Conv {
                    name,
                    weight,
                    bias,
                    geometry,
                    act,
                } => {
                    let y = conv2d_fixed_with_bias(&h, weight, bias, *geometry)?; // [b, out, h', w']
                    h = match act {
                        Act::Relu => activations::relu(&y)?,
                        Act::LeakyRelu(slope) => activations::leaky_relu(&y, *slope)?,
                    };
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

/// One stage of a feature network as its model card shows it: a convolution
/// (`name`, weight `[c_out, c_in, k, k]`) or a 2 × 2 pooling (no name).
#[derive(Clone, Debug, PartialEq)]
pub struct StageInfo {
    /// The convolution's name; `None` for a pooling.
    pub name: Option<String>,
    /// Input channels.
    pub c_in: usize,
    /// Output channels.
    pub c_out: usize,
    /// Kernel side (2 for a pooling).
    pub k: usize,
    /// Stride.
    pub stride: usize,
    /// Padding.
    pub padding: usize,
}

impl FeatureNet {
    /// The stages a forward pass to `deepest` runs, in order, and the channels the
    /// input has (1 for a grey network, 3 otherwise).
    pub fn stages_to(&self, deepest: &str) -> (usize, Vec<StageInfo>) {
        let input = if self.gray { 1 } else { 3 };
        let mut c = input;
        let mut out = Vec::new();
        for stage in &self.stages {
            match stage {
                Stage::Conv {
                    name,
                    weight,
                    geometry,
                    ..
                } => {
                    let dims = weight.dims();
                    let (c_out, c_in, k) = (dims[0], dims[1], dims[2]);
                    out.push(StageInfo {
                        name: Some(name.clone()),
                        c_in,
                        c_out,
                        k,
                        stride: geometry.stride,
                        padding: geometry.padding,
                    });
                    c = c_out;
                    if name == deepest {
                        break;
                    }
                }
                Stage::Pool => out.push(StageInfo {
                    name: None,
                    c_in: c,
                    c_out: c,
                    k: 2,
                    stride: 2,
                    padding: 0,
                }),
            }
        }
        (input, out)
    }
}

/// ImageNet's channel means and standard deviations, which VGG expects.
pub const IMAGENET: ([f32; 3], [f32; 3]) = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
