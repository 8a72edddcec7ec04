//! CT037: a container runtime that weakens isolation, or one hullguard does not
//! know.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::{RuleInfo, Severity};

declare_rule! {
    /// ## What it does
    /// Checks the OCI runtime a container asks for (`runtime:`, `--runtime`,
    /// `HostConfig.Runtime`):
    /// - runtimes equivalent to the default (`runc`, `io.containerd.runc.v2`,
    ///   `crun`, `youki`) and runtimes that *strengthen* isolation (gVisor `runsc`,
    ///   Kata Containers `kata*`/`io.containerd.kata.v2`, `sysbox-runc`) are never
    ///   reported;
    /// - the NVIDIA runtime (`nvidia`) is reported (low): its prestart hook mounts
    ///   the host's GPU devices and driver libraries into the container;
    /// - any other runtime is reported as informational: hullguard cannot tell how
    ///   it isolates the container (it may be a runtime without namespaces).
    ///
    /// ## Why is this bad?
    /// Every other protection (namespaces, capabilities, seccomp, LSM) is applied
    /// by the runtime. A runtime that adds host devices and libraries, or that
    /// implements isolation differently, changes what the rest of the configuration
    /// means; it deserves a deliberate review.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   trainer:
    ///     image: example/trainer:1
    ///     runtime: nvidia
    /// ```
    ///
    /// Use instead (compose): request GPUs as devices, which keeps the default
    /// runtime and grants only the GPUs listed.
    /// ```yaml
    /// services:
    ///   trainer:
    ///     image: example/trainer:1
    ///     deploy:
    ///       resources:
    ///         reservations:
    ///           devices: [{driver: nvidia, count: 1, capabilities: [gpu]}]
    /// ```
    ///
    /// ## How to fix
    /// Remove `runtime:` (`--runtime`) to use the default, or a sandboxing runtime
    /// (`runsc`, `kata`) for untrusted workloads; accept the finding for a runtime
    /// you have reviewed.
    ///
    /// ## References
    /// - [Alternative container runtimes](https://docs.docker.com/engine/daemon/alternative-runtimes/)
    /// - [GPU access in Compose](https://docs.docker.com/compose/how-tos/gpu-support/)
    pub static WEAK_RUNTIME = {
        code: "CT037",
        name: "weak-runtime",
        severity: Low,
        default_enabled: true,
        cis: [],
        summary: "the container uses a runtime that weakens isolation, or an unknown one",
        fixable: false,
    }
}

pub struct WeakRuntime;

/// What hullguard knows about a runtime name.
enum Kind {
    /// The default, or equivalent to it.
    Default,
    /// Stronger isolation than the default.
    Sandbox,
    /// Known to weaken isolation, and how.
    Weakens(&'static str),
    Unknown,
}

fn kind(runtime: &str) -> Kind {
    let r = runtime.trim().to_ascii_lowercase();
    let base = r.rsplit('/').next().unwrap_or(&r);
    match base {
        "" | "runc" | "io.containerd.runc.v1" | "io.containerd.runc.v2" | "crun" | "youki" => {
            Kind::Default
        }
        "nvidia" | "nvidia-container-runtime" => {
            Kind::Weakens("it mounts host GPU devices and driver libraries into the container")
        }
        b if b.starts_with("runsc")
            || b.starts_with("gvisor")
            || b.starts_with("kata")
            || b.starts_with("sysbox")
            || b.starts_with("io.containerd.runsc.")
            || b.starts_with("io.containerd.kata")
            || b.starts_with("io.containerd.kata-") =>
        {
            Kind::Sandbox
        }
        _ => Kind::Unknown,
    }
}

impl ContainerRule for WeakRuntime {
    fn info(&self) -> &'static RuleInfo {
        &WEAK_RUNTIME
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let Some(rt) = spec.runtime.known() else {
            return;
        };
        let name = rt.value.trim();
        let (severity, message) = match kind(name) {
            Kind::Default | Kind::Sandbox => return,
            Kind::Weakens(why) => (
                Severity::Low,
                format!("{} uses runtime `{name}`: {why}", subject(spec)),
            ),
            Kind::Unknown => (
                Severity::Info,
                format!(
                    "{} uses runtime `{name}`, whose isolation hullguard does not know",
                    subject(spec)
                ),
            ),
        };
        sink.report(&WEAK_RUNTIME, &rt.at, name, message)
            .set_severity(severity)
            .set_help(help(
                spec,
                "remove `runtime:` to use the default, or use a sandboxing runtime (`runsc`, `kata`)",
                "remove `--runtime` to use the default, or use a sandboxing runtime (`runsc`, `kata`)",
                "leave `HostConfig.Runtime` empty, or use a sandboxing runtime (`runsc`, `kata`)",
            ));
    }
}
