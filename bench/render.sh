#!/usr/bin/env bash
# Render benchmark (issue 4): a 300-frame 1080p composition (bench/video/promo.tsx) rendered
# end to end by `kinema render`, against the encoder alone fed the very same frames at the same
# settings. For x264 veryfast and medium it reports:
#   - frames per CPU-second end to end and encoder-only, and their ratio (target <= 1.2). The
#     encoder-only run has a core to itself, so the ratio is taken from the end-to-end run pinned
#     to one core too; the 2-core end-to-end CPU cost is shown beside it (two busy cores run
#     slower each on shared hardware);
#   - wall-clock fps on both cores vs everything pinned to one core (`taskset -c 0`; ffmpeg is
#     a separate process, so "one render thread" alone would still use two cores)
#     (target >= 1.7x);
#   - peak RSS of kinema alone and of kinema plus its ffmpeg children (target <= 400 MB).
# and the same end-to-end figures for the built-in encoder. Usage: bench/render.sh [frames]
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-300}
target=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d /tmp/kinema-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cargo build --release -q -p kinema --bin kinema --example dump_frames
kinema="$target/release/kinema"
code=bench/video/promo.tsx

echo "dumping $frames frames of $code (1920x1080) for the encoder-only runs..." >&2
"$target/release/examples/dump_frames" "$code" "$frames" "$work/frames.yuv"

# Runs a command; prints "wall_s cpu_s kinema_peak_kb tree_peak_kb" (cpu includes children;
# kinema's peak is its own high-water mark, the tree's the most kinema and its ffmpeg children
# held at once).
measure() {
  local out="$work/time.txt" peak=0 own=0 pid sum hwm
  /usr/bin/time -f "%e %U %S %M" -o "$out" "$@" >/dev/null 2>"$work/stderr.txt" &
  local timer=$!
  while kill -0 "$timer" 2>/dev/null; do
    pid=$(pgrep -P "$timer" | head -n1 || true)
    if [ -n "$pid" ]; then
      hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
      [ -n "$hwm" ] && [ "$hwm" -gt "$own" ] && own=$hwm
      sum=$(for p in $pid $(pgrep -P "$pid" || true); do
              awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || true
            done | awk '{s+=$1} END {print s+0}')
      [ "$sum" -gt "$peak" ] && peak=$sum
    fi
    sleep 0.05
  done
  wait "$timer" || { cat "$work/stderr.txt" >&2; return 1; }
  # Without a sample of the process itself (the encoder-only run), fall back to time's figure.
  awk -v peak="$peak" -v own="$own" '{printf "%s %.2f %s %s\n", $1, $2 + $3, (own > 0 ? own : $4), peak}' "$out"
}

render() {
  measure "$kinema" render "$code" DynamicComp "$work/out.mp4" --duration "$frames" "$@"
}

render_one_core() {
  measure taskset -c 0 "$kinema" render "$code" DynamicComp "$work/out.mp4" \
    --duration "$frames" --concurrency 1 "$@"
}

printf '| encoder | preset | end-to-end fps/CPU-s (1 core) | end-to-end fps/CPU-s (2 cores) | encoder-only fps/CPU-s | cost ratio | wall fps 2 cores | wall fps 1 core | scaling | peak RSS kinema | peak RSS incl. ffmpeg |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
for preset in veryfast medium; do
  read -r enc_wall enc_cpu _ _ < <(measure ffmpeg -hide_banner -loglevel error -y \
    -f rawvideo -pix_fmt yuv420p -s 1920x1080 -r 30 -i "$work/frames.yuv" \
    -c:v libx264 -preset "$preset" -crf 18 -pix_fmt yuv420p \
    -colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv \
    -threads 1 -f mpegts "$work/encoder-only.ts")
  read -r wall2 cpu2 rss2 tree2 < <(render --x264-preset "$preset" --concurrency 2)
  read -r wall1 cpu1 _ _ < <(render_one_core --x264-preset "$preset")
  awk -v f="$frames" -v p="$preset" -v ec="$enc_cpu" -v c1="$cpu1" -v c2="$cpu2" -v w2="$wall2" \
      -v w1="$wall1" -v r="$rss2" -v t="$tree2" 'BEGIN {
    printf "| x264 (ffmpeg) | %s | %.1f | %.1f | %.1f | %.2fx | %.1f | %.1f | %.2fx | %.0f MB | %.0f MB |\n",
      p, f / c1, f / c2, f / ec, c1 / ec, f / w2, f / w1, w1 / w2, r / 1024, t / 1024 }'
done
read -r wall2 cpu2 rss2 tree2 < <(render --encoder builtin --concurrency 2)
read -r wall1 cpu1 _ _ < <(render_one_core --encoder builtin)
awk -v f="$frames" -v c1="$cpu1" -v c2="$cpu2" -v w2="$wall2" -v w1="$wall1" -v r="$rss2" \
    -v t="$tree2" 'BEGIN {
  printf "| openh264 (built-in) | - | %.1f | %.1f | - | - | %.1f | %.1f | %.2fx | %.0f MB | %.0f MB |\n",
    f / c1, f / c2, f / w2, f / w1, w1 / w2, r / 1024, t / 1024 }'
