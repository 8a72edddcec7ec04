//! Container rules on hand-built specs: what the fixtures cannot easily express
//! (an image's known user and health check, settings that are all unknown),
//! plus the engine's contract: severity overrides, stable fingerprints, and the
//! findings of source problems.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hullguard_container::{
    At, ContainerSpec, Healthcheck, ImageDefaults, Problem, Setting, SourceKind,
};
use hullguard_diagnostics::{Location, Severity, SourceFile, Span};
use hullguard_rules::{
    all_rules, check_container, problem_findings, CheckOptions, INVALID_CONTAINER_CONFIG,
};

fn loc(pointer: &str) -> Location {
    Location::Object {
        kind: "container".into(),
        name: "web".into(),
        pointer: pointer.into(),
    }
}

fn spec() -> ContainerSpec {
    let mut s = ContainerSpec::new(SourceKind::Api, "container", "web", loc(""));
    s.image = Setting::set("example/web:1".to_string(), loc("/Image"));
    s
}

fn only(code: &'static str) -> CheckOptions {
    let mut o = CheckOptions::default();
    o.enabled.insert(code);
    o
}

fn image(user: Setting<String>, healthcheck: Setting<Healthcheck>) -> Option<ImageDefaults> {
    Some(ImageDefaults {
        source: "example/web:1".into(),
        user,
        healthcheck,
        external_base: None,
        user_from_base: false,
    })
}

fn pointers(findings: &[hullguard_diagnostics::Finding]) -> Vec<(String, Severity)> {
    findings
        .iter()
        .map(|f| match &f.location {
            Location::Object { pointer, .. } => (pointer.clone(), f.severity),
            Location::File { span, .. } => (format!("@{}", span.start), f.severity),
        })
        .collect()
}

#[test]
fn root_user_from_the_image() {
    let opts = only("CT002");
    // The image sets no user: root, for certain.
    let mut s = spec();
    s.image_defaults = image(Setting::Unset, Setting::Unset);
    let f = check_container(&s, &opts);
    assert_eq!(pointers(&f), [(String::new(), Severity::High)]);
    assert!(
        f[0].message.contains("neither it nor its image"),
        "{}",
        f[0].message
    );
    // The image's USER is root.
    s.image_defaults = image(
        Setting::set("root".into(), loc("/img/User")),
        Setting::Unset,
    );
    assert_eq!(
        pointers(&check_container(&s, &opts)),
        [(String::new(), Severity::High)]
    );
    // The image's USER is not root.
    s.image_defaults = image(Setting::set("app".into(), loc("/img/User")), Setting::Unset);
    assert!(check_container(&s, &opts).is_empty());
    // The image's USER could not be resolved.
    s.image_defaults = image(Setting::Unknown(loc("/img/User")), Setting::Unset);
    assert!(check_container(&s, &opts).is_empty());
    // Unknown image: a possibility, low, said so.
    s.image_defaults = None;
    let f = check_container(&s, &opts);
    assert_eq!(pointers(&f), [(String::new(), Severity::Low)]);
    assert!(f[0].message.contains("may run as root"), "{}", f[0].message);
    // The container's own non-root user wins over a root image.
    s.image_defaults = image(Setting::Unset, Setting::Unset);
    s.user = Setting::set("10001".into(), loc("/User"));
    assert!(check_container(&s, &opts).is_empty());
    s.user = Setting::set("000".into(), loc("/User"));
    assert_eq!(
        pointers(&check_container(&s, &opts)),
        [("/User".into(), Severity::High)]
    );
}

#[test]
fn healthcheck_from_the_image() {
    let opts = only("CT031");
    let hc = |test: &[&str], disabled: bool| Healthcheck {
        disabled,
        test: test.iter().map(|s| s.to_string()).collect(),
    };
    let mut s = spec();
    // No health check anywhere.
    s.image_defaults = image(Setting::Unset, Setting::Unset);
    assert_eq!(
        pointers(&check_container(&s, &opts)),
        [(String::new(), Severity::Low)]
    );
    // Only timings on the container: the image's (missing) test applies.
    s.healthcheck = Setting::set(hc(&[], false), loc("/Healthcheck"));
    assert_eq!(
        pointers(&check_container(&s, &opts)),
        [(String::new(), Severity::Low)]
    );
    // The image has one.
    s.image_defaults = image(
        Setting::Unset,
        Setting::set(hc(&["CMD", "/hc"], false), loc("/img/Healthcheck")),
    );
    assert!(check_container(&s, &opts).is_empty());
    // The image disables its own.
    s.image_defaults = image(
        Setting::Unset,
        Setting::set(hc(&["NONE"], false), loc("/img/Healthcheck")),
    );
    assert_eq!(check_container(&s, &opts).len(), 1);
    // The container disables it, whatever the image has.
    s.image_defaults = image(
        Setting::Unset,
        Setting::set(hc(&["CMD", "/hc"], false), loc("/img/Healthcheck")),
    );
    s.healthcheck = Setting::set(hc(&[], true), loc("/Healthcheck"));
    assert_eq!(
        pointers(&check_container(&s, &opts)),
        [("/Healthcheck".into(), Severity::Low)]
    );
    // Unknown image: not reported.
    s.healthcheck = Setting::Unset;
    s.image_defaults = None;
    assert!(check_container(&s, &opts).is_empty());
}

/// A spec whose every scalar is unknown and whose lists are all unresolved gives
/// no finding from any rule: nothing unknown fires, nothing unknown is missing.
#[test]
fn unknown_settings_never_fire() {
    let at = loc("/x");
    let mut s = ContainerSpec::new(
        SourceKind::DockerRun,
        "command",
        "docker run $IMAGE",
        loc(""),
    );
    s.mark_unset_unknown(&at);
    s.unresolved.push(At::new("*", at.clone()));
    let f = check_container(&s, &CheckOptions::defaults());
    assert!(
        f.is_empty(),
        "{:?}",
        f.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
}

#[test]
fn severity_overrides_apply() {
    let mut opts = only("CT001");
    opts.severities.insert("CT001", Severity::Low);
    let mut s = spec();
    s.privileged = Setting::set(true, loc("/HostConfig/Privileged"));
    let f = check_container(&s, &opts);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Low);
}

#[test]
fn fingerprints_ignore_positions_and_name_the_object() {
    let opts = only("CT003");
    let file = SourceFile::new("compose.yaml", "x".repeat(100));
    let mk = |name: &str, start: usize| {
        let mut s = ContainerSpec::new(
            SourceKind::Compose,
            "service",
            name,
            Location::file(&file, Span::new(0, 1)),
        );
        s.add_cap(
            "SYS_ADMIN",
            Location::file(&file, Span::new(start, start + 9)),
        );
        s.add_cap(
            "cap_sys_admin",
            Location::file(&file, Span::new(start + 20, start + 33)),
        );
        check_container(&s, &opts)
    };
    let a = mk("web", 10);
    let b = mk("web", 40);
    let c = mk("api", 10);
    assert_eq!(a.len(), 2);
    assert_eq!(a[0].fingerprint, b[0].fingerprint);
    assert_ne!(a[0].fingerprint, a[1].fingerprint, "repeats are numbered");
    assert_ne!(a[0].fingerprint, c[0].fingerprint);
    assert!(a[0].fingerprint.starts_with("CT003:"));
}

#[test]
fn problems_become_findings_of_the_meta_rule() {
    let problems = vec![
        Problem::new(loc("/HostConfig/Memory"), "`Memory` must be a number."),
        Problem::new(loc("/HostConfig/Memory"), "`Memory` must be a number."),
    ];
    assert!(problem_findings(&problems, &CheckOptions::default()).is_empty());
    let f = problem_findings(&problems, &CheckOptions::defaults());
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].rule.code, INVALID_CONTAINER_CONFIG.code);
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(f[0].message, "`Memory` must be a number");
    assert_ne!(f[0].fingerprint, f[1].fingerprint);
}

#[test]
fn container_rules_are_listed_in_code_order() {
    let codes: Vec<&str> = all_rules()
        .into_iter()
        .map(|r| r.code)
        .filter(|c| c.starts_with("CT"))
        .collect();
    for (i, c) in codes.iter().enumerate() {
        assert_eq!(*c, format!("CT{:03}", i + 1));
    }
    // Off by default: only the digest rule.
    let off: Vec<&str> = all_rules()
        .into_iter()
        .filter(|r| r.code.starts_with("CT") && !r.default_enabled)
        .map(|r| r.name)
        .collect();
    assert_eq!(off, ["image-without-digest"]);
}
