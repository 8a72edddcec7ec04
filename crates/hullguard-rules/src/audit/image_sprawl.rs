//! IM006: the engine holds many images that nothing uses.

use super::context::str_at;
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;
use std::collections::HashSet;

declare_rule! {
    /// ## What it does
    /// Reports an engine that holds more than 10 dangling images (untagged,
    /// run by no container, parent of no other image) or more than 50 tagged
    /// images that no container (running or stopped) uses.
    ///
    /// The thresholds: a dangling image is never needed (`docker image prune`
    /// removes exactly those), but each rebuild of a tag leaves one until
    /// someone prunes, so a handful is normal on a build host; more than 10
    /// means nobody does. Unused tagged images are normal in moderation
    /// (images pulled ahead of a deployment, the previous release kept for a
    /// rollback); more than 50 is no longer a working set.
    ///
    /// ## Why is this bad?
    /// Old images keep old, vulnerable software one `docker run` away, and the
    /// tags that still point at them invite running it; they also hide the
    /// images that matter in every inventory and scan, and fill the disk. CIS
    /// 6.1.
    ///
    /// ## Example
    /// `docker images --filter dangling=true -q | wc -l` prints `37`.
    ///
    /// ## How to fix
    /// Remove dangling images (`docker image prune`) and images no container
    /// uses (`docker image prune -a`, after checking the list), and schedule
    /// it.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 6.1
    /// - [Prune unused Docker objects](https://docs.docker.com/engine/manage-resources/pruning/)
    pub static IMAGE_SPRAWL = {
        code: "IM006",
        name: "image-sprawl",
        severity: Low,
        default_enabled: true,
        cis: ["6.1"],
        summary: "the engine holds many images that nothing uses",
        fixable: false,
    }
}

pub struct ImageSprawl;

/// Dangling images a build host accumulates between prunes (see the doc).
pub const DANGLING_LIMIT: usize = 10;
/// Unused tagged images a working set may hold (see the doc).
pub const UNUSED_LIMIT: usize = 50;

impl AuditRule for ImageSprawl {
    fn info(&self) -> &'static RuleInfo {
        &IMAGE_SPRAWL
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        let parents: HashSet<&str> = cx
            .images
            .iter()
            .filter_map(|i| str_at(i.inspect(), "/Parent"))
            .filter(|p| !p.is_empty())
            .collect();
        let mut dangling = 0;
        let mut unused_tagged = 0;
        for (n, img) in cx.images.iter().enumerate() {
            if cx.image_used(n) {
                continue;
            }
            let id = str_at(img.inspect(), "/Id").unwrap_or(&img.snap.id);
            if img.tags().is_empty() {
                if !parents.contains(id) {
                    dangling += 1;
                }
            } else {
                unused_tagged += 1;
            }
        }
        if dangling <= DANGLING_LIMIT && unused_tagged <= UNUSED_LIMIT {
            return;
        }
        sink.report(
            &IMAGE_SPRAWL,
            cx.daemon_at("/info/Images"),
            "images",
            format!(
                "the engine holds {} images: {dangling} dangling and {unused_tagged} tagged ones that no container uses",
                cx.images.len()
            ),
        )
        .set_help("remove unused images (`docker image prune`, then `docker image prune -a` after checking) and schedule it");
    }
}
