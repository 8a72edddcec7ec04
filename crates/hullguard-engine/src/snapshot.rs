//! The snapshot: the engine's documents as the Engine API returned them (raw
//! JSON, so nothing is lost and the shared API JSON → ContainerSpec conversion
//! reads them), plus facts about the engine's host when it is local.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Version of the snapshot file format.
pub const SNAPSHOT_FORMAT: u32 = 1;

/// Everything the audit reads, collected at one time.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Snapshot {
    /// [`SNAPSHOT_FORMAT`].
    pub format: u32,
    /// RFC 3339 time the collection started.
    pub taken_at: String,
    /// How the engine was reached.
    pub endpoint: Endpoint,
    /// `GET /version`.
    pub version: Value,
    /// `GET /info`.
    pub info: Value,
    /// Every container, whatever its state (running, created, exited, paused ...).
    pub containers: Vec<ContainerSnapshot>,
    pub images: Vec<ImageSnapshot>,
    /// `GET /networks/{id}` documents.
    pub networks: Vec<Value>,
    /// `GET /volumes` entries.
    pub volumes: Vec<Value>,
    /// `GET /plugins` entries.
    pub plugins: Vec<Value>,
    /// When swarm mode is active on the engine.
    pub swarm: Option<SwarmSnapshot>,
    /// When the engine runs on this machine and its files could be read.
    pub host: Option<HostFacts>,
    /// What could not be collected, and why (a container removed mid-audit, a
    /// request the engine refused): shown to the user, never silently dropped.
    pub notes: Vec<String>,
}

/// How the engine was reached.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Endpoint {
    /// `unix:///var/run/docker.sock`, `tcp://host:2376`, `ssh://user@host`.
    pub host: String,
    /// Docker context the endpoint came from, if any.
    pub context: Option<String>,
    /// TLS was used, and the server certificate verified.
    pub tls: bool,
    /// The engine runs on this machine (a unix socket, or TCP to a loopback
    /// address): host facts can be read.
    pub local: bool,
}

/// One container.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ContainerSnapshot {
    pub id: String,
    /// Without the leading `/`.
    pub name: String,
    /// `GET /containers/{id}/json`.
    pub inspect: Value,
    /// `GET /exec/{id}/json` of the container's exec instances (running
    /// containers only).
    pub execs: Vec<Value>,
}

/// One image.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImageSnapshot {
    pub id: String,
    /// `GET /images/{id}/json`.
    pub inspect: Value,
    /// `GET /images/{id}/history`.
    pub history: Value,
}

/// Swarm mode documents.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SwarmSnapshot {
    /// `GET /swarm` (managers only; `Null` on a worker).
    pub swarm: Value,
    pub nodes: Vec<Value>,
    pub services: Vec<Value>,
    pub tasks: Vec<Value>,
    pub secrets: Vec<Value>,
    pub configs: Vec<Value>,
}

/// A file or directory on the engine's host, as the audit needs it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FileFact {
    pub path: String,
    pub exists: bool,
    /// `file`, `dir`, `socket`, `symlink`, `other`.
    pub kind: Option<String>,
    /// Permission bits (`st_mode & 0o7777`).
    pub mode: Option<u32>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    /// Owner and group names, when they resolve.
    pub user: Option<String>,
    pub group: Option<String>,
    /// Text content of small configuration files (daemon.json, unit files,
    /// /etc/default/docker ...); never of keys.
    pub content: Option<String>,
    /// Why it could not be read, if so.
    pub error: Option<String>,
}

/// Facts about the engine's host (CIS sections 1–3).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HostFacts {
    /// The dockerd command line (from `/proc/<pid>/cmdline`), when found.
    pub dockerd_args: Option<Vec<String>>,
    /// The containerd command line, when found.
    pub containerd_args: Option<Vec<String>>,
    /// `daemon.json`: the default path, or `--config-file` from the command line.
    pub daemon_json: Option<FileFact>,
    /// Every file and directory the benchmark names (sockets, systemd units,
    /// certificates and keys, `/etc/docker`, `/etc/default/docker`,
    /// `/etc/sysconfig/docker`, `/etc/subuid`, `/etc/subgid`, the binaries ...).
    pub files: Vec<FileFact>,
    /// Audit rules: `auditctl -l` output, or the rules files when auditctl is
    /// not available.
    pub audit_rules: Option<AuditRules>,
    /// Whether the Docker root directory is its own mount point.
    pub docker_root_is_mount: Option<bool>,
    /// Facilities of the host: rules that depend on one fire only where it is.
    pub facilities: Facilities,
}

/// Audit rules and where they were read.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuditRules {
    /// `auditctl -l`, or `files` (`/etc/audit/audit.rules`, `rules.d/*.rules`).
    pub source: String,
    pub rules: Vec<String>,
}

/// What the host has.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Facilities {
    /// AppArmor is enabled in the kernel (`/sys/module/apparmor/parameters/enabled`).
    pub apparmor: Option<bool>,
    /// SELinux is enabled (`/sys/fs/selinux/enforce` exists).
    pub selinux: Option<bool>,
    /// systemd is PID 1.
    pub systemd: Option<bool>,
    /// The Linux audit system is available (auditctl, or a running auditd).
    pub auditd: Option<bool>,
}
