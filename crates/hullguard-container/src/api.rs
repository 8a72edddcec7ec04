//! Engine API JSON turned into a [`ContainerSpec`]: the body of
//! `POST /containers/create` (the admission guard) and the document of
//! `GET /containers/{id}/json` (the live audit), plus the image defaults of
//! `GET /images/{name}/json` (<https://docs.docker.com/reference/api/engine/>).
//!
//! A guard that reads a request differently from the engine lets through what
//! it meant to deny, so the JSON is decoded the way the engine's Go
//! `encoding/json` decodes it (see `api/decode.rs`): case-insensitive keys with
//! Go's Unicode folding, duplicate keys applied in order (objects merged into
//! structs, arrays decoded into the slice an earlier array left), `null` as a
//! no-op for scalars, unknown keys ignored. Whatever is ambiguous (a field given
//! twice, a key that only folds to a field name, a form only some engine
//! versions accept) is reported as a [`Problem`] while the value still follows
//! Go; a value of the wrong type, which makes the engine reject the request, is
//! a problem and [`Setting::Unknown`], never a guess.
//!
//! Every value's location is [`Location::Object`] with the RFC 6901 pointer of
//! the value as written (`/HostConfig/privileged` when written so).

mod decode;
mod gojson;
mod schema;

use crate::parse;
use crate::spec::{
    At, ContainerSpec, Device, EnvVar, Healthcheck, ImageDefaults, Mount, MountKind, NsMode, Port,
    Problem, Restart, Setting, SourceKind, Ulimit,
};
use decode::{short, Decoder, Val};
use hullguard_diagnostics::Location;
use std::collections::HashSet;
use std::fmt;

/// Largest document accepted, in bytes. Create bodies are a few kilobytes;
/// inspect documents tens.
pub const MAX_SIZE: usize = 16 << 20;

/// Deepest nesting of objects and arrays accepted.
pub const MAX_DEPTH: usize = gojson::MAX_DEPTH;

/// Which document the JSON is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiDocument {
    /// A `POST /containers/create` body: `Config` fields at the top level,
    /// `HostConfig`, `NetworkingConfig`.
    CreateBody,
    /// A `GET /containers/{id}/json` document: `Config`, `HostConfig`, `Mounts`,
    /// `NetworkSettings`.
    Inspect,
}

/// A container read from an API document.
#[derive(Debug, Clone)]
pub struct ApiSpec {
    pub spec: ContainerSpec,
    /// What could not be read as the engine reads it, or is read differently by
    /// different engine versions.
    pub problems: Vec<Problem>,
}

/// An image's defaults read from an image inspect document.
#[derive(Debug, Clone)]
pub struct ApiImage {
    pub defaults: ImageDefaults,
    pub problems: Vec<Problem>,
}

/// A document that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// Larger than [`MAX_SIZE`], or holding so many values that reading them
    /// would take too much memory.
    TooLarge,
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// Not JSON (the message says what and where).
    NotJson(String),
    /// JSON, but not an object.
    NotAnObject,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::TooLarge => write!(
                f,
                "document too large (more than {} MiB, or too many values)",
                MAX_SIZE >> 20
            ),
            ApiError::TooDeep => write!(f, "document nested deeper than {MAX_DEPTH} levels"),
            ApiError::NotJson(m) => write!(f, "not JSON: {m}"),
            ApiError::NotAnObject => f.write_str("document is not a JSON object"),
        }
    }
}

impl std::error::Error for ApiError {}

/// Reads a create body or an inspect document. `kind` (`container`) and `name`
/// name the object in every [`Location::Object`].
pub fn from_api_json(
    text: &[u8],
    doc: ApiDocument,
    kind: &'static str,
    name: &str,
) -> Result<ApiSpec, ApiError> {
    if text.len() > MAX_SIZE {
        return Err(ApiError::TooLarge);
    }
    let fields = match doc {
        ApiDocument::CreateBody => &schema::CREATE_BODY[..],
        ApiDocument::Inspect => &schema::INSPECT[..],
    };
    let mut dec = Decoder::new(text);
    let root = dec.document(fields)?;
    let mut r = Reader::new(kind, name);
    r.take_decoder_problems(&mut dec);
    let at = r.loc("");
    let mut b = Builder {
        spec: ContainerSpec::new(SourceKind::Api, kind, name, at),
        covered: HashSet::new(),
        r,
    };
    match doc {
        ApiDocument::CreateBody => b.create_body(&root),
        ApiDocument::Inspect => b.inspect(&root),
    }
    Ok(ApiSpec {
        spec: b.spec,
        problems: b.r.finish(),
    })
}

/// `Config.User` and `Config.Healthcheck` of an image inspect document
/// (`GET /images/{name}/json`). `source` names the image in locations and
/// messages.
pub fn image_defaults_from_inspect(text: &[u8], source: &str) -> Result<ImageDefaults, ApiError> {
    image_from_inspect(text, source).map(|i| i.defaults)
}

/// [`image_defaults_from_inspect`], with the problems found on the way.
pub fn image_from_inspect(text: &[u8], source: &str) -> Result<ApiImage, ApiError> {
    if text.len() > MAX_SIZE {
        return Err(ApiError::TooLarge);
    }
    let mut dec = Decoder::new(text);
    let root = dec.document(&schema::IMAGE_INSPECT)?;
    let mut r = Reader::new("image", source);
    r.take_decoder_problems(&mut dec);
    let config = root.field("Config");
    let user = r.string(config.field("User"));
    let healthcheck = r.healthcheck(config.field("Healthcheck"));
    Ok(ApiImage {
        defaults: ImageDefaults {
            source: source.to_string(),
            user,
            healthcheck,
            external_base: None,
            user_from_base: false,
        },
        problems: r.finish(),
    })
}

/// Whether `pointer` (RFC 6901) names a value of the JSON document `text`,
/// considering every occurrence of a repeated key. For checking locations in
/// tests and fuzzing; `false` when the text is not JSON.
pub fn pointer_exists(text: &[u8], pointer: &str) -> bool {
    text.len() <= MAX_SIZE && gojson::pointer_exists(text, pointer)
}

/// Most problems the mapping adds after decoding.
const MAX_PROBLEMS: usize = 200;

/// Locations and problems of one document.
struct Reader {
    kind: &'static str,
    name: String,
    problems: Vec<Problem>,
    dropped: usize,
}

impl Reader {
    fn new(kind: &'static str, name: &str) -> Reader {
        Reader {
            kind,
            name: name.to_string(),
            problems: Vec::new(),
            dropped: 0,
        }
    }

    fn loc(&self, pointer: &str) -> Location {
        Location::Object {
            kind: self.kind.to_string(),
            name: self.name.clone(),
            pointer: pointer.to_string(),
        }
    }

    fn take_decoder_problems(&mut self, dec: &mut Decoder<'_>) {
        for (at, message) in std::mem::take(&mut dec.problems) {
            let at = self.loc(&at);
            self.problems.push(Problem::new(at, message));
        }
    }

    fn problem(&mut self, pointer: &str, message: String) {
        if self.dropped > 0 || self.problems.len() >= 2 * MAX_PROBLEMS {
            self.dropped += 1;
            return;
        }
        let at = self.loc(pointer);
        self.problems.push(Problem::new(at, message));
    }

    fn finish(mut self) -> Vec<Problem> {
        if self.dropped > 0 {
            let at = self.loc("");
            let message = format!("{} more problems not shown", self.dropped);
            self.problems.push(Problem::new(at, message));
        }
        self.problems
    }

    fn bool(&self, v: &Val) -> Setting<bool> {
        match v {
            Val::Bool(b, at) => Setting::set(*b, self.loc(at)),
            Val::Bad(at) => Setting::Unknown(self.loc(at)),
            _ => Setting::Unset,
        }
    }

    fn int(&self, v: &Val) -> Setting<i64> {
        match v {
            Val::Int(i, at) => Setting::set(*i, self.loc(at)),
            Val::Bad(at) => Setting::Unknown(self.loc(at)),
            _ => Setting::Unset,
        }
    }

    /// A string setting; the empty string is Go's zero value: unset.
    fn string(&self, v: &Val) -> Setting<String> {
        match v {
            Val::Str(s, at) if !s.is_empty() => Setting::set(s.clone(), self.loc(at)),
            Val::Bad(at) => Setting::Unknown(self.loc(at)),
            _ => Setting::Unset,
        }
    }

    /// A namespace mode; `""` is the engine default (private, or the daemon's
    /// configured default for IPC and cgroupns), so it is unset.
    fn ns(&self, v: &Val) -> Setting<NsMode> {
        match v {
            Val::Str(s, at) if !s.is_empty() => Setting::set(NsMode::parse(s), self.loc(at)),
            Val::Bad(at) => Setting::Unknown(self.loc(at)),
            _ => Setting::Unset,
        }
    }

    /// A `HealthConfig`. `Test` is `[]` or absent to inherit the image's,
    /// `["NONE"]` to disable, `["CMD", ...]` or `["CMD-SHELL", cmd]` to run; the
    /// engine runs nothing for any other first word (`getProbe` in
    /// daemon/health.go).
    fn healthcheck(&mut self, v: &Val) -> Setting<Healthcheck> {
        if let Some(at) = v.first_bad() {
            return Setting::Unknown(self.loc(at));
        }
        let Some(slice) = v.field("Test").as_slice() else {
            return Setting::Unset;
        };
        let test: Vec<String> = slice
            .items()
            .iter()
            .map(|i| i.str_or_empty().to_string())
            .collect();
        let disabled = match test.first().map(String::as_str) {
            None => return Setting::Unset,
            Some("NONE") => true,
            Some("CMD" | "CMD-SHELL") => false,
            Some(other) => {
                let message = format!(
                    "unknown healthcheck type `{}`: the engine runs no check",
                    short(other)
                );
                self.problem(&slice.at, message);
                true
            }
        };
        Setting::set(Healthcheck { disabled, test }, self.loc(&slice.at))
    }
}

/// Builds the spec of one container document.
struct Builder {
    r: Reader,
    spec: ContainerSpec,
    /// Cleaned targets of the mounts read so far.
    covered: HashSet<String>,
}

impl Builder {
    fn unresolved(&mut self, field: &'static str, pointer: &str) {
        if !self.spec.is_unresolved(field) {
            let at = self.r.loc(pointer);
            self.spec.unresolved.push(At::new(field, at));
        }
    }

    fn push_mount(&mut self, mount: Mount, pointer: &str) {
        self.covered.insert(clean_path(&mount.target));
        let at = self.r.loc(pointer);
        self.spec.mounts.push(At::new(mount, at));
    }

    /// The strings of a list with their pointers; a value of the wrong type in
    /// the list (even one left past its end by an earlier, longer list) marks
    /// `field` unresolved. A `null` item of a fresh list is Go's `""` and is left
    /// out.
    fn strings<'v>(&mut self, field: &'static str, v: &'v Val) -> Vec<(&'v str, &'v str)> {
        if let Some(at) = v.first_bad() {
            self.unresolved(field, at);
        }
        let Some(slice) = v.as_slice() else {
            return Vec::new();
        };
        slice.items().iter().filter_map(Val::as_str).collect()
    }

    fn create_body(&mut self, root: &Val) {
        // `Config` is embedded: its fields are at the top level.
        self.config(root);
        let inner = root.field("HostConfig");
        // Engines before 27.0 took the top-level HostConfig fields as the host
        // configuration when `HostConfig` was absent; a guard must see what
        // they would create (each such field is reported while decoding).
        let host = if matches!(inner, Val::Zero) && root.has_legacy() {
            root
        } else {
            inner
        };
        self.host_config(host);
        // `Config.Volumes` declares anonymous volumes (`docker run -v /data`).
        self.anonymous_volumes(root.field("Volumes"));
        self.networks(root.field("NetworkingConfig").field("EndpointsConfig"));
    }

    fn inspect(&mut self, root: &Val) {
        let config = root.field("Config");
        self.config(config);
        // HostConfig is what was requested; `Mounts` adds what it does not say:
        // the image's volumes, and those of `--volumes-from`.
        self.host_config(root.field("HostConfig"));
        self.mount_points(root.field("Mounts"), config.field("Volumes"));
        self.networks(root.field("NetworkSettings").field("Networks"));
    }

    fn config(&mut self, config: &Val) {
        self.spec.image = self.r.string(config.field("Image"));
        self.spec.user = self.r.string(config.field("User"));
        for (s, at) in self.strings("env", config.field("Env")) {
            // `NAME` alone removes the variable from the environment.
            let var = match s.split_once('=') {
                Some((name, value)) => EnvVar {
                    name: name.to_string(),
                    value: Some(value.to_string()),
                },
                None => EnvVar {
                    name: s.to_string(),
                    value: None,
                },
            };
            if !var.name.is_empty() {
                let at = self.r.loc(at);
                self.spec.env.push(At::new(var, at));
            }
        }
        self.spec.healthcheck = self.r.healthcheck(config.field("Healthcheck"));
    }

    fn host_config(&mut self, hc: &Val) {
        let r = &self.r;
        self.spec.privileged = r.bool(hc.field("Privileged"));
        self.spec.pid = r.ns(hc.field("PidMode"));
        self.spec.ipc = r.ns(hc.field("IpcMode"));
        self.spec.uts = r.ns(hc.field("UTSMode"));
        self.spec.network = r.ns(hc.field("NetworkMode"));
        self.spec.userns = r.ns(hc.field("UsernsMode"));
        self.spec.cgroupns = r.ns(hc.field("CgroupnsMode"));
        self.spec.read_only = r.bool(hc.field("ReadonlyRootfs"));
        self.spec.memory = r.int(hc.field("Memory"));
        self.spec.memory_swap = r.int(hc.field("MemorySwap"));
        self.spec.memory_reservation = r.int(hc.field("MemoryReservation"));
        self.spec.cpu_shares = r.int(hc.field("CpuShares"));
        self.spec.cpu_quota = r.int(hc.field("CpuQuota"));
        self.spec.cpu_period = r.int(hc.field("CpuPeriod"));
        self.spec.nano_cpus = r.int(hc.field("NanoCpus"));
        self.spec.cpuset_cpus = r.string(hc.field("CpusetCpus"));
        // `null` is "do not change": unset.
        self.spec.pids_limit = r.int(hc.field("PidsLimit"));
        self.spec.blkio_weight = r.int(hc.field("BlkioWeight"));
        self.spec.publish_all = r.bool(hc.field("PublishAllPorts"));
        self.spec.runtime = r.string(hc.field("Runtime"));
        self.spec.init = r.bool(hc.field("Init"));
        self.spec.oom_kill_disable = r.bool(hc.field("OomKillDisable"));
        self.spec.oom_score_adj = r.int(hc.field("OomScoreAdj"));
        self.spec.cgroup_parent = r.string(hc.field("CgroupParent"));
        self.spec.log_driver = r.string(hc.field("LogConfig").field("Type"));

        self.capabilities(hc);
        self.security_opts(hc.field("SecurityOpt"));
        self.binds(hc.field("Binds"));
        self.mounts(hc.field("Mounts"));
        self.tmpfs(hc.field("Tmpfs"));
        self.ulimits(hc.field("Ulimits"));
        self.devices(hc.field("Devices"));
        for (rule, at) in self.strings("device_cgroup_rules", hc.field("DeviceCgroupRules")) {
            let at = self.r.loc(at);
            self.spec
                .device_cgroup_rules
                .push(At::new(rule.to_string(), at));
        }
        self.ports(hc.field("PortBindings"));
        self.sysctls(hc.field("Sysctls"));
        self.spec.restart = self.restart(hc.field("RestartPolicy"));
        for (group, at) in self.strings("group_add", hc.field("GroupAdd")) {
            let at = self.r.loc(at);
            self.spec.group_add.push(At::new(group.to_string(), at));
        }
    }

    fn capabilities(&mut self, hc: &Val) {
        for (cap, at) in self.strings("cap_add", hc.field("CapAdd")) {
            if cap.trim().is_empty() {
                self.r.problem(
                    at,
                    "empty capability: the engine rejects the request".to_string(),
                );
            } else {
                let at = self.r.loc(at);
                self.spec.add_cap(cap, at);
            }
        }
        for (cap, at) in self.strings("cap_drop", hc.field("CapDrop")) {
            if cap.trim().is_empty() {
                self.r.problem(
                    at,
                    "empty capability: the engine rejects the request".to_string(),
                );
            } else {
                let at = self.r.loc(at);
                self.spec.drop_cap(cap, at);
            }
        }
    }

    fn security_opts(&mut self, v: &Val) {
        if let Some(at) = v.first_bad() {
            // Any of them may have been the seccomp or AppArmor setting.
            let loc = self.r.loc(at);
            self.spec.seccomp = Setting::Unknown(loc.clone());
            self.spec.apparmor = Setting::Unknown(loc.clone());
            self.spec.no_new_privileges = Setting::Unknown(loc);
            self.unresolved("security_opt", at);
            self.unresolved("selinux", at);
            return;
        }
        for (opt, at) in self.strings("security_opt", v) {
            let at = self.r.loc(at);
            if opt == "disable" {
                // The engine takes a bare `disable` as `label=disable`
                // (`parseSecurityOpt` in daemon/daemon_unix.go).
                self.spec.selinux.push(At::new(opt.to_string(), at));
            } else if !opt.trim().is_empty() {
                self.spec.apply_security_opt(opt, at);
            }
        }
    }

    /// `HostConfig.Binds`: the short volume syntax.
    fn binds(&mut self, v: &Val) {
        for (bind, at) in self.strings("mounts", v) {
            match parse::parse_volume_spec(bind) {
                Ok(m) => self.push_mount(m, at),
                Err(e) => {
                    self.r.problem(at, e);
                    self.unresolved("mounts", at);
                }
            }
        }
    }

    /// `HostConfig.Mounts`: the long form (`mount.Mount`).
    fn mounts(&mut self, v: &Val) {
        if let Some(at) = v.bad() {
            self.unresolved("mounts", at);
            self.unresolved("tmpfs", at);
            return;
        }
        let Some(slice) = v.as_slice() else {
            return;
        };
        for item in slice.items() {
            let Some(st) = item.as_struct() else {
                continue;
            };
            if let Some(at) = item.first_bad() {
                self.unresolved("mounts", at);
                continue;
            }
            let mount = self.mount(item, &st.at);
            self.push_mount(mount, &st.at);
        }
    }

    fn mount(&mut self, item: &Val, at: &str) -> Mount {
        let kind = MountKind::parse(item.field("Type").str_or_empty());
        if let MountKind::Other(o) = &kind {
            let message = format!(
                "unknown mount type `{}`: the engine rejects the request",
                short(o)
            );
            self.r.problem(at, message);
        }
        let mut m = Mount::new(kind, item.field("Target").str_or_empty());
        let source = item.field("Source").str_or_empty();
        m.source = non_empty(source);
        m.read_only = item.field("ReadOnly").as_bool().is_some_and(|(b, _)| b);
        m.propagation = non_empty(
            item.field("BindOptions")
                .field("Propagation")
                .str_or_empty(),
        );
        let driver = item.field("VolumeOptions").field("DriverConfig");
        m.volume_driver = non_empty(driver.field("Name").str_or_empty());
        if let Some(opts) = driver.field("Options").as_map() {
            m.volume_options = opts
                .entries()
                .iter()
                .map(|e| (e.key.clone(), e.val.str_or_empty().to_string()))
                .collect();
        }
        let tmpfs = item.field("TmpfsOptions");
        if let Some((size, _)) = tmpfs.field("SizeBytes").as_int().filter(|(n, _)| *n != 0) {
            m.tmpfs_options.push(format!("size={size}"));
        }
        // The API writes the mode in decimal; options are written in octal.
        if let Some((mode, _)) = tmpfs.field("Mode").as_int().filter(|(n, _)| *n != 0) {
            m.tmpfs_options.push(format!("mode={mode:o}"));
        }
        if let Some(opts) = tmpfs.field("Options").as_slice() {
            for opt in opts.items() {
                let words: Vec<&str> = opt
                    .as_slice()
                    .map(|w| w.items().iter().map(Val::str_or_empty).collect())
                    .unwrap_or_default();
                match words.as_slice() {
                    [flag] => m.tmpfs_options.push((*flag).to_string()),
                    [k, v] => m.tmpfs_options.push(format!("{k}={v}")),
                    _ => {}
                }
            }
        }
        m.host_path = match m.kind {
            // A named pipe is a host object too (`\\.\pipe\docker_engine`).
            MountKind::Bind | MountKind::Npipe => m.source.clone(),
            MountKind::Volume => parse::local_volume_host_path(&m.volume_options),
            _ => None,
        };
        m
    }

    /// `HostConfig.Tmpfs`: target → comma-separated options.
    fn tmpfs(&mut self, v: &Val) {
        if let Some(at) = v.bad() {
            self.unresolved("tmpfs", at);
            self.unresolved("mounts", at);
            return;
        }
        let Some(map) = v.as_map() else {
            return;
        };
        for e in map.entries() {
            if let Some(at) = e.val.bad() {
                self.unresolved("tmpfs", at);
                continue;
            }
            let mut m = Mount::new(MountKind::Tmpfs, e.key.as_str());
            m.tmpfs_options = e
                .val
                .str_or_empty()
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(str::to_string)
                .collect();
            self.push_mount(m, &e.at);
        }
    }

    /// `Config.Volumes` of a create body: anonymous volumes, unless a bind or
    /// mount already targets the path.
    fn anonymous_volumes(&mut self, v: &Val) {
        if let Some(at) = v.bad() {
            self.unresolved("mounts", at);
            return;
        }
        let Some(map) = v.as_map() else {
            return;
        };
        for e in map.entries() {
            if !self.covered.contains(&clean_path(&e.key)) {
                self.push_mount(Mount::new(MountKind::Volume, e.key.as_str()), &e.at);
            }
        }
    }

    /// The top-level `Mounts` of an inspect document (`MountPoint`s) that
    /// `HostConfig` does not account for. A volume there is never a host path,
    /// whatever its target: `Source` is the volume's directory under
    /// `/var/lib/docker/volumes`.
    fn mount_points(&mut self, v: &Val, config_volumes: &Val) {
        if let Some(at) = v.bad() {
            self.unresolved("mounts", at);
            return;
        }
        let Some(slice) = v.as_slice() else {
            return;
        };
        // The image's volumes, and `-v /path`: anonymous volumes.
        let anonymous: HashSet<String> = config_volumes
            .as_map()
            .map(|m| m.entries().iter().map(|e| clean_path(&e.key)).collect())
            .unwrap_or_default();
        for item in slice.items() {
            let Some(st) = item.as_struct() else {
                continue;
            };
            if let Some(at) = item.first_bad() {
                self.unresolved("mounts", at);
                continue;
            }
            let target = item.field("Destination").str_or_empty();
            if target.is_empty() || self.covered.contains(&clean_path(target)) {
                continue;
            }
            let kind = MountKind::parse(item.field("Type").str_or_empty());
            let mut m = Mount::new(kind, target);
            m.read_only = item.field("RW").as_bool().is_some_and(|(rw, _)| !rw);
            m.propagation = non_empty(item.field("Propagation").str_or_empty());
            match m.kind {
                // Binds not in HostConfig come from `--volumes-from`: real host
                // paths.
                MountKind::Bind | MountKind::Npipe => {
                    m.source = non_empty(item.field("Source").str_or_empty());
                    m.host_path = m.source.clone();
                }
                MountKind::Volume => {
                    if !anonymous.contains(&clean_path(target)) {
                        m.source = non_empty(item.field("Name").str_or_empty());
                    }
                    m.volume_driver = non_empty(item.field("Driver").str_or_empty());
                }
                _ => {}
            }
            self.push_mount(m, &st.at);
        }
    }

    fn ulimits(&mut self, v: &Val) {
        if let Some(at) = v.first_bad() {
            self.unresolved("ulimits", at);
            return;
        }
        let Some(slice) = v.as_slice() else {
            return;
        };
        for item in slice.items() {
            // A nil `*Ulimit` (from `null`) is left out.
            let Some(st) = item.as_struct() else {
                continue;
            };
            let ulimit = Ulimit {
                name: item.field("Name").str_or_empty().to_string(),
                soft: item.field("Soft").as_int().map_or(0, |(n, _)| n),
                hard: item.field("Hard").as_int().map_or(0, |(n, _)| n),
            };
            let at = self.r.loc(&st.at);
            self.spec.ulimits.push(At::new(ulimit, at));
        }
    }

    fn devices(&mut self, v: &Val) {
        if let Some(at) = v.first_bad() {
            self.unresolved("devices", at);
            return;
        }
        let Some(slice) = v.as_slice() else {
            return;
        };
        for item in slice.items() {
            let Some(st) = item.as_struct() else {
                continue;
            };
            let host = item.field("PathOnHost").str_or_empty();
            if host.is_empty() {
                continue;
            }
            let permissions = item.field("CgroupPermissions").str_or_empty();
            let device = Device {
                host: host.to_string(),
                container: item.field("PathInContainer").str_or_empty().to_string(),
                // The cgroup rule of an empty access is read as all of `rwm`;
                // assume the widest.
                permissions: if permissions.is_empty() {
                    "rwm".to_string()
                } else {
                    permissions.to_string()
                },
            };
            let at = self.r.loc(&st.at);
            self.spec.devices.push(At::new(device, at));
        }
    }

    /// `HostConfig.PortBindings`: `"80/tcp": [{"HostIp": "", "HostPort": "8080"}]`.
    fn ports(&mut self, v: &Val) {
        if let Some(at) = v.bad() {
            self.unresolved("ports", at);
            return;
        }
        let Some(map) = v.as_map() else {
            return;
        };
        for e in map.entries() {
            if let Some(at) = e.val.first_bad() {
                self.unresolved("ports", at);
                continue;
            }
            let (port, protocol) = split_proto_port(&e.key);
            let Some(container_port) = parse::parse_port_range(port) else {
                let message = format!("invalid container port `{}`", short(&e.key));
                self.r.problem(&e.at, message);
                self.unresolved("ports", &e.at);
                continue;
            };
            if !matches!(protocol, "tcp" | "udp" | "sctp") {
                let message = format!("unknown protocol in `{}`", short(&e.key));
                self.r.problem(&e.at, message);
                self.unresolved("ports", &e.at);
                continue;
            }
            let Some(bindings) = e.val.as_slice() else {
                continue;
            };
            for b in bindings.items() {
                let Some(st) = b.as_struct() else {
                    continue;
                };
                let host_port = match b.field("HostPort").str_or_empty() {
                    // The engine picks an ephemeral port.
                    "" => None,
                    hp => match parse::parse_port_range(hp) {
                        Some(range) => Some(range),
                        None => {
                            let message = format!("invalid host port `{}`", short(hp));
                            self.r.problem(&st.at, message);
                            self.unresolved("ports", &st.at);
                            continue;
                        }
                    },
                };
                let port = Port {
                    // `""` is every interface.
                    host_ip: non_empty(b.field("HostIp").str_or_empty()),
                    host_port,
                    container_port,
                    protocol: protocol.to_string(),
                };
                let at = self.r.loc(&st.at);
                self.spec.ports.push(At::new(port, at));
            }
        }
    }

    fn sysctls(&mut self, v: &Val) {
        if let Some(at) = v.bad() {
            self.unresolved("sysctls", at);
            return;
        }
        let Some(map) = v.as_map() else {
            return;
        };
        for e in map.entries() {
            if let Some(at) = e.val.bad() {
                self.unresolved("sysctls", at);
                continue;
            }
            let at = self.r.loc(&e.at);
            let value = e.val.str_or_empty().to_string();
            self.spec.sysctls.push(At::new((e.key.clone(), value), at));
        }
    }

    /// `HostConfig.RestartPolicy`: `Name` `""` is `no` (`IsNone`).
    fn restart(&mut self, v: &Val) -> Setting<Restart> {
        if let Some(at) = v.first_bad() {
            return Setting::Unknown(self.r.loc(at));
        }
        let Some(st) = v.as_struct() else {
            return Setting::Unset;
        };
        let name = v.field("Name");
        let count = v.field("MaximumRetryCount").as_int();
        let at = name.as_str().map_or(st.at.as_str(), |(_, at)| at);
        let policy = match name.str_or_empty() {
            "" | "no" => "no",
            p @ ("always" | "unless-stopped" | "on-failure") => p,
            other => {
                let message = format!(
                    "unknown restart policy `{}`: the engine rejects the request",
                    short(other)
                );
                self.r.problem(at, message);
                return Setting::Unknown(self.r.loc(at));
            }
        };
        // `ValidateRestartPolicy`: a retry count only with `on-failure` (or the
        // empty name of engines before 25.0), never negative.
        if let Some((n, count_at)) = count {
            let message = if n < 0 {
                Some("a negative retry count: the engine rejects the request")
            } else if n != 0 && policy != "on-failure" && !name.str_or_empty().is_empty() {
                Some("a retry count without `on-failure`: the engine rejects the request")
            } else {
                None
            };
            if let Some(message) = message {
                self.r.problem(count_at, message.to_string());
            }
        }
        Setting::set(
            Restart {
                policy: policy.to_string(),
                max_retries: count.map(|(n, _)| n),
            },
            self.r.loc(at),
        )
    }

    fn networks(&mut self, v: &Val) {
        if let Some(at) = v.bad() {
            self.unresolved("networks", at);
            return;
        }
        let Some(map) = v.as_map() else {
            return;
        };
        for e in map.entries() {
            let at = self.r.loc(&e.at);
            self.spec.networks.push(At::new(e.key.clone(), at));
        }
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// `nat.SplitProtoPort`: `80/tcp` → (`80`, `tcp`); no or an empty protocol is
/// `tcp`; anything after a second `/` is ignored.
fn split_proto_port(key: &str) -> (&str, &str) {
    let mut parts = key.split('/');
    let port = parts.next().unwrap_or_default();
    let protocol = parts.next().filter(|p| !p.is_empty()).unwrap_or("tcp");
    (port, protocol)
}

/// A container path, lexically cleaned (`/data/` and `/data/./` are `/data`),
/// to compare mount targets as the engine does.
fn clean_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}
