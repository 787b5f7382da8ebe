#!/usr/bin/env bash
# Runs every fuzz target for SECS seconds (default 600), PARALLEL at a time (default
# 2), each seeded by fuzz/seed.sh. Bounds: a second per input (-timeout), 1 GiB for
# one allocation (-malloc_limit_mb), 2 GiB resident (-rss_limit_mb). Prints each
# target's last status line; a crash leaves its input in fuzz/artifacts/TARGET/.
# Needs a nightly toolchain and cargo-fuzz (cargo install cargo-fuzz).
#   fuzz/run.sh [secs] [targets…]
set -uo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(idx picture text checkpoint vgg spec metrics)
[ -d corpus ] || ./seed.sh
cargo +nightly fuzz build -s none || exit 1
mkdir -p logs
running=0
for t in "${targets[@]}"; do
    cargo +nightly fuzz run -s none "$t" -- -max_total_time="$secs" -timeout=1 \
        -malloc_limit_mb=1024 -rss_limit_mb=2048 -print_final_stats=1 > "logs/$t.log" 2>&1 &
    running=$((running + 1))
    if [ "$running" -ge "${PARALLEL:-2}" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait
for t in "${targets[@]}"; do
    status=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "logs/$t.log" | tail -1)
    crash=$(grep -lE 'panicked|ERROR: libFuzzer|SUMMARY' "logs/$t.log" > /dev/null && echo " FAILED (see fuzz/logs/$t.log)")
    echo "$t: $status$crash"
done
