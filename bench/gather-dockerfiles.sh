#!/usr/bin/env bash
# Gather a corpus of real-world Dockerfiles out of bare git mirrors.
# See bench/README.md for the layout and for how the mirrors are populated.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/gather-dockerfiles.sh [--out DIR] [--max-bytes N] [--quiet] [MIRROR...]

Copies every Dockerfile-like file found at HEAD of each MIRROR into a flat,
deduplicated corpus directory.

MIRROR is either a git directory (bare repo or a .git dir) or a directory that
contains one at repo/, repo/.git or .git (the layout `fetch` produces:
/work/.mirror/<owner>+<name>/repo[/.git]). The corpus name of the repository is
taken from the first path component below the mirror root that looks like
<owner>+<name>. Default MIRRORs: every /work/.mirror/*/ directory.

File names taken (basename, at HEAD, regular blobs only, not symlinks or
submodules):
  Dockerfile  Dockerfile.*  *.Dockerfile  *.dockerfile  Containerfile  Containerfile.*
  (case-insensitively; a lower-case 'dockerfile'/'containerfile' stem is
  rewritten to 'Dockerfile'/'Containerfile' so the name stays recognisable)
Excluded: blobs larger than --max-bytes (default 1048576), names ending in
  a template / non-Dockerfile extension (.md .txt .sh .py .yml .yaml .json
  .toml .j2 .jinja .jinja2 .tmpl .tpl .template .erb .in .m4 .mustache .hbs
  .ejs .patch .diff .orig .bak .swp .dockerignore .go .rs .js .ts .lock .sample .clj .ncl .rego .cue .nix),
  and contents identical to a file already taken (deduplicated by git blob id,
  across all mirrors, mirrors processed in sorted order).

Output layout (rebuilt from scratch on each run, so re-running is idempotent):
  OUT/<owner>__<name>/<dir path, '/' replaced by '__', '_' for the root>/<basename>
  e.g. docker-library+php:8.3/bookworm/apache/Dockerfile
       -> OUT/docker-library__php/8.3__bookworm__apache/Dockerfile
  OUT/../manifest.tsv  blob-id, owner/name, commit, original path, corpus path

Options:
  --out DIR        corpus directory (default /work/corpus/dockerfiles)
  --max-bytes N    skip blobs larger than N bytes (default 1048576)
  --quiet          only print the totals
  -h, --help       this help
EOF
}

# Everything runs inside main() so that bash has parsed the whole script
# before running it: editing this file during a run cannot break that run.
main() {
  OUT=/work/corpus/dockerfiles
  MAX_BYTES=1048576
  QUIET=0
  MIRRORS=()
  while [ $# -gt 0 ]; do
    case "$1" in
      -h|--help) usage; exit 0 ;;
      --out) OUT=$2; shift 2 ;;
      --out=*) OUT=${1#--out=}; shift ;;
      --max-bytes) MAX_BYTES=$2; shift 2 ;;
      --max-bytes=*) MAX_BYTES=${1#--max-bytes=}; shift ;;
      --quiet) QUIET=1; shift ;;
      --) shift; MIRRORS+=("$@"); break ;;
      -*) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
      *) MIRRORS+=("$1"); shift ;;
    esac
  done
  if [ ${#MIRRORS[@]} -eq 0 ]; then
    shopt -s nullglob
    MIRRORS=(/work/.mirror/*/)
    shopt -u nullglob
  fi
  if [ ${#MIRRORS[@]} -eq 0 ]; then
    echo "no mirrors found (default: /work/.mirror/*/); fetch some repositories first" >&2
    exit 1
  fi

  is_git_dir() { [ -f "$1/HEAD" ] && [ -d "$1/objects" ]; }

  # Resolve a mirror argument to a git dir; prints it or returns 1.
  git_dir_of() {
    local d=${1%/}
    local c
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
      case "$comp" in
        *+*) printf '%s\n' "$comp"; return 0 ;;
      esac
    done
    # Fallback: last component that is not repo/.git
    for comp in "${parts[@]}"; do
      case "$comp" in repo|.git|'') ;; *) d=$comp ;; esac
    done
    printf '%s\n' "$d"
  }

  # Is this basename Dockerfile-like? Prints the (possibly normalised) basename.
  dockerfile_name() {
    local b=$1 lower stem rest
    lower=${b,,}
    case "$lower" in
      *.md|*.txt|*.sh|*.py|*.yml|*.yaml|*.json|*.toml|*.j2|*.jinja|*.jinja2|*.tmpl|*.tpl|*.template|\
      *.erb|*.in|*.m4|*.mustache|*.hbs|*.ejs|*.patch|*.diff|*.orig|*.bak|*.swp|*.dockerignore|\
      *.go|*.rs|*.js|*.ts|*.lock|*.sample|*.clj|*.ncl|*.rego|*.cue|*.nix) return 1 ;;
    esac
    case "$lower" in
      dockerfile|dockerfile.?*)
        stem=Dockerfile; rest=${b:10} ;;
      containerfile|containerfile.?*)
        stem=Containerfile; rest=${b:13} ;;
      ?*.dockerfile)
        # keep '*.Dockerfile' / '*.dockerfile' as is; other casings -> .dockerfile
        case "$b" in
          *.Dockerfile|*.dockerfile) printf '%s\n' "$b" ;;
          *) printf '%s.dockerfile\n' "${b:0:${#b}-11}" ;;
        esac
        return 0 ;;
      *) return 1 ;;
    esac
    printf '%s%s\n' "$stem" "$rest"
  }

  CORPUS_ROOT=$(dirname "$OUT")
  mkdir -p "$CORPUS_ROOT"
  TMP_OUT="$OUT.new.$$"
  TMP_MANIFEST="$CORPUS_ROOT/manifest.tsv.new.$$"
  cleanup() { rm -rf "$TMP_OUT" "$TMP_MANIFEST"; }
  trap cleanup EXIT
  rm -rf "$TMP_OUT"
  mkdir -p "$TMP_OUT"
  printf 'blob\trepo\tcommit\tpath\tcorpus_path\n' >"$TMP_MANIFEST"

  declare -A SEEN_BLOB=()
  declare -A SEEN_DEST=()
  T_MIRRORS=0 T_CAND=0 T_BIG=0 T_NONBLOB=0 T_DUP=0 T_WRITTEN=0 T_BAD=0

  # Sort mirrors for deterministic dedupe.
  mapfile -t MIRRORS < <(printf '%s\n' "${MIRRORS[@]}" | sort -u)

  [ "$QUIET" = 1 ] || printf '%-55s %6s %6s %6s %6s %6s\n' repo found big nonblob dup written
  for m in "${MIRRORS[@]}"; do
    [ -n "$m" ] || continue
    if ! gd=$(git_dir_of "$m"); then
      echo "warning: no git directory in $m, skipped" >&2
      T_BAD=$((T_BAD + 1))
      continue
    fi
    if ! commit=$(git --git-dir="$gd" rev-parse --verify -q 'HEAD^{commit}'); then
      echo "warning: $gd has no HEAD commit, skipped" >&2
      T_BAD=$((T_BAD + 1))
      continue
    fi
    name=$(repo_name_of "$m")
    slug=${name/+/__}
    slug=${slug//\//_}
    T_MIRRORS=$((T_MIRRORS + 1))
    cand=0 big=0 nonblob=0 dup=0 written=0
    # ls-tree --long: "<mode> SP <type> SP <object> SP+ <size> TAB <path>" NUL
    while IFS= read -r -d '' entry; do
      meta=${entry%%$'\t'*}
      path=${entry#*$'\t'}
      base=${path##*/}
      nb=$(dockerfile_name "$base") || continue
      cand=$((cand + 1))
      read -r mode type obj size <<<"$meta"
      if [ "$type" != blob ] || { [ "$mode" != 100644 ] && [ "$mode" != 100755 ]; }; then
        nonblob=$((nonblob + 1)); continue
      fi
      if [ "$size" = - ] || [ "$size" -gt "$MAX_BYTES" ]; then
        big=$((big + 1)); continue
      fi
      if [ -n "${SEEN_BLOB[$obj]+x}" ]; then
        dup=$((dup + 1)); continue
      fi
      SEEN_BLOB[$obj]=1
      dir=${path%"$base"}
      dir=${dir%/}
      if [ -z "$dir" ]; then enc=_; else enc=${dir//\//__}; fi
      rel="$slug/$enc/$nb"
      if [ -n "${SEEN_DEST[$rel]+x}" ]; then
        rel="$slug/$enc~${obj:0:8}/$nb"
      fi
      SEEN_DEST[$rel]=1
      mkdir -p "$TMP_OUT/${rel%/*}"
      git --git-dir="$gd" cat-file blob "$obj" >"$TMP_OUT/$rel"
      printf '%s\t%s\t%s\t%s\t%s\n' "$obj" "${name/+//}" "$commit" "$path" "$rel" >>"$TMP_MANIFEST"
      written=$((written + 1))
    done < <(git --git-dir="$gd" ls-tree -r -z --long --full-tree HEAD |
      grep -z -i -E '(dockerfile|containerfile)[^/]*$' || true)
    [ "$QUIET" = 1 ] || printf '%-55s %6d %6d %6d %6d %6d\n' "${name/+//}" "$cand" "$big" "$nonblob" "$dup" "$written"
    T_CAND=$((T_CAND + cand)) T_BIG=$((T_BIG + big)) T_NONBLOB=$((T_NONBLOB + nonblob))
    T_DUP=$((T_DUP + dup)) T_WRITTEN=$((T_WRITTEN + written))
  done

  # Swap in the new corpus atomically-ish (idempotent: stale files disappear).
  rm -rf "$OUT.old.$$"
  if [ -e "$OUT" ]; then mv "$OUT" "$OUT.old.$$"; fi
  mv "$TMP_OUT" "$OUT"
  mv "$TMP_MANIFEST" "$CORPUS_ROOT/manifest.tsv"
  rm -rf "$OUT.old.$$"

  echo "mirrors: $T_MIRRORS (unusable: $T_BAD)"
  echo "candidates: $T_CAND  too-big: $T_BIG  non-blob/symlink: $T_NONBLOB  duplicates: $T_DUP"
  echo "written: $T_WRITTEN files into $OUT (manifest: $CORPUS_ROOT/manifest.tsv)"
}

main "$@"
