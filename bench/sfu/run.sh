#!/usr/bin/env bash
# Runs bench/sfu/run.js in a private network namespace (bench/in-namespace.sh); Janus gathers
# its ICE candidates on the namespace's bridge, iso0. Arguments go to run.js. Needs
# dist/RTCMultiConnection.js (npm run build:web) and Debian's janus (scripts/setup.sh test).
exec bash "$(dirname "$0")/../in-namespace.sh" bench/sfu/run.js "$@"
