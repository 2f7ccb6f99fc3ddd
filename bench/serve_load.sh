#!/usr/bin/env bash
# Load test of `meetlat serve` on loopback with wrk (bench/README.md, "meetlat serve"): POSTs an
# example initiative to /v1/evaluate; every answer is a decision committed to the SQLite log
# before it is sent. Compares the durability settings of the log:
#   full/128   synchronous=FULL with group commit (up to 128 decisions per transaction): default
#   full/1     synchronous=FULL, one transaction (one fsync) per decision
#   normal/128 synchronous=NORMAL with group commit (safe against a crash of the process, not of
#              the machine)
# Usage: bench/serve_load.sh [MEETLAT] [SECONDS] [CONNECTIONS] [FILE]
# The log goes to a folder on disk (not /tmp, which may be a RAM disk where fsync costs nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
meetlat=${1:-build-serve/meetlat}
seconds=${2:-10}
connections=${3:-16}
file=${4:-examples/ijsselland/initiatief-voldoet.toml}
work=${MEETLAT_BENCH_SERVE_DIR:-$(pwd)/build-serve/bench-serve}
command -v wrk >/dev/null || { echo "wrk is missing: scripts/setup.sh installs it" >&2; exit 1; }
mkdir -p "$work"
threads=$((connections < 2 ? connections : 2))  # wrk needs at least one connection per thread
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT
echo "meetlat serve load: $file, $connections connections, ${seconds}s per setting, $(nproc) cores"

for setting in full/128 full/1 normal/128; do
  sync=${setting%/*}
  batch=${setting#*/}
  db="$work/log-$sync-$batch.sqlite"
  rm -f "$db" "$db-wal" "$db-shm"
  "$meetlat" serve --port 0 --db "$db" --token bench --log-sync "$sync" --log-batch "$batch" \
    --http-threads $((connections + 4)) >/dev/null 2>"$work/serve.err" &
  pid=$!
  url=""
  for _ in $(seq 100); do
    url=$(grep -o 'http://[^ ]*' "$work/serve.err" || true)
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$work/serve.err"; kill $pid; exit 1; }
  # A short warm-up: packs loaded into every worker's Lua state, the snapshot stored.
  MEETLAT_BENCH_FILE=$file wrk -t1 -c2 -d1s -s bench/serve_post.lua "${url}v1/evaluate" >/dev/null
  echo "== log-sync $sync, log-batch $batch"
  MEETLAT_BENCH_FILE=$file wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency \
    -s bench/serve_post.lua "${url}v1/evaluate" | grep -E "^meetlat:|Non-2xx|Socket errors"
  kill -TERM "$pid"
  wait "$pid"
  pid=""
  "$meetlat" verify-log --db "$db" | head -1
done
