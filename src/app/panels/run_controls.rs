//! Start, pause, stop, single steps and speed.

use crate::app::actions::{Actions, UiAction};
use crate::app::state::{AppState, RunStatus};
use crate::experiments::StepPart;
use crate::worker::Command;

/// What is being branched, and a way out.
fn branch_banner(
    ui: &mut egui::Ui,
    b: &crate::app::branching::PendingBranch,
    actions: &mut Actions,
) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        let name = crate::experiments::run_summary::folder_name(&b.parent);
        ui.label(egui::RichText::new(format!("Branch of {name} at step {}", b.step)).strong())
            .on_hover_text(format!(
                "{}: its checkpoint of step {} (asked: {}). Settings that change the networks' shapes cannot be branched.",
                b.parent.display(),
                b.step,
                b.asked
            ));
        ui.label("Change any setting below, then Start branch.");
        if ui
            .small_button("Cancel branch")
            .on_hover_text("Start makes a new run from scratch again.")
            .clicked()
        {
            actions.push(UiAction::CancelBranch);
        }
    });
}

/// Draws the run controls.
pub fn ui(ui: &mut egui::Ui, state: &mut AppState, actions: &mut Actions) {
    let active = state.is_active();
    let running = state.is_running();
    let paused = state.is_paused();
    if let Some(b) = &state.branching {
        branch_banner(ui, b, actions);
    }
    let branching = state.branching.is_some();
    ui.horizontal_wrapped(|ui| {
        let (label, tip) = if branching {
            (
                "Start branch",
                "Write the branch's run folder from the parent's checkpoint and the settings below, and train it (a run in progress is stopped first).",
            )
        } else {
            (
                "Start",
                "Build the networks from the settings below and start training.",
            )
        };
        if ui
            .add_enabled(!active || branching, egui::Button::new(label))
            .on_hover_text(tip)
            .clicked()
        {
            actions.push(UiAction::Start);
        }
        if running {
            if ui
                .button("Pause")
                .on_hover_text("Pause after the current step.")
                .clicked()
            {
                actions.push(UiAction::Send(Command::Pause));
            }
        } else if ui
            .add_enabled(paused, egui::Button::new("Resume"))
            .on_hover_text("Continue training from where it paused.")
            .clicked()
        {
            actions.push(UiAction::Send(Command::Resume));
        }
        if ui
            .add_enabled(active, egui::Button::new("Stop"))
            .on_hover_text("End the run; its last checkpoint is written to the run folder.")
            .clicked()
        {
            actions.push(UiAction::Send(Command::Stop));
        }
    });
    let is_gan =
        crate::app::tools_of(state.run.as_ref().map_or(&state.draft, |r| &r.info.spec)).gan_steps;
    ui.horizontal_wrapped(|ui| {
        let gan_steps = [
            (
                "Step D",
                StepPart::Discriminator,
                "While paused: one discriminator update.",
            ),
            (
                "Step G",
                StepPart::Generator,
                "While paused: one generator update.",
            ),
            (
                "Step both",
                StepPart::Whole,
                "While paused: one whole step (D updates, then G).",
            ),
        ];
        let one_step = [("Step", StepPart::Whole, "While paused: one training step.")];
        let steps: &[_] = if is_gan { &gan_steps } else { &one_step };
        for &(label, part, tip) in steps {
            if ui
                .add_enabled(paused, egui::Button::new(label))
                .on_hover_text(tip)
                .clicked()
            {
                actions.push(UiAction::Send(Command::Step(part)));
            }
        }
    });
    ui.horizontal(|ui| {
        ui.label("Slow down");
        let r = ui
            .add(egui::Slider::new(&mut state.delay_ms, 0..=500).suffix(" ms/step"))
            .on_hover_text(
                "Wait this long between steps, to watch the points move one update at a time.",
            );
        if r.changed() {
            actions.push(UiAction::Send(Command::SetDelay {
                millis: state.delay_ms,
            }));
        }
    });
    if ui
        .add_enabled(active, egui::Button::new("Save checkpoint"))
        .on_hover_text("Write the weights to the run folder now.")
        .clicked()
    {
        actions.push(UiAction::Send(Command::SaveCheckpoint));
    }
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
        let what = match &run.status {
            RunStatus::Running if speed < 10.0 => {
                format!("step {step}/{last} · {speed:.2} steps/s")
            }
            RunStatus::Running => format!("step {step}/{last} · {speed:.0} steps/s"),
            RunStatus::Paused(_) => format!("paused at step {step}/{last}"),
            RunStatus::Ended(_) => format!("ended at step {step}/{last}"),
        };
        ui.add(egui::ProgressBar::new(fraction).text(what));
        match &run.status {
            RunStatus::Paused(Some(reason)) => {
                ui.colored_label(crate::app::theme::WARNING, reason);
            }
            RunStatus::Ended(crate::worker::RunEnd::Failed(msg)) => {
                ui.colored_label(crate::app::theme::ERROR, format!("failed: {msg}"));
            }
            _ => {}
        }
    }
}
