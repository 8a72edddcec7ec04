//! The host files and directories the CIS Docker Benchmark names, found where
//! this host really keeps them: the dockerd binary of the running daemon, the
//! Docker root of `info.DockerRootDir`, the sockets of its `-H` flags, the TLS
//! files of its `--tlscacert` ..., the containerd of its own command line.
//! Shared by the audit-rule check (CIS 1.1.3–1.1.18) and the ownership and
//! permission checks (CIS 3.1–3.24).

use super::context::{canonical_path, AuditCtx};
use super::daemon_config::flag_value;
use hullguard_snapshot::FileFact;

/// Who should own a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// `root:root`.
    Root,
    /// `root:docker` (the Docker socket; `root:root` is stricter and accepted).
    Docker,
}

/// What a file is, for the severity of a permission finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Configuration the daemon runs (unit files, `daemon.json`,
    /// `/etc/default/docker`, `/etc/docker`): who writes it controls the daemon.
    Config,
    /// A socket: who can write to it controls the daemon.
    Socket,
    /// A certificate: public, but who writes it chooses whom the daemon trusts.
    Cert,
    /// A private key: who reads it impersonates the daemon.
    Key,
}

/// One file the benchmark names, and what it should look like.
pub struct FileCheck<'a> {
    pub fact: &'a FileFact,
    /// `the docker.service unit`, `the Docker socket` ...
    pub what: String,
    /// The CIS IDs of its ownership and of its permissions.
    pub owner_cis: &'static str,
    pub mode_cis: &'static str,
    pub group: Group,
    /// The most permissive mode allowed (`0o644`): a bit outside it is too much.
    pub allowed: u32,
    pub class: Class,
}

/// Directories where systemd keeps unit files, in the order it reads them (the
/// first one holding a unit is the one in use).
const UNIT_DIRS: &[&str] = &[
    "/etc/systemd/system",
    "/run/systemd/system",
    "/usr/local/lib/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
];

fn file_name(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

/// Facts of existing files named `name` (any directory), in unit-directory order
/// for unit files.
fn facts_named<'a>(cx: &AuditCtx<'a>, name: &str) -> Vec<&'a FileFact> {
    let Some(host) = cx.host() else {
        return Vec::new();
    };
    let mut out: Vec<&FileFact> = host
        .files
        .iter()
        .filter(|f| f.exists && file_name(&f.path) == name)
        .collect();
    out.sort_by_key(|f| {
        UNIT_DIRS
            .iter()
            .position(|d| f.path.starts_with(&format!("{d}/")))
            .unwrap_or(UNIT_DIRS.len())
    });
    out
}

/// The unit file systemd uses for `unit` (`docker.service`), if the host has one.
pub fn unit_file<'a>(cx: &AuditCtx<'a>, unit: &str) -> Option<&'a FileFact> {
    facts_named(cx, unit).into_iter().next()
}

/// The unix sockets the daemon listens on: its `unix://` hosts, the
/// `ListenStream` paths of `docker.socket` when it is socket-activated
/// (`fd://`), and the default `/var/run/docker.sock` when no host is given.
pub fn docker_sockets(cx: &AuditCtx) -> Vec<String> {
    let hosts = cx.config.list("host", Some('H'), "hosts");
    let mut out: Vec<String> = Vec::new();
    let mut push = |p: String| {
        if !out.iter().any(|o| canonical_path(o) == canonical_path(&p)) {
            out.push(p);
        }
    };
    for (h, _) in &hosts {
        if let Some(p) = h.strip_prefix("unix://") {
            push(p.to_string());
        } else if h.starts_with("fd://") {
            for l in socket_unit_listeners(cx) {
                if l.starts_with('/') {
                    push(l);
                }
            }
        }
    }
    if hosts.is_empty() && cx.config.args().is_some() {
        // The default socket; a rootless daemon's is in its user's runtime
        // directory, which the endpoint names.
        match cx.snap.endpoint.host.strip_prefix("unix://") {
            Some(p) if cx.rootless => push(p.to_string()),
            _ if cx.rootless => {}
            _ => push("/var/run/docker.sock".to_string()),
        }
    }
    out
}

/// `ListenStream=` values of the `docker.socket` unit.
pub fn socket_unit_listeners(cx: &AuditCtx) -> Vec<String> {
    let Some(unit) = unit_file(cx, "docker.socket") else {
        return Vec::new();
    };
    unit.content
        .as_deref()
        .unwrap_or("")
        .lines()
        .filter_map(|l| l.trim().strip_prefix("ListenStream="))
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// The containerd socket: containerd's `--address`, dockerd's `--containerd`,
/// or the default.
pub fn containerd_socket(cx: &AuditCtx) -> String {
    let host = cx.host();
    host.and_then(|h| h.containerd_args.as_deref())
        .and_then(|a| flag_value(a, "address", Some('a')))
        .or_else(|| {
            cx.config
                .string("containerd", None, "containerd")
                .map(|s| s.0)
        })
        .unwrap_or_else(|| "/run/containerd/containerd.sock".to_string())
}

/// The TLS files of the daemon, when it serves TLS: CA, certificate, key.
/// Defaults are those of dockerd running as root (`~/.docker/*.pem`).
pub fn tls_files(cx: &AuditCtx) -> Vec<(String, &'static str)> {
    let tls = cx.config.bool("tls", None, "tls").is_some_and(|b| b.0)
        || cx
            .config
            .bool("tlsverify", None, "tlsverify")
            .is_some_and(|b| b.0);
    let mut out = Vec::new();
    for (long, default, role) in [
        ("tlscacert", "/root/.docker/ca.pem", "tls-ca"),
        ("tlscert", "/root/.docker/cert.pem", "tls-cert"),
        ("tlskey", "/root/.docker/key.pem", "tls-key"),
    ] {
        match cx.config.string(long, None, long) {
            Some((p, _)) => out.push((expand_home(&p), role)),
            None if tls && !cx.rootless => out.push((default.to_string(), role)),
            None => {}
        }
    }
    out
}

/// `~/x` of the daemon (root): `/root/x`.
fn expand_home(p: &str) -> String {
    match p.strip_prefix("~/") {
        Some(rest) => format!("/root/{rest}"),
        None => p.to_string(),
    }
}

/// The existing files of a benchmark item: the facts the collector tagged with
/// one of `roles`, or, in a snapshot without roles (hand-written, older), the
/// facts at the paths `legacy` derives from the configuration (`required`
/// paths without a fact go to `missing`).
fn candidates<'a>(
    cx: &AuditCtx<'a>,
    roles: &[&str],
    legacy: impl FnOnce() -> Vec<(String, bool)>,
    missing: &mut Vec<String>,
) -> Vec<&'a FileFact> {
    let Some(host) = cx.host() else {
        return Vec::new();
    };
    let tagged: Vec<&'a FileFact> = host
        .files
        .iter()
        .chain(host.daemon_json.iter())
        .filter(|f| f.role.as_deref().is_some_and(|r| roles.contains(&r)))
        .collect();
    let mut out: Vec<&'a FileFact> = Vec::new();
    let push = |f: &'a FileFact, out: &mut Vec<&'a FileFact>| {
        if !out
            .iter()
            .any(|o| canonical_path(&o.path) == canonical_path(&f.path))
        {
            out.push(f);
        }
    };
    if !tagged.is_empty() {
        for f in tagged.into_iter().filter(|f| f.exists) {
            push(f, &mut out);
        }
        return out;
    }
    for (path, required) in legacy() {
        match cx.file(&path) {
            Some(f) if f.exists => push(f, &mut out),
            Some(_) => {}
            None if required => missing.push(path),
            None => {}
        }
    }
    out
}

/// Paths of existing facts named `name`, for [`candidates`]' legacy lookup.
fn named(cx: &AuditCtx, name: &str) -> Vec<(String, bool)> {
    facts_named(cx, name)
        .into_iter()
        .map(|f| (f.path.clone(), false))
        .collect()
}

/// One item of CIS section 3.
struct Section3 {
    roles: &'static [&'static str],
    what: &'static str,
    cis: (&'static str, &'static str),
    group: Group,
    allowed: u32,
    class: Class,
}

const SECTION3: &[Section3] = &[
    Section3 {
        roles: &["docker-service", "docker-service-dropin"],
        what: "the docker.service unit",
        cis: ("3.1", "3.2"),
        group: Group::Root,
        allowed: 0o644,
        class: Class::Config,
    },
    Section3 {
        roles: &["docker-socket-unit", "docker-socket-dropin"],
        what: "the docker.socket unit",
        cis: ("3.3", "3.4"),
        group: Group::Root,
        allowed: 0o644,
        class: Class::Config,
    },
    Section3 {
        roles: &["docker-config-dir"],
        what: "the /etc/docker directory",
        cis: ("3.5", "3.6"),
        group: Group::Root,
        allowed: 0o755,
        class: Class::Config,
    },
    Section3 {
        roles: &["registry-cert"],
        what: "a registry certificate",
        cis: ("3.7", "3.8"),
        group: Group::Root,
        allowed: 0o444,
        class: Class::Cert,
    },
    Section3 {
        roles: &["tls-ca"],
        what: "the TLS CA certificate",
        cis: ("3.9", "3.10"),
        group: Group::Root,
        allowed: 0o444,
        class: Class::Cert,
    },
    Section3 {
        roles: &["tls-cert"],
        what: "the TLS server certificate",
        cis: ("3.11", "3.12"),
        group: Group::Root,
        allowed: 0o444,
        class: Class::Cert,
    },
    Section3 {
        roles: &["tls-key"],
        what: "the TLS server key",
        cis: ("3.13", "3.14"),
        group: Group::Root,
        allowed: 0o400,
        class: Class::Key,
    },
    Section3 {
        roles: &["docker-sock"],
        what: "the Docker socket",
        cis: ("3.15", "3.16"),
        group: Group::Docker,
        allowed: 0o660,
        class: Class::Socket,
    },
    Section3 {
        roles: &["daemon-json"],
        what: "the daemon configuration",
        cis: ("3.17", "3.18"),
        group: Group::Root,
        allowed: 0o644,
        class: Class::Config,
    },
    Section3 {
        roles: &["etc-default-docker"],
        what: "the Docker environment file",
        cis: ("3.19", "3.20"),
        group: Group::Root,
        allowed: 0o644,
        class: Class::Config,
    },
    Section3 {
        roles: &["etc-sysconfig-docker"],
        what: "the Docker environment file",
        cis: ("3.21", "3.22"),
        group: Group::Root,
        allowed: 0o644,
        class: Class::Config,
    },
    Section3 {
        roles: &["containerd-sock"],
        what: "the containerd socket",
        cis: ("3.23", "3.24"),
        group: Group::Root,
        allowed: 0o660,
        class: Class::Socket,
    },
];

/// The files of CIS section 3 that exist on this host, with what each should
/// look like; `missing` gets the paths the audit expected facts about and the
/// snapshot has none of. Symbolic links are checked as what they point to (the
/// collector records the target's owner and mode).
pub fn file_checks<'a>(cx: &AuditCtx<'a>, missing: &mut Vec<String>) -> Vec<FileCheck<'a>> {
    let mut out: Vec<FileCheck<'a>> = Vec::new();
    let Some(host) = cx.host() else {
        return out;
    };
    for item in SECTION3 {
        if is_unit_role(item.roles[0]) && !cx.has_systemd() {
            continue;
        }
        let legacy = || -> Vec<(String, bool)> {
            match item.roles[0] {
                "docker-service" => named(cx, "docker.service"),
                "docker-socket-unit" => named(cx, "docker.socket"),
                "docker-config-dir" => vec![("/etc/docker".to_string(), false)],
                "registry-cert" => host
                    .files
                    .iter()
                    .filter(|f| f.path.starts_with("/etc/docker/certs.d/"))
                    .map(|f| (f.path.clone(), false))
                    .collect(),
                "tls-ca" | "tls-cert" | "tls-key" => tls_files(cx)
                    .into_iter()
                    .filter(|(_, r)| *r == item.roles[0])
                    .map(|(p, _)| (p, true))
                    .collect(),
                "docker-sock" => docker_sockets(cx).into_iter().map(|p| (p, true)).collect(),
                "daemon-json" => host
                    .daemon_json
                    .iter()
                    .map(|f| (f.path.clone(), false))
                    .collect(),
                "etc-default-docker" => vec![("/etc/default/docker".to_string(), false)],
                "etc-sysconfig-docker" => vec![("/etc/sysconfig/docker".to_string(), false)],
                _ => vec![(containerd_socket(cx), false)],
            }
        };
        for fact in candidates(cx, item.roles, legacy, missing) {
            if out
                .iter()
                .any(|c| canonical_path(&c.fact.path) == canonical_path(&fact.path))
            {
                continue;
            }
            let is_dir = fact.kind.as_deref() == Some("dir");
            // Registry certificates: the files (CIS 3.8 is about files); a
            // client key under certs.d is a key.
            let (what, allowed, class) = if item.roles[0] == "registry-cert" {
                if is_dir {
                    continue;
                }
                if fact.path.ends_with(".key") {
                    ("a registry client key", 0o400, Class::Key)
                } else {
                    (item.what, item.allowed, item.class)
                }
            } else {
                (item.what, item.allowed, item.class)
            };
            out.push(FileCheck {
                fact,
                what: what.to_string(),
                owner_cis: item.cis.0,
                mode_cis: item.cis.1,
                group: item.group,
                allowed,
                class,
            });
        }
    }
    out
}

/// The swarm's saved node configuration (`<DockerRootDir>/swarm/docker-state.json`:
/// `ListenAddr`, `AdvertiseAddr`, `DataPathAddr` ...), which the API does not
/// show.
pub fn swarm_state<'a>(cx: &AuditCtx<'a>) -> Option<(&'a FileFact, serde_json::Value)> {
    let host = cx.host()?;
    let f = host.files.iter().find(|f| {
        f.exists
            && (f.role.as_deref() == Some("swarm-state")
                || f.path.ends_with("/swarm/docker-state.json"))
    })?;
    let v = serde_json::from_str(f.content.as_deref()?).ok()?;
    Some((f, v))
}

/// The note about files whose facts the snapshot lacks (shared by the owner and
/// mode rules, so it appears once).
pub fn missing_note(missing: &[String]) -> String {
    format!(
        "the snapshot has no host facts about {}: their owner and mode (CIS 3) not checked",
        missing.join(", ")
    )
}

/// A path the benchmark asks the audit system to watch.
pub struct AuditTarget {
    pub cis: &'static str,
    /// `the dockerd binary`, `the Docker root directory` ...
    pub what: &'static str,
    /// The path to report (the real file when `path` is a symbolic link).
    pub path: String,
    /// Other spellings a rule may watch instead (the symbolic link itself).
    pub aliases: Vec<String>,
}

/// One item of CIS 1.1.3–1.1.18.
struct Section1 {
    cis: &'static str,
    role: &'static str,
    what: &'static str,
}

const SECTION1: &[Section1] = &[
    Section1 {
        cis: "1.1.3",
        role: "dockerd",
        what: "the dockerd binary",
    },
    Section1 {
        cis: "1.1.4",
        role: "containerd-dir",
        what: "the containerd state directory",
    },
    Section1 {
        cis: "1.1.5",
        role: "docker-root",
        what: "the Docker root directory",
    },
    Section1 {
        cis: "1.1.6",
        role: "docker-config-dir",
        what: "the /etc/docker directory",
    },
    Section1 {
        cis: "1.1.7",
        role: "docker-service",
        what: "the docker.service unit",
    },
    Section1 {
        cis: "1.1.8",
        role: "containerd-sock",
        what: "the containerd socket",
    },
    Section1 {
        cis: "1.1.9",
        role: "docker-sock",
        what: "the Docker socket",
    },
    Section1 {
        cis: "1.1.10",
        role: "etc-default-docker",
        what: "the Docker environment file",
    },
    Section1 {
        cis: "1.1.11",
        role: "daemon-json",
        what: "the daemon configuration",
    },
    Section1 {
        cis: "1.1.12",
        role: "containerd-config",
        what: "the containerd configuration",
    },
    Section1 {
        cis: "1.1.13",
        role: "etc-sysconfig-docker",
        what: "the Docker environment file",
    },
    Section1 {
        cis: "1.1.14",
        role: "containerd",
        what: "the containerd binary",
    },
    Section1 {
        cis: "1.1.15",
        role: "containerd-shim",
        what: "the containerd-shim binary",
    },
    Section1 {
        cis: "1.1.16",
        role: "containerd-shim-runc-v1",
        what: "the containerd-shim-runc-v1 binary",
    },
    Section1 {
        cis: "1.1.17",
        role: "containerd-shim-runc-v2",
        what: "the containerd-shim-runc-v2 binary",
    },
    Section1 {
        cis: "1.1.18",
        role: "runc",
        what: "the runc binary",
    },
];

/// The paths of CIS 1.1.3–1.1.18 that exist on this host. `unknown` gets the
/// names of those the snapshot says nothing about.
pub fn audit_targets(cx: &AuditCtx, unknown: &mut Vec<String>) -> Vec<AuditTarget> {
    let mut out: Vec<AuditTarget> = Vec::new();
    let Some(host) = cx.host() else {
        return out;
    };
    for item in SECTION1 {
        if is_unit_role(item.role) && !cx.has_systemd() {
            continue;
        }
        let tagged: Vec<&FileFact> = host
            .files
            .iter()
            .chain(host.daemon_json.iter())
            .filter(|f| f.role.as_deref() == Some(item.role))
            .collect();
        let mut facts: Vec<&FileFact> = if tagged.is_empty() {
            match legacy_target(cx, item, unknown) {
                Legacy::Path(p) => {
                    push_target(&mut out, item, p, Vec::new());
                    continue;
                }
                Legacy::Facts(f) => f,
            }
        } else {
            tagged.into_iter().filter(|f| f.exists).collect()
        };
        // The unit in use is the first in systemd's order.
        if item.role == "docker-service" {
            facts.sort_by_key(|f| {
                UNIT_DIRS
                    .iter()
                    .position(|d| f.path.starts_with(&format!("{d}/")))
                    .unwrap_or(UNIT_DIRS.len())
            });
            facts.truncate(1);
        }
        // A symbolic link and the file it points to are one target: the rule
        // may watch either; the real file is reported.
        for f in &facts {
            if f.kind.as_deref() == Some("symlink") {
                match f.target.as_deref().and_then(|t| link_target(&f.path, t)) {
                    Some(t)
                        if facts
                            .iter()
                            .any(|g| canonical_path(&g.path) == canonical_path(&t)) =>
                    {
                        // Reported with the real file.
                    }
                    Some(t) => push_target(&mut out, item, t, vec![f.path.clone()]),
                    None => push_target(&mut out, item, f.path.clone(), Vec::new()),
                }
                continue;
            }
            let aliases: Vec<String> = facts
                .iter()
                .filter(|g| {
                    g.kind.as_deref() == Some("symlink")
                        && g.target
                            .as_deref()
                            .and_then(|t| link_target(&g.path, t))
                            .is_some_and(|t| canonical_path(&t) == canonical_path(&f.path))
                })
                .map(|g| g.path.clone())
                .collect();
            push_target(&mut out, item, f.path.clone(), aliases);
        }
    }
    out
}

/// Where a benchmark path is, in a snapshot whose facts carry no roles.
enum Legacy<'a> {
    /// A path the engine or the daemon's command line names: it exists.
    Path(String),
    /// The existing facts found for it (none: not on this host, or unknown).
    Facts(Vec<&'a FileFact>),
}

/// The path of a CIS 1.1 item derived from the configuration, for snapshots
/// without roles (hand-written, older). Paths without any fact go to `unknown`.
fn legacy_target<'a>(cx: &AuditCtx<'a>, item: &Section1, unknown: &mut Vec<String>) -> Legacy<'a> {
    let Some(host) = cx.host() else {
        return Legacy::Facts(Vec::new());
    };
    let containerd_args = host.containerd_args.as_deref();
    let containerd_sock = containerd_socket(cx);
    let mut existing = |path: String| -> Legacy<'a> {
        match cx.file(&path) {
            Some(f) if f.exists => Legacy::Facts(vec![f]),
            Some(_) => Legacy::Facts(Vec::new()),
            None => {
                unknown.push(path);
                Legacy::Facts(Vec::new())
            }
        }
    };
    match item.role {
        "dockerd" => match host.dockerd_args.as_ref().and_then(|a| a.first()) {
            Some(p) if p.starts_with('/') => Legacy::Path(p.clone()),
            _ => binary(cx, "dockerd", None, unknown),
        },
        "containerd-dir" => existing(
            containerd_args
                .and_then(|a| flag_value(a, "state", None))
                .unwrap_or_else(|| {
                    containerd_sock
                        .rsplit_once('/')
                        .map_or("/run/containerd".to_string(), |(d, _)| d.to_string())
                }),
        ),
        "docker-root" => match cx.info_str("/DockerRootDir").filter(|d| !d.is_empty()) {
            Some(d) => Legacy::Path(d.to_string()),
            None => existing("/var/lib/docker".to_string()),
        },
        "docker-config-dir" => existing("/etc/docker".to_string()),
        "docker-service" => Legacy::Facts(unit_file(cx, "docker.service").into_iter().collect()),
        "containerd-sock" => existing(containerd_sock),
        "docker-sock" => {
            let mut facts = Vec::new();
            for sock in docker_sockets(cx) {
                match cx.file(&sock) {
                    Some(f) if f.exists => facts.push(f),
                    Some(_) => {}
                    None => unknown.push(sock),
                }
            }
            Legacy::Facts(facts)
        }
        "etc-default-docker" => existing("/etc/default/docker".to_string()),
        "daemon-json" => Legacy::Facts(host.daemon_json.iter().filter(|f| f.exists).collect()),
        "containerd-config" => existing(
            containerd_args
                .and_then(|a| flag_value(a, "config", Some('c')))
                .unwrap_or_else(|| "/etc/containerd/config.toml".to_string()),
        ),
        "etc-sysconfig-docker" => existing("/etc/sysconfig/docker".to_string()),
        name => {
            let from_args = containerd_args
                .and_then(|a| a.first())
                .filter(|p| p.starts_with('/'));
            match from_args {
                Some(p) if name == "containerd" => Legacy::Path(p.clone()),
                _ => binary(
                    cx,
                    name,
                    from_args.and_then(|p| p.rsplit_once('/').map(|(d, _)| d)),
                    unknown,
                ),
            }
        }
    }
}

/// The facts of binary `name`: the one in `dir` (containerd's), else the first
/// found, with the file a symbolic link points to.
fn binary<'a>(
    cx: &AuditCtx<'a>,
    name: &str,
    dir: Option<&str>,
    unknown: &mut Vec<String>,
) -> Legacy<'a> {
    let named = facts_named(cx, name);
    let chosen = dir
        .and_then(|d| named.iter().find(|f| f.path == format!("{d}/{name}")))
        .or(named.first())
        .copied();
    let Some(f) = chosen else {
        let known_absent = cx.host().is_some_and(|h| {
            h.files
                .iter()
                .any(|f| !f.exists && file_name(&f.path) == name)
        });
        if !known_absent {
            unknown.push(name.to_string());
        }
        return Legacy::Facts(Vec::new());
    };
    let mut facts = vec![f];
    if let Some(t) = f.target.as_deref().and_then(|t| link_target(&f.path, t)) {
        if let Some(real) = cx.file(&t).filter(|r| r.exists) {
            facts.push(real);
        }
    }
    Legacy::Facts(facts)
}

/// The note for a host with Docker unit files but without systemd (a container,
/// a sysvinit host): the units are not what starts the daemon, so CIS 1.1.7
/// and 3.1–3.4 do not apply.
pub fn systemd_note(cx: &AuditCtx) -> Option<String> {
    if cx.has_systemd() {
        return None;
    }
    let units = cx.host()?.files.iter().any(|f| {
        f.exists
            && (f.role.as_deref().is_some_and(is_unit_role)
                || matches!(file_name(&f.path), "docker.service" | "docker.socket"))
    });
    units.then(|| {
        "the host does not run systemd: its Docker unit files are not checked (CIS 1.1.7, 3.1–3.4 do not apply)"
            .to_string()
    })
}

/// Whether a role is a systemd unit (checked only where systemd runs).
fn is_unit_role(role: &str) -> bool {
    matches!(
        role,
        "docker-service" | "docker-service-dropin" | "docker-socket-unit" | "docker-socket-dropin"
    )
}

/// The absolute path a symbolic link at `link` points to (`../sbin/runc` from
/// `/usr/bin/runc` is `/usr/sbin/runc`).
fn link_target(link: &str, target: &str) -> Option<String> {
    if target.starts_with('/') {
        return crate::container::normalize_host_path(target);
    }
    let dir = link.rsplit_once('/').map_or("", |(d, _)| d);
    crate::container::normalize_host_path(&format!("{dir}/{target}"))
}

fn push_target(out: &mut Vec<AuditTarget>, item: &Section1, path: String, aliases: Vec<String>) {
    if out
        .iter()
        .any(|t| canonical_path(&t.path) == canonical_path(&path))
    {
        return;
    }
    out.push(AuditTarget {
        cis: item.cis,
        what: item.what,
        path,
        aliases,
    });
}

/// The paths the audit system watches: `-w PATH`, `-F path=PATH` (that file)
/// and `-F dir=PATH` (that directory and everything under it). A `-w` on a
/// directory is a `dir=` watch (auditctl(8)).
pub fn watched(rules: &[String]) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for line in rules {
        let line = line.split('#').next().unwrap_or("");
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.first() == Some(&"-a") && words.get(1).is_some_and(|w| w.starts_with("never")) {
            continue;
        }
        let mut i = 0;
        while i < words.len() {
            match words[i] {
                "-w" => {
                    if let Some(p) = words.get(i + 1) {
                        out.push((canonical_path(p), true));
                    }
                    i += 2;
                    continue;
                }
                "-F" => {
                    if let Some(f) = words.get(i + 1) {
                        if let Some(p) = f.strip_prefix("path=") {
                            out.push((canonical_path(p), false));
                        } else if let Some(p) = f.strip_prefix("dir=") {
                            out.push((canonical_path(p), true));
                        }
                    }
                    i += 2;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

/// Whether a path is watched: a watch on it, or a recursive watch on a
/// directory above it.
pub fn is_watched(path: &str, watches: &[(String, bool)]) -> bool {
    let p = canonical_path(path);
    watches.iter().any(|(w, subtree)| {
        *w == p || (*subtree && p.starts_with(&format!("{}/", w.trim_end_matches('/'))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_rule_matching() {
        let rules: Vec<String> = [
            "-w /usr/bin/dockerd -p rwxa -k docker",
            "-a always,exit -F dir=/etc/docker -F perm=wa -k docker",
            "-a always,exit -F path=/run/containerd/containerd.sock -F perm=wa",
            "-w /var/run/docker.sock -k docker",
            "# -w /usr/bin/runc",
            "-a never,exit -F dir=/var/lib/docker",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let w = watched(&rules);
        assert!(is_watched("/usr/bin/dockerd", &w));
        assert!(is_watched("/etc/docker/daemon.json", &w));
        assert!(is_watched("/etc/docker", &w));
        assert!(is_watched("/var/run/containerd/containerd.sock", &w));
        assert!(is_watched("/run/docker.sock", &w));
        assert!(!is_watched("/usr/bin/runc", &w));
        assert!(!is_watched("/var/lib/docker", &w));
        assert!(!is_watched("/etc/dockerfile", &w));
        assert!(!is_watched("/usr/bin/dockerd-rootless.sh", &w));
    }
}
