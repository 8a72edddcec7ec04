//! DF025: `apt-get install` without `--no-install-recommends`.

use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::{Edit, Fix, RuleInfo, Span};

declare_rule! {
    /// ## What it does
    /// Finds `apt-get install` (and `apt install`) without `--no-install-recommends`
    /// (or `-o APT::Install-Recommends=false`).
    ///
    /// ## Why is this bad?
    /// apt installs "recommended" packages by default: often dozens of packages the
    /// application never uses, each one more piece of software with vulnerabilities to
    /// patch and tools an attacker can use. CIS Docker Benchmark 4.3 asks for images
    /// without unnecessary packages.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix safety
    /// Safe for the image's security; if the application relied on a recommended
    /// package, the build or tests will show it and it should be listed explicitly.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.3
    pub static MISSING_NO_INSTALL_RECOMMENDS = {
        code: "DF025",
        name: "missing-no-install-recommends",
        severity: Low,
        default_enabled: true,
        cis: ["4.3"],
        summary: "`apt-get install` without `--no-install-recommends`",
        fixable: true,
    }
}

pub struct MissingNoInstallRecommends;

impl DockerfileRule for MissingNoInstallRecommends {
    fn info(&self) -> &'static RuleInfo {
        &MISSING_NO_INSTALL_RECOMMENDS
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        for c in cx.cmds {
            if !matches!(c.name.as_str(), "apt-get" | "apt") || c.subcommand() != Some("install") {
                continue;
            }
            let off = c.args.iter().any(|a| {
                let l = a.value.to_ascii_lowercase();
                l == "--no-install-recommends"
                    || l.contains("install-recommends=false")
                    || l.contains("install-recommends=0")
                    || l.contains("install-recommends=no")
            });
            if off {
                continue;
            }
            let Some(install) = c.args.iter().find(|a| a.value == "install") else {
                continue;
            };
            let f = sink.report(
                &MISSING_NO_INSTALL_RECOMMENDS,
                install.span,
                format!("`{} install` without `--no-install-recommends`", c.name),
            );
            // Only edit when the span is exactly the word (not a decoded JSON string).
            if install.span.text(cx.src) == "install" {
                f.set_fix(Fix::safe(
                    "Add `--no-install-recommends`",
                    vec![Edit {
                        span: Span::empty(install.span.end),
                        replacement: " --no-install-recommends".into(),
                    }],
                ));
            } else {
                f.set_help("add `--no-install-recommends`");
            }
        }
    }
}
