//! The latent lab's answers for an autoencoder: the encoded held-out set, decoded
//! points, interpolations, concept vectors and prior samples.

use candle_core::Tensor;
use rand::SeedableRng;
use crate::nn::rng::SeededRng;

use super::{Autoencoder, randn};
use crate::experiments::image_data;
use crate::lab::LatentQuery;
use crate::lab::{ImageRef, LabQuery, LabResult, LatentBasis, LatentMap, Selection, lerp, slerp};
use crate::view::{ImageGrid, RgbImage};
use crate::{Result, StudioError};

/// Most principal components a map offers as axes.
const MAP_COMPONENTS: usize = 8;
/// Most images in one answer.
const MAX_IMAGES: usize = 400;
/// Most held-out images averaged for one end of a concept vector.
const CONCEPT_IMAGES: usize = 300;

/// Answers one lab query.
pub(super) fn answer(ae: &Autoencoder, query: &LabQuery) -> Result<LabResult> {
    match query {
        LabQuery::Latent(LatentQuery::Map { max_points, thumbs }) => map(ae, *max_points, *thumbs),
        LabQuery::Latent(LatentQuery::Decode { codes, cols, .. }) => {
            let z = codes_tensor(ae, codes)?;
            images(ae, &z, *cols)
        }
        LabQuery::Latent(LatentQuery::Encode { images: refs, .. }) => {
            let x = images_tensor(ae, refs)?;
            let z = ae.encode(&x)?;
            images(ae, &z, refs.len())
        }
        LabQuery::Latent(LatentQuery::Interpolate {
            a,
            b,
            steps,
            spherical,
        }) => {
            let steps = (*steps).clamp(2, 64);
            let ends = ae.encode(&images_tensor(ae, &[a.clone(), b.clone()])?)?;
            let ends = ends.to_vec2::<f32>()?;
            let path: Vec<Vec<f32>> = (0..steps)
                .map(|i| {
                    let t = i as f32 / (steps - 1) as f32;
                    if *spherical {
                        slerp(&ends[0], &ends[1], t)
                    } else {
                        lerp(&ends[0], &ends[1], t)
                    }
                })
                .collect();
            images(ae, &codes_tensor(ae, &path)?, steps)
        }
        LabQuery::Latent(LatentQuery::Concept {
            plus,
            minus,
            base,
            strengths,
        }) => {
            let direction = concept_vector(ae, plus, minus)?;
            let code = ae.encode(&images_tensor(ae, std::slice::from_ref(base))?)?;
            let code = code.to_vec2::<f32>()?.remove(0);
            let row: Vec<Vec<f32>> = strengths
                .iter()
                .take(MAX_IMAGES)
                .map(|s| {
                    code.iter()
                        .zip(&direction)
                        .map(|(c, d)| c + s * d)
                        .collect()
                })
                .collect();
            images(ae, &codes_tensor(ae, &row)?, row.len().max(1))
        }
        LabQuery::Text(_) => Err(StudioError::Spec(
            "an autoencoder does not write text".into(),
        )),
        LabQuery::Pixels(_) => Err(StudioError::Spec(
            "an autoencoder does not draw pixel by pixel".into(),
        )),
        LabQuery::Sentences(_) => Err(StudioError::Spec(
            "an image autoencoder has no sentences".into(),
        )),
        LabQuery::Stylize(_) => Err(StudioError::Spec(
            "an autoencoder does not repaint pictures".into(),
        )),
        // Answered by the experiment itself (it holds the quality probe).
        LabQuery::Nearest { .. } => Err(StudioError::Spec(
            "the nearest training images are found by the experiment".into(),
        )),
        LabQuery::Latent(LatentQuery::Prior { count, seed }) => {
            let n = (*count).clamp(1, MAX_IMAGES);
            let mut rng = SeededRng::seed_from_u64(*seed);
            let z = randn(&mut rng, &[n, ae.spec.model.latent_dim], &ae.device)?;
            images(ae, &z, (n as f64).sqrt().ceil() as usize)
        }
    }
}

/// mean code of `plus` − mean code of `minus`.
pub(super) fn concept_vector(
    ae: &Autoencoder,
    plus: &Selection,
    minus: &Selection,
) -> Result<Vec<f32>> {
    let p = mean_code(ae, plus)?;
    let m = mean_code(ae, minus)?;
    Ok(p.iter().zip(&m).map(|(a, b)| a - b).collect())
}

fn mean_code(ae: &Autoencoder, selection: &Selection) -> Result<Vec<f32>> {
    let refs: Vec<ImageRef> = match selection {
        Selection::Images(refs) => refs.clone(),
        Selection::Label(label) => (0..ae.held_out.len())
            .filter(|&i| ae.held_out.label(i) == Some(*label))
            .take(CONCEPT_IMAGES)
            .map(ImageRef::HeldOut)
            .collect(),
    };
    if refs.is_empty() {
        let what = match selection {
            Selection::Label(l) => format!("no held-out image has the label {l}"),
            Selection::Images(_) => "no images chosen".into(),
        };
        return Err(StudioError::Spec(format!(
            "a concept needs examples: {what}"
        )));
    }
    let z = ae.encode(&images_tensor(ae, &refs)?)?;
    Ok(z.mean(0)?.to_vec1::<f32>()?)
}

fn map(ae: &Autoencoder, max_points: usize, thumbs: usize) -> Result<LabResult> {
    let n = max_points.clamp(1, ae.held_out.len());
    let mut codes = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(250) {
        let x = image_data::batch(&ae.held_out, chunk, 0.0, 1.0, &ae.device)?;
        codes.extend(ae.encode(&x)?.to_vec2::<f32>()?);
    }
    let dim = ae.spec.model.latent_dim;
    let basis = LatentBasis::fit(&codes, dim, MAP_COMPONENTS);
    let projected = codes.iter().map(|c| basis.project(c)).collect();
    let set = &ae.held_out;
    let thumbs = (0..thumbs.min(set.len()))
        .map(|i| RgbImage::from_channels(set.image(i), set.width, set.height, set.channels))
        .collect();
    Ok(LabResult::Map(Box::new(LatentMap {
        dim,
        codes,
        projected,
        labels: (0..n).map(|i| set.label(i)).collect(),
        class_names: set.class_names.clone(),
        basis,
        thumbs,
    })))
}

/// Decodes codes `[n, d]` into a grid of `cols` columns, sending the codes along.
fn images(ae: &Autoencoder, z: &Tensor, cols: usize) -> Result<LabResult> {
    let n = z.dim(0)?;
    let bytes = image_data::to_bytes(&ae.decode(z)?)?;
    let (s, c) = (ae.spec.data.image_size, ae.spec.data.channels);
    Ok(LabResult::Images {
        grid: ImageGrid::tile(0, &bytes, n, s, s, c, cols.clamp(1, n.max(1))),
        codes: z.to_vec2::<f32>()?,
    })
}

fn codes_tensor(ae: &Autoencoder, codes: &[Vec<f32>]) -> Result<Tensor> {
    let d = ae.spec.model.latent_dim;
    if codes.is_empty() || codes.len() > MAX_IMAGES {
        return Err(StudioError::Spec(format!(
            "between 1 and {MAX_IMAGES} codes at a time, not {}",
            codes.len()
        )));
    }
    if let Some(bad) = codes.iter().find(|c| c.len() != d) {
        return Err(StudioError::Spec(format!(
            "a code of size {} for a latent size of {d}",
            bad.len()
        )));
    }
    let flat: Vec<f32> = codes.iter().flatten().copied().collect();
    Ok(Tensor::from_vec(flat, (codes.len(), d), &ae.device)?)
}

/// The images referred to, `[n, c, s, s]` with pixels in [0, 1].
fn images_tensor(ae: &Autoencoder, refs: &[ImageRef]) -> Result<Tensor> {
    let set = &ae.held_out;
    let len = set.image_len();
    let mut bytes = Vec::with_capacity(refs.len() * len);
    for r in refs {
        match r {
            ImageRef::HeldOut(i) if *i < set.len() => bytes.extend_from_slice(set.image(*i)),
            ImageRef::HeldOut(i) => {
                return Err(StudioError::Spec(format!(
                    "there is no held-out image {i} (there are {})",
                    set.len()
                )));
            }
            ImageRef::Pixels(p) if p.len() == len => bytes.extend_from_slice(p),
            ImageRef::Pixels(p) => {
                return Err(StudioError::Spec(format!(
                    "an image of {} bytes where the model takes {}×{}×{}",
                    p.len(),
                    set.width,
                    set.height,
                    set.channels
                )));
            }
        }
    }
    let one = crate::data::ImageSet {
        width: set.width,
        height: set.height,
        channels: set.channels,
        pixels: bytes,
        labels: None,
        class_names: Vec::new(),
    };
    let indices: Vec<usize> = (0..refs.len()).collect();
    image_data::batch(&one, &indices, 0.0, 1.0, &ae.device)
}
