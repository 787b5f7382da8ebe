//! Lab queries and answers, as plain data between a front end and the worker.

use crate::nn::sampling::Sampling;
use crate::view::{ImageGrid, RgbImage};

use super::LatentBasis;

/// Which part of the lab a query serves. A newer query for a slot replaces an older
/// one that is still queued (the latest slider position wins), and the answer comes
/// back to the same slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabSlot {
    /// The latent map: the held-out set encoded.
    Map,
    /// The image under the pointer on the map.
    MapPoint,
    /// Images decoded over a grid of the map.
    MapTiles,
    /// The image of the per-dimension sliders.
    Sliders,
    /// An interpolation strip.
    Interpolation,
    /// A concept vector applied with several strengths.
    Concept,
    /// Samples from the prior.
    Prior,
    /// Generated text.
    Text,
    /// Generated text, the same prompt and seed in several columns.
    TextColumns,
    /// The next-character distribution.
    NextChar,
    /// Images drawn pixel by pixel.
    Pixels,
    /// Held-out images to pick one from, as the model sees them.
    Originals,
    /// The training images nearest a gallery sample (the memorisation check).
    Nearest,
    /// A typed sentence written back from its code.
    Reconstruct,
    /// A picture repainted by a style network.
    Repaint,
    /// The live view: a landscape repainted as its sliders move.
    Live,
}

/// An image the lab works on.
#[derive(Clone, Debug, PartialEq)]
pub enum ImageRef {
    /// Image `i` of the held-out set.
    HeldOut(usize),
    /// An image given by its bytes, in the dataset's size and channels (`[h, w, c]`),
    /// e.g. a file the user dropped.
    Pixels(Vec<u8>),
}

/// A set of images whose mean code is one end of a concept vector.
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    /// Every held-out image with this label (up to a few hundred).
    Label(u32),
    /// Images chosen one by one.
    Images(Vec<ImageRef>),
}

/// A question of the lab, by the tool that asks it.
#[derive(Clone, Debug, PartialEq)]
pub enum LabQuery {
    /// The latent lab (an autoencoder's codes).
    Latent(LatentQuery),
    /// The Generate tab (a character model's text).
    Text(TextQuery),
    /// The Draw tab (a model that draws pixel by pixel).
    Pixels(PixelQuery),
    /// The sentence lab (a sentence VAE).
    Sentences(super::SentenceQuery),
    /// The Repaint tab (a fast style transfer's network).
    Stylize(super::StylizeQuery),
    /// The training images nearest a generated image, by the quality classifier's
    /// features and by pixels: is the sample new, or a copy?
    Nearest {
        /// The image's bytes, in the dataset's size and channels (`[h, w, c]`).
        image: Vec<u8>,
    },
}

/// A question about a trained model's latent space.
#[derive(Clone, Debug, PartialEq)]
pub enum LatentQuery {
    /// Encode up to `max_points` held-out images; send the codes, their labels, a
    /// principal-component basis and the first `thumbs` images as thumbnails.
    Map {
        /// Held-out images to encode.
        max_points: usize,
        /// Thumbnails to send, to pick images from.
        thumbs: usize,
    },
    /// Decode codes into a grid of `cols` columns.
    Decode {
        /// Where the answer goes.
        slot: LabSlot,
        /// Latent codes, each of the model's latent size.
        codes: Vec<Vec<f32>>,
        /// Columns of the answer's grid.
        cols: usize,
    },
    /// Encode images (the mean of q(z|x)) and send the codes and the reconstructions.
    Encode {
        /// Where the answer goes.
        slot: LabSlot,
        /// The images.
        images: Vec<ImageRef>,
    },
    /// Decode `steps` points from the code of `a` to the code of `b`.
    Interpolate {
        /// First end.
        a: ImageRef,
        /// Last end.
        b: ImageRef,
        /// Points, ends included (at least 2).
        steps: usize,
        /// Along the great circle (slerp) instead of the straight line.
        spherical: bool,
    },
    /// The concept vector mean(plus) − mean(minus), added to the code of `base` with
    /// each strength, decoded in a row.
    Concept {
        /// Images that have the concept.
        plus: Selection,
        /// Images that lack it.
        minus: Selection,
        /// The image to change.
        base: ImageRef,
        /// Multiples of the vector to add (0 = the base's reconstruction).
        strengths: Vec<f32>,
    },
    /// Decode `count` codes drawn from the prior with `seed`.
    Prior {
        /// Samples.
        count: usize,
        /// Seed of the draw.
        seed: u64,
    },
}

/// A question for a model that writes text.
#[derive(Clone, Debug, PartialEq)]
pub enum TextQuery {
    /// Generate text, one column per sampling rule, all from the same prompt and
    /// seed; the answer streams in as [`LabResult::Text`] chunks.
    Generate(TextRequest),
    /// The next-character distribution after `context`, before and after `rule`.
    NextChar {
        /// The text so far.
        context: String,
        /// The rule whose reweighting is shown.
        rule: Sampling,
    },
}

/// A question for a model that draws pixel by pixel.
#[derive(Clone, Debug, PartialEq)]
pub enum PixelQuery {
    /// Draw images pixel by pixel (an autoregressive image model); the answer streams
    /// in as [`LabResult::Pixels`].
    Draw(DrawRequest),
    /// The first `count` held-out images, as the model sees them (quantised), to
    /// pick one from for a completion.
    Originals {
        /// Images.
        count: usize,
    },
}

impl LabQuery {
    /// The slot the answer goes to.
    pub fn slot(&self) -> LabSlot {
        match self {
            LabQuery::Latent(q) => match q {
                LatentQuery::Map { .. } => LabSlot::Map,
                LatentQuery::Decode { slot, .. } | LatentQuery::Encode { slot, .. } => *slot,
                LatentQuery::Interpolate { .. } => LabSlot::Interpolation,
                LatentQuery::Concept { .. } => LabSlot::Concept,
                LatentQuery::Prior { .. } => LabSlot::Prior,
            },
            LabQuery::Text(q) => match q {
                TextQuery::Generate(r) => r.slot,
                TextQuery::NextChar { .. } => LabSlot::NextChar,
            },
            LabQuery::Pixels(q) => match q {
                PixelQuery::Draw(_) => LabSlot::Pixels,
                PixelQuery::Originals { .. } => LabSlot::Originals,
            },
            LabQuery::Sentences(q) => match q {
                super::SentenceQuery::HeldOut { .. } => LabSlot::Originals,
                super::SentenceQuery::Map { .. } => LabSlot::Map,
                super::SentenceQuery::Decode { .. } => LabSlot::MapPoint,
                super::SentenceQuery::Homotopy { .. } => LabSlot::Interpolation,
                super::SentenceQuery::Reconstruct { .. } => LabSlot::Reconstruct,
                super::SentenceQuery::Prior { .. } => LabSlot::Prior,
                super::SentenceQuery::Concept { .. } => LabSlot::Concept,
            },
            LabQuery::Stylize(q) => q.slot(),
            LabQuery::Nearest { .. } => LabSlot::Nearest,
        }
    }
}

/// Text to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct TextRequest {
    /// [`LabSlot::Text`] or [`LabSlot::TextColumns`].
    pub slot: LabSlot,
    /// The text the generation continues.
    pub prompt: String,
    /// Characters to generate per column.
    pub length: usize,
    /// Seed of the draws (the same for every column).
    pub seed: u64,
    /// One column per rule.
    pub rules: Vec<Sampling>,
}

/// Images to draw pixel by pixel.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawRequest {
    /// How many.
    pub count: usize,
    /// Seed of the draws.
    pub seed: u64,
    /// Pixels drawn between two updates (1 = pixel by pixel; a row's width = row by row).
    pub pixels_per_update: usize,
    /// Complete this image instead of drawing from nothing.
    pub complete: Option<ImageRef>,
    /// For a completion: the pixels kept from the image (the others are drawn).
    pub keep: KeepRegion,
}

/// The pixels of an image a completion keeps; the model draws the rest, in raster
/// order, each from the pixels above and to its left (kept or drawn).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KeepRegion {
    /// The top rows.
    TopRows(usize),
    /// Everything but this rectangle, which is drawn anew.
    Outside(PixelRect),
    /// Only this rectangle; everything else is drawn anew.
    Inside(PixelRect),
}

/// A rectangle of pixels: columns `x0..x1`, rows `y0..y1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PixelRect {
    /// First column.
    pub x0: usize,
    /// First row.
    pub y0: usize,
    /// One past the last column.
    pub x1: usize,
    /// One past the last row.
    pub y1: usize,
}

impl PixelRect {
    /// Whether pixel (`row`, `col`) lies inside.
    pub fn contains(&self, row: usize, col: usize) -> bool {
        (self.y0..self.y1).contains(&row) && (self.x0..self.x1).contains(&col)
    }
}

impl KeepRegion {
    /// Which pixels of a `side` × `side` image are kept, row-major.
    pub fn mask(&self, side: usize) -> Vec<bool> {
        (0..side * side)
            .map(|k| {
                let (row, col) = (k / side, k % side);
                match self {
                    KeepRegion::TopRows(rows) => row < *rows,
                    KeepRegion::Outside(r) => !r.contains(row, col),
                    KeepRegion::Inside(r) => r.contains(row, col),
                }
            })
            .collect()
    }
}

/// The worker's answer to a [`LabQuery`].
#[derive(Clone, Debug, PartialEq)]
pub struct LabAnswer {
    /// The slot of the query.
    pub slot: LabSlot,
    /// What came out, or why nothing did.
    pub result: Result<LabResult, String>,
}

/// What a lab query produced.
#[derive(Clone, Debug, PartialEq)]
pub enum LabResult {
    /// The encoded held-out set.
    Map(Box<LatentMap>),
    /// Generated text so far, one string per column (the prompt not included).
    Text {
        /// The columns' text.
        columns: Vec<String>,
        /// Whether generation has finished.
        done: bool,
        /// Characters generated per second (all columns together).
        chars_per_sec: f64,
    },
    /// A next-character distribution: the most likely characters, with their
    /// probability before and after the rule's reweighting.
    Distribution {
        /// The characters.
        chars: Vec<char>,
        /// The model's probabilities (temperature 1).
        before: Vec<f32>,
        /// After the rule.
        after: Vec<f32>,
    },
    /// Images being drawn pixel by pixel.
    Pixels {
        /// The images so far (the original first, for a completion).
        grid: ImageGrid,
        /// The entropy of each pixel's predicted distribution when it was drawn, as a
        /// heat map in the same layout (dark = certain, bright = uncertain).
        entropy: ImageGrid,
        /// Pixels drawn per image so far.
        drawn: usize,
        /// Pixels per image.
        total: usize,
        /// Whether drawing has finished.
        done: bool,
        /// Seconds spent so far.
        secs: f64,
    },
    /// Held-out images, one picture each.
    Originals(Vec<RgbImage>),
    /// Decoded images, with the codes they were decoded from.
    Images {
        /// The images in a grid.
        grid: ImageGrid,
        /// One code per image.
        codes: Vec<Vec<f32>>,
    },
    /// The training images nearest a sample.
    Nearest(Box<NearestImages>),
    /// A sentence VAE's answer.
    Sentences(super::SentenceAnswer),
    /// A picture and its repainting.
    Repainted {
        /// The picture as read or drawn.
        original: RgbImage,
        /// The network's repainting, the same size.
        result: RgbImage,
        /// Seconds the forward pass took.
        seconds: f64,
    },
}

/// A sample beside its nearest training images.
#[derive(Clone, Debug, PartialEq)]
pub struct NearestImages {
    /// The sample asked about.
    pub sample: RgbImage,
    /// The nearest training image in pixels (Euclidean, pixels in 0–1).
    pub by_pixels: NearImage,
    /// The nearest in the quality classifier's features, where the data is labelled
    /// (the classifier learns its labels).
    pub by_features: Option<NearImage>,
    /// The feature distance under which a sample counts as copied: only 5% of
    /// held-out images come that near a training image.
    pub copy_threshold: Option<f32>,
}

/// One training image and how near it is.
#[derive(Clone, Debug, PartialEq)]
pub struct NearImage {
    /// The picture.
    pub image: RgbImage,
    /// Its index in the training set.
    pub index: usize,
    /// The distance to the sample.
    pub distance: f32,
}

impl NearestImages {
    /// Whether the sample counts as a copy of its nearest training image.
    pub fn copied(&self) -> Option<bool> {
        Some(self.by_features.as_ref()?.distance < self.copy_threshold?)
    }
}

impl LabResult {
    /// Whether more of this answer is coming (a stream's unfinished chunk).
    pub fn is_partial(&self) -> bool {
        matches!(
            self,
            LabResult::Text { done: false, .. } | LabResult::Pixels { done: false, .. }
        )
    }
}

/// The held-out set in latent space.
#[derive(Clone, Debug, PartialEq)]
pub struct LatentMap {
    /// Latent size.
    pub dim: usize,
    /// One code per encoded image.
    pub codes: Vec<Vec<f32>>,
    /// The codes' coordinates on the basis's components.
    pub projected: Vec<Vec<f32>>,
    /// One label per image, when the set is labelled.
    pub labels: Vec<Option<u32>>,
    /// The names of the labels.
    pub class_names: Vec<String>,
    /// The axes the map is drawn on.
    pub basis: LatentBasis,
    /// The first held-out images, to pick from.
    pub thumbs: Vec<RgbImage>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_regions_mark_the_right_pixels() {
        let rect = PixelRect {
            x0: 1,
            y0: 1,
            x1: 3,
            y1: 2,
        };
        let inside = KeepRegion::Inside(rect).mask(4);
        let kept: Vec<usize> = (0..16).filter(|&k| inside[k]).collect();
        assert_eq!(kept, vec![5, 6]);
        let outside = KeepRegion::Outside(rect).mask(4);
        assert_eq!(outside.iter().filter(|&&k| k).count(), 14);
        assert!(!outside[5] && !outside[6] && outside[4] && outside[7]);
        let top = KeepRegion::TopRows(2).mask(4);
        assert_eq!(top.iter().filter(|&&k| k).count(), 8);
        assert!(top[7] && !top[8]);
        assert!(KeepRegion::TopRows(9).mask(3).iter().all(|&k| k));
    }
}
