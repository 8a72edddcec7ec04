//! CT018: AppArmor disabled for the container.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container started without an AppArmor profile:
    /// `security_opt: ["apparmor:unconfined"]`, `--security-opt apparmor=unconfined`,
    /// `HostConfig.SecurityOpt: ["apparmor=unconfined"]`. (A missing option is not
    /// reported: on hosts with AppArmor the engine applies `docker-default`.)
    ///
    /// ## Why is this bad?
    /// The `docker-default` profile denies writes to `/proc/sys`, `/sys`, and
    /// sensitive `/proc` files, and denies `mount`: it is what stops several
    /// capability-based escapes (the cgroup `release_agent` one among them) on
    /// Debian and Ubuntu hosts. CIS Docker Benchmark 5.2.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1
    ///     security_opt: ["apparmor:unconfined"]
    /// ```
    ///
    /// ## How to fix
    /// Remove `apparmor=unconfined`; if the default profile blocks something the
    /// application needs, load a custom profile and name it
    /// (`apparmor=my-profile`).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.2
    /// - [AppArmor security profiles for Docker](https://docs.docker.com/engine/security/apparmor/)
    pub static APPARMOR_UNCONFINED = {
        code: "CT018",
        name: "apparmor-unconfined",
        severity: High,
        default_enabled: true,
        cis: ["5.2"],
        summary: "the container runs without an AppArmor profile",
        fixable: false,
    }
}

pub struct ApparmorUnconfined;

impl ContainerRule for ApparmorUnconfined {
    fn info(&self) -> &'static RuleInfo {
        &APPARMOR_UNCONFINED
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let Some(p) = spec.apparmor.known() else {
            return;
        };
        if p.value.trim() != "unconfined" {
            return;
        }
        sink.report(
            &APPARMOR_UNCONFINED,
            &p.at,
            "unconfined",
            format!("{} runs without an AppArmor profile", subject(spec)),
        )
        .set_help(help(
            spec,
            "remove `apparmor:unconfined` from `security_opt`, or name a custom profile",
            "remove `--security-opt apparmor=unconfined`, or name a custom profile",
            "remove `apparmor=unconfined` from `HostConfig.SecurityOpt`, or name a custom profile",
        ));
    }
}
