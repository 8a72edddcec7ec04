//! IM004: an image was built with `ADD`.

use super::history::steps;
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::{RuleInfo, Severity};

declare_rule! {
    /// ## What it does
    /// Reports `ADD` steps in an image's history (`docker history
    /// --no-trunc`): at medium severity when the source is a remote URL or a
    /// git repository (BuildKit records it), at low severity for other
    /// sources. An `ADD` of an archive into `/` (a base image's root file
    /// system, as every official base image has) and an `ADD` of a local
    /// archive (extracting it is what `ADD` is for) are not reported. The
    /// Dockerfile rules `add-instead-of-copy` (DF009) and
    /// `add-remote-without-checksum` (DF010) catch the same in source.
    ///
    /// ## Why is this bad?
    /// `ADD` fetches URLs and unpacks archives implicitly: a remote source is
    /// downloaded without verification unless pinned by checksum, and its
    /// content can change between builds; an archive unpacks whatever it
    /// holds. `COPY` does only what it says. CIS 4.9.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://example.com/tool.tar.gz /opt/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ADD --checksum=sha256:<digest> https://example.com/tool.tar.gz /opt/
    /// ```
    ///
    /// ## How to fix
    /// Use `COPY` for local files, and `ADD --checksum` (or `curl` and a
    /// checksum check in a `RUN`) for downloads, then rebuild.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.9
    /// - [Dockerfile `ADD`](https://docs.docker.com/reference/dockerfile/#add)
    pub static IMAGE_ADD_INSTRUCTION = {
        code: "IM004",
        name: "image-add-instruction",
        severity: Low,
        default_enabled: true,
        cis: ["4.9"],
        summary: "the image was built with `ADD` where `COPY` would do",
        fixable: false,
    }
}

pub struct ImageAddInstruction;

const ARCHIVES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".tzst",
];

fn is_remote(src: &str) -> bool {
    src.starts_with("http://")
        || src.starts_with("https://")
        || src.starts_with("git@")
        || src.starts_with("git://")
}

/// Sources and destination of an `ADD` step: the classic builder writes
/// `file:HASH in /dest`, BuildKit the instruction's words.
fn split(args: &str) -> (Vec<&str>, &str) {
    if let Some((src, dest)) = args.rsplit_once(" in ") {
        return (vec![src.trim()], dest.trim());
    }
    let words: Vec<&str> = args
        .split_whitespace()
        .filter(|w| !w.starts_with("--"))
        .collect();
    match words.split_last() {
        Some((dest, srcs)) => (srcs.to_vec(), dest),
        None => (Vec::new(), ""),
    }
}

impl AuditRule for ImageAddInstruction {
    fn info(&self) -> &'static RuleInfo {
        &IMAGE_ADD_INSTRUCTION
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        for img in cx.checked_images() {
            for step in steps(&img.snap.history) {
                if step.instruction != "ADD" {
                    continue;
                }
                let (srcs, dest) = split(&step.args);
                if srcs.is_empty() {
                    continue;
                }
                let archive = |s: &str| ARCHIVES.iter().any(|a| s.ends_with(a));
                let remote: Vec<&str> = srcs.iter().copied().filter(|s| is_remote(s)).collect();
                let at = cx.image_at(img, format!("/History/{}/CreatedBy", step.index));
                if let Some(url) = remote.first() {
                    sink.report(
                        &IMAGE_ADD_INSTRUCTION,
                        at,
                        url,
                        format!("image `{}` was built with `ADD {url}`: a download unverified unless pinned by checksum", img.name),
                    )
                    .set_severity(Severity::Medium)
                    .set_help("download with `ADD --checksum=sha256:…` (or curl and a checksum check) and rebuild");
                    continue;
                }
                let root_fs = dest.trim_end_matches('/').is_empty()
                    && srcs.iter().all(|s| s.starts_with("file:") || archive(s));
                if root_fs || srcs.iter().all(|s| archive(s)) {
                    continue;
                }
                sink.report(
                    &IMAGE_ADD_INSTRUCTION,
                    at,
                    &step.args,
                    format!("image `{}` was built with `ADD` of local files to `{dest}` where `COPY` would do", img.name),
                )
                .set_help("use `COPY` for local files and rebuild");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources() {
        assert_eq!(split("file:abc in /"), (vec!["file:abc"], "/"));
        assert_eq!(
            split("--chown=app https://x/y.tgz /opt/"),
            (vec!["https://x/y.tgz"], "/opt/")
        );
        assert!(is_remote("https://x"));
        assert!(!is_remote("file:abc"));
    }
}
