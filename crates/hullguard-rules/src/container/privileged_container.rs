//! CT001: a privileged container.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container that runs privileged: `privileged: true` in compose,
    /// `--privileged` on `docker run`, `HostConfig.Privileged` in the Engine API.
    ///
    /// ## Why is this bad?
    /// A privileged container gets every capability, every host device (`/dev/sda`,
    /// `/dev/mem`), writable `/sys` and `/proc/sys`, and runs without the seccomp,
    /// AppArmor and SELinux confinement the engine normally applies. Root inside it
    /// is root on the host: mounting the host's disk or loading a kernel module is a
    /// single command. CIS Docker Benchmark 5.5.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.4
    ///     privileged: true
    /// ```
    ///
    /// Use instead: grant only what the workload needs.
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.4
    ///     cap_add: [NET_ADMIN]
    ///     devices: ["/dev/net/tun"]
    /// ```
    ///
    /// ## How to fix
    /// Remove `privileged: true` (`--privileged`); add the specific capabilities
    /// (`cap_add`) and devices (`devices`) the container needs instead.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.5
    /// - [Runtime privilege and Linux capabilities](https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities)
    pub static PRIVILEGED_CONTAINER = {
        code: "CT001",
        name: "privileged-container",
        severity: Critical,
        default_enabled: true,
        cis: ["5.5"],
        summary: "the container runs privileged",
        fixable: false,
    }
}

pub struct PrivilegedContainer;

impl ContainerRule for PrivilegedContainer {
    fn info(&self) -> &'static RuleInfo {
        &PRIVILEGED_CONTAINER
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        if let Some(p) = spec.privileged.known() {
            if p.value {
                sink.report(
                    &PRIVILEGED_CONTAINER,
                    &p.at,
                    "",
                    format!(
                        "{} runs privileged: all capabilities and host devices, no seccomp or AppArmor",
                        subject(spec)
                    ),
                )
                .set_help(help(
                    spec,
                    "remove `privileged: true` and add only the capabilities (`cap_add`) and devices the service needs",
                    "remove `--privileged` and add only the capabilities (`--cap-add`) and devices the container needs",
                    "set `HostConfig.Privileged` to false and add only the capabilities and devices the container needs",
                ));
            }
        }
    }
}
