//! LV006: a container runs without AppArmor on a host that has it.

use super::context::{str_at, Facility};
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// On a host with AppArmor (the engine lists `name=apparmor` in its
    /// security options, or the host's kernel has AppArmor enabled), reports
    /// a container that runs without an AppArmor profile: its `AppArmorProfile`
    /// is empty or `unconfined`. That happens when the engine does not apply
    /// AppArmor at all (`apparmor_parser` missing, an engine built without
    /// it). Privileged containers (`privileged-container`, CT001) and
    /// containers that ask for `apparmor=unconfined` (`apparmor-unconfined`,
    /// CT018) are reported by those rules. On a host without AppArmor
    /// nothing is reported, and CT018 is not either.
    ///
    /// ## Why is this bad?
    /// Docker's default AppArmor profile denies writes to `/proc` and `/sys`
    /// files that lead to the host, mounts, and other escape routes; without
    /// it the container is held back only by capabilities and seccomp. CIS 5.2.
    ///
    /// ## Example
    /// `docker inspect -f '{{.AppArmorProfile}}' web` prints an empty line on
    /// an Ubuntu host.
    ///
    /// ## How to fix
    /// Install AppArmor's user space (`apparmor` package) so the engine can
    /// load `docker-default`, restart the daemon and recreate the container.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.2
    /// - [AppArmor security profiles for Docker](https://docs.docker.com/engine/security/apparmor/)
    pub static APPARMOR_PROFILE_MISSING = {
        code: "LV006",
        name: "apparmor-profile-missing",
        severity: High,
        default_enabled: true,
        cis: ["5.2"],
        summary: "the container runs without an AppArmor profile on a host that has AppArmor",
        fixable: false,
    }
}

pub struct ApparmorProfileMissing;

impl AuditRule for ApparmorProfileMissing {
    fn info(&self) -> &'static RuleInfo {
        &APPARMOR_PROFILE_MISSING
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        if cx.apparmor != Facility::Present {
            return;
        }
        for c in &cx.containers {
            let Some(spec) = &c.spec else {
                continue;
            };
            if c.is_privileged() || !spec.apparmor.is_unset() {
                continue;
            }
            let profile = str_at(c.inspect(), "/AppArmorProfile").unwrap_or("").trim();
            if !(profile.is_empty() || profile == "unconfined") {
                continue;
            }
            sink.report(
                &APPARMOR_PROFILE_MISSING,
                cx.container_at(c, "/AppArmorProfile"),
                "",
                format!(
                    "container `{}` runs without an AppArmor profile on a host that has AppArmor",
                    c.name()
                ),
            )
            .set_help("install AppArmor's user space so the engine loads `docker-default`, restart the daemon and recreate the container");
        }
    }
}
