//! Plain view types: what a model shows of itself, in data that panels can draw
//! and the run folder can save, with no tensors in sight.

/// A picture of an experiment's current state.
#[derive(Clone, Debug, PartialEq)]
pub enum View {
    /// A 2-D GAN: data, samples, the discriminator's field and the generator's pull.
    Gan2d(Gan2dView),
    /// A grid of images (e.g. a generator's samples from fixed noise).
    Images(ImageGrid),
    /// Text a character model generated.
    Text(TextSample),
}

/// Text generated at one step.
#[derive(Clone, Debug, PartialEq)]
pub struct TextSample {
    /// The training step it was made at.
    pub step: u64,
    /// The text it continues.
    pub prompt: String,
    /// What the model wrote after the prompt.
    pub text: String,
    /// What the text is, for the caption ("" = text that continues the prompt at
    /// the sample temperature).
    pub caption: String,
    /// Character ranges of `text` copied verbatim from the training text (20
    /// characters or more), merged, in order.
    pub copied: Vec<(usize, usize)>,
}

/// Images of one size tiled in a grid, as a picture.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageGrid {
    /// The training step the images were made at.
    pub step: u64,
    /// Columns of tiles.
    pub cols: usize,
    /// Rows of tiles.
    pub rows: usize,
    /// Width of one tile, in pixels.
    pub tile_width: usize,
    /// Height of one tile, in pixels.
    pub tile_height: usize,
    /// The whole grid as one RGB picture (tiles separated by a 1-pixel gap).
    pub image: RgbImage,
    /// What the rows show, for a caption ("" = plain samples).
    pub caption: String,
}

impl ImageGrid {
    /// Tiles `count` images given as bytes (`channels` = 1 or 3, row-major, image after
    /// image) into `cols` columns.
    pub fn tile(
        step: u64,
        images: &[u8],
        count: usize,
        width: usize,
        height: usize,
        channels: usize,
        cols: usize,
    ) -> Self {
        let cols = cols.max(1);
        let rows = count.div_ceil(cols);
        let gap = 1;
        let gw = cols * (width + gap) + gap;
        let gh = rows * (height + gap) + gap;
        let mut pixels = vec![48u8; gw * gh * 3];
        let per = width * height * channels;
        for i in 0..count {
            let Some(img) = images.get(i * per..(i + 1) * per) else {
                break;
            };
            let (tx, ty) = (i % cols, i / cols);
            for y in 0..height {
                for x in 0..width {
                    let o =
                        ((ty * (height + gap) + gap + y) * gw + tx * (width + gap) + gap + x) * 3;
                    for c in 0..3 {
                        pixels[o + c] = img[(y * width + x) * channels + c.min(channels - 1)];
                    }
                }
            }
        }
        Self {
            step,
            cols,
            rows,
            tile_width: width,
            tile_height: height,
            image: RgbImage {
                width: gw,
                height: gh,
                pixels,
            },
            caption: String::new(),
        }
    }

    /// Tile `i` (row-major) as a picture of its own.
    pub fn tile_image(&self, i: usize) -> Option<RgbImage> {
        if i >= self.cols * self.rows {
            return None;
        }
        let (tx, ty) = (i % self.cols, i / self.cols);
        let (w, h) = (self.tile_width, self.tile_height);
        let mut pixels = Vec::with_capacity(w * h * 3);
        for y in 0..h {
            let row = ty * (h + 1) + 1 + y;
            let start = (row * self.image.width + tx * (w + 1) + 1) * 3;
            pixels.extend_from_slice(self.image.pixels.get(start..start + w * 3)?);
        }
        Some(RgbImage {
            width: w,
            height: h,
            pixels,
        })
    }

    /// The first `tiles` tiles, each scaled by `scale`, as frames of an animation that
    /// goes there and back (1 2 3 4 3 2: it loops without repeating an end).
    pub fn there_and_back(&self, tiles: usize, scale: usize) -> Vec<RgbImage> {
        let there: Vec<RgbImage> = (0..tiles)
            .filter_map(|i| self.tile_image(i))
            .map(|t| t.scaled(scale))
            .collect();
        let back = there
            .iter()
            .rev()
            .skip(1)
            .take(there.len().saturating_sub(2));
        there.iter().chain(back).cloned().collect()
    }

    /// The same grid with a caption saying what its rows show.
    pub fn with_caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = caption.into();
        self
    }
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
    /// The discriminator's D(x) = σ(logit) over the view (its belief in [0, 1]), or
    /// a critic's raw score when `field_is_critic`.
    pub field: ScalarField,
    /// Whether `field` holds a Wasserstein critic's scores (any range, drawn on
    /// their own colour scale) rather than a belief in [0, 1].
    pub field_is_critic: bool,
    /// The centres of the data's modes.
    pub modes: Vec<[f32; 2]>,
    /// What G makes of a regular grid of its noise (GAN Lab's manifold view), empty
    /// before a model exists.
    pub manifold: Manifold,
}

/// G's output on a regular `nx` × `ny` grid of the noise space (its first two
/// dimensions from −2σ to 2σ, the others 0; one row for a 1-D noise), row by row:
/// drawn as a mesh warped into data space, where folds and collapsed regions show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Manifold {
    /// Grid columns.
    pub nx: usize,
    /// Grid rows.
    pub ny: usize,
    /// `nx * ny` points in data space, row by row.
    pub points: Vec<[f32; 2]>,
}

impl Manifold {
    /// The noise grid it is made from: `nx * ny` rows of `latent` values.
    pub fn noise_grid(nx: usize, ny: usize, latent: usize) -> Vec<f32> {
        let at = |i: usize, n: usize| {
            if n > 1 {
                -2.0 + 4.0 * i as f32 / (n - 1) as f32
            } else {
                0.0
            }
        };
        let mut out = vec![0.0; nx * ny * latent];
        for iy in 0..ny {
            for ix in 0..nx {
                let row = &mut out[(iy * nx + ix) * latent..][..latent];
                row[0] = at(ix, nx);
                if latent > 1 {
                    row[1] = at(iy, ny);
                }
            }
        }
        out
    }
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

impl RgbImage {
    /// One picture's bytes (`[h, w, channels]`, 1 = grey, 3 = RGB) as an RGB picture.
    pub fn from_channels(bytes: &[u8], width: usize, height: usize, channels: usize) -> Self {
        let channels = channels.max(1);
        let pixels = bytes
            .chunks(channels)
            .flat_map(|p| [p[0], p[1.min(channels - 1)], p[2.min(channels - 1)]])
            .collect();
        RgbImage {
            width,
            height,
            pixels,
        }
    }

    /// The picture enlarged `k` times, each pixel a `k × k` block.
    pub fn scaled(&self, k: usize) -> RgbImage {
        let k = k.max(1);
        let (w, h) = (self.width * k, self.height * k);
        let mut pixels = Vec::with_capacity(w * h * 3);
        for y in 0..h {
            for x in 0..w {
                let o = ((y / k) * self.width + x / k) * 3;
                pixels.extend_from_slice(&self.pixels[o..o + 3]);
            }
        }
        RgbImage {
            width: w,
            height: h,
            pixels,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tile_cut_from_a_grid_is_the_image_put_in() {
        // Three 2×1 grayscale images in two columns.
        let bytes = [10, 11, 20, 21, 30, 31];
        let grid = ImageGrid::tile(0, &bytes, 3, 2, 1, 1, 2);
        let t = grid.tile_image(2).expect("tile 2");
        assert_eq!(t.pixels, vec![30, 30, 30, 31, 31, 31]);
        assert!(grid.tile_image(4).is_none());
        let frames = grid.there_and_back(3, 1);
        let firsts: Vec<u8> = frames.iter().map(|f| f.pixels[0]).collect();
        assert_eq!(firsts, vec![10, 20, 30, 20], "there and back, no end twice");
        assert_eq!(grid.there_and_back(1, 1).len(), 1);
        let big = t.scaled(2);
        assert_eq!((big.width, big.height), (4, 2));
        assert_eq!(&big.pixels[..6], &[30, 30, 30, 30, 30, 30]);
    }
}
