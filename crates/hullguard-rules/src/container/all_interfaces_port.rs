//! CT025: a port published on every host interface.

use super::util::{help, port_range, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports published ports without a specific host address: `"8080:80"`,
    /// `"0.0.0.0:8080:80"`, `"[::]:8080:80"`, `-p 8080:80`, a `PortBindings` entry
    /// whose `HostIp` is empty, `0.0.0.0` or `::`. Not reported for containers on
    /// the host network (the engine ignores published ports there; `host-network`
    /// reports that).
    ///
    /// ## Why is this bad?
    /// By default the engine binds published ports on every interface of the host,
    /// IPv4 and IPv6, and inserts its own firewall rules ahead of the host's: a
    /// database or admin UI meant for local use becomes reachable from the
    /// network, often from the Internet, whatever `ufw` or `firewalld` say.
    /// CIS Docker Benchmark 5.14.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: example/db:16
    ///     ports: ["5432:5432"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     image: example/db:16
    ///     ports: ["127.0.0.1:5432:5432"]
    /// ```
    ///
    /// ## How to fix
    /// Prefix the port with the address it should listen on: `127.0.0.1:` for
    /// local use, or the address of the interface that should receive the traffic
    /// (`-p 10.0.0.5:443:443`). Ports only other containers use need no publishing
    /// at all.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.14
    /// - [Published ports](https://docs.docker.com/engine/network/#published-ports)
    /// - [Packet filtering and firewalls](https://docs.docker.com/engine/network/packet-filtering-firewalls/)
    pub static ALL_INTERFACES_PORT = {
        code: "CT025",
        name: "all-interfaces-port",
        severity: Low,
        default_enabled: true,
        cis: ["5.14"],
        summary: "a port is published on every host interface",
        fixable: false,
    }
}

pub struct AllInterfacesPort;

/// Whether a host address means every interface.
fn is_any_address(ip: Option<&str>) -> bool {
    match ip.map(str::trim) {
        None | Some("") => true,
        Some(ip) => matches!(ip, "0.0.0.0" | "::" | "[::]" | "0:0:0:0:0:0:0:0"),
    }
}

impl ContainerRule for AllInterfacesPort {
    fn info(&self) -> &'static RuleInfo {
        &ALL_INTERFACES_PORT
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        if spec.network.get().is_some_and(|n| n.is_host()) {
            return;
        }
        for p in &spec.ports {
            let port = &p.value;
            if !is_any_address(port.host_ip.as_deref()) {
                continue;
            }
            let container = format!("{}/{}", port_range(port.container_port), port.protocol);
            let host = match port.host_port {
                Some(h) => format!("host port {} (container {container})", port_range(h)),
                None => format!("container port {container} on a random host port"),
            };
            let key = format!(
                "{}:{container}",
                port.host_port.map(port_range).unwrap_or_default()
            );
            sink.report(
                &ALL_INTERFACES_PORT,
                &p.at,
                &key,
                format!("{} publishes {host} on every host interface", subject(spec)),
            )
            .set_help(help(
                spec,
                "bind the port to one address, e.g. `\"127.0.0.1:8080:80\"`",
                "bind the port to one address, e.g. `-p 127.0.0.1:8080:80`",
                "set `HostIp` of the port binding to one address, e.g. `127.0.0.1`",
            ));
        }
    }
}
