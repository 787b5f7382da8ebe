//! PixelCNN's card: masked convolutions as `nets.rs` builds them (a 7 × 7 mask-A
//! layer, residual blocks of a 3 × 3 and a 1 × 1 mask-B layer, a 1 × 1 head to
//! each pixel's classes).

use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::experiments::model_card::{Layer, ModelCard, Network};
use crate::experiments::pixel_classes::PALETTE_TENSOR;
use crate::experiments::registry::wrong_architecture;

/// The masked convolutions' kernel.
const MASKED: &str = "nn::masked_conv (masked weights + fast_conv)";

/// A same-size masked convolution on `side × side`.
fn masked(name: &str, c_in: usize, c_out: usize, k: usize, side: usize, what: &str) -> Layer {
    let flops = (2 * c_in * k * k * c_out + c_out) * side * side;
    Layer::new(format!("{what} {k}×{k}"), &[c_out, side, side], flops as u64, MASKED)
        .with(format!("{name}.weight"), &[c_out, c_in, k, k])
        .with(format!("{name}.bias"), &[c_out])
}

/// The card of a PixelCNN spec.
pub fn card(spec: &ExperimentSpec) -> Result<ModelCard> {
    let ExperimentSpec::PixelCnn(s) = spec else {
        return Err(wrong_architecture(spec, "PixelCnn"));
    };
    let (m, side) = (&s.model, s.data.image_size);
    let (h, classes) = (m.channels, s.classes());
    let widen = if m.gated { 2 } else { 1 };
    let mut layers = vec![masked("first", 1, h, 7, side, "masked conv (A)")];
    for i in 0..m.blocks {
        let gate = if m.gated { " (gated: tanh · σ)" } else { " (+ ReLU)" };
        let what = format!("block {i}: masked conv (B){gate}");
        layers.push(masked(&format!("block.{i}.conv"), h, widen * h, 3, side, &what));
        let what = format!("block {i}: masked 1×1 (B), residual add");
        layers.push(masked(&format!("block.{i}.mix"), h, h, 1, side, &what));
    }
    layers.push(masked("head.1", h, h, 1, side, "head (+ ReLU)"));
    let mut head2 = masked("head.2", h, classes, 1, side, "head: logits per class");
    if s.data.channels == 3 {
        head2 = head2.with_buffer(PALETTE_TENSOR, &[classes, 3]);
    }
    layers.push(head2);
    let net = Network {
        name: format!("PixelCNN ({classes} classes a pixel)"),
        input: vec![1, side, side],
        layers,
        batch: s.train.batch_size,
        passes: 3.0,
    };
    let pixels = (side * side) as u64;
    Ok(ModelCard {
        title: format!("{} — PixelCNN {side} × {side}, {} blocks", s.name, m.blocks),
        // Drawing makes a pixel at a time, each a whole forward pass.
        sample_flops: net.flops() * pixels,
        networks: vec![net],
        sample: "image (drawn pixel by pixel: one pass a pixel)",
        notes: vec![
            "a step: one pass with its backward (3 forwards)".into(),
            "FLOPs: 2 per multiply–add (masked-out weights included, as the kernel computes them), 1 per bias add".into(),
        ],
    })
}
