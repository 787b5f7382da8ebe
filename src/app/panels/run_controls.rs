//! Start, pause, stop, single steps and speed.

use crate::app::actions::{Actions, UiAction};
use crate::app::state::AppState;
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
                .on_hover_text("Pause after the current step. (Space)")
                .clicked()
            {
                actions.push(UiAction::Send(Command::Pause));
            }
        } else if ui
            .add_enabled(paused, egui::Button::new("Resume"))
            .on_hover_text("Continue training from where it paused. (Space)")
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
                "While paused: one whole step (D updates, then G). (S)",
            ),
        ];
        let one_step = [(
            "Step",
            StepPart::Whole,
            "While paused: one training step. (S)",
        )];
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
        .on_hover_text("Write the weights to the run folder now. (Ctrl+S)")
        .clicked()
    {
        actions.push(UiAction::Send(Command::SaveCheckpoint));
    }
    super::run_progress::ui(ui, state, actions);
}
