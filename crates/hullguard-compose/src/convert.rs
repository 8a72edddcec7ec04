//! Turns each compose service into a [`ContainerSpec`]: every security-relevant
//! key in each of its syntaxes, decoded as compose-go and `docker compose` do,
//! with each value pointing at the exact YAML node it came from.
//!
//! A value that is present but cannot be known (an unresolved `${VAR}`) makes the
//! setting [`Setting::Unknown`], or, in a list, is recorded in
//! `ContainerSpec::unresolved` and skipped; a value of the wrong type is also a
//! [`Problem`]. Nothing unreadable is ever taken as absent.
//!
//! A service built from a local Dockerfile gets
//! [`ImageDefaults`](hullguard_container::ImageDefaults) from it (the built
//! stage's `USER` and `HEALTHCHECK`); `convert/build.rs` explains how an
//! external base image is treated.

mod build;
mod environment;
mod files;
mod limits;
mod mounts;
mod ports;
mod read;

use crate::node::{Node, Value};
use crate::project::{Project, Service};
use files::FileCache;
use hullguard_container::{At, ContainerSpec, NsMode, Problem, Setting, SourceKind};
use read::{kind_of, Read};

/// Every active service of the project as a [`ContainerSpec`]
/// ([`SourceKind::Compose`], kind `service`, name = service name, `at` = the
/// service key), plus the problems (bad values, wrong types, unreadable files)
/// found while converting.
pub fn project_specs(project: &Project) -> (Vec<ContainerSpec>, Vec<Problem>) {
    let mut files = FileCache::default();
    let mut specs = Vec::with_capacity(project.services.len());
    let mut problems = Vec::new();
    for service in &project.services {
        let (spec, p) = convert(project, service, &mut files);
        specs.push(spec);
        problems.extend(p);
    }
    (specs, problems)
}

/// One service of the project as a [`ContainerSpec`], and the problems found.
pub fn service_spec(project: &Project, service: &Service) -> (ContainerSpec, Vec<Problem>) {
    convert(project, service, &mut FileCache::default())
}

/// The conversion of one service in progress.
struct Cx<'a> {
    project: &'a Project,
    service: &'a Service,
    spec: ContainerSpec,
    problems: Vec<Problem>,
    files: &'a mut FileCache,
}

fn convert(
    project: &Project,
    service: &Service,
    files: &mut FileCache,
) -> (ContainerSpec, Vec<Problem>) {
    let spec = ContainerSpec::new(
        SourceKind::Compose,
        "service",
        service.name.clone(),
        service.key.location(),
    );
    let mut cx = Cx {
        project,
        service,
        spec,
        problems: Vec::new(),
        files,
    };
    match &service.node.value {
        Value::Map(_) => cx.service_keys(),
        Value::Null => {}
        _ => cx.problem(
            service.node.location(),
            format!(
                "service `{}` must be a mapping, not {}",
                service.name,
                kind_of(&service.node)
            ),
        ),
    }
    (cx.spec, cx.problems)
}

impl<'a> Cx<'a> {
    /// The home directory `~` expands to, when the environment says.
    fn home(&self) -> Option<&'a str> {
        self.project.env.get("HOME").map(String::as_str)
    }

    fn service_keys(&mut self) {
        let service: &'a Service = self.service;
        let svc = &service.node;
        let get = |k: &str| svc.get(k);

        if let Some(n) = get("image") {
            self.spec.image = self.string("image", n);
        }
        // The Dockerfile is read after `image`, `user` and `healthcheck` are
        // known, but it does not depend on them: the image defaults stay the
        // image's own, and rules combine them.
        if let Some(n) = get("build") {
            self.build(n);
        }
        if let Some(n) = get("user") {
            self.spec.user = self.string("user", n);
        }
        if let Some(n) = get("group_add") {
            for (g, at) in self.strings("group_add", n, false) {
                self.spec.group_add.push(At::new(g, at));
            }
        }
        if let Some(n) = get("privileged") {
            self.spec.privileged = self.boolean("privileged", n);
        }
        if let Some(n) = get("cap_add") {
            for (c, at) in self.strings("cap_add", n, false) {
                self.spec.add_cap(&c, at);
            }
        }
        if let Some(n) = get("cap_drop") {
            for (c, at) in self.strings("cap_drop", n, false) {
                self.spec.drop_cap(&c, at);
            }
        }

        // Namespaces.
        if let Some(n) = get("pid") {
            self.spec.pid = self.ns_mode("pid", n);
        }
        if let Some(n) = get("ipc") {
            self.spec.ipc = self.ns_mode("ipc", n);
        }
        if let Some(n) = get("uts") {
            self.spec.uts = self.ns_mode("uts", n);
        }
        if let Some(n) = get("userns_mode") {
            self.spec.userns = self.ns_mode("userns_mode", n);
        }
        if let Some(n) = get("network_mode") {
            self.spec.network = self.ns_mode("network_mode", n);
        }
        if let Some(n) = get("networks") {
            self.networks(n);
        }
        if let Some(n) = get("cgroup") {
            // The schema allows only `host` and `private`.
            self.spec.cgroupns = self.parsed("cgroup", n, |s| match s {
                "host" => Ok(NsMode::Host),
                "private" => Ok(NsMode::Private),
                _ => Err(format!("`{s}` is neither `host` nor `private`")),
            });
        }

        // Filesystem.
        if let Some(n) = get("volumes") {
            self.volumes(n);
        }
        if let Some(n) = get("tmpfs") {
            self.tmpfs(n);
        }
        if let Some(n) = get("use_api_socket") {
            self.use_api_socket(n);
        }
        if let Some(n) = get("read_only") {
            self.spec.read_only = self.boolean("read_only", n);
        }

        // Confinement.
        if let Some(n) = get("security_opt") {
            for (opt, at) in self.strings("security_opt", n, false) {
                self.spec.apply_security_opt(&opt, at);
            }
        }

        // Resources: the service keys first, then `deploy.resources`, which
        // `docker compose` applies over them.
        self.resources(svc);
        if let Some(n) = get("ulimits") {
            self.ulimits(n);
        }
        if let Some(n) = get("blkio_config") {
            for (k, v) in self.mapping("blkio_config", n) {
                if k.as_str() == Some("weight") {
                    self.spec.blkio_weight = self.int("blkio_config.weight", v);
                }
            }
        }
        if let Some(n) = get("devices") {
            self.devices(n);
        }
        if let Some(n) = get("device_cgroup_rules") {
            for (rule, at) in self.strings("device_cgroup_rules", n, false) {
                self.spec.device_cgroup_rules.push(At::new(rule, at));
            }
        }

        if let Some(n) = get("ports") {
            self.ports(n);
        }
        if let Some(n) = get("sysctls") {
            self.sysctls(n);
        }
        // `deploy.restart_policy` replaces `restart`.
        if let Some(n) = get("restart") {
            self.spec.restart = self.parsed("restart", n, limits::parse_restart);
        }
        if let Some(n) = get("deploy") {
            self.deploy_restart(n);
        }
        if let Some(n) = get("healthcheck") {
            self.healthcheck(n);
        }

        // Environment: env files first, so that `environment` (which wins in
        // compose) comes last.
        if let Some(n) = get("env_file") {
            self.env_files(n);
        }
        if let Some(n) = get("environment") {
            self.environment(n);
        }
        if let Some(n) = get("secrets") {
            self.secrets(n);
        }

        if let Some(n) = get("runtime") {
            self.spec.runtime = self.string("runtime", n);
        }
        if let Some(n) = get("init") {
            self.spec.init = self.boolean("init", n);
        }
        if let Some(n) = get("oom_kill_disable") {
            self.spec.oom_kill_disable = self.boolean("oom_kill_disable", n);
        }
        if let Some(n) = get("oom_score_adj") {
            self.spec.oom_score_adj = self.int("oom_score_adj", n);
        }
        if let Some(n) = get("cgroup_parent") {
            self.spec.cgroup_parent = self.string("cgroup_parent", n);
        }
        if let Some(n) = get("logging") {
            for (k, v) in self.mapping("logging", n) {
                if k.as_str() == Some("driver") {
                    self.spec.log_driver = self.string("logging.driver", v);
                }
            }
        }
    }

    /// A namespace mode as the engine reads it (case-sensitive).
    fn ns_mode(&mut self, key: &str, node: &Node) -> Setting<NsMode> {
        self.parsed(key, node, |s| Ok(NsMode::parse(s)))
    }

    /// `networks:` as a list of names, or a mapping whose keys are the names.
    fn networks(&mut self, node: &Node) {
        match &node.value {
            Value::Map(entries) => {
                for (k, _) in entries {
                    match self.scalar("networks", k) {
                        Read::Text(name, at) => {
                            self.spec.networks.push(At::new(name.to_string(), at))
                        }
                        Read::Unknown(at) => self.unresolved("networks", at),
                        Read::Absent => {}
                    }
                }
            }
            _ => {
                for (name, at) in self.strings("networks", node, false) {
                    self.spec.networks.push(At::new(name, at));
                }
            }
        }
    }

    /// `secrets:` in short (`- name`) and long (`- source: name`) syntax.
    fn secrets(&mut self, node: &Node) {
        for item in self.items("secrets", node, false) {
            let source = match &item.value {
                Value::Map(_) => match item.get("source") {
                    Some(s) => s,
                    None => {
                        self.problem(item.location(), "secret without a `source`");
                        continue;
                    }
                },
                _ => item,
            };
            match self.scalar("secrets", source) {
                Read::Text(name, _) => self
                    .spec
                    .secrets
                    .push(At::new(name.to_string(), item.location())),
                Read::Unknown(_) => self.unresolved("secrets", item.location()),
                Read::Absent => {}
            }
        }
    }
}
