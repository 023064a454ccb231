#!/usr/bin/env bash
# `npm start` needs the script-tag library the demos load (dist/RTCMultiConnection.js). Build it
# when it is missing or older than any source it is made from.
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=dist/RTCMultiConnection.js
if [ -f "$bundle" ] && [ -z "$(find src bindings web CMakeLists.txt -newer "$bundle" -type f -print -quit)" ]; then
    exit 0
fi
# Progress goes to stderr: `npm pack --json` (prepack) keeps a clean stdout.
echo "building the library (first start, or sources changed)..." >&2
bash scripts/build.sh wasm >&2
bash scripts/build-web.sh >&2
