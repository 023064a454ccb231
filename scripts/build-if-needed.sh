#!/usr/bin/env bash
# Builds the browser library (dist/: the script tag, the ES module, the CommonJS build) when it
# is missing or older than anything it is made from, and only that: not the native, sanitizer
# or wasm test builds. Used by `npm start` (the demos load dist/), `npm pack` and the browser
# suites. build/web.stamp is written by scripts/build-web.sh after a complete build.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=build/web.stamp
inputs=(src bindings web CMakeLists.txt package-lock.json
    scripts/build-web.sh scripts/closure-bundle.mjs scripts/embed-wasm.mjs scripts/generate-texts.mjs)
outputs=(dist/RTCMultiConnection.js dist/rtcmulticonnection.mjs dist/rtcmulticonnection.cjs)
fresh=1
[ -f "$stamp" ] || fresh=0
for output in "${outputs[@]}"; do
    [ -f "$output" ] || fresh=0
done
existing_inputs=()
for input in "${inputs[@]}"; do
    [ -e "$input" ] && existing_inputs+=("$input")
done
if [ "$fresh" = 1 ] && [ -z "$(find "${existing_inputs[@]}" -newer "$stamp" -type f -print -quit)" ]; then
    exit 0
fi
# Progress goes to stderr: `npm pack --json` (prepack) keeps a clean stdout.
echo "building the library (first start, or sources changed)..." >&2
bash scripts/build-web.sh >&2
