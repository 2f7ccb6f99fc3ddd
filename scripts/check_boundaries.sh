#!/usr/bin/env bash
# The one Lua boundary (house style, point 2): only core/src/lua/ may include the Lua headers, and
# plugins may include only the C plugin header of the engine.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
offenders=$(grep -rlE '#include *[<"](lua\.h|lua\.hpp|lauxlib\.h|lualib\.h)' core plugins bench tests \
              --include='*.cpp' --include='*.h' --include='*.c' 2>/dev/null \
            | grep -v '^core/src/lua/' || true)
if [ -n "$offenders" ]; then
  echo "check_boundaries: lua.h included outside core/src/lua/:" >&2
  echo "$offenders" >&2
  status=1
fi
if [ -d plugins ]; then
  bad=$(grep -rlE '#include *"meetlat/' plugins --include='*.c' --include='*.cpp' --include='*.h' \
          | xargs -r grep -LE '#include *"meetlat/plugin\.h"' || true)
  bad=$(grep -rhoE '#include *[<"]meetlat/[a-z_]+\.h[>"]' plugins 2>/dev/null | grep -v 'meetlat/plugin.h' || true)
  if [ -n "$bad" ]; then
    echo "check_boundaries: plugins may include only meetlat/plugin.h, found: $bad" >&2
    status=1
  fi
fi
[ $status -eq 0 ] && echo "check_boundaries: ok"
exit $status
