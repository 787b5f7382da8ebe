//! Quality figures for generative image models: a small classifier trained once on
//! the dataset, the Fréchet distance between its features of real and generated
//! images, precision and recall of their k-nearest-neighbour manifolds, and the
//! histogram of classes it predicts for generated images.

pub mod classifier;
pub mod frechet;
pub mod precision_recall;
pub mod probe;
