//! LV003: a container is restarting in a loop.

use super::context::{bool_at, i64_at};
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container that the engine is restarting right now
    /// (`State.Restarting`), or that has restarted more than 5 times since it
    /// was last started by hand (`RestartCount`). The threshold is the bound of
    /// CIS 5.15 (`on-failure` with at most 5 retries): a container past it is
    /// one a bounded policy would have given up on. The restart policy itself
    /// is `unlimited-restarts` (CT030).
    ///
    /// ## Why is this bad?
    /// A crash loop replays the container's start-up on every restart: CPU,
    /// disk and log volume drain the host, dependent services flap, and the
    /// crash itself may be an attack in progress (a payload that crashes a
    /// parser, a brute force that kills the process). It also hides the
    /// container's failure behind an apparently running service.
    ///
    /// ## Example
    /// `docker inspect -f '{{.RestartCount}}' worker` prints `37`.
    ///
    /// ## How to fix
    /// Read the container's logs (`docker logs worker`) and fix the cause; use
    /// `--restart on-failure:5` so that a broken container stops instead of
    /// looping.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.15
    /// - [Restart policies](https://docs.docker.com/engine/containers/start-containers-automatically/)
    pub static RESTART_LOOP = {
        code: "LV003",
        name: "restart-loop",
        severity: Medium,
        default_enabled: true,
        cis: ["5.15"],
        summary: "the container is restarting in a loop",
        fixable: false,
    }
}

pub struct RestartLoop;

/// CIS 5.15's bound on retries.
pub const MAX_RESTARTS: i64 = 5;

impl AuditRule for RestartLoop {
    fn info(&self) -> &'static RuleInfo {
        &RESTART_LOOP
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        for c in &cx.containers {
            let count = i64_at(c.inspect(), "/RestartCount").unwrap_or(0);
            let restarting = bool_at(c.inspect(), "/State/Restarting") == Some(true);
            let (pointer, message) = if restarting {
                (
                    "/State/Restarting",
                    format!(
                        "container `{}` is restarting in a loop ({count} restarts so far)",
                        c.name()
                    ),
                )
            } else if count > MAX_RESTARTS {
                (
                    "/RestartCount",
                    format!(
                        "container `{}` has restarted {count} times (more than {MAX_RESTARTS})",
                        c.name()
                    ),
                )
            } else {
                continue;
            };
            sink.report(&RESTART_LOOP, cx.container_at(c, pointer), "", message)
                .set_help("read `docker logs` and fix the cause; use `--restart on-failure:5` so a broken container stops");
        }
    }
}
