//! CT027: every exposed port published (`-P`).

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports `-P` / `--publish-all` on `docker run` and
    /// `HostConfig.PublishAllPorts: true` in the Engine API (compose has no
    /// equivalent key; its `ports:` are explicit).
    ///
    /// ## Why is this bad?
    /// Every port the image `EXPOSE`s is published on a random host port on every
    /// interface, including debug, metrics and admin ports the author of the
    /// command never meant to open; and the set changes silently when the image
    /// does. CIS Docker Benchmark 5.9 asks that only needed ports are open.
    ///
    /// ## Example
    /// ```console
    /// docker run -d -P example/web:1
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// docker run -d -p 127.0.0.1:8080:80 example/web:1
    /// ```
    ///
    /// ## How to fix
    /// Replace `-P` with one `-p ADDRESS:HOST_PORT:CONTAINER_PORT` per port that
    /// must be reachable.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.9
    /// - [`docker run --publish-all`](https://docs.docker.com/reference/cli/docker/container/run/#publish-all)
    pub static PUBLISH_ALL_PORTS = {
        code: "CT027",
        name: "publish-all-ports",
        severity: Low,
        default_enabled: true,
        cis: ["5.9"],
        summary: "every exposed port is published",
        fixable: false,
    }
}

pub struct PublishAllPorts;

impl ContainerRule for PublishAllPorts {
    fn info(&self) -> &'static RuleInfo {
        &PUBLISH_ALL_PORTS
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let Some(p) = spec.publish_all.known() else {
            return;
        };
        if !p.value {
            return;
        }
        sink.report(
            &PUBLISH_ALL_PORTS,
            &p.at,
            "",
            format!(
                "{} publishes every exposed port on random host ports",
                subject(spec)
            ),
        )
        .set_help(help(
            spec,
            "list the ports that must be reachable in `ports:`",
            "replace `-P` with one `-p ADDRESS:HOST:CONTAINER` per needed port",
            "set `HostConfig.PublishAllPorts` to false and list the needed `PortBindings`",
        ));
    }
}
