//! DF025: `apt-get install` without `--no-install-recommends`.

use super::util::subcommand;
use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::{Edit, Fix, RuleInfo, Span};

declare_rule! {
    /// ## What it does
    /// Finds `apt-get install` (and `apt install`) without `--no-install-recommends`
    /// (or `-o APT::Install-Recommends=false`), unless the stage (or a stage it is
    /// built `FROM`) already configured APT not to install recommends
    /// (`APT::Install-Recommends "false";` written into `/etc/apt/apt.conf.d/`).
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

/// Whether `text` turns recommends off in APT's configuration
/// (`APT::Install-Recommends "false";`, `-o APT::Install-Recommends=0`).
fn turns_recommends_off(text: &str) -> bool {
    let l = text.to_ascii_lowercase();
    let key = "::install-recommends";
    let mut from = 0;
    while let Some(i) = l[from..].find(key) {
        from += i + key.len();
        let rest = l[from..].trim_start_matches([' ', '\t', '=', '"', '\'', '\\']);
        let word: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if matches!(word.as_str(), "false" | "0" | "no") {
            return true;
        }
    }
    false
}

/// Whether this step, an earlier step of the stage or a stage it is built `FROM`
/// writes an APT configuration that turns recommends off (usually a file in
/// `/etc/apt/apt.conf.d/`).
fn recommends_configured_off(cx: &InstCtx) -> bool {
    let Some(stage) = cx.stage else {
        return false;
    };
    let text_off = |i: usize| {
        let inst = &cx.df.instructions[i];
        turns_recommends_off(inst.line.text())
            || inst
                .heredocs
                .iter()
                .any(|h| turns_recommends_off(h.body.text()))
    };
    if (stage.from + 1..=cx.index).any(text_off) {
        return true;
    }
    let mut parent = stage.parent;
    while let Some(p) = parent {
        let st = &cx.model.stages[p];
        if st.body.clone().any(text_off) {
            return true;
        }
        parent = st.parent;
    }
    false
}

impl DockerfileRule for MissingNoInstallRecommends {
    fn info(&self) -> &'static RuleInfo {
        &MISSING_NO_INSTALL_RECOMMENDS
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        if !cx
            .cmds
            .iter()
            .any(|c| matches!(c.name.as_str(), "apt-get" | "apt"))
        {
            return;
        }
        let configured_off = recommends_configured_off(cx);
        for c in cx.cmds {
            if !matches!(c.name.as_str(), "apt-get" | "apt") || subcommand(c) != Some("install") {
                continue;
            }
            if configured_off {
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
