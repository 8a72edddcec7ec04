//! CT034: the container's image is pinned by tag only, not by digest.

use super::util::{help, is_image_id, parse_image, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container whose image has a version tag but no digest
    /// (`image: redis:7.4.1`, not `redis:7.4.1@sha256:…`). Untagged and `latest`
    /// images are `unpinned-image`'s; images by ID and compose services with a
    /// `build:` section are not reported. Informational, and off by default: enable
    /// it where deployments must be reproducible to the byte.
    ///
    /// ## Why is this bad?
    /// A tag is mutable: the publisher (or anyone who takes over the repository)
    /// can push different content under `7.4.1`, and registries and mirrors can
    /// serve different images for it. Only a digest names exactly one image.
    /// CIS Docker Benchmark 5.28.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7.4.1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7.4.1@sha256:<digest>
    /// ```
    ///
    /// ## How to fix
    /// Add the digest of the image you tested (`docker buildx imagetools inspect
    /// redis:7.4.1`), and let an update tool maintain it.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.28
    /// - [Pull an image by digest](https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier)
    pub static IMAGE_WITHOUT_DIGEST = {
        code: "CT034",
        name: "image-without-digest",
        severity: Info,
        default_enabled: false,
        cis: ["5.28"],
        summary: "the container's image is pinned by tag, not by digest",
        fixable: false,
    }
}

pub struct ImageWithoutDigest;

impl ContainerRule for ImageWithoutDigest {
    fn info(&self) -> &'static RuleInfo {
        &IMAGE_WITHOUT_DIGEST
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        if spec.build.is_some() {
            return;
        }
        let Some(img) = spec.image.known() else {
            return;
        };
        let reference = img.value.trim();
        if reference.is_empty() || is_image_id(reference) {
            return;
        }
        let r = parse_image(reference);
        if r.digest.is_some() || matches!(r.tag, None | Some("latest")) {
            return;
        }
        sink.report(
            &IMAGE_WITHOUT_DIGEST,
            &img.at,
            r.repository,
            format!(
                "{} uses image `{reference}` without a digest",
                subject(spec)
            ),
        )
        .set_help(help(
            spec,
            "add the digest: `image: name:tag@sha256:…`",
            "add the digest: `name:tag@sha256:…`",
            "create the container from `name:tag@sha256:…`",
        ));
    }
}
