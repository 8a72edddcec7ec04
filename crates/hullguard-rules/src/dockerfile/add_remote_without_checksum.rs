//! DF010: `ADD` of a URL without `--checksum`.

use super::add_instead_of_copy::is_remote;
use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;
use hullguard_dockerfile::{Args, Keyword};

declare_rule! {
    /// ## What it does
    /// Checks `ADD` instructions that download an `http(s)` URL without
    /// `--checksum=sha256:...`. Git repositories (`.git`, `.git#ref`, `.git?ref=`)
    /// are fetched by ref and not reported.
    ///
    /// ## Why is this bad?
    /// The content behind a URL can change or be replaced by an attacker (a
    /// compromised server, a hijacked domain, a man in the middle on plain `http`).
    /// Without a checksum the build accepts whatever it receives. CIS Docker
    /// Benchmark 4.9 and 4.12.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://example.com/tool.tar.gz /opt/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \
    ///     https://example.com/tool.tar.gz /opt/
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.9, 4.12
    /// - [ADD --checksum](https://docs.docker.com/reference/dockerfile/#add---checksum)
    pub static ADD_REMOTE_WITHOUT_CHECKSUM = {
        code: "DF010",
        name: "add-remote-without-checksum",
        severity: Medium,
        default_enabled: true,
        cis: ["4.9", "4.12"],
        summary: "`ADD` of a URL without `--checksum`",
        fixable: false,
    }
}

pub struct AddRemoteWithoutChecksum;

impl DockerfileRule for AddRemoteWithoutChecksum {
    fn info(&self) -> &'static RuleInfo {
        &ADD_REMOTE_WITHOUT_CHECKSUM
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        if cx.inst.keyword != Keyword::Add || cx.inst.flag("checksum").is_some() {
            return;
        }
        let Args::Paths { sources, .. } = &cx.inst.args else {
            return;
        };
        for s in sources {
            let v = cx.scope.expand(&s.text).value;
            let l = v.to_ascii_lowercase();
            if is_remote(&v)
                && (l.starts_with("http://") || l.starts_with("https://"))
                && !l.ends_with(".git")
                && !l.contains(".git#")
                && !l.contains(".git?")
            {
                let plain = if l.starts_with("http://") {
                    " over plain http"
                } else {
                    ""
                };
                sink.report(
                    &ADD_REMOTE_WITHOUT_CHECKSUM,
                    s.span,
                    format!("`{v}` is downloaded{plain} without a checksum"),
                )
                .set_help("add `--checksum=sha256:<digest>`");
            }
        }
    }
}
