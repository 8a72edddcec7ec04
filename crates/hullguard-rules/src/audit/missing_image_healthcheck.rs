//! IM002: an image has no healthcheck.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_container::Setting;
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports an image of the engine without a healthcheck (`Config.Healthcheck`
    /// absent), or whose healthcheck is disabled (`HEALTHCHECK NONE`). Every
    /// tagged image is checked, and every image a container runs. Containers
    /// are checked by `missing-container-healthcheck` (CT031), which knows
    /// whether they set their own.
    ///
    /// ## Why is this bad?
    /// Without a healthcheck the engine (and swarm, and monitoring) only knows
    /// whether the main process exists, not whether it serves: a hung or
    /// hijacked service keeps running and receiving traffic. CIS 4.6.
    ///
    /// ## Example
    /// `docker image inspect -f '{{.Config.Healthcheck}}' example/api:2.3`
    /// prints `<nil>`.
    ///
    /// ## How to fix
    /// Add a `HEALTHCHECK` to the image's Dockerfile (`HEALTHCHECK CMD
    /// ["/app", "healthcheck"]`) and rebuild.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.6
    /// - [Dockerfile `HEALTHCHECK`](https://docs.docker.com/reference/dockerfile/#healthcheck)
    pub static MISSING_IMAGE_HEALTHCHECK = {
        code: "IM002",
        name: "missing-image-healthcheck",
        severity: Low,
        default_enabled: true,
        cis: ["4.6"],
        summary: "the image has no healthcheck",
        fixable: false,
    }
}

pub struct MissingImageHealthcheck;

const HELP: &str = "add a `HEALTHCHECK` to the image's Dockerfile and rebuild";

impl AuditRule for MissingImageHealthcheck {
    fn info(&self) -> &'static RuleInfo {
        &MISSING_IMAGE_HEALTHCHECK
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        for img in cx.checked_images() {
            let Some(d) = &img.defaults else {
                continue;
            };
            match &d.healthcheck {
                Setting::Unknown(_) => {}
                Setting::Set(h) if h.value.disabled => {
                    sink.report(
                        &MISSING_IMAGE_HEALTHCHECK,
                        cx.image_at(img, "/Config/Healthcheck/Test"),
                        "healthcheck",
                        format!("image `{}` disables its healthcheck", img.name),
                    )
                    .set_help(HELP);
                }
                Setting::Set(_) => {}
                Setting::Unset => {
                    sink.report(
                        &MISSING_IMAGE_HEALTHCHECK,
                        cx.image_at(img, "/Config"),
                        "healthcheck",
                        format!("image `{}` has no healthcheck", img.name),
                    )
                    .set_help(HELP);
                }
            }
        }
    }
}
