#!/usr/bin/env bash
# Training speed in the window against headless, same preset, same seconds of
# training (the run's own clock, data generation left out), one after the other:
#   [ROUNDS=3] scripts/window_speed.sh [preset, default dcgan_glyphs] [seconds, default 60] [WxH]
# The window runs under Xvfb when no display is set (apt-get install xvfb), showing
# its Training tab. Prints both speeds and their ratio for each round (a round runs
# the two back to back, so a slow spell of the machine moves its ratio less), then the
# median ratio; FRAME_STATS=1 also repaints
# the window continuously and prints its frame-time percentiles.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-dcgan_glyphs}
secs=${2:-60}
size=${3:-1400x900}
bin=$PWD/target/release/latent-studio
[ -x "$bin" ] || cargo build --release
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
budget=(--set schedule.steps=10000000 --set "schedule.seconds=$secs")
# steps/s from the last row of a run's metrics.csv: (step - 0) / elapsed_s.
speed() {
    python3 - "$1" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
last = rows[-1]
print(f"{int(last['step']) / float(last['elapsed_s']):.3f} {last['step']} {last['elapsed_s']}")
PY
}
ratios=()
for round in $(seq "${ROUNDS:-3}"); do
    mkdir -p "$tmp/$round"
    "$bin" train "$preset" "${budget[@]}" --out "$tmp/$round/headless" > "$tmp/$round/headless.log"
    read -r h hsteps hsecs < <(speed "$tmp/$round/headless/metrics.csv")
    echo "headless: $hsteps steps in $hsecs s: $h steps/s"
    extra=()
    [ -n "${FRAME_STATS:-}" ] && extra+=(--frame-stats)
    # WINDOW_ARGS: more options for the window (e.g. "--nice 18").
    [ -n "${WINDOW_ARGS:-}" ] && read -r -a more <<< "$WINDOW_ARGS" && extra+=("${more[@]}")
    window=("$bin" window --preset "$preset" "${budget[@]}" --autostart --quit-when-done --no-restore --view training --size "$size" "${extra[@]}")
    if [ -z "${DISPLAY:-}" ]; then
        w=${size%x*}; hgt=${size#*x}
        window=(xvfb-run -a -s "-screen 0 ${w}x${hgt}x24" "${window[@]}")
    fi
    (mkdir -p "$tmp/$round/w" && cd "$tmp/$round/w" && "${window[@]}") | tee "$tmp/$round/window.log" | grep -v '^$' || true
    run=$(ls -d "$tmp/$round"/w/runs/*/ | head -1)
    read -r wv wsteps wsecs < <(speed "$run/metrics.csv")
    echo "window:   $wsteps steps in $wsecs s: $wv steps/s"
    ratio=$(python3 -c "print(f'{$wv / $h:.3f}')")
    echo "round $round: window/headless ratio $ratio ($preset, $secs s, $size)"
    ratios+=("$ratio")
done
python3 -c "import statistics, sys; print(f'$preset median window/headless ratio {statistics.median(map(float, sys.argv[1:])):.2f} over ${#ratios[@]} rounds')" "${ratios[@]}"
