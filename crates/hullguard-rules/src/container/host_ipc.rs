//! CT007: the container shares the host's IPC namespace.

use super::util::{report_host_namespace, Namespace};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container in the host's IPC namespace: `ipc: host`,
    /// `--ipc host`, `HostConfig.IpcMode: "host"`.
    ///
    /// ## Why is this bad?
    /// The container reads and writes the host's System V shared memory segments,
    /// semaphores and message queues and the host's `/dev/shm`: data other programs
    /// keep there (database buffers, session data) is exposed, and can be
    /// corrupted. CIS Docker Benchmark 5.17.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: example/worker:5
    ///     ipc: host
    /// ```
    ///
    /// ## How to fix
    /// Remove `ipc: host` (`--ipc host`). Containers that need to share memory with
    /// each other can use `ipc: shareable` on one and `ipc: "service:NAME"` on the
    /// others.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.17
    /// - [IPC settings](https://docs.docker.com/engine/containers/run/#ipc-settings---ipc)
    pub static HOST_IPC = {
        code: "CT007",
        name: "host-ipc",
        severity: High,
        default_enabled: true,
        cis: ["5.17"],
        summary: "the container shares the host's IPC namespace",
        fixable: false,
    }
}

pub struct HostIpc;

impl ContainerRule for HostIpc {
    fn info(&self) -> &'static RuleInfo {
        &HOST_IPC
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        report_host_namespace(
            &HOST_IPC,
            cx.spec,
            &cx.spec.ipc,
            &Namespace {
                label: "IPC",
                compose_key: "ipc",
                run_flag: "--ipc",
                api_field: "IpcMode",
            },
            "it reads and writes the host's shared memory",
            sink,
        );
    }
}
