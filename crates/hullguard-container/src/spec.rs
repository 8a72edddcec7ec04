//! The [`ContainerSpec`] data model: plain data, no I/O.

use hullguard_diagnostics::Location;

/// A value and where it came from.
#[derive(Debug, Clone)]
pub struct At<T> {
    pub value: T,
    pub at: Location,
}

impl<T> At<T> {
    pub fn new(value: T, at: Location) -> At<T> {
        At { value, at }
    }
}

/// A scalar setting of a container: absent, present but not interpretable, or set.
#[derive(Debug, Clone, Default)]
pub enum Setting<T> {
    /// Not given: the engine default applies.
    #[default]
    Unset,
    /// Given, but its value could not be determined (an unresolved variable, a
    /// value of the wrong type). Rules must neither fire on it nor treat it as
    /// missing.
    Unknown(Location),
    Set(At<T>),
}

impl<T> Setting<T> {
    pub fn set(value: T, at: Location) -> Setting<T> {
        Setting::Set(At { value, at })
    }

    /// The value, when it is known.
    pub fn get(&self) -> Option<&T> {
        match self {
            Setting::Set(a) => Some(&a.value),
            _ => None,
        }
    }

    /// Where the setting is written, when it is written.
    pub fn at(&self) -> Option<&Location> {
        match self {
            Setting::Set(a) => Some(&a.at),
            Setting::Unknown(at) => Some(at),
            Setting::Unset => None,
        }
    }

    pub fn is_unset(&self) -> bool {
        matches!(self, Setting::Unset)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Setting::Unknown(_))
    }

    /// The known value and its location.
    pub fn known(&self) -> Option<&At<T>> {
        match self {
            Setting::Set(a) => Some(a),
            _ => None,
        }
    }
}

/// What produced a spec. Some engine defaults differ by source: a container
/// created by `docker run` without `--network` joins the default bridge, a compose
/// service joins its project's own network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Compose,
    DockerRun,
    /// A `POST /containers/create` body or an inspect document.
    Api,
}

/// A namespace mode (`--pid`, `--ipc`, `--uts`, `--network`, `--userns`,
/// `--cgroupns`, and the compose keys of the same names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NsMode {
    /// The container's own namespace (`private`, and the engine default).
    Private,
    /// The host's namespace.
    Host,
    /// Another container's (`container:NAME`).
    Container(String),
    /// A compose service's (`service:NAME`).
    Service(String),
    /// IPC `shareable`: private, but other containers may join it.
    Shareable,
    /// No namespace of this kind (`none`): IPC without `/dev/shm`, network without
    /// interfaces.
    None,
    /// Anything else: a network name (`bridge`, `default`, a user-defined network),
    /// or a mode this version does not know.
    Other(String),
}

impl NsMode {
    /// Parses a mode as the engine and compose write it (case-sensitive, as the
    /// engine is: `HOST` is not the host mode).
    pub fn parse(s: &str) -> NsMode {
        let t = s.trim();
        match t {
            "" | "private" => NsMode::Private,
            "host" => NsMode::Host,
            "shareable" => NsMode::Shareable,
            "none" => NsMode::None,
            _ => {
                if let Some(c) = t.strip_prefix("container:") {
                    NsMode::Container(c.to_string())
                } else if let Some(c) = t.strip_prefix("service:") {
                    NsMode::Service(c.to_string())
                } else {
                    NsMode::Other(t.to_string())
                }
            }
        }
    }

    pub fn is_host(&self) -> bool {
        matches!(self, NsMode::Host)
    }
}

/// Kind of a mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MountKind {
    Bind,
    Volume,
    Tmpfs,
    Npipe,
    Image,
    Cluster,
    Other(String),
}

impl MountKind {
    pub fn parse(s: &str) -> MountKind {
        match s {
            "bind" => MountKind::Bind,
            "volume" => MountKind::Volume,
            "tmpfs" => MountKind::Tmpfs,
            "npipe" => MountKind::Npipe,
            "image" => MountKind::Image,
            "cluster" => MountKind::Cluster,
            o => MountKind::Other(o.to_string()),
        }
    }
}

/// One mount of the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub kind: MountKind,
    /// Bind: the host path as written; volume: the volume name (`None` for an
    /// anonymous volume).
    pub source: Option<String>,
    /// The host path that ends up in the container, whatever syntax made the mount:
    /// a bind source, or a named volume whose local driver options bind (or overlay)
    /// a host directory (`type: none, o: bind, device: /`). `None` when no host
    /// path is mounted (or it is not known).
    pub host_path: Option<String>,
    /// Path in the container.
    pub target: String,
    pub read_only: bool,
    /// `shared`, `rshared`, `slave`, `rslave`, `private`, `rprivate`.
    pub propagation: Option<String>,
    /// SELinux relabelling: `z` (shared) or `Z` (private).
    pub selinux: Option<String>,
    /// Volume driver (`local` when not given).
    pub volume_driver: Option<String>,
    /// Volume driver options (`type`, `o`, `device` for the local driver).
    pub volume_options: Vec<(String, String)>,
    /// tmpfs options as written (`noexec`, `nosuid`, `size=64m`, `mode=1777` ...).
    pub tmpfs_options: Vec<String>,
}

impl Mount {
    /// A mount of `kind` at `target` with every other field empty.
    pub fn new(kind: MountKind, target: impl Into<String>) -> Mount {
        Mount {
            kind,
            source: None,
            host_path: None,
            target: target.into(),
            read_only: false,
            propagation: None,
            selinux: None,
            volume_driver: None,
            volume_options: Vec::new(),
            tmpfs_options: Vec::new(),
        }
    }

    /// Whether a tmpfs option is present (`noexec`, `nosuid`, `nodev`).
    pub fn has_tmpfs_option(&self, opt: &str) -> bool {
        self.tmpfs_options.iter().any(|o| o.trim() == opt)
    }
}

/// The seccomp setting of `--security-opt seccomp=...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seccomp {
    Unconfined,
    /// A profile file, or the JSON profile itself (API documents hold the content).
    Profile(String),
}

/// A resource limit `--ulimit NAME=SOFT[:HARD]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ulimit {
    pub name: String,
    pub soft: i64,
    pub hard: i64,
}

/// A host device made available in the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub host: String,
    pub container: String,
    /// cgroup permissions: a subset of `rwm`.
    pub permissions: String,
}

/// A published port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// Host address the port is bound to; `None` means every interface (the
    /// engine default, IPv4 and IPv6).
    pub host_ip: Option<String>,
    /// Host port range (`None` for an ephemeral port chosen by the engine).
    pub host_port: Option<(u16, u16)>,
    /// Container port range.
    pub container_port: (u16, u16),
    /// `tcp`, `udp` or `sctp`.
    pub protocol: String,
}

/// A restart policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restart {
    /// Normalised to the engine's names: `no`, `always`, `unless-stopped`,
    /// `on-failure` (compose `deploy.restart_policy.condition: any` is `always`).
    pub policy: String,
    /// Retries for `on-failure`; `None` or 0 means unlimited.
    pub max_retries: Option<i64>,
}

/// A healthcheck.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Healthcheck {
    /// `--no-healthcheck`, `disable: true`, or a test of `["NONE"]`.
    pub disabled: bool,
    /// The test command as given (`["CMD-SHELL", "curl ..."]`), when any.
    pub test: Vec<String>,
}

/// One environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    /// `None` when the value is taken from the caller's environment (`-e NAME`,
    /// compose `environment: [NAME]`), or could not be resolved.
    pub value: Option<String>,
}

/// What the image contributes when the container does not say: the image's
/// `USER` and `HEALTHCHECK` (from the project's Dockerfile, or an inspected image).
#[derive(Debug, Clone)]
pub struct ImageDefaults {
    /// Where these come from, for messages (`api/Dockerfile`, `sha256:…`).
    pub source: String,
    /// The image's user: `Unset` means the image sets none (root).
    pub user: Setting<String>,
    /// The image's healthcheck: `Unset` means it has none.
    pub healthcheck: Setting<Healthcheck>,
    /// For an image built from a Dockerfile: the external base image (`FROM
    /// debian:12`) whose own `USER` and `HEALTHCHECK` apply where the Dockerfile
    /// sets none (those settings are then `Unknown`). `None` for `scratch`, or for
    /// an inspected image.
    pub external_base: Option<String>,
    /// No stage sets `USER`: the user is the base image's.
    pub user_from_base: bool,
}

impl ImageDefaults {
    /// Whether the user is unknown only because no stage sets one and the
    /// external base image's user applies (not because a `USER` value could not
    /// be resolved).
    pub fn user_from_external_base(&self) -> bool {
        self.external_base.is_some() && self.user_from_base && self.user.is_unknown()
    }
}

/// A compose `build:` section, resolved against the project directory.
#[derive(Debug, Clone)]
pub struct Build {
    /// Build context directory (absolute, or a URL for a remote context).
    pub context: String,
    /// Dockerfile path (absolute), when the context is a local directory.
    pub dockerfile: Option<String>,
    pub target: Option<String>,
    pub args: Vec<(String, String)>,
    pub at: Location,
}

/// Calls `$m!` with the name of every scalar [`Setting`] of [`ContainerSpec`]
/// (one list, so code that walks them all cannot miss one).
macro_rules! for_each_setting {
    ($m:ident) => {
        $m!(
            image,
            user,
            privileged,
            pid,
            ipc,
            uts,
            network,
            userns,
            cgroupns,
            read_only,
            seccomp,
            apparmor,
            no_new_privileges,
            memory,
            memory_swap,
            memory_reservation,
            cpu_shares,
            cpu_quota,
            cpu_period,
            nano_cpus,
            cpuset_cpus,
            pids_limit,
            blkio_weight,
            publish_all,
            restart,
            healthcheck,
            runtime,
            init,
            oom_kill_disable,
            oom_score_adj,
            cgroup_parent,
            log_driver
        )
    };
}

/// Calls `$m!` with the name of every list (`Vec<At<_>>`) of [`ContainerSpec`].
macro_rules! for_each_list {
    ($m:ident) => {
        $m!(
            group_add,
            cap_add,
            cap_drop,
            networks,
            mounts,
            selinux,
            other_security_opts,
            ulimits,
            devices,
            device_cgroup_rules,
            ports,
            sysctls,
            env,
            env_files,
            secrets,
            unresolved
        )
    };
}

/// The runtime configuration of one container.
#[derive(Debug, Clone)]
pub struct ContainerSpec {
    pub source: SourceKind,
    /// `service`, `container` or `command`: the kind of object for messages and
    /// [`Location::Object`].
    pub kind: &'static str,
    /// Service name, container name or id, or a label for a command line.
    pub name: String,
    /// The object itself (the service key, the `docker run` word, the document
    /// root): where a finding about something missing points.
    pub at: Location,

    pub image: Setting<String>,
    pub build: Option<Build>,
    /// The image's own user and healthcheck, when known.
    pub image_defaults: Option<ImageDefaults>,

    pub user: Setting<String>,
    pub group_add: Vec<At<String>>,
    pub privileged: Setting<bool>,
    /// Normalised: upper case, no `CAP_` prefix, `ALL`.
    pub cap_add: Vec<At<String>>,
    pub cap_drop: Vec<At<String>>,

    pub pid: Setting<NsMode>,
    pub ipc: Setting<NsMode>,
    pub uts: Setting<NsMode>,
    pub network: Setting<NsMode>,
    /// Networks joined besides `network` (compose `networks:`, API
    /// `NetworkingConfig`).
    pub networks: Vec<At<String>>,
    pub userns: Setting<NsMode>,
    pub cgroupns: Setting<NsMode>,

    pub mounts: Vec<At<Mount>>,
    pub read_only: Setting<bool>,

    pub seccomp: Setting<Seccomp>,
    /// AppArmor profile name (`unconfined` disables it).
    pub apparmor: Setting<String>,
    /// SELinux label options (`disable`, `type:spc_t`, `level:...`).
    pub selinux: Vec<At<String>>,
    pub no_new_privileges: Setting<bool>,
    /// `--security-opt` values this model does not know, as written.
    pub other_security_opts: Vec<At<String>>,

    /// Bytes; 0 means unlimited.
    pub memory: Setting<i64>,
    /// Bytes; -1 means unlimited swap.
    pub memory_swap: Setting<i64>,
    pub memory_reservation: Setting<i64>,
    pub cpu_shares: Setting<i64>,
    pub cpu_quota: Setting<i64>,
    pub cpu_period: Setting<i64>,
    /// CPUs in billionths (`--cpus 1.5` is 1_500_000_000).
    pub nano_cpus: Setting<i64>,
    pub cpuset_cpus: Setting<String>,
    /// 0 or negative means unlimited.
    pub pids_limit: Setting<i64>,
    pub ulimits: Vec<At<Ulimit>>,
    pub blkio_weight: Setting<i64>,

    pub devices: Vec<At<Device>>,
    pub device_cgroup_rules: Vec<At<String>>,

    pub ports: Vec<At<Port>>,
    /// `-P` / `PublishAllPorts`: every exposed port on an ephemeral host port.
    pub publish_all: Setting<bool>,

    pub sysctls: Vec<At<(String, String)>>,
    pub restart: Setting<Restart>,
    pub healthcheck: Setting<Healthcheck>,
    pub env: Vec<At<EnvVar>>,
    pub env_files: Vec<At<String>>,
    /// Secret names (compose `secrets:`), each mounted under `/run/secrets`.
    pub secrets: Vec<At<String>>,

    pub runtime: Setting<String>,
    pub init: Setting<bool>,
    pub oom_kill_disable: Setting<bool>,
    pub oom_score_adj: Setting<i64>,
    pub cgroup_parent: Setting<String>,
    pub log_driver: Setting<String>,

    /// List settings that were given but could not be read completely (field name,
    /// e.g. `cap_drop`, and where). A rule about something missing from such a list
    /// must not fire.
    pub unresolved: Vec<At<&'static str>>,
}

impl ContainerSpec {
    /// An empty spec: every setting unset.
    pub fn new(
        source: SourceKind,
        kind: &'static str,
        name: impl Into<String>,
        at: Location,
    ) -> ContainerSpec {
        ContainerSpec {
            source,
            kind,
            name: name.into(),
            at,
            image: Setting::Unset,
            build: None,
            image_defaults: None,
            user: Setting::Unset,
            group_add: Vec::new(),
            privileged: Setting::Unset,
            cap_add: Vec::new(),
            cap_drop: Vec::new(),
            pid: Setting::Unset,
            ipc: Setting::Unset,
            uts: Setting::Unset,
            network: Setting::Unset,
            networks: Vec::new(),
            userns: Setting::Unset,
            cgroupns: Setting::Unset,
            mounts: Vec::new(),
            read_only: Setting::Unset,
            seccomp: Setting::Unset,
            apparmor: Setting::Unset,
            selinux: Vec::new(),
            no_new_privileges: Setting::Unset,
            other_security_opts: Vec::new(),
            memory: Setting::Unset,
            memory_swap: Setting::Unset,
            memory_reservation: Setting::Unset,
            cpu_shares: Setting::Unset,
            cpu_quota: Setting::Unset,
            cpu_period: Setting::Unset,
            nano_cpus: Setting::Unset,
            cpuset_cpus: Setting::Unset,
            pids_limit: Setting::Unset,
            ulimits: Vec::new(),
            blkio_weight: Setting::Unset,
            devices: Vec::new(),
            device_cgroup_rules: Vec::new(),
            ports: Vec::new(),
            publish_all: Setting::Unset,
            sysctls: Vec::new(),
            restart: Setting::Unset,
            healthcheck: Setting::Unset,
            env: Vec::new(),
            env_files: Vec::new(),
            secrets: Vec::new(),
            runtime: Setting::Unset,
            init: Setting::Unset,
            oom_kill_disable: Setting::Unset,
            oom_score_adj: Setting::Unset,
            cgroup_parent: Setting::Unset,
            log_driver: Setting::Unset,
            unresolved: Vec::new(),
        }
    }

    /// Every location the spec holds, with the field it belongs to: the object
    /// itself (`spec`), each written setting, each list item.
    pub fn locations(&self) -> Vec<(&'static str, &Location)> {
        let mut out = vec![("spec", &self.at)];
        macro_rules! settings {
            ($($f:ident),*) => { $( out.extend(self.$f.at().map(|at| (stringify!($f), at))); )* };
        }
        for_each_setting!(settings);
        macro_rules! lists {
            ($($f:ident),*) => { $( out.extend(self.$f.iter().map(|a| (stringify!($f), &a.at))); )* };
        }
        for_each_list!(lists);
        out
    }

    /// Makes every scalar setting that is not written `Unknown` at `at`: for a
    /// source where something not visible may set any of them (a `docker run`
    /// word that may expand to flags).
    pub fn mark_unset_unknown(&mut self, at: &Location) {
        fn unknown<T>(s: &mut Setting<T>, at: &Location) {
            if s.is_unset() {
                *s = Setting::Unknown(at.clone());
            }
        }
        macro_rules! settings {
            ($($f:ident),*) => { $( unknown(&mut self.$f, at); )* };
        }
        for_each_setting!(settings);
    }

    /// Whether a list setting (`cap_drop`, `mounts` ...) could not be read
    /// completely.
    pub fn is_unresolved(&self, field: &str) -> bool {
        self.unresolved.iter().any(|u| u.value == field)
    }

    /// Adds a capability to `cap_add`, normalised.
    pub fn add_cap(&mut self, cap: &str, at: Location) {
        self.cap_add.push(At::new(normalize_capability(cap), at));
    }

    /// Adds a capability to `cap_drop`, normalised.
    pub fn drop_cap(&mut self, cap: &str, at: Location) {
        self.cap_drop.push(At::new(normalize_capability(cap), at));
    }

    /// Applies one `--security-opt` / `security_opt` / `SecurityOpt` value.
    pub fn apply_security_opt(&mut self, opt: &str, at: Location) {
        match parse_security_opt(opt) {
            SecurityOpt::Seccomp(s) => self.seccomp = Setting::set(s, at),
            SecurityOpt::AppArmor(p) => self.apparmor = Setting::set(p, at),
            SecurityOpt::Label(l) => self.selinux.push(At::new(l, at)),
            SecurityOpt::NoNewPrivileges(b) => self.no_new_privileges = Setting::set(b, at),
            SecurityOpt::Unknown(o) => self.other_security_opts.push(At::new(o, at)),
        }
    }

    /// The effective user: the container's own, else the image's. `None` when
    /// neither is known.
    pub fn effective_user(&self) -> EffectiveUser<'_> {
        match &self.user {
            Setting::Set(a) if !a.value.trim().is_empty() => EffectiveUser::Container(a),
            Setting::Unknown(_) => EffectiveUser::Unknown,
            _ => match &self.image_defaults {
                Some(img) => match &img.user {
                    Setting::Set(a) if !a.value.trim().is_empty() => EffectiveUser::Image(img, a),
                    Setting::Unknown(_) => EffectiveUser::Unknown,
                    _ => EffectiveUser::ImageRoot(img),
                },
                None => EffectiveUser::Unknown,
            },
        }
    }
}

/// Who the container's processes run as, and who said so.
#[derive(Debug, Clone, Copy)]
pub enum EffectiveUser<'a> {
    /// Set on the container (`user:`, `-u`, `Config.User`).
    Container(&'a At<String>),
    /// Not set on the container; the image's `USER`.
    Image(&'a ImageDefaults, &'a At<String>),
    /// Not set on the container, and the image sets no user: root.
    ImageRoot(&'a ImageDefaults),
    /// Not set on the container and the image is unknown, or a value could not be
    /// resolved.
    Unknown,
}

/// Whether a user value (`0`, `root`, `0:0`, `root:wheel`, `1000`) names root.
pub fn is_root_user(user: &str) -> bool {
    let u = user.trim();
    let name = u.split(':').next().unwrap_or(u).trim();
    name == "0" || name == "root"
}

/// Normalises a capability name: upper case, no `CAP_` prefix.
pub fn normalize_capability(cap: &str) -> String {
    let up = cap.trim().to_ascii_uppercase();
    match up.strip_prefix("CAP_") {
        Some(rest) => rest.to_string(),
        None => up,
    }
}

/// One parsed `--security-opt` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityOpt {
    Seccomp(Seccomp),
    AppArmor(String),
    Label(String),
    NoNewPrivileges(bool),
    Unknown(String),
}

/// Parses a security option in either separator form (`seccomp=unconfined`,
/// `seccomp:unconfined`, `no-new-privileges`, `no-new-privileges:true`,
/// `label=disable`, `label:type:spc_t`, `apparmor=unconfined`), as the engine does.
pub fn parse_security_opt(opt: &str) -> SecurityOpt {
    let o = opt.trim();
    if o == "no-new-privileges" {
        return SecurityOpt::NoNewPrivileges(true);
    }
    // The engine splits on the first `=`, and accepts `:` for compatibility
    // (daemon/oci_linux.go, `parseSecurityOpt`).
    let (key, value) = match (o.find('='), o.find(':')) {
        (Some(e), Some(c)) if c < e => (&o[..c], &o[c + 1..]),
        (Some(e), _) => (&o[..e], &o[e + 1..]),
        (None, Some(c)) => (&o[..c], &o[c + 1..]),
        (None, None) => return SecurityOpt::Unknown(o.to_string()),
    };
    match key {
        "seccomp" => SecurityOpt::Seccomp(if value == "unconfined" {
            Seccomp::Unconfined
        } else {
            Seccomp::Profile(value.to_string())
        }),
        "apparmor" => SecurityOpt::AppArmor(value.to_string()),
        "label" => SecurityOpt::Label(value.to_string()),
        "no-new-privileges" => match parse_bool(value) {
            Some(b) => SecurityOpt::NoNewPrivileges(b),
            None => SecurityOpt::Unknown(o.to_string()),
        },
        _ => SecurityOpt::Unknown(o.to_string()),
    }
}

/// Parses a boolean as Go's `strconv.ParseBool` does (`1`, `t`, `T`, `TRUE`,
/// `true`, `True`, and the false forms).
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Something in a source that could not be read as container configuration: a
/// bad value, an unresolved variable, an ambiguous key. Reported to the user (as a
/// finding of a meta rule), never silently dropped.
#[derive(Debug, Clone)]
pub struct Problem {
    pub at: Location,
    pub message: String,
    pub kind: ProblemKind,
}

/// Whether a problem is in the configuration itself or in what it depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The source is wrong: a bad value, a type error, broken YAML, a missing
    /// Dockerfile. The engine or Compose would refuse it or behave unexpectedly.
    Invalid,
    /// A value depends on input hullguard cannot see: an unset variable, an env
    /// file that is not in the repository. Usual for a project checked out
    /// without its deployment environment; the setting is treated as unknown.
    Unresolved,
}

impl Problem {
    pub fn new(at: Location, message: impl Into<String>) -> Problem {
        Problem {
            at,
            message: message.into(),
            kind: ProblemKind::Invalid,
        }
    }

    /// A value that depends on input hullguard cannot see.
    pub fn unresolved(at: Location, message: impl Into<String>) -> Problem {
        Problem {
            at,
            message: message.into(),
            kind: ProblemKind::Unresolved,
        }
    }
}
