//! DM005: the daemon trusts a registry over plain HTTP or unverified TLS.

use super::context::key_pointer;
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;
use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Reports insecure registries: the engine's `RegistryConfig` (`docker
    /// info`) lists a registry whose `Secure` is false, or a CIDR range in
    /// `InsecureRegistryCIDRs`. Loopback registries are not reported: the engine
    /// always lists `127.0.0.0/8` (and `::1/128`), and traffic that never leaves
    /// the host cannot be intercepted on the network. Without `docker info`
    /// data, the daemon's `--insecure-registry` flags and `insecure-registries`
    /// are read instead.
    ///
    /// ## Why is this bad?
    /// The daemon talks to an insecure registry over plain HTTP, or over TLS
    /// without checking its certificate: anyone on the network path can serve
    /// their own image under any tag the daemon pulls from there, and read the
    /// credentials it sends.
    ///
    /// ## Example
    /// ```json
    /// { "insecure-registries": ["registry.internal:5000"] }
    /// ```
    ///
    /// ## How to fix
    /// Give the registry a certificate (a private CA in
    /// `/etc/docker/certs.d/REGISTRY/ca.crt` is enough) and remove it from
    /// `insecure-registries`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.5
    /// - [Test an insecure registry](https://docs.docker.com/registry/insecure/)
    pub static INSECURE_REGISTRY = {
        code: "DM005",
        name: "insecure-registry",
        severity: High,
        default_enabled: true,
        cis: ["2.5"],
        summary: "the daemon trusts a registry over plain HTTP or unverified TLS",
        fixable: false,
    }
}

pub struct InsecureRegistry;

const HELP: &str = "give the registry a TLS certificate (a private CA in /etc/docker/certs.d/REGISTRY/ca.crt) and remove it from `insecure-registries`";

/// `127.0.0.0/8`, `127.0.0.1/32`, `::1/128`: loopback ranges.
fn loopback_cidr(cidr: &str) -> bool {
    let (addr, bits) = cidr.split_once('/').unwrap_or((cidr, "32"));
    let bits: u32 = bits.parse().unwrap_or(0);
    if addr == "::1" {
        return bits == 128;
    }
    addr.split('.').next() == Some("127") && bits >= 8
}

/// `localhost:5000`, `127.0.0.1:5000`, `[::1]:5000`: a registry on this host.
fn loopback_host(name: &str) -> bool {
    let host = match name.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => name.split(':').next().unwrap_or(""),
    };
    host == "localhost" || host == "::1" || host.split('.').next() == Some("127")
}

impl AuditRule for InsecureRegistry {
    fn info(&self) -> &'static RuleInfo {
        &INSECURE_REGISTRY
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        let Some(reg) = cx.info("/RegistryConfig").filter(|r| r.is_object()) else {
            let listed = cx
                .config
                .list("insecure-registry", None, "insecure-registries");
            if listed.is_empty() && !cx.config.complete() {
                sink.skipped(&INSECURE_REGISTRY, super::NO_INFO);
            }
            for (name, src) in listed {
                if (name.contains('/') && loopback_cidr(&name)) || loopback_host(&name) {
                    continue;
                }
                let message = format!(
                    "the daemon trusts registry `{name}` without TLS verification ({})",
                    cx.config.describe(&src)
                );
                sink.report(
                    &INSECURE_REGISTRY,
                    cx.daemon_at(cx.config.pointer(&src)),
                    &name,
                    message,
                )
                .set_help(HELP);
            }
            return;
        };
        if let Some(cidrs) = reg.get("InsecureRegistryCIDRs").and_then(Value::as_array) {
            for (i, c) in cidrs.iter().enumerate() {
                let Some(c) = c.as_str() else {
                    continue;
                };
                if loopback_cidr(c) {
                    continue;
                }
                sink.report(
                    &INSECURE_REGISTRY,
                    cx.daemon_at(format!("/info/RegistryConfig/InsecureRegistryCIDRs/{i}")),
                    c,
                    format!("the daemon trusts every registry in `{c}` without TLS verification"),
                )
                .set_help(HELP);
            }
        }
        if let Some(index) = reg.get("IndexConfigs").and_then(Value::as_object) {
            for (name, conf) in index {
                if conf.get("Secure").and_then(Value::as_bool) != Some(false) || loopback_host(name)
                {
                    continue;
                }
                let pointer = key_pointer("/info/RegistryConfig/IndexConfigs", name) + "/Secure";
                sink.report(
                    &INSECURE_REGISTRY,
                    cx.daemon_at(pointer),
                    name,
                    format!("the daemon trusts registry `{name}` without TLS verification"),
                )
                .set_help(HELP);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback() {
        assert!(loopback_cidr("127.0.0.0/8"));
        assert!(loopback_cidr("::1/128"));
        assert!(!loopback_cidr("10.0.0.0/8"));
        assert!(!loopback_cidr("0.0.0.0/0"));
        assert!(loopback_host("localhost:5000"));
        assert!(loopback_host("127.0.0.1:5000"));
        assert!(loopback_host("[::1]:5000"));
        assert!(!loopback_host("registry.internal:5000"));
        assert!(!loopback_host("127registry.example"));
    }
}
