#!/usr/bin/env bash
# Fuzzing (tests/fuzz/README.md). Builds build/fuzz (clang, libFuzzer, ASan, UBSan), writes the
# seed corpora, replays the inputs that once crashed (tests/fuzz/regressions/), runs each
# libFuzzer target, then the model-based fuzzer, and prints executions, exec/s and libFuzzer's
# coverage (cov: edges, ft: features) per target.
#
#   scripts/fuzz.sh ci     bounded: FUZZ_SECONDS (20) per target, MODEL_SEEDS (400) seeds
#   scripts/fuzz.sh long   FUZZ_RUNS (10000000) executions per target of inputs up to
#                          FUZZ_MAX_LEN (512) bytes, MODEL_SEEDS (20000),
#                          every failing seed reported (--keep-going); FUZZ_SECONDS, when
#                          set, stops each target earlier
#   scripts/fuzz.sh <mode> [target...]   only these (protocol_decode transfer_packets
#                          engine_json model)
# FUZZ_TIMEOUT (10) is the seconds one input may take: raise it for a long run that shares the
# machine (a niced target starved by other work can pass 10 s on a slow but finite input).
# MODEL_ARGS (--no-faults) are the model fuzzer's other options. In ci mode, unless MODEL_ARGS
# is set, MODEL_FAULT_SEEDS (400) more seeds run with its fault steps (links failing, tabs
# crashing, repeated reports, damaged data packets): seeds 1-1000 pass with them, later ones
# still find open issues (tests/fuzz/README.md, "Open findings").
#
# Exit status is non-zero when a target crashed or broke an invariant, or the model fuzzer
# found a failing seed. Either prints a minimal reproduction: the model fuzzer its shrunk list
# of steps, a libFuzzer target its minimized input (left in build/fuzz/crashes/<target>/).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-ci}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(protocol_decode transfer_packets engine_json model)
case "$mode" in
ci)
    limit=(-max_total_time="${FUZZ_SECONDS:-20}")
    model_seeds=${MODEL_SEEDS:-400}
    model_args=(${MODEL_ARGS---no-faults})
    [ -n "${MODEL_ARGS+set}" ] || model_fault_seeds=${MODEL_FAULT_SEEDS:-400}
    ;;
long)
    # FUZZ_MAX_LEN (512) bounds the inputs: grown to libFuzzer's 4096 bytes they ran
    # transfer_packets at a fifth of the rate (1.5k against 5-8k exec/s) and found nothing more;
    # every packet, signal and server message shape fits in far less.
    limit=(-runs="${FUZZ_RUNS:-10000000}" -max_len="${FUZZ_MAX_LEN:-512}")
    # FUZZ_SECONDS, when set, stops a target earlier (whichever limit comes first).
    [ -z "${FUZZ_SECONDS:-}" ] || limit+=(-max_total_time="$FUZZ_SECONDS")
    model_seeds=${MODEL_SEEDS:-20000}
    model_args=(${MODEL_ARGS---no-faults} --keep-going)
    ;;
*)
    echo "usage: $0 [ci|long] [target...]" >&2
    exit 2
    ;;
esac

build=${FUZZ_BUILD:-build/fuzz} # FUZZ_BUILD: another build folder, e.g. for a long run beside daily work
cxx=${FUZZ_CXX:-clang++-14}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" -DRTCMC_FUZZ=ON \
    -DRTCMC_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target fuzzers
bin=$build/tests/fuzz
rm -rf "$build/seeds"
"$bin/seed_corpus" "$build/seeds" >/dev/null

declare -A dictionary=(
    [protocol_decode]=tests/fuzz/dictionaries/signaling.dict
    [engine_json]=tests/fuzz/dictionaries/engine.dict
)
# Shrinks the newest crashing input of a target and prints it with the command that replays it.
minimize() {
    local target=$1 fuzzer=$2 crashes=$3 input minimal
    input=$(ls -t "$crashes"/crash-* "$crashes"/timeout-* "$crashes"/oom-* 2>/dev/null | head -1 ||
        true)
    [ -n "$input" ] || return 0
    minimal=$crashes/minimal-$(basename "$input")
    "$fuzzer" -minimize_crash=1 -max_total_time=60 -exact_artifact_path="$minimal" "$input" \
        >"$build/$target-minimize.log" 2>&1 || true
    [ -s "$minimal" ] || minimal=$input
    echo "--- $target: minimal reproduction ($(wc -c <"$minimal") bytes, $minimal)"
    od -An -c "$minimal" | head -40
    echo "--- replay: $fuzzer $minimal"
    "$fuzzer" "$minimal" 2>&1 | grep -E 'invariant broken|ERROR: |SUMMARY: |#[0-9]+ 0x' | head -12 ||
        true
}

# ASan's defaults record a stack trace for every allocation and keep 256 MB of freed memory in
# quarantine: with the engine's many small strings that was most of each execution (the report
# of a crash keeps its own stack; minimize and replay below run with the defaults again).
# Set ASAN_OPTIONS to override.
fuzz_asan_options=${ASAN_OPTIONS:-malloc_context_size=0:quarantine_size_mb=16}

failed=0
summary=()
for target in "${targets[@]}"; do
    if [ "$target" = model ]; then
        echo "=== model fuzzer: $model_seeds seeds ${model_args[*]}"
        if ! nice -n 10 "$bin/model_fuzzer" --seeds "$model_seeds" "${model_args[@]}" |
            tee "$build/model.log"; then
            failed=1
        fi
        summary+=("model: $(grep '^model_fuzzer:' "$build/model.log" | cut -d' ' -f2-)")
        summary+=("model: $(grep '^session state table:' "$build/model.log" | cut -d' ' -f4-)")
        if [ "${model_fault_seeds:-0}" -gt 0 ]; then
            echo "=== model fuzzer: $model_fault_seeds seeds with faults"
            if ! nice -n 10 "$bin/model_fuzzer" --seeds "$model_fault_seeds" |
                tee "$build/model-faults.log"; then
                failed=1
            fi
            summary+=("model, faults: $(grep '^model_fuzzer:' "$build/model-faults.log" | cut -d' ' -f2-)")
            summary+=("model, faults: $(grep '^session state table:' "$build/model-faults.log" | cut -d' ' -f4-)")
        fi
        continue
    fi
    fuzzer=$bin/${target}_fuzzer
    corpus=$build/corpus/$target
    crashes=$build/crashes/$target
    mkdir -p "$corpus" "$crashes"
    # Inputs that once crashed must keep passing (one run each, no fuzzing).
    regressions=(tests/fuzz/regressions/"$target"/*)
    if [ -e "${regressions[0]}" ]; then
        "$fuzzer" "${regressions[@]}" >"$build/$target-regressions.log" 2>&1 ||
            { echo "$target: a regression input fails again ($build/$target-regressions.log)"; failed=1; }
    fi
    options=("${limit[@]}" -print_final_stats=1 -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048
        -artifact_prefix="$crashes/")
    [ -n "${dictionary[$target]:-}" ] && options+=(-dict="${dictionary[$target]}")
    echo "=== $target: ${limit[*]}"
    status=0
    ASAN_OPTIONS=$fuzz_asan_options nice -n 10 "$fuzzer" "${options[@]}" "$corpus" \
        "$build/seeds/$target" >"$build/$target.log" 2>&1 ||
        status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/$target.log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$build/$target.log")
    coverage=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$build/$target.log" | tail -1)
    line="$target: ${runs:-?} executions, ${speed:-?} exec/s, ${coverage:-no coverage line}"
    if [ "$status" -ne 0 ]; then
        failed=1
        line+=", CRASHED (see $build/$target.log and $crashes/)"
        grep -E 'invariant broken|ERROR: |SUMMARY: ' "$build/$target.log" | head -5 || true
        minimize "$target" "$fuzzer" "$crashes"
    else
        line+=", no crash"
    fi
    echo "$line"
    summary+=("$line")
done

echo "=== fuzz summary ($mode)"
printf '  %s\n' "${summary[@]}"
exit "$failed"
