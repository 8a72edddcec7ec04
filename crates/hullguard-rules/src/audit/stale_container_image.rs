//! LV005: a container runs an image its tag no longer names.

use super::context::{short_id, str_at};
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container created from a tag (`nginx:1.27`, `example/api`)
    /// whose tag now names a different image on the engine (a newer pull or
    /// build), or no longer names the container's image at all (it was moved
    /// to an image since removed, or untagged). Only the engine knows this:
    /// the container keeps running the image it was created from. Containers
    /// created from a digest or an image ID are not reported; whether the
    /// reference is pinned at all is `unpinned-image` (CT033) and
    /// `image-without-digest` (CT034).
    ///
    /// ## Why is this bad?
    /// The tag was updated, usually for fixes, and this container did not
    /// follow: it runs the old, possibly vulnerable software while inventories
    /// that list tags say it runs the new one. CIS 4.4 asks that images are
    /// rebuilt and containers restarted with the patched images.
    ///
    /// ## Example
    /// `docker inspect -f '{{.Config.Image}} {{.Image}}' web` shows
    /// `nginx:1.27 sha256:aaa…`, while `docker image inspect -f '{{.Id}}'
    /// nginx:1.27` shows `sha256:bbb…`.
    ///
    /// ## How to fix
    /// Recreate the container from the current image (`docker compose up -d`,
    /// or `docker rm -f` and `docker run` again), then remove the old image.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.4
    /// - [Image tags and digests](https://docs.docker.com/reference/cli/docker/image/tag/)
    pub static STALE_CONTAINER_IMAGE = {
        code: "LV005",
        name: "stale-container-image",
        severity: Low,
        default_enabled: true,
        cis: ["4.4"],
        summary: "the container runs an older image than its tag now names",
        fixable: false,
    }
}

pub struct StaleContainerImage;

/// A reference in the short form the engine lists tags in: no `docker.io/`,
/// no `library/`, `:latest` when untagged. `None` for digests and image ids.
fn familiar(reference: &str) -> Option<String> {
    let r = reference.trim();
    if r.is_empty() || r.contains('@') || r.starts_with("sha256:") {
        return None;
    }
    if r.len() == 64 && r.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let r = r
        .strip_prefix("docker.io/")
        .or_else(|| r.strip_prefix("index.docker.io/"))
        .map(|rest| rest.strip_prefix("library/").unwrap_or(rest))
        .unwrap_or(r);
    let last = r.rsplit('/').next().unwrap_or(r);
    Some(if last.contains(':') {
        r.to_string()
    } else {
        format!("{r}:latest")
    })
}

impl AuditRule for StaleContainerImage {
    fn info(&self) -> &'static RuleInfo {
        &STALE_CONTAINER_IMAGE
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        for c in &cx.containers {
            let Some(reference) = str_at(c.inspect(), "/Config/Image") else {
                continue;
            };
            let Some(tag) = familiar(reference) else {
                continue;
            };
            let Some(running) = c.image.and_then(|i| cx.images.get(i)) else {
                continue;
            };
            let running_id = str_at(running.inspect(), "/Id").unwrap_or(&running.snap.id);
            if running
                .tags()
                .iter()
                .any(|t| familiar(t).as_deref() == Some(tag.as_str()))
            {
                continue;
            }
            let current = cx.images.iter().find(|img| {
                img.tags()
                    .iter()
                    .any(|t| familiar(t).as_deref() == Some(tag.as_str()))
            });
            let message = match current {
                Some(img) => {
                    let id = str_at(img.inspect(), "/Id").unwrap_or(&img.snap.id);
                    format!(
                        "container `{}` runs image {} but `{reference}` now names {}: recreate it",
                        c.name(),
                        short_id(running_id),
                        short_id(id)
                    )
                }
                None => format!(
                    "container `{}` runs image {}, which `{reference}` no longer names",
                    c.name(),
                    short_id(running_id)
                ),
            };
            sink.report(
                &STALE_CONTAINER_IMAGE,
                cx.container_at(c, "/Config/Image"),
                &tag,
                message,
            )
            .set_help("recreate the container from the current image, then remove the old one");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(familiar("nginx").as_deref(), Some("nginx:latest"));
        assert_eq!(
            familiar("docker.io/library/nginx:1.27").as_deref(),
            Some("nginx:1.27")
        );
        assert_eq!(
            familiar("registry:5000/app").as_deref(),
            Some("registry:5000/app:latest")
        );
        assert_eq!(familiar("nginx@sha256:abc"), None);
        assert_eq!(familiar("sha256:abc"), None);
    }
}
