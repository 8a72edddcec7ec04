//! SW004: an overlay network carries traffic unencrypted.

use super::context::str_at;
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;
use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Reports an overlay network created without `--opt encrypted` (its
    /// `Options` have no `encrypted` key), including the swarm's `ingress`
    /// network.
    ///
    /// ## Why is this bad?
    /// Overlay traffic between nodes is VXLAN over the hosts' network: without
    /// encryption anyone on the path between two nodes reads and injects the
    /// containers' traffic. Encrypted overlays use IPsec between nodes. CIS
    /// 7.3.
    ///
    /// ## Example
    /// ```text
    /// docker network create -d overlay backend
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// docker network create -d overlay --opt encrypted backend
    /// ```
    ///
    /// ## How to fix
    /// Recreate the network with `--opt encrypted` (detach its services
    /// first); for `ingress`, remove and recreate it with `docker network
    /// create --ingress -d overlay --opt encrypted ingress`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 7.3
    /// - [Encrypt traffic on an overlay network](https://docs.docker.com/engine/network/drivers/overlay/#encrypt-traffic-on-an-overlay-network)
    pub static UNENCRYPTED_OVERLAY_NETWORK = {
        code: "SW004",
        name: "unencrypted-overlay-network",
        severity: Medium,
        default_enabled: true,
        cis: ["7.3"],
        summary: "an overlay network carries traffic between nodes unencrypted",
        fixable: false,
    }
}

pub struct UnencryptedOverlayNetwork;

impl AuditRule for UnencryptedOverlayNetwork {
    fn info(&self) -> &'static RuleInfo {
        &UNENCRYPTED_OVERLAY_NETWORK
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        for net in &cx.snap.networks {
            if str_at(net, "/Driver") != Some("overlay") {
                continue;
            }
            let encrypted = net
                .get("Options")
                .and_then(Value::as_object)
                .is_some_and(|o| o.contains_key("encrypted"));
            if encrypted {
                continue;
            }
            let name = str_at(net, "/Name").unwrap_or("?");
            sink.report(
                &UNENCRYPTED_OVERLAY_NETWORK,
                cx.network_at(net, "/Options"),
                "",
                format!("overlay network `{name}` carries traffic between nodes unencrypted"),
            )
            .set_help("recreate the network with `--opt encrypted`");
        }
    }
}
