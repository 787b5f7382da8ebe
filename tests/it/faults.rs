//! Faults a hostile user or a full disk brings, through the command line: each one
//! ends with a non-zero exit and one line naming what went wrong, and loses nothing.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn studio() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_latent-studio"));
    c.env("RAYON_NUM_THREADS", "2");
    c
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The error line of a failed command (its last line on stderr).
fn error_line(out: &Output) -> String {
    let err = stderr(out);
    err.trim().lines().last().unwrap_or_default().to_string()
}

/// A sample that cannot be written (a folder stands where its file goes) pauses
/// the run: the command exits non-zero naming the file, even though stderr is a
/// pipe here.
#[test]
fn a_write_that_fails_ends_the_command_with_its_reason() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("run");
    std::fs::create_dir_all(out.join("samples/step-000020.png")).expect("blocker");
    let output = studio()
        .args(["train", "gan2d_ring", "--steps", "40", "--out"])
        .arg(&out)
        .args(["--set", "schedule.sample_every=10"])
        .output()
        .expect("train");
    assert!(!output.status.success(), "a lost sample is not a success");
    let line = error_line(&output);
    assert!(
        line.contains("sample not written") && line.contains("step-000020"),
        "{line}"
    );
    // The rows written before the fault are there, whole.
    let metrics = std::fs::read_to_string(out.join("metrics.csv")).expect("metrics");
    assert!(metrics.lines().count() >= 2, "{metrics}");
}

/// A disk that fills up during a run (a 200 kB tmpfs in a mount namespace of
/// the test's own, where the system allows one): non-zero exit, the reason named.
#[test]
fn a_full_disk_is_loud() {
    let dir = tempfile::tempdir().expect("dir");
    let mount = dir.path().join("small");
    std::fs::create_dir_all(&mount).expect("dir");
    let probe = Command::new("unshare")
        .args(["-rm", "sh", "-c"])
        .arg(format!(
            "mount -t tmpfs -o size=200k tmpfs {}",
            mount.display()
        ))
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: this system lets no test mount a small file system (unshare -rm)");
        return;
    }
    let script = format!(
        "mount -t tmpfs -o size=200k tmpfs {m} && exec {bin} train gan2d_ring --steps 200 --out {m}/run --set schedule.checkpoint_every=5",
        m = mount.display(),
        bin = env!("CARGO_BIN_EXE_latent-studio"),
    );
    let output = Command::new("unshare")
        .args(["-rm", "sh", "-c", &script])
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .expect("unshare");
    assert!(!output.status.success(), "a full disk is not a success");
    let line = error_line(&output);
    assert!(line.contains("No space left on device"), "{line}");
    assert!(line.contains("not written"), "{line}");
}

/// Rewrites the run's checkpoint with one value made NaN; returns its tensor's name.
fn poison_checkpoint(run: &Path) -> String {
    use latent_studio::runs::checkpoint as file;
    let path = run.join("checkpoint.safetensors");
    let raw = file::load(&path, &candle_core::Device::Cpu).expect("checkpoint");
    let mut tensors: Vec<(String, candle_core::Tensor)> = raw.tensors.into_iter().collect();
    tensors.sort_by(|a, b| a.0.cmp(&b.0));
    let (name, t) = tensors[0].clone();
    let mut values = t.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    values[0] = f32::NAN;
    let poisoned = candle_core::Tensor::from_vec(values, t.shape(), &candle_core::Device::Cpu)
        .expect("tensor");
    tensors[0] = (name.clone(), poisoned);
    // The architecture is in the spec's text; the file's own field is not checked here.
    file::save(&path, "gan2d", &raw.spec_toml, raw.step, &tensors, None).expect("save");
    name
}

/// A checkpoint holding NaN weights is refused on load, naming the tensor.
#[test]
fn nan_weights_in_a_checkpoint_are_refused_with_the_tensor_name() {
    let dir = tempfile::tempdir().expect("dir");
    let run = dir.path().join("run");
    let ok = studio()
        .args(["train", "gan2d_ring", "--steps", "5", "--out"])
        .arg(&run)
        .output()
        .expect("train");
    assert!(ok.status.success(), "{}", stderr(&ok));
    let poisoned = poison_checkpoint(&run);
    let output = studio()
        .args(["train", "--continue"])
        .arg(&run)
        .args(["--steps", "10"])
        .output()
        .expect("continue");
    assert!(!output.status.success());
    let line = error_line(&output);
    assert!(
        line.contains("NaN") && line.contains(&format!("`{poisoned}`")),
        "{line}"
    );
}

/// A network too large for the machine is refused before it is allocated, with
/// the estimate and the tensor that sizes it; nothing grows to the kernel's limit.
#[test]
fn a_network_larger_than_memory_is_refused_with_its_estimate() {
    let dir = tempfile::tempdir().expect("dir");
    let t = Instant::now();
    // A machine with 20 GB available, whatever this one has: the step's estimate
    // (12 GB) passes, the weights' (62 GB) do not.
    let meminfo = fake_meminfo(dir.path(), 20 << 30);
    let output = studio()
        .env("LATENT_STUDIO_MEMINFO", &meminfo)
        .args(["train", "vae_glyphs", "--steps", "3", "--out"])
        .arg(dir.path().join("run"))
        .args(["--set", "model.hidden=1000000"])
        .output()
        .expect("train");
    assert!(!output.status.success());
    let line = error_line(&output);
    assert!(
        line.contains("available") && line.contains("--force"),
        "{line}"
    );
    assert!(line.contains("enc.fc.weight"), "{line}");
    assert!(
        t.elapsed() < Duration::from_secs(60),
        "refused before the work"
    );
}

/// A `/proc/meminfo` of a 24 GB machine with `available` bytes available.
fn fake_meminfo(dir: &Path, available: u64) -> std::path::PathBuf {
    let path = dir.join("meminfo");
    let text = format!(
        "MemTotal:       {} kB\nMemFree:        {} kB\nMemAvailable:   {} kB\n",
        24u64 << 20,
        available >> 10,
        available >> 10
    );
    std::fs::write(&path, text).expect("meminfo");
    path
}

/// A batch whose training step would not fit is refused before the data is made,
/// with the step's estimate and the setting to lower.
#[test]
fn a_step_larger_than_memory_is_refused_before_the_data_is_made() {
    let dir = tempfile::tempdir().expect("dir");
    let t = Instant::now();
    let output = studio()
        .env("LATENT_STUDIO_MEMINFO", fake_meminfo(dir.path(), 8 << 30))
        .args(["train", "dcgan_glyphs", "--steps", "3", "--out"])
        .arg(dir.path().join("run"))
        .args(["--set", "train.batch_size=100000"])
        .output()
        .expect("train");
    assert!(!output.status.success());
    let line = error_line(&output);
    assert!(
        line.contains("activations") && line.contains("8.6 GB available"),
        "{line}"
    );
    assert!(line.contains("train.batch_size"), "{line}");
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "refused before the data"
    );
    assert!(
        !dir.path()
            .join("run")
            .join("checkpoint.safetensors")
            .exists()
    );
}

/// A machine that runs nearly out of memory during a run pauses it, with the figures
/// and a checkpoint kept: the command exits non-zero with that line instead of
/// being killed by the kernel without a word.
#[test]
fn a_run_nearly_out_of_memory_pauses_with_a_checkpoint() {
    let dir = tempfile::tempdir().expect("dir");
    let run = dir.path().join("run");
    let output = studio()
        .env("LATENT_STUDIO_MEMINFO", fake_meminfo(dir.path(), 100 << 20))
        .args(["train", "gan2d_ring", "--steps", "100000", "--out"])
        .arg(&run)
        .output()
        .expect("train");
    assert!(!output.status.success());
    let line = error_line(&output);
    assert!(line.contains("nearly out of memory"), "{line}");
    assert!(line.contains("105 MB available"), "{line}");
    let ckpt = std::fs::metadata(run.join("checkpoint.safetensors")).expect("a checkpoint kept");
    assert!(
        ckpt.len() > 1000,
        "a whole checkpoint: {} bytes",
        ckpt.len()
    );
}

/// A picture file that declares a huge size (a decompression bomb) is refused from
/// its header; a strip too thin for the networks is refused with its size; an
/// output that cannot be written is found before any work.
#[test]
fn pictures_that_cannot_work_are_refused_at_once() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("out.png");
    // 5000 × 1.
    let strip = dir.path().join("strip.png");
    image::RgbImage::from_pixel(5000, 1, image::Rgb([200, 30, 30]))
        .save(&strip)
        .expect("png");
    let output = studio()
        .args(["stylize", "--steps", "2", "--content"])
        .arg(&strip)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("stylize");
    assert!(!output.status.success());
    let line = error_line(&output);
    assert!(
        line.contains("5000 × 1") && line.contains("shorter side"),
        "{line}"
    );
    // An output folder that does not exist: refused before the work.
    let t = Instant::now();
    let output = studio()
        .args(["stylize", "--steps", "200", "--out"])
        .arg(dir.path().join("missing/out.png"))
        .output()
        .expect("stylize");
    assert!(!output.status.success());
    assert!(
        error_line(&output).contains("missing"),
        "{}",
        stderr(&output)
    );
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "found before 200 iterations"
    );
    // A digit that does not exist.
    let output = studio()
        .args(["dream", "--digit", "11", "--out"])
        .arg(&out)
        .output()
        .expect("dream");
    assert!(!output.status.success());
    assert!(stderr(&output).contains("11"), "{}", stderr(&output));
}

/// A gzipped IDX file of a few kB that unpacks to more than its header declares
/// is read only as far as the header says; one that declares gigabytes is refused.
#[test]
fn idx_decompression_bombs_are_bounded() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("dir");
    let write_gz = |name: &str, dims: &[u32], data_bytes: usize| {
        let path = dir.path().join(name);
        let file = std::fs::File::create(&path).expect("create");
        let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        gz.write_all(&[0, 0, 8, dims.len() as u8]).expect("magic");
        for d in dims {
            gz.write_all(&d.to_be_bytes()).expect("dim");
        }
        let zeros = vec![0u8; 1 << 20];
        let mut left = data_bytes;
        while left > 0 {
            let n = left.min(zeros.len());
            gz.write_all(&zeros[..n]).expect("data");
            left -= n;
        }
        gz.finish().expect("gz");
        path
    };
    // Declares 10 images, carries 200 MB of zeros after them.
    let trailing = write_gz("trailing.gz", &[10, 28, 28], 200 << 20);
    assert!(std::fs::metadata(&trailing).expect("size").len() < 2 << 20);
    let t = Instant::now();
    let set = latent_studio::data::idx::load_pair(&trailing, None).expect("ten images");
    assert_eq!(set.pixels.len(), 10 * 28 * 28);
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "did not unpack the rest"
    );
    // Declares 2 GiB.
    let huge = write_gz("huge.gz", &[40_000, 256, 256], 1 << 20);
    let Err(e) = latent_studio::data::idx::load_pair(&huge, None) else {
        panic!("a file declaring 2.6 GB was loaded");
    };
    assert!(e.to_string().contains("more than the studio loads"), "{e}");
}

/// `kill -9` at points spread over a run that checkpoints every step: what is left
/// always loads (the checkpoint, its history, `metrics.csv`), and the run continues
/// from it, its killed writer's temporary files cleared.
#[test]
fn a_run_killed_at_any_moment_leaves_files_that_load() {
    let dir = tempfile::tempdir().expect("dir");
    let run = dir.path().join("run");
    // Fixed delays (ms) after the first checkpoint: spread over steps and writes.
    for (round, delay_ms) in [37u64, 111, 173, 229, 311].into_iter().enumerate() {
        let mut command = studio();
        if round == 0 {
            command
                .args(["train", "gan2d_ring", "--steps", "1000000", "--out"])
                .arg(&run)
                .args([
                    "--set",
                    "schedule.checkpoint_every=1",
                    "--set",
                    "schedule.log_every=1",
                ]);
        } else {
            command.args(["train", "--continue"]).arg(&run);
        }
        let mut child = command
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("train");
        let t = Instant::now();
        while !run.join("checkpoint.safetensors").exists() && t.elapsed() < Duration::from_secs(30)
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().expect("kill -9");
        child.wait().expect("reaped");
        let ckpt = latent_studio::experiments::checkpoint::load(
            &run.join("checkpoint.safetensors"),
            &candle_core::Device::Cpu,
        )
        .unwrap_or_else(|e| panic!("round {round}: the checkpoint left does not load: {e}"));
        for entry in latent_studio::runs::history::list(&run) {
            latent_studio::runs::checkpoint::load(&entry.path, &candle_core::Device::Cpu)
                .unwrap_or_else(|e| panic!("round {round}: history entry does not load: {e}"));
        }
        let (_, rows) = latent_studio::runs::metrics_file::read(&run.join("metrics.csv"))
            .unwrap_or_else(|e| panic!("round {round}: metrics.csv does not read: {e}"));
        assert!(!rows.is_empty() && ckpt.step > 0, "round {round}");
    }
    // Continued, its writer's leftovers go and it trains on.
    let out = studio()
        .args(["train", "--continue"])
        .arg(&run)
        .args(["--steps", "5"])
        .output()
        .expect("continue");
    assert!(out.status.success(), "{}", stderr(&out));
    let left: Vec<_> = [run.clone(), run.join("checkpoints")]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).expect("ls").flatten())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "temporaries left: {left:?}");
}
