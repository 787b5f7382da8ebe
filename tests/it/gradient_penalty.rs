//! WGAN-GP's penalty gradient (a second-order gradient) against finite differences,
//! on a tiny convolutional critic in f64.

use candle_core::{Device, Tensor, Var};
use latent_studio::nn::gradient_penalty::{gradient_penalty, second_order_enabled};

struct TinyCritic {
    conv_w: Var, // [2, 1, 3, 3]
    conv_b: Var, // [2]
    fc_w: Var,   // [1, 8]
}

impl TinyCritic {
    fn new(dev: &Device) -> Self {
        let v = |n: usize, shape: &[usize], k: f64| {
            let data: Vec<f64> = (0..n).map(|i| ((i as f64 * 0.7 + k).sin()) * 0.5).collect();
            Var::from_tensor(&Tensor::from_vec(data, shape, dev).expect("t")).expect("var")
        };
        Self {
            conv_w: v(18, &[2, 1, 3, 3], 0.3),
            conv_b: v(2, &[2], 1.1),
            fc_w: v(8, &[1, 8], 2.0),
        }
    }

    fn forward(&self, x: &Tensor) -> latent_studio::Result<Tensor> {
        let h = x.conv2d(self.conv_w.as_tensor(), 1, 2, 1, 1)?; // [b, 2, 2, 2]
        let h = h.broadcast_add(&self.conv_b.as_tensor().reshape((1, 2, 1, 1))?)?;
        let h = candle_nn::ops::leaky_relu(&h, 0.2)?.tanh()?; // smooth enough for differences
        Ok(h.flatten_from(1)?.matmul(&self.fc_w.as_tensor().t()?)?) // [b, 1]
    }
}

#[test]
fn penalty_gradient_matches_finite_differences() {
    assert!(
        second_order_enabled(),
        "cargo sets CANDLE_GRAD_DO_NOT_DETACH (see .cargo/config.toml)"
    );
    let dev = Device::Cpu;
    let critic = TinyCritic::new(&dev);
    let real = Tensor::from_vec(
        (0..32).map(|i| (i as f64 * 0.37).cos()).collect::<Vec<_>>(),
        (2, 1, 4, 4),
        &dev,
    )
    .expect("real");
    let fake = Tensor::from_vec(
        (0..32).map(|i| (i as f64 * 0.11).sin()).collect::<Vec<_>>(),
        (2, 1, 4, 4),
        &dev,
    )
    .expect("fake");
    let eps = Tensor::new(&[0.3f64, 0.8], &dev)
        .expect("eps")
        .reshape((2, 1, 1, 1))
        .expect("eps");
    let penalty = |c: &TinyCritic| -> f64 {
        gradient_penalty(|x| c.forward(x), &real, &fake, &eps)
            .expect("penalty")
            .to_scalar::<f64>()
            .expect("scalar")
    };
    let p = gradient_penalty(|x| critic.forward(x), &real, &fake, &eps).expect("penalty");
    let grads = p.backward().expect("backward");
    let mut checked = 0;
    for var in [&critic.conv_w, &critic.conv_b, &critic.fc_w] {
        let analytic: Vec<f64> = grads
            .get(var.as_tensor())
            .expect("grad")
            .flatten_all()
            .expect("f")
            .to_vec1()
            .expect("v");
        let base: Vec<f64> = var
            .as_tensor()
            .flatten_all()
            .expect("f")
            .to_vec1()
            .expect("v");
        let shape = var.as_tensor().dims().to_vec();
        for i in 0..base.len() {
            let h = 1e-5;
            let at = |delta: f64| {
                let mut v = base.clone();
                v[i] += delta;
                var.set(&Tensor::from_vec(v, shape.as_slice(), &dev).expect("t"))
                    .expect("set");
                let out = penalty(&critic);
                var.set(&Tensor::from_vec(base.clone(), shape.as_slice(), &dev).expect("t"))
                    .expect("set");
                out
            };
            let numeric = (at(h) - at(-h)) / (2.0 * h);
            let tol = 1e-6 + 1e-4 * numeric.abs();
            assert!(
                (analytic[i] - numeric).abs() < tol,
                "param {i} of {shape:?}: analytic {} vs numeric {numeric}",
                analytic[i]
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 18 + 2 + 8);
}
