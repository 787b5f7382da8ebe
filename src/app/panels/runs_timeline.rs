//! One timeline for every picture of a comparison: a step slider with a play
//! button that moves the runs' samples (side by side and in the grid) to the same
//! step, and puts a cursor at that step on every plot.

use std::time::{Duration, Instant};

/// How long each step of the timeline shows while it plays.
const PLAY_TICK: Duration = Duration::from_millis(400);

/// The timeline's state: the step shown (`None`: the last one), and playing.
#[derive(Default)]
pub struct Timeline {
    step: Option<u64>,
    playing: Option<Instant>,
}

impl Timeline {
    /// The step shown, if one was chosen (else the runs' last).
    pub fn step(&self) -> Option<u64> {
        self.step
    }

    /// Draws the slider over `steps` (the steps the runs saved samples at, in
    /// order) with its play and last buttons; moves on while playing.
    pub fn ui(&mut self, ui: &mut egui::Ui, steps: &[u64]) {
        let Some(&last) = steps.last() else {
            return;
        };
        let mut index = self
            .step
            .map_or(steps.len() - 1, |s| steps.partition_point(|&x| x < s))
            .min(steps.len() - 1);
        if let Some(since) = self.playing {
            if since.elapsed() >= PLAY_TICK {
                if index + 1 < steps.len() {
                    index += 1;
                    self.step = Some(steps[index]);
                    self.playing = Some(Instant::now());
                } else {
                    self.playing = None;
                }
            }
            ui.ctx().request_repaint_after(PLAY_TICK);
        }
        ui.horizontal(|ui| {
            ui.label("timeline");
            let play = if self.playing.is_some() {
                "pause"
            } else {
                "play"
            };
            if ui
                .button(play)
                .on_hover_text(
                    "Move every run's pictures, and the plots' cursor, through the steps.",
                )
                .clicked()
            {
                self.playing = match self.playing {
                    Some(_) => None,
                    None => {
                        // From the start again once at the end.
                        if index + 1 >= steps.len() {
                            self.step = Some(steps[0]);
                        }
                        Some(Instant::now())
                    }
                };
            }
            let slider = egui::Slider::new(&mut index, 0..=steps.len() - 1)
                .custom_formatter(|i, _| {
                    steps.get(i as usize).map_or(String::new(), u64::to_string)
                })
                .show_value(true);
            if ui
                .add(slider)
                .on_hover_text(
                    "Every run shows its saved sample nearest this step; the plots mark it.",
                )
                .changed()
            {
                self.step = Some(steps[index]);
                self.playing = None;
            }
            if ui
                .button("last")
                .on_hover_text("Follow each run's last saved step.")
                .clicked()
            {
                self.step = None;
                self.playing = None;
            }
            if self.step.is_none() {
                ui.weak(format!("(the last: {last})"));
            }
        });
    }
}
