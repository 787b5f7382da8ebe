//! Gathers the studio's own source code and documentation into one text, the
//! character model's built-in corpus: a model that learns to write the code it runs
//! on, with no third-party text in the repository.

use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let mut files = vec![root.join("README.md")];
    collect(&root.join("src"), "rs", &mut files);
    collect(&root.join("presets"), "toml", &mut files);
    let mut text = String::new();
    for f in &files {
        let Ok(body) = std::fs::read_to_string(f) else {
            continue;
        };
        let name = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        text.push_str(&format!("// ---- {name} ----\n"));
        text.push_str(&body);
        if !body.ends_with('\n') {
            text.push('\n');
        }
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("out dir")).join("corpus.txt");
    std::fs::write(&out, text).expect("write corpus");
    for dir in ["src", "presets", "README.md"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}

/// Every file under `dir` ending in `.ext`, in a fixed (sorted) order.
fn collect(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
}
