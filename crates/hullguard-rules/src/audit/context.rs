//! What every audit rule sees: the snapshot, and what is derived from it once
//! (the daemon's configuration, the engine's security features, each container
//! read as a `ContainerSpec` with its image's defaults, the images by id).

use super::daemon_config::DaemonConfig;
use super::{esc, path_pointer};
use crate::engine::RuleOptions;
use hullguard_container::api::{from_api_json, image_from_inspect, ApiDocument};
use hullguard_container::{ContainerSpec, ImageDefaults, Problem, Setting};
use hullguard_diagnostics::{Finding, Location};
use hullguard_snapshot::{ContainerSnapshot, FileFact, HostFacts, ImageSnapshot, Snapshot};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// One container of the snapshot, read.
pub struct LiveContainer<'a> {
    pub snap: &'a ContainerSnapshot,
    /// `None` when the inspect document could not be read at all (a note says so).
    pub spec: Option<ContainerSpec>,
    pub problems: Vec<Problem>,
    /// Index into [`AuditCtx::images`] of the image the container runs.
    pub image: Option<usize>,
}

impl LiveContainer<'_> {
    pub fn name(&self) -> &str {
        &self.snap.name
    }

    pub fn inspect(&self) -> &Value {
        &self.snap.inspect
    }

    /// Running or paused: its processes exist.
    pub fn is_running(&self) -> bool {
        bool_at(&self.snap.inspect, "/State/Running").unwrap_or(false)
    }

    /// Whether the container's processes run as root: its user names root, or
    /// it sets none and its image sets none or root. `None` when unknown.
    pub fn runs_as_root(&self, cx: &AuditCtx) -> Option<bool> {
        let spec = self.spec.as_ref()?;
        match &spec.user {
            Setting::Unknown(_) => None,
            Setting::Set(u) if !u.value.trim().is_empty() => Some(names_root(&u.value)),
            _ => {
                let img = self.image.and_then(|i| cx.images.get(i))?;
                match &img.defaults.as_ref()?.user {
                    Setting::Unknown(_) => None,
                    Setting::Set(u) if !u.value.trim().is_empty() => Some(names_root(&u.value)),
                    _ => Some(true),
                }
            }
        }
    }

    /// The pointer of an exec instance in the inspect document (its entry in
    /// `ExecIDs`), or the root when it is not listed.
    pub fn exec_pointer(&self, exec: &Value) -> String {
        let id = str_at(exec, "/ID").unwrap_or("");
        self.snap
            .inspect
            .pointer("/ExecIDs")
            .and_then(Value::as_array)
            .and_then(|ids| ids.iter().position(|x| x.as_str() == Some(id)))
            .map_or_else(String::new, |i| format!("/ExecIDs/{i}"))
    }

    /// Whether the security option at `pointer` is the `label=disable` the
    /// engine adds for privileged, host-PID and host-IPC containers.
    fn engine_disabled_label(&self, pointer: &str) -> bool {
        let Some(spec) = &self.spec else {
            return false;
        };
        let host_ns =
            |s: &Setting<hullguard_container::NsMode>| s.get().is_some_and(|m| m.is_host());
        let implied = self.is_privileged() || host_ns(&spec.pid) || host_ns(&spec.ipc);
        implied
            && spec.selinux.iter().any(|l| {
                l.value.trim() == "disable"
                    && matches!(&l.at, Location::Object { pointer: p, .. } if p == pointer)
            })
    }

    /// Privileged, as the engine reads it.
    pub fn is_privileged(&self) -> bool {
        self.spec
            .as_ref()
            .and_then(|s| s.privileged.get().copied())
            .unwrap_or(false)
    }
}

/// One image of the snapshot.
pub struct ImageView<'a> {
    pub snap: &'a ImageSnapshot,
    /// First repository tag, or the short id.
    pub name: String,
    pub defaults: Option<ImageDefaults>,
    pub problems: Vec<Problem>,
}

impl ImageView<'_> {
    pub fn inspect(&self) -> &Value {
        &self.snap.inspect
    }

    /// Repository tags, without the `<none>:<none>` of untagged images.
    pub fn tags(&self) -> Vec<&str> {
        tags_of(&self.snap.inspect)
    }
}

/// Whether the engine (or its host) has a security facility.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facility {
    /// The engine uses it (`info.SecurityOptions`), or the host has it.
    Present,
    /// Neither the engine nor the host has it.
    Absent,
    /// Not known (no security options in the snapshot, no host facts).
    Unknown,
}

/// Everything an audit rule sees.
pub struct AuditCtx<'a> {
    pub snap: &'a Snapshot,
    pub opts: &'a RuleOptions,
    /// The daemon object's name: the endpoint.
    pub daemon_name: String,
    /// The host object's name: the engine's host name.
    pub host_name: String,
    pub config: DaemonConfig,
    /// The engine runs rootless (`name=rootless` in `info.SecurityOptions`).
    pub rootless: bool,
    /// Swarm mode is active on the engine.
    pub swarm_active: bool,
    pub apparmor: Facility,
    pub selinux: Facility,
    pub containers: Vec<LiveContainer<'a>>,
    pub images: Vec<ImageView<'a>>,
    image_index: HashMap<String, usize>,
    /// Indexes into `images` of the images some container runs.
    used_images: HashSet<usize>,
    /// Problems met while reading the snapshot (an unreadable document).
    pub notes: Vec<String>,
}

impl<'a> AuditCtx<'a> {
    pub fn new(snap: &'a Snapshot, opts: &'a RuleOptions) -> AuditCtx<'a> {
        let mut notes = Vec::new();
        let daemon_name = if snap.endpoint.host.trim().is_empty() {
            "daemon".to_string()
        } else {
            snap.endpoint.host.clone()
        };
        let host_name = str_at(&snap.info, "/Name")
            .filter(|n| !n.is_empty())
            .unwrap_or("host")
            .to_string();
        let config = DaemonConfig::new(snap.host.as_ref(), &mut notes);
        let rootless = has_security_option(&snap.info, "rootless") == Some(true);
        let swarm_active =
            snap.swarm.is_some() || str_at(&snap.info, "/Swarm/LocalNodeState") == Some("active");
        let facts = snap.host.as_ref().map(|h| &h.facilities);
        let apparmor = facility(
            has_security_option(&snap.info, "apparmor"),
            facts.and_then(|f| f.apparmor),
        );
        let selinux = facility(
            has_security_option(&snap.info, "selinux"),
            facts.and_then(|f| f.selinux),
        );

        let mut images = Vec::with_capacity(snap.images.len());
        let mut image_index = HashMap::new();
        for img in &snap.images {
            let name = image_name(img);
            let (defaults, problems) = match serde_json::to_vec(&img.inspect)
                .map_err(|e| e.to_string())
                .and_then(|bytes| image_from_inspect(&bytes, &name).map_err(|e| e.to_string()))
            {
                Ok(api) => (Some(api.defaults), api.problems),
                Err(e) => {
                    notes.push(format!("image `{name}` could not be read: {e}"));
                    (None, Vec::new())
                }
            };
            image_index.insert(img.id.clone(), images.len());
            if let Some(id) = str_at(&img.inspect, "/Id") {
                image_index.entry(id.to_string()).or_insert(images.len());
            }
            images.push(ImageView {
                snap: img,
                name,
                defaults,
                problems,
            });
        }

        let mut containers = Vec::with_capacity(snap.containers.len());
        for c in &snap.containers {
            let image = str_at(&c.inspect, "/Image").and_then(|id| image_index.get(id).copied());
            let read = serde_json::to_vec(&c.inspect)
                .map_err(|e| e.to_string())
                .and_then(|bytes| {
                    from_api_json(&bytes, ApiDocument::Inspect, "container", &c.name)
                        .map_err(|e| e.to_string())
                });
            let (spec, problems) = match read {
                Ok(mut api) => {
                    api.spec.image_defaults = image
                        .and_then(|i| images.get(i))
                        .and_then(|i: &ImageView| i.defaults.clone());
                    (Some(api.spec), api.problems)
                }
                Err(e) => {
                    notes.push(format!("container `{}` could not be read: {e}", c.name));
                    (None, Vec::new())
                }
            };
            containers.push(LiveContainer {
                snap: c,
                spec,
                problems,
                image,
            });
        }

        let used_images = containers.iter().filter_map(|c| c.image).collect();
        AuditCtx {
            snap,
            opts,
            daemon_name,
            host_name,
            config,
            rootless,
            swarm_active,
            apparmor,
            selinux,
            containers,
            images,
            image_index,
            used_images,
            notes,
        }
    }

    pub fn host(&self) -> Option<&'a HostFacts> {
        self.snap.host.as_ref()
    }

    /// Whether the host runs systemd (unknown counts as yes: unit files are
    /// then checked where they exist).
    pub fn has_systemd(&self) -> bool {
        self.host()
            .is_none_or(|h| h.facilities.systemd != Some(false))
    }

    /// The image with this id (`sha256:…`).
    pub fn image(&self, id: &str) -> Option<&ImageView<'a>> {
        self.image_index.get(id).and_then(|&i| self.images.get(i))
    }

    /// Whether a container runs the image at `index` of `images`.
    pub fn image_used(&self, index: usize) -> bool {
        self.used_images.contains(&index)
    }

    /// The images worth checking one by one: tagged, or run by a container.
    /// Dangling images that nothing runs are only counted (`image-sprawl`).
    pub fn checked_images(&self) -> impl Iterator<Item = &ImageView<'a>> {
        self.images
            .iter()
            .enumerate()
            .filter(|(i, img)| !img.tags().is_empty() || self.image_used(*i))
            .map(|(_, img)| img)
    }

    /// A value of `GET /info`.
    pub fn info(&self, pointer: &str) -> Option<&'a Value> {
        self.snap.info.pointer(pointer)
    }

    pub fn info_str(&self, pointer: &str) -> Option<&'a str> {
        str_at(&self.snap.info, pointer)
    }

    /// Whether `info.SecurityOptions` names `name`; `None` when the snapshot has
    /// no security options.
    pub fn security_option(&self, name: &str) -> Option<bool> {
        has_security_option(&self.snap.info, name)
    }

    /// The index in `info.SecurityOptions` of the entry naming `name`.
    pub fn security_option_index(&self, name: &str) -> Option<usize> {
        self.snap
            .info
            .pointer("/SecurityOptions")?
            .as_array()?
            .iter()
            .position(|o| o.as_str().is_some_and(|s| option_name(s) == name))
    }

    /// The daemon's setting at `pointer` (`/info/...`, `/args/N`,
    /// `/daemon.json/KEY`).
    pub fn daemon_at(&self, pointer: impl Into<String>) -> Location {
        object("daemon", &self.daemon_name, pointer.into())
    }

    /// A file or directory of the host.
    pub fn host_at(&self, path: &str) -> Location {
        object("host", &self.host_name, path_pointer(path))
    }

    pub fn container_at(&self, c: &LiveContainer, pointer: impl Into<String>) -> Location {
        object("container", c.name(), pointer.into())
    }

    pub fn image_at(&self, img: &ImageView, pointer: impl Into<String>) -> Location {
        object("image", &img.name, pointer.into())
    }

    pub fn network_at(&self, network: &Value, pointer: impl Into<String>) -> Location {
        let name = str_at(network, "/Name")
            .or_else(|| str_at(network, "/Id"))
            .unwrap_or("network");
        object("network", name, pointer.into())
    }

    /// The swarm object (`GET /swarm`), by its name.
    pub fn swarm_at(&self, pointer: impl Into<String>) -> Location {
        let doc = self.snap.swarm.as_ref().map(|s| &s.swarm);
        let name = doc
            .and_then(|d| str_at(d, "/Spec/Name"))
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .or_else(|| doc.and_then(|d| str_at(d, "/ID")).map(short_id))
            .unwrap_or_else(|| "swarm".to_string());
        object("swarm", &name, pointer.into())
    }

    /// A swarm node, by its host name.
    pub fn node_at(&self, node: &Value, pointer: impl Into<String>) -> Location {
        let name = str_at(node, "/Description/Hostname")
            .filter(|n| !n.is_empty())
            .or_else(|| str_at(node, "/ID"))
            .unwrap_or("node");
        object("node", name, pointer.into())
    }

    /// A swarm service, by its name.
    pub fn service_at(&self, service: &Value, pointer: impl Into<String>) -> Location {
        let name = str_at(service, "/Spec/Name")
            .filter(|n| !n.is_empty())
            .or_else(|| str_at(service, "/ID"))
            .unwrap_or("service");
        object("service", name, pointer.into())
    }

    /// A file fact by path; `/var/run` and `/run` are the same directory on
    /// every systemd host (and the engine's defaults use both spellings).
    pub fn file(&self, path: &str) -> Option<&'a FileFact> {
        let want = canonical_path(path);
        self.host()?
            .files
            .iter()
            .chain(self.host()?.daemon_json.iter())
            .find(|f| canonical_path(&f.path) == want)
    }

    /// The default bridge network (`docker0`), when the snapshot has it.
    pub fn default_bridge(&self) -> Option<&'a Value> {
        self.snap
            .networks
            .iter()
            .find(|n| {
                str_at(n, "/Options/com.docker.network.bridge.default_bridge") == Some("true")
            })
            .or_else(|| {
                self.snap.networks.iter().find(|n| {
                    str_at(n, "/Name") == Some("bridge") && str_at(n, "/Driver") == Some("bridge")
                })
            })
    }

    /// Whether a container finding of the shared container rules applies to this
    /// engine: AppArmor and SELinux options mean nothing where the engine and
    /// host have neither (CIS 5.2 and 5.3 apply "where the host has" them), and
    /// a container that does not set `no-new-privileges` has it anyway when the
    /// daemon sets it for every container (`no-new-privileges: true`, CIS 2.15;
    /// the inspect document does not show the daemon's default). The engine
    /// itself adds `label=disable` to the security options of a privileged
    /// container and of one sharing the host's PID or IPC namespace
    /// (`generateSecurityOpt` in moby's daemon/create.go): that is reported by
    /// the rules about those settings, not again as `selinux-disabled`.
    pub fn container_finding_applies(&self, c: &LiveContainer, f: &Finding) -> bool {
        let pointer = match &f.location {
            Location::Object { pointer, .. } => pointer.as_str(),
            Location::File { .. } => return true,
        };
        match f.rule.name {
            "apparmor-unconfined" => self.apparmor != Facility::Absent,
            "selinux-disabled" => {
                self.selinux != Facility::Absent && !c.engine_disabled_label(pointer)
            }
            "privilege-escalation-allowed" => {
                !(pointer.is_empty() && self.config.no_new_privileges().is_some_and(|(on, _)| on))
            }
            _ => true,
        }
    }
}

/// Whether the engine or the host has a facility: the engine's security options
/// say what it uses; host facts say what the kernel offers.
fn facility(engine: Option<bool>, host: Option<bool>) -> Facility {
    match (engine, host) {
        (Some(true), _) | (_, Some(true)) => Facility::Present,
        (Some(false), None | Some(false)) | (None, Some(false)) => Facility::Absent,
        (None, None) => Facility::Unknown,
    }
}

fn object(kind: &str, name: &str, pointer: String) -> Location {
    Location::Object {
        kind: kind.to_string(),
        name: name.to_string(),
        pointer,
    }
}

/// `name=seccomp,profile=default` → `seccomp`; engines before 1.13 listed bare
/// names (`apparmor`).
fn option_name(entry: &str) -> &str {
    let first = entry.split(',').next().unwrap_or("").trim();
    first.strip_prefix("name=").unwrap_or(first)
}

fn has_security_option(info: &Value, name: &str) -> Option<bool> {
    let opts = info.pointer("/SecurityOptions")?;
    match opts {
        Value::Array(a) => Some(
            a.iter()
                .filter_map(Value::as_str)
                .any(|s| option_name(s) == name),
        ),
        // `null`: none.
        Value::Null => Some(false),
        _ => None,
    }
}

/// A path as the host resolves it, for comparing paths: lexically normalised,
/// `/var/run` is `/run` (a symbolic link on every systemd host), and `/lib`,
/// `/bin` and `/sbin` are their `/usr` counterparts (merged `/usr`, the layout
/// of every current distribution: `/lib/systemd/system/docker.service` and
/// `/usr/lib/systemd/system/docker.service` are one file).
pub fn canonical_path(path: &str) -> String {
    let p = crate::container::normalize_host_path(path).unwrap_or_else(|| path.trim().to_string());
    for (from, to) in [
        ("/var/run", "/run"),
        ("/lib", "/usr/lib"),
        ("/bin", "/usr/bin"),
        ("/sbin", "/usr/sbin"),
    ] {
        if let Some(rest) = p.strip_prefix(from) {
            if rest.is_empty() || rest.starts_with('/') {
                return format!("{to}{rest}");
            }
        }
    }
    p
}

fn image_name(img: &ImageSnapshot) -> String {
    if let Some(tag) = tags_of(&img.inspect).first() {
        return (*tag).to_string();
    }
    let id = str_at(&img.inspect, "/Id").unwrap_or(&img.id);
    short_id(id)
}

/// `sha256:0123456789abcdef…` → `0123456789ab`.
pub fn short_id(id: &str) -> String {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    hex.chars().take(12).collect()
}

fn tags_of(inspect: &Value) -> Vec<&str> {
    inspect
        .pointer("/RepoTags")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "<none>:<none>" && !t.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// The command of an exec instance (`sh -c id`), shortened for messages.
pub fn exec_command(exec: &Value) -> String {
    let mut words: Vec<&str> = Vec::new();
    if let Some(e) = str_at(exec, "/ProcessConfig/entrypoint") {
        words.push(e);
    }
    if let Some(args) = exec
        .pointer("/ProcessConfig/arguments")
        .and_then(Value::as_array)
    {
        words.extend(args.iter().filter_map(Value::as_str));
    }
    let cmd = words.join(" ");
    if cmd.chars().count() > 60 {
        let short: String = cmd.chars().take(57).collect();
        format!("{short}...")
    } else {
        cmd
    }
}

/// Whether a user value names root (`root`, `0`, `00`, with or without a group).
pub fn names_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    hullguard_container::is_root_user(user)
        || (!name.is_empty()
            && name.chars().all(|c| c.is_ascii_digit())
            && name.trim_start_matches('0').is_empty())
}

pub fn str_at<'v>(v: &'v Value, pointer: &str) -> Option<&'v str> {
    v.pointer(pointer).and_then(Value::as_str)
}

pub fn bool_at(v: &Value, pointer: &str) -> Option<bool> {
    v.pointer(pointer).and_then(Value::as_bool)
}

pub fn i64_at(v: &Value, pointer: &str) -> Option<i64> {
    v.pointer(pointer).and_then(Value::as_i64)
}

/// The pointer of key `key` under `parent` (`/Options` + `encrypted`).
pub fn key_pointer(parent: &str, key: &str) -> String {
    format!("{parent}/{}", esc(key))
}

/// What secret an environment variable holds, if any: a literal value under a
/// name that says it is a secret, or a value in a known secret format (the
/// logic of the container rule `environment-secret`). `deployed`: the value is
/// what really runs (a service, not an image default), so words such as
/// `example` or `password` are the password, not placeholders.
pub fn secret_in(
    name: &str,
    value: &str,
    extra: &[regex::Regex],
    deployed: bool,
) -> Option<String> {
    use crate::secrets::{find_secrets, is_key_fingerprint, is_placeholder, is_secret_name};
    let deployed_word = matches!(
        value
            .trim()
            .trim_matches(['"', '\''])
            .to_ascii_lowercase()
            .as_str(),
        "example" | "dummy" | "placeholder" | "password" | "secret" | "admin" | "root"
    );
    if is_placeholder(value) && !(deployed && deployed_word) {
        return None;
    }
    let upper = name.to_ascii_uppercase();
    let strong = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "PRIVATE"]
        .iter()
        .any(|w| upper.contains(w));
    if is_secret_name(name) && (strong || !is_key_fingerprint(value)) {
        return Some("a literal secret".to_string());
    }
    find_secrets(value, extra)
        .first()
        .map(|m| m.kind.to_string())
}
