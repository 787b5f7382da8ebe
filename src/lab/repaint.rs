//! Questions for a model that repaints pictures (a fast style transfer's network).

use std::path::PathBuf;

use crate::data::landscapes::LandscapeParams;

use super::LabSlot;

/// What to repaint.
#[derive(Clone, Debug, PartialEq)]
pub enum StylizeQuery {
    /// A picture file (PNG or JPEG) at its own size, scaled down if its longer side
    /// passes `max_side`.
    File {
        /// The file.
        path: PathBuf,
        /// The most pixels on its longer side.
        max_side: usize,
    },
    /// The studio's landscape drawn with `params`, `width` wide (¾ of it tall).
    Landscape {
        /// How it looks.
        params: LandscapeParams,
        /// Its width in pixels.
        width: usize,
    },
}

impl StylizeQuery {
    /// The slot the answer goes to.
    pub fn slot(&self) -> LabSlot {
        match self {
            StylizeQuery::File { .. } => LabSlot::Repaint,
            StylizeQuery::Landscape { .. } => LabSlot::Live,
        }
    }
}
