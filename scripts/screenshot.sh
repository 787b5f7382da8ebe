#!/usr/bin/env bash
# Makes docs/screenshot.png: the real window under Xvfb, training the default preset.
# Needs: xvfb (Debian/Ubuntu: apt-get install xvfb) and the run-time packages in the README.
#   scripts/screenshot.sh [seconds of training before the picture, default 45]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-45}
cargo build  # the dev profile: dependencies are optimised, and it shares the test build
out=$(mktemp -d)
(cd "$out" && xvfb-run -a -s "-screen 0 1400x900x24" "$OLDPWD/target/debug/latent-studio" window \
    --autostart --screenshot "$OLDPWD/docs/screenshot.png" --screenshot-after "$secs" --quit-after "$((secs + 1))")
rm -rf "$out"
echo "wrote docs/screenshot.png"
