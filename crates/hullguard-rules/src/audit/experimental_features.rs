//! DM018: the daemon runs with experimental features.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;
use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Reports a daemon with experimental features enabled: `docker info`
    /// shows `Experimental: true` (`ExperimentalBuild`), or `docker version`
    /// reports the engine as experimental (`--experimental`, `"experimental":
    /// true`).
    ///
    /// ## Why is this bad?
    /// Experimental features are not covered by Docker's stability and
    /// security guarantees, change without notice, and widen the API that
    /// clients can reach. CIS 2.19: not in production.
    ///
    /// ## Example
    /// ```json
    /// { "experimental": true }
    /// ```
    ///
    /// ## How to fix
    /// Remove `--experimental` (`"experimental": true`) and restart the daemon.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.19
    /// - [Experimental features](https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file)
    pub static EXPERIMENTAL_FEATURES = {
        code: "DM018",
        name: "experimental-features",
        severity: Low,
        default_enabled: true,
        cis: ["2.19"],
        summary: "the daemon runs with experimental features enabled",
        fixable: false,
    }
}

pub struct ExperimentalFeatures;

const HELP: &str = "remove `--experimental` (`\"experimental\": true`) and restart the daemon";
const MESSAGE: &str = "the daemon runs with experimental features enabled";

impl AuditRule for ExperimentalFeatures {
    fn info(&self) -> &'static RuleInfo {
        &EXPERIMENTAL_FEATURES
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        let version = &cx.snap.version;
        let engine = version
            .get("Components")
            .and_then(Value::as_array)
            .and_then(|c| {
                c.iter()
                    .position(|x| x.get("Name").and_then(Value::as_str) == Some("Engine"))
            });
        let at = if cx.info("/ExperimentalBuild").and_then(Value::as_bool) == Some(true) {
            Some(cx.daemon_at("/info/ExperimentalBuild"))
        } else if version.get("Experimental").and_then(Value::as_bool) == Some(true) {
            Some(cx.daemon_at("/version/Experimental"))
        } else if let Some(i) = engine.filter(|i| {
            version
                .pointer(&format!("/Components/{i}/Details/Experimental"))
                .and_then(Value::as_str)
                == Some("true")
        }) {
            Some(cx.daemon_at(format!("/version/Components/{i}/Details/Experimental")))
        } else if cx.info("/ExperimentalBuild").is_some() || engine.is_some() {
            None
        } else {
            match cx.config.bool("experimental", None, "experimental") {
                Some((true, src)) => Some(cx.daemon_at(cx.config.pointer(&src))),
                Some((false, _)) => None,
                None if cx.config.complete() => None,
                None => {
                    sink.skipped(&EXPERIMENTAL_FEATURES, super::NO_INFO);
                    None
                }
            }
        };
        if let Some(at) = at {
            sink.report(&EXPERIMENTAL_FEATURES, at, "", MESSAGE)
                .set_help(HELP);
        }
    }
}
