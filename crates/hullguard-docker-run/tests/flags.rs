//! Every flag that changes the spec, in every spelling the CLI accepts, mapped to the
//! exact value and pointing at the exact text.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use hullguard_container::{
    Device, EnvVar, Healthcheck, MountKind, NsMode, Port, Restart, Seccomp, Setting, SourceKind,
    Ulimit,
};

#[test]
fn privileged_spellings() {
    for (line, want, at) in [
        ("docker run --privileged alpine", true, "--privileged"),
        (
            "docker run --privileged=true alpine",
            true,
            "--privileged=true",
        ),
        (
            "docker run --privileged=false alpine",
            false,
            "--privileged=false",
        ),
        ("docker run --privileged=1 alpine", true, "--privileged=1"),
        ("docker run --privileged=F alpine", false, "--privileged=F"),
        ("docker run '--privileged' alpine", true, "'--privileged'"),
    ] {
        let s = clean(line);
        assert_eq!(get(&s.privileged), want, "{line}");
        assert_eq!(at_text(&s.privileged), at, "{line}");
        assert_eq!(get(&s.image), "alpine", "{line}");
    }
    assert!(clean("docker run alpine").privileged.is_unset());
}

#[test]
fn privileged_false_as_separate_word_is_the_image() {
    // pflag: a boolean flag only takes `=value`; the next word is the image.
    let s = clean("docker run --privileged false");
    assert!(get(&s.privileged));
    assert_eq!(get(&s.image), "false");
}

#[test]
fn later_scalar_wins() {
    let s = clean("docker run --privileged --privileged=false -u root --user=1000 alpine");
    assert!(!get(&s.privileged));
    assert_eq!(get(&s.user), "1000");
    assert_eq!(at_text(&s.user), "1000");
}

#[test]
fn capabilities() {
    let s = clean(
        "docker run --cap-add=ALL --cap-add sys_admin --cap-add CAP_NET_RAW --cap-drop=all \
         --cap-drop cap_chown alpine",
    );
    assert_eq!(values(&s.cap_add), ["ALL", "SYS_ADMIN", "NET_RAW"]);
    assert_eq!(texts(&s.cap_add), ["ALL", "sys_admin", "CAP_NET_RAW"]);
    assert_eq!(values(&s.cap_drop), ["ALL", "CHOWN"]);
    assert_eq!(texts(&s.cap_drop), ["all", "cap_chown"]);
}

#[test]
fn security_opts() {
    let s = clean("docker run --security-opt seccomp=unconfined alpine");
    assert_eq!(get(&s.seccomp), Seccomp::Unconfined);
    assert_eq!(at_text(&s.seccomp), "seccomp=unconfined");
    let s = clean("docker run --security-opt=seccomp:unconfined alpine");
    assert_eq!(get(&s.seccomp), Seccomp::Unconfined);
    assert_eq!(at_text(&s.seccomp), "seccomp:unconfined");
    let s = clean("docker run --security-opt seccomp=/etc/profile.json alpine");
    assert_eq!(
        get(&s.seccomp),
        Seccomp::Profile("/etc/profile.json".into())
    );
    let s = clean("docker run --security-opt no-new-privileges alpine");
    assert!(get(&s.no_new_privileges));
    let s = clean("docker run --security-opt no-new-privileges:false alpine");
    assert!(!get(&s.no_new_privileges));
    let s = clean("docker run --security-opt=no-new-privileges=true alpine");
    assert!(get(&s.no_new_privileges));
    let s = clean("docker run --security-opt label=disable --security-opt label:type:spc_t alpine");
    assert_eq!(values(&s.selinux), ["disable", "type:spc_t"]);
    let s = clean("docker run --security-opt apparmor=unconfined alpine");
    assert_eq!(get(&s.apparmor), "unconfined");
    let s = clean("docker run --security-opt systempaths=unconfined alpine");
    assert_eq!(values(&s.other_security_opts), ["systempaths=unconfined"]);
}

#[test]
fn namespaces() {
    let s = clean(
        "docker run --pid host --ipc=host --uts host --network=host --userns host \
         --cgroupns=host alpine",
    );
    for (mode, at) in [
        (&s.pid, "host"),
        (&s.ipc, "host"),
        (&s.uts, "host"),
        (&s.network, "host"),
        (&s.userns, "host"),
        (&s.cgroupns, "host"),
    ] {
        assert_eq!(get(mode), NsMode::Host);
        assert_eq!(at_text(mode), at);
    }
    let s = clean("docker run --net container:db --pid=container:db --ipc shareable alpine");
    assert_eq!(get(&s.network), NsMode::Container("db".into()));
    assert_eq!(get(&s.pid), NsMode::Container("db".into()));
    assert_eq!(get(&s.ipc), NsMode::Shareable);
    let s = clean("docker run --network none --cgroupns private alpine");
    assert_eq!(get(&s.network), NsMode::None);
    assert_eq!(get(&s.cgroupns), NsMode::Private);
}

#[test]
fn networks_first_is_mode_rest_are_joined() {
    let s = clean("docker run --network front --network=name=back,alias=api --net third alpine");
    assert_eq!(get(&s.network), NsMode::Other("front".into()));
    assert_eq!(values(&s.networks), ["back", "third"]);
    assert_eq!(texts(&s.networks), ["name=back,alias=api", "third"]);
}

#[test]
fn volumes() {
    let s = clean("docker run -v /:/host:ro,rshared -v data:/data --volume=/var/run/docker.sock:/s -v/a:/b -v /anon alpine");
    let m: Vec<_> = values(&s.mounts);
    assert_eq!(m.len(), 5);
    assert_eq!(m[0].kind, MountKind::Bind);
    assert_eq!(m[0].source.as_deref(), Some("/"));
    assert_eq!(m[0].host_path.as_deref(), Some("/"));
    assert_eq!(m[0].target, "/host");
    assert!(m[0].read_only);
    assert_eq!(m[0].propagation.as_deref(), Some("rshared"));
    assert_eq!(m[1].kind, MountKind::Volume);
    assert_eq!(m[1].source.as_deref(), Some("data"));
    assert_eq!(m[1].host_path, None);
    assert_eq!(m[2].host_path.as_deref(), Some("/var/run/docker.sock"));
    assert_eq!(m[2].target, "/s");
    assert_eq!(m[3].host_path.as_deref(), Some("/a"));
    assert_eq!(m[3].target, "/b");
    assert_eq!(m[4].kind, MountKind::Volume);
    assert_eq!(m[4].source, None);
    assert_eq!(m[4].target, "/anon");
    assert_eq!(
        texts(&s.mounts),
        [
            "/:/host:ro,rshared",
            "data:/data",
            "/var/run/docker.sock:/s",
            "/a:/b",
            "/anon"
        ]
    );
}

#[test]
fn volume_driver_applies_to_volumes_of_dash_v() {
    let s = clean(
        "docker run -v data:/data -v /h:/h -v /anon --mount type=volume,dst=/m \
         --volume-driver convoy alpine",
    );
    let drivers: Vec<Option<String>> = s
        .mounts
        .iter()
        .map(|m| m.value.volume_driver.clone())
        .collect();
    assert_eq!(
        drivers,
        [Some("convoy".into()), None, Some("convoy".into()), None]
    );
}

#[test]
fn mounts_csv() {
    let s = clean(
        "docker run --mount type=bind,src=/,dst=/h --mount=type=bind,source=/etc,target=/e,readonly \
         --mount type=tmpfs,dst=/t,tmpfs-size=64m alpine",
    );
    let m = values(&s.mounts);
    assert_eq!(m[0].kind, MountKind::Bind);
    assert_eq!(m[0].host_path.as_deref(), Some("/"));
    assert_eq!(m[0].target, "/h");
    assert!(!m[0].read_only);
    assert_eq!(m[1].host_path.as_deref(), Some("/etc"));
    assert!(m[1].read_only);
    assert_eq!(m[2].kind, MountKind::Tmpfs);
    assert_eq!(m[2].tmpfs_options, ["size=64m"]);
    assert_eq!(
        texts(&s.mounts),
        [
            "type=bind,src=/,dst=/h",
            "type=bind,source=/etc,target=/e,readonly",
            "type=tmpfs,dst=/t,tmpfs-size=64m"
        ]
    );
}

#[test]
fn tmpfs() {
    let s = clean("docker run --tmpfs /run:rw,noexec,nosuid,size=65536k --tmpfs=/tmp alpine");
    let m = values(&s.mounts);
    assert_eq!(m[0].kind, MountKind::Tmpfs);
    assert_eq!(m[0].target, "/run");
    assert_eq!(
        m[0].tmpfs_options,
        ["rw", "noexec", "nosuid", "size=65536k"]
    );
    assert_eq!(m[1].target, "/tmp");
    assert!(m[1].tmpfs_options.is_empty());
    assert_eq!(
        texts(&s.mounts),
        ["/run:rw,noexec,nosuid,size=65536k", "/tmp"]
    );
}

#[test]
fn read_only_and_publish_all() {
    let s = clean("docker run --read-only -P alpine");
    assert!(get(&s.read_only));
    assert!(get(&s.publish_all));
    let s = clean("docker run --read-only=false --publish-all=true alpine");
    assert!(!get(&s.read_only));
    assert!(get(&s.publish_all));
    assert_eq!(at_text(&s.publish_all), "--publish-all=true");
}

#[test]
fn ports() {
    let s = clean(
        "docker run -p 80:80 -p127.0.0.1:8080:80/udp --publish=[::1]:443:443 -p=53:53/udp \
         --publish 3000 alpine",
    );
    let p = values(&s.ports);
    assert_eq!(
        p[0],
        Port {
            host_ip: None,
            host_port: Some((80, 80)),
            container_port: (80, 80),
            protocol: "tcp".into()
        }
    );
    assert_eq!(p[1].host_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(p[1].host_port, Some((8080, 8080)));
    assert_eq!(p[1].protocol, "udp");
    assert_eq!(p[2].host_ip.as_deref(), Some("::1"));
    assert_eq!(p[3].container_port, (53, 53));
    assert_eq!(p[4].host_port, None);
    assert_eq!(
        texts(&s.ports),
        [
            "80:80",
            "127.0.0.1:8080:80/udp",
            "[::1]:443:443",
            "53:53/udp",
            "3000"
        ]
    );
}

#[test]
fn restart() {
    let s = clean("docker run --restart always alpine");
    assert_eq!(
        get(&s.restart),
        Restart {
            policy: "always".into(),
            max_retries: None
        }
    );
    let s = clean("docker run --restart=on-failure:5 alpine");
    assert_eq!(
        get(&s.restart),
        Restart {
            policy: "on-failure".into(),
            max_retries: Some(5)
        }
    );
    assert_eq!(at_text(&s.restart), "on-failure:5");
}

#[test]
fn user_and_groups() {
    let s = clean("docker run -uroot --group-add docker --group-add=0 alpine");
    assert_eq!(get(&s.user), "root");
    assert_eq!(at_text(&s.user), "root");
    assert_eq!(values(&s.group_add), ["docker", "0"]);
    let s = clean("docker run -u 1000:1000 alpine");
    assert_eq!(get(&s.user), "1000:1000");
    let s = clean("docker run --user= alpine");
    assert_eq!(get(&s.user), "");
}

#[test]
fn environment() {
    let s = clean(
        "docker run -e K=V --env=A=b=c -e HOME -eX=1 --env 'P=a b' --env-file ./env \
         --env-file=/etc/e alpine",
    );
    let e = values(&s.env);
    assert_eq!(
        e,
        [
            EnvVar {
                name: "K".into(),
                value: Some("V".into())
            },
            EnvVar {
                name: "A".into(),
                value: Some("b=c".into())
            },
            EnvVar {
                name: "HOME".into(),
                value: None
            },
            EnvVar {
                name: "X".into(),
                value: Some("1".into())
            },
            EnvVar {
                name: "P".into(),
                value: Some("a b".into())
            },
        ]
    );
    assert_eq!(texts(&s.env), ["K=V", "A=b=c", "HOME", "X=1", "'P=a b'"]);
    assert_eq!(values(&s.env_files), ["./env", "/etc/e"]);
}

#[test]
fn healthchecks() {
    let s =
        clean("docker run --health-cmd 'curl -f http://localhost/' --health-interval 5s alpine");
    assert_eq!(
        get(&s.healthcheck),
        Healthcheck {
            disabled: false,
            test: vec!["CMD-SHELL".into(), "curl -f http://localhost/".into()]
        }
    );
    assert_eq!(at_text(&s.healthcheck), "'curl -f http://localhost/'");
    let s = clean("docker run --no-healthcheck alpine");
    assert_eq!(
        get(&s.healthcheck),
        Healthcheck {
            disabled: true,
            test: vec!["NONE".into()]
        }
    );
    assert_eq!(at_text(&s.healthcheck), "--no-healthcheck");
    assert!(clean("docker run --no-healthcheck=false alpine")
        .healthcheck
        .is_unset());
    assert!(clean("docker run --health-retries 3 alpine")
        .healthcheck
        .is_unset());
    assert!(clean("docker run --health-cmd= alpine")
        .healthcheck
        .is_unset());
}

#[test]
fn memory_and_cpu() {
    let s = clean(
        "docker run -m 512m --memory-swap=-1 --memory-reservation 1g --cpus 1.5 -c 512 \
         --cpu-quota=50000 --cpu-period 100000 --cpuset-cpus 0-3 --pids-limit -1 \
         --blkio-weight 300 --oom-score-adj=-500 alpine",
    );
    assert_eq!(get(&s.memory), 512 << 20);
    assert_eq!(at_text(&s.memory), "512m");
    assert_eq!(get(&s.memory_swap), -1);
    assert_eq!(get(&s.memory_reservation), 1 << 30);
    assert_eq!(get(&s.nano_cpus), 1_500_000_000);
    assert_eq!(get(&s.cpu_shares), 512);
    assert_eq!(get(&s.cpu_quota), 50_000);
    assert_eq!(get(&s.cpu_period), 100_000);
    assert_eq!(get(&s.cpuset_cpus), "0-3");
    assert_eq!(get(&s.pids_limit), -1);
    assert_eq!(get(&s.blkio_weight), 300);
    assert_eq!(get(&s.oom_score_adj), -500);
    let s = clean("docker run --memory=1GB -m2g --cpu-shares=0x400 alpine");
    assert_eq!(get(&s.memory), 2 << 30);
    assert_eq!(at_text(&s.memory), "2g");
    assert_eq!(get(&s.cpu_shares), 1024);
}

#[test]
fn ulimits_devices_sysctls() {
    let s = clean(
        "docker run --ulimit nofile=1024:2048 --ulimit=nproc=10 --device /dev/sda:/dev/xvda:r \
         --device=/dev/mem --device-cgroup-rule 'c 1:3 mr' --sysctl net.ipv4.ip_forward=1 \
         --sysctl=kernel.shm_rmid_forced=1 alpine",
    );
    assert_eq!(
        values(&s.ulimits),
        [
            Ulimit {
                name: "nofile".into(),
                soft: 1024,
                hard: 2048
            },
            Ulimit {
                name: "nproc".into(),
                soft: 10,
                hard: 10
            },
        ]
    );
    assert_eq!(
        values(&s.devices),
        [
            Device {
                host: "/dev/sda".into(),
                container: "/dev/xvda".into(),
                permissions: "r".into()
            },
            Device {
                host: "/dev/mem".into(),
                container: "/dev/mem".into(),
                permissions: "rwm".into()
            },
        ]
    );
    assert_eq!(values(&s.device_cgroup_rules), ["c 1:3 mr"]);
    assert_eq!(
        values(&s.sysctls),
        [
            ("net.ipv4.ip_forward".to_owned(), "1".to_owned()),
            ("kernel.shm_rmid_forced".to_owned(), "1".to_owned())
        ]
    );
    assert_eq!(
        texts(&s.sysctls),
        ["net.ipv4.ip_forward=1", "kernel.shm_rmid_forced=1"]
    );
}

#[test]
fn runtime_and_misc_scalars() {
    let s = clean(
        "docker run --runtime runsc --init --oom-kill-disable --cgroup-parent=/custom \
         --log-driver none --name web alpine",
    );
    assert_eq!(get(&s.runtime), "runsc");
    assert!(get(&s.init));
    assert!(get(&s.oom_kill_disable));
    assert_eq!(get(&s.cgroup_parent), "/custom");
    assert_eq!(get(&s.log_driver), "none");
    assert_eq!(s.name, "web");
    let s = clean("docker run --init=false --oom-kill-disable=false alpine");
    assert!(!get(&s.init));
    assert!(!get(&s.oom_kill_disable));
}

#[test]
fn use_api_socket_mounts_the_socket() {
    let s = clean("docker run --use-api-socket alpine");
    let m = values(&s.mounts);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].kind, MountKind::Bind);
    assert_eq!(m[0].host_path.as_deref(), Some("/var/run/docker.sock"));
    assert_eq!(m[0].target, "/var/run/docker.sock");
    assert_eq!(texts(&s.mounts), ["--use-api-socket"]);
    assert!(clean("docker run --use-api-socket=false alpine")
        .mounts
        .is_empty());
}

#[test]
fn spec_identity() {
    let (_, c) = one("docker run nginx:1.25");
    assert_eq!(c.spec.source, SourceKind::DockerRun);
    assert_eq!(c.spec.kind, "command");
    assert_eq!(c.spec.name, "docker run nginx:1.25");
    assert_eq!(text_at(&c.spec.at), "docker");
    assert!(c.spec.image_defaults.is_none());
    assert_eq!(clean("docker create --name db postgres").name, "db");
    assert_eq!(
        clean("docker container create postgres").name,
        "docker create postgres"
    );
    assert_eq!(clean("podman run alpine").name, "podman run alpine");
}

#[test]
fn ignored_flags_still_take_their_values() {
    // Each of these takes a value: the word after it must not become the image.
    for flag in [
        "--add-host",
        "--annotation",
        "-a",
        "--attach",
        "--blkio-weight-device",
        "--cidfile",
        "--cpu-count",
        "--cpu-percent",
        "--cpu-rt-period",
        "--cpu-rt-runtime",
        "--cpuset-mems",
        "--detach-keys",
        "--device-read-bps",
        "--device-read-iops",
        "--device-write-bps",
        "--device-write-iops",
        "--dns",
        "--dns-option",
        "--dns-opt",
        "--dns-search",
        "--domainname",
        "--entrypoint",
        "--expose",
        "--gpus",
        "--health-interval",
        "--health-retries",
        "--health-start-interval",
        "--health-start-period",
        "--health-timeout",
        "-h",
        "--hostname",
        "--io-maxbandwidth",
        "--io-maxiops",
        "--ip",
        "--ip6",
        "--isolation",
        "--kernel-memory",
        "-l",
        "--label",
        "--label-file",
        "--link",
        "--link-local-ip",
        "--log-opt",
        "--mac-address",
        "--memory-swappiness",
        "--network-alias",
        "--net-alias",
        "--platform",
        "--pull",
        "--shm-size",
        "--stop-signal",
        "--stop-timeout",
        "--storage-opt",
        "-w",
        "--workdir",
    ] {
        let s = clean(&format!("docker run {flag} x alpine"));
        assert_eq!(get(&s.image), "alpine", "{flag}");
    }
    // And these are booleans: the next word is the image.
    for flag in [
        "-d",
        "--detach",
        "--disable-content-trust",
        "-i",
        "--interactive",
        "-q",
        "--quiet",
        "--rm",
        "--sig-proxy",
        "-t",
        "--tty",
    ] {
        let s = clean(&format!("docker run {flag} alpine"));
        assert_eq!(get(&s.image), "alpine", "{flag}");
    }
}

#[test]
fn help_creates_nothing() {
    let (_, s) = scan("docker run --help; docker --help run; docker run -h host alpine");
    assert_eq!(s.commands.len(), 1);
    assert_eq!(get(&s.commands[0].spec.image), "alpine");
}

#[test]
fn podman_flags() {
    let s =
        clean("podman run --pod mypod --secret db_pass,type=env --rootfs --systemd=always alpine");
    assert_eq!(get(&s.image), "alpine");
    assert_eq!(values(&s.secrets), ["db_pass"]);
    let s = clean("podman create --userns=keep-id --privileged alpine");
    assert_eq!(get(&s.userns), NsMode::Other("keep-id".into()));
    assert!(get(&s.privileged));
    // Podman-only flags are unknown to docker.
    let (_, c) = one("docker run --pod mypod alpine");
    assert_eq!(messages(&c), ["unknown flag `--pod` for `docker run`"]);
}

#[test]
fn unset_by_default() {
    let s = clean("docker run alpine");
    assert!(matches!(s.user, Setting::Unset));
    assert!(s.mounts.is_empty() && s.ports.is_empty() && s.cap_add.is_empty());
    assert!(s.unresolved.is_empty());
    assert!(s.memory.is_unset() && s.network.is_unset() && s.healthcheck.is_unset());
}
