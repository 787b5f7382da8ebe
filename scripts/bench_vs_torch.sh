#!/usr/bin/env bash
# Runs each benchmark model and its PyTorch twin (../shared/bench/) back to back, several
# rounds, and prints the ratio of steps per second, so the comparison holds on a noisy
# machine. Needs PyTorch for the twins: python3 -m venv .venv-torch &&
# .venv-torch/bin/pip install torch numpy, then TORCH_PYTHON=.venv-torch/bin/python3.
#   scripts/bench_vs_torch.sh [models, default "dcgan vae char-lstm"] 
set -euo pipefail
cd "$(dirname "$0")/.."
py=${TORCH_PYTHON:-python3}
threads=${THREADS:-2}
rounds=${ROUNDS:-2}
"$py" -c "import torch" 2>/dev/null || { echo "no PyTorch for $py: see the comment at the top" >&2; exit 1; }
cargo build --release
declare -A twin=([dcgan]=torch_dcgan.py [vae]=torch_vae.py [char-lstm]=torch_charlstm.py)
for model in ${1:-dcgan vae char-lstm}; do
    ratios=()
    for round in $(seq "$rounds"); do
        ours=$(target/release/latent-studio bench "$model" --threads "$threads" | tail -1 | cut -d= -f2)
        theirs=$("$py" "../shared/bench/${twin[$model]}" --threads "$threads" | tail -1 | cut -d= -f2)
        ratio=$(python3 -c "print(f'{$ours / $theirs:.2f}')")
        ratios+=("$ratio")
        echo "$model round $round: ours ${ours} steps/s, PyTorch ${theirs} steps/s, ratio ${ratio}"
    done
    # The median of the rounds' ratios: each round's pair ran back to back, so a
    # slow spell of the machine moves a round's ratio less than its speeds.
    python3 -c "import statistics, sys; print(f'$model median ratio {statistics.median(map(float, sys.argv[1:])):.2f} over $rounds rounds')" "${ratios[@]}"
done
