//! CT024: the OOM killer is disabled for the container.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::{RuleInfo, Severity};

declare_rule! {
    /// ## What it does
    /// Reports `oom_kill_disable: true` (`--oom-kill-disable`,
    /// `HostConfig.OomKillDisable`). Medium with a memory limit, high without one.
    ///
    /// ## Why is this bad?
    /// When a container with the OOM killer disabled reaches its memory limit, its
    /// processes hang instead of being killed; without a memory limit, the kernel
    /// cannot kill them to free memory for the host, and must kill other processes
    /// (other containers, the engine, system services) instead. Docker's own
    /// documentation says to use it only together with `-m`. (cgroup v2 does not
    /// support the option; the engine ignores it there with a warning.)
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: example/db:16
    ///     oom_kill_disable: true
    /// ```
    ///
    /// ## How to fix
    /// Remove `oom_kill_disable`; protect an important container with a memory
    /// limit and a lower `oom_score_adj` instead.
    ///
    /// ## References
    /// - [Resource constraints: memory](https://docs.docker.com/engine/containers/resource_constraints/#memory)
    pub static OOM_KILLER_DISABLED = {
        code: "CT024",
        name: "oom-killer-disabled",
        severity: Medium,
        default_enabled: true,
        cis: [],
        summary: "the OOM killer is disabled for the container",
        fixable: false,
    }
}

pub struct OomKillerDisabled;

impl ContainerRule for OomKillerDisabled {
    fn info(&self) -> &'static RuleInfo {
        &OOM_KILLER_DISABLED
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let Some(o) = spec.oom_kill_disable.known() else {
            return;
        };
        if !o.value {
            return;
        }
        let limited = spec.memory.is_unknown() || spec.memory.get().is_some_and(|m| *m > 0);
        let (severity, message) = if limited {
            (
                Severity::Medium,
                format!(
                    "{} disables the OOM killer: at its memory limit it hangs instead of restarting",
                    subject(spec)
                ),
            )
        } else {
            (
                Severity::High,
                format!(
                    "{} disables the OOM killer without a memory limit: it can exhaust the host's memory",
                    subject(spec)
                ),
            )
        };
        sink.report(&OOM_KILLER_DISABLED, &o.at, "", message)
            .set_severity(severity)
            .set_help(help(
                spec,
                "remove `oom_kill_disable`; set a memory limit and a lower `oom_score_adj` instead",
                "remove `--oom-kill-disable`; set `--memory` and a lower `--oom-score-adj` instead",
                "set `HostConfig.OomKillDisable` to false; set `Memory` and a lower `OomScoreAdj` instead",
            ));
    }
}
