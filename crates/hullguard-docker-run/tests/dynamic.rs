//! Words only known at run time: values become unknown or unresolved, and words that
//! may hold flags are reported and mark the whole spec.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use hullguard_container::{ContainerSpec, EnvVar, Setting};
use hullguard_docker_run::{HIDDEN_FLAGS, LIST_FIELDS};

fn assert_unknown<T: std::fmt::Debug>(s: &Setting<T>, at: &str) {
    assert!(s.is_unknown(), "{s:?}");
    assert_eq!(at_text(s), at);
}

/// Every list field (and the marker) is unresolved at `at`; unset scalars are unknown.
fn assert_marked(s: &ContainerSpec, at: &str) {
    let mut want: Vec<&str> = LIST_FIELDS.to_vec();
    want.push(HIDDEN_FLAGS);
    let mut got: Vec<&str> = s
        .unresolved
        .iter()
        .filter(|u| text_at(&u.at) == at)
        .map(|u| u.value)
        .collect();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);
    assert!(s.is_unresolved("cap_drop") && s.is_unresolved("mounts"));
    for (name, unknown) in [
        ("user", s.user.is_unknown()),
        ("privileged", s.privileged.is_unknown()),
        ("pid", s.pid.is_unknown()),
        ("network", s.network.is_unknown()),
        ("userns", s.userns.is_unknown()),
        ("read_only", s.read_only.is_unknown()),
        ("seccomp", s.seccomp.is_unknown()),
        ("no_new_privileges", s.no_new_privileges.is_unknown()),
        ("pids_limit", s.pids_limit.is_unknown()),
        ("restart", s.restart.is_unknown()),
        ("healthcheck", s.healthcheck.is_unknown()),
        ("log_driver", s.log_driver.is_unknown()),
    ] {
        assert!(unknown, "{name} should be unknown");
    }
}

const HIDES: &str =
    "may hold flags only known at run time: settings it could change are treated as unknown";

#[test]
fn dynamic_list_values_are_unresolved() {
    for (line, field, at) in [
        (
            "docker run -v \"$PWD\":/src alpine",
            "mounts",
            "\"$PWD\":/src",
        ),
        (
            "docker run --mount \"type=bind,src=$D,dst=/d\" alpine",
            "mounts",
            "\"type=bind,src=$D,dst=/d\"",
        ),
        ("docker run --tmpfs $T alpine", "mounts", "$T"),
        ("docker run --cap-add=$CAP alpine", "cap_add", "$CAP"),
        (
            "docker run --cap-drop \"$(caps)\" alpine",
            "cap_drop",
            "\"$(caps)\"",
        ),
        (
            "docker run -p \"${PORT}:80\" alpine",
            "ports",
            "\"${PORT}:80\"",
        ),
        ("docker run -p${PORT}:80 alpine", "ports", "${PORT}:80"),
        ("docker run -e \"$X\" alpine", "env", "\"$X\""),
        ("docker run -e$X alpine", "env", "$X"),
        ("docker run --device $DEV alpine", "devices", "$DEV"),
        (
            "docker run --ulimit nofile=$N alpine",
            "ulimits",
            "nofile=$N",
        ),
        ("docker run --sysctl net.x=$V alpine", "sysctls", "net.x=$V"),
        (
            "docker run --group-add `id -g` alpine",
            "group_add",
            "`id -g`",
        ),
        ("docker run --env-file $ENV alpine", "env_files", "$ENV"),
        (
            "docker run --device-cgroup-rule \"$R\" alpine",
            "device_cgroup_rules",
            "\"$R\"",
        ),
        (
            "docker run -v /data/*.conf:/x alpine",
            "mounts",
            "/data/*.conf:/x",
        ),
        (
            "docker run -v /srv/{a,b}:/x alpine",
            "mounts",
            "/srv/{a,b}:/x",
        ),
        (
            "docker run --network a --network \"$N\" alpine",
            "networks",
            "\"$N\"",
        ),
        (
            "docker run --security-opt \"label=$L\" alpine",
            "selinux",
            "\"label=$L\"",
        ),
    ] {
        let (_, c) = one(line);
        assert!(c.problems.is_empty(), "{line}: {:?}", messages(&c));
        assert_eq!(unresolved(&c.spec), [field], "{line}");
        assert_eq!(text_at(&c.spec.unresolved[0].at), at, "{line}");
        assert_eq!(get(&c.spec.image), "alpine", "{line}");
    }
}

#[test]
fn dynamic_scalar_values_are_unknown() {
    let s = clean(
        "docker run --memory \"$MEM\" --privileged=$P -u $(id -u) --pid=$PID --restart \"$R\" \
         --cpus ${CPUS:-1} --pids-limit $((n * 2)) --health-cmd \"$HC\" --network $NET \
         --runtime $RT alpine",
    );
    assert_unknown(&s.memory, "\"$MEM\"");
    assert_unknown(&s.privileged, "--privileged=$P");
    assert_unknown(&s.user, "$(id -u)");
    assert_unknown(&s.pid, "$PID");
    assert_unknown(&s.restart, "\"$R\"");
    assert_unknown(&s.nano_cpus, "${CPUS:-1}");
    assert_unknown(&s.pids_limit, "$((n * 2))");
    assert_unknown(&s.healthcheck, "\"$HC\"");
    assert_unknown(&s.network, "$NET");
    assert_unknown(&s.runtime, "$RT");
    assert!(s.unresolved.is_empty());
}

#[test]
fn env_with_a_static_name_keeps_the_name() {
    let s = clean("docker run -e \"TOKEN=$TOKEN\" --env=DB_PASS=$(cat /run/pw) alpine");
    assert_eq!(
        values(&s.env),
        [
            EnvVar {
                name: "TOKEN".into(),
                value: None
            },
            EnvVar {
                name: "DB_PASS".into(),
                value: None
            },
        ]
    );
    assert_eq!(
        texts(&s.env),
        ["\"TOKEN=$TOKEN\"", "DB_PASS=$(cat /run/pw)"]
    );
    assert!(s.unresolved.is_empty());
}

#[test]
fn dynamic_security_opts() {
    let s = clean("docker run --security-opt \"seccomp=$PROFILE\" alpine");
    assert_unknown(&s.seccomp, "\"seccomp=$PROFILE\"");
    assert!(s.apparmor.is_unset());
    let s = clean("docker run --security-opt $SEC alpine");
    assert_unknown(&s.seccomp, "$SEC");
    assert_unknown(&s.apparmor, "$SEC");
    assert_unknown(&s.no_new_privileges, "$SEC");
    assert_eq!(unresolved(&s), ["selinux", "other_security_opts"]);
}

#[test]
fn dynamic_name_and_volume_driver() {
    let (_, c) = one("docker run --name \"$NAME\" --volume-driver $D -v data:/d -v /h:/h alpine");
    assert!(c.problems.is_empty());
    assert_eq!(c.spec.name, "$NAME");
    assert_eq!(unresolved(&c.spec), ["mounts"]);
    assert_eq!(text_at(&c.spec.unresolved[0].at), "$D");
}

#[test]
fn dynamic_images() {
    for (line, at, name) in [
        (
            "docker run --rm \"$IMAGE\"",
            "\"$IMAGE\"",
            "docker run $IMAGE",
        ),
        (
            "docker run --rm \"$IMAGE\" sh -c 'id'",
            "\"$IMAGE\"",
            "docker run $IMAGE",
        ),
        (
            "docker run -d ${APP_IMG} --verbose",
            "${APP_IMG}",
            "docker run ${APP_IMG}",
        ),
        (
            "docker run $REGISTRY/app:$TAG serve",
            "$REGISTRY/app:$TAG",
            "docker run $REGISTRY/app:$TAG",
        ),
        (
            "docker run \"${NAME}:1.2\" serve",
            "\"${NAME}:1.2\"",
            "docker run ${NAME}:1.2",
        ),
        (
            "docker run myapp:$TAG serve",
            "myapp:$TAG",
            "docker run myapp:$TAG",
        ),
        ("docker run -d $1", "$1", "docker run $1"),
        (
            "docker run --rm $(image_of web)",
            "$(image_of web)",
            "docker run $(image_of web)",
        ),
        ("docker run -- $X --privileged", "$X", "docker run $X"),
    ] {
        let (f, c) = one(line);
        assert!(c.problems.is_empty(), "{line}: {:?}", messages(&c));
        assert_unknown(&c.spec.image, at);
        assert_eq!(c.image.unwrap().text(&f.text), at, "{line}");
        assert_eq!(c.spec.name, name, "{line}");
        assert!(c.spec.unresolved.is_empty(), "{line}");
        assert!(c.spec.privileged.is_unset(), "{line}");
    }
}

#[test]
fn words_that_may_hold_flags() {
    for (line, hidden, image) in [
        ("docker run $OPTS alpine", "$OPTS", Some("alpine")),
        ("docker run \"$@\"", "\"$@\"", None),
        (
            "docker run --rm \"${ARGS[@]}\" alpine",
            "\"${ARGS[@]}\"",
            Some("alpine"),
        ),
        ("docker run $DOCKER_ARGS", "$DOCKER_ARGS", None),
        (
            "docker run $EXTRA_FLAGS alpine id",
            "$EXTRA_FLAGS",
            Some("alpine"),
        ),
        ("docker run -d \"$X\" sh", "\"$X\"", Some("sh")),
        (
            "docker run $(docker_flags) alpine",
            "$(docker_flags)",
            Some("alpine"),
        ),
        ("docker run -it$X alpine", "-it$X", Some("alpine")),
        ("docker run -$X alpine", "-$X", Some("alpine")),
        ("docker run --$FLAG alpine", "--$FLAG", Some("alpine")),
        (
            "docker run --cap-$WHAT=ALL alpine",
            "--cap-$WHAT=ALL",
            Some("alpine"),
        ),
    ] {
        let (_, c) = one(line);
        assert_eq!(messages(&c), [format!("`{hidden}` {HIDES}")], "{line}");
        assert_eq!(text_at(&c.problems[0].at), hidden, "{line}");
        assert_marked(&c.spec, hidden);
        match image {
            Some(i) => assert_eq!(get(&c.spec.image), i, "{line}"),
            None => assert_unknown(&c.spec.image, hidden),
        }
    }
}

#[test]
fn static_flags_around_hidden_ones_stay_known() {
    let (_, c) = one("docker run --memory 1g $OPTS --privileged -v /:/h alpine");
    assert_eq!(messages(&c).len(), 1);
    let s = &c.spec;
    assert_eq!(get(&s.memory), 1 << 30);
    assert!(get(&s.privileged));
    assert_eq!(texts(&s.mounts), ["/:/h"]);
    assert_eq!(get(&s.image), "alpine");
    assert!(s.is_unresolved("mounts"));
    assert!(s.is_unresolved(HIDDEN_FLAGS));
    assert!(s.user.is_unknown());
}

#[test]
fn quoted_literals_are_static() {
    let s = clean("docker run -e 'A=$HOME' --name '*' -v '/a b:/c' \"al\"'pine'");
    assert_eq!(
        values(&s.env),
        [EnvVar {
            name: "A".into(),
            value: Some("$HOME".into())
        }]
    );
    assert_eq!(s.name, "*");
    assert_eq!(values(&s.mounts)[0].source.as_deref(), Some("/a b"));
    assert_eq!(get(&s.image), "alpine");
}

#[test]
fn tilde_is_kept_as_a_host_path() {
    let s = clean("docker run -v ~/.ssh:/root/.ssh:ro alpine");
    let m = values(&s.mounts);
    assert_eq!(m[0].host_path.as_deref(), Some("~/.ssh"));
    assert!(m[0].read_only);
}
