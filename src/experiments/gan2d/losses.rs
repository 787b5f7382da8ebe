//! The 2-D GAN's losses, by the discriminator's raw output `l` (a logit for the
//! original GAN): the original one (cross-entropy on σ(l)), least squares (LSGAN,
//! Mao et al. 2017, targets 1 for real and 0 for generated) and the hinge loss (Lim
//! and Ye 2017; Miyato et al. 2018). Per-sample terms, so the view can ask where each
//! generated point is pushed; their means are the losses.

use candle_core::Tensor;
use serde::{Deserialize, Serialize};

use crate::nn::loss::softplus;
use crate::Result;
use crate::experiments::GeneratorLoss;

/// Which game G and D play.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GanLoss2d {
    /// The original GAN: D classifies with cross-entropy; G's loss as chosen.
    #[default]
    Gan,
    /// Least squares: D regresses to 1 for real, 0 for generated; G pulls its points
    /// to 1. Penalises points far on the right side too, so gradients stay alive.
    Lsgan,
    /// Hinge: D wants real outputs ≥ 1 and generated ≤ −1; G raises D's output.
    Hinge,
    /// The Wasserstein critic with gradient penalty (Gulrajani et al. 2017): D
    /// scores real high and generated low, kept near 1-Lipschitz by a penalty on its
    /// gradient's norm; G raises its score. The penalty is added by the caller.
    WganGp,
}

impl GanLoss2d {
    /// Every loss, in the order the UI lists them.
    pub const ALL: [GanLoss2d; 4] = [
        GanLoss2d::Gan,
        GanLoss2d::Lsgan,
        GanLoss2d::Hinge,
        GanLoss2d::WganGp,
    ];

    /// Its name in the setup panel.
    pub fn label(self) -> &'static str {
        match self {
            GanLoss2d::Gan => "GAN (cross-entropy)",
            GanLoss2d::Lsgan => "LSGAN (least squares)",
            GanLoss2d::Hinge => "hinge",
            GanLoss2d::WganGp => "WGAN-GP (critic)",
        }
    }

    /// Whether D is a critic whose raw score is shown (not a belief in [0, 1]).
    pub fn is_critic(self) -> bool {
        self == GanLoss2d::WganGp
    }

    /// D's loss on real and generated outputs `[b, 1]` (for WGAN-GP, without the
    /// penalty).
    pub fn d_loss(self, real: &Tensor, fake: &Tensor) -> Result<Tensor> {
        Ok(match self {
            GanLoss2d::Gan => {
                (softplus(&real.neg()?)?.mean_all()? + softplus(fake)?.mean_all()?)?
            }
            GanLoss2d::Lsgan => ((((real - 1.0)?.sqr()?.mean_all()? + fake.sqr()?.mean_all()?)?)
                * 0.5)?,
            GanLoss2d::Hinge => {
                ((1.0 - real)?.relu()?.mean_all()? + (fake + 1.0)?.relu()?.mean_all()?)?
            }
            GanLoss2d::WganGp => (fake.mean_all()? - real.mean_all()?)?,
        })
    }

    /// G's loss for each generated point, from D's outputs on them `[b, 1]`
    /// (`generator` chooses the original GAN's form).
    pub fn g_terms(self, fake: &Tensor, generator: GeneratorLoss) -> Result<Tensor> {
        Ok(match (self, generator) {
            // log(1 − σ(l)) = −softplus(l); −log σ(l) = softplus(−l).
            (GanLoss2d::Gan, GeneratorLoss::Minimax) => softplus(fake)?.neg()?,
            (GanLoss2d::Gan, GeneratorLoss::NonSaturating) => softplus(&fake.neg()?)?,
            (GanLoss2d::Lsgan, _) => ((fake - 1.0)?.sqr()? * 0.5)?,
            (GanLoss2d::Hinge, _) | (GanLoss2d::WganGp, _) => fake.neg()?,
        })
    }

    /// How "real" D finds each output, in [0, 1] (the heat map and the D(x) plots):
    /// σ(l) for the GAN, l clamped for LSGAN, (l + 1) / 2 clamped for the hinge;
    /// a critic's raw score (not in [0, 1]: see [`GanLoss2d::is_critic`]).
    pub fn belief(self, out: &Tensor) -> Result<Tensor> {
        Ok(match self {
            GanLoss2d::Gan => candle_nn::ops::sigmoid(out)?,
            GanLoss2d::Lsgan => out.clamp(0f32, 1f32)?,
            GanLoss2d::Hinge => ((out + 1.0)? * 0.5)?.clamp(0f32, 1f32)?,
            GanLoss2d::WganGp => out.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use candle_core::Device;

    use super::*;

    fn t(v: &[f32]) -> Tensor {
        Tensor::from_slice(v, (v.len(), 1), &Device::Cpu).expect("tensor")
    }

    fn scalar(x: Tensor) -> f32 {
        x.to_scalar::<f32>().expect("scalar")
    }

    #[test]
    fn lsgan_and_hinge_match_hand_computations() {
        let (real, fake) = (t(&[2.0, 0.5]), t(&[0.0, -1.5]));
        // LSGAN: ½·mean((r − 1)²) + ½·mean(f²) = ½·(1 + 0.25)/2 + ½·(0 + 2.25)/2.
        let d = scalar(GanLoss2d::Lsgan.d_loss(&real, &fake).expect("d"));
        assert!((d - (0.3125 + 0.5625)).abs() < 1e-6, "{d}");
        // Hinge: mean(relu(1 − r)) + mean(relu(1 + f)) = (0 + 0.5)/2 + (1 + 0)/2.
        let d = scalar(GanLoss2d::Hinge.d_loss(&real, &fake).expect("d"));
        assert!((d - 0.75).abs() < 1e-6, "{d}");
        // G: ½(f − 1)² per point, and −f.
        let g = GanLoss2d::Lsgan
            .g_terms(&fake, GeneratorLoss::NonSaturating)
            .expect("g");
        assert_eq!(g.flatten_all().unwrap().to_vec1::<f32>().unwrap(), vec![0.5, 3.125]);
        let g = GanLoss2d::Hinge.g_terms(&fake, GeneratorLoss::Minimax).expect("g");
        assert_eq!(g.flatten_all().unwrap().to_vec1::<f32>().unwrap(), vec![0.0, 1.5]);
        // The GAN: −log σ(2) − log(1 − σ(0)) etc., averaged per side.
        let d = scalar(GanLoss2d::Gan.d_loss(&real, &fake).expect("d"));
        let sp = |x: f32| (1.0 + x.exp()).ln();
        let want = (sp(-2.0) + sp(-0.5)) / 2.0 + (sp(0.0) + sp(-1.5)) / 2.0;
        assert!((d - want).abs() < 1e-6, "{d} against {want}");
        // The critic: mean(f) − mean(r) = −0.75 − 1.25; G: −f.
        let d = scalar(GanLoss2d::WganGp.d_loss(&real, &fake).expect("d"));
        assert!((d + 2.0).abs() < 1e-6, "{d}");
    }

    #[test]
    fn the_belief_is_a_probability_like_reading_for_each_loss() {
        let out = t(&[-3.0, 0.0, 0.5, 3.0]);
        let read = |l: GanLoss2d| {
            l.belief(&out)
                .unwrap()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap()
        };
        assert_eq!(read(GanLoss2d::Lsgan), vec![0.0, 0.0, 0.5, 1.0]);
        assert_eq!(read(GanLoss2d::Hinge), vec![0.0, 0.5, 0.75, 1.0]);
        let g = read(GanLoss2d::Gan);
        assert!((g[1] - 0.5).abs() < 1e-6 && g[0] < 0.05 && g[3] > 0.95);
    }
}
