//! SW007: swarm node certificates live longer than the default 90 days.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;
use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Reports a swarm whose node certificates are valid for longer than the
    /// default 90 days (`Spec.CAConfig.NodeCertExpiry`, `docker swarm update
    /// --cert-expiry`). Read on a manager.
    ///
    /// ## Why is this bad?
    /// Node certificates are what a node presents to join and talk to the
    /// swarm; the swarm rotates them before they expire. A long validity keeps
    /// a stolen certificate (from a decommissioned or compromised node) usable
    /// for longer. CIS 7.7 asks that they are rotated as needed, which a short
    /// expiry does automatically.
    ///
    /// ## Example
    /// `docker info` shows `Expiry Duration: 1 year`.
    ///
    /// ## How to fix
    /// `docker swarm update --cert-expiry 2160h` (90 days) or shorter, and
    /// rotate now where a node may be compromised (`docker swarm ca
    /// --rotate`).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 7.7
    /// - [`docker swarm update --cert-expiry`](https://docs.docker.com/reference/cli/docker/swarm/update/)
    pub static LONG_NODE_CERTIFICATE_EXPIRY = {
        code: "SW007",
        name: "long-node-certificate-expiry",
        severity: Low,
        default_enabled: true,
        cis: ["7.7"],
        summary: "swarm node certificates are valid for longer than the default 90 days",
        fixable: false,
    }
}

pub struct LongNodeCertificateExpiry;

/// The swarm default, 90 days, in nanoseconds.
const DEFAULT_EXPIRY_NS: i64 = 90 * 24 * 3600 * 1_000_000_000;

const POINTER: &str = "/Spec/CAConfig/NodeCertExpiry";

impl AuditRule for LongNodeCertificateExpiry {
    fn info(&self) -> &'static RuleInfo {
        &LONG_NODE_CERTIFICATE_EXPIRY
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        let Some(sw) = &cx.snap.swarm else {
            return;
        };
        let Some(ns) = sw.swarm.pointer(POINTER).and_then(Value::as_i64) else {
            return;
        };
        if ns <= DEFAULT_EXPIRY_NS {
            return;
        }
        let days = ns / (24 * 3600 * 1_000_000_000);
        sink.report(
            &LONG_NODE_CERTIFICATE_EXPIRY,
            cx.swarm_at(POINTER),
            "",
            format!("swarm node certificates are valid for {days} days (the default is 90)"),
        )
        .set_help("run `docker swarm update --cert-expiry 2160h` (90 days) or shorter");
    }
}
