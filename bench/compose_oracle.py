#!/usr/bin/env python3
"""Classify every corpus compose file with two independent oracles.

1. Compose v1 (Debian's ``docker-compose`` 1.29.2, the only Compose
   implementation installable here): ``docker-compose -f FILE config -q``, with
   the file copied alone into a fresh temporary project directory that holds
   only it and an empty ``.env``, run with an empty environment (only PATH, and
   HOME pointing into the temporary directory), under a timeout. Result:
   ``accepted`` (exit 0), ``rejected`` (with the error), ``timeout`` or
   ``error`` (docker-compose could not be run).

   Because the file is alone, a ``build:`` context directory or an ``env_file:``
   that the repository has next to it is missing, and v1 rejects the file for
   that. So a rejected file is retried with stubs: the missing build directory
   (an empty dir) or env file (an empty file) is created, if it lies inside the
   temporary directory, and the file is checked again, up to --max-stubs times.
   The column ``v1_stubbed`` says whether the file is accepted once the files it
   refers to exist (``-`` when no stub was tried). ``v1_category`` classifies
   the strict error (missing-build-context, missing-env-file, missing-file,
   interpolation, schema, yaml, unsupported-version, not-a-mapping, other).

2. The Compose Specification JSON schema (default
   /work/shared/schemas/compose-spec.json, draft-07) with ``jsonschema``. The
   YAML is read the way compose-go (go-yaml v3) reads it, not the PyYAML 1.1
   way: YAML 1.2 core scalars (``yes``/``no``/``on``/``off`` stay strings,
   ``22:22`` is a string, not a base-60 integer), ``<<`` merge keys and anchors
   resolved, a duplicate mapping key is an error (as in go-yaml v3),
   compose-go's `!reset` (the key is dropped) and `!override` tags are
   understood, and a multi-document file is an error here. Nothing is interpolated: ``${VAR}`` stays
   a string, which the schema accepts wherever interpolation is allowed.
   Result: ``valid`` / ``invalid`` with the best-matching error and its path.

Writes a TSV (default /work/corpus/compose-oracle.tsv), a header line, then one
line per file, sorted by path:

    path  compose_v1  schema  v1_category  v1_stubbed  v1_error  schema_error

``path`` is relative to the corpus directory; errors have tabs and newlines
turned into spaces and are cut at 400 characters. Prints a summary at the end.

    pip install jsonschema pyyaml        # if missing
    apt-get install -y --no-install-recommends docker-compose
    python3 bench/compose_oracle.py                      # whole corpus, 2 workers
    python3 bench/compose_oracle.py --jobs 1 some/compose.yaml
    python3 bench/compose_oracle.py --schema-only        # no docker-compose runs
    python3 bench/compose_oracle.py --reuse-v1 /work/corpus/compose-oracle.tsv
                         # redo the schema column, docker-compose only for new files

Runs at most 2 docker-compose processes at a time (the machine has 2 cores and
is shared). On the 1,695-file corpus it took 30 minutes on the busy shared
machine (about 1 s per file per worker; docker-compose 1.29 starts slowly).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

try:
    import jsonschema
except ImportError:  # pragma: no cover
    sys.exit("jsonschema is missing: pip install jsonschema")

CORPUS = Path("/work/corpus/compose")
OUT = Path("/work/corpus/compose-oracle.tsv")
SCHEMA = Path("/work/shared/schemas/compose-spec.json")
COMPOSE_NAMES = re.compile(r"^(docker-)?compose([._-].+)?\.ya?ml$", re.I)


# ---------------------------------------------------------------- YAML loader
class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema scalars and duplicate-key errors."""


Yaml12Loader.yaml_implicit_resolvers = {}
for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items():
    kept = [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
                           "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")]
    if kept:
        Yaml12Loader.yaml_implicit_resolvers[ch] = kept

Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+.0123456789"))


def _int12(loader, node):
    v = loader.construct_scalar(node)
    if v.startswith("0o"):
        return int(v[2:], 8)
    if v.startswith("0x"):
        return int(v[2:], 16)
    return int(v, 10)


def _float12(loader, node):
    v = loader.construct_scalar(node).lower()
    if v.endswith("inf"):
        return float("-inf") if v.startswith("-") else float("inf")
    if v == ".nan":
        return float("nan")
    return float(v)


def _mapping_no_dups(loader, node, deep=False):
    loader.flatten_mapping(node)  # resolves << merge keys first
    seen = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            continue
        if getattr(key_node, "_merged", False):
            continue  # keys spliced in by << may be overridden by explicit ones
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark,
                f"mapping key {key!r} already defined at line {seen[key] + 1}",
                key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


def _flatten_mark(loader, node):
    # Keys that come from a << merge may legitimately repeat explicit keys: mark
    # them before PyYAML splices them in front of the explicit ones.
    merged_keys = []
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            subs = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for sub in subs:
                if isinstance(sub, yaml.MappingNode):
                    for k, _ in sub.value:
                        merged_keys.append(k)
    for k in merged_keys:
        k._merged = True
    yaml.SafeLoader.flatten_mapping(loader, node)


Yaml12Loader.flatten_mapping = _flatten_mark
Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _int12)
Yaml12Loader.add_constructor("tag:yaml.org,2002:float", _float12)
Yaml12Loader.add_constructor("tag:yaml.org,2002:map", _mapping_no_dups)


# compose-go's own tags: `!reset` drops the key (or item) it is on, `!override`
# replaces rather than merges; for one file on its own both come down to: drop
# the !reset ones, keep the !override value as it is.
class _Reset:
    pass


RESET = _Reset()


def _reset(loader, node):
    return RESET


def _override(loader, node):
    if isinstance(node, yaml.MappingNode):
        return _mapping_no_dups(loader, node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


Yaml12Loader.add_constructor("!reset", _reset)
Yaml12Loader.add_constructor("!override", _override)


def _drop_resets(v):
    if isinstance(v, dict):
        return {k: _drop_resets(x) for k, x in v.items() if x is not RESET}
    if isinstance(v, list):
        return [_drop_resets(x) for x in v if x is not RESET]
    return v


def load_compose_yaml(text: str):
    docs = list(yaml.load_all(text, Loader=Yaml12Loader))
    if len(docs) > 1:
        raise ValueError(f"{len(docs)} YAML documents in one file")
    return _drop_resets(docs[0]) if docs else None


# ---------------------------------------------------------------- schema oracle
def schema_check(path: Path, validator) -> tuple[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        return "invalid", f"not UTF-8: {e}"
    try:
        data = load_compose_yaml(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        ctx = f" ({e.context})" if e.context else ""
        return "invalid", f"yaml: {e.problem}{where}{ctx}"
    except (yaml.YAMLError, ValueError, RecursionError) as e:
        return "invalid", "yaml: " + str(e)
    if data is None:
        return "invalid", "empty document"  # compose-go: "empty compose file"
    err = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if err is None:
        return "valid", ""
    where = "/".join(str(p) for p in err.absolute_path) or "(root)"
    return "invalid", f"{where}: {err.message}"


# ---------------------------------------------------------------- compose v1 oracle
WARN = re.compile(r"variable is not set\. Defaulting to a blank string\.$|^WARNING: ")
BUILD_PATH = re.compile(r"build path (/\S+) either does not exist")
ENV_FILE = re.compile(r"Couldn't find env file: (/\S+)")


def v1_category(err: str) -> str:
    if BUILD_PATH.search(err):
        return "missing-build-context"
    if ENV_FILE.search(err):
        return "missing-env-file"
    if "No such file or directory" in err or "FileNotFoundError" in err:
        return "missing-file"
    if "Invalid interpolation format" in err:
        return "interpolation"
    if re.search(r"Version in .* is unsupported|Version .* is invalid", err):
        return "unsupported-version"
    if "needs to be an object" in err or "Top level object" in err:
        return "not-a-mapping"
    if re.search(r"while (parsing|scanning)|mapping values are not allowed|found character|"
                 r"could not find expected|found undefined alias|expected <block end>|"
                 r"found duplicate anchor|yaml\.", err):
        return "yaml"
    if re.search(r"is invalid because|Additional properties are not allowed|contains an invalid type|"
                 r"Unsupported config option|does not match any of the regexes|is not allowed|"
                 r"contains unsupported option|should be|must be|is required|has neither|"
                 r"Invalid|invalid", err):
        return "schema"
    return "other"


def run_v1(cfg: Path, env: dict, timeout: float) -> tuple[str, str]:
    try:
        p = subprocess.run(["docker-compose", "-f", str(cfg), "config", "-q"],
                           cwd=cfg.parent, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=timeout,
                           errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", f"timed out after {timeout:g} s"
    except OSError as e:
        return "error", str(e)
    if p.returncode == 0:
        return "accepted", ""
    lines = [ln for ln in (p.stderr + "\n" + p.stdout).splitlines()
             if ln.strip() and not WARN.search(ln.strip())]
    return "rejected", " | ".join(lines)


def v1_check(path: Path, timeout: float, max_stubs: int) -> tuple[str, str, str, str]:
    """Returns (compose_v1, category, v1_stubbed, error)."""
    root = Path(tempfile.mkdtemp(prefix="hg-compose-oracle."))
    try:
        # Deep project dir so that '../..' build contexts stay inside root.
        proj = root / "a" / "b" / "c" / "d" / "project"
        proj.mkdir(parents=True)
        cfg = proj / path.name
        shutil.copyfile(path, cfg)
        (proj / ".env").write_text("")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(root),
               "LANG": "C.UTF-8"}
        status, err = run_v1(cfg, env, timeout)
        if status != "rejected":
            return status, "", "-", err
        cat = v1_category(err)
        stubbed = "-"
        cur_err = err
        for _ in range(max_stubs):
            m = BUILD_PATH.search(cur_err)
            e = ENV_FILE.search(cur_err)
            target = Path(m.group(1) if m else e.group(1)) if (m or e) else None
            if target is None:
                break
            try:
                target.resolve().relative_to(root.resolve())
            except ValueError:
                break  # outside the sandbox: leave it
            if target.exists():
                break
            if m:
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text("")
            s2, cur_err = run_v1(cfg, env, timeout)
            stubbed = "accepted" if s2 == "accepted" else "rejected"
            if s2 != "rejected":
                break
        return "rejected", cat, stubbed, err.replace(str(proj) + "/", "").replace(str(root), "$TMP")
    finally:
        shutil.rmtree(root, ignore_errors=True)


# ---------------------------------------------------------------- main
def clean(s: str, n: int = 400) -> str:
    s = re.sub(r"[\t\r\n]+", " ", s).strip()
    return s if len(s) <= n else s[: n - 3] + "..."


def collect(args) -> tuple[Path, list[Path]]:
    if not args.paths:
        base = args.corpus
        files = sorted(p for p in base.rglob("*") if p.is_file() and COMPOSE_NAMES.match(p.name))
        return base, files
    files = []
    for a in args.paths:
        p = Path(a)
        if p.is_dir():
            files.extend(sorted(q for q in p.rglob("*") if q.is_file() and COMPOSE_NAMES.match(q.name)))
        else:
            files.append(p)
    return args.corpus, files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", help="files or directories (default: the whole corpus)")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=None,
                    help=f"TSV to write (default {OUT} for the whole corpus, stdout otherwise)")
    ap.add_argument("--schema", type=Path, default=SCHEMA)
    ap.add_argument("--jobs", type=int, default=2, help="parallel docker-compose runs (1 or 2)")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--max-stubs", type=int, default=6)
    ap.add_argument("--schema-only", action="store_true", help="skip docker-compose")
    ap.add_argument("--reuse-v1", type=Path, default=None, metavar="TSV",
                    help="take the docker-compose columns from an earlier oracle TSV for the "
                         "files it lists (run docker-compose only for the others); the schema "
                         "check is always redone")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    jobs = max(1, min(args.jobs, 2))

    base, files = collect(args)
    if not files:
        print("no compose files found", file=sys.stderr)
        return 2
    out = args.out if args.out else (OUT if not args.paths else None)
    if not args.schema_only and shutil.which("docker-compose") is None:
        print("docker-compose missing: apt-get install -y --no-install-recommends docker-compose",
              file=sys.stderr)
        return 2

    schema = json.loads(args.schema.read_text())
    # The spec says "$schema": "https://json-schema.org/draft-07/schema" (no '#'),
    # which jsonschema does not recognise: use draft 7 explicitly.
    validator = jsonschema.Draft7Validator(schema)

    def rel(p: Path) -> str:
        try:
            return str(p.resolve().relative_to(base.resolve()))
        except ValueError:
            return str(p)

    rows = {}
    t0 = time.monotonic()
    for p in files:
        rows[p] = ["-", *schema_check(p, validator), "-", "-", ""]  # v1, schema, serr, cat, stub, v1err
    todo = list(files)
    if args.reuse_v1 and not args.schema_only:
        prev = {}
        with args.reuse_v1.open() as fh:
            next(fh, None)
            for line in fh:
                c = line.rstrip("\n").split("\t")
                if len(c) >= 6 and c[1] not in ("-", "error", "timeout"):
                    prev[c[0]] = c
        todo = []
        for p in files:
            c = prev.get(rel(p))
            if c:
                r = rows[p]
                r[0], r[3], r[4], r[5] = c[1], c[3], c[4], c[5]
            else:
                todo.append(p)
        if not args.quiet:
            print(f"reusing docker-compose results for {len(files) - len(todo)} files", file=sys.stderr)
    if not args.schema_only:
        done = 0
        with cf.ThreadPoolExecutor(max_workers=jobs) as ex:
            futs = {ex.submit(v1_check, p, args.timeout, args.max_stubs): p for p in todo}
            for fut in cf.as_completed(futs):
                p = futs[fut]
                try:
                    status, cat, stub, err = fut.result()
                except Exception as e:  # noqa: BLE001
                    status, cat, stub, err = "error", "other", "-", repr(e)
                r = rows[p]
                r[0], r[3], r[4], r[5] = status, cat or "-", stub, err
                done += 1
                if not args.quiet and done % 100 == 0:
                    print(f"  {done}/{len(todo)} ({time.monotonic() - t0:.0f} s)", file=sys.stderr)

    lines = ["path\tcompose_v1\tschema\tv1_category\tv1_stubbed\tv1_error\tschema_error"]
    for p in sorted(files, key=rel):
        v1, sch, serr, cat, stub, v1err = rows[p]
        lines.append("\t".join([rel(p), v1, sch, cat, stub, clean(v1err), clean(serr)]))
    text = "\n".join(lines) + "\n"
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(text)
        tmp.replace(out)
    else:
        sys.stdout.write(text)

    # Summary
    v1 = Counter(r[0] for r in rows.values())
    sch = Counter(r[1] for r in rows.values())
    cats = Counter(r[3] for r in rows.values() if r[0] == "rejected")
    stub = Counter(r[4] for r in rows.values() if r[0] == "rejected")
    both = Counter((r[0], r[1]) for r in rows.values())
    say = (lambda *a: print(*a, file=sys.stderr)) if not out else print
    say(f"files: {len(files)}  ({time.monotonic() - t0:.0f} s)")
    if not args.schema_only:
        say("compose v1: " + ", ".join(f"{k} {v}" for k, v in v1.most_common()))
        say("  rejected by category: " + ", ".join(f"{k} {v}" for k, v in cats.most_common()))
        say("  rejected, then with stubbed build dirs / env files: "
            + ", ".join(f"{k} {v}" for k, v in stub.most_common()))
    say("schema: " + ", ".join(f"{k} {v}" for k, v in sch.most_common()))
    if not args.schema_only:
        say("v1 x schema: " + ", ".join(f"{a}/{b} {n}" for (a, b), n in sorted(both.items())))
    if out:
        say(f"written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
