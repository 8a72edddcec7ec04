//! DM007: the daemon listens on TCP without TLS client verification.

use super::files::{socket_unit_listeners, unit_file};
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::{RuleInfo, Severity};

declare_rule! {
    /// ## What it does
    /// Reports a TCP listener of the daemon that does not verify clients'
    /// certificates: a `-H tcp://...` flag or `hosts` entry, or a TCP
    /// `ListenStream=` of the `docker.socket` unit when the daemon is
    /// socket-activated (`-H fd://`), without `--tlsverify` (`"tlsverify":
    /// true`). `--tls` alone encrypts but lets any client in. Critical on any
    /// address but loopback, where it is high (every local user, and every
    /// container with host networking, can reach it).
    ///
    /// For a remote engine whose command line hullguard cannot read, the
    /// connection itself is the evidence: reaching the daemon over `tcp://`
    /// without verified TLS is reported (high).
    ///
    /// ## Why is this bad?
    /// The Docker API is root on the host: whoever can call it starts a
    /// privileged container that mounts `/`. Without client certificates,
    /// anyone who can reach the port can; exposed Docker ports are scanned for
    /// and taken over within hours (cryptominers, botnets).
    ///
    /// ## Example
    /// ```text
    /// dockerd -H unix:///var/run/docker.sock -H tcp://0.0.0.0:2375
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// dockerd -H unix:///var/run/docker.sock -H tcp://0.0.0.0:2376 --tlsverify \
    ///   --tlscacert=/etc/docker/tls/ca.pem --tlscert=/etc/docker/tls/server.pem \
    ///   --tlskey=/etc/docker/tls/server-key.pem
    /// ```
    ///
    /// ## How to fix
    /// Prefer the unix socket, or SSH (`DOCKER_HOST=ssh://host`), which needs
    /// no TCP listener at all. If TCP is needed, enable `--tlsverify` with a CA
    /// that signs only the clients that may manage the host.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.8
    /// - [Protect the Docker daemon socket](https://docs.docker.com/engine/security/protect-access/)
    pub static UNAUTHENTICATED_TCP_SOCKET = {
        code: "DM007",
        name: "unauthenticated-tcp-socket",
        severity: Critical,
        default_enabled: true,
        cis: ["2.8"],
        summary: "the daemon listens on TCP without verifying clients' TLS certificates",
        fixable: false,
    }
}

pub struct UnauthenticatedTcpSocket;

const HELP: &str = "use the unix socket or ssh://; if TCP is needed, enable `--tlsverify` with a CA that signs only trusted clients";

/// The host part of a listen address (`tcp://0.0.0.0:2375`, `127.0.0.1:2375`,
/// `[::1]:2375`, `2375`).
fn listen_host(addr: &str) -> &str {
    let a = addr.strip_prefix("tcp://").unwrap_or(addr);
    let a = a.split('/').next().unwrap_or(a);
    if let Some(rest) = a.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    match a.rsplit_once(':') {
        Some((h, _)) => h,
        // A bare port: every interface.
        None if a.chars().all(|c| c.is_ascii_digit()) => "",
        None => a,
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host == "::1" || host.split('.').next() == Some("127")
}

impl AuditRule for UnauthenticatedTcpSocket {
    fn info(&self) -> &'static RuleInfo {
        &UNAUTHENTICATED_TCP_SOCKET
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        let verify_setting = cx.config.bool("tlsverify", None, "tlsverify");
        let verify = verify_setting.as_ref().is_some_and(|b| b.0);
        let tls = cx.config.bool("tls", None, "tls").is_some_and(|b| b.0);
        let how = if tls {
            "with TLS but without client verification"
        } else {
            "without TLS"
        };
        let hosts = cx.config.list("host", Some('H'), "hosts");
        if hosts.is_empty() && !cx.config.complete() {
            // Nothing known about the listeners: the connection may tell.
            let ep = &cx.snap.endpoint;
            let remote_tcp = ep.host.starts_with("tcp://") || ep.host.starts_with("http://");
            if remote_tcp && !ep.tls {
                sink.report(
                    &UNAUTHENTICATED_TCP_SOCKET,
                    cx.daemon_at(""),
                    &ep.host,
                    format!(
                        "the daemon answered on `{}` without verified TLS: clients may not be authenticated",
                        ep.host
                    ),
                )
                .set_severity(Severity::High)
                .set_help(HELP);
            } else if !remote_tcp {
                sink.skipped(&UNAUTHENTICATED_TCP_SOCKET, super::NO_CONFIG);
            }
            return;
        }
        if verify {
            return;
        }
        if verify_setting.is_none() && !cx.config.complete() {
            // `tlsverify` may be in the part of the configuration that could
            // not be read.
            sink.skipped(&UNAUTHENTICATED_TCP_SOCKET, super::NO_CONFIG);
            return;
        }
        for (h, src) in &hosts {
            if h.starts_with("tcp://") {
                let host = listen_host(h);
                let (sev, who) = if is_loopback(host) {
                    (
                        Severity::High,
                        "every local user and host-network container",
                    )
                } else {
                    (Severity::Critical, "anyone who can reach it")
                };
                sink.report(
                    &UNAUTHENTICATED_TCP_SOCKET,
                    cx.daemon_at(cx.config.pointer(src)),
                    h,
                    format!("the daemon listens on `{h}` {how}: {who} controls the host"),
                )
                .set_severity(sev)
                .set_help(HELP);
            } else if h.starts_with("fd://") {
                let Some(unit) = unit_file(cx, "docker.socket") else {
                    continue;
                };
                for l in socket_unit_listeners(cx) {
                    if l.starts_with('/') || l.starts_with('@') {
                        continue;
                    }
                    let host = listen_host(&l);
                    let (sev, who) = if is_loopback(host) {
                        (
                            Severity::High,
                            "every local user and host-network container",
                        )
                    } else {
                        (Severity::Critical, "anyone who can reach it")
                    };
                    sink.report(
                        &UNAUTHENTICATED_TCP_SOCKET,
                        cx.host_at(&unit.path),
                        &l,
                        format!(
                            "the docker.socket unit listens on `{l}` for the daemon {how}: {who} controls the host"
                        ),
                    )
                    .set_severity(sev)
                    .set_help(HELP);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(listen_host("tcp://0.0.0.0:2375"), "0.0.0.0");
        assert_eq!(listen_host("tcp://:2375"), "");
        assert_eq!(listen_host("tcp://[::1]:2375"), "::1");
        assert_eq!(listen_host("127.0.0.1:2375"), "127.0.0.1");
        assert_eq!(listen_host("2375"), "");
        assert!(is_loopback("127.0.0.1"));
        assert!(!is_loopback(""));
        assert!(!is_loopback("10.1.2.3"));
    }
}
