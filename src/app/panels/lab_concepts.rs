//! Concept vectors: the mean code of images that have a concept minus the mean code
//! of images that lack it, chosen by label or by clicking examples, added with
//! growing strength to any image's code.

use super::lab_map::ask_if_new;
use super::lab_widgets::{CachedImage, ThumbStrip};
use crate::app::actions::{Actions, UiAction};
use crate::app::lab_state::{ConceptEnd, LabState};
use crate::app::theme;
use crate::lab::LatentQuery;
use crate::lab::{LabQuery, LabSlot, LatentMap};

/// Images in the result row.
const STRENGTHS: usize = 7;

/// What a click on a thumbnail does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum ClickSets {
    #[default]
    Base,
    With,
    Without,
}

/// The concepts page.
#[derive(Default)]
pub struct ConceptsPage {
    row: CachedImage,
    last: Option<(u64, LabQuery)>,
    click: ClickSets,
}

impl ConceptsPage {
    /// Draws the page.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        lab: &mut LabState,
        map: &LatentMap,
        thumbs: &mut ThumbStrip,
        actions: &mut Actions,
    ) {
        egui::Grid::new("concept-ends")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("With the concept");
                end_ui(ui, "plus", &mut lab.concept_plus, map);
                ui.end_row();
                ui.label("Without it");
                end_ui(ui, "minus", &mut lab.concept_minus, map);
                ui.end_row();
                ui.label("Strength");
                ui.add(egui::Slider::new(&mut lab.concept_strength, 0.25..=4.0))
                    .on_hover_text(
                        "The row adds 0 to this many times the vector to the image's code.",
                    );
                ui.end_row();
            });
        ui.horizontal(|ui| {
            ui.label("A click on an image sets:");
            ui.radio_value(&mut self.click, ClickSets::Base, "the image to change");
            ui.radio_value(&mut self.click, ClickSets::With, "an example with")
                .on_hover_text(
                    "Adds the image to (or removes it from) the examples that have the concept.",
                );
            ui.radio_value(&mut self.click, ClickSets::Without, "an example without");
        });
        let mut marked: Vec<(usize, &str)> = vec![(lab.concept_base, "the image to change")];
        for (end, label) in [(&lab.concept_plus, "with"), (&lab.concept_minus, "without")] {
            if let ConceptEnd::Picked(ix) = end {
                marked.extend(ix.iter().map(|&i| (i, label)));
            }
        }
        if let Some((i, _)) = thumbs.ui(ui, &lab.thumbs(), lab.thumbs_key(), &marked) {
            match self.click {
                ClickSets::Base => lab.concept_base = i,
                ClickSets::With => toggle(&mut lab.concept_plus, i),
                ClickSets::Without => toggle(&mut lab.concept_minus, i),
            }
        }
        let strengths: Vec<f32> = (0..STRENGTHS)
            .map(|k| lab.concept_strength * k as f32 / (STRENGTHS - 1) as f32)
            .collect();
        let query = LabQuery::Latent(LatentQuery::Concept {
            plus: lab.selection(&lab.concept_plus),
            minus: lab.selection(&lab.concept_minus),
            base: lab.image_ref(lab.concept_base),
            strengths: strengths.clone(),
        });
        ask_if_new(&mut self.last, lab.map_generation, query, actions);
        ui.separator();
        ui.label(format!(
            "The image's reconstruction, then + {} × (with − without):",
            strengths
                .iter()
                .skip(1)
                .map(|s| format!("{s:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        if let Some(img) = lab.images.get(&LabSlot::Concept) {
            let width = ui.available_width();
            let aspect = img.grid.image.width as f32 / img.grid.image.height.max(1) as f32;
            let side = width.min((ui.available_height() - 30.0).max(40.0) * aspect);
            self.row
                .ui(ui, "lab-concept", &img.grid.image, img.generation, side);
            if ui.button("Save PNG…").clicked() {
                actions.push(UiAction::ExportLabPng(LabSlot::Concept));
            }
        }
        if let Some(e) = lab.errors.get(&LabSlot::Concept) {
            ui.colored_label(theme::WARNING, e);
        }
    }
}

/// A label picker, or the clicked examples.
fn end_ui(ui: &mut egui::Ui, id: &str, end: &mut ConceptEnd, map: &LatentMap) {
    let text = match end {
        ConceptEnd::Label(l) => format!(
            "label {}",
            map.class_names
                .get(*l as usize)
                .cloned()
                .unwrap_or_else(|| l.to_string())
        ),
        ConceptEnd::Picked(ix) => format!("{} clicked examples", ix.len()),
    };
    egui::ComboBox::from_id_salt(("concept", id))
        .selected_text(text)
        .show_ui(ui, |ui| {
            for (l, name) in map.class_names.iter().enumerate() {
                ui.selectable_value(end, ConceptEnd::Label(l as u32), format!("label {name}"));
            }
            if !matches!(end, ConceptEnd::Picked(_)) && ui.selectable_label(false, "examples I click").clicked() {
                *end = ConceptEnd::Picked(Vec::new());
            }
        })
        .response
        .on_hover_text("All held-out images of a label, or examples clicked below (e.g. thick vs thin strokes).");
}

fn toggle(end: &mut ConceptEnd, i: usize) {
    if !matches!(end, ConceptEnd::Picked(_)) {
        *end = ConceptEnd::Picked(Vec::new());
    }
    if let ConceptEnd::Picked(ix) = end {
        match ix.iter().position(|&j| j == i) {
            Some(p) => {
                ix.remove(p);
            }
            None => ix.push(i),
        }
    }
}
