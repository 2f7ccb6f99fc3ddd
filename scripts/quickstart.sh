#!/usr/bin/env bash
# README command 1: install what is needed, build, and check the bundled examples.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DMEETLAT_BUILD_TESTS=OFF >/dev/null
cmake --build build
echo
echo "== meetlat check examples/ijsselland/plan-van-aanpak.toml"
status=0
./build/meetlat check examples/ijsselland/plan-van-aanpak.toml || status=$?
echo
echo "(exit status $status: 0 voldoet, 1 voldoet niet, 2 onbeslist/ongeldig, 3 gebruiksfout)"
echo "Alle voorbeelden: ./build/meetlat check examples/"
echo "De webpagina voor kwartiermakers: ./build/meetlat serve, open dan http://127.0.0.1:8080/"
