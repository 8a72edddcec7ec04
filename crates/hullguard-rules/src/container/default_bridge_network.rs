//! CT038: the container is on the default bridge network.

use super::util::{any_unresolved, help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_container::{NsMode, Setting, SourceKind};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container attached to the engine's default bridge network
    /// (`docker0`). Informational.
    /// - `docker run` and Engine API containers without a network (`--network`,
    ///   `HostConfig.NetworkMode`, `NetworkingConfig`) join it, as do those that
    ///   name it: `--network bridge`, `--network default`, `NetworkMode: "default"`.
    /// - A compose service without `network_mode` is on its project's own network,
    ///   not the default bridge, and is not reported; `network_mode: bridge` (or
    ///   `default`) puts it on the default bridge and is.
    ///
    /// ## Why is this bad?
    /// Every container on the default bridge can reach every other on any port
    /// (inter-container communication is on unless the daemon disables it, CIS
    /// 2.2), there is no name resolution between them, and a compromised container
    /// can attack its neighbours or spoof ARP with the default `NET_RAW`.
    /// User-defined networks isolate each application's containers from the rest.
    /// CIS Docker Benchmark 5.30.
    ///
    /// ## Example
    /// ```console
    /// docker run -d --name api example/api:2
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// docker network create app
    /// docker run -d --name api --network app example/api:2
    /// ```
    ///
    /// ## How to fix
    /// Create a network per application (`docker network create app`) and start
    /// its containers with `--network app`; in compose, remove
    /// `network_mode: bridge` (services get the project network).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.30
    /// - [Bridge network driver](https://docs.docker.com/engine/network/drivers/bridge/#differences-between-user-defined-bridges-and-the-default-bridge)
    pub static DEFAULT_BRIDGE_NETWORK = {
        code: "CT038",
        name: "default-bridge-network",
        severity: Info,
        default_enabled: true,
        cis: ["5.30"],
        summary: "the container is on the default bridge network",
        fixable: false,
    }
}

pub struct DefaultBridgeNetwork;

fn names_default_bridge(n: &str) -> bool {
    matches!(n.trim(), "bridge" | "default")
}

impl ContainerRule for DefaultBridgeNetwork {
    fn info(&self) -> &'static RuleInfo {
        &DEFAULT_BRIDGE_NETWORK
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let at = match (&spec.network, spec.source) {
            (Setting::Unknown(_), _) => return,
            (Setting::Set(n), _) => match &n.value {
                NsMode::Other(name) if names_default_bridge(name) => &n.at,
                _ => return,
            },
            // A compose service without `network_mode` is on the project network.
            (Setting::Unset, SourceKind::Compose) => return,
            (Setting::Unset, _) => {
                if any_unresolved(spec, &["networks"]) {
                    return;
                }
                match spec
                    .networks
                    .iter()
                    .find(|n| names_default_bridge(&n.value))
                {
                    Some(n) => &n.at,
                    None if spec.networks.is_empty() => &spec.at,
                    None => return,
                }
            }
        };
        sink.report(
            &DEFAULT_BRIDGE_NETWORK,
            at,
            "bridge",
            format!("{} is on the default bridge network", subject(spec)),
        )
        .set_help(help(
            spec,
            "remove `network_mode: bridge`: services get the project's own network",
            "create a network for the application (`docker network create app`) and add `--network app`",
            "attach the container to a user-defined network (`HostConfig.NetworkMode`)",
        ));
    }
}
