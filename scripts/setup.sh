#!/usr/bin/env bash
# Installs what the build, the tests and the demos need on a fresh Debian 12 machine, and
# nothing that is already there. Run by `npm start` and `npm test` (pre-hooks) and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

# emscripten + nlohmann: the wasm core; cmake/g++/googletest: the native core and its tests;
# redis-server: the scale-out tests; chromium: the browser tests and benchmarks.
apt_packages=(cmake g++ make googletest libgtest-dev nlohmann-json3-dev emscripten
    redis-server chromium iproute2 util-linux)

missing=()
for package in "${apt_packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
fi
