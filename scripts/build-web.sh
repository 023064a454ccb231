#!/usr/bin/env bash
# `npm run build:web`: the browser builds of the library.
#   dist/RTCMultiConnection.js   one <script> file (IIFE from web/global.js), minified, + .map
#   dist/rtcmulticonnection.mjs  the ES module build (web/index.js), minified, + .map
# All embed the wasm core (the rtcmc_core_web target of bindings/CMakeLists.txt), deflated and
# base64-encoded, so a page needs no .wasm request and no locateFile; socket.io-client is
# bundled in.
# web/loader.js imports the core as the bare specifier 'rtcmc-core-module', mapped here.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
# emcc's JS optimizer needs Debian's acorn (../shared/TOOLCHAIN.md).
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
export EM_CLOSURE_COMPILER=${EM_CLOSURE_COMPILER:-$PWD/node_modules/.bin/google-closure-compiler}

for entry in web/global.js web/index.js; do
    if [ ! -f "$entry" ]; then
        echo "build-web: $entry does not exist: the facade (web/) is needed to build the bundles" >&2
        exit 1
    fi
done

# 1. The core for pages, and its wasm as an importable module (deflated, base64).
# (Re)configuring is cheap and makes a target added to bindings/CMakeLists.txt known.
emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/wasm -j"$jobs" --target rtcmc_core_web
core=build/wasm/bindings/rtcmc_core_web.js
wasm_module=build/wasm/bindings/rtcmc_core_wasm_data.js
[ -f "$core" ] || {
    echo "build-web: $core was not produced" >&2
    exit 1
}
node scripts/embed-wasm.mjs build/wasm/bindings/rtcmc_core_web.wasm "$wasm_module"

# 2. The bundles. esbuild resolves an alias that is a relative path against the working
# directory (the repository root here).
esbuild=node_modules/.bin/esbuild
common=(
    --bundle
    --platform=browser
    --target=es2020
    --minify
    --sourcemap
    --alias:rtcmc-core-module=./$core
    --alias:rtcmc-core-wasm=./$wasm_module
    --log-level=warning
)
mkdir -p dist
"$esbuild" web/global.js "${common[@]}" --format=iife --outfile=dist/RTCMultiConnection.js
"$esbuild" web/index.js "${common[@]}" --format=esm --outfile=dist/rtcmulticonnection.mjs
"$esbuild" web/index.js "${common[@]}" --format=cjs --outfile=dist/rtcmulticonnection.cjs

for output in dist/RTCMultiConnection.js dist/rtcmulticonnection.mjs dist/rtcmulticonnection.cjs; do
    printf 'build-web: %s (%s bytes, %s gzipped)\n' "$output" \
        "$(wc -c <"$output")" "$(gzip -9c "$output" | wc -c)"
done
