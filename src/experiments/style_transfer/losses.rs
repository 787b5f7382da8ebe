//! The perceptual losses of style transfer, shared by the optimising transfer (one
//! picture) and the fast one (a batch through a transformation network): content
//! (a layer's activations against the content pictures'), style (Gram matrices of
//! several layers against the style picture's) and total variation, each weighted.

use candle_core::Tensor;

use super::spec::{StyleLayers, StyleLossWeights};
use crate::features::FeatureNet;
use crate::nn::gram::gram;
use crate::view::RgbImage;
use crate::{Result, StudioError};

/// The three weighted terms and their sum (a differentiable scalar).
pub struct Losses {
    /// Content + style + TV.
    pub total: Tensor,
    /// The weighted content, style and TV terms.
    pub terms: [f64; 3],
}

impl Losses {
    /// The four training metrics: content, style, TV and their sum.
    pub fn metrics(&self) -> crate::experiments::Metrics {
        let [c, s, tv] = self.terms;
        metrics(c, s, tv)
    }
}

/// Content, style and TV terms as the metrics both transfers report.
pub fn metrics(content: f64, style: f64, tv: f64) -> crate::experiments::Metrics {
    vec![
        ("content_loss", content),
        ("style_loss", style),
        ("tv_loss", tv),
        ("total_loss", content + style + tv),
    ]
}

/// What the losses compare with: the frozen network, its layers and the style
/// picture's Gram matrices (a clone shares its tensors).
#[derive(Clone)]
pub struct Perceptual {
    /// The feature network.
    pub net: FeatureNet,
    layers: StyleLayers,
    /// Content layer, then the style layers.
    wanted: Vec<String>,
    /// One `[1, c, c]` Gram matrix per style layer.
    style_targets: Vec<Tensor>,
}

impl Perceptual {
    /// Checks that `net` has the layers and computes the style picture's Gram matrices.
    pub fn new(
        net: FeatureNet,
        layers: StyleLayers,
        style: &RgbImage,
        device: &candle_core::Device,
    ) -> Result<Self> {
        let names = net.layer_names();
        for layer in std::iter::once(&layers.content).chain(&layers.style) {
            if !names.contains(layer) {
                return Err(StudioError::Spec(format!(
                    "{} has no layer {layer} (it has {})",
                    net.description,
                    names.join(", ")
                )));
            }
        }
        let mut wanted = vec![layers.content.clone()];
        wanted.extend(layers.style.iter().cloned());
        let style_t = super::super::canvas::to_tensor(style, device)?;
        let style_features = net.forward(&style_t, &wanted[1..])?;
        let style_targets = layers
            .style
            .iter()
            .map(|l| match style_features.get(l) {
                Some(f) => Ok(gram(f)?.detach()),
                None => Err(StudioError::Spec(format!("style layer {l} gave nothing"))),
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            net,
            layers,
            wanted,
            style_targets,
        })
    }

    /// The content layer's activations for pictures `[b, 3, h, w]`, cut from the graph.
    pub fn content_target(&self, x: &Tensor) -> Result<Tensor> {
        Ok(self
            .net
            .forward(x, &self.wanted[..1])?
            .remove(&self.layers.content)
            .ok_or_else(|| StudioError::Spec("the content layer gave nothing".into()))?
            .detach())
    }

    /// The weighted losses of pictures `x` `[b, 3, h, w]` against `content_target`
    /// (the content pictures' activations, see [`Perceptual::content_target`]);
    /// each term is a mean over the batch.
    pub fn losses(&self, x: &Tensor, content_target: &Tensor, w: StyleLossWeights) -> Result<Losses> {
        let features = self.net.forward(x, &self.wanted)?;
        let get = |l: &String| {
            features
                .get(l)
                .ok_or_else(|| StudioError::Spec(format!("layer {l} gave nothing")))
        };
        let content = (get(&self.layers.content)? - content_target)?
            .sqr()?
            .mean_all()?;
        let mut style = Tensor::zeros((), candle_core::DType::F32, x.device())?;
        for ((layer, weight), target) in self
            .layers
            .style
            .iter()
            .zip(&self.layers.style_weights)
            .zip(&self.style_targets)
        {
            let g = gram(get(layer)?)?;
            style = (style + (g.broadcast_sub(target)?.sqr()?.mean_all()? * *weight)?)?;
        }
        let tv = super::super::canvas::total_variation(x)?;
        let content = (content * w.content)?;
        let style = (style * w.style)?;
        let tv = (tv * w.tv)?;
        let terms = [
            content.to_scalar::<f32>()? as f64,
            style.to_scalar::<f32>()? as f64,
            tv.to_scalar::<f32>()? as f64,
        ];
        let total = ((content + style)? + tv)?;
        Ok(Losses { total, terms })
    }
}
