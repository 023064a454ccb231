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
    # coturn: the TURN server the relay tests start on a free port (tests/e2e/support/coturn.js);
    # janus: the SFU the SFU tests start with a generated config (tests/support/janus.js).
    # clang-14/libclang-rt-14-dev: the fuzzers (clang with libFuzzer and the sanitizer runtimes,
    # which clang-14 only recommends).
    apt_packages+=(g++ googletest libgtest-dev redis-server chromium iproute2 util-linux coturn
        janus clang-14 libclang-rt-14-dev)
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
    # Debian enables coturn as a system service listening on every address (port 3478) with
    # its default configuration. The tests start their own; a machine that only runs them
    # should not be a TURN server as well.
    if [[ " ${missing[*]} " == *" coturn "* ]] && [ -d /run/systemd/system ]; then
        $sudo systemctl disable --now coturn.service >/dev/null 2>&1 || true
    fi
    # Janus too (its sample configuration: HTTP on 8088 and WebSockets on 8188, every address).
    if [[ " ${missing[*]} " == *" janus "* ]] && [ -d /run/systemd/system ]; then
        $sudo systemctl disable --now janus.service >/dev/null 2>&1 || true
    fi
fi

# npm ci when node_modules is missing or older than the lockfile. A node_modules that is a
# symbolic link (a git worktree sharing another checkout's) is left alone: npm ci follows the
# link and empties the shared folder, under the feet of every checkout that uses it.
if [ -L node_modules ]; then
    shared=$(readlink -f node_modules)
    if ! cmp -s package-lock.json "$(dirname "$shared")/package-lock.json"; then
        echo "setup: node_modules links to $shared, installed from another package-lock.json;" \
            "run npm ci there, or replace the link with a folder of this checkout's own" >&2
    fi
elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
fi
