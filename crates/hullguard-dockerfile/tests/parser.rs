//! Parser behaviour on everything BuildKit accepts, with exact spans.

use hullguard_dockerfile::model::Model;
use hullguard_dockerfile::*;
use std::collections::BTreeMap;

fn kw(df: &Dockerfile) -> Vec<Keyword> {
    df.instructions.iter().map(|i| i.keyword).collect()
}

#[test]
fn directives_bom_crlf_and_case() {
    let src = "\u{feff}# syntax=docker/dockerfile:1\r\n# escape=`\r\nfrom alpine:3.20 As Build\r\nrun echo a `\r\n  b\r\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.escape, '`');
    assert_eq!(df.directive("syntax").unwrap().value, "docker/dockerfile:1");
    assert_eq!(kw(&df), vec![Keyword::From, Keyword::Run]);
    let run = &df.instructions[1];
    match run.command().unwrap() {
        CommandForm::Shell(l) => assert_eq!(l.text(), "echo a   b"),
        other => panic!("{other:?}"),
    }
    // span of the instruction ends before \r
    assert_eq!(run.span.text(src), "run echo a `\r\n  b");
    match &df.instructions[0].args {
        Args::From { image, alias } => {
            assert_eq!(image.text, "alpine:3.20");
            assert_eq!(image.span.text(src), "alpine:3.20");
            assert_eq!(alias.as_ref().unwrap().text, "Build");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn directive_section_ends_at_first_other_line() {
    let df = parse("# hello\n# escape=`\nFROM x\n");
    assert_eq!(df.escape, '\\');
    assert!(df.directives.is_empty());
    let df = parse("\n# escape=`\nFROM x\n");
    assert_eq!(df.escape, '\\');
    let df = parse("# escape=x\nFROM x\n");
    assert_eq!(df.errors.len(), 1);
    assert!(df.errors[0].syntax);
}

#[test]
fn continuations_skip_comments_and_empty_lines() {
    let src = "FROM a\nRUN apt-get update && \\\n# a comment\n\n    apt-get install -y \\\n      curl\nUSER app\n";
    let df = parse(src);
    assert!(df.errors.is_empty());
    assert_eq!(kw(&df), vec![Keyword::From, Keyword::Run, Keyword::User]);
    let run = &df.instructions[1];
    let CommandForm::Shell(line) = run.command().unwrap() else {
        panic!()
    };
    assert_eq!(
        line.text(),
        "apt-get update &&     apt-get install -y       curl"
    );
    let at = line.text().find("curl").unwrap();
    assert_eq!(line.span(at, at + 4).text(src), "curl");
    assert_eq!(df.comments.len(), 1);
    assert_eq!(df.comments[0].text, "a comment");
}

#[test]
fn exec_and_shell_forms() {
    let src = "FROM a\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\nENTRYPOINT [not json]\nRUN [\"a\",]\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    match df.instructions[1].command().unwrap() {
        CommandForm::Exec { args, .. } => {
            assert_eq!(args.len(), 3);
            assert_eq!(args[2].value, "daemon off;");
            assert_eq!(args[2].span.text(src), "\"daemon off;\"");
        }
        other => panic!("{other:?}"),
    }
    assert!(!df.instructions[2].command().unwrap().is_exec());
    assert!(!df.instructions[3].command().unwrap().is_exec());
    assert!(df.instructions[4].command().unwrap().is_exec());
}

#[test]
fn heredocs() {
    let src = "FROM a\nRUN <<EOF\napt-get update\nEOF\nRUN <<-\"A\" bash && cat <<'B' > /f\n\techo $X\n\tA\nline\nB\nCOPY <<EOT /etc/x\nhello\nEOT\nRUN python3 <<PY\n#!/usr/bin/env python3\nprint(1)\nPY\nUSER app\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(
        kw(&df),
        vec![
            Keyword::From,
            Keyword::Run,
            Keyword::Run,
            Keyword::Copy,
            Keyword::Run,
            Keyword::User
        ]
    );
    let h = &df.instructions[1].heredocs;
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].name, "EOF");
    assert_eq!(h[0].body.text(), "apt-get update\n");
    assert!(h[0].expand);
    assert_eq!(
        df.instructions[1].span.text(src),
        "RUN <<EOF\napt-get update\nEOF"
    );
    let h = &df.instructions[2].heredocs;
    assert_eq!(h.len(), 2);
    assert!(h[0].strip_tabs && !h[0].expand);
    assert_eq!(h[0].body.text(), "echo $X\n");
    assert_eq!(h[0].body.span(0, 4).text(src), "echo");
    assert_eq!(h[1].name, "B");
    assert_eq!(h[1].body.text(), "line\n");
    assert_eq!(df.instructions[3].heredocs[0].body.text(), "hello\n");
    assert!(df.instructions[4].heredocs[0]
        .body
        .text()
        .starts_with("#!/usr/bin/env python3"));
}

#[test]
fn unterminated_heredoc_is_an_error_but_parsing_goes_on() {
    let df = parse("FROM a\nRUN <<EOF\necho hi\n");
    assert_eq!(df.errors.len(), 1);
    assert!(df.errors[0].message.contains("unterminated heredoc"));
    assert_eq!(df.instructions[1].heredocs[0].body.text(), "echo hi\n");
}

#[test]
fn no_heredoc_without_marker_word() {
    // `cat<<EOF` is one word and `<< EOF` has an empty name: BuildKit sees no heredoc.
    let df = parse("FROM a\nRUN cat<<EOF\nUSER x\n");
    assert!(df.instructions[1].heredocs.is_empty());
    assert_eq!(kw(&df).len(), 3);
    let df = parse("FROM a\nRUN [\"cat\", \"<<EOF\"]\nUSER x\n");
    assert!(df.instructions[1].heredocs.is_empty());
}

#[test]
fn flags_with_spans() {
    let src = "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nRUN --mount=type=cache,target=/root/.cache --network=host --security=insecure go build\nCOPY --from=b --chown=app:app --chmod=755 --link /out /bin/\nADD --checksum=sha256:abc https://x/y.tgz /y\nHEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost/ || exit 1\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let run = &df.instructions[1];
    assert_eq!(run.flags.len(), 3);
    assert_eq!(run.flag("network").unwrap().value.as_deref(), Some("host"));
    assert_eq!(
        run.flag("security").unwrap().span.text(src),
        "--security=insecure"
    );
    assert_eq!(
        run.flag("security").unwrap().value_span.unwrap().text(src),
        "insecure"
    );
    let copy = &df.instructions[2];
    assert_eq!(copy.flags.len(), 4);
    assert!(copy.flag("link").unwrap().value.is_none());
    match &copy.args {
        Args::Paths { sources, dest } => {
            assert_eq!(sources[0].text, "/out");
            assert_eq!(dest.as_ref().unwrap().text, "/bin/");
        }
        other => panic!("{other:?}"),
    }
    match &df.instructions[4].args {
        Args::Healthcheck(Healthcheck::Cmd(CommandForm::Shell(l))) => {
            assert_eq!(l.text(), "curl -f http://localhost/ || exit 1")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn env_label_arg_forms() {
    let src = "ARG A B=2\nFROM x\nENV PATH=/a:$PATH FOO=\"a b\"\nENV LEGACY some value here\nLABEL a=b \"c d\"=e\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let kv = df.instructions[0].key_values();
    assert_eq!(kv.len(), 2);
    assert!(kv[0].value.is_none());
    let kv = df.instructions[2].key_values();
    assert_eq!(kv[1].key.text, "FOO");
    assert_eq!(kv[1].value.as_ref().unwrap().text, "\"a b\"");
    let kv = df.instructions[3].key_values();
    assert_eq!(kv[0].value.as_ref().unwrap().text, "some value here");
    let df = parse("FROM x\nENV A=1 B\n");
    assert_eq!(df.errors.len(), 1);
    assert!(df.errors[0].syntax);
}

#[test]
fn onbuild_wraps_instructions() {
    let df = parse("FROM x\nONBUILD RUN curl x | sh\nONBUILD COPY . /app\n");
    assert!(df.errors.is_empty());
    let inner = df.instructions[1].onbuild_inner().unwrap();
    assert_eq!(inner.keyword, Keyword::Run);
    assert_eq!(
        df.instructions[2].onbuild_inner().unwrap().keyword,
        Keyword::Copy
    );
    let df = parse("FROM x\nONBUILD ONBUILD RUN x\n");
    assert_eq!(df.errors.len(), 1);
}

#[test]
fn a_bad_line_does_not_hide_the_rest() {
    let src = "FROM x\nBOGUS stuff\nHEALTHCHECK WHAT\nENV A=1 B\nUSER root\n";
    let df = parse(src);
    assert_eq!(df.instructions.len(), 5);
    assert_eq!(df.errors.len(), 3);
    assert_eq!(df.errors[0].span.text(src), "BOGUS");
    assert!(!df.errors[0].syntax);
    assert_eq!(df.instructions[4].keyword, Keyword::User);
}

#[test]
fn hostile_inputs_do_not_panic() {
    for src in [
        "",
        "\\",
        "RUN \\",
        "FROM",
        "RUN <<",
        "RUN <<\"",
        "ENV",
        "ENV =",
        "COPY [",
        "\u{feff}",
        "# escape=`\nRUN `",
        "RUN [\"\\ud800\"]",
        "ONBUILD",
        "HEALTHCHECK",
        "\r\r\r\n\n",
        "FROM a AS",
        "ARG ${",
    ] {
        let df = parse(src);
        let _ = Model::build(&df, &BTreeMap::new(), None);
    }
    let deep = "ONBUILD ".repeat(50_000) + "RUN x";
    let df = parse(&deep);
    assert_eq!(df.instructions.len(), 1);
}

#[test]
fn model_resolves_args_and_stages() {
    let src = "ARG BASE=alpine\nARG TAG\nARG RUNAS=0\nFROM ${BASE}:${TAG:-3.20} AS build\nENV APP=/app\nFROM build AS final\nARG RUNAS\nUSER ${RUNAS}\nFROM scratch AS other\n";
    let df = parse(src);
    let m = Model::build(&df, &BTreeMap::new(), Some("final"));
    assert_eq!(m.stages.len(), 3);
    assert_eq!(m.stages[0].base.value, "alpine:3.20");
    assert_eq!(m.stages[0].base.unresolved, vec!["TAG".to_string()]);
    assert_eq!(m.stages[1].parent, Some(0));
    assert_eq!(m.target, Some(1));
    let scope = m.final_scope(1).unwrap();
    assert_eq!(scope.user.as_ref().unwrap().0.resolved(), Some("0"));
    assert_eq!(scope.expand("$APP").resolved(), Some("/app"));
    assert!(m.stages[2].scratch);
    let used = m.target_closure(&df);
    assert_eq!(used, vec![true, true, false]);

    let mut args = BTreeMap::new();
    args.insert("RUNAS".to_string(), "1000".to_string());
    args.insert("TAG".to_string(), "3.19".to_string());
    let m = Model::build(&df, &args, None);
    assert_eq!(m.stages[0].base.resolved(), Some("alpine:3.19"));
    assert_eq!(
        m.final_scope(1)
            .unwrap()
            .user
            .as_ref()
            .unwrap()
            .0
            .resolved(),
        Some("1000")
    );
    assert_eq!(m.target, Some(2));
}

#[test]
fn env_wins_over_later_arg_and_unknown_args_stay_unknown() {
    let df = parse("FROM x\nENV U=app\nARG U=root\nARG V\nUSER $U\nWORKDIR $V/x\n");
    let m = Model::build(&df, &BTreeMap::new(), None);
    let s = m.final_scope(0).unwrap();
    assert_eq!(s.expand("$U").resolved(), Some("app"));
    assert!(!s.expand("$V").is_resolved());
    assert!(!s.expand("$GOPATH").is_resolved());
}

#[test]
fn windows_stages_are_not_posix() {
    let df = parse("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\n");
    let m = Model::build(&df, &BTreeMap::new(), None);
    assert!(!m.final_scope(0).unwrap().posix_shell());
    let df = parse("FROM debian\nSHELL [\"powershell\", \"-Command\"]\n");
    let m = Model::build(&df, &BTreeMap::new(), None);
    assert!(!m.final_scope(0).unwrap().posix_shell());
    let df = parse("FROM debian\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n");
    let m = Model::build(&df, &BTreeMap::new(), None);
    assert!(m.final_scope(0).unwrap().posix_shell());
    assert!(m.final_scope(0).unwrap().shell_pipefail());
}

#[test]
fn pipefail_in_combined_shell_flags() {
    for (shell, on) in [
        ("[\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]", true),
        ("[\"/bin/bash\", \"-euxo\", \"pipefail\", \"-c\"]", true),
        ("[\"/bin/bash\", \"-c\"]", false),
        ("[\"/bin/bash\", \"--posix\", \"pipefail\", \"-c\"]", false),
    ] {
        let df = parse(&format!("FROM debian\nSHELL {shell}\n"));
        let m = Model::build(&df, &BTreeMap::new(), None);
        assert_eq!(m.final_scope(0).unwrap().shell_pipefail(), on, "{shell}");
    }
}

/// Regressions found by fuzzing (fuzz/regressions): expansions that grow without
/// bound must stop at the value limit and be reported as unresolved.
#[test]
fn exponential_expansions_are_bounded() {
    use hullguard_dockerfile::expand::MAX_VALUE;
    let doubling = format!(
        "FROM a\nENV A=x\n{}USER $A\n",
        "ENV A=$A$A$A$A$A$A$A$A$A$A\n".repeat(40)
    );
    let df = parse(&doubling);
    let m = Model::build(&df, &BTreeMap::new(), None);
    let user = &m.final_scope(0).unwrap().user.as_ref().unwrap().0;
    assert!(!user.is_resolved());
    assert!(user.value.len() <= MAX_VALUE);

    let nested = format!(
        "FROM a\nENV a=wwwwwwww\nENV b={}x{}\nUSER $b\n",
        "${a//w/".repeat(12),
        "}".repeat(12)
    );
    let df = parse(&nested);
    let m = Model::build(&df, &BTreeMap::new(), None);
    let user = &m.final_scope(0).unwrap().user.as_ref().unwrap().0;
    assert!(!user.is_resolved());

    let quadratic = format!(
        "FROM a\nENV A=xxxxxxxxxxxxxxxx\n{}ENV B=${{A##*y}}\nUSER $B\n",
        "ENV A=$A$A\n".repeat(12)
    );
    let df = parse(&quadratic);
    let m = Model::build(&df, &BTreeMap::new(), None);
    assert!(m.final_scope(0).unwrap().user.is_some());

    // Many expanding lines share one budget per file.
    let many = format!(
        "FROM a\nENV A={}\n{}",
        "x".repeat(60_000),
        "ENV B=${A%%*y}$A$A\n".repeat(5_000)
    );
    let df = parse(&many);
    let _ = Model::build(&df, &BTreeMap::new(), None);
}

#[test]
fn fuzz_regressions_parse() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let Ok(targets) = std::fs::read_dir(&dir) else {
        return;
    };
    for target in targets.flatten() {
        for file in std::fs::read_dir(target.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let bytes = std::fs::read(file.path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            let df = parse(&text);
            let _ = Model::build(&df, &BTreeMap::new(), None);
            let _ = hullguard_dockerfile::expand::expand(&text, '\\', &|_| None);
        }
    }
}

#[test]
fn windows_images_are_recognised() {
    use hullguard_dockerfile::model::is_windows_image;
    for image in [
        "mcr.microsoft.com/windows/servercore:ltsc2022",
        "mcr.microsoft.com/dotnet/framework/sdk:4.8-windowsservercore-ltsc2019",
        "stefanscherer/node-windows:10",
        "stefanscherer/node-windows:6.9.4-nano-onbuild",
        "mcr.microsoft.com/powershell:lts-nanoserver-1809",
        "python:3.12-windowsservercore",
    ] {
        assert!(is_windows_image(image), "{image}");
    }
    for image in [
        "debian:12",
        "nanomq/nanomq:0.21",
        "node:22-slim",
        "registry:5000/team/app",
    ] {
        assert!(!is_windows_image(image), "{image}");
    }
}

/// Found by stress testing: each stage built FROM the previous one copies its
/// variables; a long chain must stay bounded by the file's budget.
#[test]
fn long_stage_chains_are_bounded() {
    let src: String = (1..4000)
        .map(|i| format!("FROM s{} AS s{i}\nENV X{i}=1\n", i - 1))
        .collect();
    let df = parse(&src);
    let m = Model::build(&df, &BTreeMap::new(), None);
    assert_eq!(m.stages.len(), 3999);
}

#[test]
fn json_arrays_of_non_strings_are_errors_as_in_buildkit() {
    let df = parse(
        "FROM a\nCMD [\"a\", 1]\nVOLUME [\"/x\", [\"y\"]]\nRUN [not json\nCMD [\"ok\", null]\n",
    );
    let msgs: Vec<&str> = df.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        msgs, ["arrays must be comprised of strings only"; 2],
        "{msgs:?}"
    );
    assert!(df.errors.iter().all(|e| e.syntax));
    // Bare or unknown HEALTHCHECK types pass BuildKit's parser; the build rejects them.
    let df = parse("FROM a\nHEALTHCHECK\nHEALTHCHECK CONNECT x\n");
    assert_eq!(df.errors.len(), 2);
    assert!(df.errors.iter().all(|e| !e.syntax));
}
