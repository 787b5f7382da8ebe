//! The window's keys: Space pauses and resumes, S steps while paused, Ctrl+S writes a
//! checkpoint, 1, 2, … choose the tabs, F1 opens Help. None acts while a text field has the keyboard.

use super::StudioApp;
use super::actions::UiAction;
use crate::experiments::StepPart;
use crate::worker::Command;

impl StudioApp {
    /// Turns this frame's key presses into actions.
    pub(super) fn keys(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input()
            || self.state.pending_switch.is_some()
            || self.typed_path.is_some()
        {
            return;
        }
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::F1)) {
            self.help_open = !self.help_open;
        }
        let (space, s, ctrl_s, digit) = ctx.input_mut(|i| {
            let ctrl_s = i.consume_key(egui::Modifiers::COMMAND, egui::Key::S);
            let digits = [
                egui::Key::Num1,
                egui::Key::Num2,
                egui::Key::Num3,
                egui::Key::Num4,
                egui::Key::Num5,
            ];
            let digit = digits
                .iter()
                .position(|k| i.consume_key(egui::Modifiers::NONE, *k));
            (
                i.consume_key(egui::Modifiers::NONE, egui::Key::Space),
                i.consume_key(egui::Modifiers::NONE, egui::Key::S),
                ctrl_s,
                digit,
            )
        });
        if space {
            if self.state.is_running() {
                self.actions.push(UiAction::Send(Command::Pause));
            } else if self.state.is_paused() {
                self.actions.push(UiAction::Send(Command::Resume));
            }
        }
        if s && self.state.is_paused() {
            self.actions
                .push(UiAction::Send(Command::Step(StepPart::Whole)));
        }
        if ctrl_s && self.state.is_active() {
            self.actions.push(UiAction::Send(Command::SaveCheckpoint));
        }
        if let Some(tab) = digit.and_then(|d| self.visible_tabs().get(d).copied()) {
            self.tab = tab;
        }
    }
}
