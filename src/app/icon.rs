//! The window's icon: `assets/icon.png` (drawn by `scripts/make_icon.py`), built in.

/// The icon as eframe takes it (an empty one if the built-in file would not decode,
/// which a test rules out).
pub fn window_icon() -> egui::IconData {
    decode().unwrap_or_default()
}

fn decode() -> Option<egui::IconData> {
    let image = image::load_from_memory_with_format(
        include_bytes!("../../assets/icon.png"),
        image::ImageFormat::Png,
    )
    .ok()?
    .into_rgba8();
    Some(egui::IconData {
        width: image.width(),
        height: image.height(),
        rgba: image.into_raw(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_built_in_icon_decodes_as_a_square_with_transparent_corners() {
        let icon = super::decode().expect("the icon decodes");
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
        assert_eq!(icon.rgba[3], 0, "a transparent corner");
        let centre = (128 * 256 + 128) * 4;
        assert_eq!(icon.rgba[centre + 3], 255, "an opaque middle");
    }
}
