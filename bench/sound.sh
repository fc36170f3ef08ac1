#!/usr/bin/env bash
# Sound benchmark: what long soundtracks cost. A composition of MINUTES minutes plays a piece of
# music as long as itself (an MP3, fading in) and a two-second sound looping under it. It is
# rendered to the sound alone (`.wav`, `.mp3`) and, at 320x180 so that the pictures cost little,
# to a video with its sound track (`.mp4`, AAC). For each it reports the wall time, Kinema's own
# CPU time and its ffmpeg children's, the file's size and Kinema's peak RSS (its own high-water
# mark, from its --json report; the ffmpeg processes decoding and encoding the sound hold ~20-40
# MB each beside it).
# Usage: bench/sound.sh [MINUTES ...]   (default: 10 60)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d /tmp/kinema-bench-sound.XXXXXX)
trap 'rm -rf "$work"' EXIT
cargo build --release -q -p kinema --bin kinema
kinema="$target/release/kinema"
mkdir -p "$work/public"
ffmpeg -v error -f lavfi -i "sine=frequency=330:sample_rate=44100:duration=2" -ac 2 \
  "$work/public/loop.wav"
cat >"$work/long.tsx" <<'EOF'
import {Audio, interpolate, staticFile} from 'remotion';
export default () => (
  <>
    <Audio
      src={staticFile('music.mp3')}
      volume={(f) => interpolate(f, [0, 300], [0, 1], {extrapolateRight: 'clamp'})}
    />
    <Audio src={staticFile('loop.wav')} loop volume={0.3} />
  </>
);
EOF

printf '| minutes | output | wall s | Kinema CPU s | ffmpeg CPU s | size MB | peak RSS Kinema MB |\n'
printf '|---|---|---|---|---|---|---|\n'
for minutes in ${@:-10 60}; do
  seconds=$((minutes * 60))
  ffmpeg -v error -y -f lavfi -i "sine=frequency=220:sample_rate=44100:duration=$seconds" -ac 2 \
    -c:a libmp3lame -b:a 128k "$work/public/music.mp3"
  frames=$((seconds * 30))
  for output in sound.wav sound.mp3 video.mp4; do
    size=()
    [ "$output" = video.mp4 ] && size=(--width 320 --height 180 --x264-preset ultrafast)
    start=$(date +%s.%N)
    "$kinema" render "$work/long.tsx" DynamicComp "$work/$output" --public-dir "$work/public" \
      --fps 30 --duration "$frames" "${size[@]}" --overwrite --json >"$work/report.json"
    end=$(date +%s.%N)
    python3 - "$work/report.json" "$work/$output" "$minutes" "$output" "$start" "$end" <<'EOF'
import json, os, sys
report = json.load(open(sys.argv[1]))
wall = float(sys.argv[6]) - float(sys.argv[5])
size = os.path.getsize(sys.argv[2]) / 1e6
print(f"| {sys.argv[3]} | {sys.argv[4]} | {wall:.1f} | {report['cpuSeconds']:.1f} | "
      f"{report['encoderCpuSeconds']:.1f} | {size:.0f} | {report['peakMemoryBytes'] / 1e6:.0f} |")
EOF
  done
done
