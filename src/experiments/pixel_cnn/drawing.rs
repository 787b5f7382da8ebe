//! A streamed drawing for the lab: images (or completions of a held-out image) drawn
//! pixel by pixel, a few pixels per update, with the entropy of every pixel's
//! predicted distribution as an uncertainty map.

use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::PixelCnn;
use crate::Result;
use crate::StudioError;
use crate::lab::{DrawRequest, ImageRef, LabResult};
use crate::nn::sampling::draw;
use crate::view::ImageGrid;

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
    rng: StdRng,
    started: Instant,
}

impl Drawing {
    /// Prepares a drawing; nothing is drawn yet.
    pub fn start(pcnn: &PixelCnn, request: &DrawRequest) -> Result<Self> {
        let s = pcnn.side();
        let n = request.count.clamp(1, 36);
        let (levels, keep, original) = match &request.complete {
            None => (vec![0; n * s * s], vec![false; s * s], None),
            Some(image) => {
                let original = match image {
                    ImageRef::HeldOut(i) => pcnn.held_out_levels(*i),
                    ImageRef::Pixels(bytes) if bytes.len() == s * s * pcnn.channels() => {
                        pcnn.classes_of_bytes(bytes)
                    }
                    ImageRef::Pixels(_) => {
                        return Err(StudioError::Spec(format!(
                            "a PixelCNN of {s}×{s}×{} images cannot complete that picture",
                            pcnn.channels()
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
            rng: StdRng::seed_from_u64(request.seed),
            started: Instant::now(),
        })
    }

    /// Draws up to `per_update` pixels (skipping kept ones, within [`CHUNK_TIME`]) and
    /// reports the images so far.
    pub fn advance(&mut self, pcnn: &PixelCnn) -> Result<LabResult> {
        let s = pcnn.side();
        let total = s * s;
        let chunk_start = Instant::now();
        let mut drawn = 0;
        while self.next < total && drawn < self.per_update && chunk_start.elapsed() < CHUNK_TIME {
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

    fn report(&self, pcnn: &PixelCnn) -> LabResult {
        let s = pcnn.side();
        let total = s * s;
        let mut images: Vec<u32> = Vec::with_capacity((self.count + 1) * total);
        let mut heat: Vec<u8> = Vec::with_capacity((self.count + 1) * total);
        // Entropy in units of its maximum, ln(levels).
        let max_entropy = (pcnn.classes() as f32).ln().max(1e-6);
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
        let mut bytes = pcnn.bytes(&images);
        // Pixels not drawn yet show as dark grey.
        let ch = pcnn.channels();
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
