//! DF009: `ADD` where `COPY` suffices.

use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::{Edit, Fix, RuleInfo};
use hullguard_dockerfile::{Args, Keyword};

declare_rule! {
    /// ## What it does
    /// Checks `ADD` instructions whose sources are all local files that are not
    /// archives (no URL, no git repository, no `.tar`/`.tgz`/`.tar.gz`/`.tar.xz`/
    /// `.tar.bz2`/`.tar.zst`).
    ///
    /// ## Why is this bad?
    /// `ADD` does more than copy: it fetches URLs and unpacks local archives. Using it
    /// for plain files invites surprises (a file that later becomes an archive is
    /// silently extracted) and hides where remote content enters. `COPY` does exactly
    /// one thing. CIS Docker Benchmark 4.9.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD app.py /srv/app.py
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY app.py /srv/app.py
    /// ```
    ///
    /// ## Fix safety
    /// Safe: for local non-archive sources `COPY` and `ADD` behave the same. Unsafe
    /// when a source is a glob (it may match an archive that `ADD` would unpack). The
    /// fix is not offered when `ADD`-only flags (`--checksum`, `--keep-git-dir`,
    /// `--unpack`) are present.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.9
    /// - [ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
    pub static ADD_INSTEAD_OF_COPY = {
        code: "DF009",
        name: "add-instead-of-copy",
        severity: Low,
        default_enabled: true,
        cis: ["4.9"],
        summary: "`ADD` used where `COPY` suffices",
        fixable: true,
    }
}

pub struct AddInsteadOfCopy;

pub(crate) fn is_remote(src: &str) -> bool {
    let l = src.to_ascii_lowercase();
    l.starts_with("http://")
        || l.starts_with("https://")
        || l.starts_with("git@")
        || l.starts_with("git://")
        || l.starts_with("ssh://")
}

fn is_archive(src: &str) -> bool {
    let l = src.to_ascii_lowercase();
    [
        ".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst",
        ".tzst", ".gz", ".bz2", ".xz", ".zst", ".tb2", ".taz", ".tz",
    ]
    .iter()
    .any(|e| l.ends_with(e))
}

impl DockerfileRule for AddInsteadOfCopy {
    fn info(&self) -> &'static RuleInfo {
        &ADD_INSTEAD_OF_COPY
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        if cx.inst.keyword != Keyword::Add {
            return;
        }
        let Args::Paths { sources, .. } = &cx.inst.args else {
            return;
        };
        if sources.is_empty() {
            return;
        }
        for s in sources {
            let v = cx.scope.expand(&s.text);
            // A source we cannot resolve might be an archive or a URL.
            if !v.is_resolved()
                || is_remote(&v.value)
                || is_archive(&v.value)
                || s.text.contains('*') && is_archive(s.text.trim_end_matches('*'))
            {
                return;
            }
        }
        let f = sink.report(
            &ADD_INSTEAD_OF_COPY,
            cx.inst.keyword_span,
            "`ADD` of local files: use `COPY`",
        );
        let add_only = cx
            .inst
            .flags
            .iter()
            .any(|fl| matches!(fl.name.as_str(), "checksum" | "keep-git-dir" | "unpack"));
        if !add_only {
            let replacement = if cx.inst.keyword_text.chars().all(|c| c.is_ascii_lowercase()) {
                "copy"
            } else {
                "COPY"
            };
            let edits = vec![Edit {
                span: cx.inst.keyword_span,
                replacement: replacement.into(),
            }];
            // A glob may match an archive today or tomorrow, which ADD would unpack.
            let glob = sources.iter().any(|s| s.text.contains(['*', '?', '[']));
            f.set_fix(if glob {
                Fix::unsafe_("Replace `ADD` with `COPY`", edits)
            } else {
                Fix::safe("Replace `ADD` with `COPY`", edits)
            });
        }
    }
}
