#!/usr/bin/env bash
# HTTP API load test (issue 6): starts a release `kinema serve` on loopback with a fresh
# bucket folder, then runs bench/serve-load.mjs (20 concurrent renders, progress polled at
# 500 requests per second) and stops the server by PID. Bounded: the renders must finish
# within 5 minutes. Usage: bench/serve.sh [renders] [polls-per-second]
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p kinema --bin kinema
work=$(mktemp -d /tmp/kinema-serve-bench.XXXXXX)
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
KINEMA_STORAGE="$work/buckets" "$target/release/kinema" serve --port 0 --json >"$work/server.json" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 60); do [ -s "$work/server.json" ] && break; sleep 0.5; done
[ -s "$work/server.json" ] || { cat "$work/server.log" >&2; exit 1; }
url=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).url)' "$work/server.json")
timeout 600 node bench/serve-load.mjs "$url" "$work/buckets" "${1:-20}" "${2:-500}"
echo "peak server RSS: $(grep VmHWM /proc/$server_pid/status | awk '{print $2/1024 " MiB"}')"
