//! CT006: the container shares the host's PID namespace.

use super::util::{report_host_namespace, Namespace};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container in the host's process namespace: `pid: host`,
    /// `--pid host`, `HostConfig.PidMode: "host"`.
    ///
    /// ## Why is this bad?
    /// The container sees every process on the host, their command lines (often
    /// with passwords) and, as root, their environment and memory through
    /// `/proc/<pid>`. Root in it can kill host processes, and with `SYS_PTRACE`
    /// inject code into them; `nsenter --target 1` is a shell on the host.
    /// CIS Docker Benchmark 5.16.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   monitor:
    ///     image: example/monitor:2
    ///     pid: host
    /// ```
    ///
    /// ## How to fix
    /// Remove `pid: host` (`--pid host`). A container that must see another
    /// container's processes can join that container's namespace
    /// (`pid: "service:app"`) instead.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.16
    /// - [PID settings](https://docs.docker.com/engine/containers/run/#pid-settings---pid)
    pub static HOST_PID = {
        code: "CT006",
        name: "host-pid",
        severity: High,
        default_enabled: true,
        cis: ["5.16"],
        summary: "the container shares the host's PID namespace",
        fixable: false,
    }
}

pub struct HostPid;

impl ContainerRule for HostPid {
    fn info(&self) -> &'static RuleInfo {
        &HOST_PID
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        report_host_namespace(
            &HOST_PID,
            cx.spec,
            &cx.spec.pid,
            &Namespace {
                label: "PID",
                compose_key: "pid",
                run_flag: "--pid",
                api_field: "PidMode",
            },
            "it sees and can signal every host process",
            sink,
        );
    }
}
