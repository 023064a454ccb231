#!/usr/bin/env bash
# `npm start` needs the script-tag library the demos load (dist/RTCMultiConnection.js). Build it
# when it is missing or older than any source it is made from.
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=dist/RTCMultiConnection.js
if [ -f "$bundle" ] && [ -z "$(find src bindings web CMakeLists.txt -newer "$bundle" -type f -print -quit)" ]; then
    exit 0
fi
echo "building the library (first start, or sources changed)..."
bash scripts/build.sh wasm
bash scripts/build-web.sh
