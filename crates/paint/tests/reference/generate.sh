#!/usr/bin/env bash
# Renders the reference images for the paint stage's reference-image tests with headless
# Chromium, from the same element trees Kinema paints.
#
#   crates/paint/tests/reference/generate.sh [case-name …]
#
# Needs Debian's `chromium` and the fonts scripts/setup installs. Every case in cases.json is a
# code file in cases/ painted at 480x270; its tree is printed as a standalone HTML page by
# `kinema tree --html` and screenshotted into expected/<name>.png.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
width=480
height=270
command -v chromium >/dev/null || { echo "chromium is not installed (apt-get install chromium)" >&2; exit 1; }
cargo build --quiet --manifest-path "$root/Cargo.toml" -p kinema
kinema="${CARGO_TARGET_DIR:-$root/target}/debug/kinema"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$here/expected"
mapfile -t names < <(python3 -c 'import json,sys; [print(c["name"], c["frame"]) for c in json.load(open(sys.argv[1]))]' "$here/cases.json")
for entry in "${names[@]}"; do
  name="${entry% *}"
  frame="${entry#* }"
  if [ $# -gt 0 ] && [[ ! " $* " == *" $name "* ]]; then continue; fi
  html="$work/$name.html"
  "$kinema" tree "$here/cases/$name.tsx" DynamicComp --code --width "$width" --height "$height" \
    --frame "$frame" --html > "$html.raw"
  # staticFile() paths and relative paths both mean the public/ folder.
  sed -e "s#\"/static/#\"file://$here/public/#g" \
      -e "s#<head>#<head><base href=\"file://$here/public/\">#" "$html.raw" > "$html"
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --hide-scrollbars --force-device-scale-factor=1 \
    --screenshot="$here/expected/$name.png" --window-size="$width,$height" "file://$html" \
    >/dev/null 2>&1
  echo "expected/$name.png"
done
