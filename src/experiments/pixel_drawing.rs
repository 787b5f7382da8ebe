//! A streamed drawing for the lab's Draw tab: images (or completions of a held-out
//! image) drawn pixel by pixel, a few pixels per update, with the entropy of every
//! pixel's predicted distribution as an uncertainty map. Any model that predicts a
//! pixel's class from the pixels drawn before it ([`PixelModel`]) draws this way:
//! PixelCNN, and the independent-pixels baseline (which ignores them).

use std::time::{Duration, Instant};

use crate::nn::rng::SeededRng;
use rand::SeedableRng;

use super::pixel_classes::PixelClasses;
use crate::Result;
use crate::StudioError;
use crate::lab::{DrawRequest, ImageRef, LabQuery, LabResult, LabSlot, PixelQuery};
use crate::nn::sampling::draw;
use crate::view::ImageGrid;

/// A model that draws square pictures pixel by pixel in raster order.
pub trait PixelModel {
    /// Side of its square pictures.
    fn side(&self) -> usize;
    /// How it sees a pixel.
    fn pixel_classes(&self) -> &PixelClasses;
    /// Held-out image `i` as classes, for completions.
    fn held_out_levels(&self, i: usize) -> Vec<u32>;
    /// The first `count` held-out images as the model sees them.
    fn originals(&self, count: usize) -> Vec<crate::view::RgbImage>;
    /// Where the model keeps the drawing it is streaming.
    fn drawing(&mut self) -> &mut Option<Drawing>;
    /// The predicted distribution `[n][classes]` of pixel (`r`, `c`) of each of the
    /// `n` images (`[n · s · s]` classes, those before the pixel drawn).
    fn pixel_distribution(
        &self,
        levels: &[u32],
        n: usize,
        r: usize,
        c: usize,
    ) -> Result<Vec<Vec<f32>>>;
}

/// Answers the Draw tab's questions for `model` (a drawing begins, or held-out
/// originals to complete); a drawing still going stays with the model for [`more`].
/// `what` names the model in the error for other questions.
pub fn answer<M: PixelModel>(model: &mut M, query: &LabQuery, what: &str) -> Result<LabResult> {
    let request = match query {
        LabQuery::Pixels(PixelQuery::Draw(request)) => request,
        LabQuery::Pixels(PixelQuery::Originals { count }) => {
            return Ok(LabResult::Originals(model.originals(*count)));
        }
        _ => {
            return Err(StudioError::Spec(format!(
                "{what} answers drawing requests only"
            )));
        }
    };
    let mut drawing = Drawing::start(&*model, request)?;
    let first = drawing.advance(&*model, CHUNK_TIME)?;
    *model.drawing() = first.is_partial().then_some(drawing);
    Ok(first)
}

/// The next chunk of the drawing `model` is streaming, if one is going; it stays with
/// the model while more is to come.
pub fn more<M: PixelModel>(
    model: &mut M,
    budget: Duration,
) -> Option<(LabSlot, Result<LabResult>)> {
    let mut drawing = model.drawing().take()?;
    let result = drawing.advance(&*model, budget);
    if result.as_ref().is_ok_and(LabResult::is_partial) {
        *model.drawing() = Some(drawing);
    }
    Some((LabSlot::Pixels, result))
}

/// Longest a chunk may take, so the worker can take commands between chunks.
const CHUNK_TIME: Duration = Duration::from_millis(60);

/// A drawing in progress.
pub struct Drawing {
    count: usize,
    levels: Vec<u32>,
    entropy: Vec<f32>,
    keep: Vec<bool>,
    /// The image being completed, shown first.
    original: Option<Vec<u32>>,
    next: usize,
    per_update: usize,
    rng: SeededRng,
    started: Instant,
}

impl Drawing {
    /// Prepares a drawing; nothing is drawn yet.
    pub fn start<M: PixelModel>(pcnn: &M, request: &DrawRequest) -> Result<Self> {
        let s = pcnn.side();
        let classes = pcnn.pixel_classes();
        let n = request.count.clamp(1, 36);
        let (levels, keep, original) = match &request.complete {
            None => (vec![0; n * s * s], vec![false; s * s], None),
            Some(image) => {
                let original = match image {
                    ImageRef::HeldOut(i) => pcnn.held_out_levels(*i),
                    ImageRef::Pixels(bytes) if bytes.len() == s * s * classes.channels() => {
                        classes.of_bytes(bytes)
                    }
                    ImageRef::Pixels(_) => {
                        return Err(StudioError::Spec(format!(
                            "a model of {s}×{s}×{} images cannot complete that picture",
                            classes.channels()
                        )));
                    }
                };
                let keep = request.keep.mask(s);
                let levels = (0..n).flat_map(|_| original.iter().copied()).collect();
                (levels, keep, Some(original))
            }
        };
        Ok(Self {
            count: n,
            levels,
            entropy: vec![0.0; n * s * s],
            keep,
            original,
            next: 0,
            per_update: request.pixels_per_update.max(1),
            rng: SeededRng::seed_from_u64(request.seed),
            started: Instant::now(),
        })
    }

    /// Draws up to `per_update` pixels (skipping kept ones, within `budget` and at
    /// most [`CHUNK_TIME`], at least one) and reports the images so far.
    pub fn advance<M: PixelModel>(&mut self, pcnn: &M, budget: Duration) -> Result<LabResult> {
        let s = pcnn.side();
        let total = s * s;
        let chunk_start = Instant::now();
        let budget = budget.min(CHUNK_TIME);
        let mut drawn = 0;
        while self.next < total
            && drawn < self.per_update
            && (drawn == 0 || chunk_start.elapsed() < budget)
        {
            let k = self.next;
            self.next += 1;
            if self.keep[k] {
                continue;
            }
            let (r, c) = (k / s, k % s);
            let probs = pcnn.pixel_distribution(&self.levels, self.count, r, c)?;
            for (i, p) in probs.iter().enumerate() {
                self.levels[i * total + k] = draw(p, &mut self.rng);
                self.entropy[i * total + k] = -p
                    .iter()
                    .filter(|&&q| q > 0.0)
                    .map(|&q| q * q.ln())
                    .sum::<f32>();
            }
            drawn += 1;
        }
        Ok(self.report(pcnn))
    }

    fn report<M: PixelModel>(&self, pcnn: &M) -> LabResult {
        let s = pcnn.side();
        let classes = pcnn.pixel_classes();
        let total = s * s;
        let mut images: Vec<u32> = Vec::with_capacity((self.count + 1) * total);
        let mut heat: Vec<u8> = Vec::with_capacity((self.count + 1) * total);
        // Entropy in units of its maximum, ln(levels).
        let max_entropy = (classes.classes() as f32).ln().max(1e-6);
        if let Some(o) = &self.original {
            images.extend_from_slice(o);
            heat.extend(std::iter::repeat_n(0, total));
        }
        images.extend_from_slice(&self.levels);
        heat.extend(
            self.entropy
                .iter()
                .map(|e| (e / max_entropy * 255.0).clamp(0.0, 255.0) as u8),
        );
        let shown = images.len() / total;
        let cols = shown.min(6);
        let mut bytes = classes.bytes(&images);
        // Pixels not drawn yet show as dark grey.
        let ch = classes.channels();
        let offset = usize::from(self.original.is_some()) * total;
        for i in 0..self.count {
            for k in self.next..total {
                if !self.keep[k] {
                    let at = (offset + i * total + k) * ch;
                    bytes[at..at + ch].fill(96);
                }
            }
        }
        LabResult::Pixels {
            grid: ImageGrid::tile(0, &bytes, shown, s, s, ch, cols),
            entropy: ImageGrid::tile(0, &heat, shown, s, s, 1, cols),
            drawn: self.next,
            total,
            done: self.next >= total,
            secs: self.started.elapsed().as_secs_f64(),
        }
    }
}
