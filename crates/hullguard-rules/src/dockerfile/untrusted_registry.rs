//! DF005: a base image from a registry that is not in the trusted list.

use super::util::ImageRef;
use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;
use hullguard_dockerfile::{Args, Keyword};

declare_rule! {
    /// ## What it does
    /// When `hullguard.toml` lists `[dockerfile] trusted-registries`, checks that every
    /// base image (and `COPY --from` image) comes from one of them. An entry is a
    /// registry (`registry.example.com`) or a registry and path prefix
    /// (`docker.io/library`, `gcr.io/distroless`). Images without a registry are
    /// `docker.io/...`; official images are `docker.io/library/...`. Without the
    /// setting, the rule does nothing.
    ///
    /// ## Why is this bad?
    /// A base image is code you run as root at build time and ship to production.
    /// Restricting where it may come from keeps typosquatted and unvetted images out.
    ///
    /// ## Example
    /// ```toml
    /// [dockerfile]
    /// trusted-registries = ["docker.io/library", "registry.example.com"]
    /// ```
    /// ```dockerfile
    /// FROM someuser/python:3.12
    /// ```
    ///
    /// ## How to fix
    /// Use an image from a trusted registry, or add the registry to the list after
    /// review.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.2
    pub static UNTRUSTED_REGISTRY = {
        code: "DF005",
        name: "untrusted-registry",
        severity: Medium,
        default_enabled: true,
        cis: ["4.2"],
        summary: "a base image from a registry not in the trusted list",
        fixable: false,
    }
}

pub struct UntrustedRegistry;

/// Whether `image` comes from one of `allowed`: a registry host (no `/`), or a
/// `registry/path` prefix matched at a path boundary.
pub(crate) fn trusted(image: &str, allowed: &[String]) -> bool {
    let r = ImageRef::parse(image);
    let full = r.full_name();
    allowed.iter().any(|a| {
        let a = a.trim().trim_end_matches('/').to_ascii_lowercase();
        if a.contains('/') {
            full == a || full.starts_with(&format!("{a}/"))
        } else {
            r.registry == a
        }
    })
}

impl DockerfileRule for UntrustedRegistry {
    fn info(&self) -> &'static RuleInfo {
        &UNTRUSTED_REGISTRY
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        if cx.opts.trusted_registries.is_empty() || cx.onbuild {
            return;
        }
        let allowed = &cx.opts.trusted_registries;
        if cx.inst.keyword == Keyword::From {
            let (Some(stage), Args::From { image, .. }) = (cx.stage, &cx.inst.args) else {
                return;
            };
            if stage.parent.is_some() || stage.scratch {
                return;
            }
            if let Some(v) = stage.base.resolved() {
                if !trusted(v, allowed) {
                    sink.report(
                        &UNTRUSTED_REGISTRY,
                        image.span,
                        format!("base image `{v}` is not from a trusted registry"),
                    )
                    .set_help(format!("trusted: {}", allowed.join(", ")));
                }
            }
        }
        if matches!(cx.inst.keyword, Keyword::Copy | Keyword::Add) {
            if let (Some(flag), Some(stage)) = (cx.inst.flag("from"), cx.stage) {
                let Some(v) = flag.value.as_deref() else {
                    return;
                };
                let v = cx.scope.expand(v);
                let Some(v) = v.resolved() else { return };
                if cx.model.stage_ref(v, stage.index).is_some() || !v.contains([':', '/', '.', '@'])
                {
                    return;
                }
                if !trusted(v, allowed) {
                    sink.report(
                        &UNTRUSTED_REGISTRY,
                        flag.span,
                        format!("`COPY --from` image `{v}` is not from a trusted registry"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::trusted;

    #[test]
    fn matching() {
        let allowed = vec![
            "docker.io/library".to_string(),
            "gcr.io/distroless".to_string(),
            "registry.example.com".to_string(),
        ];
        assert!(trusted("nginx:1.27", &allowed));
        assert!(trusted("docker.io/library/nginx", &allowed));
        assert!(!trusted("someuser/nginx", &allowed));
        assert!(trusted("gcr.io/distroless/static:nonroot", &allowed));
        assert!(!trusted("gcr.io/distroless-evil/x", &allowed));
        assert!(trusted("registry.example.com/team/app:1", &allowed));
        assert!(!trusted("registry.example.com.evil.io/x", &allowed));
    }
}
