//! What the lab's tools keep of their answers, and the text generator's settings:
//! decoded images per slot, generated text, a next-character distribution, a
//! drawing in progress. Plain data, folded in by [`super::lab_state::LabState`].

use crate::view::ImageGrid;

/// How text is sampled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RuleKind {
    /// The most likely character, always.
    Greedy,
    /// Softmax with temperature.
    #[default]
    Temperature,
    /// The k most likely.
    TopK,
    /// The nucleus of mass p.
    TopP,
}

/// The text generator's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct TextSettings {
    /// The text generation continues.
    pub prompt: String,
    /// How characters are drawn.
    pub kind: RuleKind,
    /// Softmax temperature.
    pub temperature: f32,
    /// For top-k.
    pub k: usize,
    /// For top-p.
    pub p: f32,
    /// Characters to generate.
    pub length: usize,
    /// Seed of the draws.
    pub seed: u64,
    /// Compare several temperatures side by side.
    pub compare: bool,
}

impl Default for TextSettings {
    fn default() -> Self {
        Self {
            prompt: "fn ".into(),
            kind: RuleKind::Temperature,
            temperature: 0.8,
            k: 5,
            p: 0.9,
            length: 400,
            seed: 1,
            compare: false,
        }
    }
}

impl TextSettings {
    /// The sampling rule at `temperature`.
    pub fn rule_at(&self, temperature: f32) -> crate::nn::sampling::Sampling {
        use crate::nn::sampling::Sampling;
        match self.kind {
            RuleKind::Greedy => Sampling::Greedy,
            RuleKind::Temperature => Sampling::Temperature { temperature },
            RuleKind::TopK => Sampling::TopK {
                k: self.k,
                temperature,
            },
            RuleKind::TopP => Sampling::TopP {
                p: self.p,
                temperature,
            },
        }
    }
}

/// Generated text in one slot.
#[derive(Clone, Debug, PartialEq)]
pub struct SlotText {
    /// One string per column.
    pub columns: Vec<String>,
    /// Whether it is complete.
    pub done: bool,
    /// Characters per second while it was generated.
    pub chars_per_sec: f64,
}

/// A next-character distribution.
#[derive(Clone, Debug, PartialEq)]
pub struct NextCharDistribution {
    /// The most likely characters.
    pub chars: Vec<char>,
    /// Their probabilities at temperature 1.
    pub before: Vec<f32>,
    /// After the sampling rule.
    pub after: Vec<f32>,
}

/// Images drawn pixel by pixel.
#[derive(Clone, Debug, PartialEq)]
pub struct PixelDrawing {
    /// The images so far.
    pub grid: ImageGrid,
    /// Each pixel's uncertainty when it was drawn.
    pub entropy: ImageGrid,
    /// Pixels drawn per image so far, of `total`.
    pub drawn: usize,
    /// Pixels per image.
    pub total: usize,
    /// Whether it is finished.
    pub done: bool,
    /// Seconds so far.
    pub secs: f64,
    /// Increments with each update (panels cache textures by it).
    pub generation: u64,
}

/// Decoded images in one slot.
#[derive(Clone, Debug, PartialEq)]
pub struct SlotImages {
    /// The images.
    pub grid: ImageGrid,
    /// The code of each.
    pub codes: Vec<Vec<f32>>,
    /// Increments with each new answer (panels cache textures by it).
    pub generation: u64,
}
