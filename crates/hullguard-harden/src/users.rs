//! Non-root users a Dockerfile creates (`useradd`, `adduser`, a `USER` that is
//! switched away from): candidates for a container's `user:`.

use hullguard_dockerfile::{parse, CommandForm, Keyword};
use hullguard_shell::analyze;

/// Options of `useradd` / `adduser` (shadow, busybox, Debian) that take a value.
const VALUE_FLAGS: &[&str] = &[
    "-u",
    "-g",
    "-G",
    "-d",
    "-s",
    "-c",
    "-k",
    "-K",
    "-e",
    "-f",
    "-p",
    "-b",
    "-R",
    "-P",
    "-Z",
    "-h",
    "--uid",
    "--gid",
    "--groups",
    "--home",
    "--home-dir",
    "--shell",
    "--comment",
    "--gecos",
    "--ingroup",
    "--skel",
    "--key",
    "--expiredate",
    "--inactive",
    "--password",
    "--base-dir",
    "--root",
    "--prefix",
    "--firstuid",
    "--lastuid",
    "--conf",
    "--selinux-user",
];

/// Users created by the Dockerfile's RUN instructions, in order, plus non-root
/// `USER` values (a user switched to exists). Names that are not plain
/// (variables, root) are left out.
pub fn created_users(dockerfile: &str) -> Vec<String> {
    let df = parse(dockerfile);
    let mut out: Vec<String> = Vec::new();
    let mut push = |name: &str| {
        let plain = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            && name != "root"
            && name != "0";
        if plain && !out.iter().any(|u| u == name) {
            out.push(name.to_string());
        }
    };
    for inst in &df.instructions {
        match inst.keyword {
            Keyword::User => {
                let text = inst.rest.text().trim();
                let user = text.split(':').next().unwrap_or("");
                push(user);
            }
            Keyword::Run => {
                let mut scripts: Vec<String> = Vec::new();
                if let Some(CommandForm::Shell(line)) = inst.command() {
                    scripts.push(line.text().to_string());
                }
                for h in &inst.heredocs {
                    scripts.push(h.body.text().to_string());
                }
                for script in scripts {
                    let analysis = analyze(&script);
                    for cmd in &analysis.commands {
                        let Some((name, args)) = cmd.unwrapped() else {
                            continue;
                        };
                        let name = name.rsplit('/').next().unwrap_or(name);
                        if name != "useradd" && name != "adduser" {
                            continue;
                        }
                        let mut positionals = Vec::new();
                        let mut skip = false;
                        for a in args {
                            let Some(v) = a.value() else {
                                positionals.push(None);
                                continue;
                            };
                            if skip {
                                skip = false;
                                continue;
                            }
                            if v.starts_with('-') {
                                skip = VALUE_FLAGS.contains(&v) && !v.contains('=');
                                continue;
                            }
                            positionals.push(Some(v.to_string()));
                        }
                        // `useradd [opts] NAME`; `adduser [opts] NAME [GROUP]`.
                        let user = if name == "useradd" {
                            positionals.last().cloned().flatten()
                        } else {
                            positionals.first().cloned().flatten()
                        };
                        if let Some(u) = user {
                            push(&u);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_users() {
        let df = "FROM debian\nRUN groupadd -r app && useradd -r -u 1001 -g app app\n\
                  RUN adduser -D -u 1000 -G web web\n\
                  RUN adduser --disabled-password --gecos '' deploy\n\
                  RUN useradd $NAME\nUSER node:node\nUSER root\n";
        assert_eq!(created_users(df), vec!["app", "web", "deploy", "node"]);
        assert!(created_users("FROM x\nRUN echo useradd\n").is_empty());
    }
}
