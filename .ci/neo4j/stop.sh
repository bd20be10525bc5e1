#!/usr/bin/env bash
# Stop the Neo4j started by start.sh: SIGTERM (clean shutdown via the
# launcher's shutdown hook), wait, then SIGKILL. Safe when nothing runs.
#
#   usage: stop.sh <workdir>
#
# Env: NEO4J_STOP_TIMEOUT seconds to wait after SIGTERM (default 60).
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 <workdir>" >&2
    exit 2
fi
pidfile=$1/neo4j.pid
timeout_s=${NEO4J_STOP_TIMEOUT:-60}

if [[ ! -f $pidfile ]]; then
    echo "stop.sh: not running (no $pidfile)"
    exit 0
fi
pid=$(cat "$pidfile")

# A zombie still passes `kill -0`, so look at the process state too.
alive() {
    [[ -r /proc/$pid/status ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}

# Only signal the PID if it is still our launcher, not a recycled PID.
if [[ $pid =~ ^[0-9]+$ ]] && alive && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kb\.Neo4jServer'; then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + timeout_s))
    while alive && ((SECONDS < deadline)); do
        sleep 0.5
    done
    if alive; then
        echo "stop.sh: pid $pid still alive after ${timeout_s}s, sending SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 20); do
            alive || break
            sleep 0.5
        done
    fi
    if alive; then
        echo "stop.sh: pid $pid would not die" >&2
        exit 1
    fi
    echo "stop.sh: stopped (pid $pid)"
else
    echo "stop.sh: not running (stale pid $pid)"
fi
rm -f "$pidfile"
