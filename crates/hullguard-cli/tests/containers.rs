//! End-to-end tests of containers in the `hullguard` binary: compose projects
//! (discovery, override merging, `-f`, `--env-file`, `--profile`, suppressions),
//! `docker run` lines in scripts, `check` and `check --fix`, and `harden`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::fs;
use std::path::Path;
use tempfile::TempDir;

fn hg() -> Command {
    let mut c = Command::cargo_bin("hullguard").unwrap();
    c.env_remove("COMPOSE_PROFILES")
        .env_remove("COMPOSE_PROJECT_NAME");
    c
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// (path, line, code) of every finding of a JSON report.
fn json_findings(out: &[u8]) -> Vec<(String, u64, String)> {
    let v: Value = serde_json::from_slice(out).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn codes(out: &[u8]) -> Vec<String> {
    json_findings(out).into_iter().map(|(_, _, c)| c).collect()
}

#[test]
fn compose_project_with_override_is_merged() {
    let d = TempDir::new().unwrap();
    write(
        d.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    cap_drop: [ALL]\n",
    );
    write(
        d.path(),
        "compose.override.yaml",
        "services:\n  web:\n    privileged: true\n",
    );
    let out = hg()
        .args(["scan", "--format", "json", "--select", "CT001"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let f = json_findings(&out.stdout);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].0.ends_with("compose.override.yaml"), "{f:?}");
    assert_eq!((f[0].1, f[0].2.as_str()), (3, "CT001"));
}

#[test]
fn explicit_files_env_file_and_profiles() {
    let d = TempDir::new().unwrap();
    write(
        d.path(),
        "base.yml",
        "services:\n  app:\n    image: \"alpine:${TAG:?set TAG}\"\n    pid: ${PIDMODE}\n  debug:\n    image: busybox:1.36\n    profiles: [debug]\n    privileged: true\n",
    );
    write(d.path(), "prod.env", "TAG=3.20\nPIDMODE=host\n");
    // Without the variables: they are reported, and the pid mode is unknown
    // (not private, not host).
    let out = hg()
        .current_dir(d.path())
        .env_remove("TAG")
        .env_remove("PIDMODE")
        .args([
            "scan",
            "--format",
            "json",
            "--select",
            "CT006,HG005",
            "-f",
            "base.yml",
        ])
        .output()
        .unwrap();
    let c = codes(&out.stdout);
    assert!(c.contains(&"HG005".to_string()), "{c:?}");
    assert!(!c.contains(&"CT006".to_string()), "{c:?}");
    // With --env-file, the host pid namespace is found.
    let out = hg()
        .current_dir(d.path())
        .env_remove("TAG")
        .env_remove("PIDMODE")
        .args([
            "scan",
            "--format",
            "json",
            "--select",
            "CT006,HG005,CT001",
            "-f",
            "base.yml",
            "--env-file",
            "prod.env",
        ])
        .output()
        .unwrap();
    let c = codes(&out.stdout);
    assert_eq!(c.iter().filter(|c| *c == "CT006").count(), 1, "{c:?}");
    assert!(!c.contains(&"HG005".to_string()), "{c:?}");
    // Every profile is scanned by default; --profile restricts.
    assert!(c.contains(&"CT001".to_string()), "{c:?}");
    let out = hg()
        .current_dir(d.path())
        .args([
            "scan",
            "--format",
            "json",
            "--select",
            "CT001",
            "-f",
            "base.yml",
            "--env-file",
            "prod.env",
            "--profile",
            "other",
        ])
        .output()
        .unwrap();
    assert!(codes(&out.stdout).is_empty());
}

#[test]
fn suppressions_in_compose_comments() {
    let d = TempDir::new().unwrap();
    write(
        d.path(),
        "docker-compose.yml",
        "services:\n  a:\n    image: x:1\n    # hullguard: ignore=privileged-container needed for the VPN\n    privileged: true\n    pid: host # hullguard: ignore=CT006\n    ipc: host # hullguard: ignore=CT001\n",
    );
    let out = hg()
        .args([
            "scan",
            "--format",
            "json",
            "--select",
            "CT001,CT006,CT007,HG003",
        ])
        .arg(d.path())
        .output()
        .unwrap();
    let mut c = codes(&out.stdout);
    c.sort();
    // CT007 on the ipc line stays, and its CT001 suppression is unused.
    assert_eq!(
        c,
        vec!["CT007", "HG003"],
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn docker_run_lines_in_scripts() {
    let d = TempDir::new().unwrap();
    write(
        d.path(),
        "deploy.sh",
        "#!/bin/sh\nset -e\nif [ -n \"$X\" ]; then\n  sudo docker run -d --privileged alpine:3.20 sleep 1\nfi\ndocker build -t x .\n",
    );
    write(
        d.path(),
        "bin/start",
        "#!/usr/bin/env bash\ndocker container create -v /:/host alpine:3.20\n",
    );
    write(d.path(), "notes.txt", "docker run --privileged alpine\n");
    let out = hg()
        .args(["scan", "--format", "json", "--select", "CT001,CT013"])
        .arg(d.path())
        .output()
        .unwrap();
    let mut f: Vec<(String, u64, String)> = json_findings(&out.stdout)
        .into_iter()
        .map(|(p, l, c)| {
            (
                Path::new(&p)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                l,
                c,
            )
        })
        .collect();
    f.sort();
    assert_eq!(
        f,
        vec![
            ("deploy.sh".to_string(), 4, "CT001".to_string()),
            ("start".to_string(), 2, "CT013".to_string()),
        ]
    );
}

#[test]
fn check_one_command_line() {
    hg().args([
        "check",
        "--no-source",
        "--color",
        "never",
        "--",
        "docker",
        "run",
        "--privileged",
        "-v",
        "/:/host:ro",
        "alpine:3.20",
        "sh",
    ])
    .assert()
    .code(1)
    .stdout(predicate::str::contains("CT001"))
    .stdout(predicate::str::contains("CT013"))
    .stdout(predicate::str::contains("<command line>"));
    // Flags after the image belong to the command.
    hg().args([
        "check",
        "--select",
        "CT001",
        "--",
        "docker",
        "run",
        "alpine:3.20",
        "--privileged",
    ])
    .assert()
    .code(0);
    // Not a docker run line.
    hg().args(["check", "--", "ls", "-l"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("docker run"));
}

#[test]
fn check_fix_prints_the_hardened_command() {
    let out = hg()
        .args([
            "check",
            "--fix",
            "--",
            "docker",
            "run",
            "-d",
            "--name",
            "web",
            "-p",
            "8080:80",
            "nginx:1.27",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.trim();
    assert!(
        line.starts_with("docker run -d --name web -p 8080:80 --cap-drop ALL"),
        "{line}"
    );
    assert!(line.ends_with(" nginx:1.27"), "{line}");
    for flag in [
        "--security-opt no-new-privileges:true",
        "--read-only",
        "--pids-limit 256",
        "--memory 512m",
        "--cpus 1.0",
    ] {
        assert!(line.contains(flag), "{flag} missing: {line}");
    }
    // The hardened command has none of the closed findings.
    let args: Vec<&str> = line.split_whitespace().collect();
    let after = hg()
        .args(["check", "--format", "json", "--"])
        .args(&args)
        .output()
        .unwrap();
    let c = codes(&after.stdout);
    for closed in ["CT004", "CT015", "CT020", "CT021", "CT022", "CT023"] {
        assert!(
            !c.contains(&closed.to_string()),
            "{closed} still reported: {c:?}"
        );
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("remaining: CT025"), "{stderr}");
}

#[test]
fn harden_writes_an_override_and_refuses_to_clobber() {
    let d = TempDir::new().unwrap();
    write(
        d.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    pid: host\n",
    );
    hg().current_dir(d.path())
        .args(["harden"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("compose.hardened.yaml"));
    let text = fs::read_to_string(d.path().join("compose.hardened.yaml")).unwrap();
    assert!(
        text.starts_with("# Generated by hullguard harden"),
        "{text}"
    );
    assert!(text.contains("cap_drop:"), "{text}");
    assert!(text.contains("# Remaining"), "{text}");
    assert!(text.contains("CT006 host-pid"), "{text}");
    assert!(text.contains("at compose.yaml:4:"), "{text}");
    // Scanning with the override: the closed findings are gone, the host pid
    // namespace stays.
    let out = hg()
        .current_dir(d.path())
        .args([
            "scan",
            "--format",
            "json",
            "-f",
            "compose.yaml",
            "-f",
            "compose.hardened.yaml",
        ])
        .output()
        .unwrap();
    let c = codes(&out.stdout);
    assert!(c.contains(&"CT006".to_string()), "{c:?}");
    for closed in ["CT004", "CT015", "CT020", "CT021", "CT022", "CT023"] {
        assert!(!c.contains(&closed.to_string()), "{closed}: {c:?}");
    }
    // A file hullguard did not write is not overwritten.
    write(d.path(), "mine.yaml", "services: {}\n");
    hg().current_dir(d.path())
        .args(["harden", "-o", "mine.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not written by hullguard"));
    hg().current_dir(d.path())
        .args(["harden", "--stdout"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no-new-privileges:true"));
    hg().current_dir(d.path())
        .args(["harden", "--memory", "1k"])
        .assert()
        .code(2);
}

#[test]
fn compose_from_standard_input() {
    let out = hg()
        .args(["scan", "--format", "json", "--select", "CT001,CT012", "--stdin-filename", "compose.yaml", "-"])
        .write_stdin("services:\n  a:\n    image: x:1\n    privileged: true\n    volumes: [\"/var/run/docker.sock:/var/run/docker.sock\"]\n")
        .output()
        .unwrap();
    let f = json_findings(&out.stdout);
    let got: Vec<(&str, u64, &str)> = f
        .iter()
        .map(|(p, l, c)| (p.as_str(), *l, c.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![("compose.yaml", 4, "CT001"), ("compose.yaml", 5, "CT012")]
    );
}
