//! CT008: the container shares the host's UTS namespace.

use super::util::{report_host_namespace, Namespace};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container in the host's UTS namespace: `uts: host`, `--uts host`,
    /// `HostConfig.UTSMode: "host"`.
    ///
    /// ## Why is this bad?
    /// The UTS namespace holds the hostname and NIS domain name. Sharing the host's
    /// lets the container learn the host's name and, with `SYS_ADMIN`, change it for
    /// the whole host, confusing logging, monitoring and anything that trusts the
    /// hostname. Less direct than the other namespaces, hence medium.
    /// CIS Docker Benchmark 5.21.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1
    ///     uts: host
    /// ```
    ///
    /// ## How to fix
    /// Remove `uts: host` (`--uts host`); set `hostname:` if the application needs a
    /// particular name.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.21
    /// - [UTS settings](https://docs.docker.com/engine/containers/run/#uts-settings---uts)
    pub static HOST_UTS = {
        code: "CT008",
        name: "host-uts",
        severity: Medium,
        default_enabled: true,
        cis: ["5.21"],
        summary: "the container shares the host's UTS namespace",
        fixable: false,
    }
}

pub struct HostUts;

impl ContainerRule for HostUts {
    fn info(&self) -> &'static RuleInfo {
        &HOST_UTS
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        report_host_namespace(
            &HOST_UTS,
            cx.spec,
            &cx.spec.uts,
            &Namespace {
                label: "UTS",
                compose_key: "uts",
                run_flag: "--uts",
                api_field: "UTSMode",
            },
            "it sees and can change the host's hostname",
            sink,
        );
    }
}
