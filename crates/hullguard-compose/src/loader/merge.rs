//! The Compose merge on positioned node trees: how an override file, a later
//! YAML document, an `extends` or a conflicting `include` combines with what it
//! is merged onto. A port of compose-go's `override/merge.go` (merge rules),
//! `override/uncity.go` (duplicates removed from lists) and the `Apply` half of
//! `loader/reset.go` (`!reset` / `!override`).
//!
//! The general rule is "mappings merge recursively, sequences append, scalars
//! are replaced, `null` keeps what was there", with the exceptions compose-go
//! lists by path (`mergeSpecials`). Where compose-go converts a mapping into a
//! `KEY=VALUE` list before merging (environment, labels ...), two mappings are
//! merged here key by key instead, which yields the same variables and keeps the
//! key and value nodes with their positions; only a mix of the list and mapping
//! forms becomes a list, whose items built from mapping entries span from the key
//! to the value.
//!
//! Positions: a replaced value keeps the node of the file that wrote it last; a
//! merged mapping or list takes the key node and position of the override, its
//! entries keep their own.

use crate::node::{Node, Scalar, Value};
use crate::yaml::OverrideTag;
use hullguard_container::Problem;
use std::collections::HashMap;
use std::sync::Arc;

/// Merges a later document (or file) over `base`, from the top level.
pub(crate) fn merge_documents(base: Node, over: Node, problems: &mut Vec<Problem>) -> Node {
    let mut path = Vec::new();
    merge_at(base, over, &mut path, problems)
}

/// Merges `over` onto `base`, both found at `path` (keys from the top level:
/// `["services", "web", "ports"]`).
pub(crate) fn merge_at(
    base: Node,
    over: Node,
    path: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) -> Node {
    if let Some(special) = special_for(path) {
        return special.merge(base, over, path, problems);
    }
    if over.is_null() {
        return base;
    }
    match (base.value, over.value) {
        (Value::Map(b), Value::Map(o)) => Node {
            value: Value::Map(merge_maps(b, o, path, problems)),
            file: over.file,
            span: over.span,
        },
        (Value::Seq(mut b), Value::Seq(o)) => {
            b.extend(o);
            Node {
                value: Value::Seq(b),
                file: over.file,
                span: over.span,
            }
        }
        (
            Value::Map(_) | Value::Seq(_),
            value @ (Value::Scalar(_) | Value::Map(_) | Value::Seq(_)),
        ) => {
            let over = Node {
                value,
                file: over.file,
                span: over.span,
            };
            problems.push(Problem::new(
                over.location(),
                format!(
                    "cannot merge `{}`: the override has a different kind of value, it replaces the original",
                    path.join(".")
                ),
            ));
            over
        }
        (_, value) => Node {
            value,
            file: over.file,
            span: over.span,
        },
    }
}

/// compose-go `mergeMappings`: entries of `over` merge into the same key of
/// `base` (taking the override's key node) or are appended.
fn merge_maps(
    mut base: Vec<(Node, Node)>,
    over: Vec<(Node, Node)>,
    path: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) -> Vec<(Node, Node)> {
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, (k, _)) in base.iter().enumerate() {
        if let Some(name) = k.as_str() {
            index.insert(name.to_string(), i);
        }
    }
    for (k, v) in over {
        let name = k.as_str().unwrap_or_default().to_string();
        match index.get(&name).copied() {
            Some(i) => {
                if let Some(slot) = base.get_mut(i) {
                    let old = std::mem::replace(&mut slot.1, null_at(&v));
                    path.push(name);
                    let merged = merge_at(old, v, path, problems);
                    path.pop();
                    *slot = (k, merged);
                }
            }
            None => {
                index.insert(name, base.len());
                base.push((k, v));
            }
        }
    }
    base
}

fn null_at(n: &Node) -> Node {
    Node {
        value: Value::Null,
        file: Arc::clone(&n.file),
        span: n.span,
    }
}

/// Whether `path` matches a dotted pattern where `*` stands for any one key.
pub(crate) fn path_matches(path: &[String], pattern: &str) -> bool {
    let mut parts = pattern.split('.');
    for seg in path {
        match parts.next() {
            Some("*") => {}
            Some(p) if p == seg => {}
            _ => return false,
        }
    }
    parts.next().is_none()
}

#[derive(Clone, Copy)]
enum Special {
    /// The override replaces the value (`command`, `entrypoint`, `healthcheck.test`,
    /// each ulimit).
    Replace,
    /// compose-go `mergeToSequence`: key=value lists appended (duplicates by key
    /// are then removed by [`enforce_unicity`]).
    ToSequence,
    /// compose-go `mergeExtraHosts`: appended, exact duplicates dropped.
    ExtraHosts,
    /// A list of names or a mapping, merged as a mapping (`depends_on`,
    /// service `networks`, `models`).
    ToMapping { depends_on: bool },
    /// `logging`: merged only when both use the same driver (or one has none).
    Logging,
    /// `build`: a string is `{context: string}`, then merged as a mapping.
    Build,
    /// `networks.*.ipam.config`: merged by `subnet`.
    IpamConfig,
}

const SPECIALS: &[(&str, Special)] = &[
    ("networks.*.ipam.config", Special::IpamConfig),
    ("networks.*.labels", Special::ToSequence),
    ("volumes.*.labels", Special::ToSequence),
    ("services.*.annotations", Special::ToSequence),
    ("services.*.build", Special::Build),
    ("services.*.build.args", Special::ToSequence),
    ("services.*.build.additional_contexts", Special::ToSequence),
    ("services.*.build.extra_hosts", Special::ExtraHosts),
    ("services.*.build.labels", Special::ToSequence),
    ("services.*.command", Special::Replace),
    (
        "services.*.depends_on",
        Special::ToMapping { depends_on: true },
    ),
    ("services.*.deploy.labels", Special::ToSequence),
    ("services.*.dns", Special::ToSequence),
    ("services.*.dns_opt", Special::ToSequence),
    ("services.*.dns_search", Special::ToSequence),
    ("services.*.entrypoint", Special::Replace),
    ("services.*.env_file", Special::ToSequence),
    ("services.*.label_file", Special::ToSequence),
    ("services.*.environment", Special::ToSequence),
    ("services.*.extra_hosts", Special::ExtraHosts),
    ("services.*.healthcheck.test", Special::Replace),
    ("services.*.labels", Special::ToSequence),
    ("services.*.volumes.*.volume.labels", Special::ToSequence),
    ("services.*.logging", Special::Logging),
    (
        "services.*.models",
        Special::ToMapping { depends_on: false },
    ),
    (
        "services.*.networks",
        Special::ToMapping { depends_on: false },
    ),
    ("services.*.sysctls", Special::ToSequence),
    ("services.*.tmpfs", Special::ToSequence),
    ("services.*.ulimits.*", Special::Replace),
];

fn special_for(path: &[String]) -> Option<Special> {
    if path.is_empty() {
        return None;
    }
    SPECIALS
        .iter()
        .find(|(pattern, _)| path_matches(path, pattern))
        .map(|(_, s)| *s)
}

impl Special {
    fn merge(
        self,
        base: Node,
        over: Node,
        path: &mut Vec<String>,
        problems: &mut Vec<Problem>,
    ) -> Node {
        match self {
            Special::Replace => over,
            Special::ToSequence => to_sequence(base, over),
            Special::ExtraHosts => {
                if over.is_null() {
                    return base;
                }
                let (o_file, o_span) = (Arc::clone(&over.file), over.span);
                let mut items = sequence_items(base);
                let extra: Vec<Node> = sequence_items(over)
                    .into_iter()
                    .filter(|o| {
                        o.as_str()
                            .is_none_or(|t| !items.iter().any(|b| b.as_str() == Some(t)))
                    })
                    .collect();
                items.extend(extra);
                Node {
                    value: Value::Seq(items),
                    file: o_file,
                    span: o_span,
                }
            }
            Special::ToMapping { depends_on } => {
                if base.is_null() {
                    return over;
                }
                if over.is_null() {
                    return base;
                }
                let (file, span) = (Arc::clone(&over.file), over.span);
                let b = into_mapping(base, depends_on);
                let o = into_mapping(over, depends_on);
                match (b, o) {
                    (Some(b), Some(o)) => Node {
                        value: Value::Map(merge_maps(b, o, path, problems)),
                        file,
                        span,
                    },
                    (_, Some(o)) => Node {
                        value: Value::Map(o),
                        file,
                        span,
                    },
                    (_, None) => Node {
                        value: Value::Null,
                        file,
                        span,
                    },
                }
            }
            Special::Logging => {
                let same_driver = match (base.get("driver"), over.get("driver")) {
                    (Some(b), Some(o)) => b.as_str().is_some() && b.as_str() == o.as_str(),
                    _ => true,
                };
                if base.as_map().is_some() && over.as_map().is_some() && !same_driver {
                    return over;
                }
                default_merge(base, over, path, problems)
            }
            Special::Build => {
                let b = build_mapping(base);
                let o = build_mapping(over);
                default_merge(b, o, path, problems)
            }
            Special::IpamConfig => merge_ipam_config(base, over, path, problems),
        }
    }
}

/// The general merge without the path's special rule.
fn default_merge(
    base: Node,
    over: Node,
    path: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) -> Node {
    match (&base.value, &over.value) {
        (Value::Map(_), Value::Map(_)) => {
            let (file, span) = (Arc::clone(&over.file), over.span);
            let (Value::Map(b), Value::Map(o)) = (base.value, over.value) else {
                return Node {
                    value: Value::Null,
                    file,
                    span,
                };
            };
            Node {
                value: Value::Map(merge_maps(b, o, path, problems)),
                file,
                span,
            }
        }
        _ if over.is_null() => base,
        _ => over,
    }
}

/// `build: ./dir` is `build: {context: ./dir}` (compose-go `mergeBuild`).
fn build_mapping(node: Node) -> Node {
    match node.value {
        Value::Scalar(_) | Value::Unknown(_) => {
            let key = Node {
                value: Value::Scalar(Scalar {
                    text: "context".to_string(),
                    quoted: false,
                }),
                file: Arc::clone(&node.file),
                span: node.span,
            };
            let (file, span) = (Arc::clone(&node.file), node.span);
            Node {
                value: Value::Map(vec![(key, node)]),
                file,
                span,
            }
        }
        _ => node,
    }
}

/// The items of a list-or-mapping value as a list (compose-go
/// `convertIntoSequence`): `KEY: VALUE` becomes `KEY=VALUE`, `KEY:` (null) becomes
/// `KEY`, a list value gives one `KEY=ITEM` per item; mapping entries are sorted
/// as compose-go sorts them.
fn sequence_items(node: Node) -> Vec<Node> {
    match node.value {
        Value::Seq(items) => items,
        Value::Null => Vec::new(),
        Value::Map(entries) => {
            let mut out = Vec::new();
            for (k, v) in entries {
                let key = k.as_str().unwrap_or_default().to_string();
                match v.value {
                    Value::Seq(items) => {
                        for item in items {
                            out.push(key_value_item(&key, &k, item));
                        }
                    }
                    _ => out.push(key_value_item(&key, &k, v)),
                }
            }
            out.sort_by(|a, b| a.as_str().unwrap_or("").cmp(b.as_str().unwrap_or("")));
            out
        }
        Value::Scalar(_) | Value::Unknown(_) => vec![node],
    }
}

/// A `KEY=VALUE` list item made from a mapping entry, spanning key to value.
fn key_value_item(key: &str, key_node: &Node, value: Node) -> Node {
    let span = if Arc::ptr_eq(&key_node.file, &value.file) {
        key_node.span.cover(value.span)
    } else {
        key_node.span
    };
    let file = Arc::clone(&key_node.file);
    let value = match value.value {
        Value::Null => Value::Scalar(Scalar {
            text: key.to_string(),
            quoted: false,
        }),
        Value::Scalar(s) => Value::Scalar(Scalar {
            text: format!("{key}={}", s.text),
            quoted: true,
        }),
        Value::Unknown(why) => Value::Unknown(why),
        Value::Seq(_) | Value::Map(_) => Value::Unknown(format!("`{key}` has a nested value")),
    };
    Node { value, file, span }
}

fn to_sequence(base: Node, over: Node) -> Node {
    if base.is_null() {
        return over;
    }
    if over.is_null() {
        return base;
    }
    if base.as_map().is_some() && over.as_map().is_some() {
        let (file, span) = (Arc::clone(&over.file), over.span);
        let (Value::Map(b), Value::Map(o)) = (base.value, over.value) else {
            return Node {
                value: Value::Null,
                file,
                span,
            };
        };
        // Same keys, same result as compose-go's list merge: the override's
        // entry (even `KEY:` without a value) replaces the original.
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut out = b;
        for (i, (k, _)) in out.iter().enumerate() {
            index.insert(k.as_str().unwrap_or_default().to_string(), i);
        }
        for (k, v) in o {
            let name = k.as_str().unwrap_or_default().to_string();
            match index.get(&name).and_then(|&i| out.get_mut(i)) {
                Some(slot) => *slot = (k, v),
                None => {
                    index.insert(name, out.len());
                    out.push((k, v));
                }
            }
        }
        return Node {
            value: Value::Map(out),
            file,
            span,
        };
    }
    let (file, span) = (Arc::clone(&over.file), over.span);
    let mut items = sequence_items(base);
    items.extend(sequence_items(over));
    Node {
        value: Value::Seq(items),
        file,
        span,
    }
}

/// compose-go `convertIntoMapping`: a list of names becomes a mapping of those
/// names to null (or, for `depends_on`, to `{condition: service_started,
/// required: true}`).
fn into_mapping(node: Node, depends_on: bool) -> Option<Vec<(Node, Node)>> {
    match node.value {
        Value::Map(entries) => Some(entries),
        Value::Seq(items) => Some(
            items
                .into_iter()
                .filter(|item| item.as_str().is_some())
                .map(|item| {
                    let value = if depends_on {
                        let entry = |k: &str, v: &str| {
                            (synthetic_scalar(k, &item), synthetic_scalar(v, &item))
                        };
                        Node {
                            value: Value::Map(vec![
                                entry("condition", "service_started"),
                                entry("required", "true"),
                            ]),
                            file: Arc::clone(&item.file),
                            span: item.span,
                        }
                    } else {
                        null_at(&item)
                    };
                    (item, value)
                })
                .collect(),
        ),
        _ => None,
    }
}

fn synthetic_scalar(text: &str, at: &Node) -> Node {
    Node {
        value: Value::Scalar(Scalar {
            text: text.to_string(),
            quoted: false,
        }),
        file: Arc::clone(&at.file),
        span: at.span,
    }
}

/// `networks.*.ipam.config`: entries with the same `subnet` are merged, others
/// appended (the intent of compose-go `mergeIPAMConfig`).
fn merge_ipam_config(
    base: Node,
    over: Node,
    path: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) -> Node {
    let (file, span) = (Arc::clone(&over.file), over.span);
    let (Value::Seq(mut items), Value::Seq(overs)) = (base.value, over.value) else {
        return Node {
            value: Value::Null,
            file,
            span,
        };
    };
    for o in overs {
        let subnet = o.get("subnet").and_then(Node::as_str).map(str::to_string);
        let found = items.iter().position(|b| {
            subnet.is_some() && b.get("subnet").and_then(Node::as_str).map(str::to_string) == subnet
        });
        match found.and_then(|i| items.get_mut(i)) {
            Some(slot) => {
                let old = std::mem::replace(slot, null_at(&o));
                *slot = default_merge(old, o, path, problems);
            }
            None => items.push(o),
        }
    }
    Node {
        value: Value::Seq(items),
        file,
        span,
    }
}

/// Removes what `!reset` / `!override` tags of a document point at from the
/// model it is merged onto (compose-go `ResetProcessor.Apply`).
pub(crate) fn apply_tags(root: Node, tags: &[OverrideTag]) -> Node {
    let mut root = root;
    for tag in tags {
        let keys: Vec<&str> = tag.path.iter().map(String::as_str).collect();
        remove_path(&mut root, &keys);
    }
    root
}

/// Applies the tags found under `prefix` (e.g. `["services", "web"]`) to `node`,
/// which stands at that prefix (the base of an `extends`, an imported resource).
pub(crate) fn apply_tags_under(node: Node, tags: &[OverrideTag], prefix: &[&str]) -> Node {
    let relative: Vec<OverrideTag> = tags
        .iter()
        .filter_map(|t| {
            let head = t.path.get(..prefix.len())?;
            let matches = head.iter().zip(prefix).all(|(seg, p)| seg == p);
            (matches && t.path.len() > prefix.len()).then(|| OverrideTag {
                path: t.path.get(prefix.len()..).unwrap_or_default().to_vec(),
                kind: t.kind,
            })
        })
        .collect();
    apply_tags(node, &relative)
}

fn remove_path(node: &mut Node, keys: &[&str]) {
    let Some((first, rest)) = keys.split_first() else {
        return;
    };
    let Value::Map(entries) = &mut node.value else {
        return;
    };
    if rest.is_empty() {
        entries.retain(|(k, _)| k.as_str() != Some(first));
        return;
    }
    for (k, v) in entries.iter_mut() {
        if k.as_str() == Some(first) {
            remove_path(v, rest);
        }
    }
}

/// How compose-go identifies an item of a list that must not repeat.
#[derive(Clone, Copy)]
enum Indexer {
    KeyValue,
    Volume,
    Device,
    Expose,
    Mount(&'static str),
    Port,
    EnvFile,
}

const UNIQUE: &[(&str, Indexer)] = &[
    ("networks.*.labels", Indexer::KeyValue),
    ("networks.*.ipam.options", Indexer::KeyValue),
    ("services.*.annotations", Indexer::KeyValue),
    ("services.*.build.args", Indexer::KeyValue),
    ("services.*.build.additional_contexts", Indexer::KeyValue),
    ("services.*.build.platform", Indexer::KeyValue),
    ("services.*.build.tags", Indexer::KeyValue),
    ("services.*.build.labels", Indexer::KeyValue),
    ("services.*.cap_add", Indexer::KeyValue),
    ("services.*.cap_drop", Indexer::KeyValue),
    ("services.*.configs", Indexer::Mount("")),
    ("services.*.deploy.labels", Indexer::KeyValue),
    ("services.*.dns", Indexer::KeyValue),
    ("services.*.dns_opt", Indexer::KeyValue),
    ("services.*.dns_search", Indexer::KeyValue),
    ("services.*.environment", Indexer::KeyValue),
    ("services.*.env_file", Indexer::EnvFile),
    ("services.*.expose", Indexer::Expose),
    ("services.*.labels", Indexer::KeyValue),
    ("services.*.links", Indexer::KeyValue),
    ("services.*.networks.*.aliases", Indexer::KeyValue),
    ("services.*.networks.*.link_local_ips", Indexer::KeyValue),
    ("services.*.ports", Indexer::Port),
    ("services.*.profiles", Indexer::KeyValue),
    ("services.*.secrets", Indexer::Mount("/run/secrets")),
    ("services.*.sysctls", Indexer::KeyValue),
    ("services.*.tmpfs", Indexer::KeyValue),
    ("services.*.volumes", Indexer::Volume),
    // compose-go registers `devices` twice; the second (device mapping) wins.
    ("services.*.devices", Indexer::Device),
];

/// compose-go `EnforceUnicity`: in the lists above, a later item with the same
/// identity (variable name, mount target, port ...) replaces the earlier one in
/// its position.
pub(crate) fn enforce_unicity(node: &mut Node) {
    let mut path = Vec::new();
    unicity_at(node, &mut path);
}

fn unicity_at(node: &mut Node, path: &mut Vec<String>) {
    match &mut node.value {
        Value::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                path.push(k.as_str().unwrap_or_default().to_string());
                unicity_at(v, path);
                path.pop();
            }
        }
        Value::Seq(items) => {
            let Some(indexer) = UNIQUE
                .iter()
                .find(|(p, _)| path_matches(path, p))
                .map(|(_, i)| *i)
            else {
                return;
            };
            let mut out: Vec<Node> = Vec::with_capacity(items.len());
            let mut seen: HashMap<String, usize> = HashMap::new();
            for item in std::mem::take(items) {
                match indexer.key(&item) {
                    Some(key) => match seen.get(&key).and_then(|&j| out.get_mut(j)) {
                        Some(slot) => *slot = item,
                        None => {
                            seen.insert(key, out.len());
                            out.push(item);
                        }
                    },
                    None => out.push(item),
                }
            }
            *items = out;
        }
        _ => {}
    }
}

impl Indexer {
    fn key(self, item: &Node) -> Option<String> {
        let text = item.as_str();
        let field = |name: &str| item.get(name).and_then(Node::as_str).map(str::to_string);
        match self {
            Indexer::KeyValue => {
                let t = text?;
                Some(t.split_once('=').map_or(t, |(k, _)| k).to_string())
            }
            Indexer::Volume => match text {
                Some(t) => super::paths::volume_target(t),
                None => field("target"),
            },
            Indexer::Device => match text {
                Some(t) => {
                    let mut parts = t.split(':');
                    let first = parts.next().unwrap_or_default();
                    Some(parts.next().unwrap_or(first).to_string())
                }
                None => field("target"),
            },
            Indexer::Expose => text.map(str::to_string),
            Indexer::Mount(default) => match text {
                Some(t) => Some(format!("{default}/{t}")),
                None => {
                    field("target").or_else(|| field("source").map(|s| format!("{default}/{s}")))
                }
            },
            Indexer::Port => match text {
                Some(t) => Some(t.to_string()),
                None => {
                    let target = field("target")?;
                    let published = field("published").unwrap_or_else(|| "<nil>".to_string());
                    let host = field("host_ip").unwrap_or_else(|| "0.0.0.0".to_string());
                    let protocol = field("protocol").unwrap_or_else(|| "tcp".to_string());
                    Some(format!("{host}:{published}:{target}/{protocol}"))
                }
            },
            Indexer::EnvFile => text.map(str::to_string).or_else(|| field("path")),
        }
    }
}
