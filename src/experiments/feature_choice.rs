//! The feature networks of a style transfer or a dream: building the one a spec
//! names (the built-in random filters, VGG weights from a file, or a trained
//! discriminator from a run folder), and switching a spec between them, each with
//! the layers usually chosen for it.

use std::path::PathBuf;

use candle_core::Device;

use super::ExperimentSpec;
use crate::Result;
use crate::data::pictures::PictureSource;
use crate::features::{FeatureNet, FeatureSource, built_in, vgg};

/// Builds (or reads) the network `source` names, on `device`.
pub fn load(source: &FeatureSource, device: &Device) -> Result<FeatureNet> {
    match source {
        FeatureSource::BuiltIn { seed } => built_in::network(*seed, device),
        FeatureSource::Vgg { path } => vgg::load(path, device),
        FeatureSource::Run { folder } => super::image_gan::feature_net::load(folder, device),
    }
}

/// Loads the network `source` names and describes it, with its layer names (for a
/// front end checking a file the user chose, off its UI thread).
pub fn describe(source: &FeatureSource) -> Result<(String, Vec<String>)> {
    let net = load(source, &Device::Cpu)?;
    let names = net.layer_names();
    Ok((
        format!(
            "{}: {} layers, {} … {}",
            net.description,
            names.len(),
            names.first().cloned().unwrap_or_default(),
            names.last().cloned().unwrap_or_default()
        ),
        names,
    ))
}

/// Puts `network` into a style transfer (content layer `content`, style layers
/// `style`, each weighted 1) or a dream (amplifying all of layer `dream`).
fn set_network(
    spec: &mut ExperimentSpec,
    network: FeatureSource,
    content: &str,
    style: &[String],
    dream: &str,
) {
    match spec {
        ExperimentSpec::StyleTransfer(s) => {
            s.network = network;
            s.layers.content = content.into();
            s.layers.style = style.to_vec();
            s.layers.style_weights = vec![1.0; style.len()];
        }
        ExperimentSpec::FastStyle(s) => {
            s.network = network;
            s.layers.content = content.into();
            s.layers.style = style.to_vec();
            s.layers.style_weights = vec![1.0; style.len()];
        }
        ExperimentSpec::DeepDream(d) => {
            d.network = network;
            d.dream.layer = dream.into();
            d.dream.channels.clear();
        }
        _ => {}
    }
}

/// Switches a style transfer or a dream to VGG weights from `path`, with the layers
/// usually chosen for VGG (content `conv4_2`, style `conv1_1` … `conv5_1`).
pub fn use_vgg(spec: &mut ExperimentSpec, path: PathBuf) {
    let style = ["conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1"].map(String::from);
    set_network(
        spec,
        FeatureSource::Vgg { path },
        "conv4_2",
        &style,
        "conv4_2",
    );
}

/// Switches a style transfer or a dream to `network`, whose layers are `layers`
/// (shallowest first): content and dream on the deepest, style on all of them.
pub fn use_network(spec: &mut ExperimentSpec, network: FeatureSource, layers: &[String]) {
    let Some(deepest) = layers.last() else {
        return;
    };
    if let ExperimentSpec::DeepDream(d) = spec
        && matches!(network, FeatureSource::Run { .. })
        && !matches!(d.picture, PictureSource::File(_))
    {
        // A trained discriminator knows digits: dream on one, near its scale.
        d.picture = PictureSource::Digit(3);
        d.size = 56;
        d.dream.step_size = 0.05;
        d.dream.octaves = 2;
    }
    set_network(spec, network, deepest, layers, deepest);
}

/// Switches a style transfer or a dream back to the built-in network and the
/// layers its presets use.
pub fn use_built_in(spec: &mut ExperimentSpec) -> Result<()> {
    let st = super::style_transfer::entry::ARCHITECTURE.default_spec()?;
    let dd = super::deep_dream::ARCHITECTURE.default_spec()?;
    let (ExperimentSpec::StyleTransfer(st), ExperimentSpec::DeepDream(dd)) = (st, dd) else {
        return Err(crate::StudioError::Spec(
            "the built-in style transfer and dream presets name other architectures".into(),
        ));
    };
    set_network(
        spec,
        st.network.clone(),
        &st.layers.content,
        &st.layers.style,
        &dd.dream.layer,
    );
    Ok(())
}
