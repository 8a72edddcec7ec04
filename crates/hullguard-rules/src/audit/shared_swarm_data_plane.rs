//! SW008: swarm management and data traffic share one interface.

use super::context::str_at;
use super::files::swarm_state;
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a node of a multi-node swarm that sends container (data plane)
    /// traffic over the same address as swarm management traffic: no
    /// `--data-path-addr` was given when the swarm was initialised or joined
    /// (`DataPathAddr` empty in `<DockerRootDir>/swarm/docker-state.json`).
    /// Informational (CIS 7.9 is a manual recommendation); single-node swarms
    /// are not reported.
    ///
    /// ## Why is this bad?
    /// On one interface, heavy container traffic can starve the raft and
    /// gossip traffic that keeps the swarm consistent, and a network that
    /// carries application data also reaches the management plane. Separate
    /// networks let each be sized and firewalled on its own.
    ///
    /// ## Example
    /// ```text
    /// docker swarm join --token ... 10.0.0.5:2377
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// docker swarm join --token ... --advertise-addr eth0 --data-path-addr eth1 10.0.0.5:2377
    /// ```
    ///
    /// ## How to fix
    /// Re-join the node (or re-create the swarm) with `--data-path-addr` on a
    /// separate interface.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 7.9
    /// - [Use a separate interface for control and data traffic](https://docs.docker.com/engine/swarm/networking/#use-a-separate-interface-for-control-and-data-traffic)
    pub static SHARED_SWARM_DATA_PLANE = {
        code: "SW008",
        name: "shared-swarm-data-plane",
        severity: Info,
        default_enabled: true,
        cis: ["7.9"],
        summary: "swarm management and container traffic share one interface",
        fixable: false,
    }
}

pub struct SharedSwarmDataPlane;

impl AuditRule for SharedSwarmDataPlane {
    fn info(&self) -> &'static RuleInfo {
        &SHARED_SWARM_DATA_PLANE
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        if !cx.swarm_active {
            return;
        }
        let nodes = cx
            .snap
            .swarm
            .as_ref()
            .map_or(0, |s| s.nodes.len() as u64)
            .max(
                cx.info("/Swarm/Nodes")
                    .and_then(|v| v.as_u64())
                    .unwrap_or(0),
            );
        if nodes < 2 {
            return;
        }
        if cx.host().is_none() {
            sink.skipped(&SHARED_SWARM_DATA_PLANE, super::NO_HOST);
            return;
        }
        let Some((fact, state)) = swarm_state(cx) else {
            sink.skipped(&SHARED_SWARM_DATA_PLANE, super::NO_SWARM_STATE);
            return;
        };
        if !str_at(&state, "/DataPathAddr")
            .unwrap_or("")
            .trim()
            .is_empty()
        {
            return;
        }
        sink.report(
            &SHARED_SWARM_DATA_PLANE,
            cx.host_at(&fact.path),
            "",
            "swarm management and container traffic share one interface (no `--data-path-addr`)",
        )
        .set_help("re-join the node with `--data-path-addr` on a separate interface");
    }
}
