//! DM003: the daemon logs at a level other than `info`.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a daemon whose log level is not `info`: `debug` (`--debug`, `-D`,
    /// `"debug": true`, `--log-level debug`; `docker info` shows `Debug Mode:
    /// true`), or `warn`, `error` or `fatal`. No log level set is `info`, the
    /// default, and is not reported.
    ///
    /// ## Why is this bad?
    /// At `debug` the daemon logs request bodies and internal detail: volume,
    /// noise and, at times, secrets in the logs. Above `info` it drops the events
    /// an investigation needs (containers created, started, killed). CIS 2.3
    /// asks for `info`.
    ///
    /// ## Example
    /// ```json
    /// { "log-level": "debug" }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "log-level": "info" }
    /// ```
    ///
    /// ## How to fix
    /// Remove `--log-level`/`--debug` (or set `"log-level": "info"`) and restart
    /// the daemon. For a short debugging session, turn debug on and off again
    /// with `SIGHUP` after editing `daemon.json`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.3
    /// - [dockerd `--log-level`](https://docs.docker.com/reference/cli/dockerd/)
    pub static UNSUITABLE_LOG_LEVEL = {
        code: "DM003",
        name: "unsuitable-log-level",
        severity: Low,
        default_enabled: true,
        cis: ["2.3"],
        summary: "the daemon logs at a level other than `info`",
        fixable: false,
    }
}

pub struct UnsuitableLogLevel;

const HELP: &str = "remove `--debug`/`--log-level` (or set `\"log-level\": \"info\"` in daemon.json) and restart the daemon";

impl AuditRule for UnsuitableLogLevel {
    fn info(&self) -> &'static RuleInfo {
        &UNSUITABLE_LOG_LEVEL
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        let debug_flag = cx.config.bool("debug", Some('D'), "debug");
        let info_debug = cx.info("/Debug").and_then(|v| v.as_bool());
        if let Some((true, src)) = &debug_flag {
            let message = format!(
                "the daemon runs in debug mode ({})",
                cx.config.describe(src)
            );
            sink.report(
                &UNSUITABLE_LOG_LEVEL,
                cx.daemon_at(cx.config.pointer(src)),
                "debug",
                message,
            )
            .set_help(HELP);
            return;
        }
        let level = cx.config.string("log-level", Some('l'), "log-level");
        if let Some((lvl, src)) = &level {
            let l = lvl.trim().to_ascii_lowercase();
            let what = match l.as_str() {
                "info" | "" => None,
                "debug" | "trace" => Some(format!(
                    "the daemon logs at level `{l}`: verbose logs can hold request bodies and secrets"
                )),
                _ => Some(format!(
                    "the daemon logs only at level `{l}` and above: the events CIS 2.3 keeps are lost"
                )),
            };
            if let Some(message) = what {
                sink.report(
                    &UNSUITABLE_LOG_LEVEL,
                    cx.daemon_at(cx.config.pointer(src)),
                    &l,
                    message,
                )
                .set_help(HELP);
                return;
            }
        }
        if info_debug == Some(true) {
            sink.report(
                &UNSUITABLE_LOG_LEVEL,
                cx.daemon_at("/info/Debug"),
                "debug",
                "the daemon runs in debug mode",
            )
            .set_help(HELP);
            return;
        }
        if level.is_none() && !cx.config.complete() {
            sink.skipped(&UNSUITABLE_LOG_LEVEL, super::NO_CONFIG);
        }
    }
}
