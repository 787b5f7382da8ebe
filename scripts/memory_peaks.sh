#!/usr/bin/env bash
# The memory estimate a run prints at its start against its measured peak (the
# process's maximum resident set, GNU time), for every preset (a few steps each) and
# for the two large picture optimisations:
#   scripts/memory_peaks.sh [steps, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-20}
bin=$PWD/target/release/latent-studio
[ -x "$bin" ] || cargo build --release
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
row() { # name, then the command
    local name=$1
    shift
    /usr/bin/time -f "%M" -o "$tmp/rss" "$@" > "$tmp/out" 2>&1 || { echo "| $name | failed: $(tail -1 "$tmp/out") |"; return; }
    local est
    est=$(grep -o "memory: about [0-9.]* [MG]B" "$tmp/out" | head -1 | sed 's/memory: about //')
    local kb
    kb=$(tail -1 "$tmp/rss")
    python3 - "$name" "$est" "$kb" <<'PY'
import sys
name, est, kb = sys.argv[1], sys.argv[2], int(sys.argv[3])
n, unit = est.split()
e = float(n) * (1e9 if unit == "GB" else 1e6)
peak = kb * 1024
print(f"| {name} | {e/1e6:,.0f} MB | {peak/1e6:,.0f} MB | {peak/e:.2f} |")
PY
}
echo "| run | estimate | measured peak | peak ÷ estimate |"
echo "|---|---|---|---|"
for preset in $("$bin" presets | awk '{print $1}' | grep -v -e style_transfer -e deep_dream); do
    row "$preset" "$bin" train "$preset" --steps "$steps" --out "$tmp/$preset"
done
row "stylize --size 1500 (2 iterations)" "$bin" train style_transfer --steps 2 --set pictures.size=1500 --out "$tmp/st"
row "dream --size 2048 (4 iterations: one per octave)" "$bin" train deep_dream --steps 4 --set size=2048 --out "$tmp/dd"
