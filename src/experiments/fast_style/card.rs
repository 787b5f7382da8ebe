//! The fast style transfer's card: the transformation network as `net.rs` plans it
//! (each convolution with its instance norm), then the frozen feature network the
//! losses read, at the training pictures' size.

use super::net::plan;
use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::experiments::model_card::{Layer, ModelCard, Network, kernels};
use crate::experiments::picture_card::{PictureCard, card as picture_card};
use crate::experiments::registry::wrong_architecture;
use crate::features::estimate::deepest;

/// The card of a fast style transfer spec (loads the feature network).
pub fn card(spec: &ExperimentSpec) -> Result<ModelCard> {
    let ExperimentSpec::FastStyle(s) = spec else {
        return Err(wrong_architecture(spec, "FastStyle"));
    };
    let (height, width) = (s.height(), s.content.size);
    let (mut h, mut w) = (height, width);
    let half = (height.div_ceil(2), width.div_ceil(2));
    let mut layers = Vec::new();
    for p in plan(s.model) {
        if p.upsample {
            (h, w) = if p.name == "up.0" { half } else { (height, width) };
        }
        (h, w) = (h.div_ceil(p.stride), w.div_ceil(p.stride));
        // A resize-convolution reads 2 × 2 pixels of the small picture per output pixel.
        let taps = if p.upsample { 4 } else { p.k * p.k };
        let flops = (2 * p.c_in * taps + 1) * p.c_out * h * w;
        let up = if p.upsample { "double, " } else { "" };
        let stride = if p.stride > 1 { " /2" } else { "" };
        let mut layer = Layer::new(
            format!("{}: {up}conv {1}×{1}{stride}", p.name, p.k),
            &[p.c_out, h, w],
            flops as u64,
            kernels::CONV,
        )
        .with(format!("{}.weight", p.name), &[p.c_out, p.c_in, p.k, p.k])
        .with(format!("{}.bias", p.name), &[p.c_out]);
        if p.norm {
            layer = layer
                .with(format!("{}.norm.weight", p.name), &[p.c_out])
                .with(format!("{}.norm.bias", p.name), &[p.c_out]);
            layers.push(layer);
            layers.push(Layer::new(
                "instance norm + ReLU",
                &[p.c_out, h, w],
                (5 * p.c_out * h * w) as u64,
                kernels::BATCH_NORM,
            ));
        } else {
            layers.push(layer);
        }
    }
    let transform = Network {
        name: "transformation network".into(),
        input: vec![3 + s.model.noise, height, width],
        layers,
        batch: s.train.batch_size,
        passes: 3.0,
    };
    let net = crate::experiments::feature_choice::load(&s.network, &candle_core::Device::Cpu)?;
    let read = std::iter::once(&s.layers.content).chain(&s.layers.style);
    let deepest = deepest(&s.network, read);
    let features = picture_card(PictureCard {
        title: String::new(),
        tensors: Vec::new(),
        height,
        width,
        net: &net,
        deepest: &deepest,
        iterations: 1,
        notes: Vec::new(),
    });
    let mut networks = vec![transform];
    if let Some(mut f) = features.networks.into_iter().nth(1) {
        // The content pictures' forward pass, then the output's with its backward.
        f.batch = s.train.batch_size;
        f.passes = 4.0;
        networks.push(f);
    }
    let sample_flops = networks[0].flops();
    Ok(ModelCard {
        title: format!(
            "{} — fast style transfer, {width} × {height}, width {}, {} residual blocks, {} noise channels",
            s.name, s.model.width, s.model.blocks, s.model.noise
        ),
        networks,
        sample: "picture repainted (one forward pass, at the training size)",
        sample_flops,
        notes: vec![
            "a step: the transformation network's pass with its backward (3 forwards); the feature network's pass over the content pictures (1) and over the output with its backward (3)".into(),
            "the feature network is frozen and not in the checkpoint".into(),
        ],
    })
}
