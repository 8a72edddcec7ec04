//! Hostile input: no panic, bounded problems and messages, linear work.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::*;

#[test]
fn long_unknown_clusters_make_one_short_problem() {
    let line = format!(
        "docker -{} run -{} alpine",
        "Y".repeat(50_000),
        "Z".repeat(100_000)
    );
    let (_, c) = one(&line);
    let m = messages(&c);
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(m.iter().all(|m| m.len() < 200), "{m:?}");
    assert_eq!(m[0], "unknown global flag `-Y` for `docker`");
    assert!(
        m[1].starts_with("unknown shorthand flag `-Z` in `-ZZZZ"),
        "{}",
        m[1]
    );
    assert!(m[1].ends_with("…` for `docker run`"), "{}", m[1]);
    assert_eq!(get(&c.spec.image), "alpine");
}

#[test]
fn long_words_are_shortened_in_messages() {
    let long = "x".repeat(10_000);
    let (_, c) = one(&format!(
        "docker run --{long} --privileged={long} \"${{{long}}}\" alpine"
    ));
    assert!(c.problems.len() == 3, "{:?}", messages(&c));
    assert!(
        messages(&c).iter().all(|m| m.len() < 250),
        "{:?}",
        messages(&c)
    );
}

#[test]
fn odd_words_do_not_panic() {
    for line in [
        "docker run -é",
        "docker run --é=é é",
        "docker run -pé",
        "docker run -e",
        "docker run -- ",
        "docker run --=",
        "docker run -=",
        "docker run -p=",
        "docker run -d=",
        "docker run $'\\x2d\\x2dprivileged' a",
        "docker run \"-\"$X a",
        "docker run -${X}é a",
        "docker run --\"$X\"=1 a",
        "docker run --name=\"é$X\" a",
        "docker container",
        "docker container $X run a",
        "sh -c 'docker run -v \"$A\":/b --privileged=$(x) \\' a'",
        "docker run ${",
        "docker run $(",
        "docker run '",
        "docker run -v \"/a:/b",
    ] {
        let _ = scan(line);
    }
}

#[test]
fn many_commands_are_read_quickly() {
    let line = "docker run -itd --privileged -v /:/h -p 80:80 -e A=b --name x alpine sh\n";
    let text = line.repeat(4_000);
    let start = Instant::now();
    let (_, s) = scan(&text);
    let took = start.elapsed();
    // The shell analysis may stop early on a slow machine (and says so); what was
    // read is complete.
    assert!(s.commands.len() == 4_000 || !s.problems.is_empty());
    assert!(s.commands.iter().all(|c| c.problems.is_empty()));
    assert!(took < Duration::from_secs(10), "{took:?}");
}
