#!/usr/bin/env bash
# Makes docs/latent_lab.png: trains the VAE preset headless, then opens its run folder in
# the real window under Xvfb on the latent lab's map.
# Needs: xvfb (Debian/Ubuntu: apt-get install xvfb) and the run-time packages in the README.
#   scripts/screenshot_lab.sh [training steps, default 2500]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-2500}
cargo build  # the dev profile: dependencies are optimised, and it shares the test build
out=$(mktemp -d)
target/debug/latent-studio train vae_glyphs --steps "$steps" --out "$out/vae"
(cd "$out" && xvfb-run -a -s "-screen 0 1400x900x24" "$OLDPWD/target/debug/latent-studio" window \
    --run "$out/vae" --view lab --screenshot "$OLDPWD/docs/latent_lab.png" --screenshot-after 12 --quit-after 13)
rm -rf "$out"
echo "wrote docs/latent_lab.png"
