//! DF036: package manager caches left in the image.

use super::util::{install_operands, subcommand};
use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Finds installs that leave the package manager's cache in the layer:
    /// `apt-get install` without `rm -rf /var/lib/apt/lists/*` in the same `RUN`,
    /// `apk add` without `--no-cache`, `pip install` without `--no-cache-dir` (`uv pip
    /// install` without `--no-cache`),
    /// `yum`/`dnf install` without `clean all`. Steps with a cache mount
    /// (`RUN --mount=type=cache`) are not reported.
    ///
    /// ## Why is this bad?
    /// Larger images, and stale package indexes in the final image. This is hygiene
    /// rather than security, so the rule is **off by default**; turn it on with
    /// `extend-select = ["DF036"]`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## References
    /// - [apt-get best practices](https://docs.docker.com/build/building/best-practices/#apt-get)
    pub static PACKAGE_CACHE_NOT_CLEANED = {
        code: "DF036",
        name: "package-cache-not-cleaned",
        severity: Info,
        default_enabled: false,
        cis: [],
        summary: "package manager cache left in the image",
        fixable: false,
    }
}

pub struct PackageCacheNotCleaned;

impl DockerfileRule for PackageCacheNotCleaned {
    fn info(&self) -> &'static RuleInfo {
        &PACKAGE_CACHE_NOT_CLEANED
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        let cache_mount = cx.inst.flags.iter().any(|f| {
            f.name == "mount" && f.value.as_deref().is_some_and(|v| v.contains("type=cache"))
        });
        if cache_mount {
            return;
        }
        let removes = |path: &str| {
            cx.cmds
                .iter()
                .any(|c| c.name == "rm" && c.args.iter().any(|a| a.value.starts_with(path)))
        };
        let cleans = |name: &str| {
            cx.cmds
                .iter()
                .any(|c| c.name == name && subcommand(c) == Some("clean"))
        };
        for c in cx.cmds {
            let Some((mgr, _)) = install_operands(c) else {
                continue;
            };
            let msg = match mgr {
                "apt" if !removes("/var/lib/apt/lists") => {
                    Some("apt lists are left in the layer: add `&& rm -rf /var/lib/apt/lists/*`")
                }
                "apk" if !c.has_flag(&["--no-cache"]) && !removes("/var/cache/apk") => {
                    Some("`apk add` without `--no-cache` leaves the index in the layer")
                }
                "pip" if c.name == "uv" => (!c.has_flag(&["--no-cache", "-n"])
                    && cx.scope.lookup("UV_NO_CACHE").is_none())
                .then_some("`uv pip install` without `--no-cache` leaves its cache in the layer"),
                "pip"
                    if !c.has_flag(&["--no-cache-dir"])
                        && cx.scope.lookup("PIP_NO_CACHE_DIR").is_none() =>
                {
                    Some("`pip install` without `--no-cache-dir` leaves its cache in the layer")
                }
                "yum" if !cleans(&c.name) && !removes("/var/cache") => {
                    Some("the yum/dnf cache is left in the layer: add `&& yum clean all`")
                }
                _ => None,
            };
            if let Some(m) = msg {
                sink.report(&PACKAGE_CACHE_NOT_CLEANED, c.span, m);
            }
        }
    }
}
