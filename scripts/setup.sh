#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the benchmarks need.
# Idempotent: packages already present are left alone. Run as root or with sudo.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  liblua5.4-dev           # the rule language (Lua 5.4)
  libtomlplusplus-dev     # TOML submissions, pack manifests and parameters
  libfmt-dev              # formatting
  libsimdjson-dev         # JSON submissions
  libcli11-dev            # command line
  libssl-dev              # SHA-256 content hashes of rule packs (libcrypto)
  libsqlite3-dev          # decision log
  libjemalloc-dev         # allocator of the executables (faster with several workers)
  libcpp-httplib-dev      # HTTP service
  wrk                     # load generator for meetlat serve (bench/serve_load.sh)
  catch2                  # unit tests (v2)
  libbenchmark-dev        # micro benchmarks
  python3                 # golden-file and end-to-end test drivers
  time                    # peak memory in bench/run.sh
  clang-format clang-tidy # style gates in CI
  clang libclang-rt-14-dev  # libFuzzer targets (scripts/fuzz.sh, docs/hardening.md)
  chromium                # browser test of the web page (tests/browser), run headless
  fonts-dejavu-core       # a font for the browser test's screenshots (chromium only recommends one)
)
# The browser test is a node script. node and npm may already come from elsewhere (NodeSource's
# nodejs bundles npm, and Debian's npm would conflict with it): Debian's are installed only
# when a command is missing.
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "meetlat setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q || echo "meetlat setup: apt-get update failed; trying with the current package lists" >&2
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "meetlat setup: all packages present"
fi

# playwright-core for the browser test, exactly as tests/browser/package-lock.json pins it (no
# browser download: it drives the chromium package). Reinstalled when node_modules is missing or
# older than the lock file or package.json.
browser_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
installed="$browser_dir/node_modules/.package-lock.json"
if [ ! -f "$installed" ] || [ "$browser_dir/package-lock.json" -nt "$installed" ] ||
   [ "$browser_dir/package.json" -nt "$installed" ]; then
  echo "meetlat setup: npm ci --prefix tests/browser"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$browser_dir" --no-audit --no-fund ||
    echo "meetlat setup: npm ci failed; the browser test (tests/browser) cannot run" >&2
fi
