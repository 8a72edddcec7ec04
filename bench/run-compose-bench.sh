#!/usr/bin/env bash
# Compose benchmark: hullguard vs compose-lint, side by side in one run, on the
# compose corpus (bench/gather-compose.sh). See bench/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/run-compose-bench.sh [options] [CORPUS_DIR]

Runs over every compose file under CORPUS_DIR (default /work/corpus/compose;
names compose.y(a)ml, docker-compose.y(a)ml and their .override / variant
forms), from inside CORPUS_DIR so every tool reports corpus-relative paths:

  compose-lint   `compose-lint check --format json --no-merge-overrides
                 --allow-partial-coverage FILES...`, the files batched with
                 `xargs -0 -n BATCH` (each batch prints one JSON envelope; all
                 go to one file). --no-merge-overrides: each file is linted on
                 its own, like hullguard given the file by name;
                 --allow-partial-coverage: an unresolved extends/include file is
                 a warning, not a reason to stop grading.
  hullguard      `hullguard scan --format json --fail-on none --no-source
                 -o OUT FILES...`, batched the same way (one OUT per batch);
                 every file named explicitly is scanned alone.
  hullguard-dir  `hullguard scan --format json --fail-on none --no-source -o OUT .`
                 (directory discovery: a compose file and its override in the
                 same directory are merged into one project, as `docker
                 compose` loads them, so counts differ from the file-list run).

Each is measured with `/usr/bin/time -f "%e %M %U %S"` (wall s, peak RSS kB of
the largest process, user s, system s; the wall time reported is a nanosecond
clock around the same run, as %e has only 10 ms resolution), --runs times
(default 3), tools
interleaved run by run; the best run (least wall time) is reported, with
files per second and hullguard's speed ratio to compose-lint. A tool whose
binary is missing is skipped with a note (e.g. hullguard not yet built, or
built without compose support).

Results (default /work/corpus/compose-results/, rebuilt each run):
  raw/<tool>.run<N>.{json,err,time}   raw outputs (hullguard: raw/hullguard.run<N>/batch-*.json)
  <tool>.findings.tsv    per-file findings of the last run:
                         file, rule, service, line, severity, message
  <tool>.files.tsv       per-file status: file, status, detail
                         (compose-lint: linted | skipped | error;
                          hullguard: scanned | error)
  timing.tsv             tool, run, wall_s, rss_kb, user_s, sys_s, exit, files
  summary.md             the table below
  files.list0            the NUL-separated file list (corpus-relative)
bench/compare_compose.py reads the .tsv files.

Options:
  --runs N        runs per tool (default 3; best of N reported)
  --batch N       files per process (default 10000: one process for the whole
                  corpus, each tool's best case; xargs also splits on the
                  argument-size limit)
  --tools LIST    comma-separated subset of compose-lint,hullguard,hullguard-dir
                  (default: all)
  --results DIR   output directory (default /work/corpus/compose-results)
  --absolute      give the tools absolute paths (FILES and the directory) instead
                  of corpus-relative ones; reported paths are made relative
                  again. A workaround for a tool that mishandles relative paths
  -h, --help      this help

Environment:
  HULLGUARD     hullguard binary (default ./target/release/hullguard;
                `cargo build --release -p hullguard-cli`)
  HULLGUARD_ARGS  extra arguments for both hullguard runs, split on spaces
                (e.g. "--extend-select CT034" to turn on a rule that is off by
                default)
  COMPOSE_LINT  compose-lint command (default: the real script behind
                `compose-lint` in PATH, resolving pyenv shims;
                `pip install compose-lint`)
Needs GNU time at /usr/bin/time (Debian package `time`) and python3.
EOF
}

# Everything runs inside main() so that bash has parsed the whole script
# before running it: editing this file during a run cannot break that run.
main() {
  RUNS=3
  BATCH=10000
  TOOLS=compose-lint,hullguard,hullguard-dir
  RESULTS=/work/corpus/compose-results
  CORPUS=/work/corpus/compose
  ABSOLUTE=0
  while [ $# -gt 0 ]; do
    case "$1" in
      -h|--help) usage; exit 0 ;;
      --runs) RUNS=$2; shift 2 ;;
      --batch) BATCH=$2; shift 2 ;;
      --tools) TOOLS=$2; shift 2 ;;
      --results) RESULTS=$2; shift 2 ;;
      --absolute) ABSOLUTE=1; shift ;;
      -*) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
      *) CORPUS=$1; shift ;;
    esac
  done

  die() { echo "error: $*" >&2; exit 1; }
  note() { echo "note: $*" >&2; }

  [ -x /usr/bin/time ] || die "/usr/bin/time missing: apt-get install -y time"
  [ -d "$CORPUS" ] || die "corpus directory $CORPUS missing: run bench/gather-compose.sh"
  CORPUS=$(cd "$CORPUS" && pwd)
  mkdir -p "$RESULTS"
  RESULTS=$(cd "$RESULTS" && pwd)
  case "$RESULTS/" in "$CORPUS"/*) die "--results must not be inside the corpus" ;; esac
  rm -rf "$RESULTS/raw" "$RESULTS"/*.tsv "$RESULTS/summary.md"
  mkdir -p "$RESULTS/raw"

  # ---- tools ---------------------------------------------------------------
  HULLGUARD=${HULLGUARD:-./target/release/hullguard}
  read -r -a HG_EXTRA <<<"${HULLGUARD_ARGS:-}"
  if [ -z "${COMPOSE_LINT:-}" ]; then
    COMPOSE_LINT=$(command -v compose-lint || true)
    # a pyenv shim adds start-up time per call: use the real script
    if [ -n "$COMPOSE_LINT" ] && command -v pyenv >/dev/null 2>&1 && pyenv which compose-lint >/dev/null 2>&1; then
      COMPOSE_LINT=$(pyenv which compose-lint)
    fi
  fi
  want() { case ",$TOOLS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
  ACTIVE=()
  if want compose-lint; then
    if [ -n "$COMPOSE_LINT" ] && [ -x "$COMPOSE_LINT" ]; then ACTIVE+=(compose-lint)
    else note "compose-lint not found (pip install compose-lint, or set COMPOSE_LINT=); skipped"; fi
  fi
  HG_OK=0
  if want hullguard || want hullguard-dir; then
    if [ -x "$HULLGUARD" ]; then
      HULLGUARD=$(cd "$(dirname "$HULLGUARD")" && pwd)/$(basename "$HULLGUARD")
      HG_OK=1
    else
      note "hullguard binary not found at '$HULLGUARD': build it with"
      note "  cargo build --release -p hullguard-cli   (or set HULLGUARD=/path/to/hullguard); skipped"
    fi
  fi
  if [ "$HG_OK" = 1 ]; then
    want hullguard && ACTIVE+=(hullguard)
    want hullguard-dir && ACTIVE+=(hullguard-dir)
  fi
  [ ${#ACTIVE[@]} -gt 0 ] || die "no tool to run"

  # ---- corpus file list (corpus-relative) ----------------------------------
  LIST=$RESULTS/files.list0
  (cd "$CORPUS" && find . -type f \( -iname 'compose.y*ml' -o -iname 'docker-compose.y*ml' \
      -o -iname 'compose[._-]*.y*ml' -o -iname 'docker-compose[._-]*.y*ml' \) -print0 |
    sed -z 's|^\./||' | grep -z -i -E '\.ya?ml$' | sort -z) >"$LIST"
  RUNLIST=$LIST DIRARG=.
  if [ "$ABSOLUTE" = 1 ]; then
    RUNLIST=$RESULTS/files-abs.list0 DIRARG=$CORPUS
    sed -z "s|^|$CORPUS/|" "$LIST" >"$RUNLIST"
  fi
  NFILES=$(tr -cd '\0' <"$LIST" | wc -c)
  [ "$NFILES" -gt 0 ] || die "no compose files under $CORPUS"

  # ---- measurement ---------------------------------------------------------
  # run_tool TOOL N -> prints "wall rss_kb user sys exit"
  run_tool() {
    local tool=$1 tag=$1.run$2 rc
    local tlog=$RESULTS/raw/$tag.time
    local -a cmd
    case "$tool" in
      compose-lint)
        cmd=(xargs -0 -a "$RUNLIST" -n "$BATCH" "$COMPOSE_LINT" check --format json
             --no-merge-overrides --allow-partial-coverage) ;;
      hullguard)
        mkdir -p "$RESULTS/raw/$tag"
        # one -o file per batch: $$ of the sh that execs hullguard is unique
        # shellcheck disable=SC2016  # $0 / $$ / $@ are for the inner sh
        cmd=(xargs -0 -a "$RUNLIST" -n "$BATCH" sh -c
             'exec "$0" scan --format json --fail-on none --no-source -o "'"$RESULTS/raw/$tag"'/batch-$$.json" '"${HG_EXTRA[*]:-}"' "$@"'
             "$HULLGUARD") ;;
      hullguard-dir)
        cmd=("$HULLGUARD" scan --format json --fail-on none --no-source
             -o "$RESULTS/raw/$tag.json" ${HG_EXTRA[@]+"${HG_EXTRA[@]}"} "$DIRARG") ;;
    esac
    local t0 t1
    t0=$(date +%s%N)
    set +e
    (cd "$CORPUS" && exec /usr/bin/time -f "%e %M %U %S" -o "$tlog" -- "${cmd[@]}" \
      >"$RESULTS/raw/$tag.json.out" 2>"$RESULTS/raw/$tag.err")
    rc=$?
    set -e
    t1=$(date +%s%N)
    if [ "$tool" = compose-lint ]; then mv "$RESULTS/raw/$tag.json.out" "$RESULTS/raw/$tag.json"
    else [ -s "$RESULTS/raw/$tag.json.out" ] || rm -f "$RESULTS/raw/$tag.json.out"; fi
    # time writes "Command exited with non-zero status N" first when rc != 0
    # wall: time's %e has 10 ms resolution, too coarse for hullguard, so the
    # nanosecond clock around the run is used (it includes ~1 ms for time itself)
    awk -v rc="$rc" -v ns="$((t1 - t0))" 'NF == 4 && $1 ~ /^[0-9.]+$/ { r = $2; u = $3; s = $4 }
      END { printf "%.3f %d %s %s %d\n", ns / 1e9, r, u, s, rc }' "$tlog"
  }

  cpu_busy_pct() {
    local a b
    a=$(awk '/^cpu /{ print $2+$3+$4+$6+$7+$8, $5 }' /proc/stat)
    sleep 1
    b=$(awk '/^cpu /{ print $2+$3+$4+$6+$7+$8, $5 }' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ")
      busy = y[1] - x[1]; idle = y[2] - x[2]
      printf "%d", (busy + idle > 0) ? 100 * busy / (busy + idle) : 0 }'
  }
  LOADED=

  printf 'tool\trun\twall_s\trss_kb\tuser_s\tsys_s\texit\tfiles\n' >"$RESULTS/timing.tsv"
  echo "corpus: $CORPUS ($NFILES files); runs: $RUNS; batch: $BATCH; results: $RESULTS" >&2
  [ ${#HG_EXTRA[@]} -eq 0 ] || echo "hullguard extra arguments: ${HG_EXTRA[*]}" >&2
  declare -A BEST_W BEST_R BEST_U BEST_S BEST_RC BEST_N
  for i in $(seq 1 "$RUNS"); do
    for tool in "${ACTIVE[@]}"; do
      pct=$(cpu_busy_pct)
      if [ "$pct" -gt 15 ]; then
        note "CPU ${pct}% busy before $tool run $i: other work is running, wall times will be noisy"
        LOADED="$LOADED $tool-run$i(${pct}%)"
      fi
      read -r w r u s c < <(run_tool "$tool" "$i")
      echo "  $tool run $i: ${w}s wall, ${u}+${s}s CPU, max RSS ${r} kB, exit $c" >&2
      printf '%s\t%d\t%s\t%s\t%s\t%s\t%s\t%d\n' "$tool" "$i" "$w" "$r" "$u" "$s" "$c" "$NFILES" >>"$RESULTS/timing.tsv"
      if [ -z "${BEST_W[$tool]:-}" ] || awk -v a="$w" -v b="${BEST_W[$tool]}" 'BEGIN { exit !(a < b) }'; then
        BEST_W[$tool]=$w BEST_R[$tool]=$r BEST_U[$tool]=$u BEST_S[$tool]=$s BEST_RC[$tool]=$c BEST_N[$tool]=$i
      fi
    done
  done

  # ---- per-file findings (from the last run) -------------------------------
  python3 - "$RESULTS" "$RUNS" "$LIST" "$CORPUS" "${ACTIVE[@]}" <<'PY'
import json, re, sys
from pathlib import Path

results, last, listfile, corpus = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
tools = sys.argv[5:]
files = [f for f in Path(listfile).read_bytes().decode("utf-8", "replace").split("\0") if f]

def norm(p):
    p = str(p or "")
    if p.startswith(corpus + "/"):
        p = p[len(corpus) + 1:]
    while p.startswith("./"):
        p = p[2:]
    return p

SERVICE = re.compile(r"\bservice `([^`]+)`")

def docs(text):
    """Concatenated JSON documents (one per xargs batch)."""
    dec, i, out = json.JSONDecoder(), 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        try:
            obj, i = dec.raw_decode(text, i)
        except json.JSONDecodeError:
            nxt = text.find("\n{", i)
            if nxt < 0:
                return out
            i = nxt + 1
            continue
        out.append(obj)

def clean(s):
    return re.sub(r"[\t\r\n]+", " ", str(s if s is not None else "")).strip()

def write(tool, findings, status):
    with open(results / f"{tool}.findings.tsv", "w") as fh:
        fh.write("file\trule\tservice\tline\tseverity\tmessage\n")
        for f in sorted(findings, key=lambda x: (x[0], x[1], x[2], str(x[3]))):
            fh.write("\t".join(clean(v) for v in f) + "\n")
    with open(results / f"{tool}.files.tsv", "w") as fh:
        fh.write("file\tstatus\tdetail\n")
        for f in sorted(status):
            st, detail = status[f]
            fh.write(f"{f}\t{st}\t{clean(detail)}\n")

def hullguard_findings(objs):
    """Every finding-like object (has a rule code and a place), wherever it is."""
    out, errors = [], []
    def walk(o, file_ctx=None):
        if isinstance(o, dict):
            fctx = o.get("file") or o.get("path") or file_ctx
            if isinstance(fctx, dict):
                fctx = fctx.get("path") or fctx.get("file")
            if "rule" in o and isinstance(o.get("rule"), (str, dict)):
                rule = o["rule"] if isinstance(o["rule"], str) else (o["rule"].get("code") or o["rule"].get("id"))
                loc = o.get("location") if isinstance(o.get("location"), dict) else {}
                f = o.get("file") or loc.get("file") or loc.get("path") or file_ctx
                svc = o.get("service") or o.get("object") or loc.get("service") or ""
                if isinstance(svc, dict):
                    svc = svc.get("name", "")
                if not svc:
                    m = SERVICE.search(str(o.get("message", "")))
                    svc = m.group(1) if m else ""
                out.append((norm(f), rule, str(svc), o.get("line", loc.get("line", "")),
                            o.get("severity", ""), o.get("message", "")))
                return
            for k, v in o.items():
                if k in ("errors",) and isinstance(v, list):
                    for e in v:
                        if isinstance(e, dict):
                            errors.append((norm(e.get("file") or e.get("path") or fctx), e.get("message", json.dumps(e))))
                        else:
                            errors.append(("", str(e)))
                else:
                    walk(v, fctx if isinstance(fctx, str) else file_ctx)
        elif isinstance(o, list):
            for v in o:
                walk(v, file_ctx)
    for o in objs:
        walk(o)
    return out, errors

for tool in tools:
    raw = results / "raw"
    findings, status = [], {}
    if tool == "compose-lint":
        for f in files:
            status[f] = ("linted", "")
        objs = docs((raw / f"{tool}.run{last}.json").read_text(errors="replace"))
        for o in objs:
            for x in o.get("findings", []):
                f = norm(x.get("graded_file") or x.get("file"))
                findings.append((f, x.get("rule_id", ""), x.get("service", ""), x.get("line", ""),
                                 x.get("severity", ""), x.get("message", "")))
            for e in o.get("errors", []):
                if e.get("file"):
                    status[norm(e["file"])] = ("error", f'{e.get("kind", "")}: {e.get("message", "")}')
        for line in (raw / f"{tool}.run{last}.err").read_text(errors="replace").splitlines():
            m = re.match(r"^(?:Error: )?(.+?): Skipped: (.*)$", line)
            if m and norm(m.group(1)) in status and status[norm(m.group(1))][0] == "linted":
                status[norm(m.group(1))] = ("skipped", m.group(2))
    else:
        if tool == "hullguard":
            objs = []
            for p in sorted((raw / f"{tool}.run{last}").glob("batch-*.json")):
                objs.extend(docs(p.read_text(errors="replace")))
        else:
            p = raw / f"{tool}.run{last}.json"
            objs = docs(p.read_text(errors="replace")) if p.exists() else []
        findings, errors = hullguard_findings(objs)
        seen = {f[0] for f in findings}
        for f in files:
            status[f] = ("scanned", "")
        for f, msg in errors:
            if f:
                status[f] = ("error", msg)
        if tool == "hullguard-dir":
            # files the directory scan did not report on at all (no finding, no error)
            for f in files:
                if f not in seen and status[f][0] == "scanned":
                    status[f] = ("no-findings", "")
    write(tool, findings, status)
    n_f = len(findings)
    n_files = len({f[0] for f in findings})
    by = {}
    for st, _ in status.values():
        by[st] = by.get(st, 0) + 1
    print(f"{tool}: {n_f} findings in {n_files} files; file status: "
          + ", ".join(f"{k} {v}" for k, v in sorted(by.items())), file=sys.stderr)
PY

  # ---- report --------------------------------------------------------------
  {
    echo "Corpus: $NFILES compose files ($CORPUS), $(nproc) cores, best of $RUNS runs, batch $BATCH"
    echo
    echo "| tool | files | wall s | files/s | CPU s | peak RSS MB | speed vs compose-lint | best run | exit |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for tool in "${ACTIVE[@]}"; do
      w=${BEST_W[$tool]} r=${BEST_R[$tool]}
      fps=$(awk -v n="$NFILES" -v w="$w" 'BEGIN { if (w > 0) printf "%.0f", n / w; else print "inf" }')
      cpu=$(awk -v u="${BEST_U[$tool]}" -v s="${BEST_S[$tool]}" 'BEGIN { printf "%.2f", u + s }')
      mb=$(awk -v r="$r" 'BEGIN { printf "%.1f", r / 1024 }')
      if [ -n "${BEST_W[compose-lint]:-}" ]; then
        sp=$(awk -v a="${BEST_W[compose-lint]}" -v b="$w" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }')
      else sp=-; fi
      echo "| $tool | $NFILES | $w | $fps | $cpu | $mb | $sp | ${BEST_N[$tool]} | ${BEST_RC[$tool]} |"
    done
    echo
    echo "(best run = least wall time, its CPU and RSS shown; RSS from /usr/bin/time -f \"%e %M\""
    echo " is the largest single process; wall = nanosecond clock around the run;"
    echo " speed = compose-lint wall / tool wall; exit 123 = xargs saw a non-zero exit (findings);"
    echo " all runs in timing.tsv, raw time logs in raw/)"
    if [ -n "$LOADED" ]; then
      echo
      echo "WARNING: the machine was busy before:$LOADED; wall times are unreliable, compare CPU s."
    fi
  } | tee "$RESULTS/summary.md"
}

main "$@"
