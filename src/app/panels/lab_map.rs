//! The latent map: held-out codes scattered on two chosen axes (principal
//! components when the code has more than two dimensions), coloured by label; the
//! image decoded under the pointer; and a grid of images decoded over the map.

use egui_plot::{MarkerShape, Plot, PlotPoint, Points};

use super::lab_widgets::CachedImage;
use crate::app::actions::{Actions, UiAction};
use crate::app::lab_state::LabState;
use crate::app::theme;
use crate::lab::LatentQuery;
use crate::lab::{LabQuery, LabSlot, LatentMap};

/// The map page's textures and the last queries it sent.
#[derive(Default)]
pub struct MapPage {
    point: CachedImage,
    tiles: CachedImage,
    last_point: Option<(u64, LabQuery)>,
    last_tiles: Option<(u64, LabQuery)>,
}

impl MapPage {
    /// Draws the page.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        lab: &mut LabState,
        map: &LatentMap,
        actions: &mut Actions,
    ) {
        // What is visible: a parent's layout may offer more width than the window shows.
        let visible = (ui.clip_rect().right() - ui.cursor().left()).min(ui.available_width());
        ui.set_max_width(visible);
        axes_ui(ui, lab, map);
        key_ui(ui, map);
        let (ax, ay) = lab.axes;
        let side = (ui.available_height() - 8.0).min(visible * 0.55).max(200.0);
        // The column beside the map: what is left of the visible width.
        let column = (visible - side - 2.0 * ui.spacing().item_spacing.x).max(120.0);
        let mut pointer = None;
        ui.horizontal_top(|ui| {
            let plot = Plot::new("latent-map")
                .width(side)
                .height(side)
                .data_aspect(1.0)
                .x_axis_label(axis_name(map, ax))
                .y_axis_label(axis_name(map, ay))
                .show(ui, |plot| {
                    points_ui(plot, map, (ax, ay));
                    if let Some(p) = lab.pinned {
                        plot.points(
                            Points::new("pinned", vec![[p[0] as f64, p[1] as f64]])
                                .shape(MarkerShape::Cross)
                                .radius(8.0)
                                .color(theme::ACCENT),
                        );
                    }
                    plot.pointer_coordinate()
                });
            let hovered = plot.inner;
            if plot.response.clicked()
                && let Some(p) = hovered
            {
                lab.pinned = Some([p.x as f32, p.y as f32]);
            }
            pointer = hovered.map(|p: PlotPoint| [p.x as f32, p.y as f32]).or(lab.pinned);
            ui.vertical(|ui| {
                ui.set_max_width(column);
                let img_side = (column * 0.45).clamp(96.0, 220.0);
                ui.label("Decoded at the pointer")
                    .on_hover_text("Move over the map to decode that point; click to pin it.");
                if let Some(p) = pointer {
                    let code = map.basis.lift((ax, ay), p);
                    let query = LabQuery::Latent(LatentQuery::Decode {
                        slot: LabSlot::MapPoint,
                        codes: vec![code],
                        cols: 1,
                    });
                    ask_if_new(&mut self.last_point, lab.map_generation, query, actions);
                    ui.weak(format!("({:.2}, {:.2})", p[0], p[1]));
                }
                if let Some(img) = lab.images.get(&LabSlot::MapPoint) {
                    self.point
                        .ui(ui, "lab-point", &img.grid.image, img.generation, img_side);
                }
                ui.separator();
                ui.checkbox(&mut lab.show_tiles, "Decoded grid")
                    .on_hover_text("Decode a grid of points spanning the map, to see how images change across it.");
                if lab.show_tiles {
                    ui.spacing_mut().slider_width = (column - 90.0).clamp(60.0, 200.0);
                    ui.add(egui::Slider::new(&mut lab.tiles, 4..=20).text("per side"))
                        .on_hover_text("Points per side of the grid.");
                    let query = tiles_query(map, lab.axes, lab.tiles);
                    ask_if_new(&mut self.last_tiles, lab.map_generation, query, actions);
                    if let Some(img) = lab.images.get(&LabSlot::MapTiles) {
                        let room = column.min(ui.available_height()).max(120.0);
                        self.tiles
                            .ui(ui, "lab-tiles", &img.grid.image, img.generation, room);
                    }
                }
                for slot in [LabSlot::MapPoint, LabSlot::MapTiles] {
                    if let Some(e) = lab.errors.get(&slot) {
                        ui.colored_label(theme::WARNING, e);
                    }
                }
            });
        });
    }
}

/// Sends `query` unless it was the last one sent for this map.
pub fn ask_if_new(
    last: &mut Option<(u64, LabQuery)>,
    map_generation: u64,
    query: LabQuery,
    actions: &mut Actions,
) {
    let key = (map_generation, query);
    if last.as_ref() != Some(&key) {
        actions.push(UiAction::Lab(key.1.clone()));
        *last = Some(key);
    }
}

fn axes_ui(ui: &mut egui::Ui, lab: &mut LabState, map: &LatentMap) {
    let n = map.basis.components.len();
    if n < 2 {
        ui.label("A one-dimensional code: the map is a line.");
        return;
    }
    ui.horizontal_wrapped(|ui| {
        if map.basis.is_pca {
            ui.label(format!(
                "{} held-out codes of {} dimensions, projected on principal components",
                map.codes.len(),
                map.dim
            ));
        } else {
            ui.label(format!("{} held-out codes", map.codes.len()));
        }
        for (axis, id) in [(&mut lab.axes.0, "x"), (&mut lab.axes.1, "y")] {
            egui::ComboBox::from_id_salt(("map-axis", id))
                .selected_text(format!("{id}: {}", axis_name(map, *axis)))
                .show_ui(ui, |ui| {
                    for i in 0..n {
                        ui.selectable_value(axis, i, axis_name(map, i));
                    }
                })
                .response
                .on_hover_text("Which direction of the latent space this axis shows.");
        }
        if lab.pinned.is_some() && ui.button("Unpin").clicked() {
            lab.pinned = None;
        }
    });
}

/// The colour of each label, as a row above the map (a legend inside it would cover
/// the points).
fn key_ui(ui: &mut egui::Ui, map: &LatentMap) {
    if map.class_names.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 3.0;
        for (g, name) in map.class_names.iter().enumerate() {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            ui.painter()
                .circle_filled(rect.center(), 4.0, theme::series(g));
            ui.label(egui::RichText::new(name).small());
            ui.add_space(6.0);
        }
    });
}

fn axis_name(map: &LatentMap, i: usize) -> String {
    let var = map.basis.variances.get(i).copied().unwrap_or(0.0);
    if map.basis.is_pca {
        format!("PC{} (variance {var:.2})", i + 1)
    } else {
        format!("z{} (variance {var:.2})", i + 1)
    }
}

/// One series of points per label (or one for an unlabelled set).
fn points_ui(plot: &mut egui_plot::PlotUi, map: &LatentMap, (ax, ay): (usize, usize)) {
    let classes = map.class_names.len().max(1);
    let mut groups: Vec<Vec<[f64; 2]>> = vec![Vec::new(); classes + 1];
    for (p, label) in map.projected.iter().zip(&map.labels) {
        let (Some(x), Some(y)) = (p.get(ax), p.get(ay)) else {
            continue;
        };
        let g = label.map_or(classes, |l| (l as usize).min(classes));
        groups[g].push([*x as f64, *y as f64]);
    }
    for (g, pts) in groups.into_iter().enumerate() {
        if pts.is_empty() {
            continue;
        }
        let name = map
            .class_names
            .get(g)
            .cloned()
            .unwrap_or_else(|| "unlabelled".into());
        plot.points(
            Points::new(name, pts)
                .radius(2.0)
                .filled(true)
                .color(theme::series(g)),
        );
    }
}

/// Decodes a `n × n` grid over the middle 98% of the map on `axes`, top row first.
fn tiles_query(map: &LatentMap, axes: (usize, usize), n: usize) -> LabQuery {
    let range = |axis: usize| {
        let mut v: Vec<f32> = map
            .projected
            .iter()
            .filter_map(|p| p.get(axis).copied())
            .collect();
        v.sort_by(f32::total_cmp);
        let at = |q: f64| {
            v.get(((v.len().saturating_sub(1)) as f64 * q) as usize)
                .copied()
        };
        (at(0.01).unwrap_or(-2.0), at(0.99).unwrap_or(2.0))
    };
    let ((x0, x1), (y0, y1)) = (range(axes.0), range(axes.1));
    let n = n.max(2);
    let t = |i: usize| i as f32 / (n - 1) as f32;
    let codes = (0..n)
        .flat_map(|row| (0..n).map(move |col| (row, col)))
        .map(|(row, col)| {
            let x = x0 + (x1 - x0) * t(col);
            let y = y1 - (y1 - y0) * t(row);
            map.basis.lift(axes, [x, y])
        })
        .collect();
    LabQuery::Latent(LatentQuery::Decode {
        slot: LabSlot::MapTiles,
        codes,
        cols: n,
    })
}
