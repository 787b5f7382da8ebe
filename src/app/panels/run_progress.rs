//! Where the run stands: a progress bar that says finished, stopped or failed
//! apart; training time, ETA and speed; a notice when the run is starved of CPU;
//! the training threads' priority.

use crate::app::actions::{Actions, UiAction};
use crate::app::state::{AppState, RunStatus};
use crate::app::theme;
use crate::worker::cpu_share::STARVED_BELOW;
use crate::worker::{Command, RunEnd};

/// Seconds without a progress report after which a running run is called starved
/// (or five steps' time, for a slow model).
const SILENT_AFTER_S: f64 = 10.0;

/// The priorities offered: (nice value, label, tooltip).
const PRIORITIES: [(i32, &str, &str); 2] = [
    (
        19,
        "low",
        "Training takes the CPU the rest of the machine leaves: the window and other programs stay smooth.",
    ),
    (
        0,
        "normal",
        "Training competes for the CPU like any program: faster when the machine is busy, the window may stutter.",
    ),
];

/// Draws the progress of the current or last run, and the priority.
pub fn ui(ui: &mut egui::Ui, state: &mut AppState, actions: &mut Actions) {
    if let Some(run) = &state.run {
        let (step, last, speed) = match run.progress {
            Some(p) => (p.step, p.last_step, p.steps_per_sec),
            None => (run.info.first_step, run.info.last_step, 0.0),
        };
        let fraction = if last > 0 {
            step as f32 / last as f32
        } else {
            0.0
        };
        ui.add(egui::ProgressBar::new(fraction).text(bar_text(&run.status, step, last)));
        let elapsed = run.progress.map(|p| p.elapsed_s);
        let running = run.status == RunStatus::Running;
        let mut parts = Vec::new();
        if let Some(t) = elapsed {
            parts.push(format!("trained {}", clock(t)));
        }
        if running && speed > 0.0 {
            let eta = last.saturating_sub(step) as f64 / speed;
            parts.push(format!("about {} to go", clock(eta)));
            parts.push(if speed < 10.0 {
                format!("{speed:.2} steps/s")
            } else {
                format!("{speed:.0} steps/s")
            });
        }
        if !parts.is_empty() {
            ui.label(parts.join(" · ")).on_hover_text(
                "Seconds of training (pauses left out), the time left at the recent speed, and the recent speed.",
            );
        }
        // Silent for much longer than a step takes: the worker cannot even report.
        let silent_s = run.heard_at.elapsed().as_secs_f64();
        let step_s = if speed > 0.0 { 1.0 / speed } else { 0.0 };
        if running {
            // Look again later: a starved run sends nothing that would repaint.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs(2));
        }
        if running && silent_s > SILENT_AFTER_S.max(5.0 * step_s) {
            ui.colored_label(
                theme::WARNING,
                format!(
                    "No word from training for {silent_s:.0} s: other programs take the CPU{}.",
                    if state.nice > 0 {
                        " (a normal priority would take some)"
                    } else {
                        ""
                    }
                ),
            );
        }
        let share = run.progress.and_then(|p| p.cpu_share);
        if running && let Some(share) = share.filter(|s| *s < STARVED_BELOW) {
            ui.colored_label(
                theme::WARNING,
                format!(
                    "Training gets {:.0}% of the CPU time it asks for: other programs are busy{}.",
                    share * 100.0,
                    if state.nice > 0 {
                        " (a normal priority would take more)"
                    } else {
                        ""
                    }
                ),
            )
            .on_hover_text("Measured from the system's scheduler over the last few seconds: time training ran against time it waited to run.");
        }
        match &run.status {
            RunStatus::Paused(Some(reason)) => {
                ui.colored_label(theme::WARNING, reason);
            }
            RunStatus::Ended(RunEnd::Failed(msg)) => {
                ui.colored_label(theme::ERROR, format!("failed: {msg}"));
            }
            _ => {}
        }
    }
    ui.horizontal(|ui| {
        let label = ui.label("Priority").id;
        let current = PRIORITIES
            .iter()
            .find(|p| p.0 == state.nice)
            .map_or_else(|| format!("nice {}", state.nice), |p| p.1.to_string());
        egui::ComboBox::from_id_salt("priority")
            .selected_text(current)
            .show_ui(ui, |ui| {
                for (nice, name, tip) in PRIORITIES {
                    if ui
                        .selectable_label(state.nice == nice, name)
                        .on_hover_text(tip)
                        .clicked()
                        && state.nice != nice
                    {
                        state.nice = nice;
                        actions.push(UiAction::Send(Command::SetPriority { nice }));
                    }
                }
            })
            .response
            .labelled_by(label)
            .on_hover_text("How training shares the CPU with the window and other programs (--nice at launch).");
    });
}

/// The progress bar's words.
pub fn bar_text(status: &RunStatus, step: u64, last: u64) -> String {
    match status {
        RunStatus::Running => format!("step {step}/{last}"),
        RunStatus::Paused(_) => format!("paused at step {step}/{last}"),
        RunStatus::Ended(RunEnd::Finished { .. }) => format!("finished at step {step}/{last}"),
        RunStatus::Ended(RunEnd::Stopped { .. }) => format!("stopped at step {step}/{last}"),
        RunStatus::Ended(RunEnd::Failed(_)) => format!("failed at step {step}/{last}"),
    }
}

/// Seconds as `42 s`, `3:07` or `1:02:03`.
pub fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{}:{:02}", s / 60, s % 60),
        _ => format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_a_clock_and_endings_are_worded_apart() {
        assert_eq!(clock(41.6), "42 s");
        assert_eq!(clock(187.0), "3:07");
        assert_eq!(clock(3723.0), "1:02:03");
        assert_eq!(clock(-3.0), "0 s");
        let finished = bar_text(&RunStatus::Ended(RunEnd::Finished { step: 10 }), 10, 10);
        let stopped = bar_text(&RunStatus::Ended(RunEnd::Stopped { step: 4 }), 4, 10);
        assert_eq!(finished, "finished at step 10/10");
        assert_eq!(stopped, "stopped at step 4/10");
    }
}
