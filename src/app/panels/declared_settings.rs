//! Settings drawn from their declarations in the registry: one widget per setting,
//! with the declared range, label and tooltip. Every architecture's live settings
//! are drawn here; an architecture without a panel of its own gets its fixed
//! settings here too. A fixed setting edits the draft (and waits while a run goes);
//! a live one, while a run goes, is sent to the worker and reaches the draft only
//! when the worker accepts it (until then its widget shows the value asked for).

use crate::app::actions::{Actions, UiAction};
use crate::app::state::{AppState, Level};
use crate::experiments::registry::{self, Setting, SettingKind};
use crate::worker::Command;

/// Draws every declared setting of the draft's architecture: fixed, then live.
pub fn ui(ui: &mut egui::Ui, state: &mut AppState, active: bool, actions: &mut Actions) {
    ui.add_enabled_ui(!active, |ui| section_ui(ui, state, false, active, actions))
        .response
        .on_disabled_hover_text(
            "Stop the run to change these; the ones under Live change while it runs.",
        );
    live_ui(ui, state, active, actions);
}

/// Draws the live settings of the draft's architecture under their heading, if it
/// has any that apply.
pub fn live_ui(ui: &mut egui::Ui, state: &mut AppState, active: bool, actions: &mut Actions) {
    let any = registry::of(&state.draft).is_ok_and(|a| {
        a.settings
            .iter()
            .any(|s| s.live && s.applies_to(&state.draft))
    });
    if any {
        ui.separator();
        ui.strong("Live (change while it runs)");
        section_ui(ui, state, true, active, actions);
    }
}

/// The fixed (`live` false) or live settings as a grid, and what their widgets changed.
pub fn section_ui(
    ui: &mut egui::Ui,
    state: &mut AppState,
    live: bool,
    active: bool,
    actions: &mut Actions,
) {
    let Ok(arch) = registry::of(&state.draft) else {
        return;
    };
    let Ok(root) = toml::Value::try_from(&state.draft) else {
        return;
    };
    let mut edits: Vec<(&Setting, toml::Value)> = Vec::new();
    let id = if live {
        "declared-live"
    } else {
        "declared-fixed"
    };
    egui::Grid::new(id).num_columns(2).show(ui, |ui| {
        for setting in arch.settings {
            if setting.live != live || !setting.applies_to(&state.draft) {
                continue;
            }
            let pending = state
                .live_pending
                .get(setting.key)
                .and_then(|text| parse_value(text));
            let Some(value) = pending.as_ref().or(registry::lookup(&root, setting.key)) else {
                continue;
            };
            ui.label(setting.label);
            if let Some(changed) = widget_ui(ui, setting, value) {
                edits.push((setting, changed));
            }
            ui.end_row();
        }
    });
    for (setting, value) in edits {
        let text = value.to_string();
        if live && active {
            state
                .live_pending
                .insert(setting.key.to_string(), text.clone());
            actions.push(UiAction::Send(Command::SetLive {
                key: setting.key.to_string(),
                value: text,
            }));
        } else if let Err(e) = state.draft.set(&format!("{}={text}", setting.key)) {
            state.say(Level::Error, e.to_string());
        }
    }
}

/// A value as TOML text, parsed back.
fn parse_value(text: &str) -> Option<toml::Value> {
    toml::from_str::<toml::Table>(&format!("v = {text}"))
        .ok()?
        .remove("v")
}

/// The widget of one setting; the new value if it changed.
fn widget_ui(ui: &mut egui::Ui, setting: &Setting, value: &toml::Value) -> Option<toml::Value> {
    match (setting.kind, value) {
        (SettingKind::Int { min, max }, toml::Value::Integer(v)) => {
            let mut v = *v;
            let response = if max - min <= 512 {
                ui.add(egui::Slider::new(&mut v, min..=max))
            } else {
                ui.add(egui::DragValue::new(&mut v).range(min..=max))
            };
            response
                .on_hover_text(setting.tip)
                .changed()
                .then_some(toml::Value::Integer(v))
        }
        (SettingKind::Float { min, max, log }, toml::Value::Float(v)) => {
            let mut v = *v;
            ui.add(egui::Slider::new(&mut v, min..=max).logarithmic(log))
                .on_hover_text(setting.tip)
                .changed()
                .then_some(toml::Value::Float(v))
        }
        (SettingKind::Bool, toml::Value::Boolean(b)) => {
            let mut b = *b;
            ui.checkbox(&mut b, "")
                .on_hover_text(setting.tip)
                .changed()
                .then_some(toml::Value::Boolean(b))
        }
        (SettingKind::Choice(choices), toml::Value::String(current)) => {
            let mut picked = None;
            ui.vertical(|ui| {
                for c in choices {
                    let on = c.value == current;
                    if ui.radio(on, c.label).on_hover_text(c.tip).clicked() && !on {
                        picked = Some(toml::Value::String(c.value.to_string()));
                    }
                }
            })
            .response
            .on_hover_text(setting.tip);
            picked
        }
        _ => {
            ui.label(value.to_string());
            None
        }
    }
}
