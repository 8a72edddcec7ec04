//! IM001: an image runs as root by default.

use super::context::names_root;
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_container::Setting;
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports an image of the engine whose default user (`Config.User`, the
    /// last `USER` of its Dockerfile) is empty or root (`root`, `0`, `0:0`).
    /// Every tagged image is checked, and every image a container runs;
    /// dangling images nothing runs are only counted by `image-sprawl`.
    /// Containers that run as root are `container-root-user` (CT002), whatever
    /// the image says; this rule reports the image, so that images nobody runs
    /// yet are fixed before they are.
    ///
    /// ## Why is this bad?
    /// A container of the image runs as root unless whoever starts it remembers
    /// `--user`: root in a container is root on the host's kernel, and every
    /// escape becomes a root compromise. CIS 4.1.
    ///
    /// ## Example
    /// `docker image inspect -f '{{.Config.User}}' example/api:2.3` prints an
    /// empty line.
    ///
    /// ## How to fix
    /// Add a non-root `USER` (numeric, e.g. `USER 10001:10001`) to the image's
    /// Dockerfile and rebuild; base images that must stay root (build tools)
    /// can accept the finding.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.1
    /// - [Dockerfile `USER`](https://docs.docker.com/reference/dockerfile/#user)
    pub static IMAGE_ROOT_USER = {
        code: "IM001",
        name: "image-root-user",
        severity: Low,
        default_enabled: true,
        cis: ["4.1"],
        summary: "the image runs as root unless its containers set a user",
        fixable: false,
    }
}

pub struct ImageRootUser;

const HELP: &str =
    "add a non-root `USER` (e.g. `USER 10001:10001`) to the image's Dockerfile and rebuild";

impl AuditRule for ImageRootUser {
    fn info(&self) -> &'static RuleInfo {
        &IMAGE_ROOT_USER
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        for img in cx.checked_images() {
            let Some(d) = &img.defaults else {
                continue;
            };
            match &d.user {
                Setting::Unknown(_) => {}
                Setting::Set(u) if !u.value.trim().is_empty() => {
                    if names_root(&u.value) {
                        sink.report(
                            &IMAGE_ROOT_USER,
                            cx.image_at(img, "/Config/User"),
                            "user",
                            format!(
                                "image `{}` runs as `{}` by default",
                                img.name,
                                u.value.trim()
                            ),
                        )
                        .set_help(HELP);
                    }
                }
                _ => {
                    sink.report(
                        &IMAGE_ROOT_USER,
                        cx.image_at(img, "/Config/User"),
                        "user",
                        format!("image `{}` sets no user: its containers run as root unless they set one", img.name),
                    )
                    .set_help(HELP);
                }
            }
        }
    }
}
