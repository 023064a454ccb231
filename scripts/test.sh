#!/usr/bin/env bash
# `npm test`: builds what is stale and runs every suite. Usage: scripts/test.sh [suite...]
# Suites: native (GoogleTest), asan (the same under ASan/UBSan), wasm (the same GoogleTest
# compiled to wasm, run by Node), fuzz (the libFuzzer targets and the model-based fuzzer,
# bounded: scripts/fuzz.sh ci), js (Jest: the embind module in Node, the signaling server),
# e2e (Jest + Chromium: the library in real pages against the real server, in a private
# network namespace).
set -euo pipefail
cd "$(dirname "$0")/.."
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(native asan fuzz wasm js e2e)
jest=(node --experimental-vm-modules node_modules/jest/bin/jest.js)

for suite in "${suites[@]}"; do
    echo "=== test suite: $suite"
    case "$suite" in
    native)
        bash scripts/build.sh native
        (cd build/native && ctest --output-on-failure -j2)
        ;;
    asan)
        bash scripts/build.sh asan
        ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 build/asan/tests/core/core_tests --gtest_brief=1
        ;;
    fuzz)
        # A failing seed or crashing input prints its minimal reproduction (tests/fuzz/README.md).
        bash scripts/fuzz.sh ci
        ;;
    wasm)
        bash scripts/build.sh wasm
        node build/wasm/tests/core/core_tests.js --gtest_brief=1
        ;;
    js)
        # Incremental: a no-op when the wasm suite just built it, a rebuild when a source changed.
        bash scripts/build.sh wasm
        "${jest[@]}" --ci tests/js
        ;;
    e2e)
        bash scripts/build-if-needed.sh
        bash scripts/e2e.sh --ci
        ;;
    *)
        echo "unknown suite: $suite" >&2
        exit 2
        ;;
    esac
done
