//! The lab's vocabulary: questions a front end asks a trained model (about an
//! autoencoder's latent space, or a character model's text), the answers, and the
//! plain vector math on codes (PCA, interpolation). No tensors here: the worker turns
//! queries into tensor work.

pub mod flow;
pub mod latent_math;
pub mod query;
pub mod repaint;
pub mod sentences;

pub use latent_math::{LatentBasis, lerp, slerp};
pub use query::{
    DrawRequest, ImageRef, KeepRegion, LabAnswer, LabQuery, LabResult, LabSlot, LatentMap,
    LatentQuery, NearImage, NearestImages, PixelQuery, PixelRect, Selection, TextQuery,
    TextRequest,
};
pub use repaint::StylizeQuery;
pub use sentences::{SentenceAnswer, SentenceLine, SentenceQuery};
