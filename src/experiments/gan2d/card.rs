//! The 2-D GAN's model card: its two MLPs as [`super::Gan2d::new`] builds them.

use crate::experiments::ExperimentSpec;
use crate::experiments::model_card::{Layer, ModelCard, Network, dense};
use crate::experiments::registry::wrong_architecture;
use crate::Result;

/// The card of a 2-D GAN spec.
pub fn card(spec: &ExperimentSpec) -> Result<ModelCard> {
    let ExperimentSpec::Gan2d(s) = spec else {
        return Err(wrong_architecture(spec, "Gan2d"));
    };
    let (m, t) = (&s.model, &s.train);
    let d_in = 2 * t.pack + usize::from(t.minibatch_std);
    let mlp = |prefix: &str, sizes: &[usize]| -> Vec<Layer> {
        sizes
            .windows(2)
            .enumerate()
            .map(|(i, w)| dense(&format!("{prefix}.{i}"), w[0], w[1], "linear"))
            .collect()
    };
    let g_sizes: Vec<usize> = [m.latent_dim]
        .into_iter()
        .chain(m.g_hidden.iter().copied())
        .chain([2])
        .collect();
    let d_sizes: Vec<usize> = [d_in]
        .into_iter()
        .chain(m.d_hidden.iter().copied())
        .chain([1])
        .collect();
    let (d_steps, k) = (t.d_steps as f64, t.unrolled_steps as f64);
    let g = Network {
        name: "generator G".into(),
        input: vec![m.latent_dim],
        layers: mlp("g", &g_sizes),
        batch: t.batch_size,
        // Forward only in each D update (and look-ahead), with its backward in G's.
        passes: d_steps + k + 3.0,
    };
    let d = Network {
        name: if t.pack > 1 {
            format!("discriminator D (one sample = a pack of {})", t.pack)
        } else {
            "discriminator D".into()
        },
        input: vec![d_in],
        layers: mlp("d", &d_sizes),
        batch: t.batch_size / t.pack,
        // Real and generated with backward in each D update and look-ahead; one
        // pass with backward in G's update.
        passes: 6.0 * (d_steps + k) + 3.0,
    };
    let mut notes = vec![
        format!(
            "a step: {} D update(s){} and one G update; a pass with its backward counts as 3 forwards",
            t.d_steps,
            if k > 0.0 { format!(", {} look-ahead D update(s)", t.unrolled_steps) } else { String::new() }
        ),
        "FLOPs: 2 per multiply–add, 1 per bias add; activations fused into the products are not counted".into(),
    ];
    if t.loss.is_critic() {
        notes.push("WGAN-GP's penalty (a second backward through D) is not counted".into());
    }
    Ok(ModelCard {
        title: format!("{} — GAN · 2-D", s.name),
        sample_flops: g.flops(),
        networks: vec![g, d],
        sample: "point",
        notes,
    })
}
