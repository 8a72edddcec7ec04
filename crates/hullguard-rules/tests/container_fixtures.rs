//! Fixture harness of the container rules: every container rule (and
//! `invalid-container-config`) has `tests/fixtures/container/<CODE>-<name>.txt`,
//! with cases that must fire and cases that must not, written as compose files,
//! `docker run` scripts and Engine API documents.
//!
//! # Format
//!
//! Cases are separated by a line `# ---`. Each case starts with directive lines:
//!
//! - `# source: compose | run | api-create | api-inspect` (required): how the case
//!   is read: a compose file (`hullguard_compose`, no project directory), a shell
//!   script searched for `docker run` commands (`hullguard_docker_run`), or an
//!   Engine API `POST /containers/create` body or `GET /containers/{id}/json`
//!   document (`hullguard_container::api`);
//! - `# case: description` (optional): named in failures;
//! - `# allowed-capabilities: A,B`, `# allowed-host-paths: /a,/b`,
//!   `# secret-pattern: REGEX`: rule options;
//! - `# env: NAME=VALUE`: a variable of the environment compose interpolates from;
//! - `# file: NAME` followed by lines `#| TEXT`: a file written next to the
//!   compose file (a temporary project directory), e.g. the `Dockerfile` a
//!   service is built from, so that the image's `USER` and `HEALTHCHECK` are known;
//! - `# allow-problems`: the source may report problems (unreadable values):
//!   without it, any problem fails the case, so a typo in a fixture cannot make a
//!   case pass silently.
//!
//! Expected findings:
//!
//! - compose and run (text): a comment line `# expect` (or `# expect xN` for N
//!   findings) marks the NEXT line that is neither blank nor a comment; that many
//!   findings must START on that line (by the line of their span's start), and no
//!   finding may start on any unmarked line. A severity may follow
//!   (`# expect critical`, `# expect x2 high`): the findings must have it. A marker cannot go inside a
//!   `docker run` command continued with `\`: write the flags under test on the
//!   command's first line (findings about something missing point at the
//!   `docker` word, which is on it).
//! - api (JSON allows no comments): every line starting with `#` is stripped
//!   before parsing, so the directives and the expectations come before the JSON.
//!   Each line `# expect: POINTER` expects one finding at that JSON pointer
//!   (repeat the line for several); `# expect: (root)` is the document itself,
//!   where findings about something missing point. A severity may come before
//!   the colon: `# expect critical: /HostConfig/CapAdd/0`.
//!
//! A fixture must have, for each of compose, run and api, a case that fires and
//! a case that stays clean; a source that cannot express what the rule looks for
//! is declared with a line `# cannot-fire: SOURCE because ...` (compose has no
//! `-P`).
//!
//! Only the rule under test is enabled in each case. The harness fails on any
//! missing or extra finding and prints the findings it got; it also checks that
//! messages are lower-case fragments without a trailing period, that every
//! finding has help, and that fingerprints do not change when lines move.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hullguard_container::api::{from_api_json, ApiDocument};
use hullguard_container::{ContainerSpec, Problem};
use hullguard_diagnostics::{Finding, Location, RuleInfo, Severity, SourceFile};
use hullguard_rules::{
    all_rules, check_container, problem_findings, CheckOptions, INVALID_CONTAINER_CONFIG,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Compose,
    Run,
    ApiCreate,
    ApiInspect,
}

impl Source {
    fn parse(s: &str) -> Source {
        match s.trim() {
            "compose" => Source::Compose,
            "run" => Source::Run,
            "api-create" => Source::ApiCreate,
            "api-inspect" => Source::ApiInspect,
            o => panic!("unknown source `{o}`"),
        }
    }

    /// compose, run and api: the three kinds every fixture covers.
    fn family(self) -> &'static str {
        match self {
            Source::Compose => "compose",
            Source::Run => "run",
            Source::ApiCreate | Source::ApiInspect => "api",
        }
    }
}

struct Case {
    name: String,
    source: Source,
    text: String,
    opts: CheckOptions,
    env: BTreeMap<String, String>,
    /// Files of the project directory (compose cases only).
    files: Vec<(String, String)>,
    allow_problems: bool,
}

fn cases(code: &'static str, content: &str) -> Vec<Case> {
    let mut out = Vec::new();
    for (i, chunk) in content.split("\n# ---\n").enumerate() {
        let mut opts = CheckOptions::default();
        opts.enabled.insert(code);
        let mut name = format!("case {}", i + 1);
        let mut source = None;
        let mut env = BTreeMap::new();
        let mut allow_problems = false;
        let mut files: Vec<(String, String)> = Vec::new();
        for line in chunk.lines() {
            if let Some(text) = line.strip_prefix("#|") {
                let (_, content) = files.last_mut().expect("`#|` line before any `# file:`");
                content.push_str(text.strip_prefix(' ').unwrap_or(text));
                content.push('\n');
                continue;
            }
            let Some(c) = line.trim().strip_prefix("# ") else {
                continue;
            };
            if let Some(v) = c.strip_prefix("file: ") {
                files.push((v.trim().to_string(), String::new()));
                continue;
            }
            if let Some(v) = c.strip_prefix("source: ") {
                source = Some(Source::parse(v));
            } else if let Some(v) = c.strip_prefix("case: ") {
                name = format!("case {} ({v})", i + 1);
            } else if let Some(v) = c.strip_prefix("allowed-capabilities: ") {
                opts.rule_options.allowed_capabilities =
                    v.split(',').map(|s| s.trim().to_string()).collect();
            } else if let Some(v) = c.strip_prefix("allowed-host-paths: ") {
                opts.rule_options.allowed_host_paths =
                    v.split(',').map(|s| s.trim().to_string()).collect();
            } else if let Some(v) = c.strip_prefix("secret-pattern: ") {
                opts.rule_options
                    .secret_patterns
                    .push(regex::Regex::new(v).expect("regex"));
            } else if let Some(v) = c.strip_prefix("env: ") {
                let (k, val) = v.split_once('=').expect("env NAME=VALUE");
                env.insert(k.to_string(), val.to_string());
            } else if c.trim() == "allow-problems" {
                allow_problems = true;
            }
        }
        let source = source.unwrap_or_else(|| panic!("{code} {name}: `# source:` missing"));
        out.push(Case {
            name,
            source,
            text: chunk.trim_start_matches('\n').to_string() + "\n",
            opts,
            env,
            files,
            allow_problems,
        });
    }
    out
}

/// Specs and problems of a case's text.
fn read(case: &Case, file: &Arc<SourceFile>) -> (Vec<ContainerSpec>, Vec<Problem>) {
    match case.source {
        Source::Compose => {
            let dir = project_dir(case);
            let project =
                hullguard_compose::loader::load_str(Arc::clone(file), dir.as_deref(), &case.env);
            let (specs, mut problems) = hullguard_compose::convert::project_specs(&project);
            problems.extend(project.problems.iter().cloned());
            if let Some(d) = dir {
                let _ = std::fs::remove_dir_all(d);
            }
            (specs, problems)
        }
        Source::Run => {
            let scan = hullguard_docker_run::find_in_script(file);
            let mut problems = scan.problems.clone();
            let mut specs = Vec::new();
            for c in scan.commands {
                problems.extend(c.problems);
                specs.push(c.spec);
            }
            (specs, problems)
        }
        Source::ApiCreate | Source::ApiInspect => {
            let doc = if case.source == Source::ApiCreate {
                ApiDocument::CreateBody
            } else {
                ApiDocument::Inspect
            };
            match from_api_json(json_of(&case.text).as_bytes(), doc, "container", "fixture") {
                Ok(api) => (vec![api.spec], api.problems),
                Err(e) => panic!("{}: the API document does not load: {e}", case.name),
            }
        }
    }
}

/// A temporary project directory holding the case's `# file:`s, when it has any.
fn project_dir(case: &Case) -> Option<std::path::PathBuf> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    if case.files.is_empty() {
        return None;
    }
    let dir = std::env::temp_dir().join(format!(
        "hullguard-container-fixture-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    for (name, content) in &case.files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("file in the project")).unwrap();
        std::fs::write(path, content).unwrap();
    }
    Some(dir)
}

/// The JSON of an api case: every `#` line stripped.
fn json_of(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where a finding must be: a line (text sources) or a JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Line(usize),
    Pointer(String),
    Elsewhere(String),
}

/// Expected findings by place, each with the severity it must have when the
/// marker names one.
fn expected(case: &Case) -> BTreeMap<Place, Vec<Option<Severity>>> {
    let mut out: BTreeMap<Place, Vec<Option<Severity>>> = BTreeMap::new();
    if matches!(case.source, Source::ApiCreate | Source::ApiInspect) {
        for line in case.text.lines() {
            let Some(rest) = line.trim().strip_prefix("# expect") else {
                continue;
            };
            let Some((sev, p)) = rest.split_once(':') else {
                continue;
            };
            let p = p.trim();
            let p = if p == "(root)" { "" } else { p };
            let sev = marker_severity(sev.trim(), &case.name);
            out.entry(Place::Pointer(p.to_string()))
                .or_default()
                .push(sev);
        }
        return out;
    }
    let mut pending: Vec<Option<Severity>> = Vec::new();
    for (i, line) in case.text.lines().enumerate() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("# expect") {
            if rest.is_empty() || rest.starts_with(' ') {
                let mut n = 1;
                let mut sev = None;
                for word in rest.split_whitespace() {
                    match word.strip_prefix('x').and_then(|n| n.parse::<usize>().ok()) {
                        Some(count) => n = count,
                        None => sev = marker_severity(word, &case.name),
                    }
                }
                pending.extend(std::iter::repeat_n(sev, n));
                continue;
            }
        }
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if !pending.is_empty() {
            out.entry(Place::Line(i + 1))
                .or_default()
                .append(&mut pending);
        }
    }
    assert!(
        pending.is_empty(),
        "{}: `# expect` with no line after it",
        case.name
    );
    out
}

/// The severity a marker names (`critical`, `high` ...), if any.
fn marker_severity(word: &str, case: &str) -> Option<Severity> {
    if word.is_empty() {
        return None;
    }
    Some(
        Severity::parse(word)
            .unwrap_or_else(|| panic!("{case}: bad severity `{word}` in `# expect`")),
    )
}

fn place(f: &Finding, file: &Arc<SourceFile>) -> Place {
    match &f.location {
        Location::File { file: ff, span } if Arc::ptr_eq(ff, file) || ff.path == file.path => {
            Place::Line(file.line_col(span.start).line)
        }
        Location::File { file: ff, span } => {
            Place::Elsewhere(format!("{}@{}", ff.path, span.start))
        }
        Location::Object { pointer, .. } => Place::Pointer(pointer.clone()),
    }
}

fn describe(findings: &[Finding], file: &Arc<SourceFile>) -> String {
    findings
        .iter()
        .map(|f| {
            let at = match place(f, file) {
                Place::Line(l) => format!("line {l}"),
                Place::Pointer(p) if p.is_empty() => "(root)".to_string(),
                Place::Pointer(p) => p,
                Place::Elsewhere(e) => e,
            };
            format!("    {at} [{}]: {}", f.severity, f.message)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn run_case(
    rule: &RuleInfo,
    case: &Case,
    path: &str,
) -> (Vec<Finding>, Vec<Problem>, Arc<SourceFile>) {
    let file = SourceFile::new(path, case.text.clone());
    let (specs, problems) = read(case, &file);
    let mut findings: Vec<Finding> = specs
        .iter()
        .flat_map(|s| check_container(s, &case.opts))
        .collect();
    findings.extend(problem_findings(&problems, &case.opts));
    findings.retain(|f| f.rule.code == rule.code);
    (findings, problems, file)
}

/// The rules this harness covers: the container rules and the meta rule about
/// container sources.
fn container_rules() -> Vec<&'static RuleInfo> {
    all_rules()
        .into_iter()
        .filter(|r| r.code.starts_with("CT") || r.code == INVALID_CONTAINER_CONFIG.code)
        .collect()
}

fn fixture_path(rule: &RuleInfo) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/container")
        .join(format!("{}-{}.txt", rule.code, rule.name))
}

#[test]
fn every_container_fixture_passes() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for rule in container_rules() {
        let Ok(content) = std::fs::read_to_string(fixture_path(rule)) else {
            continue; // reported by `every_container_rule_has_a_complete_fixture`
        };
        for case in cases(rule.code, &content) {
            ran += 1;
            let label = format!("{} {} [{:?}]", rule.code, case.name, case.source);
            let (findings, problems, file) = run_case(rule, &case, "fixture");
            if !case.allow_problems
                && rule.code != INVALID_CONTAINER_CONFIG.code
                && !problems.is_empty()
            {
                failures.push(format!(
                    "{label}: the source reported problems (add `# allow-problems` if intended):\n{}",
                    problems
                        .iter()
                        .map(|p| format!("    {:?}: {}", place_of(&p.at, &file), p.message))
                        .collect::<Vec<_>>()
                        .join("\n")
                ));
            }
            let exp_sev = expected(&case);
            let exp: BTreeMap<Place, usize> =
                exp_sev.iter().map(|(p, v)| (p.clone(), v.len())).collect();
            let mut act_sev: BTreeMap<Place, Vec<Severity>> = BTreeMap::new();
            for f in &findings {
                act_sev.entry(place(f, &file)).or_default().push(f.severity);
            }
            let act: BTreeMap<Place, usize> =
                act_sev.iter().map(|(p, v)| (p.clone(), v.len())).collect();
            if exp != act {
                failures.push(format!(
                    "{label}: expected findings at {exp:?}, got {act:?}\n{}",
                    describe(&findings, &file)
                ));
            } else {
                for (p, want) in &exp_sev {
                    let mut got = act_sev.get(p).cloned().unwrap_or_default();
                    for w in want.iter().flatten() {
                        match got.iter().position(|g| g == w) {
                            Some(i) => {
                                got.remove(i);
                            }
                            None => failures.push(format!(
                                "{label}: expected a {w} finding at {p:?}\n{}",
                                describe(&findings, &file)
                            )),
                        }
                    }
                }
            }
            for f in &findings {
                let m = &f.message;
                if !is_fragment(m) {
                    failures.push(format!(
                        "{label}: message is not a lower-case fragment without a period: {m:?}"
                    ));
                }
                if f.help.is_none() {
                    failures.push(format!("{label}: finding without help: {m}"));
                }
                if f.fingerprint.is_empty() || !f.fingerprint.starts_with(rule.code) {
                    failures.push(format!("{label}: bad fingerprint {:?}", f.fingerprint));
                }
            }
            // Fingerprints survive lines moving (text sources).
            if matches!(case.source, Source::Compose | Source::Run) && !findings.is_empty() {
                let moved = Case {
                    name: case.name.clone(),
                    source: case.source,
                    text: format!("\n\n{}", case.text),
                    opts: case.opts.clone(),
                    env: case.env.clone(),
                    files: case.files.clone(),
                    allow_problems: case.allow_problems,
                };
                let (again, _, _) = run_case(rule, &moved, "fixture");
                let a: BTreeSet<_> = findings.iter().map(|f| f.fingerprint.clone()).collect();
                let b: BTreeSet<_> = again.iter().map(|f| f.fingerprint.clone()).collect();
                if a != b {
                    failures.push(format!(
                        "{label}: fingerprints change when lines move: {a:?} vs {b:?}"
                    ));
                }
            }
        }
    }
    assert!(ran > 0, "no container fixture cases ran");
    assert!(
        failures.is_empty(),
        "{} container fixture failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// A lower-case fragment without a trailing period; an acronym may start it
/// (`SELinux ...`, `PID ...`).
fn is_fragment(m: &str) -> bool {
    let mut chars = m.chars();
    let first_upper = chars.next().is_some_and(char::is_uppercase)
        && !chars.next().is_some_and(char::is_uppercase);
    !m.is_empty() && !first_upper && !m.ends_with('.')
}

fn place_of(at: &Location, file: &Arc<SourceFile>) -> String {
    match at {
        Location::File { span, .. } => format!("line {}", file.line_col(span.start).line),
        Location::Object { pointer, .. } => pointer.clone(),
    }
}

/// Every container rule has a fixture, and the fixture has, for each of compose,
/// run and api, a case that fires and a case that stays clean. A source that
/// cannot express what the rule looks for (compose has no `-P`) is declared with
/// a line `# cannot-fire: SOURCE because ...`.
#[test]
fn every_container_rule_has_a_complete_fixture() {
    let mut problems = Vec::new();
    for rule in container_rules() {
        let path = fixture_path(rule);
        let Ok(content) = std::fs::read_to_string(&path) else {
            problems.push(format!("{}: no fixture {}", rule.code, path.display()));
            continue;
        };
        let cannot_fire: BTreeSet<String> = content
            .lines()
            .filter_map(|l| l.trim().strip_prefix("# cannot-fire: "))
            .filter_map(|l| l.split_whitespace().next())
            .map(str::to_string)
            .collect();
        let mut fires: BTreeSet<&str> = BTreeSet::new();
        let mut clean: BTreeSet<&str> = BTreeSet::new();
        for case in cases(rule.code, &content) {
            if expected(&case).is_empty() {
                clean.insert(case.source.family());
            } else {
                fires.insert(case.source.family());
            }
        }
        for family in ["compose", "run", "api"] {
            if !fires.contains(family) && !cannot_fire.contains(family) {
                problems.push(format!("{}: no {family} case that fires", rule.code));
            }
            if !clean.contains(family) {
                problems.push(format!("{}: no {family} case that stays clean", rule.code));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "incomplete fixtures:\n{}",
        problems.join("\n")
    );
}

/// Every container rule is listed by `all_rules()` with complete documentation.
#[test]
fn container_rules_are_registered_and_documented() {
    let rules = container_rules();
    assert!(rules.len() >= 30, "{} container rules", rules.len());
    let mut names = BTreeSet::new();
    for r in all_rules() {
        assert!(names.insert(r.name), "duplicate rule name {}", r.name);
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
            "{}: summary is not a lower-case fragment: {}",
            r.code,
            r.summary
        );
        for id in r.cis {
            assert!(
                r.doc
                    .contains(&format!("CIS Docker Benchmark v1.8.0, {id}")),
                "{}: CIS {id} not cited in References",
                r.code
            );
        }
    }
}
