//! Datasets the studio makes, and (later) loaders for data the user brings.

pub mod toy2d;
