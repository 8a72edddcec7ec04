//! SW002: the swarm has more managers than fault tolerance needs.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;
use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Reports a swarm whose number of managers (nodes with a `ManagerStatus`)
    /// is even, or above 7. Raft needs a majority: 4 managers tolerate the loss
    /// of 1, like 3 do, and 2 tolerate none, like 1; Docker recommends at most
    /// 7. Read from the node list of a manager, or `docker info` (`Managers`)
    /// on a worker.
    ///
    /// ## Why is this bad?
    /// Every manager holds the swarm's raft store (secrets, certificates, the
    /// cluster's configuration) and can schedule anything anywhere: each one
    /// is a target whose compromise is the whole swarm's. Managers beyond what
    /// fault tolerance needs add that exposure and slow consensus, and an even
    /// number adds exposure without adding tolerance. CIS 7.1.
    ///
    /// ## Example
    /// `docker node ls` shows 4 nodes with a `MANAGER STATUS`.
    ///
    /// ## How to fix
    /// Demote managers (`docker node demote NODE`) to an odd number that
    /// covers the failures to tolerate: 3 (one failure) or 5 (two).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 7.1
    /// - [Raft consensus in swarm mode](https://docs.docker.com/engine/swarm/raft/)
    pub static SURPLUS_SWARM_MANAGERS = {
        code: "SW002",
        name: "surplus-swarm-managers",
        severity: Low,
        default_enabled: true,
        cis: ["7.1"],
        summary: "the swarm has an even number of managers, or more than 7",
        fixable: false,
    }
}

pub struct SurplusSwarmManagers;

/// Docker's recommended maximum.
const MAX_MANAGERS: u64 = 7;

impl AuditRule for SurplusSwarmManagers {
    fn info(&self) -> &'static RuleInfo {
        &SURPLUS_SWARM_MANAGERS
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        if !cx.swarm_active {
            return;
        }
        let from_nodes = cx.snap.swarm.as_ref().and_then(|sw| {
            (!sw.nodes.is_empty()).then(|| {
                sw.nodes
                    .iter()
                    .filter(|n| n.get("ManagerStatus").is_some_and(|m| !m.is_null()))
                    .count() as u64
            })
        });
        let (managers, at) = match from_nodes {
            Some(n) => (n, cx.swarm_at("")),
            None => match cx.info("/Swarm/Managers").and_then(Value::as_u64) {
                Some(n) => (n, cx.daemon_at("/info/Swarm/Managers")),
                None => {
                    sink.skipped(&SURPLUS_SWARM_MANAGERS, super::NO_SWARM);
                    return;
                }
            },
        };
        let message = if managers > MAX_MANAGERS {
            format!(
                "the swarm has {managers} managers, more than the {MAX_MANAGERS} Docker recommends"
            )
        } else if managers >= 2 && managers % 2 == 0 {
            format!(
                "the swarm has {managers} managers: an even number tolerates no more failures than {}",
                managers - 1
            )
        } else {
            return;
        };
        sink.report(&SURPLUS_SWARM_MANAGERS, at, "", message)
            .set_help("demote managers (`docker node demote NODE`) to an odd number: 3 tolerate one failure, 5 two");
    }
}
