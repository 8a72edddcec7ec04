//! DF040: the deprecated MAINTAINER instruction.

use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::{Edit, Fix, RuleInfo};
use hullguard_dockerfile::{Args, Keyword};

declare_rule! {
    /// ## What it does
    /// Finds `MAINTAINER`, deprecated since Docker 1.13.
    ///
    /// ## Why is this bad?
    /// It is ignored by tooling that reads the standard OCI annotations; the
    /// maintainer should be an `org.opencontainers.image.authors` label.
    /// Informational.
    ///
    /// ## Example
    /// ```dockerfile
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the value is kept as the label's value.
    ///
    /// ## References
    /// - [MAINTAINER (deprecated)](https://docs.docker.com/reference/dockerfile/#maintainer-deprecated)
    pub static DEPRECATED_MAINTAINER = {
        code: "DF040",
        name: "deprecated-maintainer",
        severity: Info,
        default_enabled: true,
        cis: [],
        summary: "the deprecated MAINTAINER instruction",
        fixable: true,
    }
}

pub struct DeprecatedMaintainer;

impl DockerfileRule for DeprecatedMaintainer {
    fn info(&self) -> &'static RuleInfo {
        &DEPRECATED_MAINTAINER
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        let (Keyword::Maintainer, Args::Single(w)) = (cx.inst.keyword, &cx.inst.args) else {
            return;
        };
        let f = sink.report(
            &DEPRECATED_MAINTAINER,
            cx.inst.keyword_span,
            "MAINTAINER is deprecated",
        );
        let value = w.text.trim();
        // `MAINTAINER "a b"` keeps only what is inside a pair of enclosing quotes.
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        if !value.is_empty() && cx.inst.line.is_contiguous() && !cx.onbuild {
            let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
            f.set_fix(Fix::safe(
                "Replace with `LABEL org.opencontainers.image.authors`",
                vec![Edit {
                    span: cx.inst.span,
                    replacement: format!("LABEL org.opencontainers.image.authors=\"{escaped}\""),
                }],
            ));
        }
    }
}
