#!/usr/bin/env bash
# Runs bench/sfu/run.js inside a private network namespace (as scripts/e2e.sh runs the browser
# tests): a loopback and one port-less bridge, iso0, as the default route; Janus gathers its
# ICE candidates on iso0. Arguments go to run.js. Needs dist/RTCMultiConnection.js
# (npm run build:web) and Debian's janus (scripts/setup.sh).
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$self")/../.."

if [ "${RTCMC_BENCH_NAMESPACE:-}" = "inside" ]; then
    ip link set lo up
    ip link add iso0 type bridge
    ip addr add 198.18.0.1/32 dev iso0
    ip link set iso0 up
    ip route add default dev iso0
    exec node bench/sfu/run.js "$@"
fi

[ -f dist/RTCMultiConnection.js ] || {
    echo "bench/sfu: dist/RTCMultiConnection.js is missing: run scripts/build-web.sh first" >&2
    exit 1
}
if [ "$(id -u)" -eq 0 ]; then
    unshare_args=(-n)
else
    unshare_args=(-r -n)
fi
export RTCMC_BENCH_NAMESPACE=inside
exec unshare "${unshare_args[@]}" bash "$self" "$@"
