//! CT033: the container's image is `latest`, untagged, or a floating tag.

use super::util::{help, is_image_id, parse_image, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container whose image has no tag (`image: nginx`, `docker run
    /// redis`), which means `latest`, or the tag `latest` or another tag that by
    /// convention follows a channel or branch (`stable`, `edge`, `nightly`,
    /// `main`, `lts` ...), and no digest. Not
    /// reported for images referenced by digest (`@sha256:…`) or by image ID, nor
    /// for compose services with a `build:` section (their `image:` names what is
    /// built).
    ///
    /// ## Why is this bad?
    /// `latest` is whatever was pushed last: the container that runs tomorrow is not
    /// the one that was reviewed and tested today, two hosts can run different
    /// code under one name, and a compromised or broken push is picked up
    /// silently. Rolling back is impossible without knowing what ran. CIS Docker
    /// Benchmark 5.28 asks that images are pinned and that `latest` is used only
    /// deliberately.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7.4.1
    /// ```
    ///
    /// ## How to fix
    /// Use a specific version tag (`redis:7.4.1`), or better a digest
    /// (`redis:7.4.1@sha256:…`), and update it deliberately (e.g. with Renovate or
    /// Dependabot).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.28
    /// - [Image tags and digests](https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier)
    pub static UNPINNED_IMAGE = {
        code: "CT033",
        name: "unpinned-image",
        severity: Low,
        default_enabled: true,
        cis: ["5.28"],
        summary: "the container's image is `latest`, untagged, or a floating tag such as `stable`",
        fixable: false,
    }
}

/// Tags that, like `latest`, name a moving target by convention: a release
/// channel or a branch, never one build.
const FLOATING_TAGS: &[&str] = &[
    "stable",
    "edge",
    "nightly",
    "dev",
    "develop",
    "development",
    "main",
    "master",
    "mainline",
    "lts",
    "current",
    "rolling",
    "beta",
    "alpha",
    "canary",
    "unstable",
    "next",
    "release",
    "snapshot",
];

pub struct UnpinnedImage;

impl ContainerRule for UnpinnedImage {
    fn info(&self) -> &'static RuleInfo {
        &UNPINNED_IMAGE
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
        if r.digest.is_some() {
            return;
        }
        let floating;
        let what = match r.tag {
            None => "no tag (`latest`)",
            Some("latest") => "the tag `latest`",
            Some(t) if FLOATING_TAGS.contains(&t.to_ascii_lowercase().as_str()) => {
                floating = format!("the floating tag `{t}`");
                &floating
            }
            Some(_) => return,
        };
        sink.report(
            &UNPINNED_IMAGE,
            &img.at,
            r.repository,
            format!("{} uses image `{reference}` with {what}", subject(spec)),
        )
        .set_help(help(
            spec,
            "pin the image to a version tag or a digest (`image: name:1.2.3@sha256:…`)",
            "pin the image to a version tag or a digest (`name:1.2.3@sha256:…`)",
            "create the container from a version tag or a digest (`name:1.2.3@sha256:…`)",
        ));
    }
}
