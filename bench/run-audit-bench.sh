#!/usr/bin/env bash
# Audit benchmark: `hullguard audit` against a private dockerd holding 10, 100
# and 1,000 containers (created, not started: the audit reads the same inspect
# documents either way), wall time and peak memory, best of N; and, when
# docker-bench-security is available (a public script: fetch it, never commit
# it), both tools side by side on 50 running containers.
#
#   bench/run-audit-bench.sh [--runs N] [--dbs PATH/docker-bench-security.sh]
#
# Needs root, Debian's docker.io and busybox-static. Starts its own dockerd
# (data in a temporary directory, socket /tmp/hg-bench/docker.sock), removes it
# at the end. Results: /work/corpus/audit-results/summary.md.
set -euo pipefail
RUNS=3
DBS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --dbs) DBS=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
HG=${HULLGUARD:-./target/release/hullguard}
[ -x "$HG" ] || { echo "build first: cargo build --release -p hullguard-cli" >&2; exit 2; }
OUT=/work/corpus/audit-results
BASE=/tmp/hg-bench
SOCK=unix://$BASE/docker.sock
mkdir -p "$OUT" "$BASE"
export DOCKER_HOST=$SOCK

# A bridge of its own: another dockerd on the machine keeps docker0.
BRIDGE=hgbench0
start_dockerd() {
  ip link show "$BRIDGE" >/dev/null 2>&1 || {
    ip link add "$BRIDGE" type bridge
    ip addr add 172.30.0.1/16 dev "$BRIDGE"
    ip link set "$BRIDGE" up
  }
  dockerd --data-root "$BASE/root" --exec-root "$BASE/exec" -H "$SOCK" \
    --bridge "$BRIDGE" --iptables=false \
    --pidfile "$BASE/docker.pid" >"$BASE/dockerd.log" 2>&1 &
  for _ in $(seq 60); do docker version >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "dockerd did not start; see $BASE/dockerd.log" >&2; exit 1
}
stop_dockerd() {
  [ -f "$BASE/docker.pid" ] && kill "$(cat "$BASE/docker.pid")" 2>/dev/null || true
  sleep 2
  ip link del "$BRIDGE" 2>/dev/null || true
}
trap stop_dockerd EXIT

start_dockerd
img=hullguard-bench/busybox:1
if ! docker image inspect "$img" >/dev/null 2>&1; then
  d=$(mktemp -d); mkdir -p "$d/bin"; cp "$(command -v busybox)" "$d/bin/"
  for a in sh sleep true; do ln -s busybox "$d/bin/$a"; done
  tar -C "$d" -c . | docker import - "$img" >/dev/null; rm -rf "$d"
fi

# Containers with a mix of settings, so every rule has work to do.
create_up_to() {
  local want=$1 have
  have=$(docker ps -aq --filter label=hullguard-bench=1 | wc -l)
  while [ "$have" -lt "$want" ]; do
    case $((have % 4)) in
      0) docker create --label hullguard-bench=1 "$img" sleep 1 ;;
      1) docker create --label hullguard-bench=1 --cap-add SYS_ADMIN -v /etc:/h:ro -p 8080 "$img" sleep 1 ;;
      2) docker create --label hullguard-bench=1 --user 1000 --read-only --cap-drop ALL --security-opt no-new-privileges --memory 64m --pids-limit 50 "$img" sleep 1 ;;
      3) docker create --label hullguard-bench=1 --privileged --pid host "$img" sleep 1 ;;
    esac >/dev/null
    have=$((have + 1))
  done
}

measure() { # name, command...
  local name=$1; shift
  local best="" rss=""
  for r in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$OUT/$name.rss" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || true
    t1=$(date +%s.%N)
    local wall; wall=$(echo "$t1 - $t0" | bc)
    if [ -z "$best" ] || [ "$(echo "$wall < $best" | bc)" = 1 ]; then best=$wall; rss=$(tail -1 "$OUT/$name.rss"); fi
  done
  printf '| %s | %.3f | %.1f |\n' "$name" "$best" "$(echo "$rss / 1024" | bc -l)"
}

{
  echo "Engine: $(docker version -f '{{.Server.Version}}'), $(nproc) cores, best of $RUNS"
  echo
  echo "| run | wall s | peak RSS MB |"
  echo "|---|---:|---:|"
  for n in 10 100 1000; do
    create_up_to "$n"
    total=$(docker ps -aq | wc -l)
    measure "hullguard audit, $total containers" "$HG" audit --format json --fail-on none -o /dev/null
  done
} | tee "$OUT/summary.md"

if [ -n "$DBS" ]; then
  # docker-bench-security inspects running containers only: 50 of them.
  docker ps -aq --filter label=hullguard-bench=1 | xargs -r docker rm -f >/dev/null
  for i in $(seq 50); do docker run -d --label hullguard-bench=1 "$img" sleep 3600 >/dev/null; done
  {
    echo
    echo "50 running containers:"
    echo
    echo "| run | wall s | peak RSS MB |"
    echo "|---|---:|---:|"
    measure "hullguard audit" "$HG" audit --format json --fail-on none -o /dev/null
    (cd "$(dirname "$DBS")" && measure "docker-bench-security" sh "$DBS" -b)
  } | tee -a "$OUT/summary.md"
fi
docker ps -aq --filter label=hullguard-bench=1 | xargs -r docker rm -f >/dev/null
