//! HS003: a Docker configuration file, socket, certificate or key is not owned
//! by root.

use super::files::{file_checks, Class, FileCheck, Group};
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::{RuleInfo, Severity};

declare_rule! {
    /// ## What it does
    /// Reports each file and directory of CIS section 3 that exists on the
    /// host and is not owned by `root:root` (the Docker socket: `root:docker`,
    /// or `root:root`): the `docker.service` and `docker.socket` units,
    /// `/etc/docker`, registry certificates under `/etc/docker/certs.d`, the
    /// daemon's TLS CA, certificate and key (from its `--tlscacert`,
    /// `--tlscert`, `--tlskey`), the Docker sockets it listens on,
    /// `daemon.json`, `/etc/default/docker`, `/etc/sysconfig/docker` and the
    /// containerd socket. Owners are compared by number (uid and gid 0), so a
    /// renamed root account does not matter. A wrong user is high severity; a
    /// wrong group is medium where the group may write, read a key, or use a
    /// socket, and low otherwise. Skipped, with a note, for a rootless engine,
    /// whose files belong to its user. Unit files are checked only where
    /// systemd runs.
    ///
    /// ## Why is this bad?
    /// The owner of a file can change its mode and content. Whoever owns the
    /// daemon's unit file, `daemon.json` or `/etc/docker` chooses how the root
    /// daemon starts; whoever owns its TLS files or socket decides who controls
    /// it. Any of them is root on the host.
    ///
    /// ## Example
    /// `stat -c %U:%G /etc/docker/daemon.json` prints `deploy:deploy`.
    ///
    /// ## How to fix
    /// `chown root:root PATH` (the Docker socket: `chown root:docker`).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 3.1
    /// - CIS Docker Benchmark v1.8.0, 3.3
    /// - CIS Docker Benchmark v1.8.0, 3.5
    /// - CIS Docker Benchmark v1.8.0, 3.7
    /// - CIS Docker Benchmark v1.8.0, 3.9
    /// - CIS Docker Benchmark v1.8.0, 3.11
    /// - CIS Docker Benchmark v1.8.0, 3.13
    /// - CIS Docker Benchmark v1.8.0, 3.15
    /// - CIS Docker Benchmark v1.8.0, 3.17
    /// - CIS Docker Benchmark v1.8.0, 3.19
    /// - CIS Docker Benchmark v1.8.0, 3.21
    /// - CIS Docker Benchmark v1.8.0, 3.23
    /// - [Protect the Docker daemon socket](https://docs.docker.com/engine/security/protect-access/)
    pub static DOCKER_FILE_NOT_ROOT_OWNED = {
        code: "HS003",
        name: "docker-file-not-root-owned",
        severity: High,
        default_enabled: true,
        cis: ["3.1", "3.3", "3.5", "3.7", "3.9", "3.11", "3.13", "3.15", "3.17", "3.19", "3.21", "3.23"],
        summary: "a Docker configuration file, socket, certificate or key is not owned by root",
        fixable: false,
    }
}

pub struct DockerFileNotRootOwned;

fn owner(c: &FileCheck) -> String {
    let user = c
        .fact
        .user
        .clone()
        .or_else(|| c.fact.uid.map(|u| u.to_string()))
        .unwrap_or_else(|| "?".to_string());
    let group = c
        .fact
        .group
        .clone()
        .or_else(|| c.fact.gid.map(|g| g.to_string()))
        .unwrap_or_else(|| "?".to_string());
    format!("{user}:{group}")
}

impl AuditRule for DockerFileNotRootOwned {
    fn info(&self) -> &'static RuleInfo {
        &DOCKER_FILE_NOT_ROOT_OWNED
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        if cx.host().is_none() {
            sink.skipped(&DOCKER_FILE_NOT_ROOT_OWNED, super::NO_HOST);
            return;
        }
        if cx.rootless {
            sink.skipped(&DOCKER_FILE_NOT_ROOT_OWNED, super::ROOTLESS);
            return;
        }
        if let Some(n) = super::files::systemd_note(cx) {
            sink.note(n);
        }
        let mut missing = Vec::new();
        for c in file_checks(cx, &mut missing) {
            let (Some(uid), Some(gid)) = (c.fact.uid, c.fact.gid) else {
                if c.fact.error.is_some() {
                    sink.note(format!(
                        "the owner of {} could not be read: {}",
                        c.fact.path,
                        c.fact.error.as_deref().unwrap_or_default()
                    ));
                }
                continue;
            };
            let group_ok = match c.group {
                Group::Root => gid == 0,
                Group::Docker => {
                    gid == 0
                        || match c.fact.group.as_deref() {
                            Some(g) => g == "docker",
                            // A group that does not resolve to a name: it cannot
                            // be told from `docker`.
                            None => true,
                        }
                }
            };
            if uid == 0 && group_ok {
                continue;
            }
            // What the wrong group gets: write access, a key's content, or
            // the daemon (a socket's read and write bits) matter.
            let group_bits = c.fact.mode.unwrap_or(0o777) & 0o070;
            let severity = if uid != 0 {
                Severity::High
            } else if group_bits & 0o020 != 0
                || (c.class == Class::Key && group_bits & 0o040 != 0)
                || (c.class == Class::Socket && group_bits != 0)
            {
                Severity::Medium
            } else {
                Severity::Low
            };
            let want = match c.group {
                Group::Root => "root:root",
                Group::Docker => "root:docker",
            };
            let why = if uid != 0 {
                "its owner can rewrite it and control the daemon"
            } else if c.class == Class::Socket {
                "its group can reach the daemon"
            } else {
                "its group gets the group permissions"
            };
            sink.report(
                &DOCKER_FILE_NOT_ROOT_OWNED,
                cx.host_at(&c.fact.path),
                &c.fact.path,
                format!(
                    "{} `{}` is owned by `{}`, not `{want}` (CIS {}): {why}",
                    c.what,
                    c.fact.path,
                    owner(&c),
                    c.owner_cis
                ),
            )
            .set_severity(severity)
            .set_help(format!("chown {want} {}", c.fact.path));
        }
        if !missing.is_empty() {
            sink.note(super::files::missing_note(&missing));
        }
    }
}
