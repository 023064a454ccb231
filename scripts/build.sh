#!/usr/bin/env bash
# Builds the core natively and to wasm. Usage: scripts/build.sh [native|asan|wasm|all]
# Emscripten's JS optimizer needs Debian's acorn (../shared/TOOLCHAIN.md).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
jobs=$(nproc 2>/dev/null || echo 2)
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
# emcc --closure 1 runs the Closure Compiler pinned in package.json (../shared/TOOLCHAIN.md).
export EM_CLOSURE_COMPILER=${EM_CLOSURE_COMPILER:-$PWD/node_modules/.bin/google-closure-compiler}

build_native() {
    cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build/native -j"$jobs"
}
build_asan() {
    cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DRTCMC_SANITIZE=ON >/dev/null
    cmake --build build/asan -j"$jobs" --target core_tests
}
build_wasm() {
    emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build/wasm -j"$jobs"
}

case "$what" in
native) build_native ;;
asan) build_asan ;;
wasm) build_wasm ;;
all)
    build_native
    build_wasm
    ;;
*)
    echo "usage: $0 [native|asan|wasm|all]" >&2
    exit 2
    ;;
esac
