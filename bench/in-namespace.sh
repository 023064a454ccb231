#!/usr/bin/env bash
# Runs a benchmark's Node script inside a private network namespace (as scripts/e2e.sh runs the
# browser tests): a loopback and one port-less bridge, iso0 (198.18.0.1), as the default
# route, so the pages connect over it and no packet can leave the machine.
#   bash bench/in-namespace.sh bench/<name>/run.js [arguments for it]
# Needs dist/RTCMultiConnection.js (npm run build:web).
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$self")/.."
script="$1"
shift

if [ "${RTCMC_BENCH_NAMESPACE:-}" = "inside" ]; then
    ip link set lo up
    ip link add iso0 type bridge
    ip addr add 198.18.0.1/32 dev iso0
    ip link set iso0 up
    ip route add default dev iso0
    exec node "$script" "$@"
fi

[ -f dist/RTCMultiConnection.js ] || {
    echo "$script: dist/RTCMultiConnection.js is missing: run scripts/build-web.sh first" >&2
    exit 1
}
if [ "$(id -u)" -eq 0 ]; then
    unshare_args=(-n)
else
    unshare_args=(-r -n)
fi
export RTCMC_BENCH_NAMESPACE=inside
exec unshare "${unshare_args[@]}" bash "$self" "$script" "$@"
