#!/usr/bin/env python3
"""Zero-parse-errors check: hullguard on the files BuildKit accepts.

Runs `$HULLGUARD scan FILE... --format json` over every path listed in the
BuildKit oracle's accept list (default /work/corpus/buildkit-ok.txt, written
by bench/buildkit_oracle.py), in batches, and counts findings whose rule name
(JSON field `name`) is `parse-error`. Prints the offending files and the
messages; exits 0 when there are none, 1 when there are, 2 when hullguard is
missing, crashes (exit code not in --ok-exit, or a signal) or prints
something that is not JSON. A crashing batch is re-run file by file to name
the files that crash it.

The JSON shape is not assumed: the output (one JSON document, or JSON lines)
is walked recursively; every object with "name" == RULE is a finding, and its
file is taken from the first of path/file/filename/uri found on the object,
on a nested location/span object, or on an enclosing object.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys

PATH_KEYS = ("path", "file", "filename", "file_path", "uri")
NESTED_KEYS = ("location", "span", "loc", "position", "range")


def find_path(obj: dict) -> str | None:
    for k in PATH_KEYS:
        v = obj.get(k)
        if isinstance(v, str):
            return v
    for nk in NESTED_KEYS:
        v = obj.get(nk)
        if isinstance(v, dict):
            p = find_path(v)
            if p:
                return p
    return None


def walk(obj, rule: str, ctx: str | None, out: list):
    if isinstance(obj, dict):
        here = find_path(obj) or ctx
        if obj.get("name") == rule or obj.get("rule") == rule or obj.get("code") == rule:
            out.append((here, obj))
        for v in obj.values():
            if isinstance(v, (dict, list)):
                walk(v, rule, here, out)
    elif isinstance(obj, list):
        for v in obj:
            walk(v, rule, ctx, out)


def parse_output(text: str):
    text = text.strip()
    if not text:
        return []
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        docs = []
        for line in text.splitlines():
            line = line.strip()
            if line:
                docs.append(json.loads(line))  # raises if not JSON lines either
        return docs


def message_of(f: dict) -> str:
    for k in ("message", "msg", "description", "text"):
        if isinstance(f.get(k), str):
            return f[k]
    return json.dumps(f)[:200]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ok-list", default="/work/corpus/buildkit-ok.txt",
                    help="BuildKit-accepted files, one per line (default %(default)s)")
    ap.add_argument("--hullguard", default=os.environ.get("HULLGUARD", "./target/release/hullguard"),
                    help="hullguard binary (default $HULLGUARD or ./target/release/hullguard)")
    ap.add_argument("--rule", default="parse-error", help="rule name to count (default %(default)s)")
    ap.add_argument("--batch", type=int, default=1000, help="files per hullguard run (default %(default)s)")
    ap.add_argument("--ok-exit", default="0,1",
                    help="exit codes that mean 'ran fine' (default %(default)s)")
    ap.add_argument("--extra-args", default="", help="extra arguments for `hullguard scan`")
    ap.add_argument("--rejected", action="store_true",
                    help="reverse check: run on the corpus files NOT in --parse-ok-list (those BuildKit's "
                         "parser rejects) and list the ones on which hullguard reports no parse-error "
                         "(informational; exit 0 unless hullguard crashes)")
    ap.add_argument("--parse-ok-list", default="/work/corpus/buildkit-parse-ok.txt",
                    help="parser-level accept list for --rejected (default %(default)s)")
    ap.add_argument("--corpus", default="/work/corpus/dockerfiles", help="corpus dir for --rejected")
    ap.add_argument("files", nargs="*", help="check these files instead of the ok-list")
    ns = ap.parse_args()

    hg = ns.hullguard
    if not (os.path.isfile(hg) and os.access(hg, os.X_OK)):
        sys.stderr.write(f"error: hullguard binary not found at '{hg}'.\n"
                         "Build it with `cargo build --release -p hullguard-cli` or pass --hullguard / set HULLGUARD.\n")
        return 2
    label = "BuildKit-accepted"
    if ns.files:
        files = ns.files
        label = "given"
    elif ns.rejected:
        with open(ns.parse_ok_list) as f:
            ok = {l.rstrip("\n") for l in f}
        files = sorted(os.path.join(r, n) for r, _, fs in os.walk(ns.corpus) for n in fs
                       if os.path.join(r, n) not in ok)
        label = "BuildKit-rejected"
    else:
        if not os.path.isfile(ns.ok_list):
            sys.stderr.write(f"error: {ns.ok_list} missing: run bench/buildkit_oracle.py --ok-list {ns.ok_list}\n")
            return 2
        with open(ns.ok_list) as f:
            files = [l.rstrip("\n") for l in f if l.strip()]
    ok_exit = {int(x) for x in ns.ok_exit.split(",") if x.strip()}
    extra = ns.extra_args.split()

    def run(batch):
        p = subprocess.run([hg, "scan", *batch, "--format", "json", *extra],
                           capture_output=True, text=True, errors="replace")
        return p.returncode, p.stdout, p.stderr

    findings: list[tuple[str | None, dict]] = []
    broken: list[tuple[str, str]] = []
    for i in range(0, len(files), ns.batch):
        batch = files[i:i + ns.batch]
        rc, out, err = run(batch)
        docs = None
        if rc in ok_exit:
            try:
                docs = parse_output(out)
            except json.JSONDecodeError:
                docs = None
        if docs is None:
            sys.stderr.write(f"batch {i // ns.batch}: exit {rc}, {'non-JSON output' if rc in ok_exit else 'crash?'}"
                             f"; re-running {len(batch)} files one by one\n{err[-500:]}\n")
            for f in batch:
                rc1, out1, err1 = run([f])
                try:
                    d1 = parse_output(out1) if rc1 in ok_exit else None
                except json.JSONDecodeError:
                    d1 = None
                if d1 is None:
                    broken.append((f, f"exit {rc1}: {err1.strip()[-300:]}"))
                    continue
                for d in d1:
                    walk(d, ns.rule, None, findings)
            continue
        for d in docs:
            walk(d, ns.rule, None, findings)

    by_file: dict[str, list[str]] = collections.defaultdict(list)
    for path, f in findings:
        by_file[path or "<unknown file>"].append(message_of(f))
    print(f"files checked ({label}): {len(files)}")
    print(f"`{ns.rule}` findings: {len(findings)} in {len(by_file)} files")
    for path in sorted(by_file):
        msgs = by_file[path]
        print(f"  {path}: {len(msgs)}  ({msgs[0][:160]})")
    if broken:
        print(f"hullguard crashed or printed non-JSON on {len(broken)} files:")
        for f, why in broken:
            print(f"  {f}: {why}")
        return 2
    if ns.rejected:
        missed = [f for f in files if f not in by_file]
        print(f"BuildKit-rejected files without a `{ns.rule}` finding: {len(missed)}")
        for f in missed:
            print(f"  {f}")
        return 0
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
