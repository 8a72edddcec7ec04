#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600), one after the other.
#
#   fuzz/run.sh [seconds] [target...]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). Works on stable Rust through
# RUSTC_BOOTSTRAP=1 (cargo-fuzz passes nightly-only -Z flags to rustc).
# Seeds from fuzz/seeds/<target>/ are copied into the runtime corpus
# fuzz/corpus/<target>/ first; crashes land in fuzz/artifacts/<target>/ and each
# run's log in fuzz/logs/<target>.log. Exits non-zero if any target failed.
#
# Environment: SANITIZER (default address; `none` is enough for safe Rust and
# builds faster), KEEP_GOING=1 (fork mode: record crashes, timeouts and OOMs
# in fuzz/artifacts/ and keep fuzzing instead of stopping at the first one).
set -u
cd "$(dirname "$0")"
SECONDS_EACH="${1:-600}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(dockerfile_parse dockerfile_expand shell_analyze api_json docker_run compose_load compose_interpolate)
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
SANITIZER="${SANITIZER:-address}"
keep=()
[ "${KEEP_GOING:-0}" = 1 ] && keep=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
mkdir -p logs

# Debug assertions stay on (cargo fuzz's default without -O): Span::new asserts
# start <= end, and overflow checks catch offset arithmetic bugs.
cargo fuzz build -s "$SANITIZER" || exit 1

failed=()
for t in "${TARGETS[@]}"; do
    case "$t" in
        dockerfile_parse)  extra=(-dict=dockerfile.dict -max_len=4096) ;;
        dockerfile_expand) extra=(-dict=dockerfile.dict -max_len=1024) ;;
        # tree-sitter keeps allocations across calls, so libFuzzer's malloc/free
        # count heuristic would run a full LSan leak check after almost every
        # input (5x slower; 223k runs with it on found no leak).
        shell_analyze)     extra=(-dict=shell.dict -max_len=4096 -detect_leaks=0) ;;
        docker_run)        extra=(-dict=shell.dict -max_len=4096 -detect_leaks=0) ;;
        api_json)          extra=(-max_len=8192) ;;
        compose_load)      extra=(-max_len=8192) ;;
        compose_interpolate) extra=(-max_len=1024) ;;
        *) echo "unknown target $t" >&2; exit 2 ;;
    esac
    mkdir -p "corpus/$t"
    cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
    echo "== $t: ${SECONDS_EACH}s (log: fuzz/logs/$t.log)"
    before=$(ls "artifacts/$t" 2>/dev/null | grep -cv '^slow-unit-')
    if cargo fuzz run -s "$SANITIZER" "$t" "corpus/$t" -- \
        -max_total_time="$SECONDS_EACH" -timeout=5 -report_slow_units=1 \
        -print_final_stats=1 "${extra[@]}" "${keep[@]}" \
        >"logs/$t.log" 2>&1; then
        grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|cov: ' "logs/$t.log" | tail -3
    else
        echo "!! $t failed: see fuzz/logs/$t.log and fuzz/artifacts/$t/"
        grep -E 'panicked at|ERROR: libFuzzer|Test unit written' "logs/$t.log" | head -5
        failed+=("$t")
    fi
    after=$(ls "artifacts/$t" 2>/dev/null | grep -cv '^slow-unit-')
    if [ "$after" -gt "$before" ]; then
        echo "!! $t: $((after - before)) new crash/timeout/oom artifact(s) in fuzz/artifacts/$t/"
        [[ " ${failed[*]} " == *" $t "* ]] || failed+=("$t")
    fi
    # Units slower than 1 s are saved as slow-unit-*: re-run them alone
    # (`cargo fuzz run $t fuzz/artifacts/$t/slow-unit-...`), a loaded machine
    # makes fast inputs look slow.
    grep -E 'Slowest unit' "logs/$t.log" | tail -1
done
[ ${#failed[@]} -eq 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
