//! CT022: no CPU limit or priority on the container.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_container::Setting;
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container that sets none of the CPU controls: a CPU limit
    /// (`cpus`, `deploy.resources.limits.cpus`, `--cpus`, `HostConfig.NanoCpus`; or
    /// `cpu_quota`/`--cpu-quota`), a CPU set (`cpuset`, `--cpuset-cpus`), or a
    /// relative CPU weight (`cpu_shares`, `--cpu-shares`, `HostConfig.CpuShares`).
    ///
    /// CIS 5.12 asks that "CPU priority is set appropriately", and its audit reads
    /// `CpuShares`: so a CPU weight other than the default (0 or 1024) satisfies
    /// this rule, as does any hard limit. A value that is an unresolved variable
    /// counts as set.
    ///
    /// ## Why is this bad?
    /// Without any control all containers compete equally for the CPU, and one busy
    /// or compromised container (a crypto miner is the classic case) slows
    /// everything else on the host. CIS Docker Benchmark 5.12.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: example/worker:5
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: example/worker:5
    ///     deploy:
    ///       resources:
    ///         limits:
    ///           cpus: "1.5"
    /// ```
    ///
    /// ## How to fix
    /// Set `deploy.resources.limits.cpus` (or `cpus`) in compose, `--cpus 1.5` on
    /// `docker run`; or at least a CPU weight (`cpu_shares: 512`).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.12
    /// - [Resource constraints: CPU](https://docs.docker.com/engine/containers/resource_constraints/#cpu)
    pub static UNLIMITED_CPU = {
        code: "CT022",
        name: "unlimited-cpu",
        severity: Low,
        default_enabled: true,
        cis: ["5.12"],
        summary: "the container has no CPU limit or priority",
        fixable: false,
    }
}

pub struct UnlimitedCpu;

/// Whether an integer CPU control is set to something that constrains: unknown
/// values count as set (never fire on them).
fn constrains(s: &Setting<i64>, unset_values: &[i64]) -> bool {
    match s {
        Setting::Unset => false,
        Setting::Unknown(_) => true,
        Setting::Set(v) => v.value > 0 && !unset_values.contains(&v.value),
    }
}

impl ContainerRule for UnlimitedCpu {
    fn info(&self) -> &'static RuleInfo {
        &UNLIMITED_CPU
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let cpuset = match &spec.cpuset_cpus {
            Setting::Unset => false,
            Setting::Unknown(_) => true,
            Setting::Set(s) => !s.value.trim().is_empty(),
        };
        if cpuset
            || constrains(&spec.nano_cpus, &[])
            || constrains(&spec.cpu_quota, &[])
            // 1024 is the default weight; 0 means "the default".
            || constrains(&spec.cpu_shares, &[1024])
        {
            return;
        }
        // Point at a control that is written but does not constrain
        // (`cpu_shares: 1024`, `cpus: 0`), else at the object.
        let at = [&spec.nano_cpus, &spec.cpu_quota, &spec.cpu_shares]
            .into_iter()
            .find_map(|s| s.at())
            .unwrap_or(&spec.at);
        sink.report(
            &UNLIMITED_CPU,
            at,
            "",
            format!("{} has no CPU limit or priority", subject(spec)),
        )
        .set_help(help(
            spec,
            "set `deploy.resources.limits.cpus` (or `cpus`), or a `cpu_shares` weight",
            "add `--cpus` (e.g. `--cpus 1.5`) or a `--cpu-shares` weight",
            "set `HostConfig.NanoCpus` (or `CpuQuota`), or a `CpuShares` weight",
        ));
    }
}
