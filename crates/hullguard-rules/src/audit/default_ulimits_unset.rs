//! DM008: the daemon sets no default ulimits for containers.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a daemon without `--default-ulimit` (`default-ulimits` in
    /// `daemon.json`). Off by default and informational: CIS 2.9 is a manual
    /// recommendation ("where needed"), and containers inherit the limits of
    /// containerd, which are generous but finite.
    ///
    /// ## Why is this bad?
    /// Without daemon-wide limits, each container gets the limits of the
    /// runtime (often a million open files, unlimited processes where the pids
    /// cgroup is not set): one container can exhaust file descriptors or
    /// processes of the host, unless each container sets its own (`--ulimit`).
    ///
    /// ## Example
    /// ```json
    /// { "log-level": "info" }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "default-ulimits": { "nofile": { "Name": "nofile", "Soft": 65536, "Hard": 65536 } } }
    /// ```
    ///
    /// ## How to fix
    /// Set `default-ulimits` for the limits the host needs (commonly `nofile`
    /// and `nproc`), and let containers that need more ask with `--ulimit`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.9
    /// - [Default ulimits](https://docs.docker.com/reference/cli/dockerd/#default-ulimit-settings)
    pub static DEFAULT_ULIMITS_UNSET = {
        code: "DM008",
        name: "default-ulimits-unset",
        severity: Info,
        default_enabled: false,
        cis: ["2.9"],
        summary: "the daemon sets no default ulimits for containers",
        fixable: false,
    }
}

pub struct DefaultUlimitsUnset;

impl AuditRule for DefaultUlimitsUnset {
    fn info(&self) -> &'static RuleInfo {
        &DEFAULT_ULIMITS_UNSET
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        if cx
            .config
            .has_map("default-ulimit", "default-ulimits")
            .is_some()
        {
            return;
        }
        if !cx.config.complete() {
            sink.skipped(&DEFAULT_ULIMITS_UNSET, super::NO_CONFIG);
            return;
        }
        sink.report(
            &DEFAULT_ULIMITS_UNSET,
            cx.daemon_at(""),
            "",
            "the daemon sets no default ulimits for containers",
        )
        .set_help("set `default-ulimits` in daemon.json (e.g. `nofile`, `nproc`) for the limits this host needs");
    }
}
