#!/usr/bin/env python3
"""BuildKit parser oracle for the hullguard Dockerfile corpus.

Uses the PyPI package `dockerfile` (`pip install dockerfile`), a CPython
extension wrapping BuildKit's own Go Dockerfile parser
(github.com/moby/buildkit/frontend/dockerfile/parser).

For every file given (directories are walked for Dockerfile-like names) it
prints one JSON line:

    {"path": "...", "ok": true|false, "level": "parse"|"instructions"|"io", "error": "..."}

Levels of checking:
  parse         BuildKit's parser (dockerfile.parse_file) raised: line
                continuations, heredocs, directives (# escape=, # syntax=),
                "file with no instructions", "unterminated heredoc", ...
  instructions  the parser accepted the file but a conservative subset of
                BuildKit's instruction-level checks (instructions.Parse, run by
                `docker build` before anything is built) fails:
                unknown instruction, an instruction other than ARG before the
                first FROM ("no build stage in current context"), FROM arity,
                instructions that need arguments but have none, COPY/ADD with
                fewer than two arguments. These are checks that a real
                `docker build` rejects on every BuildKit version; nothing
                version-dependent (flag names, etc.) is checked.
  --parser-only turns the second level off.

With --ok-list FILE it also writes the accepted paths (one per line, sorted)
to FILE; the corpus convention is /work/corpus/buildkit-ok.txt (strict:
both levels) and /work/corpus/buildkit-parse-ok.txt (--parser-only).
A summary (counts, error kinds) goes to stderr.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import re
import sys

try:
    import dockerfile  # type: ignore
except ImportError:  # pragma: no cover
    sys.stderr.write("error: the `dockerfile` package is missing: pip install dockerfile\n")
    sys.exit(2)

KNOWN = {c.upper() for c in dockerfile.all_cmds()}
# Instructions BuildKit rejects when given no argument at all.
NEED_ARGS = {"ENV", "LABEL", "EXPOSE", "VOLUME", "USER", "WORKDIR", "MAINTAINER",
             "STOPSIGNAL", "ONBUILD", "ARG", "FROM", "SHELL", "HEALTHCHECK"}


def is_dockerfile_name(name: str) -> bool:
    low = name.lower()
    return (low in ("dockerfile", "containerfile")
            or low.startswith("dockerfile.") or low.startswith("containerfile.")
            or low.endswith(".dockerfile"))


def iter_paths(args: list[str]):
    for a in args:
        if os.path.isdir(a):
            for root, dirs, files in os.walk(a):
                dirs.sort()
                for f in sorted(files):
                    if is_dockerfile_name(f):
                        yield os.path.join(root, f)
        else:
            yield a


def instruction_errors(cmds) -> str | None:
    seen_from = False
    for c in cmds:
        name = c.cmd.upper()
        where = f"line {c.start_line}: "
        if name not in KNOWN:
            return where + f"unknown instruction: {c.cmd}"
        if name == "ONBUILD":
            sub = (c.sub_cmd or "").upper()
            if not sub:
                return where + "ONBUILD requires at least one argument"
            if sub not in KNOWN:
                return where + f"unknown instruction: {c.sub_cmd}"
            if sub in ("ONBUILD", "FROM", "MAINTAINER"):
                return where + f"{sub} isn't allowed as an ONBUILD trigger"
            continue
        if name == "FROM":
            seen_from = True
            n = len(c.value)
            if n not in (1, 3) or (n == 3 and c.value[1].lower() != "as"):
                return where + "FROM requires either one or three arguments"
            continue
        if not seen_from and name != "ARG":
            return where + "no build stage in current context"
        if name in NEED_ARGS and len(c.value) == 0:
            return where + f"{name} requires at least one argument"
        if name in ("COPY", "ADD") and len(c.value) < 2:
            return where + f"{name} requires at least two arguments"
    if not seen_from:
        return "no FROM instruction (no build stage)"
    return None


def check(path: str, parser_only: bool) -> dict:
    try:
        cmds = dockerfile.parse_file(path)
    except dockerfile.GoIOError as e:
        return {"path": path, "ok": False, "level": "io", "error": str(e)}
    except dockerfile.GoParseError as e:
        return {"path": path, "ok": False, "level": "parse", "error": str(e)}
    except Exception as e:  # noqa: BLE001 - report anything else as a parse failure
        return {"path": path, "ok": False, "level": "parse", "error": f"{type(e).__name__}: {e}"}
    if not parser_only:
        err = instruction_errors(cmds)
        if err:
            return {"path": path, "ok": False, "level": "instructions", "error": err}
    return {"path": path, "ok": True, "level": "parse" if parser_only else "instructions", "error": ""}


def error_kind(err: str) -> str:
    err = re.sub(r"^line \d+: ", "", err)
    err = re.sub(r"^dockerfile parse error on line \d+: ", "", err)
    err = re.sub(r"unknown instruction: .*", "unknown instruction: <X>", err)
    err = re.sub(r"\d+", "N", err)
    return err[:90]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", default=["/work/corpus/dockerfiles"],
                    help="files or directories (default: /work/corpus/dockerfiles)")
    ap.add_argument("--ok-list", metavar="FILE", help="write accepted paths to FILE")
    ap.add_argument("--parser-only", action="store_true",
                    help="only BuildKit's parser, no instruction-level checks")
    ap.add_argument("--quiet", action="store_true", help="no JSON lines, only the summary")
    ns = ap.parse_args()

    ok_paths = []
    kinds: collections.Counter[str] = collections.Counter()
    levels: collections.Counter[str] = collections.Counter()
    examples: dict[str, str] = {}
    total = 0
    out = sys.stdout
    for p in iter_paths(ns.paths):
        total += 1
        r = check(p, ns.parser_only)
        if not ns.quiet:
            out.write(json.dumps(r) + "\n")
        if r["ok"]:
            ok_paths.append(p)
        else:
            k = f'{r["level"]}: {error_kind(r["error"])}'
            kinds[k] += 1
            levels[r["level"]] += 1
            examples.setdefault(k, p)
    if ns.ok_list:
        tmp = ns.ok_list + ".tmp"
        with open(tmp, "w") as f:
            for p in sorted(ok_paths):
                f.write(p + "\n")
        os.replace(tmp, ns.ok_list)
    err = sys.stderr
    err.write(f"files: {total}  accepted: {len(ok_paths)}  rejected: {total - len(ok_paths)}"
              f"  ({', '.join(f'{k}: {v}' for k, v in sorted(levels.items()))})\n")
    for k, v in kinds.most_common():
        err.write(f"  {v:5d}  {k}   e.g. {examples[k]}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
