//! DF024: a package index update alone in its RUN.

use super::util::subcommand;
use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Finds `RUN apt-get update` (or `apt update`, `apk update`, `yum makecache`,
    /// `dnf makecache`, `zypper refresh`) with no install or upgrade in the same `RUN`.
    ///
    /// ## Why is this bad?
    /// The layer with the package index is cached. Later builds reuse the old index
    /// while the install step below changes, so they install outdated packages —
    /// missing security fixes — or fail when the mirror has moved on. CIS Docker
    /// Benchmark 4.7.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.7
    /// - [apt-get best practices](https://docs.docker.com/build/building/best-practices/#apt-get)
    pub static LONE_PACKAGE_UPDATE = {
        code: "DF024",
        name: "lone-package-update",
        severity: Medium,
        default_enabled: true,
        cis: ["4.7"],
        summary: "a package index update alone in its RUN",
        fixable: false,
    }
}

pub struct LonePackageUpdate;

/// An index update (`apt-get update`, `apk update`, `yum makecache` ...).
pub(crate) fn is_update(name: &str, sub: Option<&str>) -> bool {
    matches!(
        (name, sub),
        ("apt-get" | "apt" | "aptitude" | "apk", Some("update"))
            | ("yum" | "dnf" | "microdnf", Some("makecache"))
            | ("zypper", Some("refresh" | "ref"))
    )
}

/// An install or upgrade by the same package managers.
pub(crate) fn is_install(name: &str, sub: Option<&str>) -> bool {
    matches!(
        (name, sub),
        (
            "apt-get" | "apt" | "aptitude",
            Some("install" | "upgrade" | "dist-upgrade" | "full-upgrade" | "build-dep" | "satisfy")
        ) | ("apk", Some("add" | "upgrade"))
            | (
                "yum" | "dnf" | "microdnf",
                Some("install" | "update" | "upgrade" | "groupinstall")
            )
            | (
                "zypper",
                Some("install" | "in" | "update" | "up" | "dist-upgrade" | "dup")
            )
    )
}

impl DockerfileRule for LonePackageUpdate {
    fn info(&self) -> &'static RuleInfo {
        &LONE_PACKAGE_UPDATE
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        let updates: Vec<_> = cx
            .cmds
            .iter()
            .filter(|c| is_update(&c.name, subcommand(c)))
            .collect();
        if updates.is_empty() || cx.cmds.iter().any(|c| is_install(&c.name, subcommand(c))) {
            return;
        }
        for c in updates {
            sink.report(
                &LONE_PACKAGE_UPDATE,
                c.span,
                format!(
                    "`{} {}` is alone in its RUN; its cached layer goes stale",
                    c.name,
                    subcommand(c).unwrap_or("")
                ),
            )
            .set_help("update and install in the same RUN");
        }
    }
}
