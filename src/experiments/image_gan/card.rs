//! DCGAN's model card: its generator and discriminator as `nets.rs` builds them.

use super::spec::{GanLoss, OutputActivation};
use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::experiments::model_card::{Layer, ModelCard, Network, conv, dense, kernels, up_conv};
use crate::experiments::registry::wrong_architecture;

/// Batch norm over `c` channels of `[c, side, side]`: 4 FLOPs per element.
fn batch_norm(name: &str, c: usize, side: usize, then: &str) -> Layer {
    Layer::new(
        format!("batch norm + {then}"),
        &[c, side, side],
        (4 * c * side * side) as u64,
        kernels::BATCH_NORM,
    )
    .with(format!("{name}.weight"), &[c])
    .with(format!("{name}.bias"), &[c])
    .with_buffer(format!("{name}.running_mean"), &[c])
    .with_buffer(format!("{name}.running_var"), &[c])
}

/// The card of an image GAN spec (DCGAN, WGAN, WGAN-GP).
pub fn card(spec: &ExperimentSpec) -> Result<ModelCard> {
    let ExperimentSpec::ImageGan(s) = spec else {
        return Err(wrong_architecture(spec, "ImageGan"));
    };
    let (m, t) = (&s.model, &s.train);
    let (size, channels, k) = (s.data.image_size, s.data.channels, m.kernel);
    let n = if size >= 64 { 3 } else { 2 };

    // The generator: a linear layer to the first feature map, then transposed
    // convolutions that double the side, batch norm between them.
    let mut side = size >> n;
    let top = m.g_channels << (n - 1);
    let mut fc = dense("g.fc", m.latent_dim, top * side * side, "linear + ReLU");
    fc.out = vec![top, side, side];
    let mut g_layers = vec![fc];
    let mut c = top;
    for i in 0..n {
        let last = i == n - 1;
        let out = if last { channels } else { c / 2 };
        let mut up = up_conv(&format!("g.up{i}"), c, out, k, side, "conv-transpose");
        match (last, m.g_output) {
            (false, _) => {}
            (true, OutputActivation::Tanh) => up.op.push_str(" + tanh"),
            (true, OutputActivation::Sigmoid) => up.op.push_str(" + sigmoid"),
        }
        g_layers.push(up);
        side *= 2;
        if !last {
            g_layers.push(batch_norm(&format!("g.bn{i}"), out, side, "ReLU"));
        }
        c = out;
    }

    // The discriminator: stride-2 convolutions, batch norm after the first if
    // asked, a linear layer to one logit.
    let act = format!("{:?}", m.d_activation);
    let mut d_layers = Vec::new();
    let (mut c_in, mut side) = (channels, size);
    for i in 0..n {
        let c_out = m.d_channels << i;
        let out_side = side.div_ceil(2);
        let bn = i > 0 && m.d_batch_norm;
        let mut layer = conv(&format!("d.conv{i}"), c_in, c_out, k, 2, side, "conv");
        if !bn {
            layer.op.push_str(&format!(" + {act}"));
        }
        d_layers.push(layer);
        if bn {
            d_layers.push(batch_norm(&format!("d.bn{i}"), c_out, out_side, &act));
        }
        c_in = c_out;
        side = out_side;
    }
    d_layers.push(dense("d.fc", c_in * side * side, 1, "linear"));

    let d_steps = t.d_steps as f64;
    let g = Network {
        name: "generator G".into(),
        input: vec![m.latent_dim],
        layers: g_layers,
        batch: t.batch_size,
        passes: d_steps + 3.0,
    };
    let d = Network {
        name: if t.loss == GanLoss::Gan {
            "discriminator D".into()
        } else {
            "critic D".into()
        },
        input: vec![channels, size, size],
        layers: d_layers,
        batch: t.batch_size,
        passes: 6.0 * d_steps + 3.0,
    };
    let mut notes = vec![
        format!(
            "a step: {} D update(s) on real and generated images, one G update; a pass with its backward counts as 3 forwards",
            t.d_steps
        ),
        "FLOPs: 2 per multiply–add, 1 per bias add, 4 per element of batch norm; fused activations not counted".into(),
    ];
    if t.loss == GanLoss::WganGp {
        notes.push("WGAN-GP's penalty (a second backward through D) is not counted".into());
    }
    Ok(ModelCard {
        title: format!("{} — image GAN {size} × {size}", s.name),
        sample_flops: g.flops(),
        networks: vec![g, d],
        sample: "image",
        notes,
    })
}
