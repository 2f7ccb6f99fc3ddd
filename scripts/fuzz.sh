#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang with ASan + UBSan) and runs each for a set time
# with seed corpora made from the repository's examples, broken inputs, pack test cases and packs.
# Crashes land in OUT/crashes/<target>/; the corpus grows in OUT/corpus/<target>/ and is reused by
# the next run. docs/hardening.md ("Fuzzing") explains the targets and what was found.
#
#   scripts/fuzz.sh                      every target, 120 s each
#   scripts/fuzz.sh -t 600 toml json     only fuzz_toml_submission and fuzz_json_submission
#   scripts/fuzz.sh --no-build -t 30     reuse the build
#
# Options: -t SECONDS per target (also FUZZ_SECONDS), -b BUILD_DIR (default build-fuzz),
# -o OUT_DIR (default BUILD_DIR/fuzz-out), --no-build, --keep-going (do not stop at the first
# crash). Extra libFuzzer flags: FUZZ_ARGS. Targets: toml json manifest eval (or their full
# names). Exit status 1 when anything crashed, 3 when the build or its sanity check failed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${FUZZ_SECONDS:-120}
build="build-fuzz"
out=""
do_build=1
keep_going=0
targets=()
while (($#)); do
  case "$1" in
    -t) seconds=$2; shift 2 ;;
    -b) build=$2; shift 2 ;;
    -o) out=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --keep-going) keep_going=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    toml|json|manifest|eval) targets+=("$1"); shift ;;
    fuzz_toml_submission) targets+=(toml); shift ;;
    fuzz_json_submission) targets+=(json); shift ;;
    fuzz_pack_manifest) targets+=(manifest); shift ;;
    fuzz_rule_eval) targets+=(eval); shift ;;
    *) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 3 ;;
  esac
done
((${#targets[@]})) || targets=(toml json manifest eval)
[ -n "$out" ] || out=$build/fuzz-out

if ((do_build)); then
  command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ missing; run scripts/setup.sh" >&2; exit 3; }
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DMEETLAT_FUZZ=ON \
    -DMEETLAT_BUILD_TESTS=OFF -DMEETLAT_BUILD_BENCH=OFF >/dev/null
  cmake --build "$build"  # the targets, meetlat and the plugins the built-in packs call
fi
# The instrumented build must behave like the normal one (clang 14 has miscompiled it before,
# docs/hardening.md): the built-in packs' own test cases must pass with it.
if ! "$build/meetlat" test --color never rules/* >"$build/fuzz-pack-tests.log" 2>&1; then
  tail -3 "$build/fuzz-pack-tests.log" >&2
  echo "fuzz.sh: the fuzz build fails the packs' tests (see $build/fuzz-pack-tests.log)" >&2
  exit 3
fi

# Seed corpora, regenerated from the repository on every run (they are small).
seeds=$out/seeds
rm -rf "$seeds"
mkdir -p "$seeds"/{toml,json,manifest,eval}
copy_numbered() {  # copy_numbered DEST FILE... : flat names, so equal base names do not clash
  local dest=$1 n=0
  shift
  for f in "$@"; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    cp "$f" "$dest/$(printf '%03d' $n)-$(basename "$f")"
  done
}
shopt -s nullglob
toml_inputs=(examples/*/*.toml tests/e2e/inputs/broken/*.toml rules/*/tests/*.toml
             tests/fuzz/seeds/toml/*)
copy_numbered "$seeds/toml" "${toml_inputs[@]}"
copy_numbered "$seeds/eval" examples/*/*.toml rules/*/tests/*.toml tests/fuzz/seeds/toml/*
copy_numbered "$seeds/json" tests/e2e/inputs/broken/*.json tests/fuzz/seeds/json/*
for f in examples/*/*.toml; do  # the JSON twins of the examples
  python3 scripts/toml2json.py "$f" "$seeds/json/twin-$(basename "$(dirname "$f")")-$(basename "${f%.toml}").json"
done
for pack in rules/*/ tests/e2e/packs/*/; do  # pack.toml, and pack.toml NUL params.toml
  name=$(basename "$pack")
  [ -f "$pack/pack.toml" ] || continue
  cp "$pack/pack.toml" "$seeds/manifest/$name-pack.toml"
  if [ -f "$pack/params.toml" ]; then
    { cat "$pack/pack.toml"; printf '\0'; cat "$pack/params.toml"; } >"$seeds/manifest/$name-both.bin"
  fi
done
copy_numbered "$seeds/manifest" tests/fuzz/seeds/manifest/*

declare -A binary=([toml]=fuzz_toml_submission [json]=fuzz_json_submission
                   [manifest]=fuzz_pack_manifest [eval]=fuzz_rule_eval)
declare -A dict=([toml]=tests/fuzz/dict/toml.dict [json]=tests/fuzz/dict/json.dict
                 [manifest]=tests/fuzz/dict/toml.dict [eval]=tests/fuzz/dict/toml.dict)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
summary=()
crashed=0
for t in "${targets[@]}"; do
  bin=${binary[$t]}
  corpus=$out/corpus/$bin
  crashes=$out/crashes/$bin
  log=$out/logs/$bin.log
  mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
  marker=$out/logs/.$bin.started
  touch "$marker"
  echo "== $bin: ${seconds}s (log: $log)"
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  # -timeout: one input may take at most 30 s (a rule's instruction budget trips well before).
  # --keep-going: fork mode, which records a crash and carries on until the time is up.
  extra=()
  ((keep_going)) && extra=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
  "$build/fuzz/$bin" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 \
    -print_final_stats=1 -dict="$root/${dict[$t]}" -artifact_prefix="$crashes/" \
    "${extra[@]}" ${FUZZ_ARGS:-} "$corpus" "$seeds/$t" >"$log" 2>&1 || true
  final_stat() { grep -m1 "^stat::$1:" "$log" | awk '{print $2}' || true; }
  runs=$(final_stat number_of_executed_units)
  eps=$(final_stat average_exec_per_sec)
  cov=$( (grep -oE 'cov: [0-9]+' "$log" || true) | tail -1 | awk '{print $2}')
  if [ -z "$runs" ]; then  # fork mode: progress lines "#RUNS: cov: ... time: Ns"
    last=$(grep -E '^#[0-9]+:' "$log" | tail -1 || true)
    runs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
    took=$(sed -nE 's/.* time: ([0-9]+)s.*/\1/p' <<<"$last")
    [ -n "$runs" ] && [ "${took:-0}" -gt 0 ] && eps=$((runs / took))
    [ -n "$cov" ] && cov="$cov*"  # fork mode counts coverage differently
  fi
  new=$(find "$crashes" -type f -newer "$marker" | wc -l)
  ((new == 0)) || crashed=1
  summary+=("$(printf '%-22s %s  %5ss  %9s runs  %6s exec/s  cov %6s  corpus %5s  new crashes %s' \
    "$bin" "$started" "$seconds" "${runs:-?}" "${eps:-?}" "${cov:-?}" \
    "$(find "$corpus" -type f | wc -l)" "$new")")
  if ((new)); then
    grep -E '^==[0-9]+==ERROR|^SUMMARY|invariant violated' "$log" | head -5 || true
    find "$crashes" -type f -newer "$marker" | head -5
  fi
done

echo
echo "== fuzz summary (clang $(clang++ -dumpversion), $(nproc) cores)"
printf '%s\n' "${summary[@]}"
echo "crashes: $out/crashes/<target>/  (reproduce: $build/fuzz/<target> FILE)"
((keep_going)) && echo "(* --keep-going: coverage as fork mode counts it, not comparable)"
exit $crashed
