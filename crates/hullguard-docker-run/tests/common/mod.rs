//! Helpers shared by the integration tests: parse a command line or a script, and read
//! back the text a location points at.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::sync::Arc;

use hullguard_container::{At, ContainerSpec, Setting};
use hullguard_diagnostics::{Location, SourceFile, Span};
use hullguard_docker_run::{find_in_script, RunCommand, ScriptScan};

pub fn file(text: &str) -> Arc<SourceFile> {
    SourceFile::new("test.sh", text)
}

pub fn scan(text: &str) -> (Arc<SourceFile>, ScriptScan) {
    let f = file(text);
    let s = find_in_script(&f);
    (f, s)
}

/// The only `docker run` command of `text`.
pub fn one(text: &str) -> (Arc<SourceFile>, RunCommand) {
    let (f, s) = scan(text);
    assert_eq!(
        s.commands.len(),
        1,
        "expected one command in {text:?}: {:#?}",
        s.commands
    );
    let c = s.commands.into_iter().next().unwrap();
    (f, c)
}

/// The spec of the only command, which must parse without problems.
pub fn clean(text: &str) -> ContainerSpec {
    let (_, c) = one(text);
    assert!(
        c.problems.is_empty(),
        "problems in {text:?}: {:?}",
        messages(&c)
    );
    c.spec
}

pub fn messages(c: &RunCommand) -> Vec<String> {
    c.problems.iter().map(|p| p.message.clone()).collect()
}

pub fn span(loc: &Location) -> Span {
    match loc {
        Location::File { span, .. } => *span,
        Location::Object { .. } => panic!("not a file location: {loc:?}"),
    }
}

/// The source text a location points at.
pub fn text_at(loc: &Location) -> String {
    match loc {
        Location::File { file, span } => file.text.get(span.range()).unwrap().to_owned(),
        Location::Object { .. } => panic!("not a file location: {loc:?}"),
    }
}

/// The value of a setting, which must be known.
pub fn get<T: Clone + std::fmt::Debug>(s: &Setting<T>) -> T {
    match s {
        Setting::Set(a) => a.value.clone(),
        other => panic!("setting not known: {other:?}"),
    }
}

/// The text at a known setting's location.
pub fn at_text<T: std::fmt::Debug>(s: &Setting<T>) -> String {
    match s {
        Setting::Set(a) => text_at(&a.at),
        Setting::Unknown(at) => text_at(at),
        Setting::Unset => panic!("setting unset"),
    }
}

pub fn values<T: Clone>(list: &[At<T>]) -> Vec<T> {
    list.iter().map(|a| a.value.clone()).collect()
}

pub fn texts<T>(list: &[At<T>]) -> Vec<String> {
    list.iter().map(|a| text_at(&a.at)).collect()
}

/// The unresolved field names, in order.
pub fn unresolved(spec: &ContainerSpec) -> Vec<&'static str> {
    spec.unresolved.iter().map(|u| u.value).collect()
}
