//! Pieces the latent lab's pages share: a picture shown through a cached texture,
//! and a strip of held-out thumbnails to pick images from.

use crate::app::theme;
use crate::view::RgbImage;

/// A texture that is re-uploaded only when its key changes.
#[derive(Default)]
pub struct CachedImage {
    texture: Option<egui::TextureHandle>,
    key: Option<u64>,
}

impl CachedImage {
    /// Shows `image` (uploaded again only when `key` changes) scaled to fit
    /// `max_side`, pixels kept sharp; returns the image's response.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        name: &str,
        image: &RgbImage,
        key: u64,
        max_side: f32,
    ) -> egui::Response {
        self.ui_sensing(ui, name, image, key, max_side, egui::Sense::hover())
    }

    /// As [`Self::ui`], with the picture sensing `sense` (a drag, a click).
    pub fn ui_sensing(
        &mut self,
        ui: &mut egui::Ui,
        name: &str,
        image: &RgbImage,
        key: u64,
        max_side: f32,
        sense: egui::Sense,
    ) -> egui::Response {
        if self.key != Some(key) || self.texture.is_none() {
            let color = egui::ColorImage::from_rgb([image.width, image.height], &image.pixels);
            match &mut self.texture {
                Some(t) => t.set(color, egui::TextureOptions::NEAREST),
                None => {
                    self.texture = Some(ui.ctx().load_texture(
                        name,
                        color,
                        egui::TextureOptions::NEAREST,
                    ))
                }
            }
            self.key = Some(key);
        }
        let Some(t) = &self.texture else {
            return ui.label("");
        };
        let size = t.size_vec2();
        let scale = (max_side / size.x.max(size.y)).max(0.1);
        ui.add(egui::Image::new((t.id(), size * scale)).sense(sense))
    }
}

/// Thumbnails of held-out images as buttons.
#[derive(Default)]
pub struct ThumbStrip {
    textures: Vec<egui::TextureHandle>,
    key: Option<u64>,
}

impl ThumbStrip {
    /// Draws the thumbnails (re-uploaded when `key` changes), framing those in
    /// `marked` with their label; returns the index clicked and whether it was a
    /// secondary (right) click.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        thumbs: &[RgbImage],
        key: u64,
        marked: &[(usize, &str)],
    ) -> Option<(usize, bool)> {
        if self.key != Some(key) {
            self.textures = thumbs
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let color = egui::ColorImage::from_rgb([t.width, t.height], &t.pixels);
                    ui.ctx().load_texture(
                        format!("thumb-{i}"),
                        color,
                        egui::TextureOptions::NEAREST,
                    )
                })
                .collect();
            self.key = Some(key);
        }
        let mut clicked = None;
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing = egui::vec2(3.0, 3.0);
            for (i, t) in self.textures.iter().enumerate() {
                let mark = marked.iter().find(|(m, _)| *m == i).map(|(_, l)| *l);
                let button = egui::Button::image((t.id(), egui::vec2(34.0, 34.0)))
                    .selected(mark.is_some())
                    .stroke(match mark {
                        Some(_) => egui::Stroke::new(2.0, theme::ACCENT),
                        None => egui::Stroke::NONE,
                    });
                let mut r = ui.add(button);
                r = match mark {
                    Some(l) => r.on_hover_text(format!("image {}: {l}", i + 1)),
                    None => r.on_hover_text(format!("image {}", i + 1)),
                };
                if r.clicked() {
                    clicked = Some((i, false));
                }
                if r.secondary_clicked() {
                    clicked = Some((i, true));
                }
            }
        });
        clicked
    }
}
