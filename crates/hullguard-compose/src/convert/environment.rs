//! `environment:` and `env_file:`. Env files are read (bounded) relative to the
//! service's directory, and their variables point into the env file itself.

use super::files::resolve;
use super::read::{compose_bool, kind_of, EntryValue, Read};
use super::Cx;
use crate::node::{Node, Value};
use hullguard_container::{At, EnvVar, Problem};
use hullguard_diagnostics::Location;
use std::collections::HashMap;
use std::path::PathBuf;

impl Cx<'_> {
    /// `environment:` as a mapping or a list of `KEY=VALUE` / `KEY`. A variable
    /// without a value (`KEY`, `KEY:`) takes the caller's environment at run
    /// time: its value is `None`, as is an unresolved one (also recorded as
    /// unresolved).
    pub(super) fn environment(&mut self, node: &Node) {
        for e in self.entries("environment", node) {
            let value = match e.value {
                EntryValue::Text(v) => Some(v),
                EntryValue::Missing => None,
                EntryValue::Unknown => {
                    self.unresolved("environment", e.at.clone());
                    None
                }
            };
            self.spec.env.push(At::new(
                EnvVar {
                    name: e.name,
                    value,
                },
                e.at,
            ));
        }
    }

    /// `env_file:` as a path, a list of paths, or a list of `{path, required}`.
    pub(super) fn env_files(&mut self, node: &Node) {
        // What earlier env files set, for `${VAR}` in later ones (compose looks
        // in the environment first, then there).
        let mut earlier = HashMap::new();
        for item in self.items("env_file", node, true) {
            let at = item.location();
            let (path_node, required) = match &item.value {
                Value::Scalar(_) => (item, true),
                Value::Map(_) => {
                    let Some(p) = item.get("path") else {
                        self.problem(at, "env file without a `path`");
                        continue;
                    };
                    let required = match item.get("required") {
                        None => true,
                        Some(r) => {
                            match &r.value {
                                Value::Null => true,
                                Value::Scalar(s) => match compose_bool(&s.text) {
                                    Some(b) => b,
                                    None => {
                                        self.problem(
                                            r.location(),
                                            format!(
                                                "`env_file.required`: `{}` is not a boolean",
                                                s.text
                                            ),
                                        );
                                        // Read it either way; only a missing file differs.
                                        true
                                    }
                                },
                                _ => true,
                            }
                        }
                    };
                    (p, required)
                }
                _ => {
                    self.problem(
                        at.clone(),
                        format!(
                            "an env file must be a path or a mapping, not {}",
                            kind_of(item)
                        ),
                    );
                    self.unresolved("env_file", at);
                    continue;
                }
            };
            let written = match self.scalar("env_file.path", path_node) {
                Read::Text(t, _) => t.to_string(),
                Read::Absent => continue,
                Read::Unknown(_) => {
                    self.unresolved("env_file", at);
                    continue;
                }
            };
            let path = PathBuf::from(resolve(&self.service.dir, &written, self.home()));
            self.spec
                .env_files
                .push(At::new(path.to_string_lossy().into_owned(), at.clone()));
            self.read_env_file(&path, &written, required, at, &mut earlier);
        }
    }

    fn read_env_file(
        &mut self,
        path: &std::path::Path,
        written: &str,
        required: bool,
        at: Location,
        earlier: &mut HashMap<String, String>,
    ) {
        let service: &crate::project::Service = self.service;
        let display = super::files::display_path(&service.key.file.path, &service.dir, path);
        // The loader may have read this file already (it lists every file it read).
        let known = self
            .project
            .files
            .iter()
            .find(|f| f.path == display)
            .cloned();
        let file = match known {
            Some(f) => f,
            None => match self.files.read(path, &display) {
                Ok(f) => f,
                Err(super::files::ReadError::Missing) if !required => return,
                Err(e) => {
                    let message = format!("env file `{written}` {}", e.describe());
                    if matches!(e, super::files::ReadError::Missing) {
                        // Env files often hold secrets and stay out of the
                        // repository: what they set is unknown, not wrong.
                        self.problems.push(Problem::unresolved(at.clone(), message));
                    } else {
                        self.problem(at.clone(), message);
                    }
                    self.unresolved("env_file", at);
                    return;
                }
            },
        };
        // Parsing is charged: a large env file shared by many services is
        // parsed once per service.
        if !self.files.spend(file.text.len()) {
            self.problem(
                at.clone(),
                format!(
                    "env file `{written}` {}",
                    super::files::ReadError::WorkExhausted.describe()
                ),
            );
            self.unresolved("env_file", at);
            return;
        }
        let env = &self.project.env;
        let seen = &*earlier;
        let lookup = |name: &str| env.get(name).or_else(|| seen.get(name)).cloned();
        let (entries, problems) = crate::env::parse_env_file(&file, &lookup);
        self.problems.extend(problems);
        for e in entries {
            let at = Location::file(&file, e.span);
            // A value with an unresolved `${VAR}` holds what compose would use
            // with the variable empty: not to be trusted.
            let value = match e.unresolved {
                Some(_) => {
                    self.unresolved("environment", at.clone());
                    None
                }
                None => e.value,
            };
            if let Some(v) = &value {
                earlier.insert(e.name.clone(), v.clone());
            }
            self.spec.env.push(At::new(
                EnvVar {
                    name: e.name,
                    value,
                },
                at,
            ));
        }
    }
}
