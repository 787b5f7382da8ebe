//! What the window remembers between launches (eframe's storage; its own file under
//! the user's data folder): the draft experiment, the open tab, the folders of runs
//! listed besides `runs/`, and whether paths are typed. eframe itself keeps the
//! window's size and place. What the command line gives wins over what is remembered.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::StudioApp;
use super::central::Tab;
use super::config::{StartView, StudioConfig};
use super::lab_state::LabPage;
use crate::experiments::ExperimentSpec;

/// The storage key.
const KEY: &str = "latent-studio-session";

/// What is remembered.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The draft, as a preset's TOML.
    pub draft: Option<String>,
    /// The open tab, as `--view` names it.
    pub view: Option<String>,
    /// Folders of runs listed besides `runs/`.
    #[serde(default)]
    pub runs_folders: Vec<PathBuf>,
    /// Type paths instead of dialogs.
    #[serde(default)]
    pub type_paths: bool,
}

/// Which remembered things the command line leaves to the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Restore {
    /// No `--preset` was given.
    pub draft: bool,
    /// No `--view` was given.
    pub view: bool,
}

impl Session {
    /// The session as stored text (`None`: nothing stored, or unreadable).
    pub fn parse(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }

    /// Puts what is remembered into `config`, where the command line allows.
    /// A stored draft that no longer parses (an older version's) is passed over.
    pub fn apply(&self, rules: Restore, config: &mut StudioConfig) {
        if rules.draft
            && let Some(spec) = self
                .draft
                .as_deref()
                .and_then(|t| ExperimentSpec::from_toml(t).ok())
        {
            config.initial = spec;
        }
        if rules.view
            && let Some(view) = self.view.as_deref().and_then(view_named)
        {
            config.view = view;
        }
        for folder in &self.runs_folders {
            if !config.runs_folders.contains(folder) {
                config.runs_folders.push(folder.clone());
            }
        }
        config.type_paths |= self.type_paths;
    }

    /// Reads the session from eframe's storage.
    pub fn load(storage: &dyn eframe::Storage) -> Option<Self> {
        storage.get_string(KEY).as_deref().and_then(Self::parse)
    }
}

/// `--view`'s name of a start view, back to the view.
fn view_named(name: &str) -> Option<StartView> {
    use clap::ValueEnum;
    StartView::from_str(name, true).ok()
}

/// A start view's `--view` name.
fn name_of(view: StartView) -> Option<String> {
    use clap::ValueEnum;
    view.to_possible_value().map(|v| v.get_name().to_string())
}

impl StudioApp {
    /// What the window would remember now.
    pub fn session(&self) -> Session {
        let view = match self.tab {
            Tab::Training => StartView::Training,
            Tab::Dataset => StartView::Dataset,
            Tab::Runs => StartView::Runs,
            Tab::Model => StartView::Model,
            Tab::Lab => match self.state.lab.page {
                LabPage::Map => StartView::Lab,
                LabPage::Sliders => StartView::LabSliders,
                LabPage::Interpolation => StartView::LabInterpolation,
                LabPage::Concepts => StartView::LabConcepts,
                LabPage::Prior => StartView::LabPrior,
            },
        };
        Session {
            draft: self.state.draft.to_toml().ok(),
            view: name_of(view),
            runs_folders: self.state.runs_folders.clone(),
            type_paths: self
                .dialogs
                .always_type
                .load(std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Writes the session into eframe's storage (where the window persists).
    pub(super) fn save_session(&self, storage: &mut dyn eframe::Storage) {
        if !self.persist {
            return;
        }
        if let Ok(text) = serde_json::to_string(&self.session()) {
            storage.set_string(KEY, text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    fn config() -> StudioConfig {
        StudioConfig {
            initial: presets::default_spec().expect("preset"),
            worker: Default::default(),
            runs_dir: "runs".into(),
            runs_folders: Vec::new(),
            autostart: false,
            screenshot: None,
            quit_after: None,
            quit_when_done: false,
            frame_stats: false,
            delay_ms: 0,
            view: StartView::Training,
            open_run: None,
            persist: true,
            type_paths: false,
            news_gap_ms: Default::default(),
        }
    }

    #[test]
    fn a_remembered_session_comes_back_unless_the_command_line_says_otherwise() {
        let mut spec = presets::default_spec().expect("preset");
        spec.set("seed=77").expect("seed");
        let session = Session {
            draft: spec.to_toml().ok(),
            view: name_of(StartView::Runs),
            runs_folders: vec!["/elsewhere".into()],
            type_paths: true,
        };
        let text = serde_json::to_string(&session).expect("json");
        let back = Session::parse(&text).expect("parse");
        assert_eq!(back, session);
        let mut c = config();
        back.apply(
            Restore {
                draft: true,
                view: true,
            },
            &mut c,
        );
        assert_eq!(c.initial, spec);
        assert_eq!(c.view, StartView::Runs);
        assert_eq!(c.runs_folders, vec![PathBuf::from("/elsewhere")]);
        assert!(c.type_paths);
        // `--preset` and `--view` given: theirs stay.
        let mut c = config();
        back.apply(
            Restore {
                draft: false,
                view: false,
            },
            &mut c,
        );
        assert_eq!(c.initial, presets::default_spec().expect("preset"));
        assert_eq!(c.view, StartView::Training);
        // A stored draft that no longer reads is passed over; junk is no session.
        let old = Session {
            draft: Some("architecture = \"gone\"".into()),
            ..Session::default()
        };
        let mut c = config();
        old.apply(
            Restore {
                draft: true,
                view: true,
            },
            &mut c,
        );
        assert_eq!(c.initial, presets::default_spec().expect("preset"));
        assert_eq!(Session::parse("{not json"), None);
    }
}
