//! `ImageSet`: images of one size as plain bytes, with optional labels.

/// A set of images, all `width × height × channels`, stored row-major, one byte per
/// channel (0 = black), image after image.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageSet {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// 1 (grayscale) or 3 (RGB).
    pub channels: usize,
    /// `len() * width * height * channels` bytes.
    pub pixels: Vec<u8>,
    /// One class index per image, if the set is labelled.
    pub labels: Option<Vec<u32>>,
    /// The name of each class (`"0"`…`"9"` for digits, folder names for folders).
    pub class_names: Vec<String>,
}

impl ImageSet {
    /// Bytes in one image.
    pub fn image_len(&self) -> usize {
        self.width * self.height * self.channels
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.pixels.len().checked_div(self.image_len()).unwrap_or(0)
    }

    /// Whether the set holds no image.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes of image `i`.
    pub fn image(&self, i: usize) -> &[u8] {
        let n = self.image_len();
        &self.pixels[i * n..(i + 1) * n]
    }

    /// The label of image `i`, if labelled.
    pub fn label(&self, i: usize) -> Option<u32> {
        self.labels.as_ref().and_then(|l| l.get(i).copied())
    }

    /// Images per class (empty for an unlabelled set).
    pub fn label_histogram(&self) -> Vec<usize> {
        let mut counts = vec![0; self.class_names.len()];
        for &l in self.labels.iter().flatten() {
            if let Some(c) = counts.get_mut(l as usize) {
                *c += 1;
            }
        }
        counts
    }

    /// The images at `indices`, in that order.
    pub fn subset(&self, indices: &[usize]) -> ImageSet {
        let mut pixels = Vec::with_capacity(indices.len() * self.image_len());
        for &i in indices {
            pixels.extend_from_slice(self.image(i));
        }
        ImageSet {
            width: self.width,
            height: self.height,
            channels: self.channels,
            pixels,
            labels: self
                .labels
                .as_ref()
                .map(|l| indices.iter().map(|&i| l[i]).collect()),
            class_names: self.class_names.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexing_histogram_and_subsets() {
        let set = ImageSet {
            width: 2,
            height: 1,
            channels: 1,
            pixels: vec![1, 2, 3, 4, 5, 6],
            labels: Some(vec![1, 0, 1]),
            class_names: vec!["a".into(), "b".into()],
        };
        assert_eq!(set.len(), 3);
        assert_eq!(set.image(1), &[3, 4]);
        assert_eq!(set.label_histogram(), vec![1, 2]);
        let sub = set.subset(&[2, 0]);
        assert_eq!(sub.pixels, vec![5, 6, 1, 2]);
        assert_eq!(sub.labels, Some(vec![1, 1]));
    }
}
