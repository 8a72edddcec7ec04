//! Behaviour of `analyze` on the shapes Dockerfile `RUN` lines take.
#![allow(clippy::expect_used, clippy::unwrap_used)] // a failing test may panic

use hullguard_diagnostics::Span;
use hullguard_shell::{analyze, analyze_with, Context, Limits, ListOp, Script, SimpleCommand};

fn names(s: &Script) -> Vec<&str> {
    s.commands.iter().map(|c| c.name().unwrap_or("?")).collect()
}

fn values(c: &SimpleCommand) -> Vec<Option<&str>> {
    c.words.iter().map(|w| w.value()).collect()
}

fn cmd<'a>(s: &'a Script, name: &str) -> &'a SimpleCommand {
    s.commands
        .iter()
        .find(|c| c.name() == Some(name))
        .unwrap_or_else(|| panic!("no command {name} in {:?}", names(s)))
}

/// Every span of the script lies on character boundaries of `src`.
fn assert_spans_valid(src: &str, s: &Script) {
    let check = |sp: Span| {
        assert!(
            sp.start <= sp.end && sp.end <= src.len(),
            "{sp:?} out of range"
        );
        assert!(src.is_char_boundary(sp.start) && src.is_char_boundary(sp.end));
    };
    for c in &s.commands {
        check(c.span);
        c.words.iter().for_each(|w| check(w.span));
        c.assignments.iter().for_each(|a| {
            check(a.span);
            check(a.value.span);
        });
        c.redirects.iter().for_each(|r| {
            check(r.span);
            r.target.iter().for_each(|t| check(t.span));
        });
    }
    s.pipelines.iter().for_each(|p| check(p.span));
    s.errors.iter().for_each(|e| check(e.span));
}

#[test]
fn curl_piped_into_sh() {
    let src = "curl -fsSL https://x | sh";
    let s = analyze(src);
    assert!(s.errors.is_empty());
    assert_eq!(names(&s), ["curl", "sh"]);
    assert_eq!(s.pipelines.len(), 1);
    assert_eq!(s.pipelines[0].stages, vec![vec![0], vec![1]]);
    assert_eq!(s.pipelines[0].span.text(src), src);
    assert_eq!(s.commands[0].pipeline, Some((0, 0)));
    assert_eq!(s.commands[1].pipeline, Some((0, 1)));
    assert_eq!(
        values(&s.commands[0]),
        [Some("curl"), Some("-fsSL"), Some("https://x")]
    );
    assert_eq!(s.commands[1].span.text(src), "sh");
    let stages = s.pipeline_stage_commands(0);
    assert_eq!(stages[1][0].name(), Some("sh"));
    assert!(s.pipeline_stage_commands(7).is_empty());
}

#[test]
fn curl_piped_into_sudo_bash_with_args() {
    let s = analyze("curl x | sudo -E bash -s -- arg");
    let sudo = &s.commands[1];
    assert_eq!(sudo.name(), Some("sudo"));
    let (name, args) = sudo.unwrapped().expect("unwrapped");
    assert_eq!(name, "bash");
    let args: Vec<_> = args.iter().map(|w| w.lossy.as_str()).collect();
    assert_eq!(args, ["-s", "--", "arg"]);
    assert_eq!(sudo.pipeline, Some((0, 1)));
}

#[test]
fn wget_through_tee_into_sh() {
    let s = analyze("wget -qO- x | tee f | sh");
    assert_eq!(names(&s), ["wget", "tee", "sh"]);
    assert_eq!(s.pipelines.len(), 1);
    assert_eq!(s.pipelines[0].stages, vec![vec![0], vec![1], vec![2]]);
}

#[test]
fn sh_c_of_command_substitution() {
    let src = r#"sh -c "$(curl -fsSL x)""#;
    let s = analyze(src);
    assert_eq!(names(&s), ["sh", "curl"]);
    assert_eq!(
        s.commands[1].context,
        [Context::CommandSubstitution { owner: Some(0) }]
    );
    assert_eq!(s.commands[1].span.text(src), "curl -fsSL x");
    let w = &s.commands[0].words[2];
    assert!(w.has_substitution && !w.has_expansion);
    assert_eq!(w.value, None);
    assert_eq!(w.lossy, "$(curl -fsSL x)");
}

#[test]
fn bash_process_substitution() {
    let s = analyze("bash <(curl -s x)");
    assert_eq!(names(&s), ["bash", "curl"]);
    assert_eq!(
        s.commands[1].context,
        [Context::ProcessSubstitution {
            owner: Some(0),
            input: true
        }]
    );
    let out = analyze("tee >(gzip > f)");
    assert_eq!(
        out.commands[1].context,
        [Context::ProcessSubstitution {
            owner: Some(0),
            input: false
        }]
    );
}

#[test]
fn dot_and_source_process_substitution() {
    for src in [". <(wget -O- x)", "source <(wget -O- x)"] {
        let s = analyze(src);
        assert_eq!(s.commands.len(), 2, "{src}");
        assert_eq!(s.commands[1].name(), Some("wget"));
        assert!(matches!(
            s.commands[1].context[..],
            [Context::ProcessSubstitution {
                owner: Some(0),
                input: true
            }]
        ));
    }
}

#[test]
fn apt_get_chain() {
    let src = "apt-get update && apt-get install -y --no-install-recommends a b=1.2 && rm -rf /var/lib/apt/lists/*";
    let s = analyze(src);
    assert!(s.errors.is_empty());
    assert_eq!(names(&s), ["apt-get", "apt-get", "rm"]);
    let after: Vec<_> = s.commands.iter().map(|c| c.after).collect();
    assert_eq!(after, [None, Some(ListOp::And), Some(ListOp::And)]);
    assert_eq!(
        values(&s.commands[1]),
        [
            Some("apt-get"),
            Some("install"),
            Some("-y"),
            Some("--no-install-recommends"),
            Some("a"),
            Some("b=1.2")
        ]
    );
    assert_eq!(s.commands[2].words[2].value(), Some("/var/lib/apt/lists/*"));
    assert!(s.pipelines.is_empty());
}

#[test]
fn list_operators() {
    let s = analyze("a; b || c & d\ne");
    let after: Vec<_> = s.commands.iter().map(|c| c.after).collect();
    assert_eq!(
        after,
        [
            None,
            Some(ListOp::Semi),
            Some(ListOp::Or),
            Some(ListOp::Background),
            Some(ListOp::Newline)
        ]
    );
}

#[test]
fn set_pipefail_then_pipeline() {
    let s = analyze("set -o pipefail; a | b");
    assert_eq!(names(&s), ["set", "a", "b"]);
    assert_eq!(
        values(&s.commands[0]),
        [Some("set"), Some("-o"), Some("pipefail")]
    );
    assert_eq!(s.commands[1].after, Some(ListOp::Semi));
    // Later stages follow a `|`, not a list operator.
    assert_eq!(s.commands[2].after, None);
    assert_eq!(s.pipelines[0].stages, vec![vec![1], vec![2]]);
}

#[test]
fn set_eux_then_newline() {
    let s = analyze("set -eux; \n a");
    assert_eq!(names(&s), ["set", "a"]);
    assert_eq!(s.commands[0].words[1].value(), Some("-eux"));
    assert_eq!(s.commands[1].after, Some(ListOp::Semi));
}

#[test]
fn quote_removal() {
    let s = analyze(r#"echo "a b" 'c' d\ e "x\"y\$z\q" $'t\tn\x41' a"b"'c'd"#);
    assert_eq!(
        values(&s.commands[0]),
        [
            Some("echo"),
            Some("a b"),
            Some("c"),
            Some("d e"),
            Some("x\"y$z\\q"),
            Some("t\tnA"),
            Some("abcd")
        ]
    );
}

#[test]
fn expansions_are_dynamic_but_lossy() {
    let s = analyze(r#"curl --url="$X" ${Y:-d} $((1+2)) \$HOME ~/x *.txt"#);
    let w = &s.commands[0].words;
    assert_eq!(w[1].lossy, "--url=$X");
    assert_eq!(w[1].value, None);
    assert!(w[1].has_expansion && !w[1].has_substitution);
    assert_eq!(w[2].lossy, "${Y:-d}");
    assert!(w[3].has_expansion);
    assert_eq!(w[4].value(), Some("$HOME"));
    assert_eq!(w[5].value(), Some("~/x"));
    assert_eq!(w[6].value(), Some("*.txt"));
}

#[test]
fn prefix_assignments() {
    let src = r#"FOO=1 BAR="$X" cmd arg"#;
    let s = analyze(src);
    assert_eq!(s.commands.len(), 1);
    let c = &s.commands[0];
    assert_eq!(values(c), [Some("cmd"), Some("arg")]);
    assert_eq!(c.assignments.len(), 2);
    assert_eq!(c.assignments[0].name, "FOO");
    assert_eq!(c.assignments[0].value.value(), Some("1"));
    assert_eq!(c.assignments[0].span.text(src), "FOO=1");
    assert_eq!(c.assignments[1].name, "BAR");
    assert_eq!(c.assignments[1].value.value, None);
    assert_eq!(c.assignments[1].value.lossy, "$X");
}

#[test]
fn bare_assignments() {
    let s = analyze("A=1 B=$(id) C=");
    assert_eq!(s.commands.len(), 2);
    let c = &s.commands[0];
    assert!(c.words.is_empty());
    assert_eq!(c.name(), None);
    assert!(c.args().is_empty());
    assert_eq!(c.unwrapped(), None);
    let a: Vec<_> = c.assignments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(a, ["A", "B", "C"]);
    assert_eq!(c.assignments[2].value.value(), Some(""));
    assert_eq!(
        s.commands[1].context,
        [Context::CommandSubstitution { owner: None }]
    );
}

#[test]
fn declarations_are_commands() {
    let s = analyze("export A=1 B PATH=\"$PATH:/x\"; local c; readonly d=2; unset e");
    assert_eq!(names(&s), ["export", "local", "readonly", "unset"]);
    let export = &s.commands[0];
    assert_eq!(export.words[1].value(), Some("A=1"));
    assert_eq!(export.words[2].value(), Some("B"));
    assert_eq!(export.words[3].lossy, "PATH=$PATH:/x");
    assert_eq!(s.commands[3].words[1].value(), Some("e"));
}

#[test]
fn subshell() {
    let s = analyze("( cd /x && make )");
    assert_eq!(names(&s), ["cd", "make"]);
    for c in &s.commands {
        assert_eq!(c.context, [Context::Subshell]);
    }
    assert_eq!(s.commands[1].after, Some(ListOp::And));
}

#[test]
fn if_statement() {
    let s = analyze("if [ -f x ]; then rm x; elif [[ -d y ]]; then rmdir y; else touch z; fi");
    assert!(s.errors.is_empty());
    assert_eq!(names(&s), ["[", "rm", "[[", "rmdir", "touch"]);
    assert_eq!(
        values(&s.commands[0]),
        [Some("["), Some("-f"), Some("x"), Some("]")]
    );
    assert_eq!(s.commands[0].context, [Context::Condition]);
    assert_eq!(s.commands[1].context, [Context::Branch]);
    assert_eq!(s.commands[2].context, [Context::Condition]);
    assert_eq!(s.commands[3].context, [Context::Branch]);
    assert_eq!(s.commands[4].context, [Context::Branch]);
}

#[test]
fn for_loop() {
    let s = analyze(r#"for f in *; do chmod 777 "$f"; done"#);
    assert_eq!(names(&s), ["chmod"]);
    let c = &s.commands[0];
    assert_eq!(c.context, [Context::Loop]);
    assert_eq!(c.words[1].value(), Some("777"));
    assert_eq!(c.words[2].lossy, "$f");
    let s = analyze("for f in $(ls); do :; done; for ((i=0;i<3;i++)); do x; done");
    assert_eq!(names(&s), ["ls", ":", "x"]);
    assert_eq!(
        s.commands[0].context,
        [Context::CommandSubstitution { owner: None }]
    );
}

#[test]
fn while_case_and_function() {
    let s = analyze(
        "while read l; do echo $l; done < f\ncase $x in a) one;; *) two;; esac\nf() { inside; }",
    );
    assert_eq!(names(&s), ["read", "echo", "one", "two", "inside"]);
    assert_eq!(s.commands[0].context, [Context::Loop, Context::Condition]);
    assert_eq!(s.commands[1].context, [Context::Loop]);
    // A redirect after a loop applies to the commands inside it.
    assert_eq!(s.commands[0].redirects[0].op, "<");
    assert_eq!(s.commands[1].redirects[0].op, "<");
    assert_eq!(s.commands[2].context, [Context::Branch]);
    assert_eq!(s.commands[4].context, [Context::Function]);
}

#[test]
fn bash_ec_nested_pipeline_with_shifted_spans() {
    let src = "bash -ec 'curl x | sh'";
    let s = analyze(src);
    assert!(s.errors.is_empty());
    assert_eq!(names(&s), ["bash", "curl", "sh"]);
    assert_eq!(s.commands[1].context, [Context::ShellString { owner: 0 }]);
    assert_eq!(s.commands[1].span.text(src), "curl x");
    assert_eq!(s.commands[1].words[1].span.text(src), "x");
    assert_eq!(s.commands[2].span.text(src), "sh");
    assert_eq!(s.pipelines.len(), 1);
    assert_eq!(s.pipelines[0].span.text(src), "curl x | sh");
    assert_eq!(s.pipelines[0].stages, vec![vec![1], vec![2]]);
}

#[test]
fn shell_string_flag_forms() {
    for src in [
        "sh -c 'id'",
        "bash -xc 'id'",
        "bash -lc 'id'",
        "bash -euxc 'id'",
        "bash -o pipefail -c 'id'",
        "dash -e -c id",
        "busybox sh -c 'id'",
        "/bin/ash -c \"id\"",
        "sudo -u root sh -c 'id'",
        "su nobody -c 'id'",
        "su -c 'id' nobody",
        "su - nobody -c id",
        "runuser -u app -- sh -c 'id'",
        "runuser app -c 'id'",
        "su --command=id app",
        "eval 'id'",
    ] {
        let s = analyze(src);
        assert_eq!(s.commands.len(), 2, "{src}: {:?}", names(&s));
        let inner = &s.commands[1];
        assert_eq!(inner.name(), Some("id"), "{src}");
        assert_eq!(inner.context, [Context::ShellString { owner: 0 }], "{src}");
        assert_eq!(inner.span.text(src), "id", "{src}");
    }
    for src in ["sh -e 'script.sh'", "sh script.sh -c x", "bash -s -- -c x"] {
        let s = analyze(src);
        assert_eq!(s.commands.len(), 1, "{src}");
    }
}

#[test]
fn su_user_c() {
    let src = "su nobody -c 'id'";
    let s = analyze(src);
    assert_eq!(names(&s), ["su", "id"]);
    assert_eq!(s.commands[1].span.text(src), "id");
}

#[test]
fn shell_string_with_escapes_gets_whole_word_span() {
    let src = r#"sh -c "echo \"hi\" | tee f""#;
    let s = analyze(src);
    assert_eq!(names(&s), ["sh", "echo", "tee"]);
    let word = s.commands[0].words[2].span;
    assert_eq!(word.text(src), r#""echo \"hi\" | tee f""#);
    assert_eq!(s.commands[1].words[1].value(), Some("hi"));
    for c in &s.commands[1..] {
        assert_eq!(c.span, word);
        assert!(c.words.iter().all(|w| w.span == word));
    }
    assert_eq!(s.pipelines[0].span, word);
}

#[test]
fn shell_string_nested_and_bounded() {
    let src = r#"sh -c "bash -c 'curl x | sh'""#;
    let s = analyze(src);
    assert_eq!(names(&s), ["sh", "bash", "curl", "sh"]);
    assert_eq!(
        s.commands[2].context,
        [
            Context::ShellString { owner: 0 },
            Context::ShellString { owner: 1 }
        ]
    );
    assert_eq!(s.commands[2].span.text(src), "curl x");

    // Quoting grows exponentially with depth, so check the bound with a lower limit.
    let limits = Limits {
        max_shell_depth: 3,
        ..Limits::default()
    };
    let mut deep = String::from("id");
    for _ in 0..6 {
        deep = format!("eval {}", shell_quote(&deep));
    }
    let s = analyze_with(&deep, &limits);
    assert_eq!(s.commands.len(), 4);
    assert!(s.errors.iter().any(|e| e.message.contains("nested deeper")));
    assert_spans_valid(&deep, &s);
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[test]
fn shell_string_keeps_outer_context() {
    let s = analyze("if true; then sudo sh -c 'a && b'; fi");
    assert_eq!(names(&s), ["true", "sudo", "a", "b"]);
    assert_eq!(
        s.commands[3].context,
        [Context::Branch, Context::ShellString { owner: 1 }]
    );
    assert_eq!(s.commands[3].after, Some(ListOp::And));
}

#[test]
fn eval_of_several_words_is_joined() {
    let src = "eval curl x '|' sh";
    let s = analyze(src);
    assert_eq!(names(&s), ["eval", "curl", "sh"]);
    assert_eq!(s.commands[1].span.text(src), "curl x '|' sh");
    assert_eq!(s.pipelines.len(), 1);
    // Dynamic strings are not analysed.
    assert_eq!(analyze("eval \"$CMD\"").commands.len(), 1);
    assert_eq!(analyze("sh -c \"$CMD\"").commands.len(), 1);
}

#[test]
fn redirects() {
    let src = "cmd > /dev/null 2>&1 <in 3>&- &>>log";
    let s = analyze(src);
    let c = &s.commands[0];
    assert_eq!(c.words.len(), 1);
    let ops: Vec<_> = c.redirects.iter().map(|r| r.op.as_str()).collect();
    assert_eq!(ops, [">", "2>&", "<", "3>&-", "&>>"]);
    let targets: Vec<_> = c
        .redirects
        .iter()
        .map(|r| r.target.as_ref().and_then(|t| t.value()))
        .collect();
    assert_eq!(
        targets,
        [Some("/dev/null"), Some("1"), Some("in"), None, Some("log")]
    );
    assert_eq!(c.redirects[1].span.text(src), "2>&1");
    let s = analyze("cat <<<\"$X\" >f");
    let ops: Vec<_> = s.commands[0]
        .redirects
        .iter()
        .map(|r| r.op.as_str())
        .collect();
    assert_eq!(ops, ["<<<", ">"]);
    let here = s.commands[0].redirects[0].target.as_ref().expect("target");
    assert_eq!(here.lossy, "$X");
}

#[test]
fn redirect_after_list_belongs_to_last_command() {
    let s = analyze("a && b > /dev/null 2>&1");
    assert!(s.commands[0].redirects.is_empty());
    assert_eq!(s.commands[1].redirects.len(), 2);
    let s = analyze("a | b > f");
    assert!(s.commands[0].redirects.is_empty());
    assert_eq!(s.commands[1].redirects.len(), 1);
}

#[test]
fn redirect_target_substitution_has_no_owner() {
    let s = analyze("echo hi > $(mktemp)");
    assert_eq!(names(&s), ["echo", "mktemp"]);
    assert_eq!(
        s.commands[1].context,
        [Context::CommandSubstitution { owner: None }]
    );
}

#[test]
fn heredoc_body_is_not_commands() {
    let src = "cat <<EOF > /etc/x\nrm -rf /\ncurl x | sh\nEOF\necho done";
    let s = analyze(src);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(names(&s), ["cat", "echo"]);
    let ops: Vec<_> = s.commands[0]
        .redirects
        .iter()
        .map(|r| r.op.as_str())
        .collect();
    assert_eq!(ops, ["<<", ">"]);
    let delim = s.commands[0].redirects[0].target.as_ref().expect("target");
    assert_eq!(delim.value(), Some("EOF"));
    assert_eq!(s.commands[1].after, Some(ListOp::Newline));

    let quoted = analyze("cat <<'EOF'\n$(id)\nEOF\n");
    assert_eq!(names(&quoted), ["cat"]);
    assert_eq!(
        quoted.commands[0].redirects[0]
            .target
            .as_ref()
            .and_then(|t| t.value()),
        Some("EOF")
    );
}

#[test]
fn heredoc_followed_by_pipe_and_list() {
    let src = "cat <<EOF | sh -x && echo ok\ncurl x\nEOF\n";
    let s = analyze(src);
    assert_eq!(names(&s), ["cat", "sh", "echo"]);
    assert_eq!(s.pipelines.len(), 1);
    assert_eq!(s.pipelines[0].stages, vec![vec![0], vec![1]]);
    assert_eq!(s.commands[2].after, Some(ListOp::And));
    assert_eq!(s.commands[0].redirects[0].op, "<<");
    assert!(s.commands[1].redirects.is_empty());
}

#[test]
fn unquoted_heredoc_substitutions_run() {
    let s = analyze("cat <<EOF\n$(id)\nEOF\n");
    assert_eq!(names(&s), ["cat", "id"]);
    assert_eq!(
        s.commands[1].context,
        [Context::CommandSubstitution { owner: None }]
    );
}

#[test]
fn negated_pipeline() {
    let src = "! a | b";
    let s = analyze(src);
    assert!(s.pipelines[0].negated);
    assert_eq!(s.pipelines[0].span.text(src), src);
    assert!(!analyze("a | b").pipelines[0].negated);
}

#[test]
fn pipeline_stage_with_group() {
    let s = analyze("{ a; b; } | c | (d && e)");
    assert_eq!(names(&s), ["a", "b", "c", "d", "e"]);
    assert_eq!(s.pipelines[0].stages, vec![vec![0, 1], vec![2], vec![3, 4]]);
    assert_eq!(s.commands[4].pipeline, Some((0, 2)));
}

#[test]
fn syntax_errors_keep_parsed_commands() {
    let s = analyze("echo \"unterminated");
    assert!(!s.errors.is_empty());
    assert_eq!(names(&s), ["echo"]);

    let s = analyze("if then fi");
    assert!(!s.errors.is_empty());

    let s = analyze("apt-get update && (curl x | sh\necho ok");
    assert!(!s.errors.is_empty());
    assert!(s.commands.iter().any(|c| c.name() == Some("curl")));
    assert!(s.commands.iter().any(|c| c.name() == Some("apt-get")));
}

#[test]
fn empty_and_blank_input() {
    for src in ["", " ", "\n\n", "# just a comment\n", "\\\n"] {
        let s = analyze(src);
        assert!(s.commands.is_empty(), "{src:?}");
        assert!(s.pipelines.is_empty());
    }
}

#[test]
fn too_large_input_is_refused() {
    let src = "echo a\n".repeat(2 * 1024 * 1024 / 7 + 1);
    assert!(src.len() > 2_000_000);
    let s = analyze(&src);
    assert!(s.commands.is_empty());
    assert_eq!(s.errors.len(), 1);
    assert!(s.errors[0].message.contains("more than the limit"));
}

#[test]
fn parse_timeout_is_reported() {
    let limits = Limits {
        parse_timeout: std::time::Duration::ZERO,
        ..Limits::default()
    };
    let src = "a && b\n".repeat(10_000);
    let s = analyze_with(&src, &limits);
    assert!(s.commands.is_empty());
    assert!(s.errors.iter().any(|e| e.message.contains("timed out")));
}

#[test]
fn command_count_is_capped() {
    let limits = Limits {
        max_commands: 10,
        ..Limits::default()
    };
    let s = analyze_with(&"a;".repeat(50), &limits);
    assert_eq!(s.commands.len(), 10);
    assert!(s.errors.iter().any(|e| e.message.contains("more than 10")));
}

#[test]
fn repeated_nested_text_is_budgeted() {
    // Every level's word holds the text of all the levels inside it.
    let n = 50;
    let filler = "a".repeat(100_000);
    let src = format!("{}{filler}{}", "echo \"$(".repeat(n), ")\"".repeat(n));
    let limits = Limits {
        max_text_bytes: 1 << 20,
        ..patient()
    };
    let s = analyze_with(&src, &limits);
    assert!(s
        .errors
        .iter()
        .any(|e| e.message.contains("bytes of words")));
    let kept: usize = s
        .commands
        .iter()
        .flat_map(|c| &c.words)
        .map(|w| w.raw.len())
        .sum();
    assert!(kept < 2 << 20, "{kept}");
    assert_spans_valid(&src, &s);
}

/// Debug builds of tree-sitter parse slowly; these tests are about depth, not time.
fn patient() -> Limits {
    Limits {
        parse_timeout: std::time::Duration::from_secs(60),
        ..Limits::default()
    }
}

/// Runs `f` on a thread with the default 2 MiB test stack, whatever RUST_MIN_STACK says.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no stack overflow or panic");
}

#[test]
fn deeply_nested_command_substitution_does_not_overflow() {
    on_small_stack(|| {
        let n = 10_000;
        let src = format!("echo {}x{}", "$( ".repeat(n), " )".repeat(n));
        let s = analyze_with(&src, &patient());
        assert!(s
            .errors
            .iter()
            .any(|e| e.message.contains("nesting deeper")));
        assert!(!s.commands.is_empty());
        assert_spans_valid(&src, &s);

        let src = format!("echo {}x{}", "\"$(echo ".repeat(n), ")\"".repeat(n));
        let s = analyze_with(&src, &patient());
        assert!(!s.commands.is_empty());

        let src = format!("{}a{}", "( ".repeat(n), " )".repeat(n));
        let s = analyze_with(&src, &patient());
        assert!(!s.errors.is_empty());
    });
}

#[test]
fn long_flat_lists_and_pipelines() {
    on_small_stack(|| {
        let src = format!("{}b", "a && ".repeat(5_000));
        let s = analyze_with(&src, &patient());
        assert_eq!(s.commands.len(), 5_001);
        assert!(s.errors.is_empty());

        let src = format!("{}b", "a | ".repeat(5_000));
        let s = analyze_with(&src, &patient());
        assert_eq!(s.commands.len(), 5_001);
        assert_eq!(s.pipelines.len(), 1);
        assert_eq!(s.pipelines[0].stages.len(), 5_001);
    });
}

#[test]
fn non_ascii_text() {
    let src = "echo héllo \"wörld\" 'ü' && 日本 --名前=値 | grep ✓";
    let s = analyze(src);
    assert!(s.errors.is_empty());
    assert_eq!(names(&s), ["echo", "日本", "grep"]);
    assert_eq!(
        values(&s.commands[0]),
        [Some("echo"), Some("héllo"), Some("wörld"), Some("ü")]
    );
    assert_eq!(s.commands[1].words[1].span.text(src), "--名前=値");
    assert_spans_valid(src, &s);
    let src = "sh -c 'échо ü | 日本'";
    let s = analyze(src);
    assert_eq!(s.commands[2].span.text(src), "日本");
    assert_spans_valid(src, &s);
}

#[test]
fn crlf_line_endings() {
    let src = "apt-get update \\\r\n && apt-get install -y curl\r\necho \"a\r\nb\"\r\n";
    let s = analyze(src);
    assert_eq!(names(&s), ["apt-get", "apt-get", "echo"]);
    assert_eq!(
        values(&s.commands[1]),
        [Some("apt-get"), Some("install"), Some("-y"), Some("curl")]
    );
    assert_eq!(s.commands[2].words[1].value(), Some("a\r\nb"));
    assert_eq!(s.commands[2].after, Some(ListOp::Newline));
}

#[test]
fn backslash_newline_continuations() {
    let src = "apt-get install -y \\\n    curl \\\n    git && \\\n  rm -rf x";
    let s = analyze(src);
    assert!(s.errors.is_empty());
    assert_eq!(names(&s), ["apt-get", "rm"]);
    assert_eq!(
        values(&s.commands[0]),
        [
            Some("apt-get"),
            Some("install"),
            Some("-y"),
            Some("curl"),
            Some("git")
        ]
    );
    assert_eq!(s.commands[1].after, Some(ListOp::And));
    let s = analyze("cu\\\nrl x");
    assert_eq!(s.commands[0].name(), Some("curl"));
}

#[test]
fn nested_contexts_are_outermost_first() {
    let s = analyze("( echo $(for x in a; do curl $x; done) )");
    let curl = cmd(&s, "curl");
    assert_eq!(
        curl.context,
        [
            Context::Subshell,
            Context::CommandSubstitution { owner: Some(0) },
            Context::Loop
        ]
    );
}

#[test]
fn backticks_and_substitution_in_command_name() {
    let s = analyze("echo `id -u` && $(which curl) x");
    assert_eq!(names(&s), ["echo", "id", "?", "which"]);
    assert_eq!(
        s.commands[1].context,
        [Context::CommandSubstitution { owner: Some(0) }]
    );
    assert_eq!(
        s.commands[3].context,
        [Context::CommandSubstitution { owner: Some(2) }]
    );
}

#[test]
fn hostile_inputs_do_not_panic() {
    let samples = [
        "$(",
        "`",
        "<<",
        "<<EOF",
        "cat <<EOF |",
        "a |",
        "| a",
        "&&",
        ";;",
        "}",
        "))",
        "${",
        "$((",
        "[[",
        "[ -f",
        "case",
        "esac",
        "for",
        "f() {",
        "'",
        "\"",
        "$'\\x",
        "$'\\u",
        "\\",
        "a=(",
        "sh -c",
        "sh -c ''",
        "su -c",
        "eval",
        "eval ''",
        "sudo",
        "env -S x",
        "x\0y",
        "\u{feff}echo",
        "echo \u{0}",
        "cat <<A <<B\na\nA\nb\nB\n",
        "!",
        "! !",
        "time",
        "coproc x",
        "select x in a; do b; done",
        "a <(b) >(c) <(",
        "${a:-$(",
        "\r",
    ];
    for src in samples {
        let s = analyze(src);
        assert_spans_valid(src, &s);
    }
    // Every prefix of a realistic script, cut at every character boundary.
    let script = "set -eux; FOO=\"$(curl -fsSL 'https://x/ü' | sha256sum)\" \\\n  && sh -c \"echo \\\"$FOO\\\" > /tmp/x\" 2>&1 | tee log; cat <<EOF\n$(id)\nEOF\n";
    for (i, _) in script.char_indices() {
        let src = &script[..i];
        let s = analyze(src);
        assert_spans_valid(src, &s);
    }
}

/// Found by stress testing: redirections after a group are copied to every
/// command inside it; hostile input must stop at the text budget, not grow
/// quadratically.
#[test]
fn redirect_broadcast_is_bounded() {
    let n = 4000;
    let src = format!("{{ {} }} {}\n", "a;".repeat(n), ">f ".repeat(n));
    let s = hullguard_shell::analyze(&src);
    let copies: usize = s.commands.iter().map(|c| c.redirects.len()).sum();
    assert!(copies < n * n, "{copies} redirect copies");
    assert!(!s.errors.is_empty(), "the analysis must say it stopped");
}
