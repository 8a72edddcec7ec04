#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Dotenv files read as compose-go's `dotenv` parser reads them, with spans.

use hullguard_compose::env::{parse_env_file, EnvEntry};
use hullguard_diagnostics::{SourceFile, Span};
use std::collections::HashMap;

fn env_file(text: &str, outer: &[(&str, &str)]) -> (Vec<EnvEntry>, Vec<String>) {
    let file = SourceFile::new(".env", text);
    let outer: HashMap<String, String> = outer
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let lookup = |k: &str| outer.get(k).cloned();
    let (entries, problems) = parse_env_file(&file, &lookup);
    (entries, problems.into_iter().map(|p| p.message).collect())
}

fn values(entries: &[EnvEntry]) -> Vec<(&str, Option<&str>)> {
    entries
        .iter()
        .map(|e| (e.name.as_str(), e.value.as_deref()))
        .collect()
}

#[test]
fn dotenv_forms() {
    let text = "\u{feff}# comment\n\nA=1\nexport B = two words  # trailing comment\nC: yaml-style\n  D=indented\nE=\nF=a#not-a-comment\nINHERITED\nG='single $A \\n'\nH=\"double $A\\n\\t\\\"q\\\" \\$A \\\\\"\nI=\"multi\nline\"\nJ='it\\'s'\nK=${A}-${NOPE:-dflt}\nLAST_INHERITED";
    let (entries, problems) = env_file(text, &[("INHERITED", "from-env")]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        values(&entries),
        vec![
            ("A", Some("1")),
            ("B", Some("two words")),
            ("C", Some("yaml-style")),
            ("D", Some("indented")),
            ("E", Some("")),
            ("F", Some("a#not-a-comment")),
            ("INHERITED", None),
            ("G", Some("single $A \\n")),
            ("H", Some("double 1\n\t\"q\" $A \\")),
            ("I", Some("multi\nline")),
            ("J", Some("it's")),
            ("K", Some("1-dflt")),
            ("LAST_INHERITED", None),
        ]
    );
}

#[test]
fn dotenv_spans() {
    let text = "# é\nexport NAME=\"val ue\" # c\nOTHER=x y \nBARE\n";
    let (entries, _) = env_file(text, &[]);
    let name = &entries[0];
    assert_eq!(name.span.text(text), "export NAME=\"val ue\"");
    assert_eq!(name.value_span.unwrap().text(text), "\"val ue\"");
    let other = &entries[1];
    assert_eq!(other.value_span.unwrap().text(text), "x y");
    assert_eq!(other.span.text(text), "OTHER=x y");
    let bare = &entries[2];
    assert_eq!(bare.span.text(text), "BARE");
    assert_eq!(bare.value_span, None);
    // Byte offsets, past the two-byte `é`.
    assert_eq!(name.span, Span::new(5, 25));
}

#[test]
fn dotenv_expansion_prefers_the_outer_lookup() {
    // compose-go looks a name up in the process environment (and earlier env
    // files) before the entries of the file being read.
    let (entries, _) = env_file("A=file\nB=${A}\n", &[("A", "process")]);
    assert_eq!(
        values(&entries),
        vec![("A", Some("file")), ("B", Some("process"))]
    );
}

#[test]
fn dotenv_escapes_in_double_quotes() {
    let (entries, _) = env_file("A=\"\\0101\\0777\\01\\c\\x\\a\"\n", &[]);
    // `\0101` is octal `A`; `\0777` is above 0o377 and `\01` too short: kept;
    // `\c` and `\x` are kept as written; `\a` is BEL.
    assert_eq!(entries[0].value.as_deref(), Some("A\\0777\\01\\c\\x\u{7}"));
}

#[test]
fn dotenv_unresolved_values_are_flagged() {
    let (entries, problems) = env_file("A=${NOPE}x\nB=${A}\n", &[]);
    assert_eq!(
        entries[0].unresolved.as_deref(),
        Some("variable `NOPE` is not set")
    );
    // What docker compose would use (the unset variable empty), flagged.
    assert_eq!(entries[0].value.as_deref(), Some("x"));
    // A later reference does not see the untrusted value.
    assert_eq!(
        entries[1].unresolved.as_deref(),
        Some("variable `A` is not set")
    );
    assert_eq!(problems.len(), 2);
}

#[test]
fn dotenv_errors_skip_the_line_and_go_on() {
    let (entries, problems) = env_file("BAD KEY=1\nA=1\nB%=2\nC=\"unterminated\nD=4\n", &[]);
    assert_eq!(
        problems,
        vec![
            "variable name cannot contain a space",
            "unexpected character `%` in variable name",
            "unterminated quoted value",
        ]
    );
    assert_eq!(values(&entries), vec![("A", Some("1")), ("D", Some("4"))]);
}
