//! Snapshots of every format for the same run, plus structural checks that a
//! snapshot alone would not make obvious (JSON field presence, JUnit counts and
//! well-formedness).

// Tests may panic on broken expectations.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use hullguard_report::{
    json_value, write_json, write_junit, write_report, write_text, Format, TextOptions,
};
use serde_json::Value;

fn render(format: Format, options: TextOptions, run: &common::Run) -> String {
    let mut out = Vec::new();
    write_report(&run.report(), format, &options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

const PLAIN: TextOptions = TextOptions {
    color: false,
    show_source: true,
};

#[test]
fn text_snapshot() {
    let text = render(Format::Text, PLAIN, &common::run());
    assert!(!text.contains('\x1b'), "colour without being asked");
    assert!(!text.contains('\r'));
    insta::assert_snapshot!("text", text);
}

#[test]
fn text_color_snapshot() {
    let options = TextOptions {
        color: true,
        show_source: true,
    };
    let text = render(Format::Text, options, &common::run());
    assert!(text.contains("\x1b[1;35mDF003 [critical]\x1b[0m"));
    insta::assert_snapshot!("text_color", text);
}

#[test]
fn text_concise_snapshot() {
    let options = TextOptions {
        color: false,
        show_source: false,
    };
    insta::assert_snapshot!(
        "text_concise",
        render(Format::Text, options, &common::run())
    );
}

#[test]
fn text_clean_run() {
    let text = render(Format::Text, PLAIN, &common::clean_run());
    assert_eq!(text, "No findings in 2 files\n");
}

#[test]
fn text_summary_counts() {
    let text = render(Format::Text, PLAIN, &common::run());
    let summary = text.lines().last().unwrap();
    assert_eq!(
        summary,
        "Found 7 findings (2 critical, 2 high, 1 medium, 1 low, 1 info) in 3 files; 2 errors"
    );
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("json", render(Format::Json, PLAIN, &common::run()));
}

#[test]
fn json_fields_are_present_exactly_when_documented() {
    let run = common::run();
    let mut out = Vec::new();
    write_json(&run.report(), &mut out).unwrap();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc, json_value(&run.report()).unwrap());

    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "hullguard");
    assert_eq!(doc["summary"]["findings"], 7);
    assert_eq!(doc["summary"]["errors"], 2);
    assert_eq!(doc["summary"]["files"], 3);
    assert_eq!(doc["summary"]["by_severity"]["critical"], 2);

    let keys = |v: &Value| -> Vec<String> {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort_unstable();
        keys
    };
    let findings = doc["findings"].as_array().unwrap();

    // File finding with help and a fix.
    let add = &findings[0];
    let mut expected = vec![
        "rule",
        "name",
        "severity",
        "cis",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "start_offset",
        "end_offset",
        "help",
        "fix",
        "fingerprint",
    ];
    expected.sort_unstable();
    assert_eq!(keys(add), expected);
    assert_eq!(add["cis"], serde_json::json!(["4.9"]));
    assert_eq!(
        keys(&add["fix"]["edits"][0]),
        [
            "column",
            "end_column",
            "end_line",
            "end_offset",
            "line",
            "replacement",
            "start_offset"
        ]
    );
    assert_eq!(add["fix"]["applicability"], "safe");

    // No help, no fix: the keys are absent, not null.
    let root = &findings[3];
    assert_eq!(root["rule"], "DF001");
    assert!(root.get("help").is_none() && root.get("fix").is_none());

    // Effective severity, not the rule default.
    assert_eq!(findings[2]["severity"], "high");
    assert_eq!(findings[2]["fix"]["applicability"], "unsafe");

    // Multi-line span: exclusive end on the last line.
    let curl = &findings[1];
    assert_eq!(
        (
            &curl["line"],
            &curl["column"],
            &curl["end_line"],
            &curl["end_column"]
        ),
        (
            &Value::from(3),
            &Value::from(5),
            &Value::from(4),
            &Value::from(7)
        )
    );

    // Column counts characters: `chmod` comes after a tab on the CRLF line 3.
    let chmod = &findings[5];
    assert_eq!(
        (&chmod["line"], &chmod["column"]),
        (&Value::from(3), &Value::from(5))
    );
    assert_eq!(chmod["cis"], serde_json::json!([]));

    // Object location: `object` and `pointer` instead of file positions.
    let object = &findings[6];
    assert_eq!(
        keys(object),
        [
            "cis",
            "fingerprint",
            "help",
            "message",
            "name",
            "object",
            "pointer",
            "rule",
            "severity"
        ]
    );
    assert_eq!(
        object["object"],
        serde_json::json!({"kind": "container", "name": "web"})
    );
    assert_eq!(object["pointer"], "/HostConfig/Privileged");

    assert_eq!(
        doc["errors"][0],
        serde_json::json!({"path": "broken/Dockerfile", "message": "cannot read file: permission denied"})
    );
}

#[test]
fn json_clean_run() {
    let run = common::clean_run();
    let doc = json_value(&run.report()).unwrap();
    assert_eq!(doc["findings"], serde_json::json!([]));
    assert_eq!(doc["errors"], serde_json::json!([]));
    assert_eq!(
        doc["summary"],
        serde_json::json!({"files": 2, "findings": 0, "errors": 0,
            "by_severity": {"critical": 0, "high": 0, "medium": 0, "low": 0, "info": 0}})
    );
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit", render(Format::Junit, PLAIN, &common::run()));
}

/// Parses the JUnit output with a real XML parser and checks every count
/// attribute against the elements actually present.
#[test]
fn junit_is_well_formed_and_counts_match() {
    use quick_xml::events::Event;

    let run = common::run();
    let mut out = Vec::new();
    write_junit(&run.report(), &mut out).unwrap();
    let xml = String::from_utf8(out).unwrap();

    let mut reader = quick_xml::Reader::from_str(&xml);
    reader.config_mut().check_end_names = true;
    let attr = |e: &quick_xml::events::BytesStart, name: &str| -> String {
        e.try_get_attribute(name)
            .unwrap()
            .map(|a| {
                a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                    .unwrap()
                    .into_owned()
            })
            .unwrap_or_default()
    };
    let (mut cases, mut failures, mut errors) = (0, 0, 0);
    let mut suites: Vec<(String, usize, usize, usize, usize, usize, usize)> = Vec::new();
    let mut root = (0, 0, 0);
    let mut failure_messages = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "testsuites" => {
                    root = (
                        attr(&e, "tests").parse().unwrap(),
                        attr(&e, "failures").parse().unwrap(),
                        attr(&e, "errors").parse().unwrap(),
                    )
                }
                "testsuite" => {
                    suites.push((
                        attr(&e, "name"),
                        attr(&e, "tests").parse().unwrap(),
                        attr(&e, "failures").parse().unwrap(),
                        attr(&e, "errors").parse().unwrap(),
                        0,
                        0,
                        0,
                    ));
                }
                "testcase" => {
                    cases += 1;
                    suites.last_mut().unwrap().4 += 1;
                }
                "failure" => {
                    failures += 1;
                    suites.last_mut().unwrap().5 += 1;
                    failure_messages.push(attr(&e, "message"));
                }
                "error" => {
                    errors += 1;
                    suites.last_mut().unwrap().6 += 1;
                    failure_messages.push(attr(&e, "message"));
                }
                _ => {}
            },
            _ => {}
        }
    }
    assert_eq!(root, (cases, failures, errors));
    for (name, tests, f, e, seen_tests, seen_f, seen_e) in &suites {
        assert_eq!((tests, f, e), (seen_tests, seen_f, seen_e), "suite {name}");
    }
    let names: Vec<&str> = suites.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "Dockerfile",
            "services/web app/Dockerfile",
            "compose.yml",
            "container/web",
            "broken/Dockerfile",
            "weird.yml"
        ]
    );
    // 4 analysed suites x 8 rules + 2 error cases.
    assert_eq!(root, (34, 7, 2));
    // Escaped text survives the round trip; the illegal U+0001 became U+FFFD.
    assert!(failure_messages
        .contains(&"invalid YAML at <line 3>: expected \"key\" & 'value'\u{fffd}".to_owned()));
}

#[test]
fn write_text_matches_write_report() {
    let run = common::run();
    let mut direct = Vec::new();
    write_text(&run.report(), &PLAIN, &mut direct).unwrap();
    assert_eq!(
        String::from_utf8(direct).unwrap(),
        render(Format::Text, PLAIN, &run)
    );
}

#[test]
fn writer_errors_are_typed() {
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "closed",
            ))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let run = common::run();
    for format in Format::ALL {
        let err = write_report(&run.report(), format, &PLAIN, &mut Broken).unwrap_err();
        match err {
            hullguard_report::ReportError::Write { format: f, source } => {
                assert_eq!(f, format);
                assert_eq!(source.kind(), std::io::ErrorKind::BrokenPipe);
            }
            other => panic!("unexpected error {other:?}"),
        }
    }
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!("sarif", render(Format::Sarif, PLAIN, &common::run()));
}

#[test]
fn junit_groups_several_findings_of_one_rule() {
    use hullguard_diagnostics::{Finding, Location, Severity, SourceFile, Span};

    let file = SourceFile::new("Dockerfile", "USER root\nUSER 0\n");
    let run = common::Run {
        findings: vec![
            Finding::new(
                &common::ROOT_USER,
                Location::file(&file, Span::new(5, 9)),
                "a",
            ),
            Finding::new(
                &common::ROOT_USER,
                Location::file(&file, Span::new(15, 16)),
                "b",
            )
            .with_severity(Severity::Critical),
        ],
        files: vec![file],
        errors: Vec::new(),
    };
    let xml = render(Format::Junit, PLAIN, &run);
    assert!(xml.contains(
        "<failure message=\"2 findings\" type=\"critical\">Dockerfile:1:6: [high] a\n\
         Dockerfile:2:6: [critical] b</failure>"
    ));
    assert!(xml.contains("<testsuites name=\"hullguard\" tests=\"8\" failures=\"1\" errors=\"0\">"));
}
