//! End-to-end tests of the `hullguard` binary: exit codes, formats, fixes,
//! baselines, suppressions, configuration, hostile files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::Path;
use tempfile::TempDir;

fn hg() -> Command {
    Command::cargo_bin("hullguard").unwrap()
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

const INSECURE: &str = "FROM debian:12\nRUN curl -fsSL https://x.example/i.sh | sh\nUSER root\n";
const CLEAN: &str = "FROM debian:12.8@sha256:0000000000000000000000000000000000000000000000000000000000000000\nRUN useradd -r app\nUSER 10001\nHEALTHCHECK CMD [\"/bin/true\"]\nCMD [\"/bin/app\"]\n";

#[test]
fn exit_codes_follow_fail_on() {
    let d = TempDir::new().unwrap();
    write(d.path(), "Dockerfile", INSECURE);
    hg().args(["scan"]).arg(d.path()).assert().code(1);
    hg().args(["scan", "--fail-on", "critical"])
        .arg(d.path())
        .assert()
        .code(0);
    hg().args(["scan", "--fail-on", "none"])
        .arg(d.path())
        .assert()
        .code(0);
    let c = TempDir::new().unwrap();
    write(c.path(), "Dockerfile", CLEAN);
    hg().args(["scan"])
        .arg(c.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("No findings"));
}

#[test]
fn usage_errors_exit_2() {
    hg().args(["scan", "--format", "xml"]).assert().code(2);
    hg().args(["scan", "--select", "NOPE999"])
        .arg(".")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("NOPE999"));
    hg().args(["scan", "/definitely/not/here"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/definitely/not/here"));
    hg().args(["explain", "no-such-rule"]).assert().code(2);
}

#[test]
fn discovers_dockerfiles_by_name_and_honours_gitignore() {
    let d = TempDir::new().unwrap();
    for name in [
        "Dockerfile",
        "Dockerfile.dev",
        "api.Dockerfile",
        "x.dockerfile",
        "Containerfile",
        "sub/Dockerfile",
        ".devcontainer/Dockerfile",
    ] {
        write(d.path(), name, INSECURE);
    }
    write(d.path(), "Dockerfile.dockerignore", "node_modules\n");
    write(d.path(), "README.md", "FROM x\n");
    write(d.path(), "ignored/Dockerfile", INSECURE);
    write(d.path(), ".gitignore", "ignored/\n");
    let out = hg()
        .args(["scan", "--format", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 7, "{v}");
    let files: std::collections::BTreeSet<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    assert!(files.iter().all(|f| !f.contains("ignored")));
    // --exclude
    let out = hg()
        .args(["scan", "--format", "json", "--exclude", "sub/"])
        .arg(d.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 6);
}

#[test]
fn explicit_files_of_any_name_and_stdin() {
    let d = TempDir::new().unwrap();
    write(d.path(), "build.txt", INSECURE);
    hg().args(["scan", "--select", "DF011"])
        .arg(d.path().join("build.txt"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("DF011"));
    hg().args([
        "scan",
        "--select",
        "DF011",
        "-",
        "--stdin-filename",
        "Dockerfile.stdin",
    ])
    .write_stdin(INSECURE)
    .assert()
    .code(1)
    .stdout(predicate::str::contains("Dockerfile.stdin:2:5"));
}

#[test]
fn binary_and_unreadable_files_are_errors_not_panics() {
    let d = TempDir::new().unwrap();
    fs::write(d.path().join("Dockerfile"), b"FROM x\n\0\0\x01binary").unwrap();
    write(d.path(), "ok/Dockerfile", INSECURE);
    let out = hg()
        .args(["scan", "--format", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("binary"),
        "{v}"
    );
    // The readable file was still scanned.
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "DF011"));
    // Invalid UTF-8 is analysed lossily, with a warning.
    let e = TempDir::new().unwrap();
    fs::write(
        e.path().join("Dockerfile"),
        b"FROM debian:12\n# caf\xe9\nUSER root\n",
    )
    .unwrap();
    hg().args(["scan", "--select", "DF001"])
        .arg(e.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("UTF-8"));
}

#[test]
fn json_output_has_the_documented_fields() {
    let d = TempDir::new().unwrap();
    write(d.path(), "Dockerfile", INSECURE);
    let out = hg()
        .args(["scan", "--format", "json", "--select", "DF011,DF001"])
        .arg(d.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let f = &v["findings"][0];
    for key in [
        "rule",
        "name",
        "severity",
        "cis",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "fingerprint",
    ] {
        assert!(f.get(key).is_some(), "missing {key} in {f}");
    }
    assert_eq!(f["rule"], "DF011");
    assert_eq!(f["line"], 2);
    assert_eq!(f["column"], 5);
    assert_eq!(v["findings"][1]["cis"][0], "4.1");
}

#[test]
fn sarif_and_junit_outputs() {
    let d = TempDir::new().unwrap();
    write(d.path(), "Dockerfile", INSECURE);
    let out = hg()
        .args(["scan", "--format", "sarif"])
        .arg(d.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["runs"][0]["results"].as_array().unwrap().len() >= 2);
    let out = hg()
        .args(["scan", "--format", "junit"])
        .arg(d.path())
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains("<testsuites")
            && s.contains("DF011 remote-script-execution")
            && s.contains("<failure")
    );
}

#[test]
fn fix_applies_until_clean_and_diff_does_not_write() {
    let d = TempDir::new().unwrap();
    let src = "FROM debian:12\nMAINTAINER me@example.com\nADD app.py /srv/\nRUN apt-get update && apt-get install -y curl\nRUN useradd -r app\nCMD python3 /srv/app.py\n";
    write(d.path(), "Dockerfile", src);
    let sel = ["--select", "DF001,DF009,DF025,DF027,DF040"];
    hg().arg("scan")
        .args(sel)
        .arg("--diff")
        .arg(d.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("+COPY app.py /srv/"));
    assert_eq!(
        fs::read_to_string(d.path().join("Dockerfile")).unwrap(),
        src
    );
    hg().arg("scan")
        .args(sel)
        .arg("--fix")
        .arg(d.path())
        .assert()
        .code(0);
    let fixed = fs::read_to_string(d.path().join("Dockerfile")).unwrap();
    assert!(fixed.contains("COPY app.py /srv/"), "{fixed}");
    assert!(fixed.contains("--no-install-recommends"), "{fixed}");
    assert!(
        fixed.contains("USER app\nCMD [\"python3\", \"/srv/app.py\"]"),
        "{fixed}"
    );
    assert!(
        fixed.contains("LABEL org.opencontainers.image.authors=\"me@example.com\""),
        "{fixed}"
    );
    // Idempotent.
    hg().arg("scan")
        .args(sel)
        .arg("--diff")
        .arg(d.path())
        .assert()
        .code(0);
}

#[test]
fn baseline_survives_lines_moving() {
    let d = TempDir::new().unwrap();
    write(d.path(), "Dockerfile", INSECURE);
    let base = d.path().join("baseline.json");
    hg().args(["scan", "--write-baseline"])
        .arg(&base)
        .arg(d.path())
        .assert()
        .code(0);
    hg().args(["scan", "--baseline"])
        .arg(&base)
        .arg(d.path())
        .assert()
        .code(0);
    // Insert lines above the baselined findings: still baselined.
    write(
        d.path(),
        "Dockerfile",
        &format!(
            "# a comment\n\n{}",
            INSECURE.replace("RUN curl", "LABEL a=b\nRUN curl")
        ),
    );
    hg().args(["scan", "--baseline"])
        .arg(&base)
        .arg(d.path())
        .assert()
        .code(0);
    // A new finding is reported.
    write(
        d.path(),
        "Dockerfile",
        &format!("{INSECURE}RUN chmod 777 /srv\n"),
    );
    hg().args(["scan", "--baseline"])
        .arg(&base)
        .arg(d.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("DF018").and(predicate::str::contains("DF011").not()));
}

#[test]
fn inline_and_file_suppressions() {
    let d = TempDir::new().unwrap();
    write(
        d.path(),
        "Dockerfile",
        "FROM debian:12\n# hullguard: ignore=DF011 vendor script, reviewed\nRUN curl -fsSL https://x.example/i.sh | sh\n# hullguard: ignore=DF018\nRUN echo ok\nUSER 1000\n",
    );
    let out = hg()
        .args(["scan", "--format", "json", "--select", "DF011,DF018,HG003"])
        .arg(d.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["HG003"], "{v}");
    assert_eq!(v["findings"][0]["line"], 4);
    write(
        d.path(),
        "Dockerfile",
        "# hullguard: ignore-file=DF001,latest-tag\nFROM debian\nUSER root\n",
    );
    hg().args(["scan", "--select", "DF001,DF003,HG003"])
        .arg(d.path())
        .assert()
        .code(0);
}

#[test]
fn config_file_is_found_upward_and_applies() {
    let d = TempDir::new().unwrap();
    write(d.path(), "hullguard.toml", "ignore = [\"DF011\"]\n[severity]\nroot-user = \"info\"\n[dockerfile]\nbuild-args = { RUNAS = \"1000\" }\n");
    write(
        d.path(),
        "svc/Dockerfile",
        "ARG RUNAS=0\nFROM debian:12\nARG RUNAS\nRUN curl x | sh\nUSER $RUNAS\n",
    );
    let out = hg()
        .args(["scan", "--format", "json", "--select", "DF001,DF011"])
        .arg(d.path().join("svc"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // --select replaces the config's selection but its ignore still applies; the
    // build argument from the config makes USER non-root.
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v}");
    write(
        d.path(),
        "hullguard.toml",
        "select = [\"DF001\"]\n[severity]\nroot-user = \"info\"\n",
    );
    let out = hg()
        .args(["scan", "--format", "json"])
        .arg(d.path().join("svc"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["severity"], "info", "{v}");
    assert_eq!(out.status.code(), Some(0));
    write(d.path(), "hullguard.toml", "selct = [\"DF001\"]\n");
    hg().arg("scan")
        .arg(d.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("selct"));
}

#[test]
fn build_args_and_target_resolve() {
    let d = TempDir::new().unwrap();
    write(d.path(), "Dockerfile", "ARG RUNAS=0\nFROM debian:12 AS dev\nARG RUNAS\nUSER ${RUNAS}\nFROM debian:12 AS prod\nUSER 1000\n");
    hg().args(["scan", "--select", "DF001"])
        .arg(d.path())
        .assert()
        .code(0);
    hg().args(["scan", "--select", "DF001", "--target", "dev"])
        .arg(d.path())
        .assert()
        .code(1);
    hg().args([
        "scan",
        "--select",
        "DF001",
        "--target",
        "dev",
        "--build-arg",
        "RUNAS=1000",
    ])
    .arg(d.path())
    .assert()
    .code(0);
    hg().args(["scan", "--select", "DF001", "--target", "nope"])
        .arg(d.path())
        .assert()
        .stderr(predicate::str::contains("nope"));
}

#[test]
fn rules_and_explain() {
    hg().arg("rules")
        .assert()
        .success()
        .stdout(predicate::str::contains("DF001").and(predicate::str::contains("root-user")));
    hg().args(["explain", "remote-script-execution"])
        .assert()
        .success()
        .stdout(predicate::str::contains("## Why is this bad?"));
    hg().args(["explain", "df001"])
        .assert()
        .success()
        .stdout(predicate::str::contains("CIS Docker Benchmark: 4.1"));
    let out = hg().args(["rules", "--format", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.as_array().unwrap().len() >= 40);
}

#[test]
fn committed_rules_doc_is_current() {
    let out = hg()
        .args(["rules", "--format", "markdown"])
        .output()
        .unwrap();
    let generated = String::from_utf8(out.stdout).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        generated == committed,
        "docs/rules.md is stale: run `cargo run -p hullguard-cli -- rules --format markdown > docs/rules.md`"
    );
}

#[test]
fn committed_cis_table_is_current() {
    let out = hg().args(["rules", "--format", "cis"]).output().unwrap();
    let generated = String::from_utf8(out.stdout).unwrap();
    assert!(generated.contains("| 5.5 |"), "{generated}");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/cis.md");
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        generated == committed,
        "docs/cis.md is stale: run `cargo run -p hullguard-cli -- rules --format cis > docs/cis.md`"
    );
}

/// The SARIF the binary writes for the bundled examples (every kind of finding
/// the rules produce, real rule docs, fixes) is valid against the official
/// SARIF 2.1.0 schema, read from the shared workspace.
#[test]
fn sarif_of_the_examples_validates_against_the_official_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let schema_path = root.join("../shared/schemas/sarif-schema-2.1.0.json");
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(&schema_path)
            .unwrap_or_else(|e| panic!("{} is required ({e})", schema_path.display())),
    )
    .unwrap();
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let out = hg()
        .args(["scan", "--format", "sarif"])
        .arg(root.join("examples"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() > 30, "{} results", results.len());
    assert!(results.iter().any(|r| r.get("fixes").is_some()));
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}
