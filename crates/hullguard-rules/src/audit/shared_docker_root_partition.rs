//! HS001: the Docker root directory is not its own partition.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a Docker root directory (`docker info`, `Docker Root Dir`,
    /// usually `/var/lib/docker`) that is not a mount point of its own: it
    /// shares a file system with the rest of the host.
    ///
    /// ## Why is this bad?
    /// Images, containers' writable layers, volumes and json-file logs all grow
    /// there. On a shared partition a container that writes without bound (or
    /// an image pull storm) fills the host's root file system, and services
    /// that need it (logging, package updates, sshd) fail: a denial of service
    /// of the host from inside a container.
    ///
    /// ## Example
    /// `mountpoint /var/lib/docker` prints `/var/lib/docker is not a mountpoint`.
    ///
    /// ## How to fix
    /// Give the Docker root its own partition or logical volume (at
    /// installation, or move it: stop Docker, mount the new file system on the
    /// directory, copy the data, start Docker), or point `data-root` at one.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 1.1.1
    /// - [Daemon data directory](https://docs.docker.com/engine/daemon/#daemon-data-directory)
    pub static SHARED_DOCKER_ROOT_PARTITION = {
        code: "HS001",
        name: "shared-docker-root-partition",
        severity: Low,
        default_enabled: true,
        cis: ["1.1.1"],
        summary: "the Docker root directory shares a partition with the rest of the host",
        fixable: false,
    }
}

pub struct SharedDockerRootPartition;

impl AuditRule for SharedDockerRootPartition {
    fn info(&self) -> &'static RuleInfo {
        &SHARED_DOCKER_ROOT_PARTITION
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        let Some(host) = cx.host() else {
            sink.skipped(&SHARED_DOCKER_ROOT_PARTITION, super::NO_HOST);
            return;
        };
        let root = cx
            .info_str("/DockerRootDir")
            .filter(|r| !r.is_empty())
            .unwrap_or("/var/lib/docker");
        match host.docker_root_is_mount {
            Some(false) => {
                sink.report(
                    &SHARED_DOCKER_ROOT_PARTITION,
                    cx.host_at(root),
                    root,
                    format!("the Docker root `{root}` is not a separate partition: a container can fill the host's file system"),
                )
                .set_help("give the Docker root its own partition or logical volume, or point `data-root` at one");
            }
            Some(true) => {}
            None => sink.skipped(
                &SHARED_DOCKER_ROOT_PARTITION,
                "the snapshot does not say whether the Docker root is a mount point",
            ),
        }
    }
}
