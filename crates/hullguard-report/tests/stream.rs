//! The streaming writer produces byte-for-byte the same report as the
//! whole-report writers, whatever the chunking.
#![allow(clippy::unwrap_used)]

mod common;

use hullguard_report::{write_json, write_text, Format, StreamWriter, TextOptions};

fn streamed(format: Format, options: TextOptions, run: &common::Run, chunk: usize) -> String {
    let report = run.report();
    let mut out = Vec::new();
    {
        let mut w = StreamWriter::begin(format, options, report.tool_version, &mut out).unwrap();
        for c in report.findings.chunks(chunk.max(1)) {
            w.findings(c).unwrap();
        }
        w.finish(report.errors, report.files_scanned).unwrap();
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn streaming_matches_whole_report() {
    for run in [common::run(), common::clean_run()] {
        let report = run.report();
        for options in [
            TextOptions {
                color: false,
                show_source: true,
            },
            TextOptions {
                color: true,
                show_source: true,
            },
            TextOptions {
                color: false,
                show_source: false,
            },
        ] {
            let mut whole = Vec::new();
            write_text(&report, &options, &mut whole).unwrap();
            for chunk in [1, 2, 100] {
                assert_eq!(
                    streamed(Format::Text, options, &run, chunk),
                    String::from_utf8(whole.clone()).unwrap()
                );
            }
        }
        let mut whole = Vec::new();
        write_json(&report, &mut whole).unwrap();
        for chunk in [1, 3, 100] {
            assert_eq!(
                streamed(Format::Json, TextOptions::default(), &run, chunk),
                String::from_utf8(whole.clone()).unwrap()
            );
        }
    }
}

#[test]
fn sarif_and_junit_do_not_stream() {
    assert!(!StreamWriter::supports(Format::Sarif));
    assert!(!StreamWriter::supports(Format::Junit));
    let mut out = Vec::new();
    assert!(StreamWriter::begin(Format::Sarif, TextOptions::default(), "0", &mut out).is_err());
}
