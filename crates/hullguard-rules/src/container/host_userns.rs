//! CT009: the container opts out of user namespace remapping.

use super::util::{report_host_namespace, Namespace};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container in the host's user namespace: `userns_mode: host`,
    /// `--userns host`, `HostConfig.UsernsMode: "host"`.
    ///
    /// ## Why is this bad?
    /// With user namespace remapping (`userns-remap` in the daemon), root in a
    /// container is an unprivileged user on the host. `userns: host` turns that off
    /// for this container: its root is the host's root again, and every escape is a
    /// root compromise. (On a daemon without remapping the setting changes nothing,
    /// but it records the intent to run without the protection.) CIS Docker
    /// Benchmark 5.31.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1
    ///     userns_mode: host
    /// ```
    ///
    /// ## How to fix
    /// Remove `userns_mode: host` (`--userns host`); fix file ownership on volumes
    /// (`chown` to the remapped IDs) instead of opting out.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.31
    /// - [Isolate containers with a user namespace](https://docs.docker.com/engine/security/userns-remap/)
    pub static HOST_USERNS = {
        code: "CT009",
        name: "host-userns",
        severity: Medium,
        default_enabled: true,
        cis: ["5.31"],
        summary: "the container shares the host's user namespace",
        fixable: false,
    }
}

pub struct HostUserns;

impl ContainerRule for HostUserns {
    fn info(&self) -> &'static RuleInfo {
        &HOST_USERNS
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        report_host_namespace(
            &HOST_USERNS,
            cx.spec,
            &cx.spec.userns,
            &Namespace {
                label: "user",
                compose_key: "userns_mode",
                run_flag: "--userns",
                api_field: "UsernsMode",
            },
            "user namespace remapping is off, its root is the host's root",
            sink,
        );
    }
}
