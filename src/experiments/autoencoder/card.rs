//! The autoencoders' card (plain, denoising, variational): encoder and decoder as
//! `nets.rs` builds them.

use super::spec::AutoencoderKind;
use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::experiments::model_card::{ModelCard, Network, conv, dense, up_conv};
use crate::experiments::registry::wrong_architecture;

/// The card of an autoencoder spec.
pub fn card(spec: &ExperimentSpec) -> Result<ModelCard> {
    let ExperimentSpec::Autoencoder(s) = spec else {
        return Err(wrong_architecture(spec, "Autoencoder"));
    };
    let (c, ch, size) = (s.data.channels, s.model.channels, s.data.image_size);
    let (hidden, d) = (s.model.hidden, s.model.latent_dim);
    let q = size / 4;
    let flat = 2 * ch * q * q;
    let variational = s.model.kind == AutoencoderKind::Vae;
    let mut enc = vec![
        conv("enc.conv1", c, ch, 4, 2, size, "conv (+ ReLU)"),
        conv("enc.conv2", ch, 2 * ch, 4, 2, size / 2, "conv (+ ReLU)"),
        dense("enc.fc", flat, hidden, "linear + ReLU"),
        dense("enc.mu", hidden, d, "linear (μ)"),
    ];
    if variational {
        enc.push(dense("enc.log_var", hidden, d, "linear (log σ²)"));
    }
    let mut fc2 = dense("dec.fc2", hidden, flat, "linear + ReLU");
    fc2.out = vec![2 * ch, q, q];
    let dec = vec![
        dense("dec.fc1", d, hidden, "linear + ReLU"),
        fc2,
        up_conv("dec.up1", 2 * ch, ch, 4, q, "conv-transpose (+ ReLU)"),
        up_conv("dec.up2", ch, c, 4, 2 * q, "conv-transpose (logits)"),
    ];
    let batch = s.train.batch_size;
    let encoder = Network {
        name: if variational { "encoder q(z|x)".into() } else { "encoder".into() },
        input: vec![c, size, size],
        layers: enc,
        batch,
        passes: 3.0,
    };
    let decoder = Network {
        name: if variational { "decoder p(x|z)".into() } else { "decoder".into() },
        input: vec![d],
        layers: dec,
        batch,
        passes: 3.0,
    };
    let kind = match s.model.kind {
        AutoencoderKind::Plain => "autoencoder",
        AutoencoderKind::Denoising => "denoising autoencoder",
        AutoencoderKind::Vae => "VAE",
    };
    Ok(ModelCard {
        title: format!("{} — {kind}, {size} × {size}, code of {d}", s.name),
        sample_flops: decoder.flops(),
        networks: vec![encoder, decoder],
        sample: "image (decoded from a code)",
        notes: vec![
            "a step: one pass with its backward through encoder and decoder (3 forwards each)".into(),
            "FLOPs: 2 per multiply–add, 1 per bias add; fused ReLUs, the sampling of z and the loss not counted".into(),
        ],
    })
}
