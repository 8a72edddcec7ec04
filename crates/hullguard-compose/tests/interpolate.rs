#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Interpolation exactly as compose-go's `template` package does it (the cases
//! mirror `template/template_test.go`), except that an unset variable is
//! reported as unresolved instead of becoming an empty string.

use hullguard_compose::interpolate::{interpolate, Interpolated};
use std::collections::HashMap;

fn env() -> HashMap<&'static str, &'static str> {
    HashMap::from([
        ("FOO", "first"),
        ("BAR", ""),
        ("TAG", "1.2"),
        ("lower", "low"),
        ("_UNDER", "u"),
        ("JSON", "{\"a\":1}"),
    ])
}

fn run(s: &str) -> Result<Interpolated, String> {
    let vars = env();
    let lookup = |k: &str| vars.get(k).map(|v| v.to_string());
    interpolate(s, &lookup)
}

fn value(s: &str) -> String {
    match run(s) {
        Ok(Interpolated::Value(v)) => v,
        other => panic!("{s:?}: expected a value, got {other:?}"),
    }
}

fn unresolved(s: &str) -> String {
    match run(s) {
        Ok(Interpolated::Unresolved(why)) => why,
        other => panic!("{s:?}: expected unresolved, got {other:?}"),
    }
}

fn syntax_error(s: &str) -> String {
    match run(s) {
        Err(e) => e,
        other => panic!("{s:?}: expected a syntax error, got {other:?}"),
    }
}

#[test]
fn plain_text_and_simple_variables() {
    assert_eq!(value("no variables"), "no variables");
    assert_eq!(value("$FOO"), "first");
    assert_eq!(value("${FOO}"), "first");
    assert_eq!(value("x${FOO}y$TAG-z"), "xfirsty1.2-z");
    assert_eq!(value("$lower ${_UNDER}"), "low u");
    assert_eq!(value("${BAR}"), "");
    // A name ends at the first character that cannot continue it.
    assert_eq!(value("$FOO.bar"), "first.bar");
    assert_eq!(value("${JSON}"), "{\"a\":1}");
}

#[test]
fn dollar_escapes_and_lone_dollars() {
    assert_eq!(value("$$"), "$");
    assert_eq!(value("$$FOO"), "$FOO");
    assert_eq!(value("$${FOO}"), "${FOO}");
    assert_eq!(value("a $ b"), "a $ b");
    assert_eq!(value("price: 5$"), "price: 5$");
    // `$1` and `$-` are not variables: the `$` stays.
    assert_eq!(value("$1 $- $."), "$1 $- $.");
    assert_eq!(value("$$$FOO"), "$first");
}

#[test]
fn unset_variable_is_unresolved_not_empty() {
    assert_eq!(unresolved("$NOPE"), "variable `NOPE` is not set");
    assert_eq!(unresolved("a ${NOPE} b"), "variable `NOPE` is not set");
    // The first unset variable is the reason.
    assert_eq!(
        unresolved("${NOPE1}${NOPE2}"),
        "variable `NOPE1` is not set"
    );
}

#[test]
fn defaults_distinguish_unset_and_empty() {
    // `:-` uses the default when unset or empty, `-` only when unset.
    assert_eq!(value("${NOPE:-def}"), "def");
    assert_eq!(value("${BAR:-def}"), "def");
    assert_eq!(value("${FOO:-def}"), "first");
    assert_eq!(value("${NOPE-def}"), "def");
    assert_eq!(value("${BAR-def}"), "");
    assert_eq!(value("${FOO-def}"), "first");
    assert_eq!(value("${NOPE:-}"), "");
    assert_eq!(value("${NOPE-}"), "");
    // Defaults may hold spaces, colons and dashes.
    assert_eq!(value("${NOPE:-a b:c-d}"), "a b:c-d");
    assert_eq!(value("${NOPE:-http://x}"), "http://x");
}

#[test]
fn replacements_when_set() {
    // `:+` replaces when set and not empty, `+` when set.
    assert_eq!(value("${FOO:+alt}"), "alt");
    assert_eq!(value("${BAR:+alt}"), "");
    assert_eq!(value("${NOPE:+alt}"), "");
    assert_eq!(value("${FOO+alt}"), "alt");
    assert_eq!(value("${BAR+alt}"), "alt");
    assert_eq!(value("${NOPE+alt}"), "");
}

#[test]
fn required_variables() {
    assert_eq!(
        unresolved("${NOPE:?tag is required}"),
        "required variable `NOPE` is missing a value: tag is required"
    );
    assert_eq!(
        unresolved("${BAR:?must not be empty}"),
        "required variable `BAR` is missing a value: must not be empty"
    );
    assert_eq!(value("${BAR?only unset fails}"), "");
    assert_eq!(
        unresolved("${NOPE?}"),
        "required variable `NOPE` is missing a value"
    );
    assert_eq!(value("${FOO:?x}"), "first");
    // The message is interpolated.
    assert_eq!(
        unresolved("${NOPE:?need $TAG}"),
        "required variable `NOPE` is missing a value: need 1.2"
    );
}

#[test]
fn nested_defaults() {
    assert_eq!(value("${NOPE:-${FOO}}"), "first");
    assert_eq!(value("${NOPE:-${NOPE2:-deep}}"), "deep");
    assert_eq!(value("${NOPE:-${NOPE2:-${TAG}}}"), "1.2");
    assert_eq!(
        value("${FOO:-${NOPE}}"),
        "first",
        "unused default is not evaluated"
    );
    assert_eq!(value("${NOPE:-x${FOO}y}-z"), "xfirsty-z");
    assert_eq!(
        unresolved("${NOPE:-${NOPE2}}"),
        "variable `NOPE2` is not set"
    );
    assert_eq!(value("${NOPE:-$FOO}"), "first");
    assert_eq!(value("${FOO:+${TAG}}"), "1.2");
}

#[test]
fn cases_from_compose_go_template_tests() {
    assert_eq!(value("+ok ${NOPE:-${BAR-defaultValue}}"), "+ok ");
    assert_eq!(value("ok ${NOPE-${FOO} ${FOO}}"), "ok first first");
    assert_eq!(value("ok ${BAR+$FOO ${FOO:+second}}"), "ok first second");
    assert_eq!(value("${NOPE-myerror?msg}"), "myerror?msg");
    assert_eq!(value("ok ${NOPE:-{\"json\":1}}"), "ok {\"json\":1}");
    assert_eq!(value("ok ${JSON-{\"json\":1}}"), "ok {\"a\":1}");
    assert_eq!(
        unresolved("not ok ${NOPE?Mandatory Variable ${FOO}}"),
        "required variable `NOPE` is missing a value: Mandatory Variable first"
    );
}

#[test]
fn several_braced_variables_on_one_line() {
    // The regexp's `.*` runs to the last `}` of the line; compose-go then cuts at
    // the first balanced `}` and interpolates the rest on its own.
    assert_eq!(value("${NOPE:-a}:${TAG}"), "a:1.2");
    assert_eq!(value("${NOPE-a} and ${FOO:-b}"), "a and first");
    assert_eq!(value("${FOO}/${NOPE:-x}/${TAG}"), "first/x/1.2");
    assert_eq!(value("${NOPE:-x}}"), "x}");
}

#[test]
fn brace_quirks_of_compose_go() {
    // The brace scan skips the character after every `{`, so `{}` inside a
    // default does not close it.
    assert_eq!(value("${NOPE:-{}}"), "{}");
    assert_eq!(value("${NOPE:-{x}}"), "{x}");
    // A default cannot cross a line break.
    assert!(syntax_error("${NOPE:-a\nb}").contains("invalid interpolation format"));
}

#[test]
fn invalid_templates_are_syntax_errors() {
    for bad in [
        "${",
        "${FOO",
        "${}",
        "${ FOO}",
        "${1FOO}",
        "${FOO:x}",
        "${FOO:}",
        "${FOO bar}",
        "${FOO-x",
        "prefix ${-x}",
    ] {
        let err = syntax_error(bad);
        assert_eq!(
            err,
            format!("invalid interpolation format in `{bad}` (write a literal `$` as `$$`)"),
        );
    }
    // An error in a default is only found when the default is used.
    assert_eq!(value("${FOO:-${}}"), "first");
    assert!(run("${NOPE:-${}}").is_err());
}

#[test]
fn name_syntax_follows_go_case_folding() {
    // `(?i)[_a-z]` in Go also matches the long s and the Kelvin sign.
    let lookup = |k: &str| (k == "ſK").then(|| "folded".to_string());
    assert_eq!(
        interpolate("$ſK!", &lookup),
        Ok(Interpolated::Value("folded!".into()))
    );
    // Other non-ASCII letters end a name.
    let lookup = |k: &str| (k == "A").then(|| "a".to_string());
    assert_eq!(
        interpolate("$Aé", &lookup),
        Ok(Interpolated::Value("aé".into()))
    );
}

#[test]
fn deep_nesting_is_bounded() {
    let mut s = String::new();
    for _ in 0..5000 {
        s.push_str("${NOPE:-");
    }
    s.push('x');
    for _ in 0..5000 {
        s.push('}');
    }
    let err = run(&s).unwrap_err();
    assert!(err.contains("nested deeper than"), "{err}");
}

#[test]
fn long_lines_stay_linear() {
    // Thousands of braced defaults on one line: each search for the closing
    // brace must not rescan the whole line.
    let s = "${NOPE-a}".repeat(200_000);
    let start = std::time::Instant::now();
    assert_eq!(value(&s), "a".repeat(200_000));
    assert!(start.elapsed().as_secs() < 5);
}
