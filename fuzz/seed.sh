#!/usr/bin/env bash
# Seeds each fuzz target's corpus with valid files the studio writes or reads: a
# short run folder (checkpoint, config.toml, metrics.csv, a sample PNG), a preset,
# the README as text, IDX files (raw and gzipped) and a JPEG.
#   fuzz/seed.sh            (needs target/release/latent-studio, python3)
set -euo pipefail
cd "$(dirname "$0")"
bin=../target/release/latent-studio
[ -x "$bin" ] || (cd .. && cargo build --release)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" train gan2d_ring --steps 5 --out "$tmp/run" > /dev/null
for t in idx picture text checkpoint vgg spec metrics; do mkdir -p "corpus/$t"; done
cp "$tmp/run/checkpoint.safetensors" corpus/checkpoint/run.safetensors
cp "$tmp/run/checkpoint.safetensors" corpus/vgg/run.safetensors
cp "$tmp/run/config.toml" corpus/spec/config.toml
cp ../presets/*.toml corpus/spec/
cp "$tmp/run/metrics.csv" corpus/metrics/metrics.csv
cp "$(ls "$tmp"/run/samples/*.png | head -1)" corpus/picture/sample.png
cp ../assets/icon.png corpus/picture/icon.png
head -c 4000 ../README.md > corpus/text/readme.txt
python3 - <<'PY'
import gzip, struct
raw = bytes([0, 0, 8, 3]) + struct.pack(">III", 3, 6, 5) + bytes(range(90))
open("corpus/idx/images.idx", "wb").write(raw)
open("corpus/idx/images.idx.gz", "wb").write(gzip.compress(raw))
open("corpus/idx/labels.idx", "wb").write(bytes([0, 0, 8, 1]) + struct.pack(">I", 3) + bytes([1, 7, 3]))
PY
if command -v convert > /dev/null; then convert corpus/picture/icon.png -resize 24x24 corpus/picture/icon.jpg 2>/dev/null || true; fi
echo "seeded fuzz/corpus/*"
