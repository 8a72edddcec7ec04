#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The conversion of compose services into `ContainerSpec`s: every key in each
//! of its syntaxes, exact values, and locations that point at the right text.

use hullguard_compose::convert::{project_specs, service_spec};
use hullguard_compose::loader::load_str;
use hullguard_compose::node::Value;
use hullguard_compose::project::Project;
use hullguard_container::{
    At, ContainerSpec, EffectiveUser, Healthcheck, MountKind, NsMode, Port, Problem, Restart,
    Seccomp, Setting, SourceKind, Ulimit,
};
use hullguard_diagnostics::{Location, SourceFile};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/convert")
}

fn project_in(text: &str, dir: &Path, env: &[(&str, &str)]) -> Project {
    let file = SourceFile::new("compose.yaml", text);
    let env: BTreeMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    load_str(file, Some(dir), &env)
}

/// The spec of the only service of `text` (project in the fixtures directory),
/// and the conversion's problems.
fn convert_env(text: &str, env: &[(&str, &str)]) -> (ContainerSpec, Vec<Problem>) {
    let project = project_in(text, &fixtures(), env);
    assert_eq!(project.services.len(), 1, "{:?}", project.problems);
    service_spec(&project, &project.services[0])
}

fn convert(text: &str) -> (ContainerSpec, Vec<Problem>) {
    convert_env(text, &[])
}

/// The spec of a service that must convert without problems.
fn clean(text: &str) -> ContainerSpec {
    let (spec, problems) = convert(text);
    assert!(
        problems.is_empty(),
        "unexpected problems: {:#?}",
        messages(&problems)
    );
    spec
}

fn messages(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(|p| p.message.clone()).collect()
}

/// The text a location points at.
fn src(loc: &Location) -> String {
    match loc {
        Location::File { file, span } => span.text(&file.text).to_string(),
        Location::Object { pointer, .. } => format!("<object {pointer}>"),
    }
}

fn path_of(loc: &Location) -> String {
    loc.path().unwrap_or("").to_string()
}

fn set<T: Clone>(s: &Setting<T>) -> (T, String) {
    match s {
        Setting::Set(a) => (a.value.clone(), src(&a.at)),
        Setting::Unset => panic!("setting is unset"),
        Setting::Unknown(at) => panic!("setting is unknown at {}", src(at)),
    }
}

fn unknown_at<T: std::fmt::Debug>(s: &Setting<T>) -> String {
    match s {
        Setting::Unknown(at) => src(at),
        other => panic!("expected unknown, got {other:?}"),
    }
}

fn values<T: Clone>(v: &[At<T>]) -> Vec<T> {
    v.iter().map(|a| a.value.clone()).collect()
}

fn texts<T>(v: &[At<T>]) -> Vec<String> {
    v.iter().map(|a| src(&a.at)).collect()
}

fn unresolved(spec: &ContainerSpec) -> Vec<(&'static str, String)> {
    spec.unresolved
        .iter()
        .map(|u| (u.value, src(&u.at)))
        .collect()
}

// ---------------------------------------------------------------------------
// The service itself

#[test]
fn service_identity() {
    let text = "services:\n  web:\n    image: nginx:1.27\n  db:\n    image: postgres\n";
    let project = project_in(text, &fixtures(), &[]);
    let (specs, problems) = project_specs(&project);
    assert!(problems.is_empty());
    assert_eq!(specs.len(), 2);
    let web = &specs[0];
    assert_eq!(web.source, SourceKind::Compose);
    assert_eq!(web.kind, "service");
    assert_eq!(web.name, "web");
    assert_eq!(src(&web.at), "web");
    assert_eq!(
        set(&web.image),
        ("nginx:1.27".to_string(), "nginx:1.27".to_string())
    );
    assert!(
        web.image_defaults.is_none(),
        "an image alone is an unknown image"
    );
    assert!(matches!(web.effective_user(), EffectiveUser::Unknown));
    assert_eq!(specs[1].name, "db");
}

#[test]
fn user_and_groups() {
    let spec = clean(
        "services:\n  s:\n    image: x\n    user: \"1000:1000\"\n    group_add:\n      - audio\n      - 44\n",
    );
    assert_eq!(
        set(&spec.user),
        ("1000:1000".to_string(), "\"1000:1000\"".to_string())
    );
    assert_eq!(values(&spec.group_add), vec!["audio", "44"]);
    assert_eq!(texts(&spec.group_add), vec!["audio", "44"]);
    // A bare number is a user id.
    let spec = clean("services:\n  s:\n    image: x\n    user: 0\n");
    assert_eq!(set(&spec.user).0, "0");
    assert!(matches!(spec.effective_user(), EffectiveUser::Container(_)));
}

// ---------------------------------------------------------------------------
// Booleans

#[test]
fn booleans_in_every_compose_spelling() {
    for (text, want) in [
        ("true", true),
        ("false", false),
        ("True", true),
        ("\"true\"", true),
        ("yes", true),
        ("no", false),
        ("'on'", true),
        ("off", false),
        ("Y", true),
        ("n", false),
    ] {
        let spec = clean(&format!(
            "services:\n  s:\n    image: x\n    privileged: {text}\n"
        ));
        assert_eq!(set(&spec.privileged), (want, text.to_string()), "{text}");
    }
    let spec = clean(
        "services:\n  s:\n    image: x\n    read_only: true\n    init: yes\n    oom_kill_disable: false\n",
    );
    assert!(set(&spec.read_only).0);
    assert!(set(&spec.init).0);
    assert!(!set(&spec.oom_kill_disable).0);
}

#[test]
fn wrong_boolean_is_a_problem_and_unknown() {
    let (spec, problems) = convert("services:\n  s:\n    image: x\n    privileged: maybe\n");
    assert_eq!(unknown_at(&spec.privileged), "maybe");
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].message.contains("privileged"),
        "{}",
        problems[0].message
    );
    assert_eq!(src(&problems[0].at), "maybe");
    // Numbers are not booleans for compose.
    let (spec, problems) = convert("services:\n  s:\n    image: x\n    privileged: 1\n");
    assert_eq!(unknown_at(&spec.privileged), "1");
    assert_eq!(problems.len(), 1);
    // A list where a scalar belongs.
    let (spec, problems) = convert("services:\n  s:\n    image: x\n    read_only: [true]\n");
    assert_eq!(unknown_at(&spec.read_only), "[true]");
    assert_eq!(problems.len(), 1);
}

#[test]
fn null_is_absent() {
    let spec =
        clean("services:\n  s:\n    image: x\n    privileged:\n    pid: null\n    cap_add:\n");
    assert!(spec.privileged.is_unset());
    assert!(spec.pid.is_unset());
    assert!(spec.cap_add.is_empty());
    assert!(spec.unresolved.is_empty());
}

// ---------------------------------------------------------------------------
// Capabilities

#[test]
fn capabilities_are_normalised() {
    let spec = clean(
        "services:\n  s:\n    image: x\n    cap_add: [cap_sys_admin, NET_ADMIN, Sys_Ptrace]\n    cap_drop:\n      - ALL\n      - CAP_CHOWN\n",
    );
    assert_eq!(
        values(&spec.cap_add),
        vec!["SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE"]
    );
    assert_eq!(
        texts(&spec.cap_add),
        vec!["cap_sys_admin", "NET_ADMIN", "Sys_Ptrace"]
    );
    assert_eq!(values(&spec.cap_drop), vec!["ALL", "CHOWN"]);
    assert_eq!(texts(&spec.cap_drop), vec!["ALL", "CAP_CHOWN"]);
}

#[test]
fn capability_list_of_wrong_type() {
    let (spec, problems) = convert("services:\n  s:\n    image: x\n    cap_drop: ALL\n");
    assert!(spec.cap_drop.is_empty());
    assert!(spec.is_unresolved("cap_drop"));
    assert_eq!(unresolved(&spec), vec![("cap_drop", "ALL".to_string())]);
    assert_eq!(problems.len(), 1);
    assert!(problems[0].message.contains("cap_drop"));
}

// ---------------------------------------------------------------------------
// Namespaces and networks

#[test]
fn namespaces() {
    let spec = clean(
        "services:\n  s:\n    image: x\n    pid: host\n    ipc: \"service:db\"\n    uts: host\n    network_mode: \"container:vpn\"\n    userns_mode: host\n    cgroup: host\n",
    );
    assert_eq!(set(&spec.pid), (NsMode::Host, "host".to_string()));
    assert_eq!(set(&spec.ipc).0, NsMode::Service("db".to_string()));
    assert_eq!(set(&spec.uts).0, NsMode::Host);
    assert_eq!(
        set(&spec.network),
        (
            NsMode::Container("vpn".to_string()),
            "\"container:vpn\"".to_string()
        )
    );
    assert_eq!(set(&spec.userns).0, NsMode::Host);
    assert_eq!(set(&spec.cgroupns).0, NsMode::Host);

    let spec = clean(
        "services:\n  s:\n    image: x\n    network_mode: host\n    ipc: shareable\n    cgroup: private\n",
    );
    assert_eq!(set(&spec.network).0, NsMode::Host);
    assert_eq!(set(&spec.ipc).0, NsMode::Shareable);
    assert_eq!(set(&spec.cgroupns).0, NsMode::Private);
    let spec = clean("services:\n  s:\n    image: x\n    network_mode: \"service:gw\"\n");
    assert_eq!(set(&spec.network).0, NsMode::Service("gw".to_string()));

    let (spec, problems) = convert("services:\n  s:\n    image: x\n    cgroup: shared\n");
    assert_eq!(unknown_at(&spec.cgroupns), "shared");
    assert_eq!(problems.len(), 1);
}

#[test]
fn networks_as_list_or_mapping() {
    let spec = clean(
        "services:\n  s:\n    image: x\n    networks: [front, back]\nnetworks:\n  front:\n  back:\n",
    );
    assert_eq!(values(&spec.networks), vec!["front", "back"]);
    assert_eq!(texts(&spec.networks), vec!["front", "back"]);
    let spec = clean(
        "services:\n  s:\n    image: x\n    networks:\n      front:\n        aliases: [web]\n      back:\nnetworks:\n  front:\n  back:\n",
    );
    assert_eq!(values(&spec.networks), vec!["front", "back"]);
    assert_eq!(texts(&spec.networks), vec!["front", "back"]);
}

// ---------------------------------------------------------------------------
// Volumes

#[test]
fn short_volumes() {
    let dir = fixtures();
    let spec = clean(
        "services:\n  s:\n    image: x\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n      - ./data:/data:rw,z\n      - ../..:/up\n      - /:/host:rshared\n      - cache:/cache\n      - /anon/\n      - .:/src\nvolumes:\n  cache:\n",
    );
    let m = &spec.mounts;
    assert_eq!(m.len(), 7);
    assert_eq!(
        src(&m[0].at),
        "/var/run/docker.sock:/var/run/docker.sock:ro"
    );
    assert_eq!(m[0].value.kind, MountKind::Bind);
    assert_eq!(
        m[0].value.host_path.as_deref(),
        Some("/var/run/docker.sock")
    );
    assert_eq!(m[0].value.target, "/var/run/docker.sock");
    assert!(m[0].value.read_only);

    assert_eq!(m[1].value.kind, MountKind::Bind);
    assert_eq!(m[1].value.source.as_deref(), Some("./data"));
    let data = dir.join("data");
    assert_eq!(
        m[1].value.host_path.as_deref(),
        Some(data.to_str().unwrap())
    );
    assert_eq!(m[1].value.selinux.as_deref(), Some("z"));
    assert!(!m[1].value.read_only);

    let up = dir.parent().unwrap().parent().unwrap();
    assert_eq!(m[2].value.host_path.as_deref(), Some(up.to_str().unwrap()));

    assert_eq!(m[3].value.host_path.as_deref(), Some("/"));
    assert_eq!(m[3].value.propagation.as_deref(), Some("rshared"));

    assert_eq!(m[4].value.kind, MountKind::Volume);
    assert_eq!(m[4].value.source.as_deref(), Some("cache"));
    assert_eq!(m[4].value.host_path, None);

    assert_eq!(m[5].value.kind, MountKind::Volume);
    assert_eq!(m[5].value.source, None);
    assert_eq!(
        m[5].value.target, "/anon",
        "targets are cleaned as compose does"
    );

    assert_eq!(m[6].value.host_path.as_deref(), Some(dir.to_str().unwrap()));
}

#[test]
fn home_relative_bind_uses_home_when_known() {
    let text = "services:\n  s:\n    image: x\n    volumes:\n      - ~/.ssh:/root/.ssh\n";
    let (spec, _) = convert(text);
    assert_eq!(spec.mounts[0].value.kind, MountKind::Bind);
    assert_eq!(spec.mounts[0].value.host_path.as_deref(), Some("~/.ssh"));
    let (spec, _) = convert_env(text, &[("HOME", "/home/dev")]);
    assert_eq!(
        spec.mounts[0].value.host_path.as_deref(),
        Some("/home/dev/.ssh")
    );
}

#[test]
fn short_volume_unknown_option_is_ignored_like_compose() {
    let (spec, problems) =
        convert("services:\n  s:\n    image: x\n    volumes:\n      - /etc:/host/etc:ro,bogus\n");
    assert_eq!(spec.mounts.len(), 1);
    assert!(spec.mounts[0].value.read_only);
    assert_eq!(spec.mounts[0].value.host_path.as_deref(), Some("/etc"));
    assert_eq!(
        messages(&problems),
        vec!["unknown volume option `bogus` (compose ignores it)"]
    );
    let (spec, problems) =
        convert("services:\n  s:\n    image: x\n    volumes:\n      - a:b:c:d\n");
    assert!(spec.mounts.is_empty());
    assert!(spec.is_unresolved("volumes"));
    assert_eq!(problems.len(), 1);
}

#[test]
fn long_volumes() {
    let dir = fixtures();
    let spec = clean(
        "services:
  s:
    image: x
    volumes:
      - type: bind
        source: ./conf
        target: /etc/app/
        read_only: true
        bind:
          propagation: rslave
          selinux: Z
      - type: volume
        source: data
        target: /data
        volume:
          nocopy: true
      - type: tmpfs
        target: /run
        tmpfs:
          size: 64m
          mode: 1777
      - type: volume
        target: /anon
volumes:
  data:
",
    );
    let m = &spec.mounts;
    assert_eq!(m.len(), 4);
    assert!(src(&m[0].at).starts_with("type: bind"), "{}", src(&m[0].at));
    assert_eq!(m[0].value.kind, MountKind::Bind);
    assert_eq!(m[0].value.source.as_deref(), Some("./conf"));
    assert_eq!(
        m[0].value.host_path.as_deref(),
        Some(dir.join("conf").to_str().unwrap())
    );
    assert_eq!(m[0].value.target, "/etc/app");
    assert!(m[0].value.read_only);
    assert_eq!(m[0].value.propagation.as_deref(), Some("rslave"));
    assert_eq!(m[0].value.selinux.as_deref(), Some("Z"));

    assert_eq!(m[1].value.kind, MountKind::Volume);
    assert_eq!(m[1].value.source.as_deref(), Some("data"));
    assert_eq!(m[1].value.host_path, None);

    assert_eq!(m[2].value.kind, MountKind::Tmpfs);
    assert_eq!(m[2].value.tmpfs_options, vec!["size=64m", "mode=1777"]);

    assert_eq!(m[3].value.source, None);
}

#[test]
fn long_volume_with_unresolved_modifier_is_kept_but_marked() {
    let (spec, problems) = convert(
        "services:\n  s:\n    image: x\n    volumes:\n      - type: bind\n        source: /\n        target: /host\n        read_only: ${RO}\n",
    );
    assert!(problems.is_empty(), "{:?}", messages(&problems));
    assert_eq!(spec.mounts.len(), 1);
    assert_eq!(spec.mounts[0].value.host_path.as_deref(), Some("/"));
    assert!(spec.is_unresolved("volumes"));
}

#[test]
fn long_volume_missing_fields() {
    let (spec, problems) = convert(
        "services:\n  s:\n    image: x\n    volumes:\n      - type: bind\n        target: /x\n      - source: /y\n        target: /y\n",
    );
    assert!(spec.mounts.is_empty());
    assert_eq!(
        messages(&problems),
        vec!["bind mount without a `source`", "volume without a `type`"]
    );
}

#[test]
fn named_volume_binding_the_host_root() {
    let spec = clean(
        "services:
  s:
    image: x
    volumes:
      - rootfs:/host
      - type: volume
        source: rootfs
        target: /host2
volumes:
  rootfs:
    driver: local
    driver_opts:
      type: none
      o: bind
      device: /
",
    );
    for m in &spec.mounts {
        assert_eq!(m.value.kind, MountKind::Volume);
        assert_eq!(m.value.host_path.as_deref(), Some("/"));
        assert_eq!(m.value.volume_driver.as_deref(), Some("local"));
        assert_eq!(
            m.value.volume_options,
            vec![
                ("type".to_string(), "none".to_string()),
                ("o".to_string(), "bind".to_string()),
                ("device".to_string(), "/".to_string())
            ]
        );
    }
    assert_eq!(
        texts(&spec.mounts),
        vec![
            "rootfs:/host",
            "type: volume\n        source: rootfs\n        target: /host2"
        ]
    );
}

#[test]
fn named_volume_relative_device_and_default_driver() {
    let spec = clean(
        "services:\n  s:\n    image: x\n    volumes: [\"logs:/logs\"]\nvolumes:\n  logs:\n    driver_opts: {type: none, o: bind, device: ./logs}\n",
    );
    assert_eq!(
        spec.mounts[0].value.host_path.as_deref(),
        Some(fixtures().join("logs").to_str().unwrap())
    );
}

#[test]
fn external_and_undefined_volumes() {
    let spec = clean(
        "services:\n  s:\n    image: x\n    volumes: [\"ext:/e\"]\nvolumes:\n  ext:\n    external: true\n",
    );
    assert_eq!(spec.mounts[0].value.host_path, None);
    let (spec, problems) = convert("services:\n  s:\n    image: x\n    volumes: [\"nope:/n\"]\n");
    assert_eq!(spec.mounts.len(), 1);
    assert_eq!(messages(&problems), vec!["undefined volume `nope`"]);
    assert_eq!(src(&problems[0].at), "\"nope:/n\"");
}

#[test]
fn tmpfs_string_or_list() {
    let spec = clean("services:\n  s:\n    image: x\n    tmpfs: /run\n");
    assert_eq!(spec.mounts.len(), 1);
    assert_eq!(spec.mounts[0].value.kind, MountKind::Tmpfs);
    assert_eq!(spec.mounts[0].value.target, "/run");
    assert!(spec.mounts[0].value.tmpfs_options.is_empty());
    let spec = clean("services:\n  s:\n    image: x\n    tmpfs:\n      - /tmp:size=64m,noexec,nosuid\n      - /cache\n");
    assert_eq!(spec.mounts.len(), 2);
    assert_eq!(
        spec.mounts[0].value.tmpfs_options,
        vec!["size=64m", "noexec", "nosuid"]
    );
    assert!(spec.mounts[0].value.has_tmpfs_option("noexec"));
    assert_eq!(src(&spec.mounts[0].at), "/tmp:size=64m,noexec,nosuid");
}

#[test]
fn use_api_socket_mounts_the_engine_socket() {
    let spec = clean("services:\n  s:\n    image: x\n    use_api_socket: true\n");
    assert_eq!(spec.mounts.len(), 1);
    assert_eq!(spec.mounts[0].value.kind, MountKind::Bind);
    assert_eq!(
        spec.mounts[0].value.host_path.as_deref(),
        Some("/var/run/docker.sock")
    );
    assert_eq!(src(&spec.mounts[0].at), "true");
}

// ---------------------------------------------------------------------------
// Confinement

#[test]
fn security_options_in_both_forms() {
    let spec = clean(
        "services:\n  s:\n    image: x\n    security_opt:\n      - seccomp:unconfined\n      - apparmor=unconfined\n      - label:disable\n      - no-new-privileges:true\n      - systempaths=unconfined\n",
    );
    assert_eq!(
        set(&spec.seccomp),
        (Seccomp::Unconfined, "seccomp:unconfined".to_string())
    );
    assert_eq!(set(&spec.apparmor).0, "unconfined");
    assert_eq!(values(&spec.selinux), vec!["disable"]);
    assert_eq!(
        set(&spec.no_new_privileges),
        (true, "no-new-privileges:true".to_string())
    );
    assert_eq!(
        values(&spec.other_security_opts),
        vec!["systempaths=unconfined"]
    );
}

// ---------------------------------------------------------------------------
// Resources

#[test]
fn resource_keys() {
    let spec = clean(
        "services:
  s:
    image: x
    mem_limit: 512m
    memswap_limit: -1
    mem_reservation: \"1gb\"
    cpus: \"0.5\"
    cpu_shares: 512
    cpu_quota: \"50000\"
    cpu_period: 100000
    cpuset: 0-3
    pids_limit: \"100\"
    blkio_config:
      weight: 300
",
    );
    assert_eq!(set(&spec.memory), (512 << 20, "512m".to_string()));
    assert_eq!(set(&spec.memory_swap).0, -1);
    assert_eq!(set(&spec.memory_reservation).0, 1 << 30);
    assert_eq!(set(&spec.nano_cpus), (500_000_000, "\"0.5\"".to_string()));
    assert_eq!(set(&spec.cpu_shares).0, 512);
    assert_eq!(set(&spec.cpu_quota).0, 50_000);
    assert_eq!(set(&spec.cpu_period).0, 100_000);
    assert_eq!(set(&spec.cpuset_cpus).0, "0-3");
    assert_eq!(set(&spec.pids_limit), (100, "\"100\"".to_string()));
    assert_eq!(set(&spec.blkio_weight), (300, "300".to_string()));
}

#[test]
fn deploy_resources() {
    let spec = clean(
        "services:
  s:
    image: x
    deploy:
      resources:
        limits:
          cpus: '1.5'
          memory: 256M
          pids: 50
        reservations:
          cpus: '0.25'
          memory: 64M
",
    );
    assert_eq!(set(&spec.memory), (256 << 20, "256M".to_string()));
    assert_eq!(set(&spec.nano_cpus), (1_500_000_000, "'1.5'".to_string()));
    assert_eq!(set(&spec.pids_limit).0, 50);
    assert_eq!(set(&spec.memory_reservation), (64 << 20, "64M".to_string()));
}

#[test]
fn deploy_limits_apply_over_service_keys_unless_zero() {
    let spec = clean(
        "services:\n  s:\n    image: x\n    mem_limit: 1g\n    pids_limit: 10\n    deploy:\n      resources:\n        limits:\n          memory: 2g\n          pids: 0\n",
    );
    assert_eq!(set(&spec.memory), (2 << 30, "2g".to_string()));
    assert_eq!(set(&spec.pids_limit), (10, "10".to_string()));
}

#[test]
fn bad_sizes_are_problems() {
    let (spec, problems) = convert(
        "services:\n  s:\n    image: x\n    mem_limit: lots\n    cpus: many\n    pids_limit: 1.5\n",
    );
    assert_eq!(unknown_at(&spec.memory), "lots");
    assert_eq!(unknown_at(&spec.nano_cpus), "many");
    assert_eq!(unknown_at(&spec.pids_limit), "1.5");
    assert_eq!(problems.len(), 3);
    assert!(
        problems.iter().all(|p| p.message.starts_with("`")),
        "{:?}",
        messages(&problems)
    );
}

#[test]
fn ulimits_both_forms() {
    let (spec, problems) = convert(
        "services:\n  s:\n    image: x\n    ulimits:\n      nproc: 65535\n      nofile:\n        soft: 20000\n        hard: 40000\n      core:\n        soft: 0\n",
    );
    assert_eq!(
        values(&spec.ulimits),
        vec![
            Ulimit {
                name: "nproc".into(),
                soft: 65535,
                hard: 65535
            },
            Ulimit {
                name: "nofile".into(),
                soft: 20000,
                hard: 40000
            },
        ]
    );
    assert_eq!(src(&spec.ulimits[0].at), "65535");
    assert_eq!(src(&spec.ulimits[1].at), "soft: 20000\n        hard: 40000");
    assert_eq!(
        messages(&problems),
        vec!["`ulimits.core` needs both `soft` and `hard`"]
    );
    assert!(spec.is_unresolved("ulimits"));
}

// ---------------------------------------------------------------------------
// Devices and ports

#[test]
fn devices_short_and_long() {
    let spec = clean(
        "services:
  s:
    image: x
    devices:
      - /dev/kvm
      - /dev/sda:/dev/xvda:r
      - source: /dev/fuse
        permissions: rw
    device_cgroup_rules:
      - 'c 1:3 mr'
",
    );
    let d = values(&spec.devices);
    assert_eq!(
        (
            d[0].host.as_str(),
            d[0].container.as_str(),
            d[0].permissions.as_str()
        ),
        ("/dev/kvm", "/dev/kvm", "rwm")
    );
    assert_eq!(
        (
            d[1].host.as_str(),
            d[1].container.as_str(),
            d[1].permissions.as_str()
        ),
        ("/dev/sda", "/dev/xvda", "r")
    );
    assert_eq!(
        (
            d[2].host.as_str(),
            d[2].container.as_str(),
            d[2].permissions.as_str()
        ),
        ("/dev/fuse", "/dev/fuse", "rw")
    );
    assert_eq!(texts(&spec.devices)[1], "/dev/sda:/dev/xvda:r");
    assert_eq!(values(&spec.device_cgroup_rules), vec!["c 1:3 mr"]);
    assert_eq!(texts(&spec.device_cgroup_rules), vec!["'c 1:3 mr'"]);
}

#[test]
fn ports_every_syntax() {
    let spec = clean(
        "services:
  s:
    image: x
    ports:
      - 3000
      - \"8080:80\"
      - 127.0.0.1:5432:5432
      - \"[::1]:9000:9000/udp\"
      - 8000-8010:8000-8010
      - \"127.0.0.1::6379\"
      - target: 443
        published: \"8443\"
        host_ip: 0.0.0.0
        protocol: TCP
        mode: host
      - target: 53
        protocol: udp
",
    );
    let p = values(&spec.ports);
    let port = |ip: Option<&str>, host: Option<(u16, u16)>, c: (u16, u16), proto: &str| Port {
        host_ip: ip.map(str::to_string),
        host_port: host,
        container_port: c,
        protocol: proto.to_string(),
    };
    assert_eq!(
        p,
        vec![
            port(None, None, (3000, 3000), "tcp"),
            port(None, Some((8080, 8080)), (80, 80), "tcp"),
            port(Some("127.0.0.1"), Some((5432, 5432)), (5432, 5432), "tcp"),
            port(Some("::1"), Some((9000, 9000)), (9000, 9000), "udp"),
            port(None, Some((8000, 8010)), (8000, 8010), "tcp"),
            port(Some("127.0.0.1"), None, (6379, 6379), "tcp"),
            port(Some("0.0.0.0"), Some((8443, 8443)), (443, 443), "tcp"),
            port(None, None, (53, 53), "udp"),
        ]
    );
    assert_eq!(texts(&spec.ports)[0], "3000");
    assert_eq!(texts(&spec.ports)[1], "\"8080:80\"");
    assert!(texts(&spec.ports)[6].starts_with("target: 443"));
}

#[test]
fn ports_of_wrong_type() {
    let (spec, problems) = convert("services:\n  s:\n    image: x\n    ports: 5\n");
    assert!(spec.ports.is_empty());
    assert_eq!(unresolved(&spec), vec![("ports", "5".to_string())]);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].message.contains("`ports` must be a list"),
        "{}",
        problems[0].message
    );
    let (spec, problems) =
        convert("services:\n  s:\n    image: x\n    ports: [\"x:80\", \"81:81\"]\n");
    assert_eq!(spec.ports.len(), 1);
    assert!(spec.is_unresolved("ports"));
    assert_eq!(problems.len(), 1);
    assert_eq!(src(&problems[0].at), "\"x:80\"");
}

// ---------------------------------------------------------------------------
// Sysctls, restart, healthcheck

#[test]
fn sysctls_map_or_list() {
    let spec = clean("services:\n  s:\n    image: x\n    sysctls:\n      net.ipv4.ip_forward: 1\n      kernel.shmmax: \"65536\"\n");
    assert_eq!(
        values(&spec.sysctls),
        vec![
            ("net.ipv4.ip_forward".to_string(), "1".to_string()),
            ("kernel.shmmax".to_string(), "65536".to_string())
        ]
    );
    assert_eq!(texts(&spec.sysctls), vec!["1", "\"65536\""]);
    let spec =
        clean("services:\n  s:\n    image: x\n    sysctls:\n      - net.ipv4.ip_forward=1\n");
    assert_eq!(
        values(&spec.sysctls),
        vec![("net.ipv4.ip_forward".to_string(), "1".to_string())]
    );
    assert_eq!(texts(&spec.sysctls), vec!["net.ipv4.ip_forward=1"]);
}

#[test]
fn restart_policies() {
    let r = |policy: &str, max: Option<i64>| Restart {
        policy: policy.to_string(),
        max_retries: max,
    };
    for (text, want) in [
        ("\"no\"", r("no", None)),
        ("always", r("always", None)),
        ("on-failure", r("on-failure", None)),
        ("on-failure:5", r("on-failure", Some(5))),
        ("unless-stopped", r("unless-stopped", None)),
    ] {
        let spec = clean(&format!(
            "services:\n  s:\n    image: x\n    restart: {text}\n"
        ));
        assert_eq!(set(&spec.restart), (want, text.to_string()));
    }
    let (spec, problems) = convert("services:\n  s:\n    image: x\n    restart: sometimes\n");
    assert_eq!(unknown_at(&spec.restart), "sometimes");
    assert_eq!(problems.len(), 1);
}

#[test]
fn deploy_restart_policy_replaces_restart() {
    let spec = clean(
        "services:\n  s:\n    image: x\n    restart: always\n    deploy:\n      restart_policy:\n        condition: on-failure\n        max_attempts: 3\n",
    );
    let (restart, at) = set(&spec.restart);
    assert_eq!(
        restart,
        Restart {
            policy: "on-failure".into(),
            max_retries: Some(3)
        }
    );
    assert_eq!(at, "condition: on-failure\n        max_attempts: 3");
    let spec = clean("services:\n  s:\n    image: x\n    deploy:\n      restart_policy:\n        condition: any\n");
    assert_eq!(
        set(&spec.restart).0,
        Restart {
            policy: "always".into(),
            max_retries: None
        }
    );
    let spec = clean("services:\n  s:\n    image: x\n    deploy:\n      restart_policy:\n        condition: none\n");
    assert_eq!(set(&spec.restart).0.policy, "no");
    // `docker compose` sends an empty policy name when no condition is given.
    let spec = clean("services:\n  s:\n    image: x\n    deploy:\n      restart_policy:\n        max_attempts: 2\n");
    assert_eq!(
        set(&spec.restart).0,
        Restart {
            policy: "no".into(),
            max_retries: Some(2)
        }
    );
}

#[test]
fn healthchecks() {
    let spec = clean(
        "services:\n  s:\n    image: x\n    healthcheck:\n      test: curl -f http://localhost\n",
    );
    let (hc, at) = set(&spec.healthcheck);
    assert_eq!(
        hc,
        Healthcheck {
            disabled: false,
            test: vec!["CMD-SHELL".into(), "curl -f http://localhost".into()]
        }
    );
    assert_eq!(at, "curl -f http://localhost");

    let spec = clean("services:\n  s:\n    image: x\n    healthcheck:\n      test: [\"CMD\", \"pg_isready\"]\n      interval: 10s\n");
    assert_eq!(set(&spec.healthcheck).0.test, vec!["CMD", "pg_isready"]);

    let spec = clean("services:\n  s:\n    image: x\n    healthcheck:\n      disable: true\n");
    let (hc, at) = set(&spec.healthcheck);
    assert_eq!(
        hc,
        Healthcheck {
            disabled: true,
            test: vec!["NONE".into()]
        }
    );
    assert_eq!(at, "true");

    let spec = clean("services:\n  s:\n    image: x\n    healthcheck:\n      test: [\"NONE\"]\n");
    assert!(set(&spec.healthcheck).0.disabled);

    // Only timings: the image's test applies.
    let spec = clean("services:\n  s:\n    image: x\n    healthcheck:\n      interval: 30s\n");
    assert!(spec.healthcheck.is_unset());

    let (spec, problems) =
        convert("services:\n  s:\n    image: x\n    healthcheck:\n      test: [\"RUN\", \"x\"]\n");
    assert!(spec.healthcheck.is_unknown());
    assert_eq!(problems.len(), 1);
}

// ---------------------------------------------------------------------------
// Environment, env files, secrets

#[test]
fn environment_map_and_list() {
    let spec = clean(
        "services:\n  s:\n    image: x\n    environment:\n      DB_PASSWORD: hunter2\n      EMPTY:\n      PORT: 8080\n",
    );
    let env: Vec<(String, Option<String>)> = spec
        .env
        .iter()
        .map(|e| (e.value.name.clone(), e.value.value.clone()))
        .collect();
    assert_eq!(
        env,
        vec![
            ("DB_PASSWORD".into(), Some("hunter2".into())),
            ("EMPTY".into(), None),
            ("PORT".into(), Some("8080".into())),
        ]
    );
    assert_eq!(src(&spec.env[0].at), "hunter2");
    assert_eq!(src(&spec.env[1].at), "EMPTY");

    let spec = clean("services:\n  s:\n    image: x\n    environment:\n      - API_KEY=abc=def\n      - FROM_CALLER\n");
    let env: Vec<(String, Option<String>)> = spec
        .env
        .iter()
        .map(|e| (e.value.name.clone(), e.value.value.clone()))
        .collect();
    assert_eq!(
        env,
        vec![
            ("API_KEY".into(), Some("abc=def".into())),
            ("FROM_CALLER".into(), None)
        ]
    );
    assert_eq!(texts(&spec.env), vec!["API_KEY=abc=def", "FROM_CALLER"]);
}

#[test]
fn env_files_are_read_relative_to_the_service() {
    let spec = clean(
        "services:\n  s:\n    image: x\n    env_file:\n      - env/app.env\n      - path: env/missing.env\n        required: false\n    environment:\n      DEBUG: \"0\"\n",
    );
    assert_eq!(
        values(&spec.env_files),
        vec![
            fixtures().join("env/app.env").to_str().unwrap().to_string(),
            fixtures()
                .join("env/missing.env")
                .to_str()
                .unwrap()
                .to_string(),
        ]
    );
    assert_eq!(texts(&spec.env_files)[0], "env/app.env");
    let names: Vec<&str> = spec.env.iter().map(|e| e.value.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["DB_PASSWORD", "DEBUG", "DEBUG"],
        "env files first, environment last"
    );
    let pw = &spec.env[0];
    assert_eq!(pw.value.value.as_deref(), Some("hunter2"));
    assert_eq!(path_of(&pw.at), "env/app.env");
    assert!(src(&pw.at).contains("DB_PASSWORD"), "{}", src(&pw.at));
    assert_eq!(path_of(&spec.env[2].at), "compose.yaml");
}

#[test]
fn env_file_as_string_and_missing_required() {
    let spec = clean("services:\n  s:\n    image: x\n    env_file: env/extra.env\n");
    assert_eq!(spec.env.len(), 1);
    assert_eq!(spec.env[0].value.name, "EXTRA");
    let (spec, problems) = convert("services:\n  s:\n    image: x\n    env_file: [env/nope.env]\n");
    assert!(spec.env.is_empty());
    assert_eq!(
        messages(&problems),
        vec!["env file `env/nope.env` not found"]
    );
    assert_eq!(src(&problems[0].at), "env/nope.env");
}

#[test]
fn secrets_short_and_long() {
    let spec = clean(
        "services:\n  s:\n    image: x\n    secrets:\n      - db_password\n      - source: api_key\n        target: /run/secrets/key\nsecrets:\n  db_password:\n    file: ./pw.txt\n  api_key:\n    environment: KEY\n",
    );
    assert_eq!(values(&spec.secrets), vec!["db_password", "api_key"]);
    assert_eq!(texts(&spec.secrets)[0], "db_password");
}

// ---------------------------------------------------------------------------
// Other keys

#[test]
fn runtime_and_friends() {
    let spec = clean(
        "services:\n  s:\n    image: x\n    runtime: runsc\n    oom_score_adj: -500\n    cgroup_parent: m-executor\n    logging:\n      driver: none\n",
    );
    assert_eq!(set(&spec.runtime).0, "runsc");
    assert_eq!(set(&spec.oom_score_adj), (-500, "-500".to_string()));
    assert_eq!(set(&spec.cgroup_parent).0, "m-executor");
    assert_eq!(
        set(&spec.log_driver),
        ("none".to_string(), "none".to_string())
    );
}

// ---------------------------------------------------------------------------
// Unresolved variables

#[test]
fn unresolved_variables_are_unknown_never_empty() {
    let (spec, problems) = convert(
        "services:
  s:
    image: ${IMAGE}
    privileged: ${PRIV}
    user: ${APP_USER}
    mem_limit: ${MEM}
    cap_drop:
      - ${DROP}
      - NET_RAW
    ports:
      - \"${PORT}:80\"
    volumes:
      - ${SRC}:/data
    environment:
      TOKEN: ${TOKEN}
",
    );
    assert!(problems.is_empty(), "{:?}", messages(&problems));
    assert_eq!(unknown_at(&spec.image), "${IMAGE}");
    assert_eq!(unknown_at(&spec.privileged), "${PRIV}");
    assert_eq!(unknown_at(&spec.user), "${APP_USER}");
    assert_eq!(unknown_at(&spec.memory), "${MEM}");
    assert!(matches!(spec.effective_user(), EffectiveUser::Unknown));
    assert_eq!(values(&spec.cap_drop), vec!["NET_RAW"]);
    assert!(spec.ports.is_empty());
    assert!(spec.mounts.is_empty());
    assert_eq!(
        unresolved(&spec),
        vec![
            ("cap_drop", "${DROP}".to_string()),
            ("volumes", "${SRC}:/data".to_string()),
            ("ports", "\"${PORT}:80\"".to_string()),
            ("environment", "${TOKEN}".to_string()),
        ]
    );
    assert_eq!(spec.env[0].value.value, None);
}

#[test]
fn resolved_variables_are_values() {
    let (spec, problems) = convert_env(
        "services:\n  s:\n    image: x\n    privileged: ${PRIV}\n    cap_add: [\"${CAP:-NET_ADMIN}\"]\n",
        &[("PRIV", "true")],
    );
    assert!(problems.is_empty());
    assert!(set(&spec.privileged).0);
    assert_eq!(values(&spec.cap_add), vec!["NET_ADMIN"]);
}

// ---------------------------------------------------------------------------
// Build and the Dockerfile's USER and HEALTHCHECK

#[test]
fn build_with_dockerfile_user_and_healthcheck() {
    let spec = clean(
        "services:\n  app:\n    build:\n      context: build\n      dockerfile: Dockerfile.user\n",
    );
    let b = spec.build.as_ref().unwrap();
    assert_eq!(b.context, fixtures().join("build").to_str().unwrap());
    assert_eq!(
        b.dockerfile.as_deref(),
        Some(fixtures().join("build/Dockerfile.user").to_str().unwrap())
    );
    assert!(src(&b.at).starts_with("context: build"));
    let img = spec.image_defaults.as_ref().unwrap();
    assert_eq!(img.source, "build/Dockerfile.user");
    let (user, at) = set(&img.user);
    assert_eq!(user, "app");
    assert_eq!(at, "USER app");
    let user_at = img.user.at().unwrap();
    assert_eq!(path_of(user_at), "build/Dockerfile.user");
    let (hc, at) = set(&img.healthcheck);
    assert_eq!(
        hc.test,
        vec!["CMD-SHELL", "wget -q -O- http://localhost/ || exit 1"]
    );
    assert!(!hc.disabled);
    assert!(at.starts_with("HEALTHCHECK CMD"));
    match spec.effective_user() {
        EffectiveUser::Image(_, u) => assert_eq!(u.value, "app"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn compose_user_wins_over_the_dockerfile() {
    let spec = clean(
        "services:\n  app:\n    user: root\n    build:\n      context: build\n      dockerfile: Dockerfile.user\n",
    );
    assert_eq!(set(&spec.image_defaults.as_ref().unwrap().user).0, "app");
    match spec.effective_user() {
        EffectiveUser::Container(u) => assert_eq!(u.value, "root"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn build_string_context_uses_its_dockerfile() {
    let spec = clean("services:\n  app:\n    build: ./build/ctx\n");
    let b = spec.build.as_ref().unwrap();
    assert_eq!(
        b.dockerfile.as_deref(),
        Some(fixtures().join("build/ctx/Dockerfile").to_str().unwrap())
    );
    let img = spec.image_defaults.as_ref().unwrap();
    assert_eq!(img.source, "build/ctx/Dockerfile");
    // `FROM scratch` and no USER: root, and no healthcheck.
    assert!(img.user.is_unset());
    assert!(img.healthcheck.is_unset());
    assert!(matches!(spec.effective_user(), EffectiveUser::ImageRoot(_)));
}

#[test]
fn multi_stage_follows_the_built_stage() {
    let spec = clean(
        "services:\n  app:\n    build:\n      context: build\n      dockerfile: Dockerfile.multistage\n      target: app\n",
    );
    let img = spec.image_defaults.as_ref().unwrap();
    assert_eq!(
        set(&img.user),
        ("1000".to_string(), "USER 1000".to_string())
    );
    let (hc, at) = set(&img.healthcheck);
    assert_eq!(hc.test, vec!["CMD", "/bin/true"]);
    assert_eq!(at, "HEALTHCHECK --interval=5s CMD [\"/bin/true\"]");

    // The last stage, `FROM scratch`, inherits nothing from the others.
    let spec = clean("services:\n  app:\n    build:\n      context: build\n      dockerfile: Dockerfile.multistage\n");
    let img = spec.image_defaults.as_ref().unwrap();
    assert!(img.user.is_unset());
    assert!(img.healthcheck.is_unset());
}

#[test]
fn external_base_without_user_is_unknown() {
    let spec = clean("services:\n  app:\n    build:\n      context: build\n      dockerfile: Dockerfile.external\n");
    let img = spec.image_defaults.as_ref().unwrap();
    assert_eq!(unknown_at(&img.user), "FROM python:3.12");
    assert_eq!(unknown_at(&img.healthcheck), "FROM python:3.12");
    assert!(matches!(spec.effective_user(), EffectiveUser::Unknown));
}

#[test]
fn healthcheck_none_in_the_dockerfile() {
    let spec = clean(
        "services:\n  app:\n    build:\n      context: build\n      dockerfile: Dockerfile.none\n",
    );
    let img = spec.image_defaults.as_ref().unwrap();
    assert_eq!(set(&img.user).0, "nobody");
    let (hc, at) = set(&img.healthcheck);
    assert_eq!(
        hc,
        Healthcheck {
            disabled: true,
            test: vec!["NONE".into()]
        }
    );
    assert_eq!(at, "HEALTHCHECK NONE");
}

#[test]
fn build_args_reach_the_dockerfile() {
    let user = |text: &str, env: &[(&str, &str)]| {
        let (spec, problems) = convert_env(text, env);
        assert!(problems.is_empty(), "{:?}", messages(&problems));
        spec.image_defaults.unwrap().user
    };
    let base =
        "services:\n  app:\n    build:\n      context: build\n      dockerfile: Dockerfile.args\n";
    assert_eq!(set(&user(base, &[])).0, "1000");
    let u = user(&format!("{base}      args:\n        UID: 2000\n"), &[]);
    assert_eq!(set(&u), ("2000".to_string(), "USER ${UID}".to_string()));
    let u = user(&format!("{base}      args:\n        - UID=0\n"), &[]);
    assert_eq!(set(&u).0, "0");
    // `UID` alone takes the environment's value.
    let u = user(
        &format!("{base}      args:\n        - UID\n"),
        &[("UID", "4242")],
    );
    assert_eq!(set(&u).0, "4242");
    let u = user(&format!("{base}      args:\n        - UID\n"), &[]);
    assert_eq!(set(&u).0, "1000");
    // An unresolved argument makes the user unknown, never the default.
    let (spec, _) = convert(&format!("{base}      args:\n        UID: ${{NOPE}}\n"));
    assert_eq!(
        unknown_at(&spec.image_defaults.as_ref().unwrap().user),
        "USER ${UID}"
    );
    assert!(spec.is_unresolved("build"));
}

#[test]
fn build_target_that_does_not_exist() {
    let (spec, problems) = convert(
        "services:\n  app:\n    build:\n      context: build\n      dockerfile: Dockerfile.multistage\n      target: nope\n",
    );
    assert!(spec.image_defaults.is_none());
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].message.contains("nope"),
        "{}",
        problems[0].message
    );
}

#[test]
fn dockerfile_inline() {
    let spec = clean(
        "services:\n  app:\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM scratch\n        USER 65534\n",
    );
    let b = spec.build.as_ref().unwrap();
    assert_eq!(b.dockerfile, None);
    let img = spec.image_defaults.as_ref().unwrap();
    assert_eq!(img.source, "dockerfile_inline");
    let (user, at) = set(&img.user);
    assert_eq!(user, "65534");
    assert!(at.contains("USER 65534"), "{at}");
}

#[test]
fn remote_context_has_no_dockerfile() {
    for ctx in [
        "https://github.com/docker/rootfs.git#main",
        "git@github.com:o/r.git",
        "github.com/o/r",
    ] {
        let spec = clean(&format!("services:\n  app:\n    build: \"{ctx}\"\n"));
        let b = spec.build.as_ref().unwrap();
        assert_eq!(b.context, ctx);
        assert_eq!(b.dockerfile, None);
        assert!(spec.image_defaults.is_none());
    }
}

#[test]
fn missing_dockerfile_is_a_problem() {
    let (spec, problems) = convert(
        "services:\n  app:\n    build:\n      context: build\n      dockerfile: Nope.Dockerfile\n",
    );
    assert!(spec.build.is_some());
    assert!(spec.image_defaults.is_none());
    assert_eq!(
        messages(&problems),
        vec!["dockerfile `build/Nope.Dockerfile` not found"]
    );
    assert_eq!(src(&problems[0].at), "Nope.Dockerfile");
}

#[test]
fn build_args_list_and_image_together() {
    let spec = clean(
        "services:\n  app:\n    image: registry/app:1\n    build:\n      context: build/ctx\n      args:\n        - A=1\n        - B=two\n",
    );
    assert_eq!(set(&spec.image).0, "registry/app:1");
    let b = spec.build.as_ref().unwrap();
    assert_eq!(
        b.args,
        vec![
            ("A".to_string(), "1".to_string()),
            ("B".to_string(), "two".to_string())
        ]
    );
    assert!(spec.image_defaults.is_some());
}

// ---------------------------------------------------------------------------
// Hostile input

#[test]
fn dockerfile_that_is_not_a_regular_file_is_not_read() {
    let (spec, problems) =
        convert("services:\n  app:\n    build:\n      context: build\n      dockerfile: ctx\n");
    assert!(spec.image_defaults.is_none());
    assert_eq!(
        messages(&problems),
        vec!["dockerfile `build/ctx` not a regular file"]
    );
}

#[test]
fn service_that_is_not_a_mapping() {
    // The loader drops such services; a hand-made project still converts.
    let project = project_in("services:\n  s:\n    image: x\n", &fixtures(), &[]);
    let mut service = project.services[0].clone();
    service.node.value = Value::Seq(Vec::new());
    let (spec, problems) = service_spec(&project, &service);
    assert_eq!(spec.name, "s");
    assert!(spec.image.is_unset());
    assert_eq!(
        messages(&problems),
        vec!["service `s` must be a mapping, not a list"]
    );
}

/// A fresh directory for files a test creates.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("convert-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn fifo_dockerfile_is_not_opened() {
    let dir = scratch_dir("fifo");
    let fifo = dir.join("Dockerfile");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    // Opening a FIFO for reading would block this test forever.
    let project = project_in(
        "services:\n  app:\n    build: .\n    env_file: Dockerfile\n",
        &dir,
        &[],
    );
    let (spec, problems) = service_spec(&project, &project.services[0]);
    assert!(spec.image_defaults.is_none());
    assert_eq!(
        messages(&problems),
        vec![
            "dockerfile `Dockerfile` not a regular file",
            "env file `Dockerfile` not a regular file"
        ]
    );
    assert!(spec.is_unresolved("env_file"));
}

#[test]
fn oversized_dockerfile_is_not_read() {
    let dir = scratch_dir("oversized");
    let mut text = String::from("FROM scratch\n");
    while text.len() <= 4 * 1024 * 1024 {
        text.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(dir.join("Dockerfile"), text).unwrap();
    let project = project_in("services:\n  app:\n    build: .\n", &dir, &[]);
    let (spec, problems) = service_spec(&project, &project.services[0]);
    assert!(spec.build.is_some());
    assert!(spec.image_defaults.is_none());
    assert_eq!(
        messages(&problems),
        vec!["dockerfile `Dockerfile` larger than 4 MiB, not read"]
    );
}

#[test]
fn services_sharing_a_dockerfile() {
    let text = "services:
  a:
    build: &b
      context: build
      dockerfile: Dockerfile.multistage
      target: app
  b:
    build: *b
  c:
    build:
      context: build
      dockerfile: Dockerfile.multistage
      target: bare
";
    let project = project_in(text, &fixtures(), &[]);
    let (specs, problems) = project_specs(&project);
    assert!(problems.is_empty(), "{:?}", messages(&problems));
    let users: Vec<Option<String>> = specs
        .iter()
        .map(|s| s.image_defaults.as_ref().unwrap().user.get().cloned())
        .collect();
    assert_eq!(
        users,
        vec![Some("1000".to_string()), Some("1000".to_string()), None]
    );
}

/// Regression: the v1 format creates named volumes on first use, so a named
/// volume without a top-level declaration is not a problem there (it is in the
/// current format).
#[test]
fn v1_named_volumes_need_no_declaration() {
    let (spec, problems) = convert("web:\n  image: redis:7\n  volumes:\n    - data:/data\n");
    assert!(problems.is_empty(), "{:?}", messages(&problems));
    assert_eq!(spec.mounts.len(), 1);
    assert_eq!(spec.mounts[0].value.source.as_deref(), Some("data"));
    assert_eq!(spec.mounts[0].value.host_path, None);
    let (_, problems) =
        convert("services:\n  web:\n    image: redis:7\n    volumes:\n      - data:/data\n");
    assert_eq!(messages(&problems), vec!["undefined volume `data`"]);
}
