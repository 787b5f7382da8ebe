//! Every model's card: its networks' layers in order with their output shapes, the
//! parameter tensors each owns, FLOPs and the memory of the activations, and which
//! of the studio's kernels each layer runs on — computed from a spec with the same
//! arithmetic the networks are built with (each architecture's `card`), and checked
//! against the tensors a built model really has (`tests/it/model_card.rs`).
//!
//! FLOPs count a multiply–add as 2 and a bias's add as 1; activations, batch norm's
//! 4 per element and the losses are counted where stated. A training pass with its
//! backward is counted as 3 forwards (the usual rule: the backward costs about two).

/// One layer of a network.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    /// What it is, e.g. `linear 2 -> 128` or `conv 4×4 /2`.
    pub op: String,
    /// Its output for one sample (no batch dimension).
    pub out: Vec<usize>,
    /// The checkpoint tensors it owns, by name, with their shapes.
    pub tensors: Vec<(String, Vec<usize>)>,
    /// Buffers among `tensors` (saved, not trained: batch norm's running statistics).
    pub buffers: usize,
    /// Forward FLOPs for one sample.
    pub flops: u64,
    /// The studio's kernel that computes it.
    pub kernel: &'static str,
}

impl Layer {
    /// A layer with no tensors yet.
    pub fn new(op: impl Into<String>, out: &[usize], flops: u64, kernel: &'static str) -> Self {
        Self {
            op: op.into(),
            out: out.to_vec(),
            tensors: Vec::new(),
            buffers: 0,
            flops,
            kernel,
        }
    }

    /// The layer owning `name` of `shape`.
    pub fn with(mut self, name: impl Into<String>, shape: &[usize]) -> Self {
        self.tensors.push((name.into(), shape.to_vec()));
        self
    }

    /// The layer owning the buffer `name` of `shape`.
    pub fn with_buffer(mut self, name: impl Into<String>, shape: &[usize]) -> Self {
        self.buffers += 1;
        self.with(name, shape)
    }

    /// Numbers in its tensors (buffers included).
    pub fn numbers(&self) -> u64 {
        let size = |s: &Vec<usize>| s.iter().product::<usize>() as u64;
        self.tensors.iter().map(|(_, s)| size(s)).sum()
    }

    /// Trainable parameters (its tensors less its buffers, which come last).
    pub fn params(&self) -> u64 {
        let size = |s: &Vec<usize>| s.iter().product::<usize>() as u64;
        let trained = self.tensors.len() - self.buffers;
        self.tensors[..trained].iter().map(|(_, s)| size(s)).sum()
    }

    /// Numbers in its output for one sample.
    pub fn out_len(&self) -> u64 {
        self.out.iter().product::<usize>() as u64
    }
}

/// One network of a model, and how much of it a training step uses.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    /// Its name, e.g. "generator".
    pub name: String,
    /// Its input for one sample.
    pub input: Vec<usize>,
    /// Its layers, in order.
    pub layers: Vec<Layer>,
    /// Samples in one pass (the batch it is run on).
    pub batch: usize,
    /// Forward-equivalents of one batch per training step (a pass with its
    /// backward counts 3).
    pub passes: f64,
}

impl Network {
    /// Forward FLOPs for one sample.
    pub fn flops(&self) -> u64 {
        self.layers.iter().map(|l| l.flops).sum()
    }

    /// Trainable parameters.
    pub fn params(&self) -> u64 {
        self.layers.iter().map(Layer::params).sum()
    }

    /// The activations one batch keeps for its backward, bytes (f32).
    pub fn activation_bytes(&self) -> u64 {
        let per_sample: u64 = self.layers.iter().map(Layer::out_len).sum();
        per_sample * self.batch as u64 * 4
    }
}

/// A model's card.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelCard {
    /// The model, e.g. "DCGAN 28 × 28".
    pub title: String,
    /// Its networks.
    pub networks: Vec<Network>,
    /// What one sample is ("point", "image", "character").
    pub sample: &'static str,
    /// Forward FLOPs to make one sample.
    pub sample_flops: u64,
    /// How a step's passes were counted, and what is left out.
    pub notes: Vec<String>,
}

impl ModelCard {
    /// Trainable parameters of every network.
    pub fn params(&self) -> u64 {
        self.networks.iter().map(Network::params).sum()
    }

    /// FLOPs of one training step.
    pub fn step_flops(&self) -> u64 {
        let net = |n: &Network| n.flops() as f64 * n.batch as f64 * n.passes;
        self.networks.iter().map(net).sum::<f64>().round() as u64
    }

    /// The activations of the largest pass kept for its backward, bytes.
    pub fn activation_bytes(&self) -> u64 {
        self.networks.iter().map(Network::activation_bytes).sum()
    }

    /// Every tensor the card names, with its shape.
    pub fn tensors(&self) -> Vec<(String, Vec<usize>)> {
        let layers = self.networks.iter().flat_map(|n| &n.layers);
        layers.flat_map(|l| l.tensors.iter().cloned()).collect()
    }

    /// The card as a text table, for the terminal.
    pub fn to_text(&self) -> String {
        let mut out = format!("{}\n", self.title);
        for n in &self.networks {
            out.push_str(&format!(
                "\n{} — input {}, batch {}, {} parameters, {} FLOPs per sample\n",
                n.name,
                shape(&n.input),
                n.batch,
                count(n.params()),
                count(n.flops())
            ));
            out.push_str(&format!(
                "  {:<40} {:>16} {:>20} {:>9} {:>9}  {}\n",
                "layer", "output", "output (batch)", "params", "FLOPs", "kernel"
            ));
            for l in &n.layers {
                let mut batched = vec![n.batch];
                batched.extend(&l.out);
                out.push_str(&format!(
                    "  {:<40} {:>16} {:>20} {:>9} {:>9}  {}\n",
                    l.op,
                    shape(&l.out),
                    shape(&batched),
                    count(l.params()),
                    count(l.flops),
                    l.kernel
                ));
            }
        }
        out.push_str(&format!(
            "\nparameters {} · FLOPs per training step {} · per {} {} · activations kept per step {}\n",
            count(self.params()),
            count(self.step_flops()),
            self.sample,
            count(self.sample_flops),
            bytes(self.activation_bytes())
        ));
        for note in &self.notes {
            out.push_str(&format!("  {note}\n"));
        }
        out
    }
}

/// `[a, b, c]` as `a × b × c`.
pub fn shape(dims: &[usize]) -> String {
    if dims.is_empty() {
        return "—".into();
    }
    let parts: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
    parts.join(" × ")
}

/// A count with a k (past 10,000), M, G or T suffix.
pub fn count(n: u64) -> String {
    let f = n as f64;
    match n {
        0..10_000 => n.to_string(),
        10_000..1_000_000 => format!("{:.1}k", f / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1}M", f / 1e6),
        1_000_000_000..1_000_000_000_000 => format!("{:.2}G", f / 1e9),
        _ => format!("{:.2}T", f / 1e12),
    }
}

/// Bytes in KiB, MiB or GiB.
pub fn bytes(n: u64) -> String {
    let f = n as f64;
    if f < 1024.0 * 1024.0 {
        format!("{:.1} KiB", f / 1024.0)
    } else if f < 1024.0 * 1024.0 * 1024.0 {
        format!("{:.1} MiB", f / (1024.0 * 1024.0))
    } else {
        format!("{:.2} GiB", f / (1024.0 * 1024.0 * 1024.0))
    }
}

/// Kernels the layers run on, named once.
pub mod kernels {
    /// Dense layers: gemm, with the bias and a ReLU-family activation fused.
    pub const DENSE: &str = "nn::dense (gemm, bias + activation fused)";
    /// Convolutions: the studio's im2col + gemm, channels last.
    pub const CONV: &str = "nn::fast_conv (patches + gemm)";
    /// Transposed convolutions.
    pub const UP_CONV: &str = "nn::fast_conv (transposed: gemm + scatter)";
    /// Batch norm with its activation.
    pub const BATCH_NORM: &str = "nn::batch_norm_op (fused with activation)";
    /// The LSTM's time steps.
    pub const LSTM: &str = "nn::fused_lstm (gemm + fused gates)";
    /// An embedding table read by index.
    pub const EMBEDDING: &str = "index_select (candle)";
    /// An element-wise activation computed on its own.
    pub const ACTIVATION: &str = "nn::activations";
}

/// A dense layer `fan_in -> fan_out` named `{name}.weight` `[out, in]` and
/// `{name}.bias` `[out]`.
pub fn dense(name: &str, fan_in: usize, fan_out: usize, what: &str) -> Layer {
    let flops = (2 * fan_in * fan_out + fan_out) as u64;
    Layer::new(
        format!("{what} {fan_in} -> {fan_out}"),
        &[fan_out],
        flops,
        kernels::DENSE,
    )
    .with(format!("{name}.weight"), &[fan_out, fan_in])
    .with(format!("{name}.bias"), &[fan_out])
}

/// A convolution `c_in -> c_out`, kernel `k`, stride `stride`, padding 1, on a
/// `side × side` input: `{name}.weight` `[c_out, c_in, k, k]`, `{name}.bias`.
pub fn conv(
    name: &str,
    c_in: usize,
    c_out: usize,
    k: usize,
    stride: usize,
    side: usize,
    what: &str,
) -> Layer {
    let out = (side + 2 - k) / stride + 1;
    let flops = 2 * c_in * k * k * c_out * out * out + c_out * out * out;
    let op = if stride == 1 {
        format!("{what} {k}×{k}")
    } else {
        format!("{what} {k}×{k} /{stride}")
    };
    Layer::new(op, &[c_out, out, out], flops as u64, kernels::CONV)
        .with(format!("{name}.weight"), &[c_out, c_in, k, k])
        .with(format!("{name}.bias"), &[c_out])
}

/// A transposed convolution `c_in -> c_out`, kernel `k`, doubling a `side × side`
/// input: `{name}.weight` `[c_in, c_out, k, k]`, `{name}.bias`. Each input pixel
/// scatters `k² · c_out` products.
pub fn up_conv(name: &str, c_in: usize, c_out: usize, k: usize, side: usize, what: &str) -> Layer {
    let out = 2 * side;
    let flops = 2 * c_in * k * k * c_out * side * side + c_out * out * out;
    Layer::new(
        format!("{what} {k}×{k} ×2"),
        &[c_out, out, out],
        flops as u64,
        kernels::UP_CONV,
    )
    .with(format!("{name}.weight"), &[c_in, c_out, k, k])
    .with(format!("{name}.bias"), &[c_out])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_mlps_flops_match_a_hand_count() {
        // 2 -> 3 -> 1: 2·2·3 + 3 = 15 and 2·3·1 + 1 = 7.
        let net = Network {
            name: "tiny".into(),
            input: vec![2],
            layers: vec![dense("t.0", 2, 3, "linear"), dense("t.1", 3, 1, "linear")],
            batch: 10,
            passes: 3.0,
        };
        assert_eq!(net.flops(), 22);
        assert_eq!(net.params(), 2 * 3 + 3 + 3 + 1);
        assert_eq!(net.activation_bytes(), (3 + 1) * 10 * 4);
        let card = ModelCard {
            title: "tiny".into(),
            networks: vec![net],
            sample: "point",
            sample_flops: 22,
            notes: Vec::new(),
        };
        assert_eq!(card.step_flops(), 22 * 10 * 3);
        let text = card.to_text();
        assert!(
            text.contains("linear 2 -> 3") && text.contains("10 × 3"),
            "{text}"
        );
    }

    #[test]
    fn counts_read_easily() {
        assert_eq!(count(9_999), "9999");
        assert_eq!(count(12_345), "12.3k");
        assert_eq!(count(3_400_000_000), "3.40G");
        assert_eq!(shape(&[1, 28, 28]), "1 × 28 × 28");
    }
}
