#!/usr/bin/env bash
# `npm run test:e2e`: the browser suites (jest.e2e.config.js), run inside a private network
# namespace so that no packet can leave the machine whatever a page asks for (a STUN server,
# a CDN). The namespace has a loopback and one port-less bridge as the default route:
# Chromium gathers no ICE candidate on `lo` alone, and on the bridge it gathers a host
# candidate that two pages of one machine can connect through (../shared/TOOLCHAIN.md).
# Arguments go to Jest (e.g. a test path, or -t 'name'). Exits with Jest's status.
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$self")/.."

jest=(node --experimental-vm-modules --disable-warning=ExperimentalWarning
    node_modules/jest/bin/jest.js -c jest.e2e.config.js --ci)

if [ "${RTCMC_E2E_NAMESPACE:-}" = "inside" ]; then
    ip link set lo up
    ip link add iso0 type bridge
    ip addr add 198.18.0.1/32 dev iso0
    ip link set iso0 up
    ip route add default dev iso0
    exec "${jest[@]}" "$@"
fi

for tool in unshare ip; do
    command -v "$tool" >/dev/null || {
        echo "e2e: '$tool' is missing (scripts/setup.sh installs util-linux and iproute2)" >&2
        exit 1
    }
done
[ -x /usr/bin/chromium ] || {
    echo "e2e: /usr/bin/chromium is missing (scripts/setup.sh installs it)" >&2
    exit 1
}

# A user's own project with the packed tarball (tests/e2e/user-project/): made here, where the
# npm registry is reachable, with the caller's npm cache (empty in .ci/run); the suites inside
# the namespace only read it. RTCMC_USER_PROJECT=<folder> reuses one made earlier.
made_project=""
if [ -z "${RTCMC_USER_PROJECT:-}" ]; then
    RTCMC_USER_PROJECT=$(node tests/e2e/user-project/prepare.mjs)
    made_project=$RTCMC_USER_PROJECT
fi
export RTCMC_USER_PROJECT

# As root a plain network namespace; otherwise inside a user namespace that maps us to root.
if [ "$(id -u)" -eq 0 ]; then
    unshare_args=(-n)
else
    unshare_args=(-r -n)
fi
status=0
RTCMC_E2E_NAMESPACE=inside unshare "${unshare_args[@]}" bash "$self" "$@" || status=$?
[ -z "$made_project" ] || rm -rf "$made_project"
exit "$status"
