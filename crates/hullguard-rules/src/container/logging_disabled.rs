//! CT035: the container's logs are discarded.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container whose log driver is `none` (`logging: {driver: none}`,
    /// `--log-driver none`, `HostConfig.LogConfig.Type: "none"`).
    ///
    /// ## Why is this bad?
    /// Everything the container writes to stdout and stderr is thrown away:
    /// `docker logs` shows nothing, and after an incident there is no record of
    /// what the application did or what was sent to it. Central, remote logging is
    /// what CIS 2.14 asks of the daemon; a container that opts out defeats it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2
    ///     logging:
    ///       driver: none
    /// ```
    ///
    /// ## How to fix
    /// Remove the `none` driver (the daemon's default applies) or choose a driver
    /// that ships logs (`journald`, `syslog`, `fluentd`, `awslogs` ...); limit
    /// volume with `max-size`/`max-file` options rather than discarding.
    ///
    /// ## References
    /// - [Configure logging drivers](https://docs.docker.com/engine/logging/configure/)
    pub static LOGGING_DISABLED = {
        code: "CT035",
        name: "logging-disabled",
        severity: Low,
        default_enabled: true,
        cis: [],
        summary: "the container's logs are discarded",
        fixable: false,
    }
}

pub struct LoggingDisabled;

impl ContainerRule for LoggingDisabled {
    fn info(&self) -> &'static RuleInfo {
        &LOGGING_DISABLED
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let Some(d) = spec.log_driver.known() else {
            return;
        };
        if d.value.trim() != "none" {
            return;
        }
        sink.report(
            &LOGGING_DISABLED,
            &d.at,
            "none",
            format!("{} discards its logs (log driver `none`)", subject(spec)),
        )
        .set_help(help(
            spec,
            "remove `logging: {driver: none}` or use a driver that keeps logs; cap size with `max-size`",
            "remove `--log-driver none` or use a driver that keeps logs; cap size with `--log-opt max-size`",
            "set `HostConfig.LogConfig.Type` to a driver that keeps logs",
        ));
    }
}
