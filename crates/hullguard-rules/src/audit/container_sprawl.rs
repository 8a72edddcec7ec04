//! LV008: the engine holds many stopped containers.

use super::context::str_at;
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports an engine that holds more than 25 containers that are not
    /// running: exited, dead, or created and never started.
    ///
    /// The threshold: a few stopped containers are normal (one-off jobs, the
    /// last failed container kept to read its logs, containers created ahead
    /// of a start); dozens mean that nobody removes them (`docker run` without
    /// `--rm`, compose projects never brought `down`).
    ///
    /// ## Why is this bad?
    /// Each stopped container keeps its writable layer, logs and configuration
    /// (environment variables with secrets included) on disk, and can be
    /// started again with whatever it had: old images, old settings. They
    /// clutter every inventory and hide the containers that matter. CIS 6.2.
    ///
    /// ## Example
    /// `docker ps -a --filter status=exited -q | wc -l` prints `140`.
    ///
    /// ## How to fix
    /// Remove stopped containers that are not needed (`docker container
    /// prune`), run one-off containers with `--rm`, and schedule the cleanup.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 6.2
    /// - [Prune unused Docker objects](https://docs.docker.com/engine/manage-resources/pruning/)
    pub static CONTAINER_SPRAWL = {
        code: "LV008",
        name: "container-sprawl",
        severity: Low,
        default_enabled: true,
        cis: ["6.2"],
        summary: "the engine holds many stopped containers",
        fixable: false,
    }
}

pub struct ContainerSprawl;

/// Stopped containers a host may keep (see the doc).
pub const STOPPED_LIMIT: usize = 25;

impl AuditRule for ContainerSprawl {
    fn info(&self) -> &'static RuleInfo {
        &CONTAINER_SPRAWL
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        let stopped = cx
            .containers
            .iter()
            .filter(|c| {
                matches!(
                    str_at(c.inspect(), "/State/Status"),
                    Some("exited" | "dead" | "created")
                )
            })
            .count();
        if stopped <= STOPPED_LIMIT {
            return;
        }
        sink.report(
            &CONTAINER_SPRAWL,
            cx.daemon_at("/info/ContainersStopped"),
            "containers",
            format!(
                "the engine holds {stopped} stopped containers (exited or never started), more than {STOPPED_LIMIT}"
            ),
        )
        .set_help("remove stopped containers that are not needed (`docker container prune`) and run one-off containers with `--rm`");
    }
}
