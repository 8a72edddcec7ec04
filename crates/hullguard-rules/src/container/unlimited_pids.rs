//! CT023: no PIDs limit on the container.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_container::Setting;
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container without a limit on the number of processes:
    /// no `pids_limit` / `deploy.resources.limits.pids`, no `--pids-limit`, or
    /// `HostConfig.PidsLimit` 0 or negative (`-1` is unlimited). A limit that is an
    /// unresolved variable is not reported.
    ///
    /// ## Why is this bad?
    /// A fork bomb, or a leak of threads or child processes, in one container
    /// exhausts the host's process table: no process on the host can start any
    /// more, including the engine and `sshd`. The PIDs cgroup contains it.
    /// CIS Docker Benchmark 5.29.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1
    ///     pids_limit: -1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1
    ///     pids_limit: 200
    /// ```
    ///
    /// ## How to fix
    /// Set `pids_limit` (or `deploy.resources.limits.pids`) in compose,
    /// `--pids-limit 200` on `docker run`, to a value comfortably above the
    /// application's peak.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.29
    /// - [`docker run --pids-limit`](https://docs.docker.com/reference/cli/docker/container/run/)
    pub static UNLIMITED_PIDS = {
        code: "CT023",
        name: "unlimited-pids",
        severity: Low,
        default_enabled: true,
        cis: ["5.29"],
        summary: "the container has no PIDs limit",
        fixable: false,
    }
}

pub struct UnlimitedPids;

impl ContainerRule for UnlimitedPids {
    fn info(&self) -> &'static RuleInfo {
        &UNLIMITED_PIDS
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let (at, message) = match &spec.pids_limit {
            Setting::Unknown(_) => return,
            Setting::Set(p) if p.value > 0 => return,
            Setting::Set(p) => (
                &p.at,
                format!(
                    "{} sets an unlimited PIDs limit ({})",
                    subject(spec),
                    p.value
                ),
            ),
            Setting::Unset => (&spec.at, format!("{} has no PIDs limit", subject(spec))),
        };
        sink.report(&UNLIMITED_PIDS, at, "", message).set_help(help(
            spec,
            "set `pids_limit` (e.g. `pids_limit: 200`)",
            "add `--pids-limit` (e.g. `--pids-limit 200`)",
            "set `HostConfig.PidsLimit` to a positive number",
        ));
    }
}
