//! Text in any script: the window falls back to the system's installed fonts for
//! glyphs egui's own fonts lack (eframe's `system_fonts`, egui_system_font_provider),
//! so a Chinese poem or a Russian novel shows as text, not boxes.

use egui::epaint::text::{FallbackRequest, FontFamily, FontProvider};
use egui_system_font_provider::SystemFontProvider;

/// Whether fontconfig lists an installed font with a glyph for `c` (`None`: no
/// fontconfig to ask).
fn installed_font_has(c: char) -> Option<bool> {
    let out = std::process::Command::new("fc-list")
        .arg(format!(":charset={:x}", c as u32))
        .arg("file")
        .output()
        .ok()?;
    Some(!String::from_utf8_lossy(&out.stdout).trim().is_empty())
}

#[test]
fn a_cjk_character_finds_a_system_face_with_its_glyph_where_one_is_installed() {
    let poem = '诗';
    let provider = SystemFontProvider::new().with_locale(Some("zh-Hans"));
    let found = provider.font_for(&FallbackRequest {
        cluster: "诗",
        family: &FontFamily::Proportional,
    });
    match installed_font_has(poem) {
        Some(true) => {
            let insert = found.expect("a face for 诗 (fontconfig lists one)");
            let bytes: &[u8] = (*insert.data.font).as_ref();
            let face = ab_glyph::FontRef::try_from_slice_and_index(bytes, insert.data.index)
                .expect("the face parses");
            use ab_glyph::Font;
            assert_ne!(
                face.glyph_id(poem).0,
                0,
                "{} has no glyph for 诗",
                insert.name
            );
        }
        // No installed face has it: the fallback finds none rather than a wrong one.
        Some(false) => assert!(found.is_none(), "no installed face has 诗"),
        None => eprintln!("no fontconfig here: the fallback is not checked"),
    }
}
