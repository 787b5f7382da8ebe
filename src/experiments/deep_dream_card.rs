//! DeepDream's card: the picture and the feature network up to the dream's layer,
//! at the last (full-size) octave; the picture tensor as a run starts it (the first,
//! smallest octave).

use super::ExperimentSpec;
use super::model_card::ModelCard;
use super::picture_card::{PictureCard, card as picture_card};
use super::registry::wrong_architecture;
use crate::Result;

/// The card of a DeepDream spec (loads the network and the picture).
pub fn card(spec: &ExperimentSpec) -> Result<ModelCard> {
    let ExperimentSpec::DeepDream(s) = spec else {
        return Err(wrong_architecture(spec, "DeepDream"));
    };
    let net = super::feature_choice::load(&s.network, &candle_core::Device::Cpu)?;
    let picture = s.picture.load(s.size)?;
    let (h, w) = (picture.height, picture.width);
    // The first octave's size, as the dream makes it.
    let n = s.dream.octaves;
    let shrink = s.dream.octave_scale.powi(n.saturating_sub(1) as i32);
    let side = |v: usize| ((v as f64 / shrink).round() as usize).max(16);
    Ok(picture_card(PictureCard {
        title: format!("{} — DeepDream on {}, {w} × {h}", s.name, s.dream.layer),
        tensors: vec![
            ("dream".into(), vec![1, 3, side(h), side(w)]),
            ("octave".into(), vec![1]),
        ],
        height: h,
        width: w,
        net: &net,
        deepest: &s.dream.layer,
        iterations: s.schedule.steps,
        notes: vec![format!(
            "{n} octaves, each {:.2}× the last: the picture starts at {} × {} and ends at {w} × {h}; FLOPs at the full size (the costliest octave)",
            s.dream.octave_scale,
            side(w),
            side(h)
        )],
    }))
}
