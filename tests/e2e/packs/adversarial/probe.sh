#!/bin/bash
# Runs each adversarial rule alone (a pack with A-00, the rule and OK-01) under `timeout`, with
# the default limits, and prints per rule: wall time, exit status, outcomes and the A-rule's
# message. The before/after table in docs/hardening.md ("Holes found and fixed") comes from it.
#
#   tests/e2e/packs/adversarial/probe.sh MEETLAT [TIMEOUT_SECONDS] [RULE_FILE_GLOB]
#   tests/e2e/packs/adversarial/probe.sh build-hard/meetlat 30 'a1*'
set -uo pipefail
meetlat=$(realpath "$1")
limit=${2:-30}
glob=${3:-a[0-9]*}
cd "$(dirname "$0")/../../../.."
pack=tests/e2e/packs/adversarial
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in $pack/rules/$glob.lua; do
  name=$(basename "$f" .lua)
  [ "$name" = a00_ok ] && continue
  dir=$work/$name
  mkdir -p "$dir/rules"
  cp $pack/pack.toml "$dir/"
  cp $pack/rules/a00_ok.lua $pack/rules/z_ok.lua "$f" "$dir/rules/"
  start=$(date +%s.%N)
  timeout "$limit" "$meetlat" check --format json-compact --pack "$dir" \
    tests/e2e/inputs/initiatief.toml > "$dir/out.json" 2>/dev/null
  status=$?
  end=$(date +%s.%N)
  summary=$(python3 - "$dir/out.json" <<'PY'
import json, sys
try:
    rules = json.load(open(sys.argv[1]))["submissions"][0]["rules"]
except Exception:
    print("no report (killed by timeout?)")
    sys.exit()
bad = [r for r in rules if r["id"] not in ("A-00", "OK-01")][0]
print(" ".join(f"{r['id']}={r['outcome']}" for r in rules), "|", bad["message"][:120])
PY
)
  printf "%-20s %6.2f s  exit %-3s %s\n" "$name" "$(echo "$end - $start" | bc)" "$status" "$summary"
done
