//! Validates real SARIF output against the official OASIS SARIF 2.1.0 schema
//! (kept outside the repository, in the shared workspace that CI provides).

// Tests may panic on broken expectations.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use hullguard_report::{write_sarif, Report};
use serde_json::{json, Value};

const SCHEMA_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/schemas/sarif-schema-2.1.0.json"
);

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(SCHEMA_PATH).unwrap_or_else(|err| {
        panic!(
            "the official SARIF 2.1.0 schema is required at {SCHEMA_PATH} ({err}); \
             CI provides it in the shared workspace (shared/schemas/)"
        )
    });
    let schema: Value = serde_json::from_str(&text).expect("the SARIF schema is valid JSON");
    assert_eq!(
        schema["$schema"], "http://json-schema.org/draft-04/schema#",
        "the SARIF 2.1.0 schema is a draft-04 schema"
    );
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn sarif(report: &Report) -> Value {
    let mut out = Vec::new();
    write_sarif(report, &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF output is invalid:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_output_is_valid_against_the_official_schema() {
    let validator = validator();
    let run = common::run();
    let doc = sarif(&run.report());
    assert_valid(&validator, &doc);

    // The document really contains every shape, so validity is not vacuous.
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 7);
    assert!(results.iter().any(|r| r["fixes"].is_array()));
    assert!(results
        .iter()
        .any(|r| r["locations"][0]["logicalLocations"].is_array()));
    assert!(results.iter().any(|r| {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        region["startLine"] != region["endLine"]
    }));
    let invocation = &doc["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let clean = common::clean_run();
    let doc = sarif(&clean.report());
    assert_valid(&validator, &doc);
    assert_eq!(doc["runs"][0]["results"], json!([]));
    assert_eq!(
        doc["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}

/// Proves the validator is live: small corruptions of a valid document are
/// rejected.
#[test]
fn invalid_sarif_is_rejected() {
    let validator = validator();
    let run = common::run();
    let valid = sarif(&run.report());
    assert!(validator.is_valid(&valid));

    type Corruption = (&'static str, fn(&mut Value));
    let corruptions: [Corruption; 6] = [
        ("missing version", |d| {
            d.as_object_mut().unwrap().remove("version");
        }),
        ("wrong version", |d| d["version"] = json!("2.0.0")),
        ("unknown top-level property", |d| d["extra"] = json!(1)),
        ("level outside the enum", |d| {
            d["runs"][0]["results"][0]["level"] = json!("critical")
        }),
        ("line 0", |d| {
            d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                json!(0)
        }),
        ("rule without id", |d| {
            d["runs"][0]["tool"]["driver"]["rules"][0]
                .as_object_mut()
                .unwrap()
                .remove("id");
        }),
    ];
    for (what, corrupt) in corruptions {
        let mut doc = valid.clone();
        corrupt(&mut doc);
        assert!(
            !validator.is_valid(&doc),
            "{what}: accepted by the validator"
        );
    }
}

#[test]
fn sarif_results_point_at_the_right_rules_and_regions() {
    let run = common::run();
    let doc = sarif(&run.report());
    let run0 = &doc["runs"][0];
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 8);
    for result in run0["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    let rule = &rules[0];
    assert_eq!(rule["id"], "DF001");
    assert_eq!(rule["name"], "root-user");
    assert_eq!(rule["shortDescription"]["text"], "the image runs as root");
    assert_eq!(
        rule["fullDescription"]["text"],
        "Flags images whose last `USER` is root."
    );
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    assert_eq!(rule["properties"]["security-severity"], "8.0");
    assert_eq!(rule["properties"]["cis"], json!(["4.1"]));

    let results = run0["results"].as_array().unwrap();
    // `chmod` in "services/web app/Dockerfile": encoded URI, column after a tab.
    let chmod = &results[5]["locations"][0]["physicalLocation"];
    assert_eq!(
        chmod["artifactLocation"]["uri"],
        "services/web%20app/Dockerfile"
    );
    assert_eq!(
        chmod["region"],
        json!({"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 19,
               "byteOffset": 52, "byteLength": 14})
    );
    // The unsafe fix deletes a whole line: its region ends at column 1 of the next.
    let fix = &results[2]["fixes"][0];
    assert_eq!(
        fix["description"]["text"],
        "Remove the `ENV` instruction (unsafe)"
    );
    assert_eq!(
        fix["artifactChanges"][0]["replacements"][0]["deletedRegion"],
        json!({"startLine": 5, "startColumn": 1, "endLine": 6, "endColumn": 1,
               "byteOffset": 94, "byteLength": 19})
    );
    let object = &results[6]["locations"][0]["logicalLocations"][0];
    assert_eq!(
        object,
        &json!({"name": "web", "kind": "container",
                "fullyQualifiedName": "container/web/HostConfig/Privileged"})
    );
    assert_eq!(
        results[6]["partialFingerprints"]["hullguard/v1"],
        "CT001:container:web"
    );
    // No fingerprint: no partialFingerprints at all.
    assert!(results[4].get("partialFingerprints").is_none());
}
