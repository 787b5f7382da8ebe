//! The Model tab: the card of the model the setup describes (or the run shows) —
//! its layers with output shapes, parameters, FLOPs, activation memory and
//! kernels — remade off the UI thread whenever the setup changes (a character
//! model's card reads its text for the vocabulary).

use crossbeam_channel::{Receiver, bounded};

use crate::experiments::ExperimentSpec;
use crate::experiments::model_card::{ModelCard, bytes, count, shape};
use crate::experiments::registry;

type CardResult = Result<ModelCard, String>;

/// The card shown and the one being made.
#[derive(Default)]
pub struct ModelCardPanel {
    shown: Option<(ExperimentSpec, CardResult)>,
    making: Option<(ExperimentSpec, Receiver<CardResult>)>,
}

impl ModelCardPanel {
    /// Draws the card of `spec`, asking for a new one when `spec` changed.
    pub fn ui(&mut self, ui: &mut egui::Ui, spec: &ExperimentSpec) {
        self.keep_up(ui.ctx(), spec);
        let Some((for_spec, card)) = &self.shown else {
            ui.horizontal(|ui| {
                super::busy_mark::busy_mark(ui);
                ui.label("Making the model's card…");
            });
            return;
        };
        let card = match card {
            Ok(card) => card,
            Err(e) => {
                ui.label(format!("No card: {e}"));
                return;
            }
        };
        if for_spec != spec {
            ui.weak("(the setup changed: updating…)");
        }
        egui::ScrollArea::both()
            .auto_shrink([false, false])
            .show(ui, |ui| card_ui(ui, card));
    }

    /// Starts making the card of `spec` unless it is shown or being made; takes a
    /// finished one.
    fn keep_up(&mut self, ctx: &egui::Context, spec: &ExperimentSpec) {
        if let Some((made_for, rx)) = &self.making
            && let Ok(card) = rx.try_recv()
        {
            self.shown = Some((made_for.clone(), card));
            self.making = None;
        }
        let current =
            |s: &Option<(ExperimentSpec, CardResult)>| s.as_ref().is_some_and(|(x, _)| x == spec);
        if current(&self.shown) || self.making.is_some() {
            return;
        }
        let Ok(arch) = registry::of(spec) else {
            self.shown = Some((spec.clone(), Err("an unknown architecture".into())));
            return;
        };
        let make = arch.card;
        let (tx, rx) = bounded(1);
        let (for_thread, ctx) = (spec.clone(), ctx.clone());
        let spawned = std::thread::Builder::new()
            .name("model-card".into())
            .spawn(move || {
                let _ = tx.send(make(&for_thread).map_err(|e| e.to_string()));
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.making = Some((spec.clone(), rx)),
            Err(e) => self.shown = Some((spec.clone(), Err(e.to_string()))),
        }
    }
}

/// The card as tables, one per network.
fn card_ui(ui: &mut egui::Ui, card: &ModelCard) {
    ui.heading(&card.title);
    ui.label(format!(
        "{} parameters · {} FLOPs per training step · {} per {} · {} of activations kept per step",
        count(card.params()),
        count(card.step_flops()),
        count(card.sample_flops),
        card.sample,
        bytes(card.activation_bytes()),
    ));
    for (i, n) in card.networks.iter().enumerate() {
        ui.add_space(8.0);
        ui.strong(&n.name);
        ui.label(format!(
            "input {} · batch {} · {} parameters · {} FLOPs per sample · {} of activations per batch",
            shape(&n.input),
            n.batch,
            count(n.params()),
            count(n.flops()),
            bytes(n.activation_bytes()),
        ));
        egui::Grid::new(("card", i))
            .striped(true)
            .num_columns(6)
            .show(ui, |ui| {
                for h in [
                    "layer",
                    "output",
                    "output (batch)",
                    "parameters",
                    "FLOPs",
                    "kernel",
                ] {
                    ui.strong(h);
                }
                ui.end_row();
                for l in &n.layers {
                    let mut batched = vec![n.batch];
                    batched.extend(&l.out);
                    let tensors: Vec<String> = (l.tensors.iter())
                        .map(|(name, dims)| format!("{name}: {}", shape(dims)))
                        .collect();
                    ui.label(&l.op).on_hover_text(tensors.join("\n"));
                    ui.monospace(shape(&l.out));
                    ui.monospace(shape(&batched));
                    ui.monospace(count(l.params()));
                    ui.monospace(count(l.flops));
                    ui.weak(l.kernel);
                    ui.end_row();
                }
            });
    }
    ui.add_space(8.0);
    for note in &card.notes {
        ui.weak(format!("· {note}"));
    }
}
