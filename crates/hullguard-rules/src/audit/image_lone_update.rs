//! IM005: a package index update alone in a step of an image's history.

use super::history::steps;
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;
use hullguard_shell::Word;

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` step of an image's history that updates a package index
    /// (`apt-get update`, `apk update`, `yum makecache`, `zypper refresh`)
    /// without installing or upgrading anything in the same step, as
    /// `lone-package-update` (DF024) does for Dockerfiles.
    ///
    /// ## Why is this bad?
    /// The builder caches each step: the lone update layer is reused by later
    /// builds while the install step after it changes, so images get built
    /// against an old index, install outdated packages or fail. CIS 4.7.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## How to fix
    /// Update and install in the same `RUN` of the image's Dockerfile, and
    /// rebuild.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.7
    /// - [Dockerfile best practices: `apt-get`](https://docs.docker.com/build/building/best-practices/#apt-get)
    pub static IMAGE_LONE_UPDATE = {
        code: "IM005",
        name: "image-lone-update",
        severity: Low,
        default_enabled: true,
        cis: ["4.7"],
        summary: "a package index update alone in a step of the image's history",
        fixable: false,
    }
}

pub struct ImageLoneUpdate;

/// The first operand (the subcommand): options and the values of `-o`, `-c`
/// and `-t` are skipped.
fn subcommand(args: &[Word]) -> Option<&str> {
    let mut skip = false;
    for a in args {
        let v = a.lossy.as_str();
        if skip {
            skip = false;
            continue;
        }
        if matches!(v, "-o" | "-c" | "-t" | "--option" | "--config-file") {
            skip = true;
            continue;
        }
        if v.starts_with('-') {
            continue;
        }
        return Some(v);
    }
    None
}

/// The index updates and installs of DF024 (`lone-package-update`).
// The same package-manager commands as the Dockerfile rule.
use crate::dockerfile::lone_package_update::{is_install, is_update};

impl AuditRule for ImageLoneUpdate {
    fn info(&self) -> &'static RuleInfo {
        &IMAGE_LONE_UPDATE
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        for img in cx.checked_images() {
            for step in steps(&img.snap.history) {
                let Some(script) = &step.script else {
                    continue;
                };
                let parsed = hullguard_shell::analyze(script);
                let cmds: Vec<(&str, Option<&str>)> = parsed
                    .commands
                    .iter()
                    .filter_map(|c| c.unwrapped())
                    .map(|(name, args)| (name, subcommand(args)))
                    .collect();
                let Some((name, sub)) = cmds.iter().find(|(n, s)| is_update(n, *s)) else {
                    continue;
                };
                if cmds.iter().any(|(n, s)| is_install(n, *s)) {
                    continue;
                }
                sink.report(
                    &IMAGE_LONE_UPDATE,
                    cx.image_at(img, format!("/History/{}/CreatedBy", step.index)),
                    &format!("{name} {}", sub.unwrap_or("")),
                    format!(
                        "image `{}` has `{name} {}` alone in a step: its cached layer goes stale",
                        img.name,
                        sub.unwrap_or("")
                    ),
                )
                .set_help(
                    "update and install in the same RUN of the image's Dockerfile, and rebuild",
                );
            }
        }
    }
}
