//! Fixture harness of the live audit: every `tests/fixtures/audit/NAME.json` is a
//! [`Snapshot`] (the format `hullguard audit --save` writes), audited by
//! `check_snapshot`, and `NAME.expect` beside it lists what must come out.
//!
//! # The `.expect` format
//!
//! One item per line; `#` starts a comment line, blank lines are ignored.
//!
//! - `select: KEY KEY ...`: the rules to run (codes, code prefixes such as `DM`,
//!   names, or `ALL`; default-off rules run when selected). Without it, every
//!   rule runs. Findings of unselected rules are not expected.
//! - `CODE SEVERITY KIND NAME POINTER`: one finding: rule code, effective
//!   severity, object kind and name, and the JSON pointer (`(root)` for the
//!   document itself). Repeat the line for several identical findings.
//! - `note: TEXT`: a note containing `TEXT`.
//!
//! The harness fails on any missing or extra finding or note. It also checks
//! that messages are lower-case fragments without a trailing period, that every
//! finding has help and a unique fingerprint starting with its code, and that
//! every pointer names a value of the document it points into.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hullguard_diagnostics::{Finding, Location, Severity};
use hullguard_rules::{all_rules, check_snapshot, selects, CheckOptions};
use hullguard_snapshot::Snapshot;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audit")
}

/// One expected or actual finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Line {
    code: String,
    severity: String,
    kind: String,
    name: String,
    pointer: String,
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        };
        write!(
            f,
            "{} {} {} {} {p}",
            self.code, self.severity, self.kind, self.name
        )
    }
}

struct Expect {
    select: Option<Vec<String>>,
    findings: Vec<Line>,
    notes: Vec<String>,
}

fn parse_expect(path: &Path) -> Expect {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Expect {
        select: None,
        findings: Vec::new(),
        notes: Vec::new(),
    };
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(rest) = t.strip_prefix("select:") {
            out.select = Some(rest.split_whitespace().map(str::to_string).collect());
        } else if let Some(rest) = t.strip_prefix("note:") {
            out.notes.push(rest.trim().to_string());
        } else {
            let mut words = t.splitn(5, ' ');
            let mut next = || {
                words
                    .next()
                    .unwrap_or_else(|| {
                        panic!(
                            "{}:{}: `CODE SEVERITY KIND NAME POINTER`",
                            path.display(),
                            n + 1
                        )
                    })
                    .to_string()
            };
            let (code, severity, kind, name, pointer) = (next(), next(), next(), next(), next());
            assert!(
                Severity::parse(&severity).is_some(),
                "{}:{}: bad severity `{severity}`",
                path.display(),
                n + 1
            );
            out.findings.push(Line {
                code,
                severity,
                kind,
                name,
                pointer: if pointer == "(root)" {
                    String::new()
                } else {
                    pointer
                },
            });
        }
    }
    out
}

fn options(select: &Option<Vec<String>>) -> CheckOptions {
    CheckOptions {
        enabled: all_rules()
            .into_iter()
            .filter(|r| match select {
                None => true,
                Some(keys) => keys.iter().any(|k| selects(k, r)),
            })
            .map(|r| r.code)
            .collect(),
        ..CheckOptions::default()
    }
}

fn line(f: &Finding) -> Line {
    let Location::Object {
        kind,
        name,
        pointer,
    } = &f.location
    else {
        panic!("audit finding in a file: {f:?}");
    };
    Line {
        code: f.rule.code.to_string(),
        severity: f.severity.to_string(),
        kind: kind.clone(),
        name: name.clone(),
        pointer: pointer.clone(),
    }
}

fn load(path: &Path) -> Snapshot {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{}: not a snapshot: {e}", path.display()))
}

/// Unescapes one RFC 6901 token.
fn unescape(t: &str) -> String {
    t.replace("~1", "/").replace("~0", "~")
}

/// Whether a finding's pointer names a value of the document it points into.
fn resolves(snap: &Snapshot, kind: &str, name: &str, pointer: &str) -> bool {
    let by_name = |docs: &[Value], field: &str| -> Option<Value> {
        docs.iter()
            .find(|d| d.pointer(field).and_then(Value::as_str) == Some(name))
            .cloned()
    };
    let doc: Option<Value> = match kind {
        "container" => snap
            .containers
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.inspect.clone()),
        "image" => snap
            .images
            .iter()
            .find(|i| {
                let tags = i.inspect.get("RepoTags").and_then(Value::as_array);
                tags.and_then(|t| t.first()).and_then(Value::as_str) == Some(name)
                    || i.id.trim_start_matches("sha256:").starts_with(name)
            })
            .map(|i| {
                let mut d = i.inspect.clone();
                d["History"] = i.history.clone();
                d
            }),
        "network" => by_name(&snap.networks, "/Name"),
        "swarm" => snap.swarm.as_ref().map(|s| s.swarm.clone()),
        "node" => snap
            .swarm
            .as_ref()
            .and_then(|s| by_name(&s.nodes, "/Description/Hostname")),
        "service" => snap
            .swarm
            .as_ref()
            .and_then(|s| by_name(&s.services, "/Spec/Name")),
        "daemon" => {
            let host = snap.host.as_ref();
            let daemon_json = host
                .and_then(|h| h.daemon_json.as_ref())
                .and_then(|f| f.content.as_deref())
                .and_then(|c| serde_json::from_str::<Value>(c).ok())
                .unwrap_or(Value::Null);
            let args = host
                .and_then(|h| h.dockerd_args.clone())
                .map_or(Value::Null, Value::from);
            Some(serde_json::json!({
                "info": snap.info,
                "version": snap.version,
                "args": args,
                "daemon.json": daemon_json,
            }))
        }
        "host" => {
            let path = unescape(pointer);
            let host = snap.host.as_ref();
            let known = host.is_some_and(|h| {
                h.files.iter().any(|f| f.path == path)
                    || h.daemon_json.as_ref().is_some_and(|f| f.path == path)
                    || h.dockerd_args.as_ref().and_then(|a| a.first()) == Some(&path)
                    || h.containerd_args.as_ref().and_then(|a| a.first()) == Some(&path)
            }) || snap.info.get("DockerRootDir").and_then(Value::as_str) == Some(&path);
            return known;
        }
        _ => None,
    };
    doc.is_some_and(|d| pointer.is_empty() || d.pointer(pointer).is_some())
}

fn is_fragment(m: &str) -> bool {
    let mut chars = m.chars();
    let first_upper = chars.next().is_some_and(char::is_uppercase)
        && !chars.next().is_some_and(char::is_uppercase);
    !m.is_empty() && !first_upper && !m.ends_with('.')
}

fn fixtures() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    out.sort();
    out
}

#[test]
fn every_audit_fixture_passes() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for path in fixtures() {
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let exp_path = path.with_extension("expect");
        if !exp_path.exists() {
            failures.push(format!("{stem}: no {}", exp_path.display()));
            continue;
        }
        ran += 1;
        let snap = load(&path);
        let exp = parse_expect(&exp_path);
        let res = check_snapshot(&snap, &options(&exp.select));
        let mut want: Vec<Line> = exp.findings.clone();
        want.sort();
        let mut got: Vec<Line> = res.findings.iter().map(line).collect();
        got.sort();
        if want != got {
            let want_set: BTreeMap<String, usize> =
                want.iter().fold(BTreeMap::new(), |mut m, l| {
                    *m.entry(l.to_string()).or_default() += 1;
                    m
                });
            let got_set: BTreeMap<String, usize> = got.iter().fold(BTreeMap::new(), |mut m, l| {
                *m.entry(l.to_string()).or_default() += 1;
                m
            });
            let mut diff = Vec::new();
            for (l, n) in &want_set {
                let g = got_set.get(l).copied().unwrap_or(0);
                if g < *n {
                    diff.push(format!("  missing: {l}"));
                }
            }
            for (l, n) in &got_set {
                let w = want_set.get(l).copied().unwrap_or(0);
                if w < *n {
                    let msg = res
                        .findings
                        .iter()
                        .find(|f| line(f).to_string() == *l)
                        .map(|f| f.message.clone())
                        .unwrap_or_default();
                    diff.push(format!("  extra:   {l}    ({msg})"));
                }
            }
            failures.push(format!("{stem}:\n{}", diff.join("\n")));
        }
        // Notes: each expected one matches one actual note, and no note is
        // unexpected.
        let mut unmatched: Vec<&String> = res.notes.iter().collect();
        for n in &exp.notes {
            match unmatched.iter().position(|a| a.contains(n.as_str())) {
                Some(i) => {
                    unmatched.remove(i);
                }
                None => failures.push(format!(
                    "{stem}: no note contains `{n}`; notes: {:#?}",
                    res.notes
                )),
            }
        }
        for n in unmatched {
            failures.push(format!("{stem}: unexpected note `{n}`"));
        }
        let mut fps = BTreeSet::new();
        for f in &res.findings {
            let l = line(f);
            if !is_fragment(&f.message) {
                failures.push(format!(
                    "{stem}: {l}: message is not a lower-case fragment: {:?}",
                    f.message
                ));
            }
            if f.help.is_none() {
                failures.push(format!("{stem}: {l}: no help"));
            }
            if !f.fingerprint.starts_with(f.rule.code) || !fps.insert(f.fingerprint.clone()) {
                failures.push(format!(
                    "{stem}: {l}: bad or repeated fingerprint {}",
                    f.fingerprint
                ));
            }
            if !resolves(&snap, &l.kind, &l.name, &l.pointer) {
                failures.push(format!("{stem}: {l}: the pointer names nothing"));
            }
        }
        for n in &res.notes {
            if !is_fragment(n) {
                failures.push(format!("{stem}: note is not a lower-case fragment: {n:?}"));
            }
        }
    }
    assert!(ran > 0, "no audit fixtures ran");
    assert!(
        failures.is_empty(),
        "{} audit fixture failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

fn is_audit_code(code: &str) -> bool {
    ["DM", "HS", "IM", "LV", "SW"]
        .iter()
        .any(|p| code.starts_with(p))
}

/// Every audit rule fires in some fixture, and runs without firing in another.
#[test]
fn every_audit_rule_fires_and_stays_quiet_somewhere() {
    let mut fired: BTreeSet<&str> = BTreeSet::new();
    let mut quiet: BTreeSet<&str> = BTreeSet::new();
    for path in fixtures() {
        let exp_path = path.with_extension("expect");
        if !exp_path.exists() {
            continue;
        }
        let exp = parse_expect(&exp_path);
        let opts = options(&exp.select);
        let codes: BTreeSet<&str> = exp.findings.iter().map(|l| l.code.as_str()).collect();
        for r in all_rules() {
            if !opts.enabled.contains(r.code) {
                continue;
            }
            if codes.contains(r.code) {
                fired.insert(r.code);
            } else {
                quiet.insert(r.code);
            }
        }
    }
    let mut problems = Vec::new();
    for r in all_rules().into_iter().filter(|r| is_audit_code(r.code)) {
        if !fired.contains(r.code) {
            problems.push(format!("{} {}: fires in no fixture", r.code, r.name));
        }
        if !quiet.contains(r.code) {
            problems.push(format!("{} {}: is quiet in no fixture", r.code, r.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every audit rule is documented in the fixed sections and cites its CIS IDs.
#[test]
fn audit_rules_are_documented() {
    let rules: Vec<_> = all_rules()
        .into_iter()
        .filter(|r| is_audit_code(r.code))
        .collect();
    assert!(rules.len() >= 40, "{} audit rules", rules.len());
    for prefix in ["DM", "HS", "IM", "LV", "SW"] {
        let codes: Vec<&str> = rules
            .iter()
            .map(|r| r.code)
            .filter(|c| c.starts_with(prefix))
            .collect();
        for (i, c) in codes.iter().enumerate() {
            assert_eq!(*c, format!("{prefix}{:03}", i + 1), "codes are dense");
        }
    }
    for r in rules {
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## How to fix",
            "## References",
        ] {
            assert!(
                r.doc.contains(section),
                "{}: doc without `{section}`",
                r.code
            );
        }
        assert!(
            is_fragment(r.summary),
            "{}: summary {:?}",
            r.code,
            r.summary
        );
        assert!(!r.name.starts_with("no-"), "{}: name {}", r.code, r.name);
        assert!(r.name.len() <= 30, "{}: name longer than 30", r.code);
        for id in r.cis {
            assert!(
                r.doc
                    .contains(&format!("CIS Docker Benchmark v1.8.0, {id}\n")),
                "{}: CIS {id} not cited in References",
                r.code
            );
        }
    }
}

/// The benchmark's IDs, from the copy of `cis-docker-benchmark.md` kept here.
fn benchmark_ids() -> Vec<String> {
    let text = std::fs::read_to_string(dir().join("cis-docker-benchmark.md")).unwrap();
    let body = &text[text.find("## 1 ").expect("section 1")..];
    let re =
        regex::Regex::new(r"(?:^|[\s(·])(\d\.\d{1,2}(?:\.\d{1,2})?)(?:/(\d\.\d{1,2}))?\s").unwrap();
    let mut out = Vec::new();
    for c in re.captures_iter(body) {
        out.push(c[1].to_string());
        if let Some(m) = c.get(2) {
            out.push(m.as_str().to_string());
        }
    }
    out
}

#[test]
fn cis_table_lists_every_recommendation_once() {
    let ids = benchmark_ids();
    assert_eq!(ids.len(), 118, "the benchmark file's IDs: {ids:?}");
    let table = hullguard_rules::cis_table();
    let table_ids: Vec<&str> = table.iter().map(|e| e.id).collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for id in &table_ids {
        *counts.entry(id).or_default() += 1;
    }
    for id in &ids {
        assert_eq!(
            counts.get(id.as_str()).copied().unwrap_or(0),
            1,
            "CIS {id}: must be in the table exactly once"
        );
    }
    assert_eq!(
        table_ids.len(),
        ids.len(),
        "the table has IDs the benchmark lacks"
    );
    assert_eq!(
        table_ids,
        ids.iter().map(String::as_str).collect::<Vec<_>>(),
        "benchmark order"
    );
    for r in all_rules() {
        for id in r.cis {
            assert!(
                table_ids.contains(id),
                "{}: CIS {id} is not in the benchmark",
                r.code
            );
        }
    }
    for e in &table {
        use hullguard_rules::CisStatus;
        match e.status {
            CisStatus::Automated | CisStatus::Partial => {
                assert!(
                    !e.rules.is_empty(),
                    "CIS {}: {:?} without rules",
                    e.id,
                    e.status
                )
            }
            CisStatus::Manual => {
                assert!(
                    e.rules.is_empty(),
                    "CIS {}: manual, but rules name it",
                    e.id
                );
                assert!(!e.note.is_empty(), "CIS {}: manual without a reason", e.id);
            }
        }
        if e.status == CisStatus::Partial {
            assert!(!e.note.is_empty(), "CIS {}: partial without a note", e.id);
        }
    }
    let md = hullguard_rules::cis_markdown();
    for id in &ids {
        assert!(
            md.contains(&format!("\n| {id} | ")),
            "CIS {id} not in the markdown"
        );
    }
}
