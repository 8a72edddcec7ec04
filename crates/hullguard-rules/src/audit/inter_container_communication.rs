//! DM002: containers on the default bridge can reach each other (icc).

use super::context::{key_pointer, str_at};
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports inter-container communication enabled on the default bridge
    /// network (`docker0`). The effective value is read from the bridge
    /// network's option `com.docker.network.bridge.enable_icc` (`docker network
    /// inspect bridge`), as CIS 2.2's audit does; the daemon's `icc` setting
    /// (`--icc`, `"icc"` in `daemon.json`) is read only when the snapshot has no
    /// bridge network. When the configuration says `false` but the network says
    /// `true`, the daemon was not restarted since the change, and the finding
    /// says so. No finding when the daemon has no default bridge
    /// (`--bridge=none`).
    ///
    /// ## Why is this bad?
    /// Every container started without `--network` lands on the default bridge,
    /// where by default it can open any port of every other such container: one
    /// compromised container can attack all the others (databases, admin
    /// interfaces) without going through the host's firewall.
    ///
    /// ## Example
    /// ```json
    /// { "icc": true }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "icc": false }
    /// ```
    ///
    /// ## How to fix
    /// Set `"icc": false` in `daemon.json` (or `--icc=false`) and restart the
    /// daemon. Containers that must talk to each other go on a user-defined
    /// network together (`docker network create`), or use `--link`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.2
    /// - [Default bridge network](https://docs.docker.com/engine/network/drivers/bridge/#use-the-default-bridge-network)
    pub static INTER_CONTAINER_COMMUNICATION = {
        code: "DM002",
        name: "inter-container-communication",
        severity: Low,
        default_enabled: true,
        cis: ["2.2"],
        summary: "containers on the default bridge network can reach each other",
        fixable: false,
    }
}

pub struct InterContainerCommunication;

const ICC: &str = "com.docker.network.bridge.enable_icc";

const HELP: &str = "set `\"icc\": false` in daemon.json (or `--icc=false`) and restart the daemon; put containers that must talk on a user-defined network";

impl AuditRule for InterContainerCommunication {
    fn info(&self) -> &'static RuleInfo {
        &INTER_CONTAINER_COMMUNICATION
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        let configured = cx.config.bool("icc", None, "icc");
        if let Some(net) = cx.default_bridge() {
            match str_at(net, &key_pointer("/Options", ICC)) {
                Some("false") => return,
                Some(_) => {
                    let mut message = "containers on the default bridge can reach each other (`enable_icc` is true)".to_string();
                    if let Some((false, src)) = &configured {
                        message.push_str(&format!(
                            ", although {} disables it: restart the daemon to apply it",
                            cx.config.describe(src)
                        ));
                    }
                    sink.report(
                        &INTER_CONTAINER_COMMUNICATION,
                        cx.network_at(net, key_pointer("/Options", ICC)),
                        "bridge",
                        message,
                    )
                    .set_help(HELP);
                    return;
                }
                None => {}
            }
        } else if !cx.snap.networks.is_empty() {
            // Networks were collected and none is the default bridge: the
            // daemon runs with `--bridge=none`.
            return;
        }
        if cx
            .config
            .string("bridge", Some('b'), "bridge")
            .is_some_and(|(b, _)| b == "none")
        {
            return;
        }
        match configured {
            Some((false, _)) => {}
            Some((true, src)) => {
                let message = format!(
                    "containers on the default bridge can reach each other ({} enables icc)",
                    cx.config.describe(&src)
                );
                sink.report(
                    &INTER_CONTAINER_COMMUNICATION,
                    cx.daemon_at(cx.config.pointer(&src)),
                    "config",
                    message,
                )
                .set_help(HELP);
            }
            None if cx.config.complete() => {
                sink.report(
                    &INTER_CONTAINER_COMMUNICATION,
                    cx.daemon_at(""),
                    "config",
                    "containers on the default bridge can reach each other (icc is not disabled)",
                )
                .set_help(HELP);
            }
            None => sink.skipped(&INTER_CONTAINER_COMMUNICATION, super::NO_CONFIG),
        }
    }
}
