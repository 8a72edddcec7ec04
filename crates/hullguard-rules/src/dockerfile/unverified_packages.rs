//! DF013: package signature checks disabled.

use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::{RuleInfo, Span};
use hullguard_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Finds package installs with signature or integrity checks turned off:
    /// - apt: `--allow-unauthenticated`, `--force-yes`, `--allow-insecure-repositories`,
    ///   `-o APT::Get::AllowUnauthenticated=true`, `Acquire::AllowInsecureRepositories`
    ///   (also written into `apt.conf.d`), `[trusted=yes]` or `[allow-insecure=yes]` in
    ///   a sources entry;
    /// - apk: `--allow-untrusted`;
    /// - yum/dnf/microdnf/tdnf: `--nogpgcheck`, `gpgcheck=0` in a repository file
    ///   (`repo_gpgcheck=0` alone is not reported: it is the default of most
    ///   repositories, and packages are still checked);
    /// - zypper: `--no-gpg-checks`, `--gpg-auto-import-keys` is not reported;
    /// - rpm: `--nosignature`, `--nodigest`, `--nofiledigest`;
    /// - dpkg: `--force-bad-verify`.
    ///
    /// ## Why is this bad?
    /// Signatures are what tie a package to its publisher. Without them, a mirror, a
    /// proxy or anyone on the network path can substitute packages, which then run
    /// their install scripts as root in your build. CIS Docker Benchmark 4.11.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y --allow-unauthenticated mypkg
    /// ```
    ///
    /// ## How to fix
    /// Import the repository's signing key (`/etc/apt/keyrings/*.gpg` with
    /// `signed-by=`), then install normally.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.11
    pub static UNVERIFIED_PACKAGES = {
        code: "DF013",
        name: "unverified-packages",
        severity: High,
        default_enabled: true,
        cis: ["4.11"],
        summary: "package signature checks disabled",
        fixable: false,
    }
}

pub struct UnverifiedPackages;

fn bad_flag(name: &str, v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    match name {
        "apt-get" | "apt" | "aptitude" => {
            matches!(
                l.as_str(),
                "--allow-unauthenticated" | "--force-yes" | "--allow-insecure-repositories"
            ) || l.contains("allowunauthenticated=true")
                || l.contains("allowunauthenticated=1")
                || l.contains("allowinsecurerepositories=true")
                || l.contains("allowinsecurerepositories=1")
                || l.contains("allowdowngradetoinsecurerepositories")
        }
        "apk" => l == "--allow-untrusted",
        "yum" | "dnf" | "microdnf" | "tdnf" | "yum-config-manager" => {
            l == "--nogpgcheck"
                || l.contains("gpgcheck=0")
                || l.contains("gpgcheck=false")
                || l == "--no-gpgchecks"
        }
        "zypper" => l == "--no-gpg-checks",
        "rpm" => matches!(
            l.as_str(),
            "--nosignature" | "--nodigest" | "--nofiledigest" | "--noverify"
        ),
        "dpkg" => l == "--force-bad-verify" || l == "--force-all",
        _ => false,
    }
}

/// APT settings that accept unauthenticated packages, in `apt.conf` syntax
/// (`APT::Get::AllowUnauthenticated "true";`) or as `-o` values
/// (`Acquire::AllowInsecureRepositories=1`), in lower-cased text.
fn apt_conf_insecure(lower: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for key in [
        "allowunauthenticated",
        "allowinsecurerepositories",
        "allowdowngradetoinsecurerepositories",
    ] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(key) {
            let start = from + i;
            from = start + key.len();
            let value = lower[from..]
                .trim_start_matches([' ', '\t'])
                .trim_start_matches('=')
                .trim_start_matches([' ', '\t', '"', '\'', '\\']);
            let word: String = value
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if matches!(word.as_str(), "true" | "1" | "yes") {
                out.push((start, lower.len() - value.len() + word.len()));
            }
        }
    }
    out
}

impl DockerfileRule for UnverifiedPackages {
    fn info(&self) -> &'static RuleInfo {
        &UNVERIFIED_PACKAGES
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        if cx.inst.keyword == Keyword::Onbuild {
            // The wrapped instruction is checked on its own.
            return;
        }
        let mut seen: Vec<Span> = Vec::new();
        for c in cx.cmds {
            for a in &c.args {
                if bad_flag(&c.name, &a.value) {
                    seen.push(a.span);
                    sink.report(
                        &UNVERIFIED_PACKAGES,
                        a.span,
                        format!(
                            "`{} {}` installs packages without verifying signatures",
                            c.name, a.value
                        ),
                    )
                    .set_help("remove the flag and import the repository's signing key");
                }
            }
        }
        // Sources entries and repo files written by the RUN (any text of it).
        let mut lines = vec![&cx.inst.line];
        lines.extend(cx.inst.heredocs.iter().map(|h| &h.body));
        for line in lines {
            let t = line.text();
            let lower = t.to_ascii_lowercase();
            for pat in [
                "[trusted=yes]",
                "trusted=yes",
                "allow-insecure=yes",
                "gpgcheck=0",
                "gpgcheck=false",
            ] {
                let mut from = 0;
                while let Some(i) = lower[from..].find(pat) {
                    let start = from + i;
                    let span = line.span(start, start + pat.len());
                    from = start + pat.len();
                    if pat == "trusted=yes" && lower[..start].ends_with('[')
                        || seen.iter().any(|s| s.contains(span.start))
                    {
                        continue;
                    }
                    if pat == "gpgcheck=0" && lower[..start].ends_with("repo_") {
                        continue;
                    }
                    seen.push(span);
                    sink.report(
                        &UNVERIFIED_PACKAGES,
                        span,
                        format!("repository configured with `{pat}`: packages are not verified"),
                    )
                    .set_help("configure the repository's signing key instead");
                }
            }
            for (start, end) in apt_conf_insecure(&lower) {
                let span = line.span(start, end);
                if seen.iter().any(|s| s.contains(span.start)) {
                    continue;
                }
                seen.push(span);
                sink.report(
                    &UNVERIFIED_PACKAGES,
                    span,
                    "apt configured to accept unsigned packages or repositories",
                )
                .set_help("configure the repository's signing key instead");
            }
        }
    }
}
