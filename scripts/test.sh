#!/usr/bin/env bash
# README command 2: the whole test suite, exactly what CI runs (.ci/run calls this script).
#
#  1. style gates: clang-format, the Lua/plugin boundaries
#  2. a release build with warnings as errors, clang-tidy on the engine, and every test on that
#     build: it is what users run (jemalloc, and the parse arena that sanitizer builds leave out)
#  3. a debug build with AddressSanitizer + UndefinedBehaviorSanitizer running every test:
#     unit tests, end-to-end cases with golden reports, the packs' own test cases
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

scripts/setup.sh

echo "== style"
scripts/check_style.sh

echo "== release build (-Werror)"
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DMEETLAT_WERROR=ON >/dev/null
cmake --build build-release -j "$jobs"

echo "== clang-tidy"
scripts/run_clang_tidy.sh build-release

echo "== tests (release build)"
ctest --test-dir build-release --output-on-failure -j "$jobs"

echo "== sanitizer build (ASan + UBSan)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMEETLAT_WERROR=ON \
      -DMEETLAT_SANITIZE=ON -DMEETLAT_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j "$jobs"

echo "== tests (sanitizer build)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-asan --output-on-failure -j "$jobs"
echo "== all tests passed"
