//! CT036: the container is placed in a custom parent cgroup.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container with a custom parent cgroup: `cgroup_parent:`,
    /// `--cgroup-parent`, `HostConfig.CgroupParent`.
    ///
    /// ## Why is this bad?
    /// The engine puts every container under its own cgroup (`/docker` or
    /// `system.slice`), where daemon-wide limits and accounting apply. A custom
    /// parent moves the container elsewhere in the host's hierarchy, outside those
    /// limits and possibly under a cgroup with more resources or different device
    /// rules. CIS 5.25 asks that cgroup usage is confirmed: review each one.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   batch:
    ///     image: example/batch:3
    ///     cgroup_parent: /system.slice
    /// ```
    ///
    /// ## How to fix
    /// Remove `cgroup_parent` unless the host's resource management requires it;
    /// accept the finding for containers placed deliberately.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.25
    /// - [`docker run --cgroup-parent`](https://docs.docker.com/reference/cli/docker/container/run/)
    pub static CUSTOM_CGROUP_PARENT = {
        code: "CT036",
        name: "custom-cgroup-parent",
        severity: Low,
        default_enabled: true,
        cis: ["5.25"],
        summary: "the container is placed in a custom parent cgroup",
        fixable: false,
    }
}

pub struct CustomCgroupParent;

impl ContainerRule for CustomCgroupParent {
    fn info(&self) -> &'static RuleInfo {
        &CUSTOM_CGROUP_PARENT
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let Some(p) = spec.cgroup_parent.known() else {
            return;
        };
        let parent = p.value.trim();
        if parent.is_empty() {
            return;
        }
        sink.report(
            &CUSTOM_CGROUP_PARENT,
            &p.at,
            parent,
            format!(
                "{} runs under custom parent cgroup `{parent}`",
                subject(spec)
            ),
        )
        .set_help(help(
            spec,
            "remove `cgroup_parent` unless the host's resource management needs it",
            "remove `--cgroup-parent` unless the host's resource management needs it",
            "leave `HostConfig.CgroupParent` empty unless the host's resource management needs it",
        ));
    }
}
