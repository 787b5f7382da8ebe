#!/usr/bin/env bash
# A soak: the 2-D GAN training in the window (under Xvfb when no display is set) and
# DCGAN training headless, side by side for MINUTES (default 60), each one's resident
# memory (VmRSS) sampled every minute. A leak shows as a line that keeps rising after
# warm-up; prints the two columns and the growth from minute 5 to the end.
#   scripts/soak.sh [minutes, default 60] [out.csv, default soak.csv]
set -euo pipefail
cd "$(dirname "$0")/.."
mins=${1:-60}
csv=${2:-soak.csv}
bin=$PWD/target/release/latent-studio
[ -x "$bin" ] || cargo build --release
tmp=$(mktemp -d)
secs=$((mins * 60 + 30))
budget=(--set schedule.steps=100000000 --set "schedule.seconds=$secs")
(cd "$tmp" && exec "$bin" train dcgan_glyphs "${budget[@]}" --out "$tmp/dcgan" > "$tmp/dcgan.log" 2>&1) &
window=("$bin" window --no-restore --autostart "${budget[@]}" --quit-after "$secs" --size 1024x700)
if [ -z "${DISPLAY:-}" ]; then
    window=(xvfb-run -a -s "-screen 0 1024x700x24" "${window[@]}")
fi
(mkdir -p "$tmp/w" && cd "$tmp/w" && exec "${window[@]}" > "$tmp/window.log" 2>&1) &
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$1/status" 2>/dev/null || echo; }
sleep 20
pw=$(pgrep -f "^$bin window --no-restore --autostart" | head -1)
pd=$(pgrep -f "^$bin train dcgan_glyphs" | head -1)
echo "minute,window_rss_mb,dcgan_rss_mb" > "$csv"
for m in $(seq 0 "$mins"); do
    echo "$m,$(rss "$pw"),$(rss "$pd")" | tee -a "$csv"
    [ "$m" -lt "$mins" ] && sleep 60
done
kill "$pw" "$pd" 2>/dev/null || true
wait || true
python3 - "$csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["window_rss_mb"] and r["dcgan_rss_mb"]]
for col in ("window_rss_mb", "dcgan_rss_mb"):
    after = [int(r[col]) for r in rows if int(r["minute"]) >= 5]
    if len(after) >= 2:
        print(f"{col}: minute 5 {after[0]} MB, last {after[-1]} MB, max {max(after)} MB, growth {after[-1] - after[0]:+d} MB over {len(after) - 1} minutes")
PY
rm -rf "$tmp"
