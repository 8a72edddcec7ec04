//! DM013: container logs stay on the host (no centralised logging).

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::{RuleInfo, Severity};

declare_rule! {
    /// ## What it does
    /// Reports a daemon whose default log driver (`docker info`, `Logging
    /// Driver`) keeps container logs only on the host: `json-file` (the
    /// default) or `local`; and, at medium severity, `none`, which discards
    /// them. Drivers that ship logs elsewhere (`syslog`, `journald`, `fluentd`,
    /// `gelf`, `awslogs`, `splunk` ...) are not reported.
    ///
    /// ## Why is this bad?
    /// Logs on the host disappear with the container (`docker rm`) or the host,
    /// and an attacker who gets root there edits them. CIS 2.14 asks for
    /// centralised, remote logging, so that the record of an incident survives
    /// it.
    ///
    /// ## Example
    /// `docker info` shows `Logging Driver: json-file`.
    ///
    /// Use instead:
    /// ```json
    /// { "log-driver": "syslog", "log-opts": { "syslog-address": "tcp://logs.internal:514" } }
    /// ```
    ///
    /// ## How to fix
    /// Set `log-driver` (and its `log-opts`) to a driver that ships logs to the
    /// central log service, or ship the host's journal or files with a log
    /// agent and accept the finding.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.14
    /// - [Configure logging drivers](https://docs.docker.com/engine/logging/configure/)
    pub static LOCAL_ONLY_LOGGING = {
        code: "DM013",
        name: "local-only-logging",
        severity: Low,
        default_enabled: true,
        cis: ["2.14"],
        summary: "container logs stay on the host: no centralised logging",
        fixable: false,
    }
}

pub struct LocalOnlyLogging;

const HELP: &str = "set `log-driver` (and `log-opts`) to a driver that ships logs to a central service, e.g. `syslog` or `fluentd`";

impl AuditRule for LocalOnlyLogging {
    fn info(&self) -> &'static RuleInfo {
        &LOCAL_ONLY_LOGGING
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        let (driver, at) = match cx.info_str("/LoggingDriver").filter(|d| !d.is_empty()) {
            Some(d) => (d.to_string(), cx.daemon_at("/info/LoggingDriver")),
            None => match cx.config.string("log-driver", None, "log-driver") {
                Some((d, src)) => (d, cx.daemon_at(cx.config.pointer(&src))),
                None if cx.config.complete() => ("json-file".to_string(), cx.daemon_at("")),
                None => {
                    sink.skipped(&LOCAL_ONLY_LOGGING, super::NO_INFO);
                    return;
                }
            },
        };
        match driver.as_str() {
            "json-file" | "local" => {
                sink.report(
                    &LOCAL_ONLY_LOGGING,
                    at,
                    &driver,
                    format!("container logs stay on the host (log driver `{driver}`)"),
                )
                .set_help(HELP);
            }
            "none" => {
                sink.report(
                    &LOCAL_ONLY_LOGGING,
                    at,
                    &driver,
                    "the daemon discards container logs (log driver `none`)",
                )
                .set_severity(Severity::Medium)
                .set_help(HELP);
            }
            _ => {}
        }
    }
}
