//! LV004: a container's healthcheck fails.

use super::context::{i64_at, str_at};
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container whose healthcheck reports it unhealthy
    /// (`State.Health.Status` is `unhealthy`). Containers without a
    /// healthcheck are `missing-container-healthcheck` (CT031).
    ///
    /// ## Why is this bad?
    /// The service is running but not working, and nothing replaces it:
    /// plain Docker does not restart unhealthy containers. An unhealthy
    /// container may be hung, overloaded or tampered with, and is still
    /// reachable. CIS 5.27 asks that container health is checked at runtime;
    /// this is that check failing.
    ///
    /// ## Example
    /// `docker ps` shows `Up 3 hours (unhealthy)`.
    ///
    /// ## How to fix
    /// Read the healthcheck's output (`docker inspect -f '{{json
    /// .State.Health}}' NAME`), fix or restart the container, and let an
    /// orchestrator (swarm, a restart supervisor) replace unhealthy
    /// containers.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.27
    /// - [Dockerfile `HEALTHCHECK`](https://docs.docker.com/reference/dockerfile/#healthcheck)
    pub static UNHEALTHY_CONTAINER = {
        code: "LV004",
        name: "unhealthy-container",
        severity: Low,
        default_enabled: true,
        cis: ["5.27"],
        summary: "the container's healthcheck reports it unhealthy",
        fixable: false,
    }
}

pub struct UnhealthyContainer;

impl AuditRule for UnhealthyContainer {
    fn info(&self) -> &'static RuleInfo {
        &UNHEALTHY_CONTAINER
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        for c in &cx.containers {
            if str_at(c.inspect(), "/State/Health/Status") != Some("unhealthy") {
                continue;
            }
            let streak = i64_at(c.inspect(), "/State/Health/FailingStreak").unwrap_or(0);
            sink.report(
                &UNHEALTHY_CONTAINER,
                cx.container_at(c, "/State/Health/Status"),
                "",
                format!(
                    "container `{}` is unhealthy ({streak} failed checks in a row)",
                    c.name()
                ),
            )
            .set_help("read the check's output (`docker inspect -f '{{json .State.Health}}' NAME`) and fix or replace the container");
        }
    }
}
