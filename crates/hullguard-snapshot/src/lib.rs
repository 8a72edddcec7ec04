//! The live audit's snapshot, in a crate of its own so the rules depend on the
//! data and not on the engine client (hyper, rustls, tokio).
//!
//! The snapshot: the engine's documents as the Engine API returned them (raw
//! JSON, so nothing is lost and the shared API JSON → ContainerSpec conversion
//! reads them), plus facts about the engine's host when it is local.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io::{Read, Write};

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
    /// What the benchmark calls it, so rules need not match paths: one of
    /// `hullguard_engine::host::ROLES` (`docker-service`, `docker-sock`, `tls-key` ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Where a symbolic link points (`kind == "symlink"`), as read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
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
    /// Whether the Docker root directory is on its own filesystem (CIS
    /// 1.1.1): a mount point whose device differs from its parent's. A bind
    /// mount of the directory onto itself (dockerd makes one when the parent
    /// mount is shared) is a mount point but not a separate partition: `false`.
    pub docker_root_is_mount: Option<bool>,
    /// The mount that holds the Docker root directory, from
    /// `/proc/self/mountinfo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_root_mount: Option<MountFact>,
    /// Facilities of the host: rules that depend on one fire only where it is.
    pub facilities: Facilities,
}

/// One line of `/proc/self/mountinfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MountFact {
    /// Where it is mounted.
    pub mount_point: String,
    /// The directory of the filesystem mounted there (`/` unless a bind mount).
    pub root: String,
    /// `major:minor` of the device.
    pub device: String,
    /// `ext4`, `xfs`, `overlay` ...
    pub fs_type: String,
    /// `/dev/sdb1` ...
    pub source: String,
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

/// Largest snapshot [`Snapshot::from_reader`] accepts.
pub const MAX_SNAPSHOT_BYTES: u64 = 512 << 20;

/// A snapshot could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read or write the snapshot: {0}")]
    Io(#[from] std::io::Error),
    #[error("the snapshot is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("not a hullguard snapshot: {0}")]
    NotASnapshot(String),
    #[error("snapshot format {found} is not supported: this hullguard reads format {expected} (take the snapshot again with this version)")]
    Format { found: u64, expected: u32 },
    #[error("invalid snapshot: {0}")]
    Json(#[source] serde_json::Error),
}

impl Snapshot {
    /// Write as pretty JSON (recorded snapshots are test fixtures: diffs
    /// should read well).
    pub fn to_writer(&self, writer: impl Write) -> Result<(), SnapshotError> {
        serde_json::to_writer_pretty(writer, self).map_err(|e| match e.io_error_kind() {
            Some(kind) => SnapshotError::Io(std::io::Error::new(kind, e.to_string())),
            None => SnapshotError::Json(e),
        })
    }

    /// Read a snapshot written by [`Snapshot::to_writer`], at most
    /// [`MAX_SNAPSHOT_BYTES`].
    pub fn from_reader(reader: impl Read) -> Result<Snapshot, SnapshotError> {
        Snapshot::from_reader_with_limit(reader, MAX_SNAPSHOT_BYTES)
    }

    /// [`Snapshot::from_reader`] with another size limit.
    pub fn from_reader_with_limit(
        reader: impl Read,
        limit: u64,
    ) -> Result<Snapshot, SnapshotError> {
        let mut bytes = Vec::new();
        reader
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(SnapshotError::TooLarge { limit });
        }
        // The version first, so that a snapshot from another version gets a
        // clear message rather than whichever field changed.
        #[derive(Deserialize)]
        struct Header {
            format: Option<Value>,
        }
        let header: Header = serde_json::from_slice(&bytes)
            .map_err(|e| SnapshotError::NotASnapshot(format!("not a JSON object ({e})")))?;
        match header.format {
            None => return Err(SnapshotError::NotASnapshot("no `format` field".to_string())),
            Some(Value::Number(n)) if n.as_u64() == Some(u64::from(SNAPSHOT_FORMAT)) => {}
            Some(Value::Number(n)) => {
                return Err(SnapshotError::Format {
                    found: n.as_u64().unwrap_or(0),
                    expected: SNAPSHOT_FORMAT,
                })
            }
            Some(other) => {
                return Err(SnapshotError::NotASnapshot(format!(
                    "`format` is {other}, not a number"
                )))
            }
        }
        serde_json::from_slice(&bytes).map_err(SnapshotError::Json)
    }
}
