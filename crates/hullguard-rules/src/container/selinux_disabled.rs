//! CT019: SELinux separation disabled for the container.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container whose SELinux labelling is turned off:
    /// `label=disable` / `label:disable` in `security_opt`, `--security-opt`,
    /// `HostConfig.SecurityOpt`, and labels that select an unconfined domain
    /// (`label=type:spc_t`, the "super privileged container" type, and
    /// `label=type:unconfined_t`).
    ///
    /// ## Why is this bad?
    /// On SELinux hosts (Fedora, RHEL, CentOS) each container runs in `container_t`
    /// with its own MCS category: even root in it cannot read the host's files or
    /// other containers' data, whatever the mounts say. Disabling the label removes
    /// that last line of defence. CIS Docker Benchmark 5.3.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1
    ///     security_opt: ["label:disable"]
    /// ```
    ///
    /// ## How to fix
    /// Remove `label=disable`; relabel bind mounts the container must use with `:z`
    /// (shared) or `:Z` (private) instead.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.3
    /// - [`--security-opt`](https://docs.docker.com/reference/cli/docker/container/run/#security-opt)
    /// - [Configure the SELinux label](https://docs.docker.com/engine/storage/bind-mounts/#configure-the-selinux-label)
    pub static SELINUX_DISABLED = {
        code: "CT019",
        name: "selinux-disabled",
        severity: High,
        default_enabled: true,
        cis: ["5.3"],
        summary: "SELinux separation is disabled for the container",
        fixable: false,
    }
}

pub struct SelinuxDisabled;

impl ContainerRule for SelinuxDisabled {
    fn info(&self) -> &'static RuleInfo {
        &SELINUX_DISABLED
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        for l in &spec.selinux {
            let v = l.value.trim();
            let what = match v {
                "disable" => "SELinux labelling is disabled".to_string(),
                "type:spc_t" | "type:unconfined_t" => {
                    format!("SELinux type `{}` is unconfined", &v["type:".len()..])
                }
                _ => continue,
            };
            sink.report(
                &SELINUX_DISABLED,
                &l.at,
                v,
                format!("{what} for {}", subject(spec)),
            )
            .set_help(help(
                spec,
                "remove the `label` option from `security_opt`; relabel bind mounts with `:z` or `:Z`",
                "remove `--security-opt label=...`; relabel bind mounts with `:z` or `:Z`",
                "remove the `label=` option from `HostConfig.SecurityOpt`; relabel bind mounts with `:z` or `:Z`",
            ));
        }
    }
}
