//! CT013: a sensitive host directory mounted into the container.

use super::util::{
    contains, help, host_path_allowed, is_within, normalize_host_path, segments, subject,
};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::{RuleInfo, Severity};
use Severity::{Critical, High, Medium};

declare_rule! {
    /// ## What it does
    /// Reports mounts of sensitive host paths: `/`, `/etc` (and `/etc/shadow`,
    /// `/etc/ssh`, `/etc/docker`, `/etc/kubernetes`), `/proc`, `/sys`, `/dev`,
    /// `/boot`, `/usr`, `/bin`, `/sbin`, `/lib*`, `/var/lib/docker`,
    /// `/var/lib/containerd`, `/var/lib/kubelet`, home directories (`/root`,
    /// `/home`, `/home/<user>`, `~`) and their credential directories (`.ssh`,
    /// `.aws`, `.docker`, `.kube`, `.gnupg`, `.config/gcloud`, `.azure`). A path
    /// inside a system directory counts (`/etc/nginx`), and so does a directory
    /// that contains a sensitive one (`/var` contains `/var/lib/docker`; a home
    /// contains `.ssh`); a project directory inside a home (`/home/alice/app`,
    /// `/root/stack/data`) does not. Paths are normalised first (`//`, `/./`, `..`, trailing `/`).
    ///
    /// Only mounts of a host path count, whatever made them: a bind (short or long
    /// syntax, `-v`, `--mount`, API `Binds`/`Mounts`) or a named volume whose local
    /// driver binds a host directory. An anonymous or named volume *at* `/usr` in
    /// the container is not a host mount. Writable mounts are graded higher than
    /// read-only ones. A few read-only mounts are harmless and not reported: the
    /// time zone (`/etc/localtime`, `/etc/timezone`, `/usr/share/zoneinfo`), CA
    /// certificates (`/etc/ssl/certs`, `/etc/pki/ca-trust`, `/etc/ca-certificates`,
    /// `/usr/share/ca-certificates`, `/usr/local/share/ca-certificates`),
    /// `/etc/machine-id`, `/etc/os-release`, `/etc/hosts`, `/etc/resolv.conf`.
    /// Host paths listed in `allowed-host-paths` are accepted.
    ///
    /// ## Why is this bad?
    /// A writable system directory is root on the host: write a cron job to `/etc`,
    /// replace a binary in `/usr/bin`, set `/proc/sys/kernel/core_pattern`, edit
    /// `/root/.ssh/authorized_keys`. Read-only mounts still leak password hashes,
    /// private keys, cloud credentials and every container's data
    /// (`/var/lib/docker`). CIS Docker Benchmark 5.6.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: example/backup:1
    ///     volumes:
    ///       - /etc:/host/etc
    /// ```
    ///
    /// Use instead: mount only what is needed, read-only.
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: example/backup:1
    ///     volumes:
    ///       - /etc/backup.conf:/etc/backup.conf:ro
    /// ```
    ///
    /// ## How to fix
    /// Mount the specific file or application directory the container needs, add
    /// `:ro` (`readonly` with `--mount`), or use a named volume; accept a path that
    /// is really needed (a monitoring agent reading `/proc`) with
    /// `allowed-host-paths`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.6
    /// - [Bind mounts](https://docs.docker.com/engine/storage/bind-mounts/)
    pub static SENSITIVE_HOST_MOUNT = {
        code: "CT013",
        name: "sensitive-host-mount",
        severity: High,
        default_enabled: true,
        cis: ["5.6"],
        summary: "a sensitive host directory is mounted into the container",
        fixable: false,
    }
}

pub struct SensitiveHostMount;

struct Sensitive {
    path: &'static str,
    /// Only the path itself (and directories containing it), not what is inside:
    /// `/home/alice/app` is an ordinary project directory.
    exact: bool,
    read_only: Severity,
    writable: Severity,
    what: &'static str,
}

const fn s(
    path: &'static str,
    read_only: Severity,
    writable: Severity,
    what: &'static str,
) -> Sensitive {
    Sensitive {
        path,
        exact: false,
        read_only,
        writable,
        what,
    }
}

const SENSITIVE: &[Sensitive] = &[
    Sensitive {
        path: "/",
        exact: true,
        read_only: High,
        writable: Critical,
        what: "the host's whole filesystem",
    },
    s("/etc", Medium, Critical, "host configuration"),
    // The runtime state directories as a whole (the engine's socket, D-Bus,
    // systemd and every service's sockets); an application socket under them
    // is not reported here.
    Sensitive {
        path: "/run",
        exact: true,
        read_only: Medium,
        writable: High,
        what: "the host's runtime state: service sockets, D-Bus, systemd",
    },
    Sensitive {
        path: "/var/run",
        exact: true,
        read_only: Medium,
        writable: High,
        what: "the host's runtime state: service sockets, D-Bus, systemd",
    },
    s("/etc/shadow", High, Critical, "host password hashes"),
    s("/etc/gshadow", High, Critical, "host password hashes"),
    s(
        "/etc/ssh",
        High,
        Critical,
        "the host's SSH keys and configuration",
    ),
    s(
        "/etc/docker",
        High,
        Critical,
        "the engine's configuration and TLS keys",
    ),
    s("/etc/kubernetes", High, Critical, "cluster credentials"),
    s(
        "/boot",
        Medium,
        Critical,
        "the host's kernel and boot loader",
    ),
    s("/proc", Medium, Critical, "host kernel interfaces"),
    s(
        "/sys",
        Medium,
        Critical,
        "host kernel and cgroup interfaces",
    ),
    s("/dev", Medium, High, "host devices"),
    s("/usr", Medium, Critical, "host programs and libraries"),
    s("/bin", Medium, Critical, "host programs"),
    s("/sbin", Medium, Critical, "host programs"),
    s(
        "/lib",
        Medium,
        Critical,
        "host libraries and kernel modules",
    ),
    s("/lib32", Medium, Critical, "host libraries"),
    s("/lib64", Medium, Critical, "host libraries"),
    s("/libx32", Medium, Critical, "host libraries"),
    s(
        "/var/lib/docker",
        High,
        Critical,
        "every container's data and the engine's state",
    ),
    s(
        "/var/lib/containerd",
        High,
        Critical,
        "every container's data",
    ),
    s(
        "/var/lib/kubelet",
        High,
        Critical,
        "kubelet credentials and pod volumes",
    ),
    Sensitive {
        path: "/home",
        exact: true,
        read_only: Medium,
        writable: High,
        what: "users' home directories",
    },
];

/// Credential directories in a home directory.
const CREDENTIAL_DIRS: &[&str] = &[
    ".ssh",
    ".aws",
    ".docker",
    ".kube",
    ".gnupg",
    ".config/gcloud",
    ".azure",
];

/// Home directories: root's, a user's on Linux and macOS, and `~`. Like
/// `/home`, they count as a whole and through their credential directories, not
/// for what else is inside: compose projects often live in `/root/app`.
const HOMES: &[&str] = &["/root", "/home/*", "/Users/*", "~"];

/// Read-only mounts that are harmless (and very common).
const HARMLESS_READ_ONLY: &[&str] = &[
    "/etc/localtime",
    "/etc/timezone",
    "/usr/share/zoneinfo",
    "/etc/ssl/certs",
    "/etc/pki/ca-trust",
    "/etc/ca-certificates",
    "/usr/share/ca-certificates",
    "/usr/local/share/ca-certificates",
    "/etc/machine-id",
    "/etc/os-release",
    "/usr/lib/os-release",
    "/etc/hosts",
    "/etc/resolv.conf",
];

/// The most severe reason `path` is sensitive, as (severity, what).
fn classify(path: &str, read_only: bool) -> Option<(Severity, String)> {
    let segs = segments(path);
    if read_only
        && HARMLESS_READ_ONLY
            .iter()
            .any(|h| is_within(&segs, &segments(h)))
    {
        return None;
    }
    let mut best: Option<(Severity, String)> = None;
    let mut consider = |sev: Severity, what: String| {
        if best.as_ref().is_none_or(|(b, _)| sev > *b) {
            best = Some((sev, what));
        }
    };
    for e in SENSITIVE {
        let pat = segments(e.path);
        let sev = if read_only { e.read_only } else { e.writable };
        if segs == pat || (!e.exact && is_within(&segs, &pat)) {
            consider(sev, e.what.to_string());
        } else if contains(&segs, &pat) {
            consider(sev, format!("it contains `{}` ({})", e.path, e.what));
        }
    }
    for home in HOMES {
        for dir in CREDENTIAL_DIRS {
            let pat_s = format!("{home}/{dir}");
            let pat = segments(&pat_s);
            let sev = if read_only { High } else { Critical };
            if is_within(&segs, &pat) {
                consider(sev, "credentials".to_string());
            } else if contains(&segs, &pat) {
                consider(sev, format!("it contains `{dir}` (credentials)"));
            }
        }
    }
    best
}

impl ContainerRule for SensitiveHostMount {
    fn info(&self) -> &'static RuleInfo {
        &SENSITIVE_HOST_MOUNT
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        for m in &spec.mounts {
            let Some(host) = &m.value.host_path else {
                continue;
            };
            let Some(path) = normalize_host_path(host) else {
                continue;
            };
            if host_path_allowed(&path, &cx.opts.allowed_host_paths) {
                continue;
            }
            let Some((severity, what)) = classify(&path, m.value.read_only) else {
                continue;
            };
            let mode = if m.value.read_only {
                "read-only"
            } else {
                "writable"
            };
            sink.report(
                &SENSITIVE_HOST_MOUNT,
                &m.at,
                &path,
                format!(
                    "{} mounts host path `{path}` {mode} at `{}`: {what}",
                    subject(spec),
                    m.value.target
                ),
            )
            .set_severity(severity)
            .set_help(help(
                spec,
                "mount only the files the service needs, read-only (`:ro`), or use a named volume; accept needed paths with `allowed-host-paths`",
                "mount only the files the container needs, read-only (`:ro`), or use a named volume; accept needed paths with `allowed-host-paths`",
                "bind only the files the container needs, read-only, or use a named volume; accept needed paths with `allowed-host-paths`",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        let sev = |p: &str, ro: bool| classify(p, ro).map(|(s, _)| s);
        assert_eq!(sev("/", false), Some(Critical));
        assert_eq!(sev("/", true), Some(High));
        assert_eq!(sev("/etc", true), Some(High));
        assert_eq!(sev("/etc/nginx", true), Some(Medium));
        assert_eq!(sev("/usr", true), Some(Medium));
        assert_eq!(sev("/etc/nginx", false), Some(Critical));
        assert_eq!(sev("/etc/shadow", true), Some(High));
        assert_eq!(sev("/var", true), Some(High));
        assert_eq!(sev("/var/lib/docker/volumes", true), Some(High));
        assert_eq!(sev("/home", true), Some(High));
        assert_eq!(sev("/home/alice", true), Some(High));
        assert_eq!(sev("/home/alice/app", false), None);
        assert_eq!(sev("~/.ssh", true), Some(High));
        assert_eq!(sev("~/src", false), None);
        assert_eq!(sev("/etc/localtime", true), None);
        assert_eq!(sev("/etc/localtime", false), Some(Critical));
        assert_eq!(sev("/srv/data", false), None);
        assert_eq!(sev("/opt/app", false), None);
        assert_eq!(sev("/root", true), Some(High));
        assert_eq!(sev("/root/.ssh/id_ed25519", true), Some(High));
        assert_eq!(sev("/root/stack/data", false), None);
    }
}
