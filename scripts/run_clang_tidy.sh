#!/usr/bin/env bash
# clang-tidy on the engine sources, with the compile commands of a build folder.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-release}
files=$(find core/src plugins -name '*.cpp' -o -name '*.c' | sort)
jobs=$(nproc 2>/dev/null || echo 2)
printf '%s\n' $files | xargs -P "$jobs" -n 4 clang-tidy -p "$build" --quiet 2>/dev/null
echo "clang-tidy: ok"
