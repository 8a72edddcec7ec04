//! HS004: a Docker configuration file, socket, certificate or key has a mode
//! more permissive than the benchmark allows.

use super::files::{file_checks, Class};
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::{RuleInfo, Severity};

declare_rule! {
    /// ## What it does
    /// Reports each file and directory of CIS section 3 that exists on the
    /// host (the same list as `docker-file-not-root-owned`) and has a
    /// permission bit the benchmark does not allow: units, `daemon.json`,
    /// `/etc/default/docker` and `/etc/sysconfig/docker` 644, `/etc/docker`
    /// 755, certificates 444, keys 400 (also registry client keys under
    /// `certs.d`, which the benchmark lumps with certificates), the Docker and
    /// containerd sockets 660. Modes are compared as bits, not numbers: `0606`
    /// is less than `0644` but world-writable, and is reported; setuid, setgid
    /// and sticky bits count too.
    ///
    /// Severity follows what the extra bits allow: critical when anyone may
    /// write (a world-writable unit, `daemon.json` or socket is root for every
    /// local user), high when the group may write or a private key is readable
    /// beyond its owner, low for bits that change nothing in practice (an owner
    /// write bit on a root-owned certificate).
    ///
    /// ## Why is this bad?
    /// Write access to the daemon's configuration or socket is control of the
    /// root daemon, so of the host; read access to its private key lets anyone
    /// impersonate it to clients.
    ///
    /// ## Example
    /// `stat -c %a /var/run/docker.sock` prints `666`.
    ///
    /// ## How to fix
    /// `chmod` the path to the mode the message names (`chmod 660
    /// /var/run/docker.sock`); for the socket, fix the unit or flag that sets
    /// its mode, or the change is lost at the next restart.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 3.2
    /// - CIS Docker Benchmark v1.8.0, 3.4
    /// - CIS Docker Benchmark v1.8.0, 3.6
    /// - CIS Docker Benchmark v1.8.0, 3.8
    /// - CIS Docker Benchmark v1.8.0, 3.10
    /// - CIS Docker Benchmark v1.8.0, 3.12
    /// - CIS Docker Benchmark v1.8.0, 3.14
    /// - CIS Docker Benchmark v1.8.0, 3.16
    /// - CIS Docker Benchmark v1.8.0, 3.18
    /// - CIS Docker Benchmark v1.8.0, 3.20
    /// - CIS Docker Benchmark v1.8.0, 3.22
    /// - CIS Docker Benchmark v1.8.0, 3.24
    /// - [Protect the Docker daemon socket](https://docs.docker.com/engine/security/protect-access/)
    pub static PERMISSIVE_DOCKER_FILE_MODE = {
        code: "HS004",
        name: "permissive-docker-file-mode",
        severity: Medium,
        default_enabled: true,
        cis: ["3.2", "3.4", "3.6", "3.8", "3.10", "3.12", "3.14", "3.16", "3.18", "3.20", "3.22", "3.24"],
        summary: "a Docker configuration file, socket, certificate or key is more permissive than the benchmark allows",
        fixable: false,
    }
}

pub struct PermissiveDockerFileMode;

/// The extra permissions, in words.
fn describe(extra: u32) -> String {
    let mut words = Vec::new();
    for (bit, word) in [
        (0o002, "world-writable"),
        (0o004, "world-readable"),
        (0o001, "world-executable"),
        (0o020, "group-writable"),
        (0o040, "group-readable"),
        (0o010, "group-executable"),
        (0o200, "owner-writable"),
        (0o100, "owner-executable"),
        (0o4000, "setuid"),
        (0o2000, "setgid"),
        (0o1000, "sticky"),
    ] {
        if extra & bit != 0 {
            words.push(word);
        }
    }
    words.join(", ")
}

/// How bad the extra bits are for this kind of file.
fn severity(class: Class, extra: u32) -> Severity {
    match class {
        Class::Config | Class::Socket if extra & 0o002 != 0 => Severity::Critical,
        Class::Config | Class::Socket if extra & 0o020 != 0 => Severity::High,
        Class::Key if extra & 0o066 != 0 => Severity::High,
        Class::Cert if extra & 0o022 != 0 => Severity::High,
        // Reading a unit file or a socket's mode bits gives nothing away;
        // setuid or executable bits on data do nothing.
        _ => Severity::Low,
    }
}

impl AuditRule for PermissiveDockerFileMode {
    fn info(&self) -> &'static RuleInfo {
        &PERMISSIVE_DOCKER_FILE_MODE
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        if cx.host().is_none() {
            sink.skipped(&PERMISSIVE_DOCKER_FILE_MODE, super::NO_HOST);
            return;
        }
        if let Some(n) = super::files::systemd_note(cx) {
            sink.note(n);
        }
        let mut missing = Vec::new();
        for c in file_checks(cx, &mut missing) {
            let Some(mode) = c.fact.mode else {
                if let Some(e) = &c.fact.error {
                    sink.note(format!(
                        "the mode of {} could not be read: {e}",
                        c.fact.path
                    ));
                }
                continue;
            };
            let mode = mode & 0o7777;
            let extra = mode & !c.allowed;
            if extra == 0 {
                continue;
            }
            sink.report(
                &PERMISSIVE_DOCKER_FILE_MODE,
                cx.host_at(&c.fact.path),
                &c.fact.path,
                format!(
                    "{} `{}` has mode {mode:04o}, more permissive than {:04o} (CIS {}): {}",
                    c.what,
                    c.fact.path,
                    c.allowed,
                    c.mode_cis,
                    describe(extra)
                ),
            )
            .set_severity(severity(c.class, extra))
            .set_help(format!(
                "chmod {:o} {} (and fix whatever sets the mode, such as the socket unit)",
                c.allowed, c.fact.path
            ));
        }
        if !missing.is_empty() {
            sink.note(super::files::missing_note(&missing));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_not_numbers() {
        // 606 < 644 as numbers, but world-writable.
        assert_eq!(0o606 & !0o644, 0o002);
        assert_eq!(severity(Class::Config, 0o606 & !0o644), Severity::Critical);
        assert_eq!(describe(0o002), "world-writable");
        assert_eq!(0o600 & !0o644, 0);
        assert_eq!(severity(Class::Key, 0o444 & !0o400), Severity::High);
        assert_eq!(severity(Class::Cert, 0o644 & !0o444), Severity::Low);
        assert_eq!(severity(Class::Socket, 0o666 & !0o660), Severity::Critical);
    }
}
