//! Generating text with a character model: a prompt, the sampling rule (greedy,
//! temperature, top-k, top-p) whose every change regenerates at once and streams in,
//! the same prompt and seed at several temperatures side by side, and the
//! next-character distribution before and after reweighting.

use egui_plot::{Bar, BarChart, Legend, Plot};

use super::lab_map::ask_if_new;
use super::text_samples::{displayable, visible};
use crate::app::actions::Actions;
use crate::app::lab_state::{LabState, RuleKind};
use crate::app::theme;
use crate::lab::TextQuery;
use crate::lab::{LabQuery, LabSlot, TextRequest};

/// The temperatures compared side by side.
pub const COMPARED: [f32; 4] = [0.2, 0.5, 1.0, 1.2];

/// The generate page.
#[derive(Default)]
pub struct TextGenerate {
    last_text: Option<(u64, LabQuery)>,
    last_dist: Option<(u64, LabQuery)>,
}

impl TextGenerate {
    /// Draws the page; `model_key` changes when the model does (new weights).
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        lab: &mut LabState,
        model_key: u64,
        actions: &mut Actions,
    ) {
        settings_ui(ui, lab);
        let t = &lab.text;
        let (slot, rules) = if t.compare {
            (
                LabSlot::TextColumns,
                COMPARED.iter().map(|&temp| t.rule_at(temp)).collect(),
            )
        } else {
            (LabSlot::Text, vec![t.rule_at(t.temperature)])
        };
        let request = LabQuery::Text(TextQuery::Generate(TextRequest {
            slot,
            prompt: t.prompt.clone(),
            length: t.length,
            seed: t.seed,
            rules,
        }));
        ask_if_new(&mut self.last_text, model_key, request, actions);
        let dist = LabQuery::Text(TextQuery::NextChar {
            context: t.prompt.clone(),
            rule: t.rule_at(t.temperature),
        });
        ask_if_new(&mut self.last_dist, model_key, dist, actions);
        ui.separator();
        let height = ui.available_height();
        ui.horizontal_top(|ui| {
            let width = ui.available_width();
            ui.vertical(|ui| {
                ui.set_width(width * 0.62);
                ui.set_height(height);
                output_ui(ui, lab, slot);
            });
            ui.separator();
            ui.vertical(|ui| distribution_ui(ui, lab));
        });
    }
}

fn settings_ui(ui: &mut egui::Ui, lab: &mut LabState) {
    let t = &mut lab.text;
    egui::Grid::new("text-settings").num_columns(2).show(ui, |ui| {
        ui.label("Prompt");
        ui.add(egui::TextEdit::singleline(&mut t.prompt).desired_width(420.0))
            .on_hover_text("The text the model continues; the bar chart shows what it expects next.");
        ui.end_row();

        ui.label("Sampling");
        ui.horizontal(|ui| {
            ui.radio_value(&mut t.kind, RuleKind::Greedy, "greedy")
                .on_hover_text("Always the most likely character: dull, and it loops.");
            ui.radio_value(&mut t.kind, RuleKind::Temperature, "temperature")
                .on_hover_text("Draw from softmax(logits / T).");
            ui.radio_value(&mut t.kind, RuleKind::TopK, "top-k")
                .on_hover_text("Draw from the k most likely characters only.");
            ui.radio_value(&mut t.kind, RuleKind::TopP, "top-p")
                .on_hover_text("Draw from the fewest most likely characters whose probability reaches p.");
        });
        ui.end_row();

        ui.label("Temperature");
        ui.add_enabled(
            t.kind != RuleKind::Greedy,
            egui::Slider::new(&mut t.temperature, 0.05..=2.0),
        )
        .on_hover_text("Low: safe and repetitive. High: creative nonsense. The text regenerates as you move it.");
        ui.end_row();

        match t.kind {
            RuleKind::TopK => {
                ui.label("k");
                ui.add(egui::Slider::new(&mut t.k, 1..=40))
                    .on_hover_text("How many of the most likely characters stay.");
                ui.end_row();
            }
            RuleKind::TopP => {
                ui.label("p");
                ui.add(egui::Slider::new(&mut t.p, 0.05..=1.0))
                    .on_hover_text("The probability mass kept.");
                ui.end_row();
            }
            _ => {}
        }

        ui.label("Length");
        ui.horizontal(|ui| {
            ui.add(egui::DragValue::new(&mut t.length).range(10..=5000).suffix(" characters"));
            ui.label("seed");
            ui.add(egui::DragValue::new(&mut t.seed))
                .on_hover_text("The same seed draws the same text.");
            if ui.button("New seed").clicked() {
                t.seed += 1;
            }
            ui.checkbox(&mut t.compare, "compare temperatures")
                .on_hover_text("The same prompt and seed at temperatures 0.2, 0.5, 1.0 and 1.2, side by side.");
        });
        ui.end_row();
    });
}

fn output_ui(ui: &mut egui::Ui, lab: &LabState, slot: LabSlot) {
    let Some(text) = lab.texts.get(&slot) else {
        if lab.is_waiting(slot) {
            super::busy_mark::busy_mark(ui);
        }
        return;
    };
    ui.horizontal(|ui| {
        if !text.done {
            super::busy_mark::busy_mark(ui);
        }
        ui.weak(format!("{:.0} characters/s", text.chars_per_sec));
    });
    if let Some(e) = lab.errors.get(&slot) {
        ui.colored_label(theme::WARNING, e);
    }
    let mono = egui::TextStyle::Monospace.resolve(ui.style());
    let weak = ui.visuals().weak_text_color();
    let strong = ui.visuals().strong_text_color();
    let columns = text.columns.len().max(1);
    egui::ScrollArea::vertical()
        .id_salt("generated")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.columns(columns, |cols| {
                for (k, (col, body)) in cols.iter_mut().zip(&text.columns).enumerate() {
                    if columns > 1 {
                        col.strong(format!(
                            "temperature {}",
                            COMPARED.get(k).copied().unwrap_or(1.0)
                        ));
                    }
                    let mut job = egui::text::LayoutJob::default();
                    job.append(
                        &displayable(&lab.text.prompt),
                        0.0,
                        egui::TextFormat::simple(mono.clone(), weak),
                    );
                    job.append(
                        &displayable(body),
                        0.0,
                        egui::TextFormat::simple(mono.clone(), strong),
                    );
                    job.wrap.max_width = col.available_width();
                    // A justified layout would stretch the spaces of code.
                    col.with_layout(egui::Layout::top_down(egui::Align::LEFT), |ui| {
                        ui.label(job)
                    });
                }
            });
        });
}

fn distribution_ui(ui: &mut egui::Ui, lab: &LabState) {
    ui.label("Next character after the prompt")
        .on_hover_text("The model's probabilities (temperature 1) and the distribution actually sampled from after the rule.");
    let Some(d) = &lab.distribution else {
        return;
    };
    // As many characters as their labels have room for (about 16 px each), most
    // likely first.
    let fit = ((ui.available_width() / 16.0) as usize).clamp(5, d.chars.len().max(5));
    let shown = fit.min(d.chars.len());
    let names: Vec<String> = d.chars[..shown].iter().map(|&c| visible(c)).collect();
    let bars = |values: &[f32], offset: f64| -> Vec<Bar> {
        values
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                Bar::new(i as f64 + offset, p as f64)
                    .width(0.38)
                    .name(&names[i])
            })
            .collect()
    };
    // The characters stand above their bars: an x axis of them would only overlap.
    Plot::new("next-char")
        .legend(Legend::default())
        .height(ui.available_height().max(160.0))
        .include_y(0.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show_axes([false, true])
        .show_grid([false, true])
        .show(ui, |plot| {
            plot.bar_chart(
                BarChart::new("model (T = 1)", bars(&d.before[..shown], -0.2))
                    .color(theme::series(0)),
            );
            plot.bar_chart(
                BarChart::new("after the rule", bars(&d.after[..shown], 0.2))
                    .color(theme::series(1)),
            );
            // Each character above its pair of bars.
            for (i, name) in names.iter().enumerate() {
                let top = d.before[i].max(d.after[i]) as f64;
                // No name: the labels stay out of the legend.
                plot.text(egui_plot::Text::new(
                    "",
                    egui_plot::PlotPoint::new(i as f64, top * 1.04 + 0.01),
                    egui::RichText::new(name).monospace(),
                ));
            }
        });
}
