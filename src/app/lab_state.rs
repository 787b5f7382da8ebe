//! What the lab shows and what the user chose in it; its queries go out through
//! [`OneInFlight`] (at most one in flight per slot, only the newest wish waiting).

use std::collections::HashMap;

pub use super::lab_tools::{
    NextCharDistribution, PixelDrawing, RuleKind, SlotImages, SlotText, TextSettings,
};
use crate::lab::flow::OneInFlight;
use crate::lab::{
    ImageRef, LabAnswer, LabQuery, LabResult, LabSlot, LatentMap, NearestImages, Selection,
};
use crate::view::{ImageGrid, RgbImage};

/// The lab's pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LabPage {
    /// The latent map and decoded points.
    #[default]
    Map,
    /// One slider per latent dimension.
    Sliders,
    /// A strip between two images.
    Interpolation,
    /// Concept vectors.
    Concepts,
    /// Samples from the prior.
    Prior,
}

/// One end of a concept vector, as the user chose it.
#[derive(Clone, Debug, PartialEq)]
pub enum ConceptEnd {
    /// Every held-out image of a label.
    Label(u32),
    /// Thumbnails clicked one by one (held-out indices).
    Picked(Vec<usize>),
}

/// A picture the user dropped on the window, at the model's image size.
#[derive(Clone, Debug, PartialEq)]
pub struct DroppedImage {
    /// The file's name.
    pub name: String,
    /// `[h, w, c]` bytes.
    pub bytes: Vec<u8>,
    /// The picture, for a thumbnail.
    pub thumb: RgbImage,
}

/// The lab's state.
#[derive(Clone, Debug)]
pub struct LabState {
    /// The page shown.
    pub page: LabPage,
    /// The encoded held-out set.
    pub map: Option<LatentMap>,
    /// Increments with each new map.
    pub map_generation: u64,
    /// The view generation the map was asked for at (the map follows training).
    pub map_asked_at: Option<u64>,
    /// The latest images of each slot.
    pub images: HashMap<LabSlot, SlotImages>,
    /// The latest text of each slot.
    pub texts: HashMap<LabSlot, SlotText>,
    /// The latest next-character distribution.
    pub distribution: Option<NextCharDistribution>,
    /// The latest pixel-by-pixel drawing.
    pub drawing: Option<PixelDrawing>,
    /// Finished drawings, newest last.
    pub drawn_gallery: Vec<ImageGrid>,
    /// Why a slot's last query failed.
    pub errors: HashMap<LabSlot, String>,
    /// The map's axes: indices of components.
    pub axes: (usize, usize),
    /// A point pinned on the map by a click.
    pub pinned: Option<[f32; 2]>,
    /// Decode a grid of tiles over the map.
    pub show_tiles: bool,
    /// Tiles per side.
    pub tiles: usize,
    /// The held-out image the sliders start from.
    pub slider_base: usize,
    /// The sliders' code.
    pub sliders: Vec<f32>,
    /// Set the sliders from the next answer for their slot (a new base image).
    pub load_sliders: bool,
    /// The interpolation's ends (held-out indices).
    pub interp: (usize, usize),
    /// Points of the interpolation strip.
    pub interp_steps: usize,
    /// Slerp instead of lerp.
    pub spherical: bool,
    /// The concept's two ends and the image it is added to.
    pub concept_plus: ConceptEnd,
    /// The end without the concept.
    pub concept_minus: ConceptEnd,
    /// The image the concept changes.
    pub concept_base: usize,
    /// The strongest multiple of the vector shown.
    pub concept_strength: f32,
    /// Seed of the prior samples.
    pub prior_seed: u64,
    /// The text generator's settings.
    pub text: TextSettings,
    /// The sentence lab's latest answer of each slot.
    pub sentences: HashMap<LabSlot, crate::lab::SentenceAnswer>,
    /// The sentence lab's settings.
    pub sentence: super::panels::sentence_lab::SentenceSettings,
    /// The Repaint tab's settings and answers.
    pub repaint: super::panels::repaint::RepaintSettings,
    /// Pictures dropped on the window; they follow the held-out thumbnails.
    pub dropped: Vec<DroppedImage>,
    /// Held-out images to complete, for a model without a latent map (PixelCNN).
    pub originals: Vec<RgbImage>,
    /// A gallery sample beside its nearest training images, with the answer's
    /// generation (textures follow it) and the tile asked about.
    pub nearest: Option<(NearestImages, u64)>,
    /// The gallery tile last asked about (the strip shows while it is set).
    pub nearest_tile: Option<usize>,
    /// Whether an answer about it is awaited.
    pub nearest_pending: bool,
    flow: OneInFlight,
    outbox: Vec<LabQuery>,
    generation: u64,
}

impl Default for LabState {
    fn default() -> Self {
        Self {
            page: LabPage::Map,
            map: None,
            map_generation: 0,
            map_asked_at: None,
            images: HashMap::new(),
            texts: HashMap::new(),
            distribution: None,
            drawing: None,
            drawn_gallery: Vec::new(),
            errors: HashMap::new(),
            axes: (0, 1),
            pinned: None,
            show_tiles: true,
            tiles: 12,
            slider_base: 0,
            sliders: Vec::new(),
            load_sliders: true,
            interp: (0, 1),
            interp_steps: 10,
            spherical: false,
            concept_plus: ConceptEnd::Label(7),
            concept_minus: ConceptEnd::Label(1),
            concept_base: 0,
            concept_strength: 2.0,
            prior_seed: 1,
            text: TextSettings::default(),
            sentences: HashMap::new(),
            sentence: Default::default(),
            repaint: Default::default(),
            dropped: Vec::new(),
            originals: Vec::new(),
            nearest: None,
            nearest_tile: None,
            nearest_pending: false,
            flow: OneInFlight::default(),
            outbox: Vec::new(),
            generation: 0,
        }
    }
}

impl LabState {
    /// Held-out thumbnails: the current map's, or the originals of a model without one.
    fn held_out(&self) -> &[RgbImage] {
        self.map.as_ref().map_or(&self.originals, |m| &m.thumbs)
    }

    /// How many held-out thumbnails there are.
    fn held_out_thumbs(&self) -> usize {
        self.held_out().len()
    }

    /// Thumbnail `i`: a held-out image, then the dropped pictures.
    pub fn image_ref(&self, i: usize) -> ImageRef {
        let n = self.held_out_thumbs();
        match i.checked_sub(n).and_then(|k| self.dropped.get(k)) {
            Some(d) => ImageRef::Pixels(d.bytes.clone()),
            None => ImageRef::HeldOut(i),
        }
    }

    /// Adds a dropped picture (`[h, w, c]` bytes at the model's size) after the
    /// thumbnails; it is ignored unless its size fits the map's images.
    pub fn add_dropped(&mut self, name: String, bytes: Vec<u8>) {
        let Some(first) = self.held_out().first() else {
            return;
        };
        let (w, h) = (first.width, first.height);
        let channels = bytes.len() / (w * h).max(1);
        if channels == 0 || bytes.len() != w * h * channels {
            return;
        }
        let thumb = RgbImage::from_channels(&bytes, w, h, channels);
        self.dropped.push(DroppedImage { name, bytes, thumb });
    }

    /// Every thumbnail: the held-out ones, then the dropped pictures.
    pub fn thumbs(&self) -> Vec<RgbImage> {
        let mut all: Vec<RgbImage> = self.held_out().to_vec();
        all.extend(self.dropped.iter().map(|d| d.thumb.clone()));
        all
    }

    /// Changes whenever the thumbnails do.
    pub fn thumbs_key(&self) -> u64 {
        self.map_generation * 1_000 + self.dropped.len() as u64
    }

    /// The selection the worker understands for one end of a concept.
    pub fn selection(&self, end: &ConceptEnd) -> Selection {
        match end {
            ConceptEnd::Label(l) => Selection::Label(*l),
            ConceptEnd::Picked(ix) => {
                Selection::Images(ix.iter().map(|&i| self.image_ref(i)).collect())
            }
        }
    }

    /// Asks the worker `query`: now, or when the slot's query in flight comes back.
    pub fn ask(&mut self, query: LabQuery) {
        self.outbox.extend(self.flow.ask(query));
    }

    /// Whether a query for `slot` is in flight.
    pub fn is_waiting(&self, slot: LabSlot) -> bool {
        self.flow.is_waiting(slot)
    }

    /// Whether any answer is awaited (a streamed one included).
    pub fn any_in_flight(&self) -> bool {
        self.flow.any_in_flight()
    }

    /// Queries to send to the worker now.
    pub fn take_outbox(&mut self) -> Vec<LabQuery> {
        std::mem::take(&mut self.outbox)
    }

    /// Folds an answer in; a wish kept for its slot goes out next.
    pub fn apply(&mut self, answer: LabAnswer) {
        let slot = answer.slot;
        let partial = answer.result.as_ref().is_ok_and(LabResult::is_partial);
        if slot == LabSlot::Nearest {
            self.nearest_pending = false;
        }
        self.outbox.extend(self.flow.answered(slot, partial));
        match answer.result {
            Ok(LabResult::Map(map)) => {
                let dims = map.basis.components.len();
                if self.axes.0 >= dims || self.axes.1 >= dims {
                    self.axes = (0, 1.min(dims.saturating_sub(1)));
                }
                if self.sliders.len() != map.dim {
                    self.sliders = vec![0.0; map.dim];
                }
                self.map = Some(*map);
                self.map_generation += 1;
                self.errors.remove(&slot);
            }
            Ok(LabResult::Originals(images)) => {
                self.originals = images;
                self.map_generation += 1;
                self.errors.remove(&slot);
            }
            Ok(LabResult::Images { grid, codes }) => {
                self.generation += 1;
                if slot == LabSlot::Sliders
                    && let Some(code) = codes.first()
                    && (self.load_sliders || self.sliders.len() != code.len())
                {
                    self.sliders = code.clone();
                    self.load_sliders = false;
                }
                self.images.insert(
                    slot,
                    SlotImages {
                        grid,
                        codes,
                        generation: self.generation,
                    },
                );
                self.errors.remove(&slot);
            }
            Ok(LabResult::Text {
                columns,
                done,
                chars_per_sec,
            }) => {
                self.texts.insert(
                    slot,
                    SlotText {
                        columns,
                        done,
                        chars_per_sec,
                    },
                );
                self.errors.remove(&slot);
            }
            Ok(LabResult::Pixels {
                grid,
                entropy,
                drawn,
                total,
                done,
                secs,
            }) => {
                self.generation += 1;
                if done {
                    self.drawn_gallery.push(grid.clone());
                    if self.drawn_gallery.len() > 12 {
                        self.drawn_gallery.remove(0);
                    }
                }
                self.drawing = Some(PixelDrawing {
                    grid,
                    entropy,
                    drawn,
                    total,
                    done,
                    secs,
                    generation: self.generation,
                });
                self.errors.remove(&slot);
            }
            Ok(LabResult::Distribution {
                chars,
                before,
                after,
            }) => {
                self.distribution = Some(NextCharDistribution {
                    chars,
                    before,
                    after,
                });
                self.errors.remove(&slot);
            }
            Ok(LabResult::Sentences(answer)) => {
                self.sentences.insert(slot, answer);
                self.errors.remove(&slot);
            }
            Ok(LabResult::Repainted {
                original,
                result,
                seconds,
            }) => {
                self.generation += 1;
                let generation = self.generation;
                let answer = super::panels::repaint::Repainted {
                    original,
                    result,
                    seconds,
                    generation,
                };
                self.repaint.answered(slot, answer);
                self.errors.remove(&slot);
            }
            Ok(LabResult::Nearest(near)) => {
                self.generation += 1;
                self.nearest = Some((*near, self.generation));
                self.errors.remove(&slot);
            }
            Err(e) => {
                self.errors.insert(slot, e);
            }
        }
    }

    /// Forgets everything a model answered (a new run starts).
    pub fn reset_answers(&mut self) {
        self.map = None;
        self.map_asked_at = None;
        self.images.clear();
        self.texts.clear();
        self.distribution = None;
        self.drawing = None;
        self.drawn_gallery.clear();
        self.originals.clear();
        self.nearest = None;
        self.nearest_tile = None;
        self.repaint.answers.clear();
        self.nearest_pending = false;
        self.errors.clear();
        self.pinned = None;
        self.load_sliders = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::LatentQuery;

    fn decode(v: f32) -> LabQuery {
        LabQuery::Latent(LatentQuery::Decode {
            slot: LabSlot::Sliders,
            codes: vec![vec![v]],
            cols: 1,
        })
    }

    #[test]
    fn one_query_per_slot_in_flight_and_the_newest_wish_follows() {
        let mut lab = LabState::default();
        lab.ask(decode(1.0));
        lab.ask(decode(2.0));
        lab.ask(decode(3.0));
        assert_eq!(lab.take_outbox(), vec![decode(1.0)]);
        assert!(lab.is_waiting(LabSlot::Sliders));
        lab.apply(LabAnswer {
            slot: LabSlot::Sliders,
            result: Err("busy".into()),
        });
        assert_eq!(lab.take_outbox(), vec![decode(3.0)]);
        assert_eq!(
            lab.errors.get(&LabSlot::Sliders).map(String::as_str),
            Some("busy")
        );
        lab.apply(LabAnswer {
            slot: LabSlot::Sliders,
            result: Ok(LabResult::Images {
                grid: ImageGrid::tile(0, &[9], 1, 1, 1, 1, 1),
                codes: vec![vec![3.0]],
            }),
        });
        assert!(!lab.is_waiting(LabSlot::Sliders));
        assert!(lab.take_outbox().is_empty());
        assert!(lab.errors.is_empty());
        assert_eq!(lab.images[&LabSlot::Sliders].codes, vec![vec![3.0]]);
    }

    #[test]
    fn dropped_pictures_follow_the_held_out_thumbnails() {
        use crate::lab::{LatentBasis, LatentMap};
        let mut lab = LabState::default();
        let thumb = RgbImage {
            width: 2,
            height: 1,
            pixels: vec![0; 6],
        };
        lab.apply(LabAnswer {
            slot: LabSlot::Map,
            result: Ok(LabResult::Map(Box::new(LatentMap {
                dim: 2,
                codes: vec![vec![0.0, 0.0]],
                projected: vec![vec![0.0, 0.0]],
                labels: vec![None],
                class_names: Vec::new(),
                basis: LatentBasis::fit(&[vec![0.0, 0.0]], 2, 2),
                thumbs: vec![thumb.clone(), thumb],
            }))),
        });
        lab.add_dropped("a.png".into(), vec![7, 9]);
        lab.add_dropped("wrong size.png".into(), vec![1, 2, 3]);
        assert_eq!(lab.thumbs().len(), 3);
        assert_eq!(lab.image_ref(1), ImageRef::HeldOut(1));
        assert_eq!(lab.image_ref(2), ImageRef::Pixels(vec![7, 9]));
        assert_eq!(lab.thumbs()[2].pixels, vec![7, 7, 7, 9, 9, 9]);
        let picked = ConceptEnd::Picked(vec![0, 2]);
        assert_eq!(
            lab.selection(&picked),
            Selection::Images(vec![ImageRef::HeldOut(0), ImageRef::Pixels(vec![7, 9])])
        );
    }

    #[test]
    fn dropped_pictures_follow_a_pixel_models_originals() {
        let mut lab = LabState::default();
        lab.add_dropped("too early.png".into(), vec![1, 2]);
        assert!(lab.thumbs().is_empty(), "no size to check against yet");
        let original = RgbImage {
            width: 2,
            height: 1,
            pixels: vec![0; 6],
        };
        lab.apply(LabAnswer {
            slot: LabSlot::Originals,
            result: Ok(LabResult::Originals(vec![original])),
        });
        lab.add_dropped("b.png".into(), vec![3, 4]);
        assert_eq!(lab.thumbs().len(), 2);
        assert_eq!(lab.image_ref(0), ImageRef::HeldOut(0));
        assert_eq!(lab.image_ref(1), ImageRef::Pixels(vec![3, 4]));
    }
}
