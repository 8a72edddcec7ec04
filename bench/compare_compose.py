#!/usr/bin/env python3
"""Compare compose-lint's and hullguard's findings on the compose corpus, by category.

Reads the per-file results that bench/run-compose-bench.sh writes into
/work/corpus/compose-results/ (<tool>.findings.tsv and <tool>.files.tsv) and,
if present, the oracle verdicts of bench/compose_oracle.py
(/work/corpus/compose-oracle.tsv). Prints a Markdown table of findings by
category (counts per tool, files per tool, files where both / only one tool
report the category) and, per category, up to --samples paths where the tools
disagree, each with its oracle verdict, so that every difference can be
explained. All disagreements go to compose-results/disagreements.tsv.

    python3 bench/compare_compose.py                          # hullguard file-list run
    python3 bench/compare_compose.py --hullguard-run hullguard-dir
    python3 bench/compare_compose.py --category privileged --samples 50

A file counts for a category when the tool reports at least one finding of a
rule mapped to it in that file. Disagreements are counted only over files that
compose-lint linted (not the ones it skipped as Compose v1 / fragments or
rejected as unparsable: those are listed apart) unless --all-files is given.

compose-lint 0.36.2 rules (read from its source, compose_lint/rules/*.py;
CL-0012, CL-0015 and CL-0023 were retired before 1.0 and do not exist):

  CL-0001  critical  Host control socket exposed: a runtime socket (docker,
                     containerd, podman, ...) or systemd's, or a directory holding
                     one, bind-mounted into the container (even read-only).
  CL-0002  critical  Privileged mode enabled (`privileged: true`).
  CL-0003  medium    Privilege escalation not blocked: no
                     `security_opt: [no-new-privileges:true]`.
  CL-0004  medium    Image not pinned to a version: no tag or `:latest` (mutable tag).
  CL-0005  medium    Ports bound to all interfaces: a published port without a
                     host IP, or bound to 0.0.0.0 / ::.
  CL-0006  medium    No capability restrictions: `cap_drop: [ALL]` missing.
  CL-0007  low       Filesystem not read-only: `read_only: true` missing.
  CL-0008  high      Host network mode (`network_mode: host`).
  CL-0009  high      Security profile disabled: seccomp:unconfined,
                     apparmor:unconfined or label:disable (SELinux) in security_opt.
  CL-0010  high      Host namespace sharing: `pid: host` or `ipc: host`.
  CL-0011  high      Strong host-adjacent capability added: NET_ADMIN, BPF, SYS_BOOT.
  CL-0013  high      Sensitive host path exposed: /sys, /dev, /home mounted, or a
                     root-equivalent host path mounted read-only.
  CL-0014  low       Logging driver disabled (`logging: driver: none`).
  CL-0016  critical  Dangerous host device exposed (raw memory, I/O ports, block
                     devices) via `devices:` or `device_cgroup_rules:`.
  CL-0017  low       Shared mount propagation (`shared` / `rshared` on a bind mount;
                     slave/rslave are not flagged).
  CL-0018  medium    Explicit root user (`user: root`, `0`, `root:...`, `0:...`); an
                     unset user is not flagged.
  CL-0019  medium    Image tag without digest (no `@sha256:` pin).
  CL-0020  high      Credential-shaped environment key (PASSWORD, TOKEN, SECRET,
                     API_KEY, *_PASS ...) with a literal value.
  CL-0021  high      Credential embedded in a connection-string environment value
                     (`scheme://user:password@host`).
  CL-0022  low       tmpfs mount re-enables exec or suid.
  CL-0024  critical  Host-code-execution capability added: ALL, SYS_ADMIN,
                     SYS_MODULE, SYS_RAWIO.
  CL-0025  critical  Root-equivalent host path mounted writable (/, /etc, /root,
                     /boot, /proc, /var/lib/docker, /usr, /bin ...).
  CL-0026  medium    No resource limits: the service lacks a memory limit (mem_limit /
                     deploy.resources.limits.memory) or a CPU limit (cpus / cpu_quota /
                     deploy limits); one finding per service.
  CL-0027  medium    Bounded-grant capability added: SYS_PTRACE, DAC_READ_SEARCH.
  CL-0028  high      Host-reaching capability added: PERFMON, SYS_TIME.
  CL-0029  high      Host-availability capability added: SYS_NICE, IPC_LOCK, LEASE.
  CL-0030  high      Host-disclosure capability added: SYSLOG.

Edit CL_CATEGORY / HG_CATEGORY below to change the mapping; a rule seen in the
results but missing from the mapping is listed under "unmapped" (category
"other:<rule>").
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

RESULTS = Path("/work/corpus/compose-results")
ORACLE = Path("/work/corpus/compose-oracle.tsv")

# ----------------------------------------------------------------------------
# The mapping. Keys: rule IDs; values: category names. Edit freely.
# ----------------------------------------------------------------------------
CL_CATEGORY: dict[str, str] = {
    "CL-0001": "runtime-socket",          # host control socket mounted
    "CL-0002": "privileged",
    "CL-0003": "no-new-privileges",
    "CL-0004": "image-tag",               # untagged / :latest
    "CL-0005": "ports-all-interfaces",
    "CL-0006": "capabilities-not-dropped",
    "CL-0007": "read-only-rootfs",
    "CL-0008": "host-network",
    "CL-0009": "security-profile-disabled",  # seccomp / apparmor / selinux
    "CL-0010": "host-pid-ipc",
    "CL-0011": "capability-added",        # NET_ADMIN, BPF, SYS_BOOT
    "CL-0013": "sensitive-mount",
    "CL-0014": "logging-disabled",
    "CL-0016": "host-device",
    "CL-0017": "mount-propagation",
    "CL-0018": "root-user",
    "CL-0019": "image-digest",
    "CL-0020": "secret-in-env",           # credential-shaped key with a literal value
    "CL-0021": "secret-in-env",           # user:password@ in a connection string
    "CL-0022": "tmpfs-exec",
    "CL-0024": "capability-added",        # ALL, SYS_ADMIN, SYS_MODULE, SYS_RAWIO
    "CL-0025": "sensitive-mount",         # root-equivalent host path, writable
    "CL-0026": "resource-limits",         # memory or CPU
    "CL-0027": "capability-added",        # SYS_PTRACE, DAC_READ_SEARCH
    "CL-0028": "capability-added",        # PERFMON, SYS_TIME
    "CL-0029": "capability-added",        # SYS_NICE, IPC_LOCK, LEASE
    "CL-0030": "capability-added",        # SYSLOG
}

HG_CATEGORY: dict[str, str] = {
    "CT001": "privileged",                # privileged-container
    "CT002": "root-user",                 # container-root-user
    "CT003": "capability-added",          # dangerous-capability
    "CT004": "capabilities-not-dropped",  # capabilities-not-dropped
    "CT005": "host-network",              # host-network
    "CT006": "host-pid-ipc",              # host-pid
    "CT007": "host-pid-ipc",              # host-ipc
    "CT008": "host-namespace-other",      # host-uts
    "CT009": "host-namespace-other",      # host-userns
    "CT010": "host-namespace-other",      # host-cgroupns
    "CT011": "shared-namespace",          # shared-namespace (container:<name>)
    "CT012": "runtime-socket",            # runtime-socket-mount
    "CT013": "sensitive-mount",           # sensitive-host-mount
    "CT014": "mount-propagation",         # shared-mount-propagation
    "CT015": "read-only-rootfs",          # writable-root-filesystem
    "CT016": "tmpfs-exec",                # executable-tmpfs
    "CT017": "security-profile-disabled", # seccomp-unconfined
    "CT018": "security-profile-disabled", # apparmor-unconfined
    "CT019": "security-profile-disabled", # selinux-disabled
    "CT020": "no-new-privileges",         # privilege-escalation-allowed
    "CT021": "resource-limits",           # unlimited-memory
    "CT022": "resource-limits",           # unlimited-cpu
    "CT023": "pids-limit",                # unlimited-pids
    "CT024": "oom-killer-disabled",       # oom-killer-disabled
    "CT025": "ports-all-interfaces",      # all-interfaces-port
    "CT026": "privileged-host-port",      # privileged-host-port
    "CT027": "publish-all-ports",         # publish-all-ports
    "CT028": "host-device",               # host-device
    "CT029": "unsafe-sysctl",             # unsafe-sysctl
    "CT030": "restart-policy",            # unlimited-restarts
    "CT031": "healthcheck",               # missing-container-healthcheck
    "CT032": "secret-in-env",             # environment-secret
    "CT033": "image-tag",                 # unpinned-image
    "CT034": "image-digest",              # image-without-digest
    "CT035": "logging-disabled",          # logging-disabled
    "CT036": "cgroup-parent",             # custom-cgroup-parent
    "CT037": "weak-runtime",              # weak-runtime
    "CT038": "default-bridge-network",    # default-bridge-network
    "HG001": "parse-error",               # parse-error
    "HG003": "unused-suppression",        # unused-suppression
    "HG004": "invalid-config",            # invalid-container-config
}

# Categories only one tool has by design (listed, but not called disagreements).
ONE_SIDED_NOTE = "only one tool has a rule for this"


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def category(rule: str, mapping: dict[str, str]) -> str:
    return mapping.get(rule) or f"other:{rule}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--oracle", type=Path, default=ORACLE)
    ap.add_argument("--hullguard-run", default="hullguard",
                    help="hullguard (file list, default) or hullguard-dir (directory scan)")
    ap.add_argument("--samples", type=int, default=5, help="paths shown per side per category")
    ap.add_argument("--category", action="append", default=[],
                    help="only these categories (repeatable)")
    ap.add_argument("--all-files", action="store_true",
                    help="count disagreements also in files compose-lint did not lint")
    args = ap.parse_args()

    res = args.results
    cl_f, hg_f = res / "compose-lint.findings.tsv", res / f"{args.hullguard_run}.findings.tsv"
    missing = [str(p) for p in (cl_f, hg_f) if not p.exists()]
    if missing:
        print("missing results: " + ", ".join(missing)
              + "\nrun bench/run-compose-bench.sh first (hullguard needs compose support)",
              file=sys.stderr)
        return 2

    cl_rows, hg_rows = read_tsv(cl_f), read_tsv(hg_f)
    cl_status = {r["file"]: (r["status"], r["detail"]) for r in read_tsv(res / "compose-lint.files.tsv")}
    hg_status_p = res / f"{args.hullguard_run}.files.tsv"
    hg_status = {r["file"]: (r["status"], r["detail"]) for r in read_tsv(hg_status_p)} if hg_status_p.exists() else {}
    oracle = {}
    if args.oracle.exists():
        for r in read_tsv(args.oracle):
            oracle[r["path"]] = (r["compose_v1"], r["schema"])
    all_files = sorted(set(cl_status) | set(hg_status))

    # per (tool, category): Counter(file -> findings)
    per = {"cl": defaultdict(Counter), "hg": defaultdict(Counter)}
    rules_by_cat = {"cl": defaultdict(Counter), "hg": defaultdict(Counter)}
    for side, rows, mapping in (("cl", cl_rows, CL_CATEGORY), ("hg", hg_rows, HG_CATEGORY)):
        for r in rows:
            cat = category(r["rule"], mapping)
            per[side][cat][r["file"]] += 1
            rules_by_cat[side][cat][r["rule"]] += 1

    mapped_cats = set(CL_CATEGORY.values()) | set(HG_CATEGORY.values())
    cats = sorted(set(per["cl"]) | set(per["hg"]) | (mapped_cats - {"parse-error", "invalid-config",
                                                                    "unused-suppression"}))
    if args.category:
        cats = [c for c in cats if c in args.category]
    cl_cats_defined = set(CL_CATEGORY.values())
    hg_cats_defined = set(HG_CATEGORY.values())

    linted = {f for f, (st, _) in cl_status.items() if st == "linted"}
    universe = set(all_files) if args.all_files else linted

    def fmt_rules(c: Counter) -> str:
        return ", ".join(f"{k}" for k, _ in sorted(c.items())) or "-"

    def ann(f: str) -> str:
        o = oracle.get(f)
        bits = []
        if o:
            bits.append(f"v1 {o[0]}, schema {o[1]}")
        st = cl_status.get(f, ("?", ""))[0]
        if st != "linted":
            bits.append(f"compose-lint {st}")
        return f"{f} ({'; '.join(bits)})" if bits else f

    # ---- overview -------------------------------------------------------------
    n_files = len(all_files)
    st_cl = Counter(s for s, _ in cl_status.values())
    st_hg = Counter(s for s, _ in hg_status.values())
    print(f"# compose-lint vs {args.hullguard_run}\n")
    print(f"Files: {n_files}. compose-lint: " + ", ".join(f"{k} {v}" for k, v in st_cl.most_common())
          + f". {args.hullguard_run}: " + ", ".join(f"{k} {v}" for k, v in st_hg.most_common()) + ".")
    print(f"Findings: compose-lint {len(cl_rows)} in {len({r['file'] for r in cl_rows})} files; "
          f"{args.hullguard_run} {len(hg_rows)} in {len({r['file'] for r in hg_rows})} files.")
    if oracle:
        v1 = Counter(v for v, _ in oracle.values())
        sc = Counter(s for _, s in oracle.values())
        print("Oracle: docker-compose v1 " + ", ".join(f"{k} {v}" for k, v in v1.most_common())
              + "; schema " + ", ".join(f"{k} {v}" for k, v in sc.most_common()) + ".")
    print(f"Disagreements counted over {len(universe)} files"
          + (" (all)." if args.all_files else " (those compose-lint linted; --all-files for every file)."))
    print()
    print("| category | compose-lint rules | hullguard rules | CL findings | HG findings "
          "| CL files | HG files | both | CL only | HG only |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    disagreements = []
    details = []
    for cat in cats:
        cf, hf = per["cl"].get(cat, Counter()), per["hg"].get(cat, Counter())
        cl_files, hg_files = set(cf) & universe, set(hf) & universe
        both = cl_files & hg_files
        cl_only, hg_only = sorted(cl_files - hg_files), sorted(hg_files - cl_files)
        one_sided = not ((cat in cl_cats_defined) and (cat in hg_cats_defined))
        cl_rules = fmt_rules(rules_by_cat["cl"].get(cat, Counter())) if cf else \
            ", ".join(sorted(k for k, v in CL_CATEGORY.items() if v == cat)) or "-"
        hg_rules = fmt_rules(rules_by_cat["hg"].get(cat, Counter())) if hf else \
            ", ".join(sorted(k for k, v in HG_CATEGORY.items() if v == cat)) or "-"
        mark = " *" if one_sided else ""
        print(f"| {cat}{mark} | {cl_rules} | {hg_rules} | {sum(cf.values())} | {sum(hf.values())} "
              f"| {len(set(cf))} | {len(set(hf))} | {len(both)} | {len(cl_only)} | {len(hg_only)} |")
        for f in cl_only:
            disagreements.append((cat, "compose-lint-only", f, cf[f], 0))
        for f in hg_only:
            disagreements.append((cat, "hullguard-only", f, 0, hf[f]))
        if (cl_only or hg_only) and not one_sided:
            details.append((cat, cl_only, hg_only, cf, hf))
    print()
    print("(* = a category only one tool has a rule for; CL/HG files count every file, "
          "both/only count the files in the disagreement universe)")

    # ---- disagreements ---------------------------------------------------------
    if details:
        print("\n## Disagreements (both tools have rules for the category)\n")
    for cat, cl_only, hg_only, cf, hf in details:
        print(f"### {cat}: compose-lint only {len(cl_only)}, hullguard only {len(hg_only)}\n")
        for label, files, cnt in (("compose-lint only", cl_only, cf), ("hullguard only", hg_only, hf)):
            if not files:
                continue
            print(f"{label}:")
            for f in files[: args.samples]:
                print(f"- {ann(f)} [{cnt[f]}]")
            if len(files) > args.samples:
                print(f"- ... {len(files) - args.samples} more (disagreements.tsv)")
            print()

    # ---- files compose-lint did not lint ---------------------------------------
    not_linted = sorted(f for f, (st, _) in cl_status.items() if st != "linted")
    if not_linted and not args.category:
        hg_any = Counter(r["file"] for r in hg_rows)
        print(f"## Files compose-lint did not lint: {len(not_linted)}\n")
        reasons = Counter()
        for f in not_linted:
            st, detail = cl_status[f]
            key = detail.split(".")[0][:90] if st == "skipped" else (detail.split(":")[0] or st)
            reasons[(st, key)] += 1
        for (st, key), n in reasons.most_common():
            print(f"- {st}: {key} — {n}")
        with_hg = [f for f in not_linted if hg_any.get(f)]
        print(f"\n{len(with_hg)} of them have {args.hullguard_run} findings; e.g.:")
        for f in with_hg[: args.samples]:
            print(f"- {ann(f)} [{hg_any[f]}]")
        print()

    # ---- unmapped rules ---------------------------------------------------------
    unmapped = sorted({r["rule"] for r in cl_rows if r["rule"] not in CL_CATEGORY}
                      | {r["rule"] for r in hg_rows if r["rule"] not in HG_CATEGORY})
    if unmapped:
        print("## Unmapped rules (add them to CL_CATEGORY / HG_CATEGORY)\n")
        print(", ".join(unmapped))
        print()

    out = res / "disagreements.tsv"
    with out.open("w") as fh:
        fh.write("category\tside\tfile\tcompose_lint_findings\thullguard_findings\tcompose_v1\tschema\n")
        for cat, side, f, a, b in disagreements:
            o = oracle.get(f, ("-", "-"))
            fh.write(f"{cat}\t{side}\t{f}\t{a}\t{b}\t{o[0]}\t{o[1]}\n")
    print(f"(all {len(disagreements)} disagreements, one-sided categories included: {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
