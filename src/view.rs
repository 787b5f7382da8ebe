//! Plain view types: what a model shows of itself, in data that panels can draw
//! and the run folder can save, with no tensors in sight.

/// A picture of an experiment's current state.
#[derive(Clone, Debug, PartialEq)]
pub enum View {
    /// A 2-D GAN: data, samples, the discriminator's field and the generator's pull.
    Gan2d(Gan2dView),
}

/// What a 2-D GAN looks like at one step.
#[derive(Clone, Debug, PartialEq)]
pub struct Gan2dView {
    /// The training step this view was made at.
    pub step: u64,
    /// Points drawn from the data distribution.
    pub real: Vec<[f32; 2]>,
    /// Points the generator made.
    pub fake: Vec<[f32; 2]>,
    /// For each generated point, −∂(generator loss)/∂x: where the generator's gradient
    /// pushes it (scaled for display, same scale for all points).
    pub fake_push: Vec<[f32; 2]>,
    /// The discriminator's D(x) = σ(logit) over the view.
    pub field: ScalarField,
    /// The centres of the data's modes.
    pub modes: Vec<[f32; 2]>,
}

/// Values on a regular grid over a rectangle; row 0 is the *bottom* row (lowest y).
#[derive(Clone, Debug, PartialEq)]
pub struct ScalarField {
    /// Columns of the grid.
    pub nx: usize,
    /// Rows of the grid.
    pub ny: usize,
    /// The x range the grid covers, `[min, max]`.
    pub x_range: [f32; 2],
    /// The y range the grid covers, `[min, max]`.
    pub y_range: [f32; 2],
    /// `nx * ny` values, row by row.
    pub values: Vec<f32>,
}

impl ScalarField {
    /// The centre of grid cell `(ix, iy)`.
    pub fn cell_centre(&self, ix: usize, iy: usize) -> [f32; 2] {
        let dx = (self.x_range[1] - self.x_range[0]) / self.nx as f32;
        let dy = (self.y_range[1] - self.y_range[0]) / self.ny as f32;
        [
            self.x_range[0] + (ix as f32 + 0.5) * dx,
            self.y_range[0] + (iy as f32 + 0.5) * dy,
        ]
    }

    /// Every cell centre, row by row from the bottom.
    pub fn cell_centres(&self) -> Vec<[f32; 2]> {
        (0..self.ny)
            .flat_map(|iy| (0..self.nx).map(move |ix| (ix, iy)))
            .map(|(ix, iy)| self.cell_centre(ix, iy))
            .collect()
    }
}

/// An RGB picture, row-major from the top, 3 bytes a pixel.
#[derive(Clone, Debug, PartialEq)]
pub struct RgbImage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width * height * 3` bytes.
    pub pixels: Vec<u8>,
}
