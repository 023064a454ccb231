#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks, and nothing that is already there.
#   scripts/setup.sh start   what `npm start` needs: the wasm toolchain (the demos load dist/)
#   scripts/setup.sh [test]  everything `npm test` needs as well (default; .ci/run)
# Run by `npm start` and `npm test` (their pre-hooks) and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-test}

# emscripten + nlohmann + cmake: the wasm core (emcmake), which is all `npm start` builds;
# zopfli: the smaller DEFLATE of the core embedded in the bundles (scripts/embed-wasm.mjs).
apt_packages=(cmake make nlohmann-json3-dev emscripten zopfli)
case "$what" in
start) ;;
test)
    # g++/googletest: the native core and its tests; redis-server: the scale-out tests;
    # chromium: the browser tests and benchmarks; iproute2/util-linux: their private network;
    # clang-14/libclang-rt-14-dev: the fuzzers (clang with libFuzzer and the sanitizer runtimes,
    # which clang-14 only recommends).
    apt_packages+=(g++ googletest libgtest-dev redis-server chromium iproute2 util-linux clang-14
        libclang-rt-14-dev)
    ;;
*)
    echo "usage: $0 [start|test]" >&2
    exit 2
    ;;
esac

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
