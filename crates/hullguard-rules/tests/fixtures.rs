//! Fixture harness: every rule has `tests/fixtures/dockerfile/<CODE>-<name>.txt`
//! with cases that must fire and cases that must not, side by side.
//!
//! Format: cases are separated by a line `# ---`. In a case, a comment line
//! `# expect` (or `# expect xN` for N findings) marks the next instruction as one
//! where the rule must report (a finding whose span starts inside that
//! instruction); every other instruction must stay clean. Optional directives at the
//! top of a case: `# build-arg: NAME=VALUE`, `# target: STAGE`,
//! `# trusted-registries: a,b`, `# secret-pattern: REGEX`.
//!
//! For fixable rules, every case's fixes are applied until nothing changes; the
//! result must parse without new errors and the rule must no longer fire.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use hullguard_diagnostics::SourceFile;
use hullguard_dockerfile::parse;
use hullguard_rules::{all_rules, apply_fixes, check_dockerfile, CheckOptions};
use std::collections::BTreeMap;
use std::path::Path;

struct Case {
    name: String,
    text: String,
    opts: CheckOptions,
}

fn cases(code: &'static str, content: &str) -> Vec<Case> {
    let mut out = Vec::new();
    for (i, chunk) in content.split("\n# ---\n").enumerate() {
        let mut opts = CheckOptions::default();
        opts.enabled.insert(code);
        let mut name = format!("case {}", i + 1);
        for line in chunk.lines() {
            let Some(c) = line.strip_prefix("# ") else {
                continue;
            };
            if let Some(v) = c.strip_prefix("case: ") {
                name = format!("case {} ({v})", i + 1);
            } else if let Some(v) = c.strip_prefix("build-arg: ") {
                let (k, val) = v.split_once('=').expect("build-arg NAME=VALUE");
                opts.build_args.insert(k.into(), val.into());
            } else if let Some(v) = c.strip_prefix("target: ") {
                opts.target = Some(v.into());
            } else if let Some(v) = c.strip_prefix("trusted-registries: ") {
                opts.rule_options.trusted_registries =
                    v.split(',').map(|s| s.trim().to_string()).collect();
            } else if let Some(v) = c.strip_prefix("secret-pattern: ") {
                opts.rule_options
                    .secret_patterns
                    .push(regex::Regex::new(v).expect("regex"));
            }
        }
        out.push(Case {
            name,
            text: chunk.to_string() + "\n",
            opts,
        });
    }
    out
}

/// Expected finding counts by instruction index.
fn expected(text: &str) -> BTreeMap<usize, usize> {
    let df = parse(text);
    let mut out = BTreeMap::new();
    for c in &df.comments {
        let t = c.text.as_str();
        let Some(rest) = t.strip_prefix("expect") else {
            continue;
        };
        if !(rest.is_empty() || rest.starts_with(' ')) {
            continue;
        }
        let n = rest
            .trim()
            .strip_prefix('x')
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        let idx = df
            .instructions
            .iter()
            .position(|i| i.span.start > c.span.start)
            .unwrap_or_else(|| panic!("`# expect` with no instruction after it"));
        *out.entry(idx).or_insert(0) += n;
    }
    out
}

fn actual(text: &str, findings: &[hullguard_diagnostics::Finding]) -> BTreeMap<usize, usize> {
    let df = parse(text);
    let mut out = BTreeMap::new();
    for f in findings {
        let start = f.span().expect("file finding").start;
        let idx = df
            .instructions
            .iter()
            .position(|i| i.span.start <= start && start <= i.span.end)
            .unwrap_or(usize::MAX);
        *out.entry(idx).or_insert(0) += 1;
    }
    out
}

#[test]
fn every_rule_has_a_fixture_and_every_fixture_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dockerfile");
    let mut failures = Vec::new();
    let mut missing = Vec::new();
    for rule in all_rules() {
        // Meta rules have no Dockerfile fixture; container rules have theirs in
        // `container_fixtures.rs`.
        if !rule.code.starts_with("DF") {
            continue;
        }
        let path = dir.join(format!("{}-{}.txt", rule.code, rule.name));
        let Ok(content) = std::fs::read_to_string(&path) else {
            missing.push(path.display().to_string());
            continue;
        };
        let all = cases(rule.code, &content);
        let mut fired = false;
        let mut clean = false;
        for case in &all {
            let file = SourceFile::new(format!("{}:{}", rule.code, case.name), case.text.clone());
            let res = check_dockerfile(&file, &case.opts);
            let findings: Vec<_> = res
                .findings
                .into_iter()
                .filter(|f| f.rule.code == rule.code)
                .collect();
            let exp = expected(&case.text);
            let act = actual(&case.text, &findings);
            if exp.is_empty() {
                clean = true;
            } else {
                fired = true;
            }
            if exp != act {
                let detail: Vec<String> = findings
                    .iter()
                    .map(|f| {
                        let lc = file.line_col(f.span().unwrap().start);
                        format!("    line {}: {}", lc.line, f.message)
                    })
                    .collect();
                failures.push(format!(
                    "{} {}: expected findings on instructions {:?}, got {:?}\n{}",
                    rule.code,
                    case.name,
                    exp,
                    act,
                    detail.join("\n")
                ));
            }
            // Fixes converge, parse, and silence the rule.
            if findings.iter().any(|f| f.fix.is_some()) {
                let mut text = case.text.clone();
                for _round in 0..10 {
                    let f = SourceFile::new("fix", text.clone());
                    let res = check_dockerfile(&f, &case.opts);
                    let (next, n) = apply_fixes(&text, &res.findings, true);
                    if n == 0 {
                        break;
                    }
                    text = next;
                }
                let before = parse(&case.text).errors.len();
                let after = parse(&text).errors.len();
                let f = SourceFile::new("fixed", text.clone());
                let left: Vec<_> = check_dockerfile(&f, &case.opts)
                    .findings
                    .into_iter()
                    .filter(|x| x.rule.code == rule.code && x.fix.is_some())
                    .collect();
                if after > before || !left.is_empty() {
                    failures.push(format!(
                        "{} {}: fix did not converge cleanly (parse errors {before} -> {after}, {} fixable findings left):\n{text}",
                        rule.code,
                        case.name,
                        left.len()
                    ));
                }
            }
        }
        if !fired || !clean {
            failures.push(format!(
                "{}: the fixture needs cases that fire and cases that must not (fires: {fired}, clean: {clean})",
                rule.code
            ));
        }
    }
    assert!(
        missing.is_empty() && failures.is_empty(),
        "{} fixture failures:\n{}\n\nrules without a fixture:\n{}",
        failures.len(),
        failures.join("\n"),
        missing.join("\n")
    );
}

#[test]
fn fixable_rules_have_a_fix_case() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dockerfile");
    for rule in all_rules().into_iter().filter(|r| r.fixable) {
        let path = dir.join(format!("{}-{}.txt", rule.code, rule.name));
        let content = std::fs::read_to_string(&path).unwrap_or_default();
        let has_fix = cases(rule.code, &content).iter().any(|case| {
            let file = SourceFile::new("x", case.text.clone());
            check_dockerfile(&file, &case.opts)
                .findings
                .iter()
                .any(|f| f.fix.is_some())
        });
        assert!(
            has_fix,
            "{}: fixable rule without a fixture case that produces a fix",
            rule.code
        );
    }
}
