//! The card of an experiment that optimises a picture (style transfer, DeepDream):
//! the picture is the model's only trained tensor, read through a frozen feature
//! network whose stages (from the network itself, loaded as the run would) are
//! listed with their shapes at the picture's size.

use crate::experiments::model_card::{Layer, ModelCard, Network, kernels};
use crate::features::FeatureNet;

/// What the card is made of.
pub struct PictureCard<'a> {
    /// The card's title.
    pub title: String,
    /// The checkpoint tensors of the picture (name, shape), the first its pixels.
    pub tensors: Vec<(String, Vec<usize>)>,
    /// The picture's height and width as optimised.
    pub height: usize,
    /// See `height`.
    pub width: usize,
    /// The network and the deepest layer read.
    pub net: &'a FeatureNet,
    /// See `net`.
    pub deepest: &'a str,
    /// Iterations of the whole optimisation.
    pub iterations: u64,
    /// Notes for the card.
    pub notes: Vec<String>,
}

/// Builds the card.
pub fn card(p: PictureCard<'_>) -> ModelCard {
    let mut picture = Layer::new("the picture (optimised)", &[3, p.height, p.width], 0, "—");
    for (name, dims) in &p.tensors {
        picture = picture.with(name.clone(), dims);
    }
    // Tensors after the pixels (a counter) are kept, not trained.
    picture.buffers = p.tensors.len().saturating_sub(1);
    let (input, stages) = p.net.stages_to(p.deepest);
    let (mut h, mut w) = (p.height, p.width);
    let mut layers = Vec::new();
    for s in stages {
        let out = |v: usize| (v + 2 * s.padding).saturating_sub(s.k) / s.stride + 1;
        if s.name.is_none() {
            (h, w) = (h / 2, w / 2);
            layers.push(Layer::new(
                "pool 2×2",
                &[s.c_out, h, w],
                (s.c_out * h * w * 4) as u64,
                kernels::ACTIVATION,
            ));
            continue;
        }
        (h, w) = (out(h), out(w));
        let weights = s.c_out * s.c_in * s.k * s.k + s.c_out;
        let flops = (2 * s.c_in * s.k * s.k + 1) * s.c_out * h * w;
        let name = s.name.unwrap_or_default();
        let stride = if s.stride > 1 {
            format!(" /{}", s.stride)
        } else {
            String::new()
        };
        layers.push(Layer::new(
            format!("{name} {0}×{0}{stride} (frozen, {weights} weights)", s.k),
            &[s.c_out, h, w],
            flops as u64,
            kernels::CONV,
        ));
    }
    let net = Network {
        name: format!(
            "feature network, frozen ({} input channels): {}",
            input, p.net.description
        ),
        input: vec![3, p.height, p.width],
        layers,
        batch: 1,
        passes: 3.0,
    };
    let picture = Network {
        name: "the picture".into(),
        input: vec![],
        layers: vec![picture],
        batch: 1,
        passes: 0.0,
    };
    let step = net.flops() * 3;
    let mut notes = vec![
        "a step: one pass with its backward through the network to the deepest layer read (3 forwards); L-BFGS may evaluate more than once a step".into(),
        "the network's weights are fixed and not in the checkpoint: only the picture is".into(),
    ];
    notes.extend(p.notes);
    ModelCard {
        title: p.title,
        sample_flops: step * p.iterations,
        networks: vec![picture, net],
        sample: "picture (every iteration)",
        notes,
    }
}
