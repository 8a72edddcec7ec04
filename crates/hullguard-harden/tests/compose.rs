//! Hardening a compose project end to end: the override written for a project,
//! merged with the original by the same loader `scan` uses, closes every finding
//! it claims to close and brings no new one; it is valid for a real Compose
//! implementation (Debian's docker-compose: `docker-compose -f a -f b config`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hullguard_compose::convert::project_specs;
use hullguard_compose::loader::load_project;
use hullguard_compose::project::LoadOptions;
use hullguard_harden::{harden_compose, HardenOptions};
use hullguard_rules::{check_container, CheckOptions};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const COMPOSE: &str = r#"services:
  web:
    image: nginx:1.27
    ports:
      - "80:80"
      - "127.0.0.1:8443:443"
  app:
    build: ./app
    environment:
      MODE: production
  admin:
    image: registry.example.com/admin:2.1
    privileged: true
    read_only: false
    pid: host
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
  hardened:
    image: alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000
    user: "1000:1000"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    pids_limit: 100
    mem_limit: 256m
    cpus: 0.5
    healthcheck:
      test: ["CMD", "true"]
"#;

const APP_DOCKERFILE: &str = "FROM debian:bookworm-slim\n\
RUN groupadd --system app && useradd --system --gid app app\n\
HEALTHCHECK CMD true\n\
CMD [\"sleep\", \"infinity\"]\n";

fn project_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hullguard-harden-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("app")).unwrap();
    std::fs::write(dir.join("compose.yaml"), COMPOSE).unwrap();
    std::fs::write(dir.join("app/Dockerfile"), APP_DOCKERFILE).unwrap();
    dir
}

fn load(dir: &Path, files: &[&str]) -> Vec<hullguard_container::ContainerSpec> {
    let project = load_project(&LoadOptions {
        files: files.iter().map(|f| dir.join(f)).collect(),
        working_dir: dir.to_path_buf(),
        environment: BTreeMap::new(),
        ..LoadOptions::default()
    })
    .unwrap();
    assert!(project.problems.is_empty(), "{:?}", project.problems);
    let (specs, problems) = project_specs(&project);
    assert!(problems.is_empty(), "{problems:?}");
    specs
}

/// (service, rule code, fingerprint) of every finding.
fn findings(specs: &[hullguard_container::ContainerSpec]) -> BTreeSet<(String, String, String)> {
    let opts = CheckOptions::defaults();
    specs
        .iter()
        .flat_map(|s| {
            check_container(s, &opts)
                .into_iter()
                .map(|f| (s.name.clone(), f.rule.code.to_string(), f.fingerprint))
        })
        .collect()
}

fn harden(dir: &Path, opts: &HardenOptions) -> hullguard_harden::ComposeHardening {
    let specs = load(dir, &["compose.yaml"]);
    let h = harden_compose(
        &specs,
        &CheckOptions::defaults(),
        opts,
        &["compose.yaml".to_string()],
        "compose.hardened.yaml",
    );
    std::fs::write(dir.join("compose.hardened.yaml"), &h.yaml).unwrap();
    h
}

#[test]
fn override_closes_what_it_claims_and_adds_nothing() {
    let dir = project_dir("closes");
    let h = harden(&dir, &HardenOptions::default());
    let before = findings(&load(&dir, &["compose.yaml"]));
    let after = findings(&load(&dir, &["compose.yaml", "compose.hardened.yaml"]));
    assert!(
        after.is_subset(&before),
        "new findings: {:?}",
        after.difference(&before)
    );

    // What each plan says it closes is gone; what it says remains is still there.
    for (service, plan) in &h.services {
        for pa in &plan.actions {
            for rule in &pa.closes {
                assert!(
                    !after.iter().any(|(s, c, _)| s == service && c == rule.code),
                    "{service}: {} still reported after {:?}",
                    rule.code,
                    pa.action
                );
            }
        }
        for f in &plan.remaining {
            assert!(
                after.contains(&(
                    service.clone(),
                    f.rule.code.to_string(),
                    f.fingerprint.clone()
                )),
                "{service}: remaining {} is not reported after merging",
                f.rule.code
            );
        }
    }
    let plan = |name: &str| &h.services.iter().find(|(s, _)| s == name).unwrap().1;
    let actions = |name: &str| -> Vec<String> {
        plan(name)
            .actions
            .iter()
            .map(|a| format!("{:?}", a.action))
            .collect()
    };
    // web: everything missing is added; its ports are left alone without
    // --bind-localhost.
    let web = actions("web");
    for a in [
        "DropAllCapabilities",
        "NoNewPrivileges",
        "ReadOnlyRoot",
        "PidsLimit",
        "Memory",
        "Cpus",
    ] {
        assert!(
            web.iter().any(|w| w.starts_with(a)),
            "web lacks {a}: {web:?}"
        );
    }
    assert!(!web.iter().any(|w| w.contains("BindLocalhost")));
    // app: its Dockerfile creates `app`, so it runs as `app`.
    assert!(
        actions("app").iter().any(|a| a == "User(\"app\")"),
        "{:?}",
        actions("app")
    );
    // admin: explicit choices are not reversed: read_only stays false, and
    // privileged, the host pid namespace and the socket remain as work to do.
    assert!(!actions("admin")
        .iter()
        .any(|a| a.starts_with("ReadOnlyRoot")));
    let remaining: Vec<&str> = plan("admin")
        .remaining
        .iter()
        .map(|f| f.rule.name)
        .collect();
    assert!(remaining.len() >= 4, "{remaining:?}");
    // hardened: nothing to add.
    assert!(actions("hardened").is_empty(), "{:?}", actions("hardened"));
    // Every change carries a comment naming a rule it closes.
    assert!(h.yaml.contains("# Remaining"));
    let comments = h
        .yaml
        .lines()
        .filter(|l| l.trim_start().starts_with("# CT"))
        .count();
    let changes: usize = h.services.iter().map(|(_, p)| p.actions.len()).sum();
    assert_eq!(comments, changes, "{}", h.yaml);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bind_localhost_replaces_the_port_list() {
    let dir = project_dir("bind");
    let h = harden(
        &dir,
        &HardenOptions {
            bind_localhost: true,
            ..HardenOptions::default()
        },
    );
    assert!(h.yaml.contains("ports: !override"), "{}", h.yaml);
    let specs = load(&dir, &["compose.yaml", "compose.hardened.yaml"]);
    let web = specs.iter().find(|s| s.name == "web").unwrap();
    let ips: Vec<Option<&str>> = web
        .ports
        .iter()
        .map(|p| p.value.host_ip.as_deref())
        .collect();
    assert_eq!(ips, vec![Some("127.0.0.1"), Some("127.0.0.1")]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A real Compose implementation must accept the original merged with the
/// override. Under CI the implementation must be there.
#[test]
fn docker_compose_accepts_the_override() {
    let found = Command::new("docker-compose")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "docker-compose is not installed (scripts/test.sh installs Debian's package)"
        );
        eprintln!("skipping: docker-compose is not installed");
        return;
    }
    let dir = project_dir("valid");
    harden(&dir, &HardenOptions::default());
    let out = Command::new("docker-compose")
        .current_dir(&dir)
        .args([
            "-f",
            "compose.yaml",
            "-f",
            "compose.hardened.yaml",
            "config",
        ])
        .env_remove("DOCKER_HOST")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        stdout
    );
    // The merged configuration has the hardening.
    assert!(stdout.contains("no-new-privileges:true"), "{stdout}");
    assert!(stdout.contains("read_only: true"), "{stdout}");
    assert!(stdout.contains("pids_limit: 256"), "{stdout}");
    assert!(stdout.contains("- ALL"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}
