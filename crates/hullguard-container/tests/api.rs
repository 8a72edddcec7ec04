#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Engine API JSON to `ContainerSpec`: every mapped field of a create body and of
//! an inspect document, and the decoding rules of Go's `encoding/json` that a
//! hostile request could use to be read differently by hullguard and the engine.

use hullguard_container::api::{
    from_api_json, image_defaults_from_inspect, image_from_inspect, pointer_exists, ApiDocument,
    ApiError, ApiSpec, MAX_DEPTH, MAX_SIZE,
};
use hullguard_container::{
    Device, EnvVar, Healthcheck, MountKind, NsMode, Port, Restart, Seccomp, Setting, SourceKind,
    Ulimit,
};
use hullguard_diagnostics::Location;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/api/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).expect(&path)
}

fn read(doc: ApiDocument, json: &[u8]) -> ApiSpec {
    let api = from_api_json(json, doc, "container", "web").unwrap();
    // Every location is a pointer into the document.
    for p in &api.problems {
        assert!(pointer_exists(json, ptr(&p.at)), "problem at {:?}", p.at);
    }
    api
}

fn create(json: &str) -> ApiSpec {
    read(ApiDocument::CreateBody, json.as_bytes())
}

fn ptr(loc: &Location) -> &str {
    match loc {
        Location::Object { pointer, .. } => pointer,
        Location::File { .. } => panic!("file location"),
    }
}

/// The value and pointer of a set setting.
fn set<T: Clone + std::fmt::Debug>(s: &Setting<T>) -> (T, &str) {
    match s {
        Setting::Set(a) => (a.value.clone(), ptr(&a.at)),
        other => panic!("not set: {other:?}"),
    }
}

/// The pointer of an unknown setting.
fn unknown<T: std::fmt::Debug>(s: &Setting<T>) -> &str {
    match s {
        Setting::Unknown(at) => ptr(at),
        other => panic!("not unknown: {other:?}"),
    }
}

fn values<T: Clone>(list: &[hullguard_container::At<T>]) -> Vec<(T, &str)> {
    list.iter().map(|a| (a.value.clone(), ptr(&a.at))).collect()
}

fn problems(api: &ApiSpec) -> Vec<(&str, &str)> {
    api.problems
        .iter()
        .map(|p| (ptr(&p.at), p.message.as_str()))
        .collect()
}

fn unresolved(api: &ApiSpec) -> Vec<(&'static str, &str)> {
    values(&api.spec.unresolved)
}

fn s(v: &str) -> String {
    v.to_string()
}

/// Every location of a spec names a value of the document.
fn assert_pointers_exist(api: &ApiSpec, json: &[u8]) {
    let spec = &api.spec;
    for (_, loc) in spec.locations() {
        match loc {
            Location::Object {
                kind,
                name,
                pointer,
            } => {
                assert_eq!((kind.as_str(), name.as_str()), ("container", "web"));
                assert!(pointer_exists(json, pointer), "no value at {pointer}");
            }
            Location::File { .. } => panic!("file location"),
        }
    }
}

#[test]
fn create_body_maps_every_field() {
    let json = fixture("create_full.json");
    let api = read(ApiDocument::CreateBody, &json);
    assert_pointers_exist(&api, &json);
    assert!(api.problems.is_empty(), "{:?}", problems(&api));
    let spec = &api.spec;
    assert_eq!(spec.source, SourceKind::Api);
    assert_eq!((spec.kind, spec.name.as_str()), ("container", "web"));
    assert_eq!(ptr(&spec.at), "");
    assert!(spec.unresolved.is_empty());

    assert_eq!(set(&spec.image), (s("nginx:1.25"), "/Image"));
    assert_eq!(set(&spec.user), (s("1000:1000"), "/User"));
    let env = |name: &str, value: Option<&str>| EnvVar {
        name: s(name),
        value: value.map(s),
    };
    assert_eq!(
        values(&spec.env),
        vec![
            (env("PATH", Some("/usr/local/bin:/usr/bin")), "/Env/0"),
            (env("DEBUG", None), "/Env/1"),
            (env("EMPTY", Some("")), "/Env/2"),
            (env("A", Some("b=c")), "/Env/3"),
        ]
    );
    assert_eq!(
        set(&spec.healthcheck),
        (
            Healthcheck {
                disabled: false,
                test: vec![s("CMD-SHELL"), s("curl -f http://localhost/ || exit 1")],
            },
            "/Healthcheck/Test"
        )
    );

    assert_eq!(set(&spec.privileged), (true, "/HostConfig/Privileged"));
    assert_eq!(
        values(&spec.cap_add),
        vec![
            (s("SYS_ADMIN"), "/HostConfig/CapAdd/0"),
            (s("NET_ADMIN"), "/HostConfig/CapAdd/1")
        ]
    );
    assert_eq!(
        values(&spec.cap_drop),
        vec![(s("ALL"), "/HostConfig/CapDrop/0")]
    );
    assert_eq!(set(&spec.pid), (NsMode::Host, "/HostConfig/PidMode"));
    assert_eq!(set(&spec.ipc), (NsMode::Shareable, "/HostConfig/IpcMode"));
    assert_eq!(set(&spec.uts), (NsMode::Host, "/HostConfig/UTSMode"));
    assert_eq!(
        set(&spec.network),
        (NsMode::Host, "/HostConfig/NetworkMode")
    );
    assert_eq!(set(&spec.userns), (NsMode::Host, "/HostConfig/UsernsMode"));
    assert_eq!(
        set(&spec.cgroupns),
        (NsMode::Host, "/HostConfig/CgroupnsMode")
    );

    let mounts: Vec<_> = spec.mounts.iter().map(|m| (&m.value, ptr(&m.at))).collect();
    assert_eq!(mounts.len(), 11);
    let (m, at) = mounts[0];
    assert_eq!(at, "/HostConfig/Binds/0");
    assert_eq!(m.kind, MountKind::Bind);
    assert_eq!(m.source.as_deref(), Some("/var/run/docker.sock"));
    assert_eq!(m.host_path.as_deref(), Some("/var/run/docker.sock"));
    assert_eq!(m.target, "/var/run/docker.sock");
    assert!(m.read_only);
    let (m, at) = mounts[1];
    assert_eq!(at, "/HostConfig/Binds/1");
    assert_eq!(
        (&m.kind, m.source.as_deref()),
        (&MountKind::Volume, Some("data"))
    );
    assert_eq!((m.host_path.as_deref(), m.target.as_str()), (None, "/data"));
    let (m, at) = mounts[2];
    assert_eq!(at, "/HostConfig/Binds/2");
    assert_eq!(m.host_path.as_deref(), Some("/srv/a~b"));
    assert_eq!(m.propagation.as_deref(), Some("rshared"));
    assert_eq!(m.selinux.as_deref(), Some("Z"));
    assert!(!m.read_only);
    let (m, at) = mounts[3];
    assert_eq!(at, "/HostConfig/Mounts/0");
    assert_eq!(
        (&m.kind, m.host_path.as_deref()),
        (&MountKind::Bind, Some("/"))
    );
    assert_eq!((m.target.as_str(), m.read_only), ("/host", true));
    assert_eq!(m.propagation.as_deref(), Some("rslave"));
    let (m, at) = mounts[4];
    assert_eq!(at, "/HostConfig/Mounts/1");
    assert_eq!(
        (&m.kind, m.source.as_deref()),
        (&MountKind::Volume, Some("etc"))
    );
    assert_eq!(m.volume_driver.as_deref(), Some("local"));
    assert_eq!(
        m.volume_options,
        vec![
            (s("type"), s("none")),
            (s("o"), s("bind")),
            (s("device"), s("/etc"))
        ]
    );
    assert_eq!(m.host_path.as_deref(), Some("/etc"));
    let (m, at) = mounts[5];
    assert_eq!(at, "/HostConfig/Mounts/2");
    assert_eq!(
        (&m.kind, m.target.as_str()),
        (&MountKind::Tmpfs, "/scratch")
    );
    assert_eq!(
        m.tmpfs_options,
        vec![
            s("size=1048576"),
            s("mode=1777"),
            s("noexec"),
            s("uid=1000")
        ]
    );
    let (m, at) = mounts[6];
    assert_eq!(at, "/HostConfig/Mounts/3");
    assert_eq!((&m.kind, m.source.as_deref()), (&MountKind::Volume, None));
    assert_eq!(m.host_path, None);
    let (m, at) = mounts[7];
    assert_eq!(at, "/HostConfig/Mounts/4");
    assert_eq!(m.kind, MountKind::Npipe);
    assert_eq!(m.host_path.as_deref(), Some(r"\\.\pipe\docker_engine"));
    let (m, at) = mounts[8];
    assert_eq!(at, "/HostConfig/Tmpfs/~1run");
    assert_eq!((&m.kind, m.target.as_str()), (&MountKind::Tmpfs, "/run"));
    assert_eq!(
        m.tmpfs_options,
        vec![s("rw"), s("noexec"), s("nosuid"), s("size=65536k")]
    );
    assert!(m.has_tmpfs_option("noexec"));
    let (m, at) = mounts[9];
    assert_eq!(at, "/HostConfig/Tmpfs/~1tmp");
    assert!(m.tmpfs_options.is_empty());
    // `/data/` is the target of the `data:/data` bind; `/cache` is anonymous.
    let (m, at) = mounts[10];
    assert_eq!(at, "/Volumes/~1cache");
    assert_eq!((&m.kind, m.target.as_str()), (&MountKind::Volume, "/cache"));
    assert_eq!((m.source.as_deref(), m.host_path.as_deref()), (None, None));

    assert_eq!(set(&spec.read_only), (true, "/HostConfig/ReadonlyRootfs"));
    assert_eq!(
        set(&spec.seccomp),
        (Seccomp::Unconfined, "/HostConfig/SecurityOpt/0")
    );
    assert_eq!(
        set(&spec.apparmor),
        (s("unconfined"), "/HostConfig/SecurityOpt/1")
    );
    assert_eq!(
        values(&spec.selinux),
        vec![(s("disable"), "/HostConfig/SecurityOpt/2")]
    );
    assert_eq!(
        set(&spec.no_new_privileges),
        (true, "/HostConfig/SecurityOpt/3")
    );
    assert_eq!(
        values(&spec.other_security_opts),
        vec![(s("systempaths=unconfined"), "/HostConfig/SecurityOpt/4")]
    );

    assert_eq!(set(&spec.memory), (536870912, "/HostConfig/Memory"));
    assert_eq!(set(&spec.memory_swap), (-1, "/HostConfig/MemorySwap"));
    assert_eq!(
        set(&spec.memory_reservation),
        (268435456, "/HostConfig/MemoryReservation")
    );
    assert_eq!(set(&spec.cpu_shares), (512, "/HostConfig/CpuShares"));
    assert_eq!(set(&spec.cpu_quota), (50000, "/HostConfig/CpuQuota"));
    assert_eq!(set(&spec.cpu_period), (100000, "/HostConfig/CpuPeriod"));
    assert_eq!(set(&spec.nano_cpus), (1500000000, "/HostConfig/NanoCpus"));
    assert_eq!(set(&spec.cpuset_cpus), (s("0-1"), "/HostConfig/CpusetCpus"));
    assert_eq!(set(&spec.pids_limit), (100, "/HostConfig/PidsLimit"));
    assert_eq!(set(&spec.blkio_weight), (300, "/HostConfig/BlkioWeight"));
    assert_eq!(
        values(&spec.ulimits),
        vec![
            (
                Ulimit {
                    name: s("nofile"),
                    soft: 1024,
                    hard: 2048
                },
                "/HostConfig/Ulimits/0"
            ),
            (
                Ulimit {
                    name: s("core"),
                    soft: 0,
                    hard: 0
                },
                "/HostConfig/Ulimits/1"
            )
        ]
    );
    assert_eq!(
        values(&spec.devices),
        vec![
            (
                Device {
                    host: s("/dev/mem"),
                    container: s("/dev/mem"),
                    permissions: s("rwm")
                },
                "/HostConfig/Devices/0"
            ),
            (
                Device {
                    host: s("/dev/fuse"),
                    container: s("/dev/fuse0"),
                    permissions: s("rwm")
                },
                "/HostConfig/Devices/1"
            )
        ]
    );
    assert_eq!(
        values(&spec.device_cgroup_rules),
        vec![
            (s("c 1:3 mr"), "/HostConfig/DeviceCgroupRules/0"),
            (s("a *:* rwm"), "/HostConfig/DeviceCgroupRules/1")
        ]
    );

    let port = |ip: Option<&str>, host: Option<(u16, u16)>, c: (u16, u16), proto: &str| Port {
        host_ip: ip.map(s),
        host_port: host,
        container_port: c,
        protocol: s(proto),
    };
    assert_eq!(
        values(&spec.ports),
        vec![
            (
                port(None, Some((8080, 8080)), (80, 80), "tcp"),
                "/HostConfig/PortBindings/80~1tcp/0"
            ),
            (
                port(Some("127.0.0.1"), None, (80, 80), "tcp"),
                "/HostConfig/PortBindings/80~1tcp/1"
            ),
            (
                port(Some("::1"), Some((9000, 9010)), (8000, 8010), "udp"),
                "/HostConfig/PortBindings/8000-8010~1udp/0"
            ),
            (
                port(Some("0.0.0.0"), Some((53, 53)), (53, 53), "tcp"),
                "/HostConfig/PortBindings/53/0"
            ),
        ]
    );
    assert_eq!(
        set(&spec.publish_all),
        (true, "/HostConfig/PublishAllPorts")
    );
    assert_eq!(
        values(&spec.sysctls),
        vec![
            (
                (s("net.ipv4.ip_forward"), s("1")),
                "/HostConfig/Sysctls/net.ipv4.ip_forward"
            ),
            (
                (s("kernel.shm_rmid_forced"), s("0")),
                "/HostConfig/Sysctls/kernel.shm_rmid_forced"
            )
        ]
    );
    assert_eq!(
        set(&spec.restart),
        (
            Restart {
                policy: s("on-failure"),
                max_retries: Some(5)
            },
            "/HostConfig/RestartPolicy/Name"
        )
    );
    assert_eq!(set(&spec.runtime), (s("runc"), "/HostConfig/Runtime"));
    assert_eq!(set(&spec.init), (true, "/HostConfig/Init"));
    assert_eq!(
        set(&spec.oom_kill_disable),
        (true, "/HostConfig/OomKillDisable")
    );
    assert_eq!(set(&spec.oom_score_adj), (-500, "/HostConfig/OomScoreAdj"));
    assert_eq!(
        set(&spec.cgroup_parent),
        (s("/custom"), "/HostConfig/CgroupParent")
    );
    assert_eq!(
        set(&spec.log_driver),
        (s("syslog"), "/HostConfig/LogConfig/Type")
    );
    assert_eq!(
        values(&spec.group_add),
        vec![
            (s("docker"), "/HostConfig/GroupAdd/0"),
            (s("0"), "/HostConfig/GroupAdd/1")
        ]
    );
    assert_eq!(
        values(&spec.networks),
        vec![
            (
                s("front/end"),
                "/NetworkingConfig/EndpointsConfig/front~1end"
            ),
            (s("back~end"), "/NetworkingConfig/EndpointsConfig/back~0end"),
        ]
    );
}

#[test]
fn inspect_document_maps_every_field() {
    let json = fixture("inspect_full.json");
    let api = read(ApiDocument::Inspect, &json);
    assert_pointers_exist(&api, &json);
    assert!(api.problems.is_empty(), "{:?}", problems(&api));
    let spec = &api.spec;
    assert!(spec.unresolved.is_empty());
    assert_eq!(ptr(&spec.at), "");

    // `Config.Image` is the name as given; the top-level `Image` is the id.
    assert_eq!(set(&spec.image), (s("nginx:latest"), "/Config/Image"));
    assert_eq!(set(&spec.user), (s("nginx"), "/Config/User"));
    assert_eq!(spec.env.len(), 2);
    assert_eq!(ptr(&spec.env[1].at), "/Config/Env/1");
    assert_eq!(spec.env[1].value.name, "NGINX_VERSION");
    assert_eq!(
        set(&spec.healthcheck),
        (
            Healthcheck {
                disabled: true,
                test: vec![s("NONE")]
            },
            "/Config/Healthcheck/Test"
        )
    );

    assert_eq!(set(&spec.privileged), (false, "/HostConfig/Privileged"));
    assert_eq!(
        values(&spec.cap_add),
        vec![(s("SYS_PTRACE"), "/HostConfig/CapAdd/0")]
    );
    assert_eq!(
        values(&spec.cap_drop),
        vec![
            (s("NET_RAW"), "/HostConfig/CapDrop/0"),
            (s("MKNOD"), "/HostConfig/CapDrop/1")
        ]
    );
    assert_eq!(
        set(&spec.pid),
        (NsMode::Container(s("db")), "/HostConfig/PidMode")
    );
    assert_eq!(
        set(&spec.ipc),
        (NsMode::Container(s("db")), "/HostConfig/IpcMode")
    );
    assert_eq!(set(&spec.uts), (NsMode::Host, "/HostConfig/UTSMode"));
    assert_eq!(
        set(&spec.network),
        (NsMode::Other(s("app~net/1")), "/HostConfig/NetworkMode")
    );
    assert_eq!(set(&spec.userns), (NsMode::Host, "/HostConfig/UsernsMode"));
    assert_eq!(
        set(&spec.cgroupns),
        (NsMode::Private, "/HostConfig/CgroupnsMode")
    );

    let mounts: Vec<_> = spec.mounts.iter().map(|m| (&m.value, ptr(&m.at))).collect();
    let summary: Vec<_> = mounts
        .iter()
        .map(|(m, at)| {
            (
                *at,
                m.kind.clone(),
                m.source.as_deref(),
                m.host_path.as_deref(),
                m.target.as_str(),
                m.read_only,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "/HostConfig/Binds/0",
                MountKind::Bind,
                Some("/var/run/docker.sock"),
                Some("/var/run/docker.sock"),
                "/var/run/docker.sock",
                false
            ),
            (
                "/HostConfig/Binds/1",
                MountKind::Bind,
                Some("/srv/app"),
                Some("/srv/app"),
                "/app",
                true
            ),
            (
                "/HostConfig/Mounts/0",
                MountKind::Bind,
                Some("/etc"),
                Some("/etc"),
                "/host-etc",
                true
            ),
            (
                "/HostConfig/Tmpfs/~1run",
                MountKind::Tmpfs,
                None,
                None,
                "/run",
                false
            ),
            // The image's anonymous volume at /usr is not the host's /usr.
            ("/Mounts/3", MountKind::Volume, None, None, "/usr", false),
            // `--volumes-from storage`: a named volume and a host bind.
            (
                "/Mounts/4",
                MountKind::Volume,
                Some("shared-data"),
                None,
                "/data",
                false
            ),
            (
                "/Mounts/5",
                MountKind::Bind,
                Some("/srv/logs"),
                Some("/srv/logs"),
                "/logs",
                false
            ),
        ]
    );
    assert_eq!(mounts[3].0.tmpfs_options, vec![s("noexec"), s("nosuid")]);
    assert_eq!(mounts[4].0.volume_driver.as_deref(), Some("local"));
    assert_eq!(mounts[6].0.propagation.as_deref(), Some("rprivate"));

    assert_eq!(set(&spec.read_only), (false, "/HostConfig/ReadonlyRootfs"));
    assert_eq!(
        set(&spec.apparmor),
        (s("unconfined"), "/HostConfig/SecurityOpt/0")
    );
    assert_eq!(
        set(&spec.seccomp),
        (
            Seccomp::Profile(s("/etc/docker/seccomp.json")),
            "/HostConfig/SecurityOpt/1"
        )
    );
    assert!(spec.no_new_privileges.is_unset());
    assert_eq!(set(&spec.memory), (1073741824, "/HostConfig/Memory"));
    assert_eq!(
        set(&spec.memory_swap),
        (2147483648, "/HostConfig/MemorySwap")
    );
    assert_eq!(set(&spec.memory_reservation).0, 0);
    assert_eq!(set(&spec.cpu_shares), (1024, "/HostConfig/CpuShares"));
    assert_eq!(set(&spec.cpu_quota).0, 0);
    assert_eq!(set(&spec.cpu_period).0, 0);
    assert_eq!(set(&spec.nano_cpus), (2000000000, "/HostConfig/NanoCpus"));
    assert_eq!(set(&spec.cpuset_cpus), (s("2,3"), "/HostConfig/CpusetCpus"));
    assert_eq!(set(&spec.pids_limit), (512, "/HostConfig/PidsLimit"));
    assert_eq!(set(&spec.blkio_weight), (500, "/HostConfig/BlkioWeight"));
    assert_eq!(
        values(&spec.ulimits),
        vec![(
            Ulimit {
                name: s("nproc"),
                soft: 2048,
                hard: 4096
            },
            "/HostConfig/Ulimits/0"
        )]
    );
    assert_eq!(
        values(&spec.devices),
        vec![(
            Device {
                host: s("/dev/kvm"),
                container: s("/dev/kvm"),
                permissions: s("rw")
            },
            "/HostConfig/Devices/0"
        )]
    );
    assert!(spec.device_cgroup_rules.is_empty());
    assert_eq!(
        values(&spec.ports),
        vec![
            (
                Port {
                    host_ip: Some(s("0.0.0.0")),
                    host_port: Some((8443, 8443)),
                    container_port: (443, 443),
                    protocol: s("tcp")
                },
                "/HostConfig/PortBindings/443~1tcp/0"
            ),
            (
                Port {
                    host_ip: None,
                    host_port: None,
                    container_port: (53, 53),
                    protocol: s("udp")
                },
                "/HostConfig/PortBindings/53~1udp/0"
            ),
        ]
    );
    assert_eq!(
        set(&spec.publish_all),
        (false, "/HostConfig/PublishAllPorts")
    );
    assert_eq!(
        values(&spec.sysctls),
        vec![(
            (s("net.core.somaxconn"), s("1024")),
            "/HostConfig/Sysctls/net.core.somaxconn"
        )]
    );
    assert_eq!(
        set(&spec.restart),
        (
            Restart {
                policy: s("unless-stopped"),
                max_retries: Some(0)
            },
            "/HostConfig/RestartPolicy/Name"
        )
    );
    assert_eq!(set(&spec.runtime), (s("runsc"), "/HostConfig/Runtime"));
    assert_eq!(set(&spec.init), (false, "/HostConfig/Init"));
    assert_eq!(
        set(&spec.oom_kill_disable),
        (false, "/HostConfig/OomKillDisable")
    );
    assert_eq!(set(&spec.oom_score_adj), (200, "/HostConfig/OomScoreAdj"));
    assert_eq!(
        set(&spec.cgroup_parent),
        (s("app.slice"), "/HostConfig/CgroupParent")
    );
    assert_eq!(
        set(&spec.log_driver),
        (s("json-file"), "/HostConfig/LogConfig/Type")
    );
    assert_eq!(
        values(&spec.group_add),
        vec![(s("999"), "/HostConfig/GroupAdd/0")]
    );
    assert_eq!(
        values(&spec.networks),
        vec![
            (s("app~net/1"), "/NetworkSettings/Networks/app~0net~11"),
            (s("bridge"), "/NetworkSettings/Networks/bridge"),
        ]
    );
}

#[test]
fn image_inspect_gives_user_and_healthcheck() {
    let json = fixture("image_inspect.json");
    let img = image_defaults_from_inspect(&json, "example/api:1.4").unwrap();
    assert_eq!(img.source, "example/api:1.4");
    assert_eq!(set(&img.user), (s("app:app"), "/Config/User"));
    assert_eq!(
        set(&img.healthcheck),
        (
            Healthcheck {
                disabled: false,
                test: vec![s("CMD"), s("/app/server"), s("--health")]
            },
            "/Config/Healthcheck/Test"
        )
    );
    match &img.user {
        Setting::Set(a) => match &a.at {
            Location::Object { kind, name, .. } => {
                assert_eq!((kind.as_str(), name.as_str()), ("image", "example/api:1.4"))
            }
            Location::File { .. } => panic!("file location"),
        },
        _ => unreachable!(),
    }

    // No user and an empty test: root, no healthcheck.
    let img =
        image_from_inspect(br#"{"Config":{"User":"","Healthcheck":{"Test":[]}}}"#, "x").unwrap();
    assert!(img.defaults.user.is_unset());
    assert!(img.defaults.healthcheck.is_unset());
    assert!(img.problems.is_empty());
    let img = image_from_inspect(br#"{"Config":{"User":0}}"#, "x").unwrap();
    assert_eq!(unknown(&img.defaults.user), "/Config/User");
    assert_eq!(img.problems.len(), 1);
}

#[test]
fn keys_match_case_insensitively_with_go_folding() {
    let api = create(
        r#"{"hostconfig":{"PRIVILEGED":true,"ſecurityOpt":["seccomp=unconfined"],
            "Oom\u212AillDisable":true,"Prİvileged":false,"Publıshallports":true}}"#,
    );
    let spec = &api.spec;
    assert_eq!(set(&spec.privileged), (true, "/hostconfig/PRIVILEGED"));
    assert_eq!(
        set(&spec.seccomp),
        (Seccomp::Unconfined, "/hostconfig/ſecurityOpt/0")
    );
    assert_eq!(
        set(&spec.oom_kill_disable),
        (true, "/hostconfig/Oom\u{212A}illDisable")
    );
    // `İ` and `ı` do not fold to `i` in Go: those keys are unknown fields.
    assert!(spec.publish_all.is_unset());
    let p = problems(&api);
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(p[0].0, "/hostconfig/ſecurityOpt");
    assert!(p[0]
        .1
        .contains("`SecurityOpt` only through Unicode case folding"));
    assert_eq!(p[1].0, "/hostconfig/Oom\u{212A}illDisable");

    // Escapes are decoded before matching.
    let api = create(r#"{"\u0048ostConfig":{"\u0050rivileged":true}}"#);
    assert_eq!(set(&api.spec.privileged), (true, "/HostConfig/Privileged"));
    // A lone surrogate is U+FFFD: no field has that name.
    let api = create(r#"{"HostConfig":{"Privileged\ud800":true}}"#);
    assert!(api.spec.privileged.is_unset());
    // Invalid UTF-8 is read, not rejected, as Go does.
    let api = from_api_json(
        b"{\"HostConfig\":{\"Privileged\":true,\"Binds\":[\"/\xff:/x\"]}}",
        ApiDocument::CreateBody,
        "container",
        "web",
    )
    .unwrap();
    assert!(set(&api.spec.privileged).0);
    assert_eq!(
        api.spec.mounts[0].value.host_path.as_deref(),
        Some("/\u{fffd}")
    );
}

#[test]
fn two_keys_for_one_field_are_reported_and_the_later_wins() {
    let api = create(r#"{"HostConfig":{"Privileged":true,"privileged":false}}"#);
    assert_eq!(set(&api.spec.privileged), (false, "/HostConfig/privileged"));
    assert_eq!(
        problems(&api),
        vec![(
            "/HostConfig/privileged",
            "`/HostConfig/Privileged` and `/HostConfig/privileged` both set `Privileged`: the \
             engine applies both, in order"
        )]
    );
    let api = create(r#"{"User":"app","User":"root"}"#);
    assert_eq!(set(&api.spec.user), (s("root"), "/User"));
    assert_eq!(
        problems(&api),
        vec![(
            "/User",
            "`/User` is given twice: the engine applies both, in order"
        )]
    );
}

#[test]
fn null_clears_pointers_and_is_a_no_op_for_scalars() {
    // A naive reader takes the last `null` as "not privileged".
    let api = create(r#"{"HostConfig":{"Privileged":true,"Privileged":null}}"#);
    assert_eq!(set(&api.spec.privileged), (true, "/HostConfig/Privileged"));
    let api = create(r#"{"User":"app","User":null,"Image":null}"#);
    assert_eq!(set(&api.spec.user), (s("app"), "/User"));
    assert!(api.spec.image.is_unset());
    // Pointers, maps and slices are cleared.
    let api = create(
        r#"{"HostConfig":{"PidsLimit":100,"PidsLimit":null,"Init":true,"Init":null,
            "Sysctls":{"a":"1"},"Sysctls":null,"CapAdd":["SYS_ADMIN"],"CapAdd":null}}"#,
    );
    assert!(api.spec.pids_limit.is_unset());
    assert!(api.spec.init.is_unset());
    assert!(api.spec.sysctls.is_empty());
    assert!(api.spec.cap_add.is_empty());
    let api = create(r#"{"HostConfig":{"Privileged":true},"HostConfig":null}"#);
    assert!(api.spec.privileged.is_unset());
}

#[test]
fn objects_merge_into_structs() {
    let api = create(
        r#"{"HostConfig":{"Privileged":true,"RestartPolicy":{"Name":"always"}},
            "HostConfig":{"CapAdd":["NET_ADMIN"],"RestartPolicy":{"MaximumRetryCount":0}},
            "Healthcheck":{"Test":["NONE"]},"Healthcheck":{"Interval":1000000}}"#,
    );
    let spec = &api.spec;
    assert_eq!(set(&spec.privileged), (true, "/HostConfig/Privileged"));
    assert_eq!(
        values(&spec.cap_add),
        vec![(s("NET_ADMIN"), "/HostConfig/CapAdd/0")]
    );
    assert_eq!(set(&spec.restart).0.policy, "always");
    assert!(set(&spec.healthcheck).0.disabled);
    let p = problems(&api);
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(p[0].0, "/HostConfig");
    assert_eq!(p[1].0, "/Healthcheck");
}

#[test]
fn objects_add_to_maps() {
    let api = create(
        r#"{"HostConfig":{"Sysctls":{"a":"1","b":"2"},"Sysctls":{"a":"3","c":null},
            "Tmpfs":{"/run":"noexec","/run":"exec"}}}"#,
    );
    let spec = &api.spec;
    assert_eq!(
        values(&spec.sysctls),
        vec![
            ((s("a"), s("3")), "/HostConfig/Sysctls/a"),
            ((s("b"), s("2")), "/HostConfig/Sysctls/b"),
            // `null` into a map element stores the zero value.
            ((s("c"), s("")), "/HostConfig/Sysctls/c"),
        ]
    );
    assert_eq!(spec.mounts.len(), 1);
    assert_eq!(spec.mounts[0].value.tmpfs_options, vec![s("exec")]);
    let p = problems(&api);
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(p[0].0, "/HostConfig/Sysctls");
    assert_eq!(
        p[1],
        (
            "/HostConfig/Tmpfs/~1run",
            "`/HostConfig/Tmpfs/~1run` is given twice: the later value wins"
        )
    );
}

#[test]
fn arrays_replace_but_reuse_the_slice_like_go() {
    let api = create(r#"{"HostConfig":{"CapAdd":["SYS_ADMIN","NET_ADMIN"],"CapAdd":["CHOWN"]}}"#);
    assert_eq!(
        values(&api.spec.cap_add),
        vec![(s("CHOWN"), "/HostConfig/CapAdd/0")]
    );
    // Go decodes element 1 into what the first array left there, and `null`
    // into a string is a no-op: the second list keeps NET_ADMIN.
    let api = create(
        r#"{"HostConfig":{"CapAdd":["SYS_ADMIN","NET_ADMIN"],"CapAdd":["CHOWN"],
            "CapAdd":["KILL",null]}}"#,
    );
    assert_eq!(
        values(&api.spec.cap_add),
        vec![
            (s("KILL"), "/HostConfig/CapAdd/0"),
            (s("NET_ADMIN"), "/HostConfig/CapAdd/1")
        ]
    );
    assert!(problems(&api).contains(&(
        "/HostConfig/CapAdd/1",
        "null in a list keeps the value an earlier list had here"
    )));
    // An empty array starts a fresh slice.
    let api = create(r#"{"HostConfig":{"CapAdd":["SYS_ADMIN"],"CapAdd":[],"CapAdd":[null]}}"#);
    assert!(api.spec.cap_add.is_empty());
    // Elements that are structs are merged field by field.
    let api = create(
        r#"{"HostConfig":{"Mounts":[{"Type":"bind","Source":"/","Target":"/host"}],
            "Mounts":[{"Target":"/x"}]}}"#,
    );
    let m = &api.spec.mounts[0].value;
    assert_eq!(
        (&m.kind, m.host_path.as_deref()),
        (&MountKind::Bind, Some("/"))
    );
    assert_eq!(m.target, "/x");
}

#[test]
fn type_mismatches_are_unknown_and_reported() {
    let api = create(
        r#"{"User":7,"HostConfig":{"Privileged":"true","Memory":1.5,"NanoCpus":1e9,
            "BlkioWeight":70000,"PidsLimit":-1.0,"CapAdd":{"a":1},"Binds":[1],
            "SecurityOpt":[true],"PortBindings":{"80/tcp":{}},"RestartPolicy":"always"}}"#,
    );
    let spec = &api.spec;
    assert_eq!(unknown(&spec.user), "/User");
    assert_eq!(unknown(&spec.privileged), "/HostConfig/Privileged");
    assert_eq!(unknown(&spec.memory), "/HostConfig/Memory");
    assert_eq!(unknown(&spec.nano_cpus), "/HostConfig/NanoCpus");
    assert_eq!(unknown(&spec.blkio_weight), "/HostConfig/BlkioWeight");
    assert_eq!(unknown(&spec.pids_limit), "/HostConfig/PidsLimit");
    assert_eq!(unknown(&spec.seccomp), "/HostConfig/SecurityOpt/0");
    assert_eq!(unknown(&spec.apparmor), "/HostConfig/SecurityOpt/0");
    assert_eq!(unknown(&spec.restart), "/HostConfig/RestartPolicy");
    assert_eq!(
        unresolved(&api),
        vec![
            ("cap_add", "/HostConfig/CapAdd"),
            ("security_opt", "/HostConfig/SecurityOpt/0"),
            ("selinux", "/HostConfig/SecurityOpt/0"),
            ("mounts", "/HostConfig/Binds/0"),
            ("ports", "/HostConfig/PortBindings/80~1tcp"),
        ]
    );
    let p = problems(&api);
    assert!(p.contains(&(
        "/HostConfig/Privileged",
        "expected a boolean, found a string: the engine rejects the request"
    )));
    assert!(p.contains(&(
        "/HostConfig/Memory",
        "`1.5` is not a 64-bit integer: the engine rejects the request"
    )));
    assert!(p.contains(&(
        "/HostConfig/BlkioWeight",
        "`70000` is not an integer from 0 to 65535: the engine rejects the request"
    )));
    assert_eq!(p.len(), 11, "{p:?}");

    // A later valid value does not hide the mismatch.
    let api = create(r#"{"HostConfig":{"Privileged":"yes","Privileged":true}}"#);
    assert_eq!(unknown(&api.spec.privileged), "/HostConfig/Privileged");
    // Everything under a HostConfig of the wrong type is unknown.
    let api = create(r#"{"HostConfig":[]}"#);
    assert_eq!(unknown(&api.spec.privileged), "/HostConfig");
    assert_eq!(unknown(&api.spec.pid), "/HostConfig");
    assert!(api.spec.is_unresolved("cap_drop"));
    assert!(api.spec.is_unresolved("mounts"));
}

#[test]
fn string_capabilities_are_read_for_older_engines() {
    let api = create(r#"{"HostConfig":{"CapAdd":"sys_admin"}}"#);
    assert_eq!(
        values(&api.spec.cap_add),
        vec![(s("SYS_ADMIN"), "/HostConfig/CapAdd")]
    );
    assert_eq!(problems(&api).len(), 1);
    assert!(problems(&api)[0].1.contains("before 29.0"));
}

#[test]
fn top_level_host_config_fields_of_older_engines() {
    // Without `HostConfig`, engines before 27.0 took these as the host config.
    let api = create(r#"{"Image":"alpine","Privileged":true,"Binds":["/:/host"]}"#);
    assert_eq!(set(&api.spec.privileged), (true, "/Privileged"));
    assert_eq!(api.spec.mounts[0].value.host_path.as_deref(), Some("/"));
    assert_eq!(ptr(&api.spec.mounts[0].at), "/Binds/0");
    let p = problems(&api);
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(p[0].0, "/Privileged");
    assert!(p[0].1.contains("HostConfig field at the top level"));
    // With it, every engine reads `HostConfig` only.
    let api = create(r#"{"Privileged":true,"HostConfig":{"ReadonlyRootfs":true}}"#);
    assert!(api.spec.privileged.is_unset());
    assert!(set(&api.spec.read_only).0);
    assert_eq!(problems(&api).len(), 1);
}

#[test]
fn unusual_values_follow_the_engine() {
    let api = create(
        r#"{"Healthcheck":{"Test":["PING","x"]},"HostConfig":{"PidMode":"","NetworkMode":"",
            "RestartPolicy":{"Name":""},"Mounts":[{"Type":"weird","Target":"/w"}],
            "Binds":["a:b:c:d"],"PortBindings":{"x/tcp":[{}],"80/tcp":[{"HostPort":"http"}]},
            "Ulimits":[null],"Devices":[{}]}}"#,
    );
    let spec = &api.spec;
    // An unknown healthcheck type runs no check.
    assert!(set(&spec.healthcheck).0.disabled);
    assert!(spec.pid.is_unset());
    assert!(spec.network.is_unset());
    assert_eq!(set(&spec.restart).0.policy, "no");
    assert_eq!(spec.mounts.len(), 1);
    assert_eq!(spec.mounts[0].value.kind, MountKind::Other(s("weird")));
    assert!(spec.ports.is_empty());
    assert!(spec.ulimits.is_empty());
    assert!(spec.devices.is_empty());
    assert_eq!(
        unresolved(&api),
        vec![
            ("mounts", "/HostConfig/Binds/0"),
            ("ports", "/HostConfig/PortBindings/x~1tcp"),
        ]
    );
    let p = problems(&api);
    let at: Vec<&str> = p.iter().map(|p| p.0).collect();
    assert_eq!(
        at,
        vec![
            "/HostConfig/Ulimits/0",
            "/Healthcheck/Test",
            "/HostConfig/Binds/0",
            "/HostConfig/Mounts/0",
            "/HostConfig/PortBindings/x~1tcp",
            "/HostConfig/PortBindings/80~1tcp/0",
        ]
    );
}

#[test]
fn unreadable_documents_are_errors() {
    let err = |text: &[u8]| from_api_json(text, ApiDocument::CreateBody, "container", "web");
    assert!(matches!(err(b""), Err(ApiError::NotJson(_))));
    assert!(matches!(err(br#"{"Image":"x""#), Err(ApiError::NotJson(_))));
    assert!(matches!(
        err(br#"{"Image":"x",}"#),
        Err(ApiError::NotJson(_))
    ));
    assert!(matches!(
        err(br#"{'Image':'x'}"#),
        Err(ApiError::NotJson(_))
    ));
    assert!(matches!(err(b"\xef\xbb\xbf{}"), Err(ApiError::NotJson(_))));
    assert_eq!(err(b"[]").unwrap_err(), ApiError::NotAnObject);
    assert_eq!(err(b" null ").unwrap_err(), ApiError::NotAnObject);
    assert_eq!(err(br#""{}""#).unwrap_err(), ApiError::NotAnObject);
    assert!(matches!(err(b"[1,"), Err(ApiError::NotJson(_))));

    // Nesting, in a field hullguard reads and in one it skips.
    let deep = |key: &str| {
        let n = MAX_DEPTH;
        format!(r#"{{"{key}":{}{}}}"#, "[".repeat(n), "]".repeat(n))
    };
    assert_eq!(err(deep("Env").as_bytes()).unwrap_err(), ApiError::TooDeep);
    assert_eq!(
        err(deep("Labels").as_bytes()).unwrap_err(),
        ApiError::TooDeep
    );
    let ok = format!(
        r#"{{"Labels":{}{}}}"#,
        "[".repeat(MAX_DEPTH - 1),
        "]".repeat(MAX_DEPTH - 1)
    );
    assert!(err(ok.as_bytes()).is_ok());

    let mut big = br#"{"Labels":""#.to_vec();
    big.resize(MAX_SIZE + 1, b'a');
    assert_eq!(err(&big).unwrap_err(), ApiError::TooLarge);
    // Many small values that would take much more memory than the text.
    let many = format!(r#"{{"Env":[{}""]}}"#, r#""","#.repeat(3_000_000));
    assert_eq!(err(many.as_bytes()).unwrap_err(), ApiError::TooLarge);

    assert_eq!(
        ApiError::NotAnObject.to_string(),
        "document is not a JSON object"
    );
    assert!(err(b"{").unwrap_err().to_string().starts_with("not JSON: "));
}

#[test]
fn content_after_the_document_is_a_problem() {
    let api = create(r#"{"HostConfig":{"Privileged":true}} {"HostConfig":{}}"#);
    assert!(set(&api.spec.privileged).0);
    assert_eq!(problems(&api).len(), 1);
    assert_eq!(problems(&api)[0].0, "");
    assert!(problems(&api)[0]
        .1
        .starts_with("content after the JSON document"));
}

#[test]
fn pointers_escape_tilde_and_slash() {
    let api = create(
        r#"{"HostConfig":{"Tmpfs":{"/a~/b":""},"Sysctls":{"x/y~z":"1"}},
            "NetworkingConfig":{"EndpointsConfig":{"~1":{}}}}"#,
    );
    assert_eq!(ptr(&api.spec.mounts[0].at), "/HostConfig/Tmpfs/~1a~0~1b");
    assert_eq!(ptr(&api.spec.sysctls[0].at), "/HostConfig/Sysctls/x~1y~0z");
    assert_eq!(
        values(&api.spec.networks),
        vec![(s("~1"), "/NetworkingConfig/EndpointsConfig/~01")]
    );
}

#[test]
fn engine_validation_is_followed() {
    let api = create(
        r#"{"HostConfig":{"SecurityOpt":["disable"],
            "RestartPolicy":{"Name":"always","MaximumRetryCount":3}}}"#,
    );
    // A bare `disable` is `label=disable` to the engine.
    assert_eq!(
        values(&api.spec.selinux),
        vec![(s("disable"), "/HostConfig/SecurityOpt/0")]
    );
    assert!(api.spec.other_security_opts.is_empty());
    assert_eq!(
        set(&api.spec.restart),
        (
            Restart {
                policy: s("always"),
                max_retries: Some(3)
            },
            "/HostConfig/RestartPolicy/Name"
        )
    );
    assert_eq!(
        problems(&api),
        vec![(
            "/HostConfig/RestartPolicy/MaximumRetryCount",
            "a retry count without `on-failure`: the engine rejects the request"
        )]
    );
    // Engines before 25.0 wrote an empty name with any count.
    let api = create(r#"{"HostConfig":{"RestartPolicy":{"Name":"","MaximumRetryCount":3}}}"#);
    assert_eq!(set(&api.spec.restart).0.policy, "no");
    assert!(api.problems.is_empty());
    let api =
        create(r#"{"HostConfig":{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":-1}}}"#);
    assert_eq!(
        problems(&api),
        vec![(
            "/HostConfig/RestartPolicy/MaximumRetryCount",
            "a negative retry count: the engine rejects the request"
        )]
    );
    let api = create(r#"{"HostConfig":{"RestartPolicy":{"Name":"sometimes"}}}"#);
    assert_eq!(unknown(&api.spec.restart), "/HostConfig/RestartPolicy/Name");
}

/// Go saves the first type error and rejects the request at the end, whatever
/// later keys do; a `null`, an empty array or a repeated map key once made the
/// setting look known again.
#[test]
fn type_error_is_never_discarded_by_a_later_key() {
    let api = create(
        r#"{"Env":[1],"Env":[],"HostConfig":{"CapAdd":[{}],"CapAdd":null,
            "CapDrop":["ALL",1],"CapDrop":["ALL"],"Sysctls":{"a":1},"Sysctls":{"a":"2"},
            "PidsLimit":"x","PidsLimit":null,"Healthcheck":null}}"#,
    );
    assert_eq!(
        unresolved(&api),
        vec![
            ("env", "/Env/0"),
            ("cap_add", "/HostConfig/CapAdd/0"),
            ("cap_drop", "/HostConfig/CapDrop/1"),
            ("sysctls", "/HostConfig/Sysctls/a"),
        ]
    );
    assert!(api.spec.env.is_empty());
    assert!(api.spec.cap_add.is_empty());
    assert_eq!(
        values(&api.spec.cap_drop),
        vec![(s("ALL"), "/HostConfig/CapDrop/0")]
    );
    assert!(api.spec.sysctls.is_empty());
    assert_eq!(unknown(&api.spec.pids_limit), "/HostConfig/PidsLimit");
    let api = create(r#"{"Healthcheck":{"Test":[true]},"Healthcheck":null}"#);
    assert_eq!(unknown(&api.spec.healthcheck), "/Healthcheck/Test/0");
}
