//! DM014: the daemon does not set no-new-privileges for every container.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a daemon without `--no-new-privileges` (`"no-new-privileges":
    /// true` in `daemon.json`), which sets `no_new_privs` for every new
    /// container that does not ask otherwise. When it is set, the container rule
    /// `privilege-escalation-allowed` (CT020) no longer reports containers that
    /// merely do not set the option (they get it from the daemon); a container
    /// that sets `no-new-privileges:false` is still reported.
    ///
    /// ## Why is this bad?
    /// Without `no_new_privs`, a process can gain privileges by executing a
    /// setuid or setgid binary or one with file capabilities: an attacker
    /// running as an unprivileged user inside a container becomes root there
    /// through `su`, `sudo` or any setuid binary of the image. Setting it on
    /// the daemon protects every container, including those nobody reviewed.
    ///
    /// ## Example
    /// ```json
    /// { "log-level": "info" }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "no-new-privileges": true }
    /// ```
    ///
    /// ## How to fix
    /// Set `"no-new-privileges": true` and restart the daemon; a container that
    /// really needs setuid binaries opts out with
    /// `--security-opt no-new-privileges=false`. It applies to containers
    /// created after the change.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.15
    /// - [dockerd `--no-new-privileges`](https://docs.docker.com/reference/cli/dockerd/)
    pub static DAEMON_NEW_PRIVILEGES_ALLOWED = {
        code: "DM014",
        name: "daemon-new-privileges-allowed",
        severity: Low,
        default_enabled: true,
        cis: ["2.15"],
        summary: "the daemon does not set no-new-privileges for every container",
        fixable: false,
    }
}

pub struct DaemonNewPrivilegesAllowed;

const HELP: &str = "set `\"no-new-privileges\": true` in daemon.json and restart the daemon";

impl AuditRule for DaemonNewPrivilegesAllowed {
    fn info(&self) -> &'static RuleInfo {
        &DAEMON_NEW_PRIVILEGES_ALLOWED
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        match cx.config.no_new_privileges() {
            Some((true, _)) => {}
            Some((false, src)) => {
                let message = format!(
                    "the daemon lets containers gain new privileges ({} is false)",
                    cx.config.describe(&src)
                );
                sink.report(
                    &DAEMON_NEW_PRIVILEGES_ALLOWED,
                    cx.daemon_at(cx.config.pointer(&src)),
                    "",
                    message,
                )
                .set_help(HELP);
            }
            None if cx.config.complete() => {
                sink.report(
                    &DAEMON_NEW_PRIVILEGES_ALLOWED,
                    cx.daemon_at(""),
                    "",
                    "the daemon does not set no-new-privileges for containers",
                )
                .set_help(HELP);
            }
            None => sink.skipped(&DAEMON_NEW_PRIVILEGES_ALLOWED, super::NO_CONFIG),
        }
    }
}
