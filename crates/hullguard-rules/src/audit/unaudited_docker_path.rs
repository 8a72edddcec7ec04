//! HS002: a Docker file or directory is not watched by the Linux audit system.

use super::files::{audit_targets, is_watched, watched};
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports each file and directory of CIS 1.1.3–1.1.18 that exists on the
    /// host and that no audit rule watches: the dockerd binary of the running
    /// daemon, containerd's state directory (`/run/containerd`), the Docker
    /// root (`info.DockerRootDir`), `/etc/docker`, the `docker.service` unit in
    /// use, the containerd and Docker sockets the daemons really use,
    /// `/etc/default/docker`, `daemon.json`, `/etc/containerd/config.toml`,
    /// `/etc/sysconfig/docker`, and the containerd, shim and runc binaries. A
    /// path is watched by a rule `-w PATH` or `-F path=PATH` (any permissions
    /// and key), or by a `-w`/`-F dir=` watch of a directory above it (audit
    /// watches on directories are recursive). `/var/run` and `/run` are the
    /// same directory.
    ///
    /// The rules are read from `auditctl -l` (what the kernel enforces) or,
    /// where it cannot run, from the rules files. On a host without the Linux
    /// audit system the rule does not fire, and says so in a note.
    ///
    /// ## Why is this bad?
    /// The daemon runs as root and can do anything on the host; its binaries,
    /// configuration and sockets are where an attacker plants persistence or
    /// takes control. Without audit rules, changes to them and uses of the
    /// socket leave no record to investigate.
    ///
    /// ## Example
    /// `auditctl -l` shows no rule for `/usr/bin/dockerd`.
    ///
    /// Use instead:
    /// ```text
    /// -w /usr/bin/dockerd -p rwxa -k docker
    /// -w /var/lib/docker -p rwxa -k docker
    /// -w /etc/docker -p rwxa -k docker
    /// ```
    ///
    /// ## How to fix
    /// Add a `-w PATH -p rwxa -k docker` line per reported path to
    /// `/etc/audit/rules.d/docker.rules` and load it (`augenrules --load`).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 1.1.3
    /// - CIS Docker Benchmark v1.8.0, 1.1.4
    /// - CIS Docker Benchmark v1.8.0, 1.1.5
    /// - CIS Docker Benchmark v1.8.0, 1.1.6
    /// - CIS Docker Benchmark v1.8.0, 1.1.7
    /// - CIS Docker Benchmark v1.8.0, 1.1.8
    /// - CIS Docker Benchmark v1.8.0, 1.1.9
    /// - CIS Docker Benchmark v1.8.0, 1.1.10
    /// - CIS Docker Benchmark v1.8.0, 1.1.11
    /// - CIS Docker Benchmark v1.8.0, 1.1.12
    /// - CIS Docker Benchmark v1.8.0, 1.1.13
    /// - CIS Docker Benchmark v1.8.0, 1.1.14
    /// - CIS Docker Benchmark v1.8.0, 1.1.15
    /// - CIS Docker Benchmark v1.8.0, 1.1.16
    /// - CIS Docker Benchmark v1.8.0, 1.1.17
    /// - CIS Docker Benchmark v1.8.0, 1.1.18
    /// - [auditctl(8)](https://man7.org/linux/man-pages/man8/auditctl.8.html)
    pub static UNAUDITED_DOCKER_PATH = {
        code: "HS002",
        name: "unaudited-docker-path",
        severity: Low,
        default_enabled: true,
        cis: [
            "1.1.3", "1.1.4", "1.1.5", "1.1.6", "1.1.7", "1.1.8", "1.1.9", "1.1.10",
            "1.1.11", "1.1.12", "1.1.13", "1.1.14", "1.1.15", "1.1.16", "1.1.17", "1.1.18"
        ],
        summary: "a Docker file or directory is not watched by the Linux audit system",
        fixable: false,
    }
}

pub struct UnauditedDockerPath;

impl AuditRule for UnauditedDockerPath {
    fn info(&self) -> &'static RuleInfo {
        &UNAUDITED_DOCKER_PATH
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        let Some(host) = cx.host() else {
            sink.skipped(&UNAUDITED_DOCKER_PATH, super::NO_HOST);
            return;
        };
        if host.facilities.auditd == Some(false) {
            sink.skipped(
                &UNAUDITED_DOCKER_PATH,
                "the host has no Linux audit system (CIS 1.1.3–1.1.18 do not apply)",
            );
            return;
        }
        let Some(rules) = &host.audit_rules else {
            sink.skipped(
                &UNAUDITED_DOCKER_PATH,
                "the host's audit rules could not be read",
            );
            return;
        };
        if let Some(n) = super::files::systemd_note(cx) {
            sink.note(n);
        }
        let watches = watched(&rules.rules);
        let mut unknown = Vec::new();
        for t in audit_targets(cx, &mut unknown) {
            if is_watched(&t.path, &watches) || t.aliases.iter().any(|a| is_watched(a, &watches)) {
                continue;
            }
            sink.report(
                &UNAUDITED_DOCKER_PATH,
                cx.host_at(&t.path),
                &t.path,
                format!(
                    "{} `{}` is not watched by the audit system (CIS {})",
                    t.what, t.path, t.cis
                ),
            )
            .set_help(format!(
                "add `-w {} -p rwxa -k docker` to /etc/audit/rules.d/docker.rules and run `augenrules --load`",
                t.path
            ));
        }
        if !unknown.is_empty() {
            sink.note(format!(
                "the snapshot has no host facts about {}: their audit rules (CIS 1.1) not checked",
                unknown.join(", ")
            ));
        }
    }
}
