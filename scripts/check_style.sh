#!/usr/bin/env bash
# Style gates that need no build: clang-format clean, the Lua boundary, the plugin boundary.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(find core tests bench plugins \( -name '*.cpp' -o -name '*.h' -o -name '*.c' \) \
          -not -name 'unicode_tables.inc' 2>/dev/null | sort)
if ! clang-format --dry-run --Werror $files; then
  echo "check_style: run clang-format -i on the files above" >&2
  exit 1
fi
echo "check_style: clang-format ok"
scripts/check_boundaries.sh
