//! The independent-pixel baseline's card: one table of logits, a row a pixel.

use super::LOGITS_TENSOR;
use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::experiments::model_card::{Layer, ModelCard, Network};
use crate::experiments::pixel_classes::PALETTE_TENSOR;
use crate::experiments::registry::wrong_architecture;

/// The card of an independent-pixels spec.
pub fn card(spec: &ExperimentSpec) -> Result<ModelCard> {
    let ExperimentSpec::IndependentPixels(s) = spec else {
        return Err(wrong_architecture(spec, "IndependentPixels"));
    };
    let (side, classes) = (s.data.image_size, s.classes());
    let pixels = side * side;
    // Reading a pixel's row and normalising it: about one operation per logit.
    let mut table = Layer::new(
        "logits per pixel (no network)",
        &[classes, side, side],
        (pixels * classes) as u64,
        "a table read (candle)",
    )
    .with(LOGITS_TENSOR, &[pixels, classes]);
    if s.data.channels == 3 {
        table = table.with_buffer(PALETTE_TENSOR, &[classes, 3]);
    }
    let net = Network {
        name: "one categorical distribution a pixel".into(),
        input: vec![],
        layers: vec![table],
        batch: s.train.batch_size,
        passes: 3.0,
    };
    Ok(ModelCard {
        title: format!("{} — independent pixels {side} × {side}", s.name),
        sample_flops: net.flops(),
        networks: vec![net],
        sample: "image",
        notes: vec!["the baseline every pixel model should beat: no pixel sees another".into()],
    })
}
