#!/usr/bin/env bash
# Time to /health of `kb serve --demo` (what `make run` runs after installing): first start on an
# empty data directory (migrations, seed, serve), then a restart on the same directory (the
# seed's inputs unchanged, so it is skipped). Issue 12's targets: seed <= 15 s, restart <= 5 s.
#   bash bench/startup.sh [PORT]      (from the repository, after `make install`)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-8765}"
DATA="$(mktemp -d "${TMPDIR:-/tmp}/kb-startup.XXXXXX")"
trap 'rm -rf "$DATA"' EXIT

to_health() {  # prints seconds from start to the first 200 of /health, then stops the server
  local start end
  start=$(date +%s.%N)
  KB_DATA_DIR="$DATA" .venv/bin/kb serve --demo --port "$PORT" > "$DATA/serve-$1.log" 2>&1 &
  local pid=$!
  until curl -fs "http://127.0.0.1:$PORT/health" > /dev/null 2>&1; do
    if ! kill -0 "$pid" 2> /dev/null; then
      echo "kb serve stopped; see its log:" >&2
      cat "$DATA/serve-$1.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  end=$(date +%s.%N)
  kill -INT "$pid"
  wait "$pid" || true
  python3 -c "print(round($end - $start, 1))"
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD)"
first=$(to_health first)
echo "first start (migrations, seed, serve) -> /health: ${first} s"
again=$(to_health restart)
echo "restart (seed skipped) -> /health: ${again} s"
