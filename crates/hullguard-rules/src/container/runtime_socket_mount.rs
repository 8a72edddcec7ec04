//! CT012: a container runtime socket reachable through a mount.

use super::util::{contains, help, host_path_allowed, normalize_host_path, segments, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_container::MountKind;
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a mount that puts a container runtime's API socket inside the
    /// container: `docker.sock`, `containerd.sock`, `crio.sock`, `podman.sock`,
    /// `dockershim.sock`, `cri-dockerd.sock`, `buildkitd.sock` (wherever they are,
    /// judged by name), the Windows pipe `\\.\pipe\docker_engine`, and directories
    /// that contain the standard sockets: `/`, `/run`, `/var/run`, `/var`,
    /// `/run/containerd`, `/run/docker`, `/run/crio`, `/run/podman`,
    /// `/run/user/<uid>` (rootless engines) ... Any syntax counts: short and long
    /// volume syntax, `--mount`, API `Binds` and `Mounts`, and named volumes whose
    /// local driver binds a host directory (`driver_opts: {type: none, o: bind,
    /// device: /var/run}`). Paths are normalised first (`//`, `/./`, `..`, trailing
    /// `/`). A read-only mount is reported too: `ro` stops writes to the socket
    /// file, not API calls over it. Host paths listed in `allowed-host-paths` are
    /// accepted.
    ///
    /// ## Why is this bad?
    /// Whoever can talk to the engine's socket can start a privileged container
    /// with the host's `/` mounted: it is root on the host, without any exploit.
    /// A compromise of the container (or of anything it runs, such as a web UI) is
    /// a compromise of the host and of every other container. CIS Docker Benchmark
    /// 5.32.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   dashboard:
    ///     image: example/dashboard:2
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock:ro
    /// ```
    ///
    /// ## How to fix
    /// Remove the mount. A tool that only reads container state can go through a
    /// filtering proxy (e.g. a socket proxy that allows `GET` on `/containers`
    /// only) reached over a private network; if the engine must really be driven
    /// from the container, accept the path with `allowed-host-paths` and treat the
    /// container as part of the host's trusted computing base.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.32
    /// - [Docker daemon attack surface](https://docs.docker.com/engine/security/#docker-daemon-attack-surface)
    /// - [Protect the Docker daemon socket](https://docs.docker.com/engine/security/protect-access/)
    pub static RUNTIME_SOCKET_MOUNT = {
        code: "CT012",
        name: "runtime-socket-mount",
        severity: Critical,
        default_enabled: true,
        cis: ["5.32"],
        summary: "a container runtime socket is mounted into the container",
        fixable: false,
    }
}

pub struct RuntimeSocketMount;

/// File names of runtime API sockets: recognised anywhere.
const SOCKET_NAMES: &[&str] = &[
    "docker.sock",
    "containerd.sock",
    "crio.sock",
    "podman.sock",
    "dockershim.sock",
    "cri-dockerd.sock",
    "buildkitd.sock",
];

/// Where the sockets live on Linux hosts: mounting any directory above one of
/// these exposes it (`*` is any one segment, e.g. a user ID).
const SOCKET_PATHS: &[&str] = &[
    "/run/docker.sock",
    "/var/run/docker.sock",
    "/run/docker/containerd/containerd.sock",
    "/var/run/docker/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/containerd/containerd.sock",
    "/run/crio/crio.sock",
    "/var/run/crio/crio.sock",
    "/run/podman/podman.sock",
    "/var/run/podman/podman.sock",
    "/run/dockershim.sock",
    "/var/run/dockershim.sock",
    "/run/cri-dockerd.sock",
    "/var/run/cri-dockerd.sock",
    "/run/k3s/containerd/containerd.sock",
    "/run/buildkit/buildkitd.sock",
    "/run/user/*/docker.sock",
    "/run/user/*/podman/podman.sock",
];

/// What a host path exposes: the socket itself (`(name, None)`), or a
/// directory and the socket it holds (`(dir, Some(socket))`).
fn exposed_socket(host_path: &str) -> Option<(String, Option<String>)> {
    let raw_name = host_path
        .trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("");
    let lower = host_path.to_ascii_lowercase();
    if SOCKET_NAMES.contains(&raw_name)
        || lower.contains(r"pipe\docker_engine")
        || lower.contains("pipe/docker_engine")
    {
        let p = normalize_host_path(host_path).unwrap_or_else(|| host_path.trim().to_string());
        return Some((p, None));
    }
    let p = normalize_host_path(host_path)?;
    let segs = segments(&p);
    SOCKET_PATHS
        .iter()
        .find(|s| contains(&segs, &segments(s)))
        .map(|s| (p.clone(), Some(s.to_string())))
}

impl ContainerRule for RuntimeSocketMount {
    fn info(&self) -> &'static RuleInfo {
        &RUNTIME_SOCKET_MOUNT
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        for m in &spec.mounts {
            let host = match (&m.value.host_path, &m.value.kind) {
                (Some(h), _) => h,
                (None, MountKind::Npipe) => match &m.value.source {
                    Some(s) => s,
                    None => continue,
                },
                _ => continue,
            };
            if host_path_allowed(host, &cx.opts.allowed_host_paths) {
                continue;
            }
            let Some((path, holds)) = exposed_socket(host) else {
                continue;
            };
            let ro = if m.value.read_only {
                " (read-only does not stop API calls)"
            } else {
                ""
            };
            let what = match holds {
                None => format!("the runtime socket `{path}` at `{}`", m.value.target),
                Some(socket) => format!(
                    "`{path}` at `{}`, which holds the runtime socket `{socket}`",
                    m.value.target
                ),
            };
            sink.report(
                &RUNTIME_SOCKET_MOUNT,
                &m.at,
                &path,
                format!(
                    "{} mounts {what}: control of the engine is root on the host{ro}",
                    subject(spec)
                ),
            )
            .set_help(help(
                spec,
                "remove the volume; use a filtering socket proxy if the service only reads engine state",
                "remove the `-v`/`--mount` of the socket; use a filtering socket proxy if the container only reads engine state",
                "remove the bind from `HostConfig.Binds`/`Mounts`; use a filtering socket proxy if the container only reads engine state",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::exposed_socket;

    #[test]
    fn sockets() {
        for p in [
            "/var/run/docker.sock",
            "//var/run//docker.sock",
            "/run",
            "/var/run/",
            "/var",
            "/",
            "/run/containerd",
            "/var/run/docker",
            "/run/user/1000",
            "./docker.sock",
            "/home/me/.docker/run/docker.sock",
            r"\\.\pipe\docker_engine",
            "/srv/../run",
        ] {
            assert!(exposed_socket(p).is_some(), "{p}");
        }
        for p in [
            "/srv/data",
            "/var/lib/app",
            "/run/secrets",
            "/var/run/app",
            "./data",
            "/etc",
        ] {
            assert!(exposed_socket(p).is_none(), "{p}");
        }
    }
}
