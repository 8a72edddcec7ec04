//! Scripts with several commands, which files are shell scripts, and `hullguard check`
//! command lines quoted and read back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use hullguard_container::ContainerSpec;
use hullguard_diagnostics::SourceFile;
use hullguard_docker_run::{find_in_script, is_shell_script, quote_argv};

const SCRIPT: &str = r#"#!/bin/bash
set -euo pipefail

start_db() {
  docker run -d --name db -e POSTGRES_PASSWORD=secret postgres:16
}

if [ "$1" = "debug" ]; then
  sudo docker run --rm -it --privileged --pid=host alpine sh
else
  docker create --read-only --cap-drop ALL nginx
fi

while read -r svc; do
  docker container run --network host "app-$svc"
done < services.txt

docker logs db | docker run -i --rm busybox wc -l
CID=$(docker run -d -v /var/run/docker.sock:/var/run/docker.sock portainer/agent)
sh -c 'docker run --cap-add SYS_ADMIN alpine mount'
docker compose run web
docker exec db psql
"#;

#[test]
fn finds_every_command_wherever_it_is() {
    let (f, s) = scan(SCRIPT);
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    let names: Vec<&str> = s.commands.iter().map(|c| c.spec.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "db",
            "docker run alpine",
            "docker create nginx",
            "docker run app-$svc",
            "docker run busybox",
            "docker run portainer/agent",
            "docker run alpine",
        ]
    );
    let spans: Vec<&str> = s.commands.iter().map(|c| c.span.text(&f.text)).collect();
    assert_eq!(
        spans,
        [
            "docker run -d --name db -e POSTGRES_PASSWORD=secret postgres:16",
            "sudo docker run --rm -it --privileged --pid=host alpine sh",
            "docker create --read-only --cap-drop ALL nginx",
            "docker container run --network host \"app-$svc\"",
            "docker run -i --rm busybox wc -l",
            "docker run -d -v /var/run/docker.sock:/var/run/docker.sock portainer/agent",
            "docker run --cap-add SYS_ADMIN alpine mount",
        ]
    );
    let c = &s.commands;
    assert!(get(&c[1].spec.privileged));
    assert_eq!(at_text(&c[1].spec.pid), "host");
    assert!(get(&c[2].spec.read_only));
    assert_eq!(values(&c[2].spec.cap_drop), ["ALL"]);
    assert!(c[3].spec.image.is_unknown());
    assert_eq!(
        texts(&c[5].spec.mounts),
        ["/var/run/docker.sock:/var/run/docker.sock"]
    );
    assert_eq!(values(&c[6].spec.cap_add), ["SYS_ADMIN"]);
    assert_eq!(texts(&c[6].spec.cap_add), ["SYS_ADMIN"]);
    let images: Vec<&str> = c
        .iter()
        .filter_map(|c| c.image)
        .map(|s| s.text(&f.text))
        .collect();
    assert_eq!(
        images,
        [
            "postgres:16",
            "alpine",
            "nginx",
            "\"app-$svc\"",
            "busybox",
            "portainer/agent",
            "alpine"
        ]
    );
}

#[test]
fn commands_on_one_line_and_continuations() {
    let text = "docker run -d a && docker run -d b; docker run \\\n  --privileged \\\n  c || true";
    let (f, s) = scan(text);
    let images: Vec<String> = s.commands.iter().map(|c| get(&c.spec.image)).collect();
    assert_eq!(images, ["a", "b", "c"]);
    assert!(get(&s.commands[2].spec.privileged));
    assert_eq!(
        s.commands[2].span.text(&f.text),
        "docker run \\\n  --privileged \\\n  c"
    );
}

#[test]
fn eval_and_nested_shells() {
    let (_, s) = scan("eval \"docker run --privileged a\"; bash -lc 'sudo docker run -v /:/h b'");
    assert_eq!(s.commands.len(), 2);
    assert!(get(&s.commands[0].spec.privileged));
    assert_eq!(values(&s.commands[1].spec.mounts)[0].target, "/h");
}

#[test]
fn script_problems() {
    let (_, s) = scan("docker run alpine\nif then fi (((\n");
    assert_eq!(s.commands.len(), 1);
    let msgs: Vec<&str> = s.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        msgs,
        ["shell syntax error: `docker run` commands near it may be missed"]
    );
    // Syntax errors in scripts without docker are not this crate's business.
    let (_, s) = scan("if then fi (((\n");
    assert!(s.problems.is_empty());
    // An analysis that was refused is always reported.
    let big = format!("docker run a\n{}", "# x\n".repeat(300_000));
    let (_, s) = scan(&big);
    assert!(s.commands.is_empty());
    assert_eq!(s.problems.len(), 1);
    assert!(
        s.problems[0]
            .message
            .starts_with("shell analysis incomplete: script is "),
        "{}",
        s.problems[0].message
    );
}

#[test]
fn shell_scripts_by_name() {
    for path in [
        "run.sh",
        "scripts/deploy.bash",
        "a/b/start.SH",
        "x.zsh",
        "x.ksh",
        "x.dash",
        "C:\\x\\y.sh",
    ] {
        assert!(is_shell_script(path, ""), "{path}");
    }
    for path in [
        "run.py",
        "Dockerfile",
        ".sh",
        "sh",
        "x.shx",
        "x.sh.txt",
        "bash",
    ] {
        assert!(!is_shell_script(path, ""), "{path}");
    }
}

#[test]
fn shell_scripts_by_shebang() {
    for text in [
        "#!/bin/sh\n",
        "#!/bin/bash -e\necho",
        "#! /usr/bin/env bash\n",
        "#!/usr/bin/env -S bash -eu\n",
        "#!/usr/bin/env -Sbash\n",
        "#!/usr/bin/env -i PATH=/bin sh\n",
        "#!/usr/bin/env -u HOME dash\n",
        "#!/bin/dash",
        "#!/bin/ash\r\n",
        "#!/bin/busybox sh\n",
        "#!/usr/bin/ksh\n",
        "#!/usr/bin/zsh -f\n",
        "#!/bin/mksh\n",
        "\u{feff}#!/bin/sh\n",
    ] {
        assert!(is_shell_script("run", text), "{text:?}");
    }
    for text in [
        "",
        "#!/usr/bin/python3\n",
        "#!/usr/bin/env python\n",
        "#!/usr/bin/env -S node --flag\n",
        "#!/bin/busybox awk\n",
        "# /bin/sh\n",
        " #!/bin/sh\n",
        "#!\n",
        "echo hi\n#!/bin/sh\n",
        "#!/usr/bin/fish\n",
        "#!/bin/shell\n",
    ] {
        assert!(!is_shell_script("run", text), "{text:?}");
    }
    let long = format!("#!{}", "é".repeat(5000));
    assert!(!is_shell_script("run", &long));
}

fn argv(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| (*w).to_owned()).collect()
}

/// The parts of a spec that a round trip must keep, as text.
fn summary(s: &ContainerSpec) -> String {
    format!(
        "{} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
        s.name,
        s.image.get(),
        s.privileged.get(),
        s.user.get(),
        values(&s.cap_add),
        values(&s.mounts),
        values(&s.ports),
        values(&s.env),
        s.pid.get(),
        s.seccomp.get(),
        s.healthcheck.get(),
        s.memory.get(),
        unresolved(s),
    )
}

#[test]
fn quote_argv_round_trips() {
    let cases: &[&[&str]] = &[
        &[
            "docker",
            "run",
            "--privileged",
            "-v",
            "/:/host:ro,rshared",
            "alpine",
            "sh",
            "-c",
            "id",
        ],
        &[
            "docker", "run", "-e", "A=$HOME", "-e", "B=it's", "-e", "C=a b\nc", "alpine",
        ],
        &[
            "docker",
            "run",
            "--name",
            "*",
            "--health-cmd",
            "curl -f http://x/?a=[1] || exit 1",
            "alpine",
        ],
        &[
            "docker",
            "run",
            "-p",
            "[::1]:80:80",
            "-u",
            "",
            "--cap-add",
            "~sys_admin",
            "img",
        ],
        &[
            "docker",
            "run",
            "--security-opt",
            "seccomp=unconfined",
            "-m",
            "1g",
            "-v",
            "{a,b}:/x",
            "img",
        ],
        &[
            "docker",
            "run",
            "-e",
            "K=\\\"`id`\"",
            "-e",
            "X=;&|<>()!#",
            "img",
        ],
        &["podman", "create", "--pid=host", "-itd", "img", "--", "x"],
    ];
    for words in cases {
        let argv = argv(words);
        let line = quote_argv(&argv);
        let f = SourceFile::new("<command line>", line.clone());
        let scan = find_in_script(&f);
        assert_eq!(scan.commands.len(), 1, "{line}");
        let c = &scan.commands[0];
        assert!(c.problems.is_empty(), "{line}: {:?}", messages(c));
        // The shell gives back exactly the words that were quoted.
        let script = hullguard_shell::analyze(&line);
        let back: Vec<String> = script.commands[0]
            .words
            .iter()
            .map(|w| w.value.clone().unwrap())
            .collect();
        assert_eq!(back, argv, "{line}");
        // And the spec is the one read from the same words written plainly, where
        // that is possible.
        if words.iter().all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=,".contains(c))
        }) {
            let plain = SourceFile::new("plain", words.join(" "));
            let direct = find_in_script(&plain);
            assert_eq!(
                summary(&direct.commands[0].spec),
                summary(&c.spec),
                "{line}"
            );
        }
    }
    let f = SourceFile::new(
        "<command line>",
        quote_argv(&argv(&[
            "docker", "run", "-e", "A=$HOME", "--name", "*", "-v", "{a,b}:/x", "img",
        ])),
    );
    let s = &find_in_script(&f).commands[0].spec;
    assert_eq!(values(&s.env)[0].value.as_deref(), Some("$HOME"));
    assert_eq!(s.name, "*");
    assert_eq!(values(&s.mounts)[0].source.as_deref(), Some("{a,b}"));
    assert!(s.unresolved.is_empty());
}
