//! How command lines are read: pflag rules, the image and its command, global options,
//! subcommands, wrappers, and commands that are not containers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use hullguard_container::{EnvVar, NsMode, Setting};

#[test]
fn combined_shorthands() {
    let s = clean("docker run -itd -P alpine");
    assert!(get(&s.publish_all));
    assert_eq!(get(&s.image), "alpine");
    let s = clean("docker run -dp 80:80 alpine");
    assert_eq!(texts(&s.ports), ["80:80"]);
    let s = clean("docker run -itp8080:80 alpine");
    assert_eq!(values(&s.ports)[0].host_port, Some((8080, 8080)));
    assert_eq!(texts(&s.ports), ["8080:80"]);
    let s = clean("docker run -p80:80 -uroot -eK=V -v/a:/b -m1g alpine");
    assert_eq!(texts(&s.ports), ["80:80"]);
    assert_eq!(get(&s.user), "root");
    assert_eq!(
        values(&s.env),
        [EnvVar {
            name: "K".into(),
            value: Some("V".into())
        }]
    );
    assert_eq!(values(&s.mounts)[0].target, "/b");
    assert_eq!(get(&s.memory), 1 << 30);
    // `-P=false`: a shorthand boolean with `=value`.
    let s = clean("docker run -P=false -d=true alpine");
    assert!(!get(&s.publish_all));
    // `-p=80:80`: `=` after a shorthand is dropped.
    let s = clean("docker run -p=80:80 alpine");
    assert_eq!(texts(&s.ports), ["80:80"]);
}

#[test]
fn value_flag_takes_next_word_even_if_it_looks_like_a_flag() {
    let s = clean("docker run --name --privileged alpine");
    assert_eq!(s.name, "--privileged");
    assert!(s.privileged.is_unset());
    let s = clean("docker run -u -1 alpine");
    assert_eq!(get(&s.user), "-1");
}

#[test]
fn image_and_command_split() {
    // Flags after the image are the container's command, not docker's flags.
    let s = clean("docker run -d alpine --privileged -v /:/host sh -c 'id'");
    assert_eq!(get(&s.image), "alpine");
    assert!(s.privileged.is_unset());
    assert!(s.mounts.is_empty());
    let s = clean("docker run --rm -- --privileged");
    assert_eq!(get(&s.image), "--privileged");
    assert!(s.privileged.is_unset());
    let (f, c) = one("docker run --rm -- alpine -v /:/h");
    assert_eq!(get(&c.spec.image), "alpine");
    assert!(c.spec.mounts.is_empty());
    assert_eq!(c.flags_end.unwrap().text(&f.text), "--");
    assert_eq!(c.image.unwrap().text(&f.text), "alpine");
    assert_eq!(one("docker run --rm alpine -- x").1.flags_end, None);
    let s = clean("docker run - ");
    assert_eq!(get(&s.image), "-");
}

#[test]
fn image_word_and_spans() {
    let text = "sudo docker run --rm -v /:/host:ro registry.example.com/app:1.2 sh";
    let (f, c) = one(text);
    assert_eq!(c.span.text(&f.text), text);
    assert_eq!(
        c.image.unwrap().text(&f.text),
        "registry.example.com/app:1.2"
    );
    assert_eq!(get(&c.spec.image), "registry.example.com/app:1.2");
    assert_eq!(at_text(&c.spec.image), "registry.example.com/app:1.2");
    assert_eq!(text_at(&c.spec.at), "docker");
}

#[test]
fn value_spans_point_at_values() {
    let (_, c) = one(
        "docker run --cap-add=SYS_ADMIN -p127.0.0.1:80:80 --security-opt=\"seccomp=unconfined\" \
         -v \"$HOME\":/h '--name=x y' --pid=host -e'K=V' alpine",
    );
    let s = &c.spec;
    assert_eq!(texts(&s.cap_add), ["SYS_ADMIN"]);
    assert_eq!(texts(&s.ports), ["127.0.0.1:80:80"]);
    assert_eq!(at_text(&s.seccomp), "\"seccomp=unconfined\"");
    assert_eq!(text_at(&s.unresolved[0].at), "\"$HOME\":/h");
    assert_eq!(s.name, "x y");
    assert_eq!(at_text(&s.pid), "host");
    assert_eq!(texts(&s.env), ["'K=V'"]);
}

#[test]
fn spans_inside_sh_c_strings() {
    // A verbatim (single-quoted) string: spans are exact.
    let (f, c) = one("sh -c 'docker run --privileged -v /:/h alpine id'");
    assert_eq!(
        c.span.text(&f.text),
        "docker run --privileged -v /:/h alpine id"
    );
    assert_eq!(at_text(&c.spec.privileged), "--privileged");
    assert_eq!(texts(&c.spec.mounts), ["/:/h"]);
    assert_eq!(c.image.unwrap().text(&f.text), "alpine");
    // An unescaped string: words have no exact place; everything points at the string,
    // and there is no place to insert flags before the image.
    let text = r#"bash -c "docker run -e A=\"b\" --privileged alpine""#;
    let (f, c) = one(text);
    let whole = r#""docker run -e A=\"b\" --privileged alpine""#;
    assert_eq!(c.span.text(&f.text), whole);
    assert!(get(&c.spec.privileged));
    assert_eq!(at_text(&c.spec.privileged), whole);
    assert_eq!(
        values(&c.spec.env),
        [EnvVar {
            name: "A".into(),
            value: Some("b".into())
        }]
    );
    assert_eq!(c.image, None);
}

#[test]
fn global_options_before_the_subcommand() {
    for line in [
        "docker -H tcp://x:2376 --context c --tls run --privileged alpine",
        "docker --log-level debug container run --privileged alpine",
        "docker --host=unix:///var/run/docker.sock -D --tlsverify --tlscacert ca.pem run --privileged alpine",
        "docker -l info -c ctx --config /tmp/cfg run --privileged alpine",
        "docker $DOCKER_OPTS run --privileged alpine",
        "podman --remote --url ssh://x run --privileged alpine",
        "podman --root /r --storage-driver overlay container create --privileged alpine",
    ] {
        let (_, c) = one(line);
        assert!(c.problems.is_empty(), "{line}: {:?}", messages(&c));
        assert!(get(&c.spec.privileged), "{line}");
        assert_eq!(get(&c.spec.image), "alpine", "{line}");
    }
    let (_, c) = one("docker --bogus run alpine");
    assert_eq!(messages(&c), ["unknown global flag `--bogus` for `docker`"]);
    assert_eq!(get(&c.spec.image), "alpine");
    let (_, c) = one("docker --bogus value run alpine");
    assert_eq!(get(&c.spec.image), "alpine");
}

#[test]
fn subcommands() {
    for (line, create) in [
        ("docker run a", false),
        ("docker create a", true),
        ("docker container run a", false),
        ("docker container create a", true),
        ("podman run a", false),
        ("podman create a", true),
        ("podman container run a", false),
        ("/usr/bin/docker run a", false),
        ("/usr/local/bin/podman create a", true),
    ] {
        let (_, c) = one(line);
        let sub = if create { "create" } else { "run" };
        assert!(
            c.spec.name.ends_with(&format!("{sub} a")),
            "{line}: {}",
            c.spec.name
        );
        assert_eq!(get(&c.spec.image), "a");
    }
}

#[test]
fn wrappers() {
    for line in [
        "sudo docker run --privileged alpine",
        "sudo -E -u root docker run --privileged alpine",
        "exec docker run --privileged alpine",
        "env X=1 docker run --privileged alpine",
        "command docker run --privileged alpine",
        "X=1 docker run --privileged alpine",
        "nohup docker run --privileged alpine &",
        "time docker run --privileged alpine",
        "timeout 60 docker run --privileged alpine",
    ] {
        let (f, c) = one(line);
        assert!(get(&c.spec.privileged), "{line}");
        assert_eq!(text_at(&c.spec.at), "docker", "{line}");
        assert!(
            line.starts_with(c.span.text(&f.text).trim_end_matches(" &")),
            "{line}"
        );
    }
}

#[test]
fn not_containers() {
    for line in [
        "docker compose run web",
        "docker-compose run web",
        "docker exec -it c sh",
        "docker build -t x .",
        "docker ps",
        "docker container ls",
        "docker container exec c id",
        "docker image rm x",
        "docker --version",
        "docker -v run alpine",
        "docker",
        "docker container",
        "echo docker run --privileged alpine",
        "command -v docker run",
        "docker pull alpine && docker push x",
        "podman pod create",
        "nerdctl-ish run alpine",
        "\"$DOCKER\" run alpine",
    ] {
        let (_, s) = scan(line);
        assert!(s.commands.is_empty(), "{line}: {:#?}", s.commands);
    }
}

#[test]
fn missing_image_is_a_problem() {
    let (_, c) = one("docker run --rm -it");
    assert_eq!(messages(&c), ["no image: `docker run` needs one"]);
    assert!(c.spec.image.is_unset());
    assert_eq!(c.image, None);
    assert_eq!(c.spec.name, "docker run");
    let (_, c) = one("docker run --rm --name");
    assert_eq!(
        messages(&c),
        [
            "flag `--name` needs a value",
            "no image: `docker run` needs one"
        ]
    );
}

#[test]
fn unknown_flags() {
    let (_, c) = one("docker run --bogus --privileged alpine");
    assert_eq!(messages(&c), ["unknown flag `--bogus` for `docker run`"]);
    assert_eq!(text_at(&c.problems[0].at), "--bogus");
    assert!(get(&c.spec.privileged));
    assert_eq!(get(&c.spec.image), "alpine");
    let (_, c) = one("docker run --bogus=1 -Zd alpine");
    assert_eq!(
        messages(&c),
        [
            "unknown flag `--bogus` for `docker run`",
            "unknown shorthand flag `-Z` in `-Zd` for `docker run`"
        ]
    );
    assert_eq!(get(&c.spec.image), "alpine");
    let (_, c) = one("docker run ---x --=y alpine");
    assert_eq!(
        messages(&c),
        ["bad flag syntax `---x`", "bad flag syntax `--=y`"]
    );
    let (_, c) = one("podman run --bogus alpine");
    assert_eq!(messages(&c), ["unknown flag `--bogus` for `podman run`"]);
}

#[test]
fn bad_values() {
    let (_, c) = one(
        "docker run --privileged=maybe -p x:80 -m lots --cpus many --restart sometimes \
         -v /a:/b:bogus --ulimit nofile --device '' --sysctl kernel.x --cpu-shares 1.5 \
         --blkio-weight 70000 --mount type=bind,src=/ -e =x --cap-add= --network alias=x alpine",
    );
    assert_eq!(
        messages(&c),
        [
            "invalid value `maybe` for `--privileged`: true or false expected",
            "invalid port `x:80`: bad host port",
            "invalid size `lots`",
            "invalid CPU count `many`",
            "invalid restart policy `sometimes`",
            "invalid volume specification `/a:/b:bogus`: unknown option `bogus`",
            "invalid ulimit `nofile`: NAME=SOFT[:HARD] expected",
            "invalid device ``: empty host path",
            "invalid sysctl `kernel.x`: NAME=VALUE expected",
            "invalid value `1.5` for `--cpu-shares`: integer expected",
            "invalid value `70000` for `--blkio-weight`: 0 to 65535 expected",
            "`--mount type=bind,src=/` has no target",
            "invalid environment variable `=x`",
            "empty capability for `--cap-add`",
            "invalid network `alias=x`: no `name=`",
        ]
    );
    let s = &c.spec;
    assert!(s.privileged.is_unknown());
    assert_eq!(at_text(&s.privileged), "--privileged=maybe");
    assert_eq!(text_at(&c.problems[0].at), "maybe");
    assert!(s.memory.is_unknown());
    assert!(s.nano_cpus.is_unknown());
    assert!(s.restart.is_unknown());
    assert!(s.cpu_shares.is_unknown());
    assert!(s.blkio_weight.is_unknown());
    assert!(s.network.is_unknown());
    assert!(s.ports.is_empty() && s.mounts.is_empty() && s.cap_add.is_empty());
    assert_eq!(
        unresolved(s),
        ["ports", "mounts", "ulimits", "devices", "sysctls", "mounts", "env", "cap_add"]
    );
    assert_eq!(text_at(&c.problems[1].at), "x:80");
    assert_eq!(get(&s.image), "alpine");
}

#[test]
fn healthcheck_conflict() {
    let (_, c) = one("docker run --no-healthcheck --health-cmd true alpine");
    assert_eq!(
        messages(&c),
        ["`--no-healthcheck` conflicts with the `--health-*` options"]
    );
    assert!(get(&c.spec.healthcheck).disabled);
}

#[test]
fn volumes_from_leaves_mounts_unresolved() {
    let (_, c) = one("docker run --volumes-from data alpine");
    assert!(c.problems.is_empty());
    assert_eq!(unresolved(&c.spec), ["mounts"]);
    assert_eq!(text_at(&c.spec.unresolved[0].at), "data");
}

#[test]
fn networks_keep_other_modes() {
    let s = clean("docker run --network bridge alpine");
    assert_eq!(get(&s.network), NsMode::Other("bridge".into()));
    assert!(matches!(s.pid, Setting::Unset));
}
