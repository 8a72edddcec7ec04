//! DM010: the daemon places containers under a custom cgroup parent.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a daemon started with `--cgroup-parent` (`cgroup-parent` in
    /// `daemon.json`): every container without its own `--cgroup-parent` is
    /// placed under that cgroup instead of the default (`docker`, or
    /// `system.slice` with the systemd driver). Informational: CIS 2.11 asks
    /// that the default is kept unless there is a reason, which only the
    /// operator knows.
    ///
    /// ## Why is this bad?
    /// The cgroup parent decides which limits and accounting apply to all
    /// containers together. A parent shared with other services, or one without
    /// limits, lets containers starve the host or escape the resource policy
    /// the default hierarchy applies.
    ///
    /// ## Example
    /// ```json
    /// { "cgroup-parent": "/foobar" }
    /// ```
    ///
    /// ## How to fix
    /// Remove the option, or confirm that the parent cgroup has the limits the
    /// containers need.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.11
    /// - [Default cgroup parent](https://docs.docker.com/reference/cli/dockerd/#default-cgroup-parent)
    pub static DAEMON_CGROUP_PARENT = {
        code: "DM010",
        name: "daemon-cgroup-parent",
        severity: Info,
        default_enabled: true,
        cis: ["2.11"],
        summary: "the daemon places containers under a custom cgroup parent",
        fixable: false,
    }
}

pub struct DaemonCgroupParent;

impl AuditRule for DaemonCgroupParent {
    fn info(&self) -> &'static RuleInfo {
        &DAEMON_CGROUP_PARENT
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        match cx.config.string("cgroup-parent", None, "cgroup-parent") {
            Some((v, src)) if !v.trim().is_empty() => {
                let message = format!(
                    "the daemon places containers under cgroup parent `{}` ({})",
                    v.trim(),
                    cx.config.describe(&src)
                );
                sink.report(
                    &DAEMON_CGROUP_PARENT,
                    cx.daemon_at(cx.config.pointer(&src)),
                    v.trim(),
                    message,
                )
                .set_help("remove `cgroup-parent`, or confirm that the parent cgroup has the limits containers need");
            }
            _ if cx.config.complete() => {}
            _ => sink.skipped(&DAEMON_CGROUP_PARENT, super::NO_CONFIG),
        }
    }
}
