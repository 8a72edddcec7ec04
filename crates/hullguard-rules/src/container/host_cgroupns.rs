//! CT010: the container shares the host's cgroup namespace.

use super::util::{report_host_namespace, Namespace};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container that explicitly uses the host's cgroup namespace:
    /// `cgroup: host`, `--cgroupns host`, `HostConfig.CgroupnsMode: "host"`.
    /// (It is the engine's default only on cgroup v1 hosts; on cgroup v2 the
    /// default is `private`. Only the explicit setting is reported.)
    ///
    /// ## Why is this bad?
    /// The container sees the host's whole cgroup hierarchy in `/proc/self/cgroup`
    /// and `/sys/fs/cgroup`: the names and IDs of every other container and
    /// service, useful to an attacker, and the starting point of cgroup-based
    /// escapes when combined with `SYS_ADMIN` or a writable cgroup mount. The CIS
    /// benchmark has no item for it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1
    ///     cgroup: host
    /// ```
    ///
    /// ## How to fix
    /// Remove `cgroup: host` (`--cgroupns host`), or set `private`.
    ///
    /// ## References
    /// - [`docker run --cgroupns`](https://docs.docker.com/reference/cli/docker/container/run/#cgroupns)
    /// - [cgroup_namespaces(7)](https://man7.org/linux/man-pages/man7/cgroup_namespaces.7.html)
    pub static HOST_CGROUPNS = {
        code: "CT010",
        name: "host-cgroupns",
        severity: Low,
        default_enabled: true,
        cis: [],
        summary: "the container shares the host's cgroup namespace",
        fixable: false,
    }
}

pub struct HostCgroupns;

impl ContainerRule for HostCgroupns {
    fn info(&self) -> &'static RuleInfo {
        &HOST_CGROUPNS
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        report_host_namespace(
            &HOST_CGROUPNS,
            cx.spec,
            &cx.spec.cgroupns,
            &Namespace {
                label: "cgroup",
                compose_key: "cgroup",
                run_flag: "--cgroupns",
                api_field: "CgroupnsMode",
            },
            "it sees the host's whole cgroup hierarchy",
            sink,
        );
    }
}
