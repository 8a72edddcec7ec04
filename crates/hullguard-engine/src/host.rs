//! Facts about the engine's host (CIS Docker Benchmark v1.8.0 sections 1 and
//! 3), read when the engine is local: the dockerd and containerd command lines
//! from `/proc`, `daemon.json`, ownership and mode of every file the benchmark
//! names, audit rules, whether the Docker root is its own mount, and which
//! security facilities the host has.
//!
//! Host files are hostile input: every read is bounded, content is kept only
//! for small configuration text files owned by a trusted user (or readable by
//! everyone), private keys are never opened, and a FIFO in place of a file
//! cannot block the audit.

use crate::snapshot::{AuditRules, Endpoint, Facilities, FileFact, HostFacts, MountFact};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The values of [`FileFact::role`].
pub const ROLES: &[&str] = &[
    "docker-service",
    "docker-socket-unit",
    "containerd-service",
    "docker-service-dropin",
    "docker-socket-dropin",
    "containerd-service-dropin",
    "docker-config-dir",
    "daemon-json",
    "registry-certs-dir",
    "registry-cert",
    "tls-ca",
    "tls-cert",
    "tls-key",
    "docker-sock",
    "containerd-sock",
    "containerd-dir",
    "containerd-config",
    "docker-root",
    "etc-default-docker",
    "etc-sysconfig-docker",
    "subuid",
    "subgid",
    "dockerd",
    "containerd",
    "containerd-shim",
    "containerd-shim-runc-v1",
    "containerd-shim-runc-v2",
    "runc",
    "swarm-state",
];

/// Largest file whose content is kept (daemon.json, unit files ...).
pub const MAX_CONTENT_BYTES: u64 = 1 << 20;
/// Largest `/proc/<pid>/cmdline` read.
const MAX_CMDLINE_BYTES: u64 = 128 << 10;
/// Largest passwd, group or mountinfo read.
const MAX_TABLE_BYTES: u64 = 8 << 20;
/// Processes looked at in `/proc`, at most.
const MAX_PROCESSES: usize = 200_000;
/// Files listed in one directory (drop-ins, certs.d, rules.d), at most.
const MAX_DIR_ENTRIES: usize = 256;
/// How long `auditctl -l` may take.
const AUDITCTL_TIMEOUT: Duration = Duration::from_secs(5);

/// Where systemd keeps unit files, most specific first.
const SYSTEMD_DIRS: &[&str] = &[
    "/etc/systemd/system",
    "/run/systemd/system",
    "/usr/local/lib/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
];

/// Where binaries are looked for when no process names them.
const BIN_DIRS: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
];

/// Host facts of this machine, for an engine reached at `endpoint` whose
/// `GET /info` is `info`; and notes on what could not be read.
pub async fn collect_host_facts(info: &Value, endpoint: &Endpoint) -> (HostFacts, Vec<String>) {
    let info = info.clone();
    let endpoint = endpoint.clone();
    let files =
        tokio::task::spawn_blocking(move || host_facts_at(Path::new("/"), &info, &endpoint));
    let (auditctl, files) = futures_util::join!(auditctl_rules(), files);
    let (mut facts, mut notes) = match files {
        Ok(r) => r,
        Err(e) => (
            HostFacts::default(),
            vec![format!("host facts could not be read: {e}")],
        ),
    };
    match auditctl {
        AuditctlResult::Rules(rules) => {
            facts.audit_rules = Some(rules);
            facts.facilities.auditd = Some(true);
        }
        AuditctlResult::Failed(why) => {
            notes.push(format!(
                "auditctl -l failed ({why}); audit rules read from files"
            ));
        }
        AuditctlResult::Absent => {}
    }
    (facts, notes)
}

enum AuditctlResult {
    Absent,
    Failed(String),
    Rules(AuditRules),
}

async fn auditctl_rules() -> AuditctlResult {
    use tokio::io::AsyncReadExt;
    let Some(program) = ["/sbin/auditctl", "/usr/sbin/auditctl", "/usr/bin/auditctl"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
    else {
        return AuditctlResult::Absent;
    };
    let child = tokio::process::Command::new(&program)
        .arg("-l")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return AuditctlResult::Failed(e.to_string()),
    };
    let Some(stdout) = child.stdout.take() else {
        return AuditctlResult::Failed("no output pipe".into());
    };
    let work = async {
        let mut out = Vec::new();
        stdout.take(MAX_CONTENT_BYTES).read_to_end(&mut out).await?;
        let status = child.wait().await?;
        Ok::<_, std::io::Error>((status, out))
    };
    match tokio::time::timeout(AUDITCTL_TIMEOUT, work).await {
        Err(_) => {
            AuditctlResult::Failed(format!("no answer within {}s", AUDITCTL_TIMEOUT.as_secs()))
        }
        Ok(Err(e)) => AuditctlResult::Failed(e.to_string()),
        Ok(Ok((status, _))) if !status.success() => AuditctlResult::Failed(status.to_string()),
        Ok(Ok((_, out))) => AuditctlResult::Rules(AuditRules {
            source: "auditctl -l".into(),
            rules: String::from_utf8_lossy(&out)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && *l != "No rules")
                .map(str::to_string)
                .collect(),
        }),
    }
}

/// The blocking part, against a filesystem rooted at `root` (`/` in
/// production; a prepared tree in tests). `auditctl` is not run here.
pub fn host_facts_at(root: &Path, info: &Value, endpoint: &Endpoint) -> (HostFacts, Vec<String>) {
    let mut h = Host::new(root);
    let facts = h.run(info, endpoint);
    (facts, h.notes)
}

/// A process of interest.
#[derive(Debug, Clone)]
struct Proc {
    pid: u32,
    ppid: u32,
    uid: u32,
    args: Vec<String>,
    exe: Option<String>,
}

struct Host {
    root: PathBuf,
    notes: Vec<String>,
    users: Option<BTreeMap<u32, String>>,
    groups: Option<BTreeMap<u32, String>>,
    /// Owners whose files' content may be kept.
    trusted: BTreeSet<u32>,
}

impl Host {
    fn new(root: &Path) -> Self {
        Host {
            root: root.to_path_buf(),
            notes: Vec::new(),
            users: None,
            groups: None,
            trusted: BTreeSet::from([0]),
        }
    }

    /// `root` + an absolute host path.
    fn at(&self, path: &str) -> PathBuf {
        self.root.join(path.trim_start_matches('/'))
    }

    fn run(&mut self, info: &Value, endpoint: &Endpoint) -> HostFacts {
        let docker_root = info
            .get("DockerRootDir")
            .and_then(Value::as_str)
            .filter(|s| s.starts_with('/'))
            .map(str::to_string);
        let procs = self.processes(&["dockerd", "containerd", "auditd"]);
        let endpoint_socket = endpoint.host.strip_prefix("unix://").map(str::to_string);
        let dockerd = self.pick_dockerd(&procs, endpoint_socket.as_deref(), docker_root.as_deref());
        if let Some(d) = &dockerd {
            self.trusted.insert(d.uid);
        }
        let flags = dockerd.as_ref().map(|d| Flags::new(&d.args[1..]));

        // daemon.json: --config-file, else the default path.
        let daemon_json_path = flags
            .as_ref()
            .and_then(|f| f.value(&["--config-file"]))
            .unwrap_or_else(|| "/etc/docker/daemon.json".to_string());
        let daemon_json = self.fact(&daemon_json_path, "daemon-json", true);
        let config: Value = daemon_json
            .content
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or(Value::Null);
        if daemon_json.content.is_some() && !config.is_object() {
            self.notes.push(format!(
                "{daemon_json_path} is not a JSON object; its settings were not read"
            ));
        }
        let setting = |flag: &[&str], key: &str| -> Option<String> {
            flags
                .as_ref()
                .and_then(|f| f.value(flag))
                .or_else(|| config.get(key).and_then(Value::as_str).map(str::to_string))
        };

        let containerd = self.pick_containerd(
            &procs,
            dockerd.as_ref(),
            setting(&["--containerd"], "containerd"),
        );

        let mut files: Vec<FileFact> = Vec::new();
        let mut seen = BTreeSet::new();
        let mut push = |files: &mut Vec<FileFact>, f: FileFact| {
            if seen.insert((f.path.clone(), f.role.clone())) {
                files.push(f);
            }
        };

        // systemd units and their drop-ins, wherever systemd keeps them.
        for dir in SYSTEMD_DIRS {
            for (unit, role) in [
                ("docker.service", "docker-service"),
                ("docker.socket", "docker-socket-unit"),
                ("containerd.service", "containerd-service"),
            ] {
                let f = self.fact(&format!("{dir}/{unit}"), role, true);
                push(&mut files, f);
                for path in self.list(&format!("{dir}/{unit}.d"), |n| n.ends_with(".conf")) {
                    let role = match unit {
                        "docker.service" => "docker-service-dropin",
                        "docker.socket" => "docker-socket-dropin",
                        _ => "containerd-service-dropin",
                    };
                    let f = self.fact(&path, role, true);
                    push(&mut files, f);
                }
            }
        }

        for (path, role, content) in [
            ("/etc/docker", "docker-config-dir", false),
            ("/etc/default/docker", "etc-default-docker", true),
            ("/etc/sysconfig/docker", "etc-sysconfig-docker", true),
            ("/etc/subuid", "subuid", true),
            ("/etc/subgid", "subgid", true),
            ("/run/containerd", "containerd-dir", false),
            ("/etc/containerd/config.toml", "containerd-config", true),
        ] {
            let f = self.fact(path, role, content);
            push(&mut files, f);
        }
        push(&mut files, daemon_json.clone());

        // Registry certificates (CIS 3.7/3.8): names and modes only.
        let certs_d = "/etc/docker/certs.d";
        let f = self.fact(certs_d, "registry-certs-dir", false);
        let certs_exist = f.exists;
        push(&mut files, f);
        if certs_exist {
            for path in self.walk(certs_d, 3) {
                let f = self.fact(&path, "registry-cert", false);
                push(&mut files, f);
            }
        }

        // TLS material of the daemon (CIS 3.9–3.14); keys are never opened.
        let tls_on = flags
            .as_ref()
            .is_some_and(|f| f.bool(&["--tls"]) || f.bool(&["--tlsverify"]))
            || config.get("tls").and_then(Value::as_bool) == Some(true)
            || config.get("tlsverify").and_then(Value::as_bool) == Some(true);
        for (flag, key, role, default) in [
            ("--tlscacert", "tlscacert", "tls-ca", "/root/.docker/ca.pem"),
            ("--tlscert", "tlscert", "tls-cert", "/root/.docker/cert.pem"),
            ("--tlskey", "tlskey", "tls-key", "/root/.docker/key.pem"),
        ] {
            // `~` is the home of the daemon's user: root's, or /proc's owner's
            // for a rootless daemon (not resolved: left as written).
            let path = setting(&[flag], key)
                .map(|p| match (p.strip_prefix("~/"), dockerd.as_ref()) {
                    (Some(rest), Some(d)) if d.uid == 0 => format!("/root/{rest}"),
                    _ => p,
                })
                .or_else(|| tls_on.then(|| default.to_string()));
            if let Some(path) = path.filter(|p| p.starts_with('/')) {
                let f = self.fact(&path, role, false);
                push(&mut files, f);
            }
        }

        // Sockets: the one we reached, the default, those dockerd listens on,
        // and those systemd listens on for it (`-H fd://`).
        let mut sockets: Vec<String> = Vec::new();
        if let Some(unit) = files
            .iter()
            .find(|f| f.role.as_deref() == Some("docker-socket-unit") && f.content.is_some())
        {
            sockets.extend(
                unit.content
                    .as_deref()
                    .unwrap_or_default()
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix("ListenStream="))
                    .map(str::trim)
                    .filter(|p| p.starts_with('/'))
                    .map(str::to_string),
            );
        }
        sockets.extend(endpoint_socket.clone());
        sockets.push("/var/run/docker.sock".into());
        let mut hosts: Vec<String> = flags
            .as_ref()
            .map(|f| f.values(&["-H", "--host"]))
            .unwrap_or_default();
        if let Some(Value::Array(list)) = config.get("hosts") {
            hosts.extend(list.iter().filter_map(Value::as_str).map(str::to_string));
        }
        sockets.extend(
            hosts
                .iter()
                .filter_map(|h| h.strip_prefix("unix://"))
                .filter(|p| p.starts_with('/'))
                .map(str::to_string),
        );
        for s in sockets {
            let f = self.fact(&s, "docker-sock", false);
            push(&mut files, f);
        }

        // containerd's socket: dockerd's --containerd, the managed one under
        // dockerd's exec root, the system default.
        let mut containerd_sockets = vec!["/run/containerd/containerd.sock".to_string()];
        if let Some(a) = setting(&["--containerd"], "containerd") {
            containerd_sockets.insert(0, a.trim_start_matches("unix://").to_string());
        }
        if let Some(c) = &containerd {
            let cflags = Flags::new(&c.args[1..]);
            if let Some(a) = cflags.value(&["-a", "--address"]) {
                containerd_sockets.insert(0, a);
            } else if dockerd.as_ref().is_some_and(|d| d.pid == c.ppid) {
                let exec_root = setting(&["--exec-root"], "exec-root")
                    .unwrap_or_else(|| "/var/run/docker".into());
                containerd_sockets.insert(0, format!("{exec_root}/containerd/containerd.sock"));
            }
        }
        for s in containerd_sockets
            .into_iter()
            .filter(|s| s.starts_with('/'))
        {
            let f = self.fact(&s, "containerd-sock", false);
            push(&mut files, f);
        }

        if let Some(dir) = &docker_root {
            let f = self.fact(dir, "docker-root", false);
            push(&mut files, f);
            // The swarm's saved node configuration (listen and advertise
            // addresses), which the API does not show; no secrets in it.
            let state = format!("{dir}/swarm/docker-state.json");
            if self.at(&state).exists() {
                let f = self.fact(&state, "swarm-state", true);
                push(&mut files, f);
            }
        }

        // Binaries, as the processes ran them or as found on the usual PATH.
        let mut bin_dirs: Vec<String> = Vec::new();
        for p in [&containerd, &dockerd].into_iter().flatten() {
            if let Some(dir) = p.exe.as_deref().and_then(|e| Path::new(e).parent()) {
                bin_dirs.push(dir.to_string_lossy().into_owned());
            }
        }
        bin_dirs.extend(BIN_DIRS.iter().map(|d| d.to_string()));
        let runc_path = info
            .pointer("/Runtimes/runc/path")
            .and_then(Value::as_str)
            .filter(|p| p.starts_with('/'))
            .map(str::to_string);
        for (name, from_process) in [
            ("dockerd", dockerd.as_ref().and_then(|d| d.exe.clone())),
            (
                "containerd",
                containerd.as_ref().and_then(|c| c.exe.clone()),
            ),
            ("containerd-shim", None),
            ("containerd-shim-runc-v1", None),
            ("containerd-shim-runc-v2", None),
            ("runc", runc_path.clone()),
        ] {
            let path = from_process.or_else(|| {
                bin_dirs
                    .iter()
                    .map(|d| format!("{d}/{name}"))
                    .find(|p| self.at(p).is_file())
            });
            if let Some(path) = path {
                let f = self.fact(&path, name, false);
                let target = f.target.clone();
                push(&mut files, f);
                // Audit rules watch the real file: record it too.
                if let Some(t) = target.filter(|t| t.starts_with('/')) {
                    let f = self.fact(&t, name, false);
                    push(&mut files, f);
                }
            }
        }

        let audit_rules = self.audit_rule_files();
        let (docker_root_is_mount, docker_root_mount) = match docker_root.as_deref() {
            Some(d) => self.root_mount(d),
            None => (None, None),
        };
        let facilities = Facilities {
            apparmor: self.apparmor(),
            selinux: self.selinux(),
            systemd: self.systemd(),
            auditd: Some(procs.iter().any(|p| p.name() == "auditd")),
        };

        HostFacts {
            dockerd_args: dockerd.map(|d| d.args),
            containerd_args: containerd.map(|c| c.args),
            daemon_json: Some(daemon_json),
            files,
            audit_rules,
            docker_root_is_mount,
            docker_root_mount,
            facilities,
        }
    }

    /// Processes whose `comm` is one of `names`, with their command lines.
    fn processes(&mut self, names: &[&str]) -> Vec<Proc> {
        let mut out = Vec::new();
        let Ok(entries) = fs::read_dir(self.at("/proc")) else {
            self.notes
                .push("/proc cannot be read: no dockerd or containerd command line".into());
            return out;
        };
        for entry in entries.flatten().take(MAX_PROCESSES) {
            let name = entry.file_name();
            let Some(pid) = name.to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            let dir = entry.path();
            let Ok(comm) = read_bounded(&dir.join("comm"), 64) else {
                continue;
            };
            let comm = String::from_utf8_lossy(&comm).trim().to_string();
            if !names.contains(&comm.as_str()) {
                continue;
            }
            let Ok(raw) = read_bounded(&dir.join("cmdline"), MAX_CMDLINE_BYTES) else {
                continue;
            };
            let mut args: Vec<String> = raw
                .split(|b| *b == 0)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            if args.last().is_some_and(String::is_empty) {
                args.pop();
            }
            if args.is_empty() {
                args.push(comm.clone());
            }
            let uid = fs::metadata(&dir).map(|m| m.uid()).unwrap_or(u32::MAX);
            let ppid = read_bounded(&dir.join("stat"), 4096)
                .ok()
                .and_then(|s| parse_ppid(&String::from_utf8_lossy(&s)))
                .unwrap_or(0);
            let exe = fs::read_link(dir.join("exe")).ok().map(|p| {
                let s = p.to_string_lossy().into_owned();
                s.strip_suffix(" (deleted)")
                    .map(str::to_string)
                    .unwrap_or(s)
            });
            out.push(Proc {
                pid,
                ppid,
                uid,
                args,
                exe,
            });
        }
        out.sort_by_key(|p| p.pid);
        out
    }

    /// The dockerd serving this engine: the one listening on the socket we
    /// reached, else the one whose data root is the engine's `DockerRootDir`,
    /// else the only one. Only root's processes are trusted, or a rootless
    /// daemon that listens on the very socket we reached (its `--config-file`
    /// is read, so a stranger's process must not steer the audit).
    fn pick_dockerd(
        &mut self,
        procs: &[Proc],
        socket: Option<&str>,
        docker_root: Option<&str>,
    ) -> Option<Proc> {
        let mut best: Option<(u8, &Proc)> = None;
        let mut trusted = 0;
        for p in procs.iter().filter(|p| p.name() == "dockerd") {
            let flags = Flags::new(&p.args[1..]);
            let hosts = flags.values(&["-H", "--host"]);
            let listens_here = socket.is_some_and(|s| {
                hosts.iter().any(|h| {
                    let path = h.strip_prefix("unix://").unwrap_or(h);
                    same_path(path, s)
                }) || (hosts.is_empty() && same_path(s, "/var/run/docker.sock"))
            });
            if p.uid != 0 && !listens_here {
                continue;
            }
            trusted += 1;
            let data_root = flags
                .value(&["--data-root", "-g", "--graph"])
                .unwrap_or_else(|| "/var/lib/docker".into());
            let score = if listens_here {
                2
            } else if docker_root.is_some_and(|d| d == data_root) {
                1
            } else {
                0
            };
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, p));
            }
        }
        match best {
            Some((score, p)) if score > 0 || trusted == 1 => Some(p.clone()),
            Some(_) => {
                self.notes.push(format!(
                    "{trusted} dockerd processes run and none matches this engine's socket or \
                     data root: dockerd flags were not read"
                ));
                None
            }
            None => {
                self.notes
                    .push("no dockerd process found: dockerd flags were not read".into());
                None
            }
        }
    }

    /// The containerd of this dockerd: its child, the one at dockerd's
    /// `--containerd` address, else the system one (root's, not a dockerd's child).
    fn pick_containerd(
        &self,
        procs: &[Proc],
        dockerd: Option<&Proc>,
        address: Option<String>,
    ) -> Option<Proc> {
        let candidates: Vec<&Proc> = procs
            .iter()
            .filter(|p| {
                p.name() == "containerd" && (p.uid == 0 || dockerd.is_some_and(|d| d.uid == p.uid))
            })
            .collect();
        if let Some(d) = dockerd {
            if let Some(c) = candidates.iter().find(|c| c.ppid == d.pid) {
                return Some((*c).clone());
            }
        }
        if let Some(a) = address {
            let a = a.trim_start_matches("unix://");
            if let Some(c) = candidates.iter().find(|c| {
                Flags::new(&c.args[1..])
                    .value(&["-a", "--address"])
                    .is_some_and(|x| same_path(&x, a))
            }) {
                return Some((*c).clone());
            }
        }
        let dockerd_pids: BTreeSet<u32> = procs
            .iter()
            .filter(|p| p.name() == "dockerd")
            .map(|p| p.pid)
            .collect();
        let system: Vec<&&Proc> = candidates
            .iter()
            .filter(|c| !dockerd_pids.contains(&c.ppid))
            .collect();
        match system.as_slice() {
            [one] => Some((**one).clone()),
            _ => None,
        }
    }

    /// Stat one path (and read it when `content` and the policy allow).
    fn fact(&mut self, path: &str, role: &str, content: bool) -> FileFact {
        let real = self.at(path);
        let mut f = FileFact {
            path: path.to_string(),
            role: Some(role.to_string()),
            ..FileFact::default()
        };
        let link = match fs::symlink_metadata(&real) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return f,
            Err(e) => {
                f.error = Some(e.to_string());
                return f;
            }
        };
        f.exists = true;
        // A symbolic link's own mode is meaningless (0777): report what it
        // points to, and say that it is a link.
        let meta = if link.file_type().is_symlink() {
            f.target = fs::read_link(&real)
                .ok()
                .map(|t| t.to_string_lossy().into_owned());
            match fs::metadata(&real) {
                Ok(m) => Some(m),
                Err(e) => {
                    f.error = Some(format!("dangling link: {e}"));
                    None
                }
            }
        } else {
            Some(link.clone())
        };
        f.kind = Some(kind(&link).to_string());
        let Some(meta) = meta else {
            return f;
        };
        f.mode = Some(meta.mode() & 0o7777);
        f.uid = Some(meta.uid());
        f.gid = Some(meta.gid());
        f.user = self.user_name(meta.uid());
        f.group = self.group_name(meta.gid());
        let keyish = role == "tls-key" || path.ends_with(".key") || path.ends_with("key.pem");
        if content && !keyish && meta.file_type().is_file() {
            let allowed = self.trusted.contains(&meta.uid()) || meta.mode() & 0o004 != 0;
            if !allowed {
                f.error = Some(format!(
                    "content not read: owned by uid {}, not a trusted user",
                    meta.uid()
                ));
            } else if meta.len() > MAX_CONTENT_BYTES {
                f.error = Some(format!(
                    "content not read: larger than {MAX_CONTENT_BYTES} bytes"
                ));
            } else {
                match read_text(&real) {
                    Ok(text) => f.content = Some(text),
                    Err(e) => f.error = Some(format!("content not read: {e}")),
                }
            }
        }
        f
    }

    /// Files in a directory whose names pass `keep`, sorted, bounded.
    fn list(&self, dir: &str, keep: impl Fn(&str) -> bool) -> Vec<String> {
        let Ok(entries) = fs::read_dir(self.at(dir)) else {
            return Vec::new();
        };
        let mut out: Vec<String> = entries
            .flatten()
            .take(MAX_DIR_ENTRIES)
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| keep(n))
            .map(|n| format!("{}/{n}", dir.trim_end_matches('/')))
            .collect();
        out.sort();
        out
    }

    /// Every entry under `dir` (not `dir` itself), depth-first, bounded in
    /// depth and count; links are not followed.
    fn walk(&self, dir: &str, depth: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![(dir.to_string(), 0usize)];
        while let Some((d, level)) = stack.pop() {
            for path in self.list(&d, |_| true) {
                if out.len() >= MAX_DIR_ENTRIES {
                    return out;
                }
                let is_dir = fs::symlink_metadata(self.at(&path))
                    .map(|m| m.is_dir())
                    .unwrap_or(false);
                out.push(path.clone());
                if is_dir && level + 1 < depth {
                    stack.push((path, level + 1));
                }
            }
        }
        out.sort();
        out
    }

    fn user_name(&mut self, uid: u32) -> Option<String> {
        if self.users.is_none() {
            self.users = Some(self.id_table("/etc/passwd"));
        }
        self.users.as_ref().and_then(|m| m.get(&uid).cloned())
    }

    fn group_name(&mut self, gid: u32) -> Option<String> {
        if self.groups.is_none() {
            self.groups = Some(self.id_table("/etc/group"));
        }
        self.groups.as_ref().and_then(|m| m.get(&gid).cloned())
    }

    /// `name:x:id:...` lines (passwd and group share the first three fields).
    fn id_table(&self, path: &str) -> BTreeMap<u32, String> {
        let mut map = BTreeMap::new();
        let Ok(bytes) = read_bounded(&self.at(path), MAX_TABLE_BYTES) else {
            return map;
        };
        for line in String::from_utf8_lossy(&bytes).lines() {
            let mut fields = line.split(':');
            if let (Some(name), Some(_), Some(id)) = (fields.next(), fields.next(), fields.next()) {
                if let Ok(id) = id.parse::<u32>() {
                    map.entry(id).or_insert_with(|| name.to_string());
                }
            }
        }
        map
    }

    /// `/etc/audit/audit.rules` and `/etc/audit/rules.d/*.rules` (used when
    /// `auditctl -l` is not available; the caller prefers its answer).
    fn audit_rule_files(&self) -> Option<AuditRules> {
        let mut paths = vec!["/etc/audit/audit.rules".to_string()];
        paths.extend(self.list("/etc/audit/rules.d", |n| n.ends_with(".rules")));
        let mut rules = Vec::new();
        let mut found = false;
        for p in paths {
            let Ok(text) = read_text(&self.at(&p)) else {
                continue;
            };
            found = true;
            rules.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(str::to_string),
            );
        }
        found.then(|| AuditRules {
            source: "files".into(),
            rules,
        })
    }

    /// The mount holding `dir`, and whether `dir` is a separate filesystem:
    /// mounted at `dir` itself with another device than the mount holding
    /// its parent.
    fn root_mount(&self, dir: &str) -> (Option<bool>, Option<MountFact>) {
        let Ok(bytes) = read_bounded(&self.at("/proc/self/mountinfo"), MAX_TABLE_BYTES) else {
            return (None, None);
        };
        let mounts: Vec<MountFact> = String::from_utf8_lossy(&bytes)
            .lines()
            .filter_map(parse_mountinfo)
            .collect();
        // The mount table names resolved paths (/var/lib/docker may be a link).
        let resolved = if self.root == Path::new("/") {
            fs::canonicalize(dir)
                .ok()
                .map(|p| p.to_string_lossy().into_owned())
        } else {
            None
        };
        let dir = resolved.unwrap_or_else(|| dir.trim_end_matches('/').to_string());
        // Later lines stack on earlier ones: the last containing mount wins.
        let holding = |path: &str| -> Option<&MountFact> {
            mounts
                .iter()
                .filter(|m| contains(&m.mount_point, path))
                .max_by_key(|m| m.mount_point.len())
                .and_then(|best| {
                    mounts
                        .iter()
                        .rev()
                        .find(|m| m.mount_point == best.mount_point)
                })
        };
        let Some(own) = holding(&dir) else {
            return (None, None);
        };
        let parent = Path::new(&dir)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|| "/".into());
        let separate =
            own.mount_point == dir && holding(&parent).is_none_or(|p| p.device != own.device);
        (Some(separate), Some(own.clone()))
    }

    fn apparmor(&self) -> Option<bool> {
        match read_bounded(&self.at("/sys/module/apparmor/parameters/enabled"), 16) {
            Ok(v) => Some(v.first() == Some(&b'Y')),
            Err(_) if self.at("/sys/module").is_dir() => Some(false),
            Err(_) => None,
        }
    }

    fn selinux(&self) -> Option<bool> {
        if self.at("/sys/fs/selinux/enforce").exists() {
            Some(true)
        } else if self.at("/sys/fs").is_dir() {
            Some(false)
        } else {
            None
        }
    }

    fn systemd(&self) -> Option<bool> {
        read_bounded(&self.at("/proc/1/comm"), 64)
            .ok()
            .map(|c| String::from_utf8_lossy(&c).trim() == "systemd")
    }
}

impl Proc {
    fn name(&self) -> &str {
        let arg0 = self.args.first().map(String::as_str).unwrap_or_default();
        arg0.rsplit('/').next().unwrap_or(arg0)
    }
}

/// Go-style (pflag) flags: `--name value`, `--name=value`, `-H value`,
/// `-Hvalue`. Only names known to take a value are asked for, so a bool flag
/// never swallows the next argument by mistake.
struct Flags<'a> {
    args: &'a [String],
}

impl<'a> Flags<'a> {
    fn new(args: &'a [String]) -> Self {
        Flags { args }
    }

    /// Every value given to any of `names`, in order.
    fn values(&self, names: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.args.len() {
            let a = &self.args[i];
            i += 1;
            if a == "--" {
                break;
            }
            for n in names {
                if a == n {
                    if let Some(v) = self.args.get(i) {
                        out.push(v.clone());
                        i += 1;
                    }
                } else if let Some(v) = a.strip_prefix(n).and_then(|rest| {
                    if n.starts_with("--") {
                        rest.strip_prefix('=')
                    } else {
                        Some(rest.strip_prefix('=').unwrap_or(rest))
                    }
                }) {
                    out.push(v.to_string());
                }
            }
        }
        out
    }

    /// The last value (pflag: the last one wins).
    fn value(&self, names: &[&str]) -> Option<String> {
        self.values(names).pop()
    }

    /// A bool flag: `--name`, `--name=true`.
    fn bool(&self, names: &[&str]) -> bool {
        self.args.iter().any(|a| {
            names.iter().any(|n| {
                a == n
                    || a.strip_prefix(n)
                        .and_then(|r| r.strip_prefix('='))
                        .is_some_and(|v| matches!(v, "true" | "1" | "t" | "TRUE" | "True"))
            })
        })
    }
}

/// `/var/run` is a link to `/run` on every current distribution.
fn same_path(a: &str, b: &str) -> bool {
    fn norm(p: &str) -> &str {
        p.strip_prefix("/var")
            .filter(|r| r.starts_with("/run/"))
            .unwrap_or(p)
    }
    norm(a) == norm(b)
}

/// The ppid field of `/proc/<pid>/stat` (after the parenthesised command,
/// which may itself hold spaces and parentheses).
fn parse_ppid(stat: &str) -> Option<u32> {
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(1)?.parse().ok()
}

/// `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw`: ID,
/// parent, device, root, mount point, options, optional fields, `-`, type,
/// source, super options.
fn parse_mountinfo(line: &str) -> Option<MountFact> {
    let mut fields = line.split(' ');
    let device = fields.nth(2)?.to_string();
    let root = unescape_mount(fields.next()?);
    let mount_point = unescape_mount(fields.next()?);
    let mut rest = fields.skip_while(|f| *f != "-");
    rest.next()?;
    let fs_type = rest.next()?.to_string();
    let source = unescape_mount(rest.next().unwrap_or_default());
    Some(MountFact {
        mount_point,
        root,
        device,
        fs_type,
        source,
    })
}

/// Whether the mount point `mp` contains `path` (component-wise).
fn contains(mp: &str, path: &str) -> bool {
    mp == "/"
        || path == mp
        || path
            .strip_prefix(mp)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Mount points escape space, tab, newline and backslash as octal.
fn unescape_mount(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 4);
        match code.and_then(|c| u8::from_str_radix(c, 8).ok()) {
            Some(b) => {
                out.push(char::from(b));
                rest = &rest[i + 4..];
            }
            None => {
                out.push('\\');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn kind(meta: &fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_symlink() {
        "symlink"
    } else if t.is_file() {
        "file"
    } else if t.is_dir() {
        "dir"
    } else if t.is_socket() {
        "socket"
    } else {
        "other"
    }
}

/// Read at most `limit` bytes; more is an error. Opened non-blocking so that
/// a FIFO does not hang us, and checked to be a regular file once open.
fn read_bounded(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    if !file.metadata()?.file_type().is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!("larger than {limit} bytes")));
    }
    Ok(bytes)
}

fn read_text(path: &Path) -> std::io::Result<String> {
    String::from_utf8(read_bounded(path, MAX_CONTENT_BYTES)?)
        .map_err(|_| std::io::Error::other("not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn flags_read_like_pflag() {
        let a = args("--config-file /x.json -H unix:///a.sock --host=tcp://0.0.0.0:2375 -Hfd:// --tlsverify --data-root=/d");
        let f = Flags::new(&a);
        assert_eq!(f.value(&["--config-file"]).as_deref(), Some("/x.json"));
        assert_eq!(
            f.values(&["-H", "--host"]),
            vec!["unix:///a.sock", "tcp://0.0.0.0:2375", "fd://"]
        );
        assert!(f.bool(&["--tlsverify"]));
        assert!(!f.bool(&["--tls"]));
        assert_eq!(f.value(&["--data-root"]).as_deref(), Some("/d"));
    }

    #[test]
    fn stat_ppid_survives_odd_command_names() {
        assert_eq!(parse_ppid("42 (a) b (c)) S 7 42 42 0"), Some(7));
    }

    #[test]
    fn mount_points_are_unescaped() {
        assert_eq!(
            unescape_mount(r"/var/lib/my\040docker"),
            "/var/lib/my docker"
        );
        assert_eq!(unescape_mount(r"/a\\b"), r"/a\\b");
    }

    #[test]
    fn a_bind_mount_onto_itself_is_not_a_separate_partition() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        fs::create_dir_all(r.join("proc/self")).unwrap();
        fs::write(
            r.join("proc/self/mountinfo"),
            "22 1 254:0 / / rw - ext4 /dev/vda rw\n\
             40 22 254:0 /data/docker /data/docker rw shared:1 - ext4 /dev/vda rw\n\
             41 22 8:17 / /srv/docker rw - xfs /dev/sdb1 rw\n",
        )
        .unwrap();
        let h = Host::new(r);
        let (separate, mount) = h.root_mount("/data/docker");
        assert_eq!(separate, Some(false));
        assert_eq!(mount.unwrap().root, "/data/docker");
        let (separate, mount) = h.root_mount("/srv/docker");
        assert_eq!(separate, Some(true));
        assert_eq!(mount.unwrap().fs_type, "xfs");
        let (separate, mount) = h.root_mount("/var/lib/docker");
        assert_eq!(separate, Some(false));
        assert_eq!(mount.unwrap().mount_point, "/");
    }

    #[test]
    fn var_run_is_run() {
        assert!(same_path("/var/run/docker.sock", "/run/docker.sock"));
        assert!(!same_path("/var/lib/x", "/lib/x"));
    }

    /// A fake host: /proc with two dockerds and a containerd, /etc files.
    fn fake_host() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        let write = |p: &str, c: &[u8]| {
            let path = r.join(p);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, c).unwrap();
        };
        let proc = |pid: u32, ppid: u32, comm: &str, cmd: &str| {
            write(&format!("proc/{pid}/comm"), format!("{comm}\n").as_bytes());
            write(
                &format!("proc/{pid}/cmdline"),
                format!("{}\0", cmd.replace(' ', "\0")).as_bytes(),
            );
            write(
                &format!("proc/{pid}/stat"),
                format!("{pid} ({comm}) S {ppid} 1 1").as_bytes(),
            );
        };
        proc(1, 0, "systemd", "/sbin/init");
        proc(
            100,
            1,
            "dockerd",
            "/usr/bin/dockerd -H unix:///other.sock --data-root /other",
        );
        proc(
            200,
            1,
            "dockerd",
            "/usr/bin/dockerd -H fd:// -H unix:///run/docker.sock --config-file /etc/docker/custom.json --tlsverify --tlscacert /etc/docker/tls/ca.pem",
        );
        proc(
            201,
            200,
            "containerd",
            "containerd --config /var/run/docker/containerd/containerd.toml",
        );
        proc(300, 1, "auditd", "/sbin/auditd");
        write(
            "etc/docker/custom.json",
            br#"{"tlscert": "/etc/docker/tls/cert.pem", "tlskey": "/etc/docker/tls/key.pem", "exec-root": "/var/run/docker"}"#,
        );
        write("etc/docker/tls/ca.pem", b"CA");
        write("etc/docker/tls/key.pem", b"SECRET KEY");
        write("etc/docker/certs.d/registry:5000/ca.crt", b"CA");
        write("etc/docker/certs.d/registry:5000/client.key", b"SECRET");
        write(
            "lib/systemd/system/docker.service",
            b"[Service]\nExecStart=/usr/bin/dockerd -H fd://\n",
        );
        write(
            "usr/local/lib/systemd/system/docker.socket",
            b"[Socket]\nListenStream=/run/docker-activated.sock\nSocketGroup=docker\n",
        );
        write(
            "var/lib/docker/swarm/docker-state.json",
            br#"{"ListenAddr":"0.0.0.0:2377"}"#,
        );
        write(
            "etc/systemd/system/docker.service.d/override.conf",
            b"[Service]\nExecStart=\n",
        );
        write("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n");
        write("etc/group", b"root:x:0:\ndocker:x:999:\n");
        write(
            "etc/audit/rules.d/docker.rules",
            b"# docker\n-w /usr/bin/dockerd -k docker\n",
        );
        write(
            "proc/self/mountinfo",
            b"22 1 8:1 / / rw - ext4 /dev/sda1 rw\n30 22 8:2 / /var/lib/docker rw - ext4 /dev/sdb1 rw\n",
        );
        write("sys/module/apparmor/parameters/enabled", b"Y\n");
        fs::create_dir_all(r.join("sys/fs")).unwrap();
        write("usr/bin/dockerd", b"ELF");
        write("usr/bin/runc", b"ELF");
        dir
    }

    #[test]
    fn a_fake_host_yields_every_fact() {
        let dir = fake_host();
        let info = json!({"DockerRootDir": "/var/lib/docker"});
        let endpoint = Endpoint {
            host: "unix:///var/run/docker.sock".into(),
            local: true,
            ..Endpoint::default()
        };
        let (h, notes) = host_facts_at(dir.path(), &info, &endpoint);
        assert!(notes.is_empty(), "{notes:?}");
        let args = h.dockerd_args.as_ref().unwrap();
        assert!(
            args.contains(&"--tlsverify".to_string()),
            "picked the wrong dockerd: {args:?}"
        );
        assert_eq!(h.containerd_args.as_ref().unwrap()[0], "containerd");
        let dj = h.daemon_json.as_ref().unwrap();
        assert_eq!(dj.path, "/etc/docker/custom.json");
        assert!(dj.content.as_deref().unwrap().contains("tlscert"));

        let by_role = |role: &str| -> Vec<&FileFact> {
            h.files
                .iter()
                .filter(|f| f.role.as_deref() == Some(role))
                .collect()
        };
        let key = by_role("tls-key");
        assert_eq!(key.len(), 1);
        assert!(key[0].exists);
        assert_eq!(key[0].content, None, "a key must never be read");
        assert_eq!(by_role("tls-ca")[0].path, "/etc/docker/tls/ca.pem");
        assert!(!by_role("tls-cert")[0].exists);
        let service: Vec<_> = by_role("docker-service")
            .into_iter()
            .filter(|f| f.exists)
            .collect();
        assert_eq!(service.len(), 1);
        assert_eq!(service[0].path, "/lib/systemd/system/docker.service");
        assert!(service[0].content.as_deref().unwrap().contains("ExecStart"));
        if service[0].uid == Some(0) {
            assert_eq!(service[0].user.as_deref(), Some("root"));
        }
        assert_eq!(by_role("docker-service-dropin").len(), 1);
        assert!(by_role("docker-sock")
            .iter()
            .any(|f| f.path == "/run/docker-activated.sock"));
        let state = by_role("swarm-state");
        assert!(state[0].content.as_deref().unwrap().contains("2377"));
        let certs = by_role("registry-cert");
        assert!(certs
            .iter()
            .any(|f| f.path.ends_with("client.key") && f.content.is_none()));
        assert!(by_role("containerd-sock")
            .iter()
            .any(|f| f.path == "/var/run/docker/containerd/containerd.sock"));
        assert!(by_role("dockerd")
            .iter()
            .any(|f| f.path == "/usr/bin/dockerd"));
        assert!(by_role("runc").iter().any(|f| f.path == "/usr/bin/runc"));
        assert_eq!(h.docker_root_is_mount, Some(true));
        let rules = h.audit_rules.as_ref().unwrap();
        assert_eq!(rules.source, "files");
        assert_eq!(rules.rules, vec!["-w /usr/bin/dockerd -k docker"]);
        assert_eq!(h.facilities.apparmor, Some(true));
        assert_eq!(h.facilities.selinux, Some(false));
        assert_eq!(h.facilities.systemd, Some(true));
        assert_eq!(h.facilities.auditd, Some(true));
    }

    #[test]
    fn the_dockerd_of_another_socket_is_picked_by_its_socket() {
        let dir = fake_host();
        let endpoint = Endpoint {
            host: "unix:///other.sock".into(),
            local: true,
            ..Endpoint::default()
        };
        let (h, _) = host_facts_at(dir.path(), &json!({"DockerRootDir": "/other"}), &endpoint);
        assert!(h.dockerd_args.unwrap().contains(&"/other".to_string()));
        assert_eq!(h.daemon_json.unwrap().path, "/etc/docker/daemon.json");
        assert_eq!(h.docker_root_is_mount, Some(false));
    }

    #[test]
    fn a_fifo_in_place_of_a_config_file_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("etc/default/docker");
        fs::create_dir_all(fifo.parent().unwrap()).unwrap();
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("skipping: mkfifo is not available");
            return;
        }
        let mut h = Host::new(dir.path());
        let f = h.fact("/etc/default/docker", "etc-default-docker", true);
        assert_eq!(f.kind.as_deref(), Some("other"));
        assert_eq!(f.content, None);
    }
}
