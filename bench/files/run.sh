#!/usr/bin/env bash
# Runs bench/files/run.js in a private network namespace (bench/in-namespace.sh). Arguments
# go to run.js. Needs dist/RTCMultiConnection.js (npm run build:web).
exec bash "$(dirname "$0")/../in-namespace.sh" bench/files/run.js "$@"
