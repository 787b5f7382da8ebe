//! Style transfer's card: the picture and the feature network up to the deepest
//! layer read, at the content picture's size (read as the run reads it).

use super::PIXELS;
use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::experiments::model_card::ModelCard;
use crate::experiments::picture_card::{PictureCard, card as picture_card};
use crate::experiments::registry::wrong_architecture;
use crate::features::estimate::deepest;

/// The card of a style-transfer spec (loads the network and the content picture).
pub fn card(spec: &ExperimentSpec) -> Result<ModelCard> {
    let ExperimentSpec::StyleTransfer(s) = spec else {
        return Err(wrong_architecture(spec, "StyleTransfer"));
    };
    let net = crate::experiments::feature_choice::load(&s.network, &candle_core::Device::Cpu)?;
    let content = s.pictures.content.load(s.pictures.size)?;
    let layers = std::iter::once(&s.layers.content).chain(&s.layers.style);
    let deepest = deepest(&s.network, layers);
    let (h, w) = (content.height, content.width);
    Ok(picture_card(PictureCard {
        title: format!("{} — style transfer, {w} × {h}", s.name),
        tensors: vec![(PIXELS.to_string(), vec![1, 3, h, w])],
        height: h,
        width: w,
        net: &net,
        deepest: &deepest,
        iterations: s.schedule.steps,
        notes: vec![format!(
            "the style picture's features and Gram matrices are computed once at the start (not counted); reads {} for content, {} for style",
            s.layers.content,
            s.layers.style.join(", ")
        )],
    }))
}
