//! Every recommendation of the CIS Docker Benchmark v1.8.0 and how hullguard
//! covers it: the rules that implement it (taken from the rules' own `cis`
//! metadata, so the table cannot drift from them), or why it is left to a
//! person. `hullguard rules --format cis` prints [`cis_markdown`]
//! (`docs/cis.md`).

use hullguard_diagnostics::RuleInfo;

/// How hullguard covers a recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CisStatus {
    /// The rules perform the benchmark's audit.
    Automated,
    /// The rules check part of it; the note says what is left to a person.
    Partial,
    /// A judgement or a fact hullguard's inputs cannot show; the note says
    /// what to look at.
    Manual,
}

impl CisStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CisStatus::Automated => "automated",
            CisStatus::Partial => "partial",
            CisStatus::Manual => "manual",
        }
    }
}

/// One recommendation.
#[derive(Debug, Clone)]
pub struct CisEntry {
    /// `2.8`, `1.1.12`.
    pub id: &'static str,
    /// Abridged title.
    pub title: &'static str,
    pub status: CisStatus,
    /// The rules whose `cis` metadata names this recommendation, in code order.
    pub rules: Vec<&'static RuleInfo>,
    /// What is left to a person, or how the rules read the recommendation.
    pub note: &'static str,
}

use CisStatus::{Automated, Manual, Partial};

/// The benchmark, in order: ID, abridged title, status, note.
const TABLE: &[(&str, &str, CisStatus, &str)] = &[
    ("1.1.1", "separate partition for the Docker root", Automated, "the collector checks whether `DockerRootDir` is a mount point"),
    ("1.1.2", "only trusted users in the `docker` group", Manual, "who is trusted is a judgement: review `getent group docker`; every member is root on the host"),
    ("1.1.3", "audit the dockerd binary", Automated, "the binary of the running daemon (`/proc`)"),
    ("1.1.4", "audit `/run/containerd`", Automated, "containerd's `--state`, or the directory of its socket"),
    ("1.1.5", "audit `/var/lib/docker`", Automated, "the engine's `DockerRootDir`"),
    ("1.1.6", "audit `/etc/docker`", Automated, ""),
    ("1.1.7", "audit `docker.service`", Automated, "the unit file systemd uses"),
    ("1.1.8", "audit `containerd.sock`", Automated, "containerd's `--address`"),
    ("1.1.9", "audit `docker.sock`", Automated, "the sockets of the daemon's `-H` flags or of `docker.socket`"),
    ("1.1.10", "audit `/etc/default/docker`", Automated, "where it exists"),
    ("1.1.11", "audit `/etc/docker/daemon.json`", Automated, "the daemon's `--config-file`"),
    ("1.1.12", "audit `/etc/containerd/config.toml`", Automated, "containerd's `--config`"),
    ("1.1.13", "audit `/etc/sysconfig/docker`", Automated, "where it exists"),
    ("1.1.14", "audit the containerd binary", Automated, ""),
    ("1.1.15", "audit `containerd-shim`", Automated, "where it exists"),
    ("1.1.16", "audit `containerd-shim-runc-v1`", Automated, "where it exists"),
    ("1.1.17", "audit `containerd-shim-runc-v2`", Automated, ""),
    ("1.1.18", "audit `runc`", Automated, ""),
    ("1.2.1", "host hardened", Manual, "general host hardening is outside Docker: follow the CIS benchmark of the host's distribution"),
    ("1.2.2", "Docker up to date", Manual, "needs the current Docker release, which an offline tool cannot know: compare `docker version` with the release notes"),
    ("2.1", "rootless mode if possible", Automated, "DM001 reports a root daemon (info): whether rootless mode fits the workload is the operator's call"),
    ("2.2", "inter-container communication off on the default bridge", Automated, "read from the bridge network's effective option"),
    ("2.3", "log level `info`", Automated, ""),
    ("2.4", "Docker allowed to manage iptables", Automated, ""),
    ("2.5", "no insecure registries", Automated, "the engine's loopback defaults are not reported"),
    ("2.6", "aufs not used", Automated, ""),
    ("2.7", "devicemapper not used", Automated, ""),
    ("2.8", "TLS authentication when the daemon listens on TCP", Automated, ""),
    ("2.9", "default ulimit set where needed", Automated, "DM008 is off by default: which limits are needed is a judgement"),
    ("2.10", "user namespace remapping", Automated, "not reported for rootless engines"),
    ("2.11", "default cgroup parent", Automated, ""),
    ("2.12", "`dm.basesize` not changed", Automated, ""),
    ("2.13", "an authorization plugin", Automated, ""),
    ("2.14", "centralised and remote logging", Automated, ""),
    ("2.15", "containers cannot gain new privileges (daemon `no-new-privileges`)", Automated, ""),
    ("2.16", "live restore", Automated, "not reported in swarm mode, where it is unavailable"),
    ("2.17", "userland proxy disabled", Automated, "not reported for rootless engines"),
    ("2.18", "a custom seccomp profile where appropriate", Automated, "reports a daemon-wide `unconfined` profile or no seccomp at all; whether a custom profile is appropriate is a judgement"),
    ("2.19", "no experimental features in production", Automated, ""),
    ("3.1", "`docker.service` owned by root:root", Automated, ""),
    ("3.2", "`docker.service` permissions 644 or stricter", Automated, "modes are compared as bits"),
    ("3.3", "`docker.socket` owned by root:root", Automated, ""),
    ("3.4", "`docker.socket` permissions 644 or stricter", Automated, ""),
    ("3.5", "`/etc/docker` owned by root:root", Automated, ""),
    ("3.6", "`/etc/docker` permissions 755 or stricter", Automated, ""),
    ("3.7", "registry certificates owned by root:root", Automated, ""),
    ("3.8", "registry certificates permissions 444 or stricter", Automated, "client keys under `certs.d` must be 400"),
    ("3.9", "TLS CA certificate owned by root:root", Automated, "the daemon's `--tlscacert`"),
    ("3.10", "TLS CA certificate permissions 444 or stricter", Automated, ""),
    ("3.11", "server certificate owned by root:root", Automated, "the daemon's `--tlscert`"),
    ("3.12", "server certificate permissions 444 or stricter", Automated, ""),
    ("3.13", "server key owned by root:root", Automated, "the daemon's `--tlskey`"),
    ("3.14", "server key permissions 400", Automated, ""),
    ("3.15", "`docker.sock` owned by root:docker", Automated, ""),
    ("3.16", "`docker.sock` permissions 660 or stricter", Automated, ""),
    ("3.17", "`daemon.json` owned by root:root", Automated, ""),
    ("3.18", "`daemon.json` permissions 644 or stricter", Automated, ""),
    ("3.19", "`/etc/default/docker` owned by root:root", Automated, ""),
    ("3.20", "`/etc/default/docker` permissions 644 or stricter", Automated, ""),
    ("3.21", "`/etc/sysconfig/docker` owned by root:root", Automated, ""),
    ("3.22", "`/etc/sysconfig/docker` permissions 644 or stricter", Automated, ""),
    ("3.23", "containerd socket owned by root:root", Automated, ""),
    ("3.24", "containerd socket permissions 660 or stricter", Automated, ""),
    ("4.1", "a non-root user for the container", Automated, "in Dockerfiles, images, and every container (live or declared)"),
    ("4.2", "trusted base images", Partial, "which registries are trusted is policy: DF005 checks base images against `trusted_registries` when it is configured"),
    ("4.3", "no unnecessary packages", Partial, "what is unnecessary is a judgement; DF025 reports installs that pull recommended packages"),
    ("4.4", "images scanned and rebuilt for security patches", Partial, "vulnerability scanning is `hullguard image`'s; LV005 reports containers still running an image their tag no longer names"),
    ("4.5", "content trust", Manual, "a setting of the Docker client that pulls (`DOCKER_CONTENT_TRUST=1`), visible neither to the engine nor in a Dockerfile"),
    ("4.6", "HEALTHCHECK in images", Automated, ""),
    ("4.7", "update instructions not alone", Automated, "in Dockerfiles and in image histories"),
    ("4.8", "setuid and setgid permissions removed", Partial, "files already in an image's layers need its file system (`hullguard image`); DF019 reports Dockerfiles that set the bits"),
    ("4.9", "COPY instead of ADD", Automated, "in Dockerfiles and in image histories"),
    ("4.10", "no secrets in Dockerfiles", Partial, "secrets in Dockerfiles, image environments and histories; secrets in files of an image's layers need its file system (`hullguard image`)"),
    ("4.11", "only verified packages installed", Partial, "DF012 and DF013 report installs that skip signature or TLS verification; which packages are trusted is a judgement"),
    ("4.12", "all signed artifacts validated", Partial, "DF010 and DF011 report downloads used without a checksum or signature check"),
    ("5.1", "swarm mode off unless needed", Automated, "SW001 reports a swarm that runs no service"),
    ("5.2", "AppArmor profile (where the host has AppArmor)", Automated, "only where the engine or host has AppArmor"),
    ("5.3", "SELinux options (where the host has SELinux)", Automated, "only where the engine or host has SELinux"),
    ("5.4", "Linux capabilities restricted", Automated, ""),
    ("5.5", "no privileged containers", Automated, ""),
    ("5.6", "no sensitive host directories mounted", Automated, ""),
    ("5.7", "no sshd inside containers", Partial, "the processes of a running container are not read (the audit sends no exec); DF016 reports images built with an SSH server"),
    ("5.8", "no privileged ports mapped", Automated, ""),
    ("5.9", "only needed ports open", Partial, "which ports are needed is a judgement; CT027 reports containers that publish every exposed port"),
    ("5.10", "host network namespace not shared", Automated, ""),
    ("5.11", "memory limited", Automated, ""),
    ("5.12", "CPU priority set", Automated, ""),
    ("5.13", "root filesystem read-only", Automated, ""),
    ("5.14", "incoming traffic bound to a specific host interface", Automated, ""),
    ("5.15", "`on-failure` restart policy, at most 5 retries", Automated, "CT030 checks the policy, LV003 containers restarting in a loop"),
    ("5.16", "host PID namespace not shared", Automated, ""),
    ("5.17", "host IPC namespace not shared", Automated, ""),
    ("5.18", "host devices not exposed directly", Automated, ""),
    ("5.19", "default ulimit overridden only if needed", Manual, "whether a container's `--ulimit` is needed is a judgement: review `docker inspect -f '{{.HostConfig.Ulimits}}'`"),
    ("5.20", "mount propagation not shared", Automated, ""),
    ("5.21", "host UTS namespace not shared", Automated, ""),
    ("5.22", "default seccomp profile not disabled", Automated, ""),
    ("5.23", "`docker exec` not run with `--privileged`", Automated, "exec instances the engine still holds (those of running containers)"),
    ("5.24", "`docker exec` not run with `--user=root`", Automated, "exec instances the engine still holds (those of running containers)"),
    ("5.25", "cgroup usage confirmed", Automated, "CT036 reports containers with a custom cgroup parent"),
    ("5.26", "containers cannot acquire additional privileges", Automated, "a container without the option is not reported when the daemon sets it for all"),
    ("5.27", "container health checked at runtime", Automated, "CT031 reports containers without a healthcheck, LV004 unhealthy ones"),
    ("5.28", "images pinned, `latest` used deliberately", Automated, "CT034 (digests) is off by default"),
    ("5.29", "PIDs cgroup limit", Automated, ""),
    ("5.30", "the default bridge `docker0` not used", Automated, ""),
    ("5.31", "host user namespace not shared", Automated, ""),
    ("5.32", "Docker socket not mounted inside any container", Automated, ""),
    ("6.1", "image sprawl avoided", Automated, "thresholds: more than 10 dangling or 50 unused tagged images"),
    ("6.2", "container sprawl avoided", Automated, "threshold: more than 25 stopped containers"),
    ("7.1", "minimum number of manager nodes", Automated, "an even number of managers, or more than 7"),
    ("7.2", "swarm services bound to a specific host interface", Automated, "reads the listen address from `<DockerRootDir>/swarm/docker-state.json` (host facts needed)"),
    ("7.3", "overlay network traffic encrypted", Automated, ""),
    ("7.4", "Docker secrets used in swarm", Partial, "SW005 reports secrets passed in service environments; whether every secret is a Docker secret is a judgement"),
    ("7.5", "swarm manager auto-lock", Automated, ""),
    ("7.6", "auto-lock key rotated", Manual, "the unlock key's age is not visible through the API: rotate it with `docker swarm unlock-key --rotate` on a schedule"),
    ("7.7", "node certificates rotated as needed", Automated, "SW007 reports a node certificate validity above the default 90 days"),
    ("7.8", "CA certificates rotated as needed", Manual, "how often to rotate the root CA is policy: `docker swarm ca --rotate`"),
    ("7.9", "management plane traffic separate from data plane traffic", Automated, "multi-node swarms; reads the data-path address from the node's saved state (host facts needed)"),
];

/// The benchmark's sections.
const SECTIONS: &[(&str, &str)] = &[
    ("1", "Host configuration"),
    ("2", "Daemon configuration"),
    ("3", "Daemon configuration files"),
    ("4", "Container images and build files"),
    ("5", "Container runtime"),
    ("6", "Docker security operations"),
    ("7", "Docker Swarm configuration"),
];

/// Every recommendation, in benchmark order, with the rules that name it.
pub fn cis_table() -> Vec<CisEntry> {
    let rules = crate::all_rules();
    TABLE
        .iter()
        .map(|&(id, title, status, note)| CisEntry {
            id,
            title,
            status,
            rules: rules
                .iter()
                .copied()
                .filter(|r| r.cis.contains(&id))
                .collect(),
            note,
        })
        .collect()
}

/// The coverage table as a Markdown page (`docs/cis.md`).
pub fn cis_markdown() -> String {
    let table = cis_table();
    let count = |s: CisStatus| table.iter().filter(|e| e.status == s).count();
    let mut out = String::new();
    out.push_str("# CIS Docker Benchmark v1.8.0 coverage\n\n");
    out.push_str(
        "<!-- Generated by `hullguard rules --format cis > docs/cis.md`; do not edit. -->\n\n",
    );
    out.push_str(
        "Every recommendation of the CIS Docker Benchmark v1.8.0 and the hullguard rules that \
         implement it. *Automated*: the rules perform the benchmark's audit (`hullguard scan` for \
         Dockerfiles and compose files, `hullguard audit` for a live engine and its host). \
         *Partial*: the rules check part of it; the note says what is left to a person. \
         *Manual*: a judgement, or a fact no input of hullguard shows. Rules marked *off* run \
         only when selected.\n\n",
    );
    out.push_str(&format!(
        "{} recommendations: {} automated, {} partial, {} manual.\n",
        table.len(),
        count(Automated),
        count(Partial),
        count(Manual)
    ));
    for (num, name) in SECTIONS {
        out.push_str(&format!("\n## {num} {name}\n\n"));
        out.push_str("| ID | Recommendation | Status | Rules | Notes |\n|---|---|---|---|---|\n");
        for e in table.iter().filter(|e| e.id.split('.').next() == Some(num)) {
            let rules: Vec<String> = e
                .rules
                .iter()
                .map(|r| {
                    let off = if r.default_enabled { "" } else { " (off)" };
                    format!("`{}` {}{off}", r.code, r.name)
                })
                .collect();
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                e.id,
                e.title.replace('|', "\\|"),
                e.status.as_str(),
                rules.join("<br>"),
                e.note.replace('|', "\\|")
            ));
        }
    }
    out
}
