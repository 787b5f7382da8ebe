//! Files reaching the window: pictures, texts, weights and run folders dropped on it,
//! and what the file dialogs (on their own thread) came back with. A bad file is
//! reported in the status line and changes nothing.

use std::path::PathBuf;

use super::dialogs::{DialogOutcome, InputCheck, InputRole};
use super::state::{AppState, Level};
use super::{StudioApp, Tab, waker};
use crate::data::pictures::PictureSource;
use crate::experiments::ExperimentSpec;
use crate::experiments::char_lstm::spec::TextSource;
use crate::worker::Command;

impl StudioApp {
    /// Picture files dropped on the window go to the latent lab, read off the UI thread.
    /// A draft that learns a points file (from a preset, `--set`, a restored session)
    /// gets its preview read off the UI thread, once per file and modes setting.
    pub(super) fn keep_points_preview(&mut self) {
        let ExperimentSpec::Gan2d(s) = &self.state.draft else {
            return;
        };
        if s.data.distribution != crate::data::toy2d::Toy2d::Points {
            return;
        }
        if s.data.path.as_os_str().is_empty() {
            // Drawn points: one preview at a time, the newest asked for when it is in.
            if s.data.points.len() < 2 || self.drawn_in_flight {
                return;
            }
            let key = (
                crate::data::points2d::fingerprint(&s.data.points),
                s.data.modes,
            );
            let shown = self
                .state
                .points
                .as_ref()
                .is_some_and(|p| p.path.as_os_str().is_empty() && (p.fingerprint, p.k) == key);
            if shown || self.drawn_asked == Some(key) {
                return;
            }
            self.drawn_asked = Some(key);
            self.drawn_in_flight = true;
            let points = s.data.points.clone();
            self.dialogs
                .preview_drawn(points, key.1, key.0, waker(&self.wake));
            return;
        }
        // Runs every frame: compared in place, the path cloned only to ask.
        let (path, k) = (&s.data.path, s.data.modes);
        let shown = self
            .state
            .points
            .as_ref()
            .is_some_and(|p| &p.path == path && p.k == k);
        let asked = self
            .points_asked
            .as_ref()
            .is_some_and(|(p, m)| p == path && *m == k);
        if shown || asked {
            return;
        }
        self.points_asked = Some((path.clone(), k));
        self.dialogs
            .open_points(Some(path.clone()), k, waker(&self.wake));
    }

    pub(super) fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let paths: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if paths.is_empty() {
            return;
        }
        // Folders dropped on the Runs tab: their runs are listed too.
        if self.tab == super::Tab::Runs {
            for folder in paths {
                self.add_runs_folder(folder);
            }
            return;
        }
        if matches!(self.state.draft, ExperimentSpec::Gan2d(_)) && !self.state.is_active() {
            let path = paths.into_iter().next();
            let k = match &self.state.draft {
                ExperimentSpec::Gan2d(s) => s.data.modes,
                _ => 0,
            };
            return self.dialogs.open_points(path, k, waker(&self.wake));
        }
        if matches!(
            self.state.draft,
            ExperimentSpec::CharLstm(_) | ExperimentSpec::SentenceVae(_)
        ) && !self.state.is_active()
        {
            let path = paths.into_iter().next();
            return self.dialogs.open_text(path, waker(&self.wake));
        }
        if matches!(
            self.state.draft,
            ExperimentSpec::StyleTransfer(_) | ExperimentSpec::DeepDream(_)
        ) && !self.state.is_active()
        {
            let pointer = ctx.input(|i| i.pointer.latest_pos());
            for (k, path) in paths.into_iter().enumerate() {
                let role = input_role_for_drop(&self.state, &path, pointer, k);
                self.dialogs
                    .choose_input(role, Some(path), waker(&self.wake));
            }
            return;
        }
        let spec = self
            .state
            .run
            .as_ref()
            .map_or(&self.state.draft, |r| &r.info.spec);
        if matches!(spec, ExperimentSpec::FastStyle(_)) {
            // With a network at hand, on its Repaint tab or while it trains: repaint.
            let repaint =
                self.state.run.is_some() && (self.tab == Tab::Lab || self.state.is_active());
            if !repaint {
                return self.fast_style_inputs(paths);
            }
            self.tab = Tab::Lab;
            for path in paths {
                let max_side = self.state.lab.repaint.max_side;
                self.state.lab.repaint.path = path.display().to_string();
                self.actions.push(super::actions::UiAction::Lab(
                    super::panels::repaint::file_query(path, max_side),
                ));
            }
            return;
        }
        let lab = &self.state.lab;
        let target = match spec {
            ExperimentSpec::Autoencoder(s) if lab.map.is_some() => &s.data,
            ExperimentSpec::PixelCnn(s) if !lab.originals.is_empty() => &s.data,
            _ => {
                self.state.say(
                    Level::Warning,
                    "dropped pictures go to an autoencoder's latent lab or a PixelCNN's completions: train one first",
                );
                return;
            }
        };
        let (size, channels) = (target.image_size, target.channels);
        self.tab = Tab::Lab;
        self.dialogs
            .load_pictures(paths, size, channels, waker(&self.wake));
    }

    /// Files dropped on a fast style transfer's setup: weights become the feature
    /// network, a picture the style, anything else the folder of content pictures
    /// (checked when the run starts; nothing is read here).
    fn fast_style_inputs(&mut self, paths: Vec<PathBuf>) {
        if self.state.is_active() {
            return;
        }
        for path in paths {
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase());
            match ext.as_deref() {
                Some("safetensors") => {
                    self.dialogs
                        .choose_input(InputRole::Weights, Some(path), waker(&self.wake))
                }
                Some("png" | "jpg" | "jpeg" | "gif") => {
                    self.dialogs
                        .choose_input(InputRole::Style, Some(path), waker(&self.wake))
                }
                _ => {
                    if let ExperimentSpec::FastStyle(s) = &mut self.state.draft {
                        s.content.source =
                            crate::experiments::fast_style::ContentSource::Folder(path.clone());
                    }
                    self.state.say(
                        Level::Info,
                        format!(
                            "the next run learns from the pictures in {}",
                            path.display()
                        ),
                    );
                }
            }
        }
    }

    /// A checked picture or weights file becomes part of the draft; a bad one is
    /// reported and changes nothing.
    pub(super) fn on_input_chosen(
        &mut self,
        role: InputRole,
        path: PathBuf,
        check: Result<InputCheck, String>,
    ) {
        let check = match check {
            Ok(c) => c,
            Err(e) => {
                if matches!(role, InputRole::Weights | InputRole::Run) {
                    self.state.weights_info = Some(Err(e.clone()));
                }
                return self.state.say(Level::Error, format!("not used: {e}"));
            }
        };
        let file = PictureSource::File(path.clone());
        match (&mut self.state.draft, role, check) {
            (ExperimentSpec::StyleTransfer(s), InputRole::Content, InputCheck::Picture(t)) => {
                s.pictures.content = file;
                self.state.input_thumbs.insert(role, t);
            }
            (ExperimentSpec::StyleTransfer(s), InputRole::Style, InputCheck::Picture(t)) => {
                s.pictures.style = file;
                self.state.input_thumbs.insert(role, t);
            }
            (ExperimentSpec::FastStyle(s), InputRole::Style, InputCheck::Picture(t)) => {
                s.style = file;
                self.state.input_thumbs.insert(role, t);
            }
            (ExperimentSpec::DeepDream(s), InputRole::Dream, InputCheck::Picture(t)) => {
                s.picture = file;
                self.state.input_thumbs.insert(role, t);
            }
            (draft, InputRole::Weights, InputCheck::Network(description, layers)) => {
                crate::experiments::feature_choice::use_vgg(draft, path.clone());
                self.state.weights_info = Some(Ok(description));
                self.state.network_layers = Some(layers);
            }
            (draft, InputRole::Run, InputCheck::Network(description, layers)) => {
                let source = crate::features::FeatureSource::Run {
                    folder: path.clone(),
                };
                crate::experiments::feature_choice::use_network(draft, source, &layers);
                self.state.weights_info = Some(Ok(description));
                self.state.network_layers = Some(layers);
            }
            _ => {
                return self.state.say(
                    Level::Warning,
                    format!("{} does not fit this experiment", path.display()),
                );
            }
        }
        self.state
            .say(Level::Info, format!("using {}", path.display()));
    }

    pub(super) fn on_dialog(&mut self, outcome: DialogOutcome) {
        match outcome {
            DialogOutcome::PresetLoaded(Ok(spec)) => {
                self.state
                    .say(Level::Info, format!("loaded preset {}", spec.name()));
                self.switch_to(*spec);
            }
            DialogOutcome::PresetLoaded(Err(e)) => self
                .state
                .say(Level::Error, format!("preset not loaded: {e}")),
            DialogOutcome::PresetSaved(Ok(path)) => {
                self.state
                    .say(Level::Info, format!("preset saved to {}", path.display()));
            }
            DialogOutcome::PresetSaved(Err(e)) => self
                .state
                .say(Level::Error, format!("preset not saved: {e}")),
            DialogOutcome::RunFolderChosen(folder) => self.send(Command::open_run(folder)),
            DialogOutcome::RunsFolderChosen(folder) => self.add_runs_folder(folder),
            DialogOutcome::TypePath(ask) => {
                // One question at a time: an older one is answered "cancelled".
                self.typed_path = Some(super::typed_path_ui::TypedPath::new(ask));
            }
            DialogOutcome::PointsChosen(path, k, Ok((count, view))) => {
                if let ExperimentSpec::Gan2d(s) = &mut self.state.draft {
                    s.data.distribution = crate::data::toy2d::Toy2d::Points;
                    s.data.path = path.clone();
                    s.data.points.clear();
                }
                self.state.say(
                    Level::Info,
                    format!(
                        "the next run learns {count} points from {} ({} modes {})",
                        path.display(),
                        view.modes.len(),
                        if k == 0 { "found" } else { "asked for" }
                    ),
                );
                self.state.points = Some(crate::app::state::PointsPreview {
                    path,
                    k,
                    fingerprint: 0,
                    view,
                });
            }
            DialogOutcome::DrawnPreviewed(fingerprint, k, view) => {
                self.drawn_in_flight = false;
                self.state.points = Some(crate::app::state::PointsPreview {
                    path: PathBuf::new(),
                    k,
                    fingerprint,
                    view,
                });
            }
            DialogOutcome::PointsChosen(path, _, Err(e)) => self
                .state
                .say(Level::Error, format!("{} not loaded: {e}", path.display())),
            DialogOutcome::TextChosen(path, check) => {
                if let ExperimentSpec::CharLstm(s) = &mut self.state.draft {
                    s.data.source = TextSource::File;
                    s.data.path = path.clone();
                    s.data.lossy = false;
                } else if let ExperimentSpec::SentenceVae(s) = &mut self.state.draft {
                    s.data.source = crate::experiments::sentence_vae::spec::SentenceSource::File;
                    s.data.path = path.clone();
                    s.data.lossy = false;
                }
                match check {
                    Ok(n) => {
                        self.state.text_problem = None;
                        self.state.say(
                            Level::Info,
                            format!("the next run learns {} ({n} characters)", path.display()),
                        );
                    }
                    Err(e) => {
                        self.state
                            .say(Level::Warning, format!("{}: {e}", path.display()));
                        self.state.text_problem = Some(e);
                    }
                }
            }
            DialogOutcome::PicturesLoaded(pictures) => {
                for (path, result) in pictures {
                    match result {
                        Ok(bytes) => {
                            let name = path
                                .file_name()
                                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                            self.state.lab.add_dropped(name, bytes);
                            let last = self.state.lab.thumbs().len().saturating_sub(1);
                            self.pixel_draw.complete_picture(last);
                        }
                        Err(e) => self
                            .state
                            .say(Level::Warning, format!("picture not added: {e}")),
                    }
                }
            }
            DialogOutcome::InputChosen { role, path, check } => {
                self.on_input_chosen(role, path, check)
            }
            DialogOutcome::DatasetPreviewed(Ok(preview)) => {
                self.state.dataset_error = None;
                self.state.dataset = Some(*preview);
            }
            DialogOutcome::DatasetPreviewed(Err(e)) => {
                self.state
                    .say(Level::Error, format!("dataset not loaded: {e}"));
                self.state.dataset_error = Some(e);
            }
            DialogOutcome::Exported(Ok(path)) => self
                .state
                .say(Level::Info, format!("exported {}", path.display())),
            DialogOutcome::Exported(Err(e)) => {
                self.state.say(Level::Error, format!("export failed: {e}"))
            }
        }
    }
}

/// Which input a dropped file is for: weights by their extension; a picture by the
/// slot under the pointer, else the content picture first, then the style picture.
fn input_role_for_drop(
    state: &AppState,
    path: &std::path::Path,
    pointer: Option<egui::Pos2>,
    k: usize,
) -> InputRole {
    let weights = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("safetensors"));
    if weights {
        return InputRole::Weights;
    }
    if let Some(p) = pointer
        && let Some((role, _)) = state
            .drop_targets
            .iter()
            .find(|(_, r)| r.contains([p.x, p.y]))
    {
        return *role;
    }
    match (&state.draft, k) {
        (ExperimentSpec::DeepDream(_), _) => InputRole::Dream,
        (_, 0) => InputRole::Content,
        _ => InputRole::Style,
    }
}
