//! A bounded history of sample grids that covers the whole run: when it is full,
//! every other grid is dropped and from then on only every other new one is kept,
//! so scrubbing back always reaches the start.

use std::collections::VecDeque;

use crate::view::ImageGrid;

/// Past grids, oldest first, and which one the user is looking at.
#[derive(Debug, Default)]
pub struct GalleryHistory {
    grids: VecDeque<ImageGrid>,
    capacity: usize,
    /// Keep one grid in `stride` from now on.
    stride: usize,
    skipped: usize,
    /// The newest grid, kept in the history or not.
    latest: Option<ImageGrid>,
    /// The grid shown, as an index into the history; `None` follows the newest.
    pub selected: Option<usize>,
}

impl GalleryHistory {
    /// An empty history holding at most `capacity` grids (at least 2).
    pub fn new(capacity: usize) -> Self {
        Self {
            grids: VecDeque::new(),
            capacity: capacity.max(2),
            stride: 1,
            skipped: 0,
            latest: None,
            selected: None,
        }
    }

    /// Adds the newest grid (the newest is always shown while `selected` is `None`).
    pub fn push(&mut self, grid: ImageGrid) {
        self.latest = Some(grid.clone());
        self.skipped += 1;
        if self.skipped < self.stride {
            return;
        }
        self.skipped = 0;
        if self.grids.len() >= self.capacity {
            let kept: VecDeque<ImageGrid> = self.grids.drain(..).step_by(2).collect();
            self.grids = kept;
            self.stride *= 2;
            self.selected = self.selected.map(|s| s / 2);
        }
        self.grids.push_back(grid);
    }

    /// Forgets everything (a new run).
    pub fn clear(&mut self) {
        *self = Self::new(self.capacity);
    }

    /// Number of grids kept.
    pub fn len(&self) -> usize {
        self.grids.len()
    }

    /// Whether no grid is kept.
    pub fn is_empty(&self) -> bool {
        self.grids.is_empty()
    }

    /// The grid to show.
    pub fn current(&self) -> Option<&ImageGrid> {
        match self.selected {
            Some(i) => self.grids.get(i).or(self.latest.as_ref()),
            None => self.latest.as_ref(),
        }
    }

    /// The newest grid.
    pub fn latest(&self) -> Option<&ImageGrid> {
        self.latest.as_ref()
    }

    /// Every kept grid, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &ImageGrid> {
        self.grids.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(step: u64) -> ImageGrid {
        ImageGrid::tile(step, &[0], 1, 1, 1, 1, 1)
    }

    #[test]
    fn stays_bounded_and_spans_the_whole_run() {
        let mut h = GalleryHistory::new(8);
        for step in 0..100 {
            h.push(grid(step));
            assert!(h.len() <= 8);
        }
        let steps: Vec<u64> = h.iter().map(|g| g.step).collect();
        assert_eq!(steps[0], 0, "the start is kept: {steps:?}");
        assert_eq!(h.current().map(|g| g.step), Some(99), "the newest is shown");
        assert!(steps.windows(2).all(|w| w[0] < w[1]));
        h.selected = Some(0);
        assert_eq!(h.current().map(|g| g.step), Some(0));
    }
}
