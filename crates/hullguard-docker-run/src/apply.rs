//! What each flag does to the [`ContainerSpec`]: the values are read with the shared
//! short-syntax parsers of `hullguard_container::parse`, so that `-v /:/host` here and
//! `volumes: ["/:/host"]` in a compose file give the same [`Mount`].

use std::sync::Arc;

use hullguard_container::parse::{
    parse_bytes, parse_cpus, parse_device, parse_mount_csv, parse_port_spec, parse_restart,
    parse_ulimit, parse_volume_spec,
};
use hullguard_container::{
    At, ContainerSpec, EnvVar, Healthcheck, Mount, MountKind, NsMode, Problem, Setting,
};
use hullguard_diagnostics::{Location, SourceFile, Span};

use crate::command::{is_verbatim, shown, Val};
use crate::flags::{Action, Flag, Program};
use crate::words::Arg;
use crate::{mark_hidden_flags, RunCommand};

/// The engine's API socket, which `--use-api-socket` mounts at the same path.
const API_SOCKET: &str = "/var/run/docker.sock";

/// The spec being built from one command line, and what can only be decided once all
/// flags are read (the CLI applies some options together: `--volume-driver` to every
/// `-v` volume, `--no-healthcheck` against the `--health-*` options).
pub(crate) struct Builder<'f> {
    pub(crate) file: &'f Arc<SourceFile>,
    pub(crate) program: Program,
    sub: &'static str,
    spec: ContainerSpec,
    problems: Vec<Problem>,
    name: Option<String>,
    /// The image as written (expansions kept), for the default name.
    image_label: Option<String>,
    image_span: Option<Span>,
    /// The `--` that ends the flags, when written verbatim.
    flags_end: Option<Span>,
    image_found: bool,
    /// Indexes into `spec.mounts` of the mounts made by `-v`.
    volume_mounts: Vec<usize>,
    /// `--volume-driver`: the driver (`None` when only known at run time).
    volume_driver: Option<(Option<String>, Span)>,
    network_seen: bool,
    health_cmd: Option<(Option<String>, Span)>,
    no_healthcheck: Setting<bool>,
    health_option: Option<Span>,
    api_socket: Setting<bool>,
    help: bool,
    /// The first word in flag position that may hold flags.
    hidden: Option<Span>,
}

impl<'f> Builder<'f> {
    pub(crate) fn new(
        file: &'f Arc<SourceFile>,
        program: Program,
        sub: &'static str,
        spec: ContainerSpec,
    ) -> Builder<'f> {
        Builder {
            file,
            program,
            sub,
            spec,
            problems: Vec::new(),
            name: None,
            image_label: None,
            image_span: None,
            flags_end: None,
            image_found: false,
            volume_mounts: Vec::new(),
            volume_driver: None,
            network_seen: false,
            health_cmd: None,
            no_healthcheck: Setting::Unset,
            health_option: None,
            api_socket: Setting::Unset,
            help: false,
            hidden: None,
        }
    }

    /// `docker run`, `podman create` ...: for messages and the default name.
    pub(crate) fn command_name(&self) -> String {
        format!("{} {}", self.program.as_str(), self.sub)
    }

    fn at(&self, span: Span) -> Location {
        Location::file(self.file, span)
    }

    pub(crate) fn problem(&mut self, span: Span, message: impl Into<String>) {
        let at = self.at(span);
        self.problems.push(Problem::new(at, message));
    }

    fn unresolved(&mut self, field: &'static str, span: Span) {
        let at = self.at(span);
        self.spec.unresolved.push(At::new(field, at));
    }

    /// A word in flag position that may expand to flags (`$OPTS`, `"$@"`).
    pub(crate) fn hidden_flags(&mut self, a: &Arg) {
        let w = a.word;
        let at = Location::file(self.file, w.span);
        self.problems.push(Problem::unresolved(
            at,
            format!(
                "`{}` may hold flags only known at run time: settings it could change are treated as unknown",
                shown(&w.raw)
            ),
        ));
        self.hidden.get_or_insert(w.span);
    }

    /// The `--` word that ends the flags.
    pub(crate) fn set_flags_end(&mut self, a: &Arg) {
        if is_verbatim(self.file, a.word) {
            self.flags_end = Some(a.word.span);
        }
    }

    /// The IMAGE word.
    pub(crate) fn set_image(&mut self, a: &Arg) {
        let w = a.word;
        let at = self.at(w.span);
        self.spec.image = match a.value {
            Some(v) => Setting::set(v.to_owned(), at),
            None => Setting::Unknown(at),
        };
        self.image_label = Some(a.value.unwrap_or(&w.lossy).to_owned());
        self.image_found = true;
        // Flags are inserted before the image: only where the word is really there.
        if is_verbatim(self.file, w) {
            self.image_span = Some(w.span);
        }
    }

    pub(crate) fn apply_bool(&mut self, action: Action, s: Setting<bool>) {
        match action {
            Action::Privileged => self.spec.privileged = s,
            Action::ReadOnly => self.spec.read_only = s,
            Action::PublishAll => self.spec.publish_all = s,
            Action::Init => self.spec.init = s,
            Action::OomKillDisable => self.spec.oom_kill_disable = s,
            Action::NoHealthcheck => self.no_healthcheck = s,
            Action::UseApiSocket => self.api_socket = s,
            // `--help=false` does not print help; `--help=$X` might.
            Action::Help => self.help |= !matches!(s.get(), Some(false)),
            _ => {}
        }
    }

    /// A scalar string setting.
    fn string(&self, val: &Val) -> Setting<String> {
        let at = self.at(val.span);
        match &val.text {
            Some(t) => Setting::set(t.clone(), at),
            None => Setting::Unknown(at),
        }
    }

    /// A scalar setting read with `parse`; a bad value is a problem and unknown.
    fn parsed<T>(&mut self, val: &Val, parse: impl Fn(&str) -> Result<T, String>) -> Setting<T> {
        let at = self.at(val.span);
        let Some(t) = &val.text else {
            return Setting::Unknown(at);
        };
        match parse(t) {
            Ok(v) => Setting::set(v, at),
            Err(message) => {
                self.problem(val.span, message);
                Setting::Unknown(at)
            }
        }
    }

    /// An item of a list setting read with `parse`; a dynamic or bad value leaves the
    /// list unresolved.
    fn item<T>(
        &mut self,
        val: &Val,
        field: &'static str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<At<T>> {
        let Some(t) = &val.text else {
            self.unresolved(field, val.span);
            return None;
        };
        match parse(t) {
            Ok(v) => Some(At::new(v, self.at(val.span))),
            Err(message) => {
                self.problem(val.span, message);
                self.unresolved(field, val.span);
                None
            }
        }
    }

    pub(crate) fn value_flag(&mut self, flag: &'static Flag, display: &str, val: Val) {
        let at = self.at(val.span);
        let int = |s: &str| go_int(s, display);
        match flag.action {
            Action::CapAdd | Action::CapDrop => {
                let (field, add) = match flag.action {
                    Action::CapAdd => ("cap_add", true),
                    _ => ("cap_drop", false),
                };
                let non_empty = |s: &str| {
                    if s.trim().is_empty() {
                        Err(format!("empty capability for `{display}`"))
                    } else {
                        Ok(s.to_owned())
                    }
                };
                if let Some(cap) = self.item(&val, field, non_empty) {
                    if add {
                        self.spec.add_cap(&cap.value, cap.at);
                    } else {
                        self.spec.drop_cap(&cap.value, cap.at);
                    }
                }
            }
            Action::SecurityOpt => match &val.text {
                Some(t) => self.spec.apply_security_opt(t, at),
                None => self.dynamic_security_opt(&val),
            },
            Action::Pid => self.spec.pid = self.ns(&val),
            Action::Ipc => self.spec.ipc = self.ns(&val),
            Action::Uts => self.spec.uts = self.ns(&val),
            Action::Userns => self.spec.userns = self.ns(&val),
            Action::Cgroupns => self.spec.cgroupns = self.ns(&val),
            Action::Network => self.network(&val),
            Action::Volume => {
                if let Some(m) = self.item(&val, "mounts", parse_volume_spec) {
                    self.volume_mounts.push(self.spec.mounts.len());
                    self.spec.mounts.push(m);
                }
            }
            Action::Mount => {
                if let Some(m) = self.item(&val, "mounts", parse_mount_csv) {
                    self.spec.mounts.push(m);
                }
            }
            Action::Tmpfs => {
                if let Some(m) = self.item(&val, "mounts", parse_tmpfs) {
                    self.spec.mounts.push(m);
                }
            }
            // The other container's mounts are not known here.
            Action::VolumesFrom => self.unresolved("mounts", val.span),
            Action::VolumeDriver => self.volume_driver = Some((val.text.clone(), val.span)),
            Action::Publish => {
                if let Some(p) = self.item(&val, "ports", parse_port_spec) {
                    self.spec.ports.push(p);
                }
            }
            Action::Restart => self.spec.restart = self.parsed(&val, parse_restart),
            Action::User => self.spec.user = self.string(&val),
            Action::GroupAdd => {
                if let Some(g) = self.item(&val, "group_add", |s| Ok(s.to_owned())) {
                    self.spec.group_add.push(g);
                }
            }
            Action::Env => self.env(&val),
            Action::EnvFile => {
                if let Some(f) = self.item(&val, "env_files", |s| Ok(s.to_owned())) {
                    self.spec.env_files.push(f);
                }
            }
            Action::HealthCmd => self.health_cmd = Some((val.text.clone(), val.span)),
            Action::HealthOption => {
                self.health_option.get_or_insert(val.span);
            }
            Action::Memory => self.spec.memory = self.parsed(&val, parse_bytes),
            Action::MemoryReservation => {
                self.spec.memory_reservation = self.parsed(&val, parse_bytes)
            }
            Action::MemorySwap => {
                // `-1` (unlimited swap) is not a size (`MemSwapBytes.Set`).
                self.spec.memory_swap = self.parsed(&val, |s| {
                    if s.trim() == "-1" {
                        Ok(-1)
                    } else {
                        parse_bytes(s)
                    }
                })
            }
            Action::Cpus => self.spec.nano_cpus = self.parsed(&val, parse_cpus),
            Action::CpuShares => self.spec.cpu_shares = self.parsed(&val, int),
            Action::CpuQuota => self.spec.cpu_quota = self.parsed(&val, int),
            Action::CpuPeriod => self.spec.cpu_period = self.parsed(&val, int),
            Action::PidsLimit => self.spec.pids_limit = self.parsed(&val, int),
            Action::OomScoreAdj => self.spec.oom_score_adj = self.parsed(&val, int),
            Action::BlkioWeight => {
                self.spec.blkio_weight = self.parsed(&val, |s| {
                    go_int(s, display).and_then(|v| {
                        if (0..=i64::from(u16::MAX)).contains(&v) && !s.starts_with(['-', '+']) {
                            Ok(v)
                        } else {
                            Err(format!(
                                "invalid value `{}` for `{display}`: 0 to 65535 expected",
                                shown(s)
                            ))
                        }
                    })
                })
            }
            Action::CpusetCpus => self.spec.cpuset_cpus = self.string(&val),
            Action::Runtime => self.spec.runtime = self.string(&val),
            Action::CgroupParent => self.spec.cgroup_parent = self.string(&val),
            Action::LogDriver => self.spec.log_driver = self.string(&val),
            Action::Ulimit => {
                if let Some(u) = self.item(&val, "ulimits", parse_ulimit) {
                    self.spec.ulimits.push(u);
                }
            }
            Action::Device => {
                if let Some(d) = self.item(&val, "devices", parse_device) {
                    self.spec.devices.push(d);
                }
            }
            Action::DeviceCgroupRule => {
                if let Some(r) = self.item(&val, "device_cgroup_rules", |s| Ok(s.to_owned())) {
                    self.spec.device_cgroup_rules.push(r);
                }
            }
            Action::Sysctl => {
                if let Some(s) = self.item(&val, "sysctls", parse_sysctl) {
                    self.spec.sysctls.push(s);
                }
            }
            Action::Name => self.name = Some(val.text.clone().unwrap_or(val.lossy.clone())),
            Action::Secret => {
                let first = |s: &str| {
                    let name = s.split(',').next().unwrap_or(s).trim();
                    if name.is_empty() {
                        Err(format!("invalid secret `{}`: empty name", shown(s)))
                    } else {
                        Ok(name.to_owned())
                    }
                };
                if let Some(s) = self.item(&val, "secrets", first) {
                    self.spec.secrets.push(s);
                }
            }
            Action::Privileged
            | Action::ReadOnly
            | Action::PublishAll
            | Action::NoHealthcheck
            | Action::Init
            | Action::OomKillDisable
            | Action::UseApiSocket
            | Action::Help
            | Action::Other => {}
        }
    }

    fn ns(&self, val: &Val) -> Setting<NsMode> {
        let at = self.at(val.span);
        match &val.text {
            Some(t) => Setting::set(NsMode::parse(t), at),
            None => Setting::Unknown(at),
        }
    }

    /// The first `--network` is the container's network mode; later ones are more
    /// networks to join (API 1.44+, Docker 25+).
    fn network(&mut self, val: &Val) {
        let at = self.at(val.span);
        let target = match &val.text {
            Some(t) => match network_target(t) {
                Ok(target) => Some(target),
                Err(message) => {
                    self.problem(val.span, message);
                    None
                }
            },
            None => None,
        };
        if self.network_seen {
            match target {
                Some(t) => self.spec.networks.push(At::new(t, at)),
                None => self.unresolved("networks", val.span),
            }
        } else {
            self.spec.network = match target {
                Some(t) => Setting::set(NsMode::parse(&t), at),
                None => Setting::Unknown(at),
            };
        }
        self.network_seen = true;
    }

    /// `-e NAME=value`, `-e NAME` (taken from the caller's environment), and
    /// `-e "NAME=$VALUE"`, whose name is still known.
    fn env(&mut self, val: &Val) {
        let at = self.at(val.span);
        let (name, value) = match &val.text {
            Some(t) => match t.split_once('=') {
                Some((k, v)) => (k, Some(v.to_owned())),
                None => (t.as_str(), None),
            },
            None => match val.prefix.split_once('=') {
                Some((k, _)) => (k, None),
                None => ("", None),
            },
        };
        if name.is_empty() {
            if val.text.is_some() {
                let shown = val.text.as_deref().unwrap_or("");
                self.problem(val.span, format!("invalid environment variable `{shown}`"));
            }
            self.unresolved("env", val.span);
            return;
        }
        let var = EnvVar {
            name: name.to_owned(),
            value,
        };
        self.spec.env.push(At::new(var, at));
    }

    /// `--security-opt` with a run-time value: what its static start names becomes
    /// unknown, everything it could set when even the key is unknown.
    fn dynamic_security_opt(&mut self, val: &Val) {
        let at = self.at(val.span);
        let key = val
            .prefix
            .find(['=', ':'])
            .and_then(|i| val.prefix.get(..i));
        match key {
            Some("seccomp") => self.spec.seccomp = Setting::Unknown(at),
            Some("apparmor") => self.spec.apparmor = Setting::Unknown(at),
            Some("no-new-privileges") => self.spec.no_new_privileges = Setting::Unknown(at),
            Some("label") => self.unresolved("selinux", val.span),
            Some(_) => self.unresolved("other_security_opts", val.span),
            None => {
                self.spec.seccomp = Setting::Unknown(at.clone());
                self.spec.apparmor = Setting::Unknown(at.clone());
                self.spec.no_new_privileges = Setting::Unknown(at);
                self.unresolved("selinux", val.span);
                self.unresolved("other_security_opts", val.span);
            }
        }
    }

    /// Decides what needs all flags, and returns the command (`None` for `--help`).
    pub(crate) fn finish(mut self, span: Span, prog_span: Span) -> Option<RunCommand> {
        if self.help {
            return None;
        }
        self.finish_healthcheck();
        if let Some((driver, span)) = self.volume_driver.take() {
            let volumes: Vec<usize> = self
                .volume_mounts
                .iter()
                .copied()
                .filter(|&i| {
                    self.spec
                        .mounts
                        .get(i)
                        .is_some_and(|m| m.value.kind == MountKind::Volume)
                })
                .collect();
            match driver {
                Some(d) if !d.is_empty() => {
                    for i in volumes {
                        if let Some(m) = self.spec.mounts.get_mut(i) {
                            m.value.volume_driver = Some(d.clone());
                        }
                    }
                }
                Some(_) => {}
                None if !volumes.is_empty() => self.unresolved("mounts", span),
                None => {}
            }
        }
        match &self.api_socket {
            Setting::Set(a) if a.value => {
                let mut m = Mount::new(MountKind::Bind, API_SOCKET);
                m.source = Some(API_SOCKET.to_owned());
                m.host_path = Some(API_SOCKET.to_owned());
                let at = a.at.clone();
                self.spec.mounts.push(At::new(m, at));
            }
            Setting::Unknown(at) => {
                let at = at.clone();
                self.spec.unresolved.push(At::new("mounts", at));
            }
            _ => {}
        }
        if let Some(hidden) = self.hidden {
            let at = self.at(hidden);
            mark_hidden_flags(&mut self.spec, &at);
        } else if !self.image_found {
            let cmd = self.command_name();
            self.problem(prog_span, format!("no image: `{cmd}` needs one"));
        }
        self.spec.name = match (self.name.take(), &self.image_label) {
            (Some(n), _) => n,
            (None, Some(image)) => format!("{} {image}", self.command_name()),
            (None, None) => self.command_name(),
        };
        Some(RunCommand {
            spec: self.spec,
            span,
            image: self.image_span,
            flags_end: self.flags_end,
            problems: self.problems,
        })
    }

    /// `--no-healthcheck` wins over (and conflicts with) the `--health-*` options, as in
    /// the CLI's `parse` (`opts.go`).
    fn finish_healthcheck(&mut self) {
        let conflicts = self.health_option.is_some()
            || self
                .health_cmd
                .as_ref()
                .is_some_and(|(cmd, _)| cmd.as_deref() != Some(""));
        match self.no_healthcheck.clone() {
            Setting::Set(a) if a.value => {
                if conflicts {
                    let span = match &a.at {
                        Location::File { span, .. } => *span,
                        Location::Object { .. } => Span::default(),
                    };
                    self.problem(
                        span,
                        "`--no-healthcheck` conflicts with the `--health-*` options",
                    );
                }
                let hc = Healthcheck {
                    disabled: true,
                    test: vec!["NONE".to_owned()],
                };
                self.spec.healthcheck = Setting::set(hc, a.at);
                return;
            }
            Setting::Unknown(at) => {
                self.spec.healthcheck = Setting::Unknown(at);
                return;
            }
            _ => {}
        }
        match self.health_cmd.take() {
            // An empty command sets no test (the image's applies).
            Some((Some(cmd), _)) if cmd.is_empty() => {}
            Some((Some(cmd), span)) => {
                let hc = Healthcheck {
                    disabled: false,
                    test: vec!["CMD-SHELL".to_owned(), cmd],
                };
                self.spec.healthcheck = Setting::set(hc, self.at(span));
            }
            Some((None, span)) => self.spec.healthcheck = Setting::Unknown(self.at(span)),
            None => {}
        }
    }
}

/// `--tmpfs PATH[:OPTIONS]`.
fn parse_tmpfs(s: &str) -> Result<Mount, String> {
    let (path, opts) = s.split_once(':').unwrap_or((s, ""));
    if path.is_empty() {
        return Err(format!("invalid tmpfs `{}`: empty path", shown(s)));
    }
    let mut m = Mount::new(MountKind::Tmpfs, path);
    m.tmpfs_options = opts
        .split(',')
        .filter(|o| !o.is_empty())
        .map(str::to_owned)
        .collect();
    m.read_only = m.has_tmpfs_option("ro");
    Ok(m)
}

/// `--sysctl NAME=VALUE`.
fn parse_sysctl(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
        _ => Err(format!(
            "invalid sysctl `{}`: NAME=VALUE expected",
            shown(s)
        )),
    }
}

/// The network of a `--network` value: `NAME`, or the long syntax
/// `name=NAME,alias=A,driver-opt=...`, recognised as the CLI does (any `\w+=\w+` in the
/// value, `opts/network.go`).
fn network_target(v: &str) -> Result<String, String> {
    let b = v.as_bytes();
    let is_word = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
    let long_syntax = b
        .iter()
        .enumerate()
        .any(|(i, &c)| c == b'=' && i > 0 && is_word(b.get(i - 1)) && is_word(b.get(i + 1)));
    if !long_syntax {
        return Ok(v.to_owned());
    }
    v.split(',')
        .filter_map(|f| f.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("name"))
        .map(|(_, n)| n.to_owned())
        .ok_or_else(|| format!("invalid network `{}`: no `name=`", shown(v)))
}

/// An integer as pflag reads one (`strconv.ParseInt(s, 0, 64)`): optional sign, `0x`,
/// `0o`, `0b` or a leading `0` (octal), and `_` between digits.
pub(crate) fn go_int(s: &str, flag: &str) -> Result<i64, String> {
    parse_go_int(s).ok_or_else(|| {
        format!(
            "invalid value `{}` for `{flag}`: integer expected",
            shown(s)
        )
    })
}

fn parse_go_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let lower = |p: &str| body.get(..2).is_some_and(|h| h.eq_ignore_ascii_case(p));
    let (radix, digits, prefixed) = if lower("0x") {
        (16, body.get(2..)?, true)
    } else if lower("0o") {
        (8, body.get(2..)?, true)
    } else if lower("0b") {
        (2, body.get(2..)?, true)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, body.get(1..)?, true)
    } else {
        (10, body, false)
    };
    // `_` only between digits, or right after a base prefix (Go's `underscoreOK`).
    let bytes = digits.as_bytes();
    for (i, &c) in bytes.iter().enumerate() {
        if c == b'_' {
            let before_ok = if i == 0 {
                prefixed
            } else {
                bytes.get(i - 1) != Some(&b'_')
            };
            if !before_ok || i + 1 == bytes.len() {
                return None;
            }
        } else if !char::from(c).is_digit(radix) {
            return None;
        }
    }
    let cleaned: String = digits.chars().filter(|&c| c != '_').collect();
    if cleaned.is_empty() {
        return None;
    }
    let mag = u64::from_str_radix(&cleaned, radix).ok()?;
    if neg {
        0i64.checked_sub_unsigned(mag)
    } else {
        i64::try_from(mag).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_integers() {
        assert_eq!(parse_go_int("512"), Some(512));
        assert_eq!(parse_go_int("-1"), Some(-1));
        assert_eq!(parse_go_int("+7"), Some(7));
        assert_eq!(parse_go_int("0x10"), Some(16));
        assert_eq!(parse_go_int("010"), Some(8));
        assert_eq!(parse_go_int("0b11"), Some(3));
        assert_eq!(parse_go_int("0o17"), Some(15));
        assert_eq!(parse_go_int("1_000"), Some(1000));
        assert_eq!(parse_go_int("0x_1F"), Some(31));
        assert_eq!(parse_go_int("0"), Some(0));
        assert_eq!(parse_go_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_go_int("9223372036854775808"), None);
        for bad in [
            "", "-", "_1", "1_", "1__0", "0x", "08", "1.5", "1e3", "abc", "+-1", "é",
        ] {
            assert_eq!(parse_go_int(bad), None, "{bad}");
        }
    }

    #[test]
    fn networks() {
        assert_eq!(network_target("host").unwrap(), "host");
        assert_eq!(network_target("container:abc").unwrap(), "container:abc");
        assert_eq!(network_target("name=front,alias=web").unwrap(), "front");
        assert!(network_target("alias=web").is_err());
    }

    #[test]
    fn tmpfs_and_sysctl() {
        let m = parse_tmpfs("/run:rw,noexec,size=64m").unwrap();
        assert_eq!(m.target, "/run");
        assert_eq!(m.tmpfs_options, ["rw", "noexec", "size=64m"]);
        assert!(!m.read_only);
        assert!(parse_tmpfs("/x:ro").unwrap().read_only);
        assert!(parse_tmpfs(":ro").is_err());
        assert_eq!(
            parse_sysctl("net.ipv4.ip_forward=1").unwrap(),
            ("net.ipv4.ip_forward".to_owned(), "1".to_owned())
        );
        assert!(parse_sysctl("kernel.x").is_err());
    }
}
