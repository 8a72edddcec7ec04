//! Baselines: round trip, multiplicity, path forms, and load errors.

// Helpers outside `#[test]` functions unwrap too: a failing setup should panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hullguard_config::{Baseline, BaselineError, BASELINE_VERSION};
use hullguard_diagnostics::{Finding, Location, RuleInfo, Severity, SourceFile, Span};
use std::fs;
use std::path::{Component, Path, PathBuf};

static DF001: RuleInfo = RuleInfo {
    code: "DF001",
    name: "root-user",
    severity: Severity::High,
    default_enabled: true,
    cis: &[],
    summary: "",
    doc: "",
    fixable: false,
};
static DF022: RuleInfo = RuleInfo {
    code: "DF022",
    name: "latest-tag",
    severity: Severity::Medium,
    default_enabled: true,
    cis: &[],
    summary: "",
    doc: "",
    fixable: false,
};

fn finding(rule: &'static RuleInfo, path: &str, start: usize, fingerprint: &str) -> Finding {
    let file = SourceFile::new(path, "FROM ubuntu:latest\nUSER root\n");
    let mut finding = Finding::new(
        rule,
        Location::file(&file, Span::new(start, start + 4)),
        format!("{} at {start}", rule.name),
    );
    finding.fingerprint = fingerprint.to_owned();
    finding
}

fn tempdir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    fs::create_dir_all(root.join("a")).unwrap();
    fs::write(root.join("a/Dockerfile"), "FROM ubuntu:latest\n").unwrap();
    (dir, root)
}

/// `target` written relative to the current directory, with `..` as needed.
fn relative_from_cwd(target: &Path) -> String {
    let cwd = std::env::current_dir().unwrap().canonicalize().unwrap();
    let ups = cwd
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .count();
    let mut out = "../".repeat(ups);
    let rest: Vec<String> = target
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    out.push_str(&rest.join("/"));
    out
}

#[test]
fn round_trip_is_sorted_versioned_and_stable() {
    let (_guard, root) = tempdir();
    let baseline_path = root.join("hullguard-baseline.json");
    let dockerfile = root.join("a/Dockerfile");
    let dockerfile = dockerfile.to_str().unwrap();
    let findings = vec![
        finding(&DF022, dockerfile, 0, "DF022|0|from ubuntu:latest"),
        finding(&DF001, dockerfile, 19, "DF001|0|user root"),
        finding(&DF001, "b/Dockerfile-outside", 0, "DF001|0|user root"),
    ];
    let baseline = Baseline::from_findings(&findings, &baseline_path);
    baseline.write(&baseline_path).unwrap();

    let text = fs::read_to_string(&baseline_path).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["version"], BASELINE_VERSION);
    assert_eq!(json["tool"], "hullguard");
    let files: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    // Sorted by file (`../` sorts first), then rule.
    assert!(files[0].starts_with("../"), "{files:?}");
    assert!(files[0].ends_with("/b/Dockerfile-outside"), "{files:?}");
    assert_eq!(files[1..], ["a/Dockerfile", "a/Dockerfile"]);
    assert_eq!(json["findings"][1]["rule"], "DF001");
    assert_eq!(json["findings"][2]["rule"], "DF022");
    assert!(text.ends_with("}\n"));

    let loaded = Baseline::load(&baseline_path).unwrap();
    assert_eq!(loaded, baseline);
    assert_eq!(loaded.len(), 3);

    // Rewriting from findings in another order gives the identical file.
    let mut reversed = findings.clone();
    reversed.reverse();
    Baseline::from_findings(&reversed, &baseline_path)
        .write(&baseline_path)
        .unwrap();
    assert_eq!(fs::read_to_string(&baseline_path).unwrap(), text);
    // No temporary file is left behind.
    let leftovers: Vec<_> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|name| name.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let mut again = findings.clone();
    assert_eq!(loaded.filter(&mut again, &baseline_path), 3);
    assert!(again.is_empty());
}

#[test]
fn matching_survives_lines_moving() {
    let (_guard, root) = tempdir();
    let baseline_path = root.join("baseline.json");
    let dockerfile = root.join("a/Dockerfile");
    let dockerfile = dockerfile.to_str().unwrap();
    let baseline = Baseline::from_findings(
        &[finding(&DF001, dockerfile, 19, "DF001|0|user root")],
        &baseline_path,
    );
    // Same fingerprint, different span and message.
    let mut findings = vec![finding(&DF001, dockerfile, 400, "DF001|0|user root")];
    assert_eq!(baseline.filter(&mut findings, &baseline_path), 1);
    assert!(findings.is_empty());
}

#[test]
fn multiplicity_counts() {
    let (_guard, root) = tempdir();
    let baseline_path = root.join("baseline.json");
    let dockerfile = root.join("a/Dockerfile");
    let dockerfile = dockerfile.to_str().unwrap();
    let baseline = Baseline::from_findings(
        &[finding(&DF001, dockerfile, 0, "DF001|0|user root")],
        &baseline_path,
    );
    let mut findings = vec![
        finding(&DF001, dockerfile, 0, "DF001|0|user root"),
        finding(&DF001, dockerfile, 50, "DF001|0|user root"),
        finding(&DF022, dockerfile, 0, "DF022|0|from ubuntu:latest"),
    ];
    assert_eq!(baseline.filter(&mut findings, &baseline_path), 1);
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0].span(), Some(Span::new(50, 54)));
    assert_eq!(findings[1].rule.code, "DF022");
}

#[test]
fn same_fingerprint_in_another_file_is_new() {
    let (_guard, root) = tempdir();
    let baseline_path = root.join("baseline.json");
    let a = root.join("a/Dockerfile");
    let b = root.join("b/Dockerfile");
    let baseline = Baseline::from_findings(
        &[finding(&DF001, a.to_str().unwrap(), 0, "DF001|0|user root")],
        &baseline_path,
    );
    let mut findings = vec![finding(&DF001, b.to_str().unwrap(), 0, "DF001|0|user root")];
    assert_eq!(baseline.filter(&mut findings, &baseline_path), 0);
    assert_eq!(findings.len(), 1);
}

#[test]
fn paths_written_differently_still_match() {
    let (_guard, root) = tempdir();
    let absolute = root.join("a/Dockerfile");
    let relative = relative_from_cwd(&absolute);
    let dotted = format!("./{relative}");
    let roundabout = root.join("a/../a/./Dockerfile");
    let forms = [
        absolute.to_str().unwrap().to_owned(),
        relative.clone(),
        dotted,
        roundabout.to_str().unwrap().to_owned(),
    ];
    // The baseline path itself also in both forms.
    let baseline_abs = root.join("baseline.json");
    let baseline_rel = PathBuf::from(relative_from_cwd(&baseline_abs));
    for write_form in &forms {
        for baseline_write in [&baseline_abs, &baseline_rel] {
            let baseline = Baseline::from_findings(
                &[finding(&DF001, write_form, 0, "DF001|0|user root")],
                baseline_write,
            );
            assert_eq!(baseline.entries()[0].file, "a/Dockerfile", "{write_form}");
            for read_form in &forms {
                for baseline_read in [&baseline_abs, &baseline_rel] {
                    let mut findings = vec![finding(&DF001, read_form, 0, "DF001|0|user root")];
                    assert_eq!(
                        baseline.filter(&mut findings, baseline_read),
                        1,
                        "written as {write_form}, read as {read_form}"
                    );
                }
            }
        }
    }
}

#[test]
fn files_outside_the_baseline_directory_use_dot_dot() {
    let (_guard, root) = tempdir();
    fs::create_dir_all(root.join("ci")).unwrap();
    let baseline_path = root.join("ci/baseline.json");
    let dockerfile = root.join("a/Dockerfile");
    let baseline = Baseline::from_findings(
        &[finding(&DF001, dockerfile.to_str().unwrap(), 0, "fp")],
        &baseline_path,
    );
    assert_eq!(baseline.entries()[0].file, "../a/Dockerfile");
}

#[cfg(unix)]
#[test]
fn symlinked_directory_matches_its_target() {
    let (_guard, root) = tempdir();
    std::os::unix::fs::symlink(root.join("a"), root.join("link")).unwrap();
    let baseline_path = root.join("baseline.json");
    let baseline = Baseline::from_findings(
        &[finding(
            &DF001,
            root.join("a/Dockerfile").to_str().unwrap(),
            0,
            "fp",
        )],
        &baseline_path,
    );
    let mut findings = vec![finding(
        &DF001,
        root.join("link/Dockerfile").to_str().unwrap(),
        0,
        "fp",
    )];
    assert_eq!(baseline.filter(&mut findings, &baseline_path), 1);
}

#[test]
fn engine_findings_are_keyed_by_object() {
    let (_guard, root) = tempdir();
    let baseline_path = root.join("baseline.json");
    let mut object = Finding::new(
        &DF001,
        Location::Object {
            kind: "container".into(),
            name: "web".into(),
            pointer: "/Config/User".into(),
        },
        "container runs as root",
    );
    object.fingerprint = "DF001|web".into();
    let baseline = Baseline::from_findings(std::slice::from_ref(&object), &baseline_path);
    assert_eq!(baseline.entries()[0].file, "container:web");
    let mut findings = vec![object];
    assert_eq!(baseline.filter(&mut findings, &baseline_path), 1);
}

#[test]
fn missing_baseline_is_a_clear_error() {
    let (_guard, root) = tempdir();
    let error = Baseline::load(&root.join("nope.json")).unwrap_err();
    assert!(matches!(error, BaselineError::Missing { .. }), "{error:?}");
    assert!(error.to_string().contains("nope.json"));
}

#[test]
fn corrupted_baseline_reports_line_and_column() {
    let (_guard, root) = tempdir();
    let path = root.join("baseline.json");
    fs::write(
        &path,
        "{\n  \"version\": 1,\n  \"findings\": [\n    {\"fingerprint\": \"x\",,}\n",
    )
    .unwrap();
    match Baseline::load(&path).unwrap_err() {
        BaselineError::Parse { line, column, .. } => assert_eq!((line, column), (4, 25)),
        other => panic!("unexpected {other:?}"),
    }
    // Valid JSON, wrong shape.
    fs::write(
        &path,
        "{\"version\": 1, \"tool\": \"hullguard\", \"findings\": [{\"rule\": \"DF001\"}]}",
    )
    .unwrap();
    let error = Baseline::load(&path).unwrap_err();
    assert!(matches!(error, BaselineError::Parse { .. }), "{error:?}");
    assert!(error.to_string().contains("fingerprint"), "{error}");
}

#[test]
fn wrong_version_or_tool_is_rejected() {
    let (_guard, root) = tempdir();
    let path = root.join("baseline.json");
    fs::write(
        &path,
        "{\"version\": 2, \"tool\": \"hullguard\", \"findings\": []}",
    )
    .unwrap();
    let error = Baseline::load(&path).unwrap_err();
    assert!(
        matches!(&error, BaselineError::UnsupportedVersion { found, supported: 1, .. } if found == "2"),
        "{error:?}"
    );
    fs::write(&path, "{\"findings\": []}").unwrap();
    assert!(matches!(
        Baseline::load(&path).unwrap_err(),
        BaselineError::UnsupportedVersion { .. }
    ));
    fs::write(
        &path,
        "{\"version\": 1, \"tool\": \"hadolint\", \"findings\": []}",
    )
    .unwrap();
    assert!(matches!(
        Baseline::load(&path).unwrap_err(),
        BaselineError::WrongTool { .. }
    ));
}

#[test]
fn write_into_missing_directory_fails_with_path() {
    let (_guard, root) = tempdir();
    let path = root.join("missing/baseline.json");
    let error = Baseline::default().write(&path).unwrap_err();
    assert!(matches!(error, BaselineError::Write { .. }), "{error:?}");
    assert!(error.to_string().contains("baseline.json"));
}

#[cfg(unix)]
#[test]
fn written_baseline_is_world_readable() {
    use std::os::unix::fs::PermissionsExt;
    let (_guard, root) = tempdir();
    let path = root.join("baseline.json");
    Baseline::default().write(&path).unwrap();
    let mode = fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o644);
}
