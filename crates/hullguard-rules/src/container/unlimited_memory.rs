//! CT021: no memory limit on the container.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_container::Setting;
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container without a memory limit: no `mem_limit` /
    /// `deploy.resources.limits.memory` in compose, no `--memory`/`-m`, or
    /// `HostConfig.Memory` 0 (unlimited). A limit that is an unresolved variable is
    /// not reported.
    ///
    /// ## Why is this bad?
    /// A container without a limit can take all of the host's memory, through a
    /// leak, a load spike, or on purpose: the kernel's OOM killer then picks
    /// victims across the host, possibly the engine or other containers. A limit
    /// confines the damage to the container. CIS Docker Benchmark 5.11.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2
    ///     deploy:
    ///       resources:
    ///         limits:
    ///           memory: 512M
    /// ```
    ///
    /// ## How to fix
    /// Set a limit a little above the container's measured peak:
    /// `deploy.resources.limits.memory` (or `mem_limit`) in compose, `--memory 512m`
    /// on `docker run`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.11
    /// - [Resource constraints: memory](https://docs.docker.com/engine/containers/resource_constraints/#memory)
    pub static UNLIMITED_MEMORY = {
        code: "CT021",
        name: "unlimited-memory",
        severity: Low,
        default_enabled: true,
        cis: ["5.11"],
        summary: "the container has no memory limit",
        fixable: false,
    }
}

pub struct UnlimitedMemory;

impl ContainerRule for UnlimitedMemory {
    fn info(&self) -> &'static RuleInfo {
        &UNLIMITED_MEMORY
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let at = match &spec.memory {
            Setting::Unknown(_) => return,
            Setting::Set(m) if m.value > 0 => return,
            Setting::Set(m) => &m.at,
            Setting::Unset => &spec.at,
        };
        sink.report(
            &UNLIMITED_MEMORY,
            at,
            "",
            format!("{} has no memory limit", subject(spec)),
        )
        .set_help(help(
            spec,
            "set `deploy.resources.limits.memory` (or `mem_limit`)",
            "add `--memory` (e.g. `--memory 512m`)",
            "set `HostConfig.Memory` to a limit in bytes",
        ));
    }
}
