#![no_main]
//! Loading arbitrary text as a compose file never panics, stays bounded, and
//! every node and problem it returns points inside its file on character
//! boundaries. The same text is also read as YAML documents and as a dotenv
//! file.

use hullguard_compose::env::parse_env_file;
use hullguard_compose::loader::load_str;
use hullguard_compose::node::{Node, Value};
use hullguard_compose::yaml::parse_yaml_documents;
use hullguard_diagnostics::{Location, SourceFile, Span};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

fn check_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end,
        "{what}: {span:?} starts after its end"
    );
    assert!(
        span.end <= text.len(),
        "{what}: {span:?} ends past the text ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: {span:?} is not on character boundaries"
    );
}

fn check_node(node: &Node, depth: usize) {
    assert!(depth < 1_000, "node tree deeper than any limit allows");
    check_span(&node.file.text, node.span, "node");
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|n| check_node(n, depth + 1)),
        Value::Map(entries) => entries.iter().for_each(|(k, v)| {
            check_node(k, depth + 1);
            assert!(k.as_str().is_some(), "mapping key is not a scalar");
            check_node(v, depth + 1);
        }),
        Value::Null | Value::Scalar(_) | Value::Unknown(_) => {}
    }
}

fn check_location(at: &Location) {
    if let Location::File { file, span } = at {
        check_span(&file.text, *span, "problem");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new("compose.yaml", text);

    let (docs, problems) = parse_yaml_documents(&file);
    for doc in &docs {
        check_node(&doc.root, 0);
    }
    problems.iter().for_each(|p| check_location(&p.at));

    let env: BTreeMap<String, String> = [("SET", "value"), ("EMPTY", "")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let project = load_str(file.clone(), None, &env);
    for service in &project.services {
        check_node(&service.key, 0);
        check_node(&service.node, 0);
    }
    for top in [
        &project.volumes,
        &project.networks,
        &project.secrets,
        &project.configs,
    ]
    .into_iter()
    .flatten()
    {
        check_node(top, 0);
    }
    project.problems.iter().for_each(|p| check_location(&p.at));

    let lookup = |k: &str| env.get(k).cloned();
    let (entries, problems) = parse_env_file(&file, &lookup);
    for entry in &entries {
        check_span(text, entry.span, "env entry");
        if let Some(span) = entry.value_span {
            check_span(text, span, "env value");
        }
        assert!(!entry.name.is_empty(), "env entry without a name");
    }
    problems.iter().for_each(|p| check_location(&p.at));
});
