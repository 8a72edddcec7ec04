//! CT005: the container shares the host's network namespace.

use super::util::{report_host_namespace, Namespace};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container on the host's network stack: `network_mode: host`,
    /// `--network host` (`--net host`), `HostConfig.NetworkMode: "host"`.
    ///
    /// ## Why is this bad?
    /// The container sees every host interface and can bind any host port. It
    /// reaches services that listen only on the host's `localhost` (databases,
    /// the kubelet, cloud metadata proxies, an engine API on `127.0.0.1:2375`), can
    /// sniff traffic with `NET_RAW`, and with `NET_ADMIN` reconfigures the host's
    /// interfaces and firewall. Port publishing and network isolation between
    /// containers no longer apply. CIS Docker Benchmark 5.10.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: example/web:1.0
    ///     network_mode: host
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: example/web:1.0
    ///     ports: ["127.0.0.1:8080:8080"]
    /// ```
    ///
    /// ## How to fix
    /// Remove `network_mode: host` (`--network host`) and publish the ports the
    /// service needs.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.10
    /// - [Host network driver](https://docs.docker.com/engine/network/drivers/host/)
    pub static HOST_NETWORK = {
        code: "CT005",
        name: "host-network",
        severity: High,
        default_enabled: true,
        cis: ["5.10"],
        summary: "the container shares the host's network namespace",
        fixable: false,
    }
}

pub struct HostNetwork;

impl ContainerRule for HostNetwork {
    fn info(&self) -> &'static RuleInfo {
        &HOST_NETWORK
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        report_host_namespace(
            &HOST_NETWORK,
            cx.spec,
            &cx.spec.network,
            &Namespace {
                label: "network",
                compose_key: "network_mode",
                run_flag: "--network",
                api_field: "NetworkMode",
            },
            "it binds host ports and reaches services on the host's localhost",
            sink,
        );
    }
}
