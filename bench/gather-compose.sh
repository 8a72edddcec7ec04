#!/usr/bin/env bash
# Gather a corpus of real-world Compose files out of git mirrors (snapshots).
# See bench/README.md for the layout; nothing third-party is committed.
#
# The mirrors are populated by the search tool's `fetch` verb (not a shell
# command), `fetch github:owner/name` for each `source:` line below; `fetch`
# leaves a git directory at /work/.mirror/<owner>+<name>/repo (bare) or
# .../repo/.git. This script only reads mirrors that exist and names the
# missing ones. Repositories with compose files, with the number of candidate
# files at HEAD when the list was made (2025-11):
#
# source: vimagick/dockerfiles                  463  many self-hosted apps, one per dir
# source: docker/compose                        203  Compose v2 e2e fixtures and tests
# source: Haxxnet/Compose-Examples              168  curated self-hosted examples
# source: containers/podman-compose             144  podman-compose test fixtures and examples
# source: kubernetes/kompose                    119  kompose conversion fixtures (v1, v2, v3 files)
# source: laradock/laradock                     113  per-service compose files
# source: docker/awesome-compose                 39  Docker's sample applications
# source: redpanda-data/redpanda-labs            30  streaming demos
# source: compose-spec/compose-go                28  the reference loader's testdata
# source: testcontainers/testcontainers-java     27  compose-module test files
# source: docker-library/docs                    26  official image examples (compose.yaml)
# source: chrisguest75/docker_examples           23
# source: ClickHouse/examples                    22  docker-compose-recipes
# source: jaegertracing/jaeger                   21
# source: frappe/frappe_docker                   21  compose.*.yaml overrides
# source: microsoft/vscode-dev-containers        20  devcontainer compose files
# source: zabbix/zabbix-docker                   20  compose_*.yaml variants
# source: oracle/docker-images                   19
# source: openzipkin/zipkin                      18  docker-compose-*.yml variants
# source: hyperledger/fabric-samples             18  compose-*.yaml
# source: percona/percona-docker                 16
# source: containers/podman                      13
# source: fly-apps/dockerfile-rails              12
# source: htpcBeginner/docker-traefik            11  large home-server stacks
# source: nginx-proxy/nginx-proxy                10
# source: Mailu/Mailu                            10
# source: StefanScherer/dockerfiles-windows       9  Windows containers
# source: paperless-ngx/paperless-ngx             9
# source: temporalio/docker-compose               8
# source: nextcloud/docker                        8
# source: mailcow/mailcow-dockerized              8
# source: open-telemetry/opentelemetry-demo       7
# source: SonarSource/docker-sonarqube            7
# source: DefectDojo/django-DefectDojo            7  docker-compose.override.*.yml
# source: MariaDB/mariadb-docker                  6
# source: wodby/docker4drupal                     5
# source: minio/minio                             5
# source: confluentinc/cp-all-in-one              5
# source: apache/apisix-docker                    5
# source: crazy-max/docker-samba                  4
# source: dunglas/symfony-docker                  4  compose.override / prod
# source: n8n-io/n8n-hosting                      4
# source: tiangolo/full-stack-fastapi-template    3
# source: dockersamples/example-voting-app        3
# source: docker/cli                              3
# source: containerd/nerdctl                      3
# source: compose-x/ecs_composex                  3
# source: netbox-community/netbox-docker          3
# source: wazuh/wazuh-docker                      3
# source: SigNoz/signoz                           3
# source: grafana/intro-to-mltp                   3
# source: OpenCTI-Platform/docker                 3
# source: microsoft/dotnet-framework-docker       2
# source: getsentry/self-hosted                   2
# source: docker/buildx                           2
# source: GoogleCloudPlatform/golang-samples      2
# source: GoogleCloudPlatform/cloud-builders-community 2
# source: docker-mailserver/docker-mailserver     2
# source: stefanprodan/dockprom                   2
# source: nextcloud/all-in-one                    2
# source: pi-hole/docker-pi-hole                  1
# source: moby/moby                               1
# source: moby/buildkit                           1
# source: jessfraz/dockerfiles                    1
# source: docker/getting-started                  1
# source: deviantony/docker-elk                   1
# source: astral-sh/uv-docker-example             1
# source: MicrosoftDocs/Virtualization-Documentation 1
# source: Kong/docker-kong                        1
# source: jitsi/docker-jitsi-meet                 1
# source: searxng/searxng-docker                  1
#
# Not usable (2025-11): bitnami/containers (over the snapshot size limit);
# ChristianLempa/boilerplates holds only Jinja templates (template.yaml);
# linuxserver/docker-* repositories hold no compose file (their examples are
# generated into READMEs).
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/gather-compose.sh [--out DIR] [--manifest FILE] [--all] [--max-bytes N]
                               [--quiet] [--list-sources] [MIRROR...]

Copies every Compose file found at HEAD of each MIRROR into a deduplicated
corpus directory and writes a manifest.

MIRROR is a git directory or a directory holding one at repo/, repo/.git or
.git (the layout `fetch` produces: /work/.mirror/<owner>+<name>/repo).
Default: the `source:` repositories in this script's header, looked up as
/work/.mirror/<owner>+<name>; the missing ones are listed (fetch them with the
search tool's `fetch github:owner/name`). --all: every /work/.mirror/*/.

File names taken (basename, case-insensitive, regular blobs only):
  compose.yml  compose.yaml  docker-compose.yml  docker-compose.yaml
  their overrides: compose.override.y(a)ml, docker-compose.override.y(a)ml
  variants: (docker-)compose[.-_]<anything>.y(a)ml
            (docker-compose.prod.yml, compose.dev.yaml, docker-compose-test.yml,
             compose_databases.yaml, docker-compose.override.dev.yml, ...)
Skipped: symlinks and submodules, blobs larger than --max-bytes (default
  1048576), anything under .github/ (CI workflows named compose.yml), and
  contents identical to a file already taken (deduplicated by SHA-256 across
  all mirrors, mirrors processed in sorted order, first one wins).

Output (rebuilt from scratch on each run, so re-running is idempotent):
  OUT/<owner>__<name>/<dir path, '/' replaced by '__', '_' for the root>/<basename>
    e.g. docker+awesome-compose:react-express-mysql/compose.yaml
      -> OUT/docker__awesome-compose/react-express-mysql/compose.yaml
    The basename is kept so that a main file and its override stay side by side
    in one directory, as `docker compose` (and a directory scan) loads them; two
    paths that encode to the same directory get '~<sha prefix>'.
  MANIFEST (default OUT/../compose-manifest.tsv), a header line then:
    repo  path  sha256  commit  corpus_path
    (repo = owner/name, path = the path in the repository, corpus_path relative
    to OUT)

Options:
  --out DIR         corpus directory (default /work/corpus/compose)
  --manifest FILE   manifest path (default OUT/../compose-manifest.tsv)
  --all             every mirror under /work/.mirror, not only the listed sources
  --max-bytes N     skip blobs larger than N bytes (default 1048576)
  --quiet           only print the totals (and missing mirrors)
  --list-sources    print the source repositories (owner/name) and exit
  -h, --help        this help
EOF
}

# Everything runs inside main() so that bash has parsed the whole script
# before running it: editing this file during a run cannot break that run.
main() {
  local SELF=$0
  OUT=/work/corpus/compose
  MANIFEST=
  MAX_BYTES=1048576
  QUIET=0
  ALL=0
  MIRROR_ROOT=${MIRROR_ROOT:-/work/.mirror}
  MIRRORS=()
  while [ $# -gt 0 ]; do
    case "$1" in
      -h|--help) usage; exit 0 ;;
      --list-sources) sources_of "$SELF"; exit 0 ;;
      --out) OUT=$2; shift 2 ;;
      --out=*) OUT=${1#--out=}; shift ;;
      --manifest) MANIFEST=$2; shift 2 ;;
      --manifest=*) MANIFEST=${1#--manifest=}; shift ;;
      --max-bytes) MAX_BYTES=$2; shift 2 ;;
      --max-bytes=*) MAX_BYTES=${1#--max-bytes=}; shift ;;
      --all) ALL=1; shift ;;
      --quiet) QUIET=1; shift ;;
      --) shift; MIRRORS+=("$@"); break ;;
      -*) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
      *) MIRRORS+=("$1"); shift ;;
    esac
  done
  OUT=${OUT%/}
  CORPUS_ROOT=$(dirname "$OUT")
  [ -n "$MANIFEST" ] || MANIFEST="$CORPUS_ROOT/compose-manifest.tsv"

  local missing=()
  if [ ${#MIRRORS[@]} -eq 0 ]; then
    if [ "$ALL" = 1 ]; then
      shopt -s nullglob
      MIRRORS=("$MIRROR_ROOT"/*/)
      shopt -u nullglob
    else
      local src
      while IFS= read -r src; do
        if [ -d "$MIRROR_ROOT/${src/\//+}" ]; then
          MIRRORS+=("$MIRROR_ROOT/${src/\//+}")
        else
          missing+=("$src")
        fi
      done < <(sources_of "$SELF")
    fi
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "missing mirrors (fetch them with the search tool: fetch github:owner/name):" >&2
    printf '  %s\n' "${missing[@]}" >&2
  fi
  if [ ${#MIRRORS[@]} -eq 0 ]; then
    echo "no mirrors found under $MIRROR_ROOT; fetch some repositories first" >&2
    exit 1
  fi

  mkdir -p "$CORPUS_ROOT"
  TMP_OUT="$OUT.new.$$"
  TMP_MANIFEST="$MANIFEST.new.$$"
  TMP_BLOB="$CORPUS_ROOT/.compose-blob.$$"
  cleanup() { rm -rf "$TMP_OUT" "$TMP_MANIFEST" "$TMP_BLOB"; }
  trap cleanup EXIT
  rm -rf "$TMP_OUT"
  mkdir -p "$TMP_OUT"
  printf 'repo\tpath\tsha256\tcommit\tcorpus_path\n' >"$TMP_MANIFEST"

  declare -A SEEN_SHA=()
  declare -A SEEN_DEST=()
  local T_MIRRORS=0 T_CAND=0 T_BIG=0 T_NONBLOB=0 T_DUP=0 T_WRITTEN=0 T_BAD=0 T_SKIP=0
  local -a REPOS_WITH_FILES=()

  mapfile -t MIRRORS < <(printf '%s\n' "${MIRRORS[@]}" | sort -u)

  [ "$QUIET" = 1 ] || printf '%-50s %6s %6s %6s %6s %6s\n' repo found big nonblob dup written
  local m gd commit name slug cand big nonblob dup written skipped
  local entry meta path base mode type obj size sha dir enc rel
  for m in "${MIRRORS[@]}"; do
    [ -n "$m" ] || continue
    if ! gd=$(git_dir_of "$m"); then
      echo "warning: no git directory in $m, skipped" >&2
      T_BAD=$((T_BAD + 1)); continue
    fi
    if ! commit=$(git --git-dir="$gd" rev-parse --verify -q 'HEAD^{commit}'); then
      echo "warning: $gd has no HEAD commit, skipped" >&2
      T_BAD=$((T_BAD + 1)); continue
    fi
    name=$(repo_name_of "$m")
    slug=${name/+/__}
    slug=${slug//\//_}
    T_MIRRORS=$((T_MIRRORS + 1))
    cand=0 big=0 nonblob=0 dup=0 written=0 skipped=0
    # ls-tree --long: "<mode> SP <type> SP <object> SP+ <size> TAB <path>" NUL
    while IFS= read -r -d '' entry; do
      meta=${entry%%$'\t'*}
      path=${entry#*$'\t'}
      base=${path##*/}
      is_compose_name "$base" || continue
      case "/$path" in
        */.github/*) skipped=$((skipped + 1)); continue ;;
      esac
      cand=$((cand + 1))
      read -r mode type obj size <<<"$meta"
      if [ "$type" != blob ] || { [ "$mode" != 100644 ] && [ "$mode" != 100755 ]; }; then
        nonblob=$((nonblob + 1)); continue
      fi
      if [ "$size" = - ] || [ "$size" -gt "$MAX_BYTES" ]; then
        big=$((big + 1)); continue
      fi
      git --git-dir="$gd" cat-file blob "$obj" >"$TMP_BLOB"
      sha=$(sha256sum "$TMP_BLOB")
      sha=${sha%% *}
      if [ -n "${SEEN_SHA[$sha]+x}" ]; then
        dup=$((dup + 1)); continue
      fi
      SEEN_SHA[$sha]=1
      dir=${path%"$base"}
      dir=${dir%/}
      if [ -z "$dir" ]; then enc=_; else enc=${dir//\//__}; fi
      # keep names shell- and tool-friendly: spaces and odd characters -> '_'
      enc=${enc//[^A-Za-z0-9._+=@,~-]/_}
      rel="$slug/$enc/$base"
      if [ -n "${SEEN_DEST[$rel]+x}" ]; then
        rel="$slug/$enc~${sha:0:8}/$base"
      fi
      SEEN_DEST[$rel]=1
      mkdir -p "$TMP_OUT/${rel%/*}"
      mv "$TMP_BLOB" "$TMP_OUT/$rel"
      printf '%s\t%s\t%s\t%s\t%s\n' "${name/+//}" "$path" "$sha" "$commit" "$rel" >>"$TMP_MANIFEST"
      written=$((written + 1))
    done < <(git --git-dir="$gd" ls-tree -r -z --long --full-tree HEAD |
      grep -z -i -E '(/|[[:space:]])(docker-)?compose[^/]*\.ya?ml$' || true)
    [ "$QUIET" = 1 ] || printf '%-50s %6d %6d %6d %6d %6d\n' "${name/+//}" "$cand" "$big" "$nonblob" "$dup" "$written"
    [ "$written" -eq 0 ] || REPOS_WITH_FILES+=("$name")
    T_CAND=$((T_CAND + cand)) T_BIG=$((T_BIG + big)) T_NONBLOB=$((T_NONBLOB + nonblob))
    T_DUP=$((T_DUP + dup)) T_WRITTEN=$((T_WRITTEN + written)) T_SKIP=$((T_SKIP + skipped))
  done

  # Swap in the new corpus (idempotent: stale files disappear).
  rm -rf "$OUT.old.$$"
  if [ -e "$OUT" ]; then mv "$OUT" "$OUT.old.$$"; fi
  mv "$TMP_OUT" "$OUT"
  mv "$TMP_MANIFEST" "$MANIFEST"
  rm -rf "$OUT.old.$$"

  echo "mirrors: $T_MIRRORS (unusable: $T_BAD, missing: ${#missing[@]}); with files written: ${#REPOS_WITH_FILES[@]}"
  echo "candidates: $T_CAND  too-big: $T_BIG  non-blob/symlink: $T_NONBLOB  duplicates: $T_DUP  under .github/: $T_SKIP"
  echo "written: $T_WRITTEN files into $OUT (manifest: $MANIFEST)"
}

# The `source:` lines of this script's header, as owner/name.
sources_of() {
  sed -n 's/^# source: \([^ ]*\).*/\1/p' "$1"
}

is_git_dir() { [ -f "$1/HEAD" ] && [ -d "$1/objects" ]; }

# Resolve a mirror argument to a git dir; prints it or returns 1.
git_dir_of() {
  local d=${1%/} c
  for c in "$d" "$d/repo/.git" "$d/repo" "$d/.git"; do
    if is_git_dir "$c"; then printf '%s\n' "$c"; return 0; fi
  done
  return 1
}

# Corpus name of a mirror: the path component of the form owner+name.
repo_name_of() {
  local d=${1%/} comp
  local IFS=/
  local -a parts
  read -r -a parts <<<"$d"
  for comp in "${parts[@]}"; do
    case "$comp" in *+*) printf '%s\n' "$comp"; return 0 ;; esac
  done
  for comp in "${parts[@]}"; do
    case "$comp" in repo|.git|'') ;; *) d=$comp ;; esac
  done
  printf '%s\n' "$d"
}

# Is this basename a compose file name (main, override or variant)?
is_compose_name() {
  local lower=${1,,}
  case "$lower" in
    *.yml|*.yaml) ;;
    *) return 1 ;;
  esac
  case "$lower" in
    compose.yml|compose.yaml|docker-compose.yml|docker-compose.yaml) return 0 ;;
    compose[._-]?*|docker-compose[._-]?*) return 0 ;;
  esac
  return 1
}

main "$@"
