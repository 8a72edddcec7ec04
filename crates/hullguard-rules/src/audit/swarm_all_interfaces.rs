//! SW003: the swarm listens on every interface of the host.

use super::context::str_at;
use super::files::swarm_state;
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a swarm node that listens for swarm traffic on every interface
    /// of the host: its listen address (`docker swarm init/join
    /// --listen-addr`, default `0.0.0.0:2377`) has no specific host. The
    /// listen address is not in the API; it is read from the node's saved
    /// state, `<DockerRootDir>/swarm/docker-state.json`, so the rule needs the
    /// engine's host facts.
    ///
    /// ## Why is this bad?
    /// The swarm's management port (2377) and gossip port (7946) then accept
    /// connections on every network the host is on, including ones that have
    /// nothing to do with the swarm (a public interface, a management VLAN): a
    /// larger surface for the raft API and its join tokens. CIS 7.2.
    ///
    /// ## Example
    /// ```text
    /// docker swarm init --advertise-addr 10.0.0.5
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// docker swarm init --advertise-addr 10.0.0.5 --listen-addr 10.0.0.5:2377
    /// ```
    ///
    /// ## How to fix
    /// Re-create the swarm (or re-join the node) with `--listen-addr` set to
    /// the address of the swarm's network, and firewall 2377/7946/4789 to the
    /// swarm's nodes.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 7.2
    /// - [`docker swarm init --listen-addr`](https://docs.docker.com/reference/cli/docker/swarm/init/)
    pub static SWARM_ALL_INTERFACES = {
        code: "SW003",
        name: "swarm-all-interfaces",
        severity: Medium,
        default_enabled: true,
        cis: ["7.2"],
        summary: "the swarm listens on every interface of the host",
        fixable: false,
    }
}

pub struct SwarmAllInterfaces;

/// The host of `0.0.0.0:2377`, `[::]:2377`, `:2377`.
fn host_of(addr: &str) -> &str {
    if let Some(rest) = addr.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    addr.rsplit_once(':').map_or(addr, |(h, _)| h)
}

impl AuditRule for SwarmAllInterfaces {
    fn info(&self) -> &'static RuleInfo {
        &SWARM_ALL_INTERFACES
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        if !cx.swarm_active {
            return;
        }
        if cx.host().is_none() {
            sink.skipped(&SWARM_ALL_INTERFACES, super::NO_HOST);
            return;
        }
        let Some((fact, state)) = swarm_state(cx) else {
            sink.skipped(&SWARM_ALL_INTERFACES, super::NO_SWARM_STATE);
            return;
        };
        let listen = str_at(&state, "/ListenAddr").unwrap_or("").trim();
        let host = host_of(listen);
        if !matches!(host, "" | "0.0.0.0" | "::") {
            return;
        }
        let shown = if listen.is_empty() {
            "0.0.0.0:2377"
        } else {
            listen
        };
        sink.report(
            &SWARM_ALL_INTERFACES,
            cx.host_at(&fact.path),
            shown,
            format!("the swarm listens on every interface of the host (`{shown}`)"),
        )
        .set_help("re-create or re-join the swarm with `--listen-addr` set to the swarm network's address, and firewall ports 2377, 7946 and 4789");
    }
}
