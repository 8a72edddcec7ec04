#![no_main]
//! `hullguard_docker_run::find_in_script` never panics, and every span it returns (the
//! command, the image and `--`, each value's location, each problem) lies inside the text on
//! char boundaries. The input is also read as an argv (NUL-separated words) and quoted
//! with `quote_argv`: the quoted line must parse and give back exactly those words.

use std::sync::Arc;

use hullguard_docker_run::{
    find_in_script, is_shell_script, quote_argv, ContainerSpec, Location, SourceFile,
};
use hullguard_fuzz::check_span;
use libfuzzer_sys::fuzz_target;

/// A location in `file` is a valid span of its text.
fn check_at(file: &Arc<SourceFile>, at: &Location, what: &str) {
    match at {
        Location::File { file: f, span } => {
            assert!(Arc::ptr_eq(f, file), "{what}: location in another file");
            check_span(&file.text, *span, what);
        }
        Location::Object { .. } => panic!("{what}: object location for a file"),
    }
}

fn check_spec(file: &Arc<SourceFile>, s: &ContainerSpec, what: &str) {
    let at = |loc: Option<&Location>, field: &str| {
        if let Some(loc) = loc {
            check_at(file, loc, &format!("{what} {field}"));
        }
    };
    at(Some(&s.at), "at");
    at(s.image.at(), "image");
    at(s.user.at(), "user");
    at(s.privileged.at(), "privileged");
    at(s.pid.at(), "pid");
    at(s.ipc.at(), "ipc");
    at(s.uts.at(), "uts");
    at(s.network.at(), "network");
    at(s.userns.at(), "userns");
    at(s.cgroupns.at(), "cgroupns");
    at(s.read_only.at(), "read_only");
    at(s.seccomp.at(), "seccomp");
    at(s.apparmor.at(), "apparmor");
    at(s.no_new_privileges.at(), "no_new_privileges");
    at(s.memory.at(), "memory");
    at(s.memory_swap.at(), "memory_swap");
    at(s.memory_reservation.at(), "memory_reservation");
    at(s.cpu_shares.at(), "cpu_shares");
    at(s.cpu_quota.at(), "cpu_quota");
    at(s.cpu_period.at(), "cpu_period");
    at(s.nano_cpus.at(), "nano_cpus");
    at(s.cpuset_cpus.at(), "cpuset_cpus");
    at(s.pids_limit.at(), "pids_limit");
    at(s.blkio_weight.at(), "blkio_weight");
    at(s.publish_all.at(), "publish_all");
    at(s.restart.at(), "restart");
    at(s.healthcheck.at(), "healthcheck");
    at(s.runtime.at(), "runtime");
    at(s.init.at(), "init");
    at(s.oom_kill_disable.at(), "oom_kill_disable");
    at(s.oom_score_adj.at(), "oom_score_adj");
    at(s.cgroup_parent.at(), "cgroup_parent");
    at(s.log_driver.at(), "log_driver");
    let lists: [(&str, Vec<&Location>); 16] = [
        ("group_add", s.group_add.iter().map(|a| &a.at).collect()),
        ("cap_add", s.cap_add.iter().map(|a| &a.at).collect()),
        ("cap_drop", s.cap_drop.iter().map(|a| &a.at).collect()),
        ("networks", s.networks.iter().map(|a| &a.at).collect()),
        ("mounts", s.mounts.iter().map(|a| &a.at).collect()),
        ("selinux", s.selinux.iter().map(|a| &a.at).collect()),
        (
            "other_security_opts",
            s.other_security_opts.iter().map(|a| &a.at).collect(),
        ),
        ("ulimits", s.ulimits.iter().map(|a| &a.at).collect()),
        ("devices", s.devices.iter().map(|a| &a.at).collect()),
        (
            "device_cgroup_rules",
            s.device_cgroup_rules.iter().map(|a| &a.at).collect(),
        ),
        ("ports", s.ports.iter().map(|a| &a.at).collect()),
        ("sysctls", s.sysctls.iter().map(|a| &a.at).collect()),
        ("env", s.env.iter().map(|a| &a.at).collect()),
        ("env_files", s.env_files.iter().map(|a| &a.at).collect()),
        ("secrets", s.secrets.iter().map(|a| &a.at).collect()),
        ("unresolved", s.unresolved.iter().map(|a| &a.at).collect()),
    ];
    for (field, locs) in lists {
        for loc in locs {
            at(Some(loc), field);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let _ = is_shell_script(src, src);

    let file = SourceFile::new("fuzz.sh", src);
    let scan = find_in_script(&file);
    for (i, c) in scan.commands.iter().enumerate() {
        let what = format!("command {i}");
        check_span(src, c.span, &what);
        if let Some(image) = c.image {
            check_span(src, image, &format!("{what} image"));
            assert!(
                c.span.start <= image.start && image.end <= c.span.end,
                "{what}: image {image:?} outside the command {:?}",
                c.span
            );
        }
        if let Some(end) = c.flags_end {
            check_span(src, end, &format!("{what} flags_end"));
            assert!(
                c.span.start <= end.start && end.end <= c.span.end,
                "{what}: `--` {end:?} outside the command {:?}",
                c.span
            );
        }
        check_spec(&file, &c.spec, &what);
        for p in &c.problems {
            check_at(&file, &p.at, &format!("{what} problem {:?}", p.message));
        }
    }
    for p in &scan.problems {
        check_at(&file, &p.at, &format!("script problem {:?}", p.message));
    }

    // The input as an argv: quoting gives back exactly the words.
    let argv: Vec<String> = src.split('\0').map(str::to_owned).collect();
    let line = quote_argv(&argv);
    let script = hullguard_shell::analyze(&line);
    if script.errors.is_empty() {
        if let Some(cmd) = script.commands.first() {
            let back: Vec<Option<&str>> = cmd.words.iter().map(|w| w.value()).collect();
            let want: Vec<Option<&str>> = argv.iter().map(|w| Some(w.as_str())).collect();
            assert_eq!(back, want, "quote_argv({argv:?}) = {line:?}");
        }
    }
});
