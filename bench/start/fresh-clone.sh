#!/usr/bin/env bash
# Times what a new user waits for: a fresh clone of this repository to `npm start` listening,
# with an empty npm cache. Usage: bash bench/start/fresh-clone.sh [--without-debian-packages]
# --without-debian-packages first removes the Debian packages `npm start` installs (emscripten,
# binaryen, nlohmann-json3-dev, zopfli; as root, with apt-get clean so they download again), to
# time a machine that has none of them. It prints the seconds from the clone's start to the
# server's "Demos and signaling at" line.
set -euo pipefail
repository="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d "${TMPDIR:-/tmp}/rtcmc-fresh.XXXXXX")
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
server=""
if [ "${1:-}" = "--without-debian-packages" ]; then
    [ "$(id -u)" -eq 0 ] || { echo "removing Debian packages needs root" >&2; exit 2; }
    DEBIAN_FRONTEND=noninteractive apt-get remove -y -q emscripten binaryen nlohmann-json3-dev zopfli >/dev/null
    apt-get clean
fi
export npm_config_cache="$work/npm-cache"
export npm_config_userconfig="$work/npmrc"
: >"$npm_config_userconfig"
start=$(date +%s.%N)
git clone -q "$repository" "$work/clone"
cd "$work/clone"
PORT=0 npm start >"$work/start.log" 2>&1 &
server=$!
until grep -q "Demos and signaling at" "$work/start.log"; do
    if ! kill -0 "$server" 2>/dev/null; then
        cat "$work/start.log" >&2
        echo "npm start exited before listening" >&2
        exit 1
    fi
    sleep 0.2
done
listening=$(date +%s.%N)
printf 'fresh clone to listening: %.0f s (%s; %s cores: %s)\n' "$(awk "BEGIN {print $listening - $start}")" \
    "$([ "${1:-}" = "--without-debian-packages" ] && echo 'Debian packages installed by npm start' || echo 'Debian packages already present')" \
    "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
