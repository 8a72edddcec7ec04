//! CT031: the container has no health check.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_container::{Healthcheck, Setting};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container without a working health check:
    /// - the health check is disabled on the container (`healthcheck: {disable:
    ///   true}`, `test: ["NONE"]`, `--no-healthcheck`, `Healthcheck.Test:
    ///   ["NONE"]`), whatever the image has;
    /// - the container defines none and its image has none (or disables it),
    ///   known from the Dockerfile the service is built from or from an inspected
    ///   image.
    ///
    /// When the image's health check is unknown (a compose service or `docker run`
    /// of a pulled image hullguard has not inspected, or a Dockerfile built on an
    /// external base image that may have one) nothing is reported: many images ship a
    /// `HEALTHCHECK`, and guessing would be noise. The audit of running containers
    /// (`hullguard audit`), where the engine has merged the image's configuration,
    /// reports those. A health check that only changes timings (`interval:`)
    /// inherits the image's test.
    ///
    /// ## Why is this bad?
    /// Without a health check the engine only knows whether the main process is
    /// alive, not whether it works: a deadlocked or half-started service keeps
    /// receiving traffic, dependants start too early (`depends_on: condition:
    /// service_healthy`), and an attack that hangs the service goes unnoticed.
    /// CIS Docker Benchmark 5.27.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     build: .
    ///     healthcheck:
    ///       disable: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     build: .
    ///     healthcheck:
    ///       test: ["CMD", "/app/healthcheck"]
    ///       interval: 30s
    /// ```
    ///
    /// ## How to fix
    /// Add a `healthcheck:` (`--health-cmd`) that exercises the service, or a
    /// `HEALTHCHECK` in its Dockerfile; remove `disable: true` / `--no-healthcheck`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.27
    /// - [Compose `healthcheck`](https://docs.docker.com/reference/compose-file/services/#healthcheck)
    /// - [Dockerfile `HEALTHCHECK`](https://docs.docker.com/reference/dockerfile/#healthcheck)
    pub static MISSING_CONTAINER_HEALTHCHECK = {
        code: "CT031",
        name: "missing-container-healthcheck",
        severity: Low,
        default_enabled: true,
        cis: ["5.27"],
        summary: "the container has no health check",
        fixable: false,
    }
}

pub struct MissingContainerHealthcheck;

/// Whether a health check disables checking (`disable: true`, `["NONE"]`).
fn disables(h: &Healthcheck) -> bool {
    h.disabled || h.test.first().is_some_and(|t| t.trim() == "NONE")
}

impl ContainerRule for MissingContainerHealthcheck {
    fn info(&self) -> &'static RuleInfo {
        &MISSING_CONTAINER_HEALTHCHECK
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let fix = help(
            spec,
            "add a `healthcheck:` with a `test` that exercises the service",
            "add `--health-cmd` (with `--health-interval`) or a `HEALTHCHECK` in the image",
            "set `Config.Healthcheck.Test` to a command that exercises the service",
        );
        match &spec.healthcheck {
            Setting::Unknown(_) => return,
            Setting::Set(h) if disables(&h.value) => {
                sink.report(
                    &MISSING_CONTAINER_HEALTHCHECK,
                    &h.at,
                    "disabled",
                    format!("{} disables its health check", subject(spec)),
                )
                .set_help(fix);
                return;
            }
            Setting::Set(h) if !h.value.test.is_empty() => return,
            // Unset, or only timings: the image's test applies.
            _ => {}
        }
        let Some(img) = &spec.image_defaults else {
            return;
        };
        let message = match &img.healthcheck {
            Setting::Unknown(_) => return,
            Setting::Set(h) if disables(&h.value) => format!(
                "{} has no health check: its image (`{}`) disables it",
                subject(spec),
                img.source
            ),
            Setting::Set(_) => return,
            Setting::Unset => format!(
                "{} has no health check, nor has its image (`{}`)",
                subject(spec),
                img.source
            ),
        };
        sink.report(&MISSING_CONTAINER_HEALTHCHECK, &spec.at, "missing", message)
            .set_help(fix);
    }
}
