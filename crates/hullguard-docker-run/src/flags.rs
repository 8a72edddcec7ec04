//! The flag tables: every `docker run` / `docker create` flag of Docker CLI 24–28 (with
//! its hidden aliases), the `podman run` flags Docker does not have, and the global
//! options that may come before the subcommand. Whether a flag takes a value decides how
//! the words after it are read, so a missing or wrong entry would shift every later word:
//! the tables follow `docker run --help` and the CLI source
//! (<https://github.com/docker/cli/blob/master/cli/command/container/opts.go>).

/// What a flag does to the container spec. Flags that do not change the container's
/// security-relevant configuration are [`Action::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Privileged,
    CapAdd,
    CapDrop,
    SecurityOpt,
    Pid,
    Ipc,
    Uts,
    Network,
    Userns,
    Cgroupns,
    Volume,
    Mount,
    VolumeDriver,
    VolumesFrom,
    Tmpfs,
    ReadOnly,
    Publish,
    PublishAll,
    Restart,
    User,
    GroupAdd,
    Env,
    EnvFile,
    HealthCmd,
    /// `--health-interval`, `--health-retries` ...: they conflict with `--no-healthcheck`.
    HealthOption,
    NoHealthcheck,
    Memory,
    MemorySwap,
    MemoryReservation,
    Cpus,
    CpuShares,
    CpuQuota,
    CpuPeriod,
    CpusetCpus,
    PidsLimit,
    Ulimit,
    BlkioWeight,
    Device,
    DeviceCgroupRule,
    Sysctl,
    Runtime,
    Init,
    OomKillDisable,
    OomScoreAdj,
    CgroupParent,
    LogDriver,
    Name,
    /// Docker 28.1+: bind-mounts the engine's API socket into the container.
    UseApiSocket,
    /// Podman `--secret NAME[,opts]`.
    Secret,
    /// `--help`: the CLI prints usage and creates nothing.
    Help,
    Other,
}

/// One flag: long name (without `--`), shorthand, whether it takes a value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flag {
    pub(crate) long: &'static str,
    pub(crate) short: Option<char>,
    pub(crate) takes_value: bool,
    pub(crate) action: Action,
}

const fn v(long: &'static str, action: Action) -> Flag {
    Flag {
        long,
        short: None,
        takes_value: true,
        action,
    }
}

const fn vs(long: &'static str, short: char, action: Action) -> Flag {
    Flag {
        long,
        short: Some(short),
        takes_value: true,
        action,
    }
}

const fn b(long: &'static str, action: Action) -> Flag {
    Flag {
        long,
        short: None,
        takes_value: false,
        action,
    }
}

const fn bs(long: &'static str, short: char, action: Action) -> Flag {
    Flag {
        long,
        short: Some(short),
        takes_value: false,
        action,
    }
}

use Action::*;

/// `docker run --help` (Docker CLI 24–28), plus the hidden aliases `--net`,
/// `--net-alias` and `--dns-opt`. `docker create` accepts the same flags except the
/// run-only ones (`-d`, `--sig-proxy`, `--detach-keys`, `-a`), which are accepted for
/// both: rejecting them would add nothing to a security check.
pub(crate) const RUN_FLAGS: &[Flag] = &[
    v("add-host", Other),
    v("annotation", Other),
    vs("attach", 'a', Other),
    v("blkio-weight", BlkioWeight),
    v("blkio-weight-device", Other),
    v("cap-add", CapAdd),
    v("cap-drop", CapDrop),
    v("cgroup-parent", CgroupParent),
    v("cgroupns", Cgroupns),
    v("cidfile", Other),
    v("cpu-count", Other),
    v("cpu-percent", Other),
    v("cpu-period", CpuPeriod),
    v("cpu-quota", CpuQuota),
    v("cpu-rt-period", Other),
    v("cpu-rt-runtime", Other),
    vs("cpu-shares", 'c', CpuShares),
    v("cpus", Cpus),
    v("cpuset-cpus", CpusetCpus),
    v("cpuset-mems", Other),
    bs("detach", 'd', Other),
    v("detach-keys", Other),
    v("device", Device),
    v("device-cgroup-rule", DeviceCgroupRule),
    v("device-read-bps", Other),
    v("device-read-iops", Other),
    v("device-write-bps", Other),
    v("device-write-iops", Other),
    b("disable-content-trust", Other),
    v("dns", Other),
    v("dns-option", Other),
    v("dns-opt", Other),
    v("dns-search", Other),
    v("domainname", Other),
    v("entrypoint", Other),
    vs("env", 'e', Env),
    v("env-file", EnvFile),
    v("expose", Other),
    v("gpus", Other),
    v("group-add", GroupAdd),
    v("health-cmd", HealthCmd),
    v("health-interval", HealthOption),
    v("health-retries", HealthOption),
    v("health-start-interval", HealthOption),
    v("health-start-period", HealthOption),
    v("health-timeout", HealthOption),
    b("help", Help),
    vs("hostname", 'h', Other),
    b("init", Init),
    bs("interactive", 'i', Other),
    v("io-maxbandwidth", Other),
    v("io-maxiops", Other),
    v("ip", Other),
    v("ip6", Other),
    v("ipc", Ipc),
    v("isolation", Other),
    v("kernel-memory", Other),
    vs("label", 'l', Other),
    v("label-file", Other),
    v("link", Other),
    v("link-local-ip", Other),
    v("log-driver", LogDriver),
    v("log-opt", Other),
    v("mac-address", Other),
    vs("memory", 'm', Memory),
    v("memory-reservation", MemoryReservation),
    v("memory-swap", MemorySwap),
    v("memory-swappiness", Other),
    v("mount", Mount),
    v("name", Name),
    v("network", Network),
    v("net", Network),
    v("network-alias", Other),
    v("net-alias", Other),
    b("no-healthcheck", NoHealthcheck),
    b("oom-kill-disable", OomKillDisable),
    v("oom-score-adj", OomScoreAdj),
    v("pid", Pid),
    v("pids-limit", PidsLimit),
    v("platform", Other),
    b("privileged", Privileged),
    vs("publish", 'p', Publish),
    bs("publish-all", 'P', PublishAll),
    v("pull", Other),
    bs("quiet", 'q', Other),
    b("read-only", ReadOnly),
    v("restart", Restart),
    b("rm", Other),
    v("runtime", Runtime),
    v("security-opt", SecurityOpt),
    v("shm-size", Other),
    b("sig-proxy", Other),
    v("stop-signal", Other),
    v("stop-timeout", Other),
    v("storage-opt", Other),
    v("sysctl", Sysctl),
    v("tmpfs", Tmpfs),
    bs("tty", 't', Other),
    v("ulimit", Ulimit),
    b("use-api-socket", UseApiSocket),
    vs("user", 'u', User),
    v("userns", Userns),
    v("uts", Uts),
    vs("volume", 'v', Volume),
    v("volume-driver", VolumeDriver),
    v("volumes-from", VolumesFrom),
    vs("workdir", 'w', Other),
];

/// `podman run` flags that Docker does not have
/// (<https://docs.podman.io/en/latest/markdown/podman-run.1.html>). Podman accepts the
/// Docker flags too, so a podman command is read with both tables.
pub(crate) const PODMAN_EXTRA_FLAGS: &[Flag] = &[
    v("arch", Other),
    v("authfile", Other),
    v("cgroup-conf", Other),
    v("cgroups", Other),
    v("chrootdirs", Other),
    v("conmon-pidfile", Other),
    v("creds", Other),
    v("decryption-key", Other),
    b("env-host", Other),
    v("env-merge", Other),
    v("gidmap", Other),
    v("group-entry", Other),
    v("health-log-destination", HealthOption),
    v("health-max-log-count", HealthOption),
    v("health-max-log-size", HealthOption),
    v("health-on-failure", HealthOption),
    v("health-startup-cmd", HealthOption),
    v("health-startup-interval", HealthOption),
    v("health-startup-retries", HealthOption),
    v("health-startup-success", HealthOption),
    v("health-startup-timeout", HealthOption),
    v("hostuser", Other),
    v("hosts-file", Other),
    b("http-proxy", Other),
    v("image-volume", Other),
    v("init-path", Other),
    b("no-hosts", Other),
    v("os", Other),
    b("passwd", Other),
    v("passwd-entry", Other),
    v("personality", Other),
    v("pidfile", Other),
    v("pod", Other),
    v("pod-id-file", Other),
    v("preserve-fd", Other),
    v("preserve-fds", Other),
    v("rdt-class", Other),
    b("read-only-tmpfs", Other),
    b("replace", Other),
    v("requires", Other),
    v("retry", Other),
    v("retry-delay", Other),
    b("rmi", Other),
    b("rootfs", Other),
    v("sdnotify", Other),
    v("seccomp-policy", Other),
    v("secret", Secret),
    v("shm-size-systemd", Other),
    v("subgidname", Other),
    v("subuidname", Other),
    v("systemd", Other),
    v("timeout", Other),
    b("tls-verify", Other),
    v("tz", Other),
    v("uidmap", Other),
    v("umask", Other),
    v("unsetenv", Other),
    b("unsetenv-all", Other),
    v("variant", Other),
];

/// A global option before the subcommand.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GlobalFlag {
    pub(crate) long: &'static str,
    pub(crate) short: Option<char>,
    pub(crate) takes_value: bool,
    /// `--help` and `--version`: the CLI runs nothing else.
    pub(crate) stops: bool,
}

const fn g(long: &'static str, short: Option<char>, takes_value: bool) -> GlobalFlag {
    GlobalFlag {
        long,
        short,
        takes_value,
        stops: false,
    }
}

const fn gstop(long: &'static str, short: char) -> GlobalFlag {
    GlobalFlag {
        long,
        short: Some(short),
        takes_value: false,
        stops: true,
    }
}

/// `docker --help`: the options of the `docker` command itself.
pub(crate) const DOCKER_GLOBAL: &[GlobalFlag] = &[
    g("config", None, true),
    g("context", Some('c'), true),
    g("debug", Some('D'), false),
    g("host", Some('H'), true),
    g("log-level", Some('l'), true),
    g("tls", None, false),
    g("tlscacert", None, true),
    g("tlscert", None, true),
    g("tlskey", None, true),
    g("tlsverify", None, false),
    gstop("help", 'h'),
    gstop("version", 'v'),
];

/// `podman --help`: the options of the `podman` command itself.
pub(crate) const PODMAN_GLOBAL: &[GlobalFlag] = &[
    g("cdi-spec-dir", None, true),
    g("cgroup-manager", None, true),
    g("cni-config-dir", None, true),
    g("config", None, true),
    g("conmon", None, true),
    g("connection", Some('c'), true),
    g("db-backend", None, true),
    g("events-backend", None, true),
    g("hooks-dir", None, true),
    g("identity", None, true),
    g("imagestore", None, true),
    g("log-level", None, true),
    g("module", None, true),
    g("network-cmd-path", None, true),
    g("network-config-dir", None, true),
    b_global("noout"),
    g("out", None, true),
    g("registries-conf", None, true),
    g("remote", Some('r'), false),
    g("root", None, true),
    g("runroot", None, true),
    g("runtime", None, true),
    g("runtime-flag", None, true),
    g("ssh", None, true),
    g("storage-driver", None, true),
    g("storage-opt", None, true),
    b_global("syslog"),
    g("tmpdir", None, true),
    b_global("transient-store"),
    g("url", None, true),
    g("volumepath", None, true),
    gstop("help", 'h'),
    gstop("version", 'v'),
];

const fn b_global(long: &'static str) -> GlobalFlag {
    g(long, None, false)
}

/// The program a command line runs, which decides the flag tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Program {
    Docker,
    Podman,
}

impl Program {
    pub(crate) fn from_name(name: &str) -> Option<Program> {
        match name {
            "docker" => Some(Program::Docker),
            "podman" => Some(Program::Podman),
            _ => None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Program::Docker => "docker",
            Program::Podman => "podman",
        }
    }

    fn tables(self) -> &'static [&'static [Flag]] {
        match self {
            Program::Docker => &[RUN_FLAGS],
            Program::Podman => &[RUN_FLAGS, PODMAN_EXTRA_FLAGS],
        }
    }

    pub(crate) fn long(self, name: &str) -> Option<&'static Flag> {
        self.tables()
            .iter()
            .flat_map(|t| t.iter())
            .find(|f| f.long == name)
    }

    pub(crate) fn short(self, c: char) -> Option<&'static Flag> {
        self.tables()
            .iter()
            .flat_map(|t| t.iter())
            .find(|f| f.short == Some(c))
    }

    fn globals(self) -> &'static [GlobalFlag] {
        match self {
            Program::Docker => DOCKER_GLOBAL,
            Program::Podman => PODMAN_GLOBAL,
        }
    }

    pub(crate) fn global_long(self, name: &str) -> Option<&'static GlobalFlag> {
        self.globals().iter().find(|f| f.long == name)
    }

    pub(crate) fn global_short(self, c: char) -> Option<&'static GlobalFlag> {
        self.globals().iter().find(|f| f.short == Some(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut longs: Vec<&str> = RUN_FLAGS
            .iter()
            .chain(PODMAN_EXTRA_FLAGS)
            .map(|f| f.long)
            .collect();
        let n = longs.len();
        longs.sort_unstable();
        longs.dedup();
        assert_eq!(longs.len(), n, "a long flag is listed twice");
        let mut shorts: Vec<char> = RUN_FLAGS.iter().filter_map(|f| f.short).collect();
        let n = shorts.len();
        shorts.sort_unstable();
        shorts.dedup();
        assert_eq!(shorts.len(), n, "a shorthand is listed twice");
    }
}
