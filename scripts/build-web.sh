#!/usr/bin/env bash
# `npm run build:web`: the browser builds of the library.
#   dist/RTCMultiConnection.js   one <script> file (IIFE from web/global.js), minified, + .map
#   dist/rtcmulticonnection.mjs  the ES module build (web/index.js), minified, + .map
#   dist/rtcmulticonnection.cjs  the same for require(), + .map
# All embed the wasm core (the rtcmc_core_web target of bindings/CMakeLists.txt), deflated and
# base64-encoded, so a page needs no .wasm request and no locateFile. The signaling client is
# ours (web/signaling/socketio-client.js); socket.io-client is not bundled.
# esbuild bundles, then the Closure Compiler minifies (scripts/closure-bundle.mjs):
# CLOSURE_LEVEL=ADVANCED|SIMPLE chooses the level of the script-tag bundle (see below).
# web/loader.js imports the core as the bare specifier 'rtcmc-core-module', mapped here.
set -euo pipefail
cd "$(dirname "$0")/.."
# scripts/build-if-needed.sh compares sources with build/web.stamp. The stamp is taken before
# the build starts, so a source saved during the build makes the next check rebuild.
mkdir -p build
started=$(mktemp build/web.stamp.XXXXXX)
trap 'rm -f "$started"' EXIT
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

# 0. The core's sentences for the JS side (web/generated/core-texts.js from src/common/texts.def).
node scripts/generate-texts.mjs

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

# 2. The bundles: esbuild resolves the imports into one unminified IIFE each (with its map)
# in build/web-bundles/, and Closure minifies it into dist/ with a map back to web/.
# esbuild resolves an alias that is a relative path against the working directory (the
# repository root here).
esbuild=node_modules/.bin/esbuild
staging=build/web-bundles
common=(
    --bundle
    --platform=browser
    --target=es2020
    --format=iife
    --sourcemap
    --alias:rtcmc-core-module=./$core
    --alias:rtcmc-core-wasm=./$wasm_module
    --log-level=warning
)
mkdir -p dist "$staging"
# The script tag: ADVANCED by default (every property name kept, see closure-bundle.mjs).
script_level=${CLOSURE_LEVEL:-ADVANCED}
"$esbuild" web/global.js "${common[@]}" --outfile=$staging/RTCMultiConnection.js
node scripts/closure-bundle.mjs "$script_level" $staging/RTCMultiConnection.js dist/RTCMultiConnection.js

# The module builds: an IIFE that leaves its exports in one top-level variable, which a
# footer turns into ES exports or module.exports. SIMPLE keeps top-level names as they are;
# ADVANCED would drop that variable as unused.
exported='RTCMultiConnection, RTCDirection, RTCSession, RTCMultiConnectionError, DetectRTC'
"$esbuild" web/index.js "${common[@]}" --global-name=rtcmcExports --outfile=$staging/rtcmulticonnection.js
node scripts/closure-bundle.mjs SIMPLE $staging/rtcmulticonnection.js dist/rtcmulticonnection.mjs \
    --footer "export const { $exported } = rtcmcExports;"
node scripts/closure-bundle.mjs SIMPLE $staging/rtcmulticonnection.js dist/rtcmulticonnection.cjs \
    --footer "module.exports = rtcmcExports;"

for output in dist/RTCMultiConnection.js dist/rtcmulticonnection.mjs dist/rtcmulticonnection.cjs; do
    printf 'build-web: %s (%s bytes, %s gzipped)\n' "$output" \
        "$(wc -c <"$output")" "$(gzip -9c "$output" | wc -c)"
done
mv "$started" build/web.stamp
