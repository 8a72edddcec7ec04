#![no_main]
//! `hullguard_shell::analyze` never panics, and its spans and indexes are valid.

use hullguard_fuzz::check_span;
use hullguard_shell::Context;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let script = hullguard_shell::analyze(src);
    let n = script.commands.len();
    let word = |w: &hullguard_shell::Word, what: &str| check_span(src, w.span, what);
    for (i, c) in script.commands.iter().enumerate() {
        check_span(src, c.span, &format!("command {i}"));
        for a in &c.assignments {
            check_span(src, a.span, &format!("command {i} assignment {}", a.name));
            word(&a.value, &format!("command {i} assignment {} value", a.name));
        }
        for w in &c.words {
            word(w, &format!("command {i} word {:?}", w.raw));
        }
        for r in &c.redirects {
            check_span(src, r.span, &format!("command {i} redirect {}", r.op));
            if let Some(t) = &r.target {
                word(t, &format!("command {i} redirect {} target", r.op));
            }
        }
        if let Some((p, s)) = c.pipeline {
            let pipe = script.pipelines.get(p).unwrap_or_else(|| {
                panic!("command {i} names pipeline {p} of {}", script.pipelines.len())
            });
            assert!(s < pipe.stages.len(), "command {i} names stage {s} of pipeline {p}");
            assert!(
                pipe.stages[s].contains(&i),
                "command {i} names stage {s} of pipeline {p}, which does not list it"
            );
        }
        for ctx in &c.context {
            let owner = match *ctx {
                Context::CommandSubstitution { owner } => owner,
                Context::ProcessSubstitution { owner, .. } => owner,
                Context::ShellString { owner } => Some(owner),
                _ => None,
            };
            if let Some(o) = owner {
                assert!(o < n, "command {i} context {ctx:?}: owner {o} of {n} commands");
            }
        }
        let _ = c.name();
        let _ = c.unwrapped();
    }
    for (p, pipe) in script.pipelines.iter().enumerate() {
        check_span(src, pipe.span, &format!("pipeline {p}"));
        for (s, stage) in pipe.stages.iter().enumerate() {
            for &i in stage {
                assert!(i < n, "pipeline {p} stage {s}: command {i} of {n}");
            }
        }
        let _ = script.pipeline_stage_commands(p);
    }
    for e in &script.errors {
        check_span(src, e.span, &format!("error {:?}", e.message));
    }
});
