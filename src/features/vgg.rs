//! VGG16 and VGG19 from a safetensors file the user has on disk.
//!
//! Accepted names:
//! - torchvision's and timm's `features.{i}.weight` / `features.{i}.bias`, where `i`
//!   counts the layers of the `features` sequence (ReLUs and poolings included), with
//!   any prefix before `features.` (`model.features.0.weight`);
//! - layer names, `conv1_1.weight` / `conv1_1.bias` (Caffe-style conversions).
//!
//! The widths are read from the file and only checked to chain (3 channels in, each
//! layer taking the previous one's output), so a small VGG-shaped file loads as well
//! as the real one. Every problem names the tensor at fault.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};

use super::{FeatureNet, IMAGENET, Pooling};
use crate::{Result, StudioError};

/// Convolutions per block of VGG16.
pub const VGG16: [usize; 5] = [2, 2, 3, 3, 3];
/// Convolutions per block of VGG19.
pub const VGG19: [usize; 5] = [2, 2, 4, 4, 4];

/// The layer names of a VGG with `blocks` convolutions per block.
pub fn layer_names(blocks: [usize; 5]) -> Vec<String> {
    blocks
        .iter()
        .enumerate()
        .flat_map(|(b, &n)| (1..=n).map(move |i| format!("conv{}_{i}", b + 1)))
        .collect()
}

/// The index in torchvision's `features` sequence of each convolution: each is
/// followed by a ReLU, each block by a pooling.
fn torchvision_indices(blocks: [usize; 5]) -> Vec<usize> {
    let mut at = 0;
    let mut indices = Vec::new();
    for n in blocks {
        for _ in 0..n {
            indices.push(at);
            at += 2;
        }
        at += 1;
    }
    indices
}

/// Reads a VGG16 or VGG19 from `path`.
pub fn load(path: &Path, device: &Device) -> Result<FeatureNet> {
    let fail = |m: String| StudioError::Spec(format!("{}: {m}", path.display()));
    let tensors = candle_core::safetensors::load(path, device).map_err(|e| fail(e.to_string()))?;
    from_tensors(&tensors, device).map_err(|e| match e {
        StudioError::Spec(m) => fail(m),
        other => other,
    })
}

/// A VGG from named tensors (see the module's notes for the names).
pub fn from_tensors(tensors: &HashMap<String, Tensor>, _device: &Device) -> Result<FeatureNet> {
    let (variant, blocks, keys) = layout(tensors)?;
    let names = layer_names(blocks);
    let mut convs = Vec::with_capacity(names.len());
    let mut channels_in = 3;
    for (name, key) in names.iter().zip(&keys) {
        let weight_key = format!("{key}.weight");
        let bias_key = format!("{key}.bias");
        let weight = tensors
            .get(&weight_key)
            .ok_or_else(|| StudioError::Spec(format!("{weight_key} ({name}) is missing")))?;
        let bias = tensors
            .get(&bias_key)
            .ok_or_else(|| StudioError::Spec(format!("{bias_key} ({name}) is missing")))?;
        let dims = weight.dims();
        if dims.len() != 4 || dims[1] != channels_in || dims[2] != 3 || dims[3] != 3 {
            return Err(StudioError::Spec(format!(
                "{weight_key} ({name}) has shape {dims:?}, expected [out, {channels_in}, 3, 3]"
            )));
        }
        let out = dims[0];
        if bias.dims() != [out] {
            return Err(StudioError::Spec(format!(
                "{bias_key} ({name}) has shape {:?}, expected [{out}]",
                bias.dims()
            )));
        }
        convs.push((name.clone(), weight.clone(), bias.clone()));
        channels_in = out;
    }
    let pools: Vec<String> = (0..5)
        .map(|b| format!("conv{}_{}", b + 1, blocks[b]))
        .collect();
    let pool_refs: Vec<&str> = pools.iter().map(String::as_str).collect();
    FeatureNet::new(
        convs,
        &pool_refs,
        Pooling::Max,
        IMAGENET,
        format!("{variant} from a file"),
    )
}

/// Which VGG the tensors hold and the name prefix of each convolution.
fn layout(tensors: &HashMap<String, Tensor>) -> Result<(&'static str, [usize; 5], Vec<String>)> {
    // Layer names first (conv1_1.weight …).
    let named = |blocks| {
        layer_names(blocks)
            .iter()
            .all(|n| tensors.contains_key(&format!("{n}.weight")))
    };
    if named(VGG19) {
        return Ok(("VGG19", VGG19, layer_names(VGG19)));
    }
    if named(VGG16) {
        return Ok(("VGG16", VGG16, layer_names(VGG16)));
    }
    // torchvision / timm: 4-D weights under `…features.{i}.weight`.
    let mut found: Vec<(usize, String)> = Vec::new();
    for (key, t) in tensors {
        let Some(stem) = key.strip_suffix(".weight") else {
            continue;
        };
        let Some(at) = stem.rfind("features.") else {
            continue;
        };
        let Ok(index) = stem[at + "features.".len()..].parse::<usize>() else {
            continue;
        };
        if t.rank() == 4 {
            found.push((index, stem.to_string()));
        }
    }
    found.sort();
    let indices: Vec<usize> = found.iter().map(|(i, _)| *i).collect();
    for (variant, blocks) in [("VGG16", VGG16), ("VGG19", VGG19)] {
        if indices == torchvision_indices(blocks) {
            return Ok((variant, blocks, found.into_iter().map(|(_, k)| k).collect()));
        }
    }
    if found.is_empty() {
        let mut some: Vec<&String> = tensors.keys().collect();
        some.sort();
        some.truncate(4);
        return Err(StudioError::Spec(format!(
            "no VGG convolution weights (features.N.weight or conv1_1.weight) among its {} tensors (e.g. {some:?})",
            tensors.len()
        )));
    }
    let expected16 = torchvision_indices(VGG16);
    let missing: Vec<String> = expected16
        .iter()
        .filter(|i| !indices.contains(i))
        .map(|i| format!("features.{i}.weight"))
        .collect();
    Err(StudioError::Spec(format!(
        "convolutions at features.{indices:?} are neither VGG16's nor VGG19's layout{}",
        if missing.is_empty() {
            String::new()
        } else {
            format!(" (VGG16 would also need {})", missing.join(", "))
        }
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::DType;

    /// A tiny VGG-shaped set of tensors: `width` channels in every layer.
    fn tiny(
        blocks: [usize; 5],
        width: usize,
        key: impl Fn(usize, &str) -> String,
    ) -> HashMap<String, Tensor> {
        let d = Device::Cpu;
        let mut m = HashMap::new();
        let mut cin = 3;
        for (i, name) in layer_names(blocks).iter().enumerate() {
            let idx = torchvision_indices(blocks)[i];
            let k = key(idx, name);
            let w =
                crate::nn::rng::normal_tensor(i as u64, 0.3, &[width, cin, 3, 3], &d).expect("w");
            m.insert(format!("{k}.weight"), w);
            m.insert(
                format!("{k}.bias"),
                Tensor::zeros(width, DType::F32, &d).expect("b"),
            );
            cin = width;
        }
        m
    }

    #[test]
    fn torchvision_timm_and_named_layouts_load() -> Result<()> {
        let d = Device::Cpu;
        let x = crate::nn::rng::uniform_tensor(1, &[1, 3, 32, 32], &d)?;
        for (blocks, variant) in [(VGG16, "VGG16"), (VGG19, "VGG19")] {
            for layout in [
                tiny(blocks, 4, |i, _| format!("features.{i}")),
                tiny(blocks, 4, |i, _| format!("model.features.{i}")),
                tiny(blocks, 4, |_, n| n.to_string()),
            ] {
                let net = from_tensors(&layout, &d)?;
                assert!(net.description.starts_with(variant), "{}", net.description);
                assert_eq!(net.layer_names(), layer_names(blocks));
                let want = vec!["conv1_1".to_string(), "conv5_1".to_string()];
                let f = net.forward(&x, &want)?;
                assert_eq!(f["conv1_1"].dims(), [1, 4, 32, 32]);
                assert_eq!(
                    f["conv5_1"].dims(),
                    [1, 4, 2, 2],
                    "four poolings before conv5_1"
                );
            }
        }
        Ok(())
    }

    #[test]
    fn wrong_files_are_refused_with_the_tensor_named() {
        let d = Device::Cpu;
        // A missing bias.
        let mut t = tiny(VGG16, 4, |i, _| format!("features.{i}"));
        t.remove("features.5.bias");
        let e = from_tensors(&t, &d).err().expect("missing").to_string();
        assert!(
            e.contains("features.5.bias") && e.contains("conv2_1"),
            "{e}"
        );
        // A wrong shape.
        let mut t = tiny(VGG16, 4, |i, _| format!("features.{i}"));
        t.insert(
            "features.2.weight".into(),
            Tensor::zeros((4, 5, 3, 3), DType::F32, &d).expect("w"),
        );
        let e = from_tensors(&t, &d).err().expect("shape").to_string();
        assert!(
            e.contains("features.2.weight") && e.contains("[4, 5, 3, 3]"),
            "{e}"
        );
        // A layer missing from the sequence.
        let mut t = tiny(VGG16, 4, |i, _| format!("features.{i}"));
        t.remove("features.7.weight");
        let e = from_tensors(&t, &d).err().expect("layout").to_string();
        assert!(e.contains("features.7.weight"), "{e}");
        // Something else altogether.
        let mut t = HashMap::new();
        t.insert(
            "fc.weight".to_string(),
            Tensor::zeros((2, 2), DType::F32, &d).expect("w"),
        );
        let e = from_tensors(&t, &d).err().expect("other").to_string();
        assert!(e.contains("no VGG convolution weights"), "{e}");
    }

    #[test]
    fn a_file_on_disk_loads_and_a_corrupt_one_is_named() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("vgg16.safetensors");
        let t = tiny(VGG16, 2, |i, _| format!("features.{i}"));
        candle_core::safetensors::save(&t, &path).expect("save");
        let net = load(&path, &Device::Cpu).expect("load");
        assert_eq!(net.layer_names().len(), 13);
        let bad = dir.path().join("broken.safetensors");
        std::fs::write(&bad, b"\x05\x00\x00\x00\x00\x00\x00\x00{oops").expect("write");
        let e = load(&bad, &Device::Cpu).err().expect("corrupt").to_string();
        assert!(e.contains("broken.safetensors"), "{e}");
    }
}
