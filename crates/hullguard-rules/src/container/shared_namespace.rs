//! CT011: the container joins another container's namespace.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_container::NsMode;
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container that joins the PID, IPC or network namespace of another
    /// container or compose service: `pid: "container:db"`,
    /// `network_mode: "service:vpn"`, `--ipc container:app`,
    /// `HostConfig.NetworkMode: "container:…"`. Informational.
    ///
    /// ## Why is this bad?
    /// The two containers are no longer isolated from each other in that
    /// namespace: with a shared PID namespace one sees (and as root, signals and
    /// traces) the other's processes and reads their environment; with a shared
    /// network namespace they share `localhost` and every listening port; with a
    /// shared IPC namespace, their shared memory. A compromise of either reaches
    /// the other. Sometimes that is the point (a debugging or VPN sidecar); the
    /// finding makes the trust relationship visible.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   debug:
    ///     image: example/debug-tools:1
    ///     pid: "service:api"
    /// ```
    ///
    /// ## How to fix
    /// Remove the shared namespace when the containers can talk over the network
    /// instead; otherwise accept the finding.
    ///
    /// ## References
    /// - [PID settings](https://docs.docker.com/engine/containers/run/#pid-settings---pid)
    /// - [Container networking](https://docs.docker.com/engine/network/#container-networks)
    pub static SHARED_NAMESPACE = {
        code: "CT011",
        name: "shared-namespace",
        severity: Info,
        default_enabled: true,
        cis: [],
        summary: "the container joins another container's namespace",
        fixable: false,
    }
}

pub struct SharedNamespace;

impl ContainerRule for SharedNamespace {
    fn info(&self) -> &'static RuleInfo {
        &SHARED_NAMESPACE
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let namespaces = [
            ("PID", "pid", &spec.pid),
            ("IPC", "ipc", &spec.ipc),
            ("network", "network", &spec.network),
        ];
        for (label, key, setting) in namespaces {
            let Some(mode) = setting.known() else {
                continue;
            };
            let other = match &mode.value {
                NsMode::Container(c) => format!("container `{c}`"),
                NsMode::Service(s) => format!("service `{s}`"),
                _ => continue,
            };
            sink.report(
                &SHARED_NAMESPACE,
                &mode.at,
                &format!("{key}:{other}"),
                format!("{} joins the {label} namespace of {other}", subject(spec)),
            )
            .set_help(help(
                spec,
                "remove the shared namespace unless the services must share it",
                "remove the `container:` namespace flag unless the containers must share it",
                "leave the namespace mode empty unless the containers must share it",
            ));
        }
    }
}
