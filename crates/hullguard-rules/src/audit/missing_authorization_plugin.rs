//! DM012: no authorization plugin guards the Docker API.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;
use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Reports a daemon without an authorization plugin: `docker info` lists no
    /// `Authorization` plugin (`--authorization-plugin`, `authorization-plugins`
    /// in `daemon.json`).
    ///
    /// ## Why is this bad?
    /// Without one, every client of the API (every member of the `docker`
    /// group, every container with the socket mounted) may do anything:
    /// create a privileged container, mount `/`, exec into any container. An
    /// authorization plugin decides per request, so that, for example, CI can
    /// build and run ordinary containers but never privileged ones.
    ///
    /// ## Example
    /// `docker info` shows `Plugins: Authorization:` empty.
    ///
    /// ## How to fix
    /// Install an authorization plugin whose policy fits (`hullguard guard`
    /// can run as one, denying the dangerous settings the container rules
    /// report), and list it in `authorization-plugins`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.13
    /// - [Access authorization plugin](https://docs.docker.com/engine/extend/plugins_authorization/)
    pub static MISSING_AUTHORIZATION_PLUGIN = {
        code: "DM012",
        name: "missing-authorization-plugin",
        severity: Low,
        default_enabled: true,
        cis: ["2.13"],
        summary: "no authorization plugin guards the Docker API",
        fixable: false,
    }
}

pub struct MissingAuthorizationPlugin;

const HELP: &str = "install an authorization plugin (e.g. `hullguard guard`) and list it in `authorization-plugins`";

impl AuditRule for MissingAuthorizationPlugin {
    fn info(&self) -> &'static RuleInfo {
        &MISSING_AUTHORIZATION_PLUGIN
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        if let Some(plugins) = cx.info("/Plugins").filter(|p| p.is_object()) {
            let none = match plugins.get("Authorization") {
                None | Some(Value::Null) => true,
                Some(Value::Array(a)) => a.is_empty(),
                Some(_) => false,
            };
            if none {
                sink.report(
                    &MISSING_AUTHORIZATION_PLUGIN,
                    cx.daemon_at("/info/Plugins/Authorization"),
                    "",
                    "no authorization plugin guards the Docker API: every client may do anything",
                )
                .set_help(HELP);
            }
            return;
        }
        let listed = cx
            .config
            .list("authorization-plugin", None, "authorization-plugins");
        if !listed.is_empty() {
            return;
        }
        if cx.config.complete() {
            sink.report(
                &MISSING_AUTHORIZATION_PLUGIN,
                cx.daemon_at(""),
                "",
                "no authorization plugin guards the Docker API: every client may do anything",
            )
            .set_help(HELP);
        } else {
            sink.skipped(&MISSING_AUTHORIZATION_PLUGIN, super::NO_INFO);
        }
    }
}
