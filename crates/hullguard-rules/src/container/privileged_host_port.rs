//! CT026: a privileged host port (below 1024) published.

use super::util::{help, port_range, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a published port whose host side is below 1024 (`"80:8080"`,
    /// `-p 443:8443`, a `PortBindings` `HostPort` of `22`), or a host port range
    /// that starts below 1024. The container side does not matter.
    ///
    /// ## Why is this bad?
    /// Ports below 1024 are reserved for privileged services on the host: clients
    /// trust that only root could have bound them (`ssh`, `smtp`, `dns`). A
    /// container that takes one can impersonate that service, and publishing it
    /// usually means a container faces the network directly rather than behind a
    /// reverse proxy. CIS Docker Benchmark 5.8.
    ///
    /// ## Example
    /// ```console
    /// docker run -d -p 80:8080 example/web:1
    /// ```
    ///
    /// ## How to fix
    /// Publish on a port of 1024 or above and put a reverse proxy or load balancer
    /// on the privileged port; accept the finding for the one container that is
    /// that proxy.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.8
    /// - [Published ports](https://docs.docker.com/engine/network/#published-ports)
    pub static PRIVILEGED_HOST_PORT = {
        code: "CT026",
        name: "privileged-host-port",
        severity: Low,
        default_enabled: true,
        cis: ["5.8"],
        summary: "a host port below 1024 is published",
        fixable: false,
    }
}

pub struct PrivilegedHostPort;

impl ContainerRule for PrivilegedHostPort {
    fn info(&self) -> &'static RuleInfo {
        &PRIVILEGED_HOST_PORT
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        for p in &spec.ports {
            let Some((start, end)) = p.value.host_port else {
                continue;
            };
            // Port 0 asks the engine for a random port.
            if start == 0 || start >= 1024 {
                continue;
            }
            let range = port_range((start, end));
            sink.report(
                &PRIVILEGED_HOST_PORT,
                &p.at,
                &format!("{range}/{}", p.value.protocol),
                format!(
                    "{} publishes privileged host port {range}/{}",
                    subject(spec),
                    p.value.protocol
                ),
            )
            .set_help(help(
                spec,
                "publish on a host port of 1024 or above and put a reverse proxy in front",
                "publish on a host port of 1024 or above (`-p 8080:80`) and put a reverse proxy in front",
                "use a `HostPort` of 1024 or above and put a reverse proxy in front",
            ));
        }
    }
}
