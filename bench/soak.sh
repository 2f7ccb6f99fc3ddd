#!/bin/bash
# Soak benchmark (bench/README.md, "Soak"): 100 000 generated submissions, a tenth of them with a
# [vijandig] table that drives the soak pack (bench/soak/packs/soak-vijandig) into an expensive
# path next to the real packs, through `meetlat check --format json-compact --jobs 2`. Samples the
# process's RSS from /proc while it runs and checks that every submission is reported exactly once
# (bench/soak_check.py).
#
#   bench/soak.sh                          # release build in build-soak/, 100 000 submissions
#   bench/soak.sh -n 2000 -b build-asan    # a shorter run with an existing (e.g. ASan) build;
#                                          # LeakSanitizer reports leaks at exit (exit status 1)
#   bench/soak.sh --no-build -b DIR        # reuse a build
#
# Per-rule limits for the soak: 500 000 instructions and 16 MiB (defaults: 10 000 000 and
# 64 MiB), so that the 10 000 hostile evaluations take seconds, not the better part of an hour;
# every hostile path is bounded by instructions or memory, none by time.
set -euo pipefail
cd "$(dirname "$0")/.."
count=100000
build=build-soak
do_build=1
jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    -n) count=$2; shift 2 ;;
    -b) build=$2; shift 2 ;;
    -j) jobs=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    *) echo "usage: $0 [-n COUNT] [-b BUILD_DIR] [-j JOBS] [--no-build]" >&2; exit 2 ;;
  esac
done
if [ "$do_build" = 1 ] && [ ! -x "$build/meetlat" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMEETLAT_BUILD_TESTS=OFF >/dev/null
  ninja -C "$build" meetlat
fi
corpus=$build/soak-corpus-$count
if [ ! -f "$corpus/.complete" ]; then
  rm -rf "$corpus"
  python3 bench/gen_submissions.py --out "$corpus" --count "$count" --hostile-share 0.1
  touch "$corpus/.complete"
fi
hostile=$(grep -rl --include='*.toml' '^\[vijandig\]' "$corpus" | wc -l)
echo "corpus: $corpus ($count submissions, $hostile hostile)"
python3 bench/soak_check.py --corpus "$corpus" --rss-csv "$build/soak-rss-$count.csv" \
  --expect-pass SV-02 -- \
  "$build/meetlat" check --format json-compact --jobs "$jobs" --rules-path bench/soak/packs \
  --limit-instructions 500000 --limit-memory 16 "$corpus"
echo "RSS samples: $build/soak-rss-$count.csv"
