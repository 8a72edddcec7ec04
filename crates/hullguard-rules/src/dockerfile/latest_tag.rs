//! DF003: a base image without a tag, or tagged `latest`.

use super::util::{external_base, ImageRef};
use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Checks every `FROM` that names an image (not an earlier stage, not `scratch`)
    /// for a missing tag or the `latest` tag, after resolving `ARG` values.
    ///
    /// ## Why is this bad?
    /// `latest` (which is what no tag means) moves: the same Dockerfile builds a
    /// different image tomorrow, with different packages and possibly a different
    /// default user. Builds are not reproducible, and a compromised or broken
    /// upstream release flows straight into your image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.28 (images pinned)
    /// - [Image tags](https://docs.docker.com/reference/cli/docker/image/tag/)
    pub static LATEST_TAG = {
        code: "DF003",
        name: "latest-tag",
        severity: Medium,
        default_enabled: true,
        cis: [],
        summary: "a base image without a tag or tagged `latest`",
        fixable: false,
    }
}

pub struct LatestTag;

impl DockerfileRule for LatestTag {
    fn info(&self) -> &'static RuleInfo {
        &LATEST_TAG
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        let Some((stage, image)) = external_base(cx) else {
            return;
        };
        let Some(value) = stage.base.resolved() else {
            // The tag comes from a build argument without a value here: say so
            // (informational), since an unset argument means no tag.
            let r = ImageRef::parse(&stage.base.value);
            let tag_unknown =
                r.digest.is_none() && r.tag.as_deref().is_none_or(|t| t.contains('$'));
            if tag_unknown && !stage.base.truncated {
                sink.report(
                    &LATEST_TAG,
                    image.span,
                    format!(
                        "the tag of base image `{}` cannot be resolved (`{}` has no value here); without it the image is `latest`",
                        image.text,
                        stage.base.unresolved.join("`, `")
                    ),
                )
                .set_severity(hullguard_diagnostics::Severity::Info)
                .set_help("give the build argument a pinned default, or pass `--build-arg` to hullguard");
            }
            return;
        };
        let r = ImageRef::parse(value);
        if r.digest.is_some() {
            return;
        }
        match r.tag.as_deref() {
            None => {
                sink.report(
                    &LATEST_TAG,
                    image.span,
                    format!("base image `{value}` has no tag, so it is `latest`"),
                )
                .set_help("pin a specific version tag, e.g. `debian:12.8-slim`");
            }
            Some("latest") => {
                sink.report(
                    &LATEST_TAG,
                    image.span,
                    format!("base image `{value}` uses the moving `latest` tag"),
                )
                .set_help("pin a specific version tag");
            }
            _ => {}
        }
    }
}
