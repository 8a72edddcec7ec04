//! SW005: a swarm service passes a secret in its environment.

use super::context::secret_in;
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;
use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Reports a swarm service whose containers get a secret in their
    /// environment (`Spec.TaskTemplate.ContainerSpec.Env`): a literal value
    /// under a name that says it is a secret, or a value in a known secret
    /// format. Deployed values such as `example` or `password` count: they are
    /// the password. The logic is that of `environment-secret` (CT032).
    ///
    /// ## Why is this bad?
    /// Service specs are stored in the raft log of every manager and shown by
    /// `docker service inspect` to anyone with API access; the environment of
    /// each task is visible in `docker inspect` and in `/proc` on its node.
    /// Docker secrets are encrypted in raft and mounted only into the tasks
    /// that need them. CIS 7.4.
    ///
    /// ## Example
    /// ```text
    /// docker service create -e DB_PASSWORD=hunter2 example/api:2
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// printf hunter2 | docker secret create db_password -
    /// docker service create --secret db_password -e DB_PASSWORD_FILE=/run/secrets/db_password example/api:2
    /// ```
    ///
    /// ## How to fix
    /// Create a Docker secret, attach it to the service (`--secret`), and have
    /// the application read the file; rotate the exposed value.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 7.4
    /// - [Manage sensitive data with Docker secrets](https://docs.docker.com/engine/swarm/secrets/)
    pub static SERVICE_ENVIRONMENT_SECRET = {
        code: "SW005",
        name: "service-environment-secret",
        severity: High,
        default_enabled: true,
        cis: ["7.4"],
        summary: "a swarm service passes a secret in its environment instead of a Docker secret",
        fixable: false,
    }
}

pub struct ServiceEnvironmentSecret;

const ENV: &str = "/Spec/TaskTemplate/ContainerSpec/Env";

impl AuditRule for ServiceEnvironmentSecret {
    fn info(&self) -> &'static RuleInfo {
        &SERVICE_ENVIRONMENT_SECRET
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        let Some(sw) = &cx.snap.swarm else {
            return;
        };
        for svc in &sw.services {
            let Some(env) = svc.pointer(ENV).and_then(Value::as_array) else {
                continue;
            };
            let name = svc
                .pointer("/Spec/Name")
                .and_then(Value::as_str)
                .unwrap_or("?");
            for (i, e) in env.iter().enumerate() {
                let Some((var, value)) = e.as_str().and_then(|e| e.split_once('=')) else {
                    continue;
                };
                let Some(what) = secret_in(var, value, &cx.opts.secret_patterns, true) else {
                    continue;
                };
                sink.report(
                    &SERVICE_ENVIRONMENT_SECRET,
                    cx.service_at(svc, format!("{ENV}/{i}")),
                    var,
                    format!("service `{name}` has {what} in environment variable `{var}`"),
                )
                .set_help("store it as a Docker secret (`docker secret create`), attach it with `--secret`, and read the file");
            }
        }
    }
}
