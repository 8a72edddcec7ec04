//! Typed readers over YAML nodes, decoding values as compose-go does: booleans
//! in YAML 1.1 spellings, numbers written as strings, `list_or_dict` fields in
//! either form. A value of the wrong type becomes a [`Problem`] and an unknown
//! setting, an unresolved variable an unknown setting: neither is ever read as
//! empty.

use super::Cx;
use crate::node::{Node, Value};
use hullguard_container::{parse, Problem, Setting};
use hullguard_diagnostics::Location;

/// A scalar as read from a node.
pub(super) enum Read<'n> {
    /// `null` or an empty value: as if the key were not written.
    Absent,
    /// An unresolved variable, or a value of the wrong type (already reported).
    Unknown(Location),
    Text(&'n str, Location),
}

/// One entry of a `list_or_dict` field (`environment`, `sysctls`, `build.args`,
/// `labels`): `KEY=VALUE` / `KEY` list items, or `KEY: VALUE` mapping entries.
pub(super) struct Entry {
    pub name: String,
    pub value: EntryValue,
    /// The list item, or the mapping value (the key when the value is empty).
    pub at: Location,
}

pub(super) enum EntryValue {
    Text(String),
    /// `KEY` alone in a list, or a null mapping value.
    Missing,
    /// An unresolved variable in the value.
    Unknown,
}

/// Parses a boolean as compose-go does for boolean fields: YAML booleans, and
/// strings cast with its `toBoolean` (`loader/interpolate.go`), which also
/// accepts the YAML 1.1 forms `y`, `yes`, `on`, `n`, `no`, `off` in any case.
/// Numbers are not booleans: compose's schema rejects `privileged: 1`.
pub(super) fn compose_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "y" | "yes" | "on" => Some(true),
        "false" | "n" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Parses an integer as compose-go's `toInt64` (`strconv.ParseInt(s, 10, 64)`).
pub(super) fn compose_int(s: &str) -> Result<i64, String> {
    s.trim()
        .parse::<i64>()
        .map_err(|_| format!("`{s}` is not an integer"))
}

/// Parses a size as compose's `UnitBytes`: a plain integer (negative allowed,
/// `memswap_limit: -1`), else `512m`, `1gb`, `1.5g`.
pub(super) fn compose_bytes(s: &str) -> Result<i64, String> {
    match s.trim().parse::<i64>() {
        Ok(n) => Ok(n),
        Err(_) => parse::parse_bytes(s),
    }
}

/// A short description of a node's type for messages.
pub(super) fn kind_of(node: &Node) -> &'static str {
    match node.value {
        Value::Null => "null",
        Value::Scalar(_) => "a scalar",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
        Value::Unknown(_) => "an unresolved value",
    }
}

impl Cx<'_> {
    pub(super) fn problem(&mut self, at: Location, message: impl Into<String>) {
        self.problems.push(Problem::new(at, message));
    }

    /// Records that list field `field` could not be read completely.
    pub(super) fn unresolved(&mut self, field: &'static str, at: Location) {
        self.spec
            .unresolved
            .push(hullguard_container::At::new(field, at));
    }

    /// The scalar text of `node`; a list or mapping is reported as a problem.
    pub(super) fn scalar<'n>(&mut self, key: &str, node: &'n Node) -> Read<'n> {
        match &node.value {
            Value::Null => Read::Absent,
            Value::Unknown(_) => Read::Unknown(node.location()),
            Value::Scalar(s) => Read::Text(&s.text, node.location()),
            Value::Seq(_) | Value::Map(_) => {
                self.problem(
                    node.location(),
                    format!("`{key}` must be a single value, not {}", kind_of(node)),
                );
                Read::Unknown(node.location())
            }
        }
    }

    /// A setting parsed from a scalar with `parse`; a parse error is reported
    /// (prefixed with the key) and makes the setting unknown.
    pub(super) fn parsed<T>(
        &mut self,
        key: &str,
        node: &Node,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Setting<T> {
        match self.scalar(key, node) {
            Read::Absent => Setting::Unset,
            Read::Unknown(at) => Setting::Unknown(at),
            Read::Text(text, at) => match parse(text) {
                Ok(v) => Setting::set(v, at),
                Err(e) => {
                    self.problem(at.clone(), format!("`{key}`: {e}"));
                    Setting::Unknown(at)
                }
            },
        }
    }

    /// A string setting. Numbers and booleans are kept as written (`user: 1000`).
    pub(super) fn string(&mut self, key: &str, node: &Node) -> Setting<String> {
        self.parsed(key, node, |s| Ok(s.to_string()))
    }

    pub(super) fn boolean(&mut self, key: &str, node: &Node) -> Setting<bool> {
        self.parsed(key, node, |s| {
            compose_bool(s).ok_or_else(|| format!("`{s}` is not a boolean"))
        })
    }

    pub(super) fn int(&mut self, key: &str, node: &Node) -> Setting<i64> {
        self.parsed(key, node, compose_int)
    }

    pub(super) fn bytes(&mut self, key: &str, node: &Node) -> Setting<i64> {
        self.parsed(key, node, compose_bytes)
    }

    /// The items of a list field. `null` is an empty list; a single scalar is
    /// one item when `scalar_ok` (compose's `string_or_list`). Unresolved items,
    /// and a wrong type, are recorded in `spec.unresolved` and skipped.
    pub(super) fn items<'n>(
        &mut self,
        field: &'static str,
        node: &'n Node,
        scalar_ok: bool,
    ) -> Vec<&'n Node> {
        match &node.value {
            Value::Null => Vec::new(),
            Value::Unknown(_) => {
                self.unresolved(field, node.location());
                Vec::new()
            }
            Value::Scalar(_) if scalar_ok => vec![node],
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    if item.is_unknown() {
                        self.unresolved(field, item.location());
                    } else if !item.is_null() {
                        out.push(item);
                    }
                }
                out
            }
            _ => {
                let want = if scalar_ok {
                    "a string or a list"
                } else {
                    "a list"
                };
                self.problem(
                    node.location(),
                    format!("`{field}` must be {want}, not {}", kind_of(node)),
                );
                self.unresolved(field, node.location());
                Vec::new()
            }
        }
    }

    /// The items of a list of strings (or numbers), with their locations.
    pub(super) fn strings(
        &mut self,
        field: &'static str,
        node: &Node,
        scalar_ok: bool,
    ) -> Vec<(String, Location)> {
        let mut out = Vec::new();
        for item in self.items(field, node, scalar_ok) {
            match item.as_str() {
                Some(s) => out.push((s.to_string(), item.location())),
                None => {
                    self.problem(
                        item.location(),
                        format!("`{field}` items must be strings, not {}", kind_of(item)),
                    );
                    self.unresolved(field, item.location());
                }
            }
        }
        out
    }

    /// The entries of a `list_or_dict` field.
    pub(super) fn entries(&mut self, field: &'static str, node: &Node) -> Vec<Entry> {
        let mut out = Vec::new();
        match &node.value {
            Value::Scalar(_) => {
                self.problem(
                    node.location(),
                    format!("`{field}` must be a list or a mapping, not a scalar"),
                );
                self.unresolved(field, node.location());
            }
            Value::Map(entries) => {
                for (k, v) in entries {
                    let Some(name) = k.as_str() else {
                        self.unresolved(field, k.location());
                        continue;
                    };
                    let value = match &v.value {
                        Value::Null => EntryValue::Missing,
                        Value::Unknown(_) => EntryValue::Unknown,
                        Value::Scalar(s) => EntryValue::Text(s.text.clone()),
                        Value::Seq(_) | Value::Map(_) => {
                            self.problem(
                                v.location(),
                                format!(
                                    "`{field}.{name}` must be a single value, not {}",
                                    kind_of(v)
                                ),
                            );
                            EntryValue::Unknown
                        }
                    };
                    // A null value has no text of its own to point at.
                    let at = if v.span.is_empty() || v.is_null() {
                        k.location()
                    } else {
                        v.location()
                    };
                    out.push(Entry {
                        name: name.to_string(),
                        value,
                        at,
                    });
                }
            }
            _ => {
                for item in self.items(field, node, false) {
                    let Some(text) = item.as_str() else {
                        self.problem(
                            item.location(),
                            format!("`{field}` items must be strings, not {}", kind_of(item)),
                        );
                        self.unresolved(field, item.location());
                        continue;
                    };
                    let (name, value) = match text.split_once('=') {
                        Some((n, v)) => (n, EntryValue::Text(v.to_string())),
                        None => (text, EntryValue::Missing),
                    };
                    out.push(Entry {
                        name: name.to_string(),
                        value,
                        at: item.location(),
                    });
                }
            }
        }
        out
    }

    /// The entries of a mapping field; anything else is reported. An unresolved
    /// mapping is recorded under `field`.
    pub(super) fn mapping<'n>(
        &mut self,
        field: &'static str,
        node: &'n Node,
    ) -> &'n [(Node, Node)] {
        match &node.value {
            Value::Map(m) => m,
            Value::Null => &[],
            Value::Unknown(_) => {
                self.unresolved(field, node.location());
                &[]
            }
            _ => {
                self.problem(
                    node.location(),
                    format!("`{field}` must be a mapping, not {}", kind_of(node)),
                );
                self.unresolved(field, node.location());
                &[]
            }
        }
    }
}
