//! DF017: RUN with `--security=insecure` or `--network=host`.

use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::{RuleInfo, Severity};
use hullguard_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Finds `RUN --security=insecure` (the step runs without the container sandbox,
    /// like `docker run --privileged`) and `RUN --network=host` (the step shares the
    /// build host's network stack).
    ///
    /// ## Why is this bad?
    /// These BuildKit entitlements break the isolation between the build and the
    /// machine that runs it: an insecure step can load kernel modules, mount host
    /// devices and escape to the builder host; a host-network step can reach services
    /// bound to the builder's loopback (cloud metadata endpoints, local daemons). They
    /// also require the builder to be started with `--allow-insecure-entitlement`,
    /// weakening it for every build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN --security=insecure mount -t tmpfs none /mnt
    /// ```
    ///
    /// ## How to fix
    /// Do the work without the entitlement (most builds need neither), or move it out
    /// of the image build.
    ///
    /// ## References
    /// - [RUN --security](https://docs.docker.com/reference/dockerfile/#run---security)
    /// - [RUN --network](https://docs.docker.com/reference/dockerfile/#run---network)
    pub static INSECURE_BUILD_ENTITLEMENT = {
        code: "DF017",
        name: "insecure-build-entitlement",
        severity: High,
        default_enabled: true,
        cis: [],
        summary: "a RUN step without build sandboxing",
        fixable: false,
    }
}

pub struct InsecureBuildEntitlement;

impl DockerfileRule for InsecureBuildEntitlement {
    fn info(&self) -> &'static RuleInfo {
        &INSECURE_BUILD_ENTITLEMENT
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        if cx.inst.keyword != Keyword::Run {
            return;
        }
        for f in &cx.inst.flags {
            let v = f.value.as_deref().map(|v| cx.scope.expand(v).value);
            match (f.name.as_str(), v.as_deref()) {
                ("security", Some("insecure")) => {
                    sink.report(
                        &INSECURE_BUILD_ENTITLEMENT,
                        f.span,
                        "`RUN --security=insecure` runs the step without the container sandbox",
                    );
                }
                ("network", Some("host")) => {
                    sink.report(
                        &INSECURE_BUILD_ENTITLEMENT,
                        f.span,
                        "`RUN --network=host` shares the build host's network",
                    )
                    .set_severity(Severity::Medium);
                }
                _ => {}
            }
        }
    }
}
