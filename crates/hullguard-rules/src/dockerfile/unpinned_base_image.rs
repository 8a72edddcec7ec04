//! DF004: a base image not pinned by digest.

use super::util::{external_base, ImageRef};
use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Notes a `FROM` image that has a tag but no `@sha256:` digest.
    ///
    /// ## Why is this bad?
    /// Tags are mutable: the registry (or whoever controls the repository) can point
    /// `python:3.12` at new content at any time. Only a digest identifies exactly the
    /// bytes you reviewed. Pinning by digest (and updating it with a bot such as
    /// Renovate or Dependabot) makes builds reproducible and tamper-evident. This is
    /// informational: many teams accept tag pinning.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim@sha256:<digest>
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.28
    /// - [Pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
    pub static UNPINNED_BASE_IMAGE = {
        code: "DF004",
        name: "unpinned-base-image",
        severity: Info,
        default_enabled: true,
        cis: [],
        summary: "a base image not pinned by digest",
        fixable: false,
    }
}

pub struct UnpinnedBaseImage;

impl DockerfileRule for UnpinnedBaseImage {
    fn info(&self) -> &'static RuleInfo {
        &UNPINNED_BASE_IMAGE
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        let Some((stage, image)) = external_base(cx) else {
            return;
        };
        let Some(value) = stage.base.resolved() else {
            return;
        };
        let r = ImageRef::parse(value);
        if r.digest.is_none() && r.tag.as_deref().is_some_and(|t| t != "latest") {
            sink.report(
                &UNPINNED_BASE_IMAGE,
                image.span,
                format!("base image `{value}` is not pinned by digest"),
            )
            .set_help("append `@sha256:<digest>` and let a bot keep it current");
        }
    }
}
