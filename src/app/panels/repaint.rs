//! The Repaint tab of a fast style transfer: any picture (a typed path, or dropped
//! on the window) repainted by the trained network at its own size, and a live view
//! that repaints the studio's landscape frame after frame as its sliders move (or
//! as its sun crosses the sky by itself). The worker reads the files and runs the
//! network; this panel only asks and shows.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use super::lab_map::ask_if_new;
use super::lab_widgets::CachedImage;
use crate::app::actions::{Actions, UiAction};
use crate::app::lab_state::LabState;
use crate::app::theme;
use crate::data::landscapes::LandscapeParams;
use crate::lab::{LabQuery, LabSlot, StylizeQuery};
use crate::view::RgbImage;

/// A picture and its repainting, as answered.
#[derive(Clone, Debug)]
pub struct Repainted {
    /// The picture as read or drawn.
    pub original: RgbImage,
    /// The network's repainting.
    pub result: RgbImage,
    /// Seconds the forward pass took.
    pub seconds: f64,
    /// Changes with every answer (textures follow it).
    pub generation: u64,
}

/// What the Repaint tab asks, and its latest answers.
#[derive(Clone, Debug)]
pub struct RepaintSettings {
    /// The picture file to repaint, as typed.
    pub path: String,
    /// The most pixels on a repainted picture's longer side.
    pub max_side: usize,
    /// The live landscape.
    pub live: LandscapeParams,
    /// Its seed (the sliders start from the seed's landscape).
    pub seed: u64,
    /// Its width in pixels.
    pub width: usize,
    /// Whether the sun moves by itself, a step each frame.
    pub animate: bool,
    /// The latest answer of each slot.
    pub answers: HashMap<LabSlot, Repainted>,
    /// When the last live frames arrived, for the frame rate.
    pub live_times: Vec<Instant>,
}

impl Default for RepaintSettings {
    fn default() -> Self {
        Self {
            path: String::new(),
            max_side: 1024,
            live: LandscapeParams::default(),
            seed: 0,
            width: 256,
            animate: false,
            answers: HashMap::new(),
            live_times: Vec::new(),
        }
    }
}

impl RepaintSettings {
    /// Keeps an answer; a live one counts towards the frame rate.
    pub fn answered(&mut self, slot: LabSlot, answer: Repainted) {
        if slot == LabSlot::Live {
            self.live_times.push(Instant::now());
            let keep = self.live_times.len().saturating_sub(20);
            self.live_times.drain(..keep);
        }
        self.answers.insert(slot, answer);
    }

    /// Live frames per second over the last few.
    fn frames_per_second(&self) -> Option<f64> {
        let (first, last) = (self.live_times.first()?, self.live_times.last()?);
        let span = last.duration_since(*first).as_secs_f64();
        (self.live_times.len() > 2 && span > 0.0).then(|| (self.live_times.len() - 1) as f64 / span)
    }
}

/// The Repaint page: its textures and what it asked last.
#[derive(Default)]
pub struct RepaintPage {
    asked: Option<(u64, LabQuery)>,
    images: [CachedImage; 4],
}

/// The query for a picture file.
pub fn file_query(path: PathBuf, max_side: usize) -> LabQuery {
    LabQuery::Stylize(StylizeQuery::File { path, max_side })
}

impl RepaintPage {
    /// Draws the page; `model_key` changes when the model does.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        lab: &mut LabState,
        model_key: u64,
        actions: &mut Actions,
    ) {
        let waiting = lab.is_waiting(LabSlot::Live);
        let s = &mut lab.repaint;
        if s.animate && !waiting {
            s.live.sun_x = (s.live.sun_x + 0.01) % 1.0;
            ui.ctx().request_repaint();
        }
        let live = LabQuery::Stylize(StylizeQuery::Landscape {
            params: s.live,
            width: s.width,
        });
        ask_if_new(&mut self.asked, model_key, live, actions);
        let side = ((ui.available_width() - 30.0) / 2.0).clamp(120.0, 420.0);
        egui::ScrollArea::vertical()
            .id_salt("repaint")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                self.picture_ui(ui, lab, side, actions);
                ui.separator();
                self.live_ui(ui, lab, side);
            });
    }

    fn picture_ui(
        &mut self,
        ui: &mut egui::Ui,
        lab: &mut LabState,
        side: f32,
        actions: &mut Actions,
    ) {
        ui.heading("Repaint a picture");
        ui.label("Any PNG or JPEG at its own size, in one pass of the trained network. Type its path, or drop it on the window.");
        let s = &mut lab.repaint;
        let mut go = false;
        ui.horizontal(|ui| {
            let field = ui.add(
                egui::TextEdit::singleline(&mut s.path)
                    .hint_text("/path/to/photo.jpg")
                    .desired_width(360.0),
            );
            go |= field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            go |= ui.button("Repaint").clicked();
            ui.label("longest side");
            ui.add(
                egui::DragValue::new(&mut s.max_side)
                    .range(16..=2048)
                    .suffix(" px"),
            )
            .on_hover_text("Larger pictures are scaled down to this first.");
        });
        if go && !s.path.trim().is_empty() {
            let path = crate::app::typed_path::expand_home(s.path.trim());
            actions.push(UiAction::Lab(file_query(path, s.max_side)));
        }
        if let Some(e) = lab.errors.get(&LabSlot::Repaint) {
            ui.colored_label(theme::ERROR, e);
        }
        match lab.repaint.answers.get(&LabSlot::Repaint) {
            Some(a) => self.pair_ui(ui, a, side, 0),
            None => {
                ui.weak("Nothing repainted yet.");
            }
        }
    }

    fn live_ui(&mut self, ui: &mut egui::Ui, lab: &mut LabState, side: f32) {
        ui.heading("Live");
        ui.label("The studio's landscape, repainted each time a slider moves.");
        let s = &mut lab.repaint;
        ui.horizontal(|ui| {
            ui.label("seed");
            if ui.add(egui::DragValue::new(&mut s.seed)).changed() {
                s.live = LandscapeParams::from_seed(s.seed);
            }
            if ui.button("New landscape").clicked() {
                s.seed = s.seed.wrapping_add(1);
                s.live = LandscapeParams::from_seed(s.seed);
            }
            ui.label("width");
            ui.add(egui::DragValue::new(&mut s.width).range(32..=1024).suffix(" px"));
            ui.checkbox(&mut s.animate, "Move the sun")
                .on_hover_text("The sun crosses the sky by itself: a new frame as soon as the last one is painted.");
        });
        let p = &mut s.live;
        let sliders: [(&str, &mut f32, std::ops::RangeInclusive<f32>); 8] = [
            ("sun across", &mut p.sun_x, 0.0..=1.0),
            ("sun height", &mut p.sun_y, 0.0..=0.6),
            ("far hills", &mut p.far, 0.3..=0.7),
            ("their waves", &mut p.far_waves, 0.0..=0.2),
            ("near hills", &mut p.near, 0.5..=0.9),
            ("house", &mut p.house_x, 0.0..=0.85),
            ("lake", &mut p.lake, 0.6..=1.0),
            ("dusk", &mut p.dusk, 0.0..=1.0),
        ];
        egui::Grid::new("live-sliders")
            .num_columns(8)
            .spacing([8.0, 4.0])
            .show(ui, |ui| {
                for (i, (label, value, range)) in sliders.into_iter().enumerate() {
                    ui.label(label);
                    ui.add(egui::Slider::new(value, range).fixed_decimals(2));
                    if i % 4 == 3 {
                        ui.end_row();
                    }
                }
            });
        if let Some(e) = lab.errors.get(&LabSlot::Live) {
            ui.colored_label(theme::ERROR, e);
        }
        let fps = lab.repaint.frames_per_second();
        if let Some(a) = lab.repaint.answers.get(&LabSlot::Live) {
            self.pair_ui(ui, a, side, 2);
            if let Some(fps) = fps {
                ui.label(format!("{fps:.1} frames a second"));
            }
        }
    }

    /// A picture beside its repainting, with the time it took.
    fn pair_ui(&mut self, ui: &mut egui::Ui, a: &Repainted, side: f32, first: usize) {
        let [left, right] = &mut self.images[first..first + 2] else {
            return;
        };
        ui.horizontal_top(|ui| {
            left.ui(
                ui,
                &format!("repaint-{first}"),
                &a.original,
                a.generation,
                side,
            );
            right.ui(
                ui,
                &format!("repaint-{}", first + 1),
                &a.result,
                a.generation,
                side,
            );
        });
        ui.label(format!(
            "{} × {} repainted in {:.0} ms",
            a.result.width,
            a.result.height,
            a.seconds * 1000.0
        ));
    }
}
