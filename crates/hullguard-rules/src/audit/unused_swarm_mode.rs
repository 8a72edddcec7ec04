//! SW001: swarm mode is active but runs no service.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports an engine in swarm mode that runs no service (a manager whose
    /// `GET /services` is empty). Informational: CIS 5.1 asks that swarm mode
    /// is off unless it is needed, and a swarm without services is most often
    /// a leftover of a test (`docker swarm init`). Workers cannot list
    /// services and are not reported.
    ///
    /// ## Why is this bad?
    /// Swarm mode opens ports (2377 for management, 7946 for gossip, 4789 for
    /// overlay traffic) on the host, runs a raft store with secrets and
    /// certificates, and lets other managers schedule containers on this host.
    /// Unused, that is attack surface for nothing.
    ///
    /// ## Example
    /// `docker info` shows `Swarm: active` and `docker service ls` is empty.
    ///
    /// ## How to fix
    /// Leave the swarm (`docker swarm leave --force` on a single-node swarm),
    /// or accept the finding if services will be deployed.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.1
    /// - [Swarm mode](https://docs.docker.com/engine/swarm/)
    pub static UNUSED_SWARM_MODE = {
        code: "SW001",
        name: "unused-swarm-mode",
        severity: Info,
        default_enabled: true,
        cis: ["5.1"],
        summary: "swarm mode is active but runs no service",
        fixable: false,
    }
}

pub struct UnusedSwarmMode;

impl AuditRule for UnusedSwarmMode {
    fn info(&self) -> &'static RuleInfo {
        &UNUSED_SWARM_MODE
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        if !cx.swarm_active {
            return;
        }
        let Some(sw) = &cx.snap.swarm else {
            sink.skipped(&UNUSED_SWARM_MODE, super::NO_SWARM);
            return;
        };
        if sw.swarm.is_null() || !sw.services.is_empty() {
            return;
        }
        sink.report(
            &UNUSED_SWARM_MODE,
            cx.swarm_at(""),
            "",
            "swarm mode is active but runs no service",
        )
        .set_help(
            "leave the swarm if it is not needed (`docker swarm leave --force` on a single node)",
        );
    }
}
