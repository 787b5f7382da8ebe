//! Pieces the style-transfer and DeepDream setups share: a picture slot (the
//! studio's pictures or a file, chosen by dialog or dropped on the slot), the
//! feature-network choice, and the cost estimate for the working size.

use crate::app::actions::{Actions, UiAction};
use crate::app::dialogs::{InputRole, THUMB_SIDE};
use crate::app::state::AppState;
use crate::app::theme;
use crate::data::pictures::{PictureSource, digit, landscape, mosaic};
use crate::features::FeatureSource;
use crate::features::estimate::{Estimate, estimate};
use crate::view::RgbImage;

/// How to get VGG weights, for the tooltip and the hint under the choice.
pub const VGG_HOWTO: &str = "VGG16 or VGG19 as safetensors, with torchvision's or timm's names (features.N.weight). \
With PyTorch: import torch, torchvision; from safetensors.torch import save_file; \
save_file(torchvision.models.vgg19(weights=\"DEFAULT\").state_dict(), \"vgg19.safetensors\"). \
Nothing is downloaded by the studio.";

/// A picture slot: its thumbnail (a drop target), the studio's pictures to pick,
/// and a button for a file.
pub fn picture_slot_ui(
    ui: &mut egui::Ui,
    state: &mut AppState,
    role: InputRole,
    label: &str,
    current: &mut PictureSource,
    actions: &mut Actions,
) {
    let file_thumb = state.input_thumbs.get(&role);
    let frame = ui
        .group(|ui| {
            ui.vertical(|ui| {
                ui.strong(label);
                let shown = thumbnail_ui(ui, role, current, file_thumb);
                if !shown {
                    ui.label(current.label());
                }
                ui.horizontal(|ui| {
                    for builtin in [PictureSource::Landscape, PictureSource::Mosaic] {
                        let name = match builtin {
                            PictureSource::Landscape => "landscape",
                            _ => "mosaic",
                        };
                        let on = *current == builtin;
                        if ui
                            .selectable_label(on, name)
                            .on_hover_text("A picture the studio draws itself.")
                            .clicked()
                        {
                            *current = builtin;
                        }
                    }
                });
                ui.horizontal(|ui| {
                    let is_digit = matches!(current, PictureSource::Digit(_));
                    if ui
                        .selectable_label(is_digit, "digit")
                        .on_hover_text("One of the studio's glyph digits: for a network trained on digits.")
                        .clicked()
                        && !is_digit
                    {
                        *current = PictureSource::Digit(3);
                    }
                    if let PictureSource::Digit(d) = current {
                        ui.add(egui::DragValue::new(d).range(0..=9))
                            .on_hover_text("Which digit.");
                    }
                    if ui
                        .button("Open picture…")
                        .on_hover_text("A PNG or JPEG of any size (scaled to the working size); or drop a file on this box.")
                        .clicked()
                    {
                        actions.push(UiAction::ChooseInput(role));
                    }
                });
            });
        })
        .response;
    state.drop_targets.retain(|(r, _)| *r != role);
    let r = frame.rect;
    let rect = crate::app::state::ScreenRect {
        min: [r.min.x, r.min.y],
        max: [r.max.x, r.max.y],
    };
    state.drop_targets.push((role, rect));
}

/// The thumbnail of `source` (a file's from `file_thumb`), its texture kept in egui's
/// memory: the studio's pictures are drawn only when the choice changes, not every
/// frame. False when there is nothing to show (a file not read yet).
fn thumbnail_ui(
    ui: &mut egui::Ui,
    role: InputRole,
    source: &PictureSource,
    file_thumb: Option<&RgbImage>,
) -> bool {
    let id = ui.make_persistent_id(("input-thumb", role));
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        source.hash(&mut h);
        // The same path may be chosen again after the file changed.
        if let (PictureSource::File(_), Some(t)) = (source, file_thumb) {
            t.pixels.iter().step_by(97).for_each(|p| p.hash(&mut h));
        }
        h.finish()
    };
    let cached: Option<(u64, egui::TextureHandle)> = ui.data(|d| d.get_temp(id));
    let texture = match cached {
        Some((k, t)) if k == key => t,
        _ => {
            let drawn;
            let image = match source {
                PictureSource::Landscape => {
                    drawn = landscape(THUMB_SIDE, THUMB_SIDE * 3 / 4);
                    &drawn
                }
                PictureSource::Mosaic => {
                    drawn = mosaic(THUMB_SIDE, THUMB_SIDE, 7);
                    &drawn
                }
                PictureSource::Digit(d) => {
                    drawn = digit(*d, THUMB_SIDE);
                    &drawn
                }
                PictureSource::File(_) => match file_thumb {
                    Some(t) => t,
                    None => return false,
                },
            };
            let color = egui::ColorImage::from_rgb([image.width, image.height], &image.pixels);
            let t = ui.ctx().load_texture(
                format!("input-{role:?}"),
                color,
                egui::TextureOptions::LINEAR,
            );
            ui.data_mut(|d| d.insert_temp(id, (key, t.clone())));
            t
        }
    };
    let size = texture.size_vec2();
    let scale = THUMB_SIDE as f32 / size.x.max(size.y).max(1.0);
    ui.image((texture.id(), size * scale))
        .on_hover_text(source.label());
    true
}

/// The feature network: built-in random filters, or VGG weights from a file.
pub fn network_ui(
    ui: &mut egui::Ui,
    state: &mut AppState,
    network: FeatureSource,
    actions: &mut Actions,
) {
    ui.label("Network");
    ui.vertical(|ui| {
        ui.horizontal_wrapped(|ui| {
            let built_in = matches!(network, FeatureSource::BuiltIn { .. });
            if ui
                .selectable_label(built_in, "built-in random filters")
                .on_hover_text("Fixed random 3×3 filters in four blocks: nothing to load. Random features reproduce textures well; content is kept more loosely than with VGG.")
                .clicked()
                && !built_in
                && let Err(e) = crate::experiments::feature_choice::use_built_in(&mut state.draft)
            {
                state.say(crate::app::state::Level::Error, e.to_string());
            }
            let vgg = matches!(network, FeatureSource::Vgg { .. });
            if ui
                .selectable_label(vgg, "VGG from a file…")
                .on_hover_text(VGG_HOWTO)
                .clicked()
            {
                actions.push(UiAction::ChooseInput(InputRole::Weights));
            }
            let run = matches!(network, FeatureSource::Run { .. });
            if ui
                .selectable_label(run, "a trained run…")
                .on_hover_text("The discriminator of an image GAN you trained here (its run folder): for dreams on digits, what it learned a digit looks like.")
                .clicked()
            {
                actions.push(UiAction::ChooseInput(InputRole::Run));
            }
        });
        match (&network, &state.weights_info) {
            (FeatureSource::Vgg { .. } | FeatureSource::Run { .. }, Some(Ok(info))) => {
                ui.label(info);
            }
            (FeatureSource::Vgg { path: p } | FeatureSource::Run { folder: p }, _) => {
                ui.label(p.display().to_string());
            }
            (_, Some(Err(e))) => {
                ui.colored_label(theme::WARNING, e);
            }
            _ => {}
        }
        ui.collapsing("Where do VGG weights come from?", |ui| {
            ui.label(VGG_HOWTO);
        });
    });
}

/// The estimated cost of one iteration, shown next to the size control; `memory_share`
/// scales the memory for what the optimisation keeps (1 for a style transfer, the
/// memory guard's [`crate::experiments::deep_dream::DREAM_SHARE`] for a dream).
pub fn estimate_ui(
    ui: &mut egui::Ui,
    network: &FeatureSource,
    size: usize,
    deepest: &str,
    memory_share: f64,
) {
    // The studio's landscape is 4:3; other pictures are shown at their longer side.
    let Estimate {
        secs_per_iteration,
        megabytes,
    } = estimate(network, size, size * 3 / 4, deepest);
    let megabytes = megabytes * memory_share;
    ui.label(format!(
        "≈ {secs_per_iteration:.2} s per iteration, ≈ {megabytes:.0} MB"
    ))
    .on_hover_text("Estimated for a 4:3 picture on 2 cores from the network's layer sizes; the status bar shows the real speed once it runs.");
}

/// The layers of `network`, to choose from: those the loaded file or run has, once
/// checked, else the names such a network has.
pub fn layer_names(state: &AppState, network: &FeatureSource) -> Vec<String> {
    match (network, &state.network_layers) {
        (FeatureSource::BuiltIn { .. }, _) | (_, None) => network.layer_names(),
        (_, Some(layers)) => layers.clone(),
    }
}
