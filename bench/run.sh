#!/usr/bin/env bash
# Reproduces the numbers in bench/README.md: builds a release binary, generates the corpora and
# runs the in-process benchmark, the command-line timings and the 100 000-submission memory run.
# Usage: bench/run.sh [--quick]   (--quick: 10 000 instead of 100 000 for the memory run)
set -euo pipefail
cd "$(dirname "$0")/.."
big=100000
[ "${1:-}" = "--quick" ] && big=10000
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DMEETLAT_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench
corpus=${MEETLAT_BENCH_DIR:-/tmp/meetlat-bench}
mkdir -p "$corpus"
if [ ! -d "$corpus/mixed" ]; then
  python3 bench/gen_submissions.py --out "$corpus/mixed" --count 2000 --format both --seed 2018
fi
if [ ! -d "$corpus/json-$big" ]; then
  python3 bench/gen_submissions.py --out "$corpus/json-$big" --count "$big" --format json --seed 7
fi
mkdir -p "$corpus/toml" "$corpus/json"
cp -u "$corpus"/mixed/*.toml "$corpus/toml/"
cp -u "$corpus"/mixed/*.json "$corpus/json/"

echo "== in-process, one thread"
./build-bench/meetlat_bench --dir "$corpus/mixed" --format toml --repeat 5
./build-bench/meetlat_bench --dir "$corpus/mixed" --format json --repeat 5
echo "== meetlat check, --jobs 1 and 2"
python3 bench/measure_cli.py build-bench/meetlat "$corpus/toml" --repeat 3
python3 bench/measure_cli.py build-bench/meetlat "$corpus/json" --repeat 5
# 2 000 JSON files take 0.3 s with one job, so process start and pack loading weigh on the
# speed-up; 20 000 show what a long batch gets.
if [ ! -d "$corpus/json-20000" ]; then
  python3 bench/gen_submissions.py --out "$corpus/json-20000" --count 20000 --format json --seed 11
fi
python3 bench/measure_cli.py build-bench/meetlat "$corpus/json-20000" --repeat 3
echo "== memory: $big submissions, --jobs 2"
/usr/bin/env time -f "wall %e s, peak RSS %M KiB" \
  ./build-bench/meetlat check --format json-compact --jobs 2 "$corpus/json-$big" > /dev/null || true
