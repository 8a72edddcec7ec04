//! DM015: containers stop when the daemon stops (no live restore).

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a daemon without live restore (`docker info` shows `Live Restore
    /// Enabled: false`; `--live-restore`, `"live-restore": true`). Not reported
    /// when swarm mode is active: live restore is incompatible with it.
    ///
    /// ## Why is this bad?
    /// Without it, every container stops when the daemon stops or is upgraded:
    /// security updates of the engine become outages, so they get postponed.
    /// With it, containers keep running while the daemon restarts. CIS 2.16.
    ///
    /// ## Example
    /// ```json
    /// { "live-restore": false }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "live-restore": true }
    /// ```
    ///
    /// ## How to fix
    /// Set `"live-restore": true` in `daemon.json` and reload the daemon
    /// (`systemctl reload docker`; no restart needed).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.16
    /// - [Live restore](https://docs.docker.com/engine/daemon/live-restore/)
    pub static LIVE_RESTORE_DISABLED = {
        code: "DM015",
        name: "live-restore-disabled",
        severity: Low,
        default_enabled: true,
        cis: ["2.16"],
        summary: "containers stop whenever the daemon stops (live restore is off)",
        fixable: false,
    }
}

pub struct LiveRestoreDisabled;

const HELP: &str = "set `\"live-restore\": true` in daemon.json and reload the daemon";

impl AuditRule for LiveRestoreDisabled {
    fn info(&self) -> &'static RuleInfo {
        &LIVE_RESTORE_DISABLED
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        if cx.swarm_active {
            return;
        }
        let (on, at) = match cx.info("/LiveRestoreEnabled").and_then(|v| v.as_bool()) {
            Some(on) => (on, cx.daemon_at("/info/LiveRestoreEnabled")),
            None => match cx.config.bool("live-restore", None, "live-restore") {
                Some((on, src)) => (on, cx.daemon_at(cx.config.pointer(&src))),
                None if cx.config.complete() => (false, cx.daemon_at("")),
                None => {
                    sink.skipped(&LIVE_RESTORE_DISABLED, super::NO_INFO);
                    return;
                }
            },
        };
        if !on {
            sink.report(
                &LIVE_RESTORE_DISABLED,
                at,
                "",
                "live restore is off: every container stops when the daemon stops or is upgraded",
            )
            .set_help(HELP);
        }
    }
}
