//! CT030: a restart policy without a retry limit.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a restart policy that restarts a failing container without bound:
    /// `always`, `unless-stopped` (compose `deploy.restart_policy.condition: any`
    /// is `always`), and `on-failure` with no retry count, a count of 0
    /// (unlimited) or more than 5. CIS 5.15 asks for `on-failure` with at most 5
    /// retries. No policy (`no`, the default) is not reported.
    ///
    /// ## Why is this bad?
    /// A container that crashes in a loop, because it is broken or because an
    /// attacker keeps crashing it, is restarted forever: each restart replays its
    /// start-up work and logs, and the host's resources drain (a denial of
    /// service). A bounded `on-failure` policy lets a real failure surface.
    /// CIS Docker Benchmark 5.15.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: example/worker:5
    ///     restart: always
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: example/worker:5
    ///     restart: on-failure:5
    /// ```
    ///
    /// ## How to fix
    /// Use `restart: on-failure:5` (`--restart on-failure:5`; in swarm,
    /// `deploy.restart_policy: {condition: on-failure, max_attempts: 5}`). A service
    /// that must survive host reboots may need `unless-stopped`: accept the finding
    /// for it.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.15
    /// - [Restart policies](https://docs.docker.com/engine/containers/start-containers-automatically/)
    pub static UNLIMITED_RESTARTS = {
        code: "CT030",
        name: "unlimited-restarts",
        severity: Low,
        default_enabled: true,
        cis: ["5.15"],
        summary: "the restart policy restarts a failing container without bound",
        fixable: false,
    }
}

pub struct UnlimitedRestarts;

/// CIS 5.15's bound.
const MAX_RETRIES: i64 = 5;

impl ContainerRule for UnlimitedRestarts {
    fn info(&self) -> &'static RuleInfo {
        &UNLIMITED_RESTARTS
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let Some(r) = spec.restart.known() else {
            return;
        };
        let policy = r.value.policy.as_str();
        let unbounded = "restart policy `on-failure` without a retry limit";
        let what = match (policy, r.value.max_retries) {
            ("always" | "unless-stopped", _) => format!("restart policy `{policy}`"),
            ("on-failure", None) => unbounded.to_string(),
            ("on-failure", Some(n)) if n <= 0 => unbounded.to_string(),
            ("on-failure", Some(n)) if n > MAX_RETRIES => {
                format!("restart policy `on-failure` with {n} retries (more than {MAX_RETRIES})")
            }
            _ => return,
        };
        sink.report(
            &UNLIMITED_RESTARTS,
            &r.at,
            policy,
            format!("{} has {what}", subject(spec)),
        )
        .set_help(help(
            spec,
            "use `restart: on-failure:5`",
            "use `--restart on-failure:5`",
            "set `HostConfig.RestartPolicy` to `{\"Name\": \"on-failure\", \"MaximumRetryCount\": 5}`",
        ));
    }
}
