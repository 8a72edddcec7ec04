//! DM004: the daemon does not manage iptables.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a daemon started with `--iptables=false` (`"iptables": false` in
    /// `daemon.json`).
    ///
    /// ## Why is this bad?
    /// Docker keeps the firewall rules of its networks in step with the
    /// containers: isolation between networks, `icc`, port publishing bound to
    /// the right addresses. Without it, those rules are whatever someone wrote by
    /// hand, published ports may not be reachable or may bypass the host's
    /// policy, and network isolation between containers is gone.
    ///
    /// ## Example
    /// ```json
    /// { "iptables": false }
    /// ```
    ///
    /// ## How to fix
    /// Remove the option (the default is `true`) and restart the daemon; express
    /// firewall policy in the `DOCKER-USER` chain, which Docker leaves alone.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.4
    /// - [Docker and iptables](https://docs.docker.com/engine/network/packet-filtering-firewalls/)
    pub static IPTABLES_DISABLED = {
        code: "DM004",
        name: "iptables-disabled",
        severity: Medium,
        default_enabled: true,
        cis: ["2.4"],
        summary: "the daemon does not manage the firewall rules of its networks",
        fixable: false,
    }
}

pub struct IptablesDisabled;

impl AuditRule for IptablesDisabled {
    fn info(&self) -> &'static RuleInfo {
        &IPTABLES_DISABLED
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        match cx.config.bool("iptables", None, "iptables") {
            Some((false, src)) => {
                let message = format!(
                    "the daemon does not manage iptables ({} disables it)",
                    cx.config.describe(&src)
                );
                sink.report(
                    &IPTABLES_DISABLED,
                    cx.daemon_at(cx.config.pointer(&src)),
                    "",
                    message,
                )
                .set_help("remove the `iptables` option and restart the daemon; put firewall policy in the `DOCKER-USER` chain");
            }
            Some((true, _)) => {}
            None if cx.config.complete() => {}
            None => sink.skipped(&IPTABLES_DISABLED, super::NO_CONFIG),
        }
    }
}
