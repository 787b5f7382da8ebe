//! When no file dialog can open (no desktop portal under Xvfb, over SSH, in some
//! sandboxes, rfd returns nothing at once), the window asks for the path as text
//! instead. The fallback wraps the dialogs the studio uses, so every dialog has it:
//! the dialog's thread sends a [`PathAsk`] to the window and waits for the typed
//! answer, which then goes on as if the dialog had returned it.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Sender, bounded};

use super::dialogs::FileDialogs;

/// A dialog that gives up sooner than this did not open: nobody cancels that fast.
pub const NO_DIALOG_WITHIN: Duration = Duration::from_millis(300);

/// What kind of path is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathKind {
    /// An existing file.
    OpenFile,
    /// A file to write.
    SaveFile,
    /// An existing folder.
    Folder,
}

/// A question for the window: type the path a dialog would have given.
#[derive(Clone, Debug)]
pub struct PathAsk {
    /// The dialog's title.
    pub title: String,
    /// File or folder.
    pub kind: PathKind,
    /// Whether a dialog was tried and could not open (else the user chose to type).
    pub no_dialog: bool,
    /// Text to start from (a suggested file name).
    pub suggested: String,
    /// Where the answer goes (`None`: cancelled).
    pub reply: Sender<Option<PathBuf>>,
}

/// The studio's dialogs with the typed-path fallback.
pub struct WithFallback {
    /// The platform's dialogs.
    pub native: Arc<dyn FileDialogs>,
    /// Type every path instead of opening dialogs (the File menu's choice).
    pub always_type: Arc<AtomicBool>,
    /// Where questions go (the window's dialog outcomes).
    pub ask: Arc<dyn Fn(PathAsk) + Send + Sync>,
}

impl WithFallback {
    fn run(
        &self,
        title: &str,
        kind: PathKind,
        suggested: &str,
        native: impl FnOnce() -> Option<PathBuf>,
    ) -> Option<PathBuf> {
        let typed_only = self.always_type.load(Ordering::Relaxed);
        if !typed_only {
            let started = Instant::now();
            let got = native();
            if got.is_some() || started.elapsed() >= NO_DIALOG_WITHIN {
                return got;
            }
        }
        let (reply, answer) = bounded(1);
        (self.ask)(PathAsk {
            title: title.to_string(),
            kind,
            no_dialog: !typed_only,
            suggested: suggested.to_string(),
            reply,
        });
        answer.recv().ok().flatten()
    }
}

impl FileDialogs for WithFallback {
    fn open_file(&self, title: &str, extensions: &[&str]) -> Option<PathBuf> {
        self.run(title, PathKind::OpenFile, "", || {
            self.native.open_file(title, extensions)
        })
    }

    fn save_file(&self, title: &str, default_name: &str) -> Option<PathBuf> {
        self.run(title, PathKind::SaveFile, default_name, || {
            self.native.save_file(title, default_name)
        })
    }

    fn pick_folder(&self, title: &str) -> Option<PathBuf> {
        self.run(title, PathKind::Folder, "", || {
            self.native.pick_folder(title)
        })
    }
}

/// What is wrong with a typed path for `kind` (`None`: usable).
pub fn check(kind: PathKind, text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return Some("type a path".into());
    }
    let path = expand_home(text);
    match kind {
        PathKind::OpenFile if !path.is_file() => Some(format!("no file at {}", path.display())),
        PathKind::Folder if !path.is_dir() => Some(format!("no folder at {}", path.display())),
        PathKind::SaveFile => match path.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(parent) if !parent.is_dir() => {
                Some(format!("no folder {} to write into", parent.display()))
            }
            _ if path.is_dir() => Some(format!("{} is a folder: add a file name", path.display())),
            _ => None,
        },
        _ => None,
    }
}

/// `~/x` as the home folder's `x`; other text as it is.
pub fn expand_home(text: &str) -> PathBuf {
    let text = text.trim();
    match (text.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Nothing;
    impl FileDialogs for Nothing {
        fn open_file(&self, _: &str, _: &[&str]) -> Option<PathBuf> {
            None
        }
        fn save_file(&self, _: &str, _: &str) -> Option<PathBuf> {
            None
        }
        fn pick_folder(&self, _: &str) -> Option<PathBuf> {
            None
        }
    }

    #[test]
    fn a_dialog_that_cannot_open_asks_for_the_path_and_returns_what_was_typed() {
        let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = asked.clone();
        let dialogs = WithFallback {
            native: Arc::new(Nothing),
            always_type: Arc::new(AtomicBool::new(false)),
            ask: Arc::new(move |ask: PathAsk| {
                seen.lock()
                    .expect("lock")
                    .push((ask.title.clone(), ask.kind, ask.no_dialog));
                let _ = ask.reply.send(Some(PathBuf::from("/typed/run")));
            }),
        };
        assert_eq!(
            dialogs.pick_folder("Open run folder"),
            Some(PathBuf::from("/typed/run"))
        );
        assert_eq!(
            asked.lock().expect("lock")[0],
            ("Open run folder".to_string(), PathKind::Folder, true)
        );
    }

    #[test]
    fn typed_paths_are_checked_for_what_they_must_be() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("a.toml");
        std::fs::write(&file, "x").expect("write");
        let d = dir.path().display().to_string();
        let f = file.display().to_string();
        assert_eq!(check(PathKind::Folder, &d), None);
        assert!(check(PathKind::Folder, &f).is_some());
        assert_eq!(check(PathKind::OpenFile, &f), None);
        assert!(check(PathKind::OpenFile, "  ").is_some());
        assert_eq!(check(PathKind::SaveFile, &format!("{d}/new.png")), None);
        assert!(
            check(PathKind::SaveFile, &d).is_some(),
            "a folder is no file name"
        );
        assert!(check(PathKind::SaveFile, &format!("{d}/missing/x.png")).is_some());
    }
}
