#!/usr/bin/env bash
# Render-farm benchmark (issue 5): bench/video/promo.tsx (300 frames, 1920x1080) rendered
#   1. by `kinema render` (threads on this machine, 20-frame chunks), and
#   2. through the embedded farm: `kinema lambda render` (start → launch → 15 renderer
#      invocations in worker processes → stitch → bucket), with the same chunks and preset;
# and reports wall-clock times, the farm's overhead (target <= 10 %), and how soon a renderer
# renders its first frame after its invocation, in a warm worker (target <= 50 ms) and in a
# cold one, counted from the worker process's start (target <= 250 ms).
# Usage: bench/farm.sh [runs] [x264-preset]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-2}
preset=${2:-veryfast}
target=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d /tmp/kinema-farm-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cargo build --release -q -p kinema --bin kinema
kinema="$target/release/kinema"
code=bench/video/promo.tsx
export KINEMA_STORAGE="$work/buckets"
"$kinema" sites create "$code" --site-name promo --duration 300 >/dev/null

seconds() { /usr/bin/time -f "%e" -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }; cat "$work/t"; }

local_times=() farm_times=()
for run in $(seq "$runs"); do
  local_times+=("$(seconds "$kinema" render "$code" DynamicComp "$work/local.mp4" --duration 300 \
    --x264-preset "$preset" --frames-per-chunk 20 --overwrite)")
  farm_times+=("$(seconds "$kinema" lambda render promo DynamicComp --x264-preset "$preset" \
    --frames-per-lambda 20 --overwrite --out-name "run$run.mp4")")
done
frames=$(ffprobe -v error -count_frames -select_streams v -show_entries stream=nb_read_frames \
  -of csv=p=0 "$work/buckets"/*/renders/*/run1.mp4)
[ "$frames" = 300 ] || { echo "the farm's video has $frames frames, not 300" >&2; exit 1; }

best() { printf '%s\n' "$@" | sort -n | head -n1; }
lt=$(best "${local_times[@]}"); ft=$(best "${farm_times[@]}")
echo "x264 $preset, 300 frames 1920x1080, 15 chunks of 20 frames, $runs runs each (best of):"
echo "  kinema render:        ${local_times[*]} s  -> $(awk -v t="$lt" 'BEGIN{printf "%.1f fps", 300/t}')"
echo "  kinema lambda render: ${farm_times[*]} s  -> $(awk -v t="$ft" 'BEGIN{printf "%.1f fps", 300/t}')"
awk -v l="$lt" -v f="$ft" 'BEGIN{printf "  farm overhead: %+.1f %% (target <= 10 %%)\n", (f/l-1)*100}'
log="$work/logs/farm.log"
for kind in false true; do
  label=$([ "$kind" = true ] && echo "warm" || echo "cold")
  grep -o "first-frame chunk=[0-9]* ms=[0-9.]* warm=$kind" "$log" | sed 's/.*ms=\([0-9.]*\).*/\1/' | sort -n |
    awk -v label="$label" '{v[NR]=$1} END {if (NR==0) {print "  " label ": none"; exit}
      printf "  first frame after invocation, %s workers: median %.1f ms, max %.1f ms (%d renderers)\n",
      label, v[int((NR+1)/2)], v[NR], NR}'
done
