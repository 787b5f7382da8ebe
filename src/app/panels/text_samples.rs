//! The character model's training samples: the newest one in full, with a slider to
//! read back through the run (noise turning into words).

use crate::app::state::AppState;

/// Shown for the vocabulary's "unknown" symbol (U+FFFD, which the window's fonts lack).
pub const UNKNOWN_SHOWN: char = '¤';

/// Text as the window shows it: the unknown symbol replaced by [`UNKNOWN_SHOWN`].
pub fn displayable(text: &str) -> String {
    text.replace(crate::data::corpus::UNKNOWN, "¤")
}

/// How a character shows in text views: visible stand-ins for the invisible ones.
pub fn visible(c: char) -> String {
    match c {
        crate::data::corpus::UNKNOWN => UNKNOWN_SHOWN.to_string(),
        '\n' => "\\n".into(),
        '\t' => "\\t".into(),
        ' ' => "space".into(),
        c if c.is_control() => format!("U+{:04X}", c as u32),
        c => c.to_string(),
    }
}

/// The samples panel.
#[derive(Default)]
pub struct TextSamples {
    /// The sample shown; `None` follows the newest.
    selected: Option<usize>,
}

impl TextSamples {
    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &AppState) {
        let samples = &state.text_samples;
        let Some(last) = samples.len().checked_sub(1) else {
            ui.centered_and_justified(|ui| {
                ui.label(
                    "Press Start: a sample of the model's writing appears here every few steps.",
                )
            });
            return;
        };
        ui.horizontal(|ui| {
            let mut follow = self.selected.is_none();
            if ui
                .checkbox(&mut follow, "follow training")
                .on_hover_text("Show the newest sample; untick to read back through the run.")
                .changed()
            {
                self.selected = if follow { None } else { Some(last) };
            }
            if let Some(sel) = self.selected.as_mut() {
                *sel = (*sel).min(last);
                ui.add(egui::Slider::new(sel, 0..=last).show_value(false))
                    .on_hover_text("Earlier samples of this run.");
            }
        });
        let shown = &samples[self.selected.unwrap_or(last).min(last)];
        let what = if shown.caption.is_empty() {
            "the model continues the prompt at the sample temperature"
        } else {
            shown.caption.as_str()
        };
        ui.label(format!(
            "step {}: {what}{}",
            shown.step,
            if shown.copied.is_empty() {
                String::new()
            } else {
                "; highlighted: copied word for word from the training text (20 characters or more)"
                    .into()
            }
        ));
        egui::ScrollArea::vertical()
            .id_salt("text-sample")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let mut job = egui::text::LayoutJob::default();
                let mono = egui::TextStyle::Monospace.resolve(ui.style());
                let weak = ui.visuals().weak_text_color();
                let strong = ui.visuals().strong_text_color();
                job.append(
                    &displayable(&shown.prompt),
                    0.0,
                    egui::TextFormat::simple(mono.clone(), weak),
                );
                // Stretches copied verbatim from the training text are marked.
                let copied_bg =
                    crate::app::theme::colour(crate::theme::COPIED).gamma_multiply(0.45);
                let chars: Vec<char> = shown.text.chars().collect();
                let mut at = 0;
                let piece =
                    |job: &mut egui::text::LayoutJob, from: usize, to: usize, copied: bool| {
                        if from >= to {
                            return;
                        }
                        let text: String = chars[from..to].iter().collect();
                        let mut format = egui::TextFormat::simple(mono.clone(), strong);
                        if copied {
                            format.background = copied_bg;
                        }
                        job.append(&displayable(&text), 0.0, format);
                    };
                for &(start, end) in &shown.copied {
                    let (start, end) = (start.min(chars.len()), end.min(chars.len()));
                    piece(&mut job, at, start, false);
                    piece(&mut job, start.max(at), end, true);
                    at = at.max(end);
                }
                piece(&mut job, at, chars.len(), false);
                job.wrap.max_width = ui.available_width();
                ui.with_layout(egui::Layout::top_down(egui::Align::LEFT), |ui| {
                    ui.label(job)
                });
            });
    }
}
