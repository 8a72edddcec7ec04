//! DM016: published ports go through the userland proxy.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a daemon that uses the userland proxy (`docker-proxy`) for
    /// published ports: `--userland-proxy=false` (`"userland-proxy": false`) is
    /// not set; the proxy is on by default. Not reported for a rootless engine,
    /// whose port forwarding needs its own proxy.
    ///
    /// ## Why is this bad?
    /// The proxy is a process per published port, running as root, that
    /// relays traffic the kernel's NAT could forward: more attack surface and
    /// resources, and the container sees every connection as coming from the
    /// gateway, not the real client. With hairpin NAT (the default on current
    /// kernels) it is not needed. CIS 2.17.
    ///
    /// ## Example
    /// ```json
    /// { "userland-proxy": true }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "userland-proxy": false }
    /// ```
    ///
    /// ## How to fix
    /// Set `"userland-proxy": false` and restart the daemon. Check first that
    /// containers reach published ports of the host through its own address
    /// (hairpin NAT), which some old kernels lack.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.17
    /// - [Docker and the userland proxy](https://docs.docker.com/engine/network/packet-filtering-firewalls/#docker-on-a-router)
    pub static USERLAND_PROXY_ENABLED = {
        code: "DM016",
        name: "userland-proxy-enabled",
        severity: Low,
        default_enabled: true,
        cis: ["2.17"],
        summary: "published ports go through the userland proxy",
        fixable: false,
    }
}

pub struct UserlandProxyEnabled;

const HELP: &str = "set `\"userland-proxy\": false` in daemon.json and restart the daemon";

impl AuditRule for UserlandProxyEnabled {
    fn info(&self) -> &'static RuleInfo {
        &USERLAND_PROXY_ENABLED
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        if cx.rootless {
            sink.skipped(&USERLAND_PROXY_ENABLED, super::ROOTLESS);
            return;
        }
        match cx.config.bool("userland-proxy", None, "userland-proxy") {
            Some((false, _)) => {}
            Some((true, src)) => {
                let message = format!(
                    "published ports go through the userland proxy ({} enables it)",
                    cx.config.describe(&src)
                );
                sink.report(
                    &USERLAND_PROXY_ENABLED,
                    cx.daemon_at(cx.config.pointer(&src)),
                    "",
                    message,
                )
                .set_help(HELP);
            }
            None if cx.config.complete() => {
                sink.report(
                    &USERLAND_PROXY_ENABLED,
                    cx.daemon_at(""),
                    "",
                    "published ports go through the userland proxy (the default)",
                )
                .set_help(HELP);
            }
            None => sink.skipped(&USERLAND_PROXY_ENABLED, super::NO_CONFIG),
        }
    }
}
