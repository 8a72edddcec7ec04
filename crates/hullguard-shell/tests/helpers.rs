//! The helpers rules use: `name`, `args`, `unwrapped` and the interpreter predicates.
#![allow(clippy::expect_used, clippy::unwrap_used)] // a failing test may panic

use hullguard_shell::{analyze, is_script_interpreter, is_shell_interpreter};

/// `(name, lossy args)` of the first command after unwrapping.
fn unwrap(src: &str) -> Option<(String, Vec<String>)> {
    let s = analyze(src);
    let c = s.commands.first()?;
    let (name, args) = c.unwrapped()?;
    Some((
        name.to_owned(),
        args.iter().map(|w| w.lossy.clone()).collect(),
    ))
}

fn unwrap_name(src: &str) -> Option<String> {
    unwrap(src).map(|(n, _)| n)
}

#[test]
fn name_is_basename_of_static_command() {
    let s = analyze("/usr/bin/curl -s x; \"$CURL\" x; ./configure");
    assert_eq!(s.commands[0].name(), Some("curl"));
    assert_eq!(s.commands[0].args().len(), 2);
    assert_eq!(s.commands[1].name(), None);
    assert_eq!(s.commands[2].name(), Some("configure"));
}

#[test]
fn unwraps_wrappers() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("curl x", "curl", &["x"]),
        ("sudo apt-get install x", "apt-get", &["install", "x"]),
        ("sudo -E bash -s", "bash", &["-s"]),
        ("sudo -u root -H pip install x", "pip", &["install", "x"]),
        ("sudo -uroot pip", "pip", &[]),
        ("sudo --user=root -- pip", "pip", &[]),
        ("sudo FOO=1 make", "make", &[]),
        ("env -i PATH=/bin FOO=bar sh -c x", "sh", &["-c", "x"]),
        ("env -u HOME make", "make", &[]),
        ("env - make", "make", &[]),
        ("nohup ./server &", "server", &[]),
        ("time make -j4", "make", &["-j4"]),
        ("time -p make", "make", &[]),
        ("exec gosu app node index.js", "node", &["index.js"]),
        ("exec -a name cmd", "cmd", &[]),
        ("command curl x", "curl", &["x"]),
        ("command -p curl x", "curl", &["x"]),
        ("nice -n 10 make", "make", &[]),
        ("nice -10 make", "make", &[]),
        ("nice --adjustment=5 make", "make", &[]),
        ("timeout 30 curl x", "curl", &["x"]),
        ("timeout -s KILL -k 5 30s curl x", "curl", &["x"]),
        ("timeout --signal=TERM 1m curl", "curl", &[]),
        ("xargs -0 -n1 -I {} rm {}", "rm", &["{}"]),
        ("xargs -r chmod 644", "chmod", &["644"]),
        ("doas -u app id", "id", &[]),
        ("gosu nobody id -u", "id", &["-u"]),
        ("su-exec app:app id", "id", &[]),
        ("chroot /mnt apt-get update", "apt-get", &["update"]),
        ("chroot --userspec=1:1 /mnt id", "id", &[]),
        ("busybox wget -O- x", "wget", &["-O-", "x"]),
        ("stdbuf -oL tail -f x", "tail", &["-f", "x"]),
        ("setsid -f daemon", "daemon", &[]),
        ("runuser -u app -- npm ci", "npm", &["ci"]),
        ("sudo -E env FOO=1 nohup nice -n5 bash x", "bash", &["x"]),
    ];
    for (src, name, args) in cases {
        let (n, a) = unwrap(src).unwrap_or_else(|| panic!("{src}"));
        assert_eq!(n, *name, "{src}");
        assert_eq!(a, *args, "{src}");
    }
}

#[test]
fn wrappers_without_a_followable_command_stay() {
    for (src, name) in [
        ("sudo -i", "sudo"),
        ("sudo -l curl", "sudo"),
        ("command -v curl", "command"),
        ("command -V curl", "command"),
        ("env", "env"),
        ("env -S 'curl x'", "env"),
        ("env FOO=1", "env"),
        ("timeout 5", "timeout"),
        ("xargs", "xargs"),
        ("gosu", "gosu"),
        ("runuser app -c id", "runuser"),
        ("su -c id", "su"),
    ] {
        assert_eq!(unwrap_name(src).as_deref(), Some(name), "{src}");
    }
    assert_eq!(unwrap_name("sudo $CMD x"), None);
    assert_eq!(unwrap_name("FOO=1"), None);
}

#[test]
fn shell_and_script_interpreters() {
    for n in ["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "fish"] {
        assert!(is_shell_interpreter(n), "{n}");
        assert!(is_script_interpreter(n), "{n}");
    }
    for n in [
        "python",
        "python3",
        "python3.12",
        "perl",
        "ruby",
        "node",
        "php8.2",
    ] {
        assert!(!is_shell_interpreter(n), "{n}");
        assert!(is_script_interpreter(n), "{n}");
    }
    for n in ["curl", "shasum", "bashful", "pythonic", "tee", ""] {
        assert!(!is_shell_interpreter(n), "{n}");
        assert!(!is_script_interpreter(n), "{n}");
    }
}
