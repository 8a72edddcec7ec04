//! The loading pipeline behind [`load_project`](super::load_project) and
//! [`load_str`](super::load_str), in compose-go's order (`loader.loadYamlFile`):
//! for each document of each file, interpolation, then `include`, then the
//! `!reset`/`!override` tags applied to what came before, then `extends`, then the
//! merge into the model and the removal of duplicate list items.
//!
//! Every file read and every node copied is counted: include and extends
//! chains are bounded in depth and checked for cycles, and the project as a
//! whole may not grow past [`MAX_PROJECT_NODES`] (a file included many times
//! through a diamond of includes, or a huge service extended by many others).

use super::merge::{apply_tags, apply_tags_under, enforce_unicity, merge_at, merge_documents};
use super::paths::{clean, rebase_model, rebase_service};
use super::{discover, normalize_project_name, LoadError};
use crate::env::parse_env_file;
use crate::interpolate::{interpolate, Interpolated};
use crate::node::{Node, Scalar, Value};
use crate::project::{LoadOptions, Project, Service};
use crate::yaml::{parse_yaml_documents, Document, OverrideTag, MAX_FILE_SIZE};
use hullguard_container::{parse_bool, Problem};
use hullguard_diagnostics::{Location, SourceFile, Span};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Deepest chain of `include`s followed.
const MAX_INCLUDE_DEPTH: usize = 32;
/// Most `include` entries loaded in a project (a file included twice by each
/// of its includers would otherwise double the work at every level).
const MAX_INCLUDES: usize = 1000;
/// Deepest chain of `extends` followed.
const MAX_EXTENDS_DEPTH: usize = 32;
/// Most nodes a project may hold, counting every copy (documents reused by
/// includes, services copied by extends).
pub(crate) const MAX_PROJECT_NODES: usize = 4_000_000;

/// Top-level keys of the Compose specification (`compose-spec.json`).
const TOP_LEVEL_KEYS: [&str; 9] = [
    "version", "name", "include", "services", "models", "networks", "volumes", "secrets", "configs",
];

/// Resources an `include` brings in (compose-go `importResources`).
const RESOURCES: [(&str, &str); 6] = [
    ("services", "service"),
    ("volumes", "volume"),
    ("networks", "network"),
    ("secrets", "secret"),
    ("configs", "config"),
    ("models", "model"),
];

/// A compose file: where it is, its text, its documents.
#[derive(Clone)]
struct Source {
    path: PathBuf,
    file: Arc<SourceFile>,
    docs: Arc<Vec<Document>>,
}

/// A file an `extends` reads: its documents merged, before interpolation.
struct ExtendsFile {
    file: Arc<SourceFile>,
    root: Option<Node>,
    tags: Vec<OverrideTag>,
}

struct Ctx {
    /// A file in the v1 format (services at the top level) was loaded.
    legacy_v1: bool,
    files: Vec<Arc<SourceFile>>,
    problems: Vec<Problem>,
    sources: HashMap<PathBuf, Option<Source>>,
    extends_files: HashMap<PathBuf, Option<ExtendsFile>>,
    nodes: usize,
    over_budget: bool,
    /// Whether other files may be read (not for [`load_str`] without a directory).
    can_read: bool,
    /// The project directory, absolute and as the caller wrote it: paths of
    /// files under it are shown the way the caller wrote them.
    display_root: Option<(PathBuf, PathBuf)>,
    /// The files given on the command line (not kept parsed, see [`Ctx::parse`]):
    /// an `extends` naming one of them parses the same text again.
    top_files: HashMap<PathBuf, Arc<SourceFile>>,
    /// Env files read, by absolute path (`None`: could not be read).
    env_sources: HashMap<PathBuf, Option<Arc<SourceFile>>>,
    /// `include` entries loaded so far.
    includes: usize,
}

/// What a model load works in.
struct Scope<'a> {
    /// Directory relative paths resolve against (absolute); `None` when unknown.
    dir: Option<PathBuf>,
    env: &'a BTreeMap<String, String>,
    /// Files whose `include` led here (compose-go's `included`).
    include_chain: Vec<PathBuf>,
}

/// A loaded model: the merged top-level mapping, and the directory of every
/// service that does not live in the model's own directory (included ones).
struct Model {
    root: Option<Node>,
    dirs: HashMap<String, PathBuf>,
}

fn node_size(node: &Node) -> usize {
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(node_size).sum(),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| node_size(k) + node_size(v))
            .sum(),
        _ => 0,
    }
}

fn file_location(path: &str) -> Location {
    Location::file(&SourceFile::new(path, ""), Span::empty(0))
}

/// Reads at most [`MAX_FILE_SIZE`] + 1 bytes: `(text, too large, not UTF-8)`.
fn read_text(path: &Path) -> std::io::Result<(String, bool, bool)> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.is_dir() {
        return Err(std::io::Error::other("is a directory"));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_SIZE as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_FILE_SIZE {
        return Ok((String::new(), true, false));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, false, false)),
        Err(e) => Ok((
            String::from_utf8_lossy(e.as_bytes()).into_owned(),
            false,
            true,
        )),
    }
}

fn absolute(p: &Path) -> PathBuf {
    let p = if p.as_os_str().is_empty() {
        Path::new(".")
    } else {
        p
    };
    clean(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
}

fn parent_dir(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn scalar_text(node: &Node) -> Option<&str> {
    node.as_str()
}

fn take_key(node: &mut Node, key: &str) -> Option<(Node, Node)> {
    let Value::Map(entries) = &mut node.value else {
        return None;
    };
    let i = entries.iter().position(|(k, _)| k.as_str() == Some(key))?;
    Some(entries.remove(i))
}

fn entries_mut<'n>(node: &'n mut Node, key: &str) -> Option<&'n mut Vec<(Node, Node)>> {
    let Value::Map(entries) = &mut node.value else {
        return None;
    };
    match entries.iter_mut().find(|(k, _)| k.as_str() == Some(key)) {
        Some((_, v)) => match &mut v.value {
            Value::Map(m) => Some(m),
            _ => None,
        },
        None => None,
    }
}

fn synthetic_key(text: &str, at: &Node) -> Node {
    Node {
        value: Value::Scalar(Scalar {
            text: text.to_string(),
            quoted: false,
        }),
        file: Arc::clone(&at.file),
        span: Span::empty(at.span.start),
    }
}

fn empty_map_at(at: &Node) -> Node {
    Node {
        value: Value::Map(Vec::new()),
        file: Arc::clone(&at.file),
        span: at.span,
    }
}

impl Ctx {
    fn new(can_read: bool) -> Ctx {
        Ctx {
            legacy_v1: false,
            files: Vec::new(),
            problems: Vec::new(),
            sources: HashMap::new(),
            extends_files: HashMap::new(),
            nodes: 0,
            over_budget: false,
            can_read,
            display_root: None,
            top_files: HashMap::new(),
            env_sources: HashMap::new(),
            includes: 0,
        }
    }

    fn problem(&mut self, at: &Node, message: impl Into<String>) {
        self.problems.push(Problem::new(at.location(), message));
    }

    /// Counts `n` more nodes; false (and one problem) past the budget.
    fn charge(&mut self, n: usize, at: &Node) -> bool {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes <= MAX_PROJECT_NODES {
            return true;
        }
        if !self.over_budget {
            self.over_budget = true;
            self.problem(
                at,
                format!("project expands to more than {MAX_PROJECT_NODES} nodes; the rest is not loaded"),
            );
        }
        false
    }

    /// [`Ctx::charge`] for parsing an env file (no node to point at: its start).
    fn charge_env(&mut self, n: usize, file: &Arc<SourceFile>) -> bool {
        let at = Node {
            value: Value::Null,
            file: Arc::clone(file),
            span: Span::empty(0),
        };
        self.charge(n, &at)
    }

    fn display(&self, abs: &Path) -> String {
        if let Some((root, shown)) = &self.display_root {
            if let Ok(rest) = abs.strip_prefix(root) {
                return clean(&shown.join(rest)).to_string_lossy().into_owned();
            }
        }
        abs.to_string_lossy().into_owned()
    }

    /// Adds a file read from disk, reporting what is wrong with its text.
    fn add_file(
        &mut self,
        shown: &str,
        text: String,
        too_large: bool,
        lossy: bool,
    ) -> Arc<SourceFile> {
        let file = SourceFile::new(shown, text);
        let at = Location::file(&file, Span::empty(0));
        if too_large {
            self.problems.push(Problem::new(
                at,
                format!(
                    "file is larger than {} MiB; not analysed",
                    MAX_FILE_SIZE >> 20
                ),
            ));
        } else if lossy {
            self.problems.push(Problem::new(
                at,
                "file is not valid UTF-8; invalid bytes were replaced",
            ));
        }
        self.files.push(Arc::clone(&file));
        file
    }

    /// Parses a compose file; `cache` keeps it for later includes and extends
    /// (the files given on the command line are used once and not kept, so
    /// their documents are moved, not copied, into the model).
    fn parse(&mut self, path: PathBuf, file: Arc<SourceFile>, cache: bool) -> Source {
        let (docs, problems) = parse_yaml_documents(&file);
        // A file parsed a second time reports its YAML problems once.
        if !cache || !self.top_files.contains_key(&path) {
            self.problems.extend(problems);
        }
        if !cache {
            self.top_files.insert(path.clone(), Arc::clone(&file));
        }
        let source = Source {
            path: path.clone(),
            file,
            docs: Arc::new(docs),
        };
        if cache {
            self.sources.insert(path, Some(source.clone()));
        }
        source
    }

    /// A compose file read by an `include` or `extends`, parsed once.
    fn compose_file(&mut self, path: &Path, at: &Node) -> Option<Source> {
        if let Some(cached) = self.sources.get(path) {
            return cached.clone();
        }
        if let Some(file) = self.top_files.get(path).cloned() {
            return Some(self.parse(path.to_path_buf(), file, true));
        }
        let shown = self.display(path);
        match read_text(path) {
            Ok((text, too_large, lossy)) => {
                let file = self.add_file(&shown, text, too_large, lossy);
                Some(self.parse(path.to_path_buf(), file, true))
            }
            Err(e) => {
                self.problem(at, format!("cannot read `{shown}`: {e}"));
                self.sources.insert(path.to_path_buf(), None);
                None
            }
        }
    }

    /// Reads dotenv files in order (compose-go `dotenv.GetEnvFromFile`): a
    /// `${VAR}` in a value looks in `outer` first, then in what earlier files
    /// and lines set. Entries whose value is unresolved are left out, so their
    /// uses are unresolved too. `explicit` files that cannot be read are an
    /// error; others a problem.
    fn dotenv(
        &mut self,
        files: &[PathBuf],
        outer: &BTreeMap<String, String>,
        explicit: bool,
        at: Option<&Node>,
    ) -> Result<BTreeMap<String, String>, LoadError> {
        let mut vars: BTreeMap<String, String> = BTreeMap::new();
        for path in files {
            let abs = absolute(path);
            let file = match self.env_sources.get(&abs) {
                // Read once; an env file shared by several includes is parsed
                // again (its lookups differ), which the budget pays for.
                Some(Some(file)) => Arc::clone(file),
                Some(None) => continue,
                None => {
                    let shown = if path.is_absolute() || self.display_root.is_none() {
                        self.display(&abs)
                    } else {
                        path.to_string_lossy().into_owned()
                    };
                    match read_text(path) {
                        Ok((text, too_large, lossy)) => {
                            let file = self.add_file(&shown, text, too_large, lossy);
                            self.env_sources.insert(abs, Some(Arc::clone(&file)));
                            file
                        }
                        Err(source) if explicit => {
                            return Err(LoadError::Read {
                                path: path.clone(),
                                source,
                            })
                        }
                        Err(e) => {
                            let message = format!("cannot read env file `{shown}`: {e}");
                            let at = at.map_or_else(|| file_location(&shown), Node::location);
                            self.problems.push(Problem::unresolved(at, message));
                            self.env_sources.insert(abs, None);
                            continue;
                        }
                    }
                }
            };
            let cost = 1 + file.text.len() / 32;
            if !self.charge_env(cost, &file) {
                continue;
            }
            let (entries, problems) = {
                let lookup = |k: &str| outer.get(k).or_else(|| vars.get(k)).cloned();
                parse_env_file(&file, &lookup)
            };
            self.problems.extend(problems);
            for entry in entries {
                if entry.unresolved.is_some() {
                    vars.remove(&entry.name);
                    continue;
                }
                let value = match entry.value {
                    Some(v) => Some(v),
                    None => outer
                        .get(&entry.name)
                        .or_else(|| vars.get(&entry.name))
                        .cloned(),
                };
                if let Some(v) = value {
                    vars.insert(entry.name, v);
                }
            }
        }
        Ok(vars)
    }

    /// Interpolates every scalar value (keys are not interpolated, as in
    /// compose-go's `interpolation.Interpolate`).
    fn interpolate(&mut self, node: &mut Node, env: &BTreeMap<String, String>) {
        match &mut node.value {
            Value::Map(entries) => {
                for (_, v) in entries.iter_mut() {
                    self.interpolate(v, env);
                }
            }
            Value::Seq(items) => {
                for item in items.iter_mut() {
                    self.interpolate(item, env);
                }
            }
            Value::Scalar(s) if s.text.contains('$') => {
                let lookup = |k: &str| env.get(k).cloned();
                let why = match interpolate(&s.text, &lookup) {
                    Ok(Interpolated::Value(text)) => {
                        s.text = text;
                        return;
                    }
                    Ok(Interpolated::Unresolved(why)) => {
                        self.problems
                            .push(Problem::unresolved(node.location(), why.clone()));
                        node.value = Value::Unknown(why);
                        return;
                    }
                    Err(err) => err,
                };
                self.problem(node, why.clone());
                node.value = Value::Unknown(why);
            }
            _ => {}
        }
    }
}

/// The v1 format has services at the top level: move every top-level mapping
/// that is not a Compose top-level key or an `x-` extension under `services:`.
fn legacy_v1(root: &mut Node) -> bool {
    let Value::Map(entries) = &mut root.value else {
        return false;
    };
    if entries.iter().any(|(k, _)| k.as_str() == Some("services")) {
        return false;
    }
    let is_service = |(k, v): &(Node, Node)| {
        let name = k.as_str().unwrap_or_default();
        !TOP_LEVEL_KEYS.contains(&name)
            && !name.starts_with("x-")
            && matches!(v.value, Value::Map(_) | Value::Null)
    };
    if !entries.iter().any(is_service) {
        return false;
    }
    let (services, rest): (Vec<_>, Vec<_>) =
        std::mem::take(entries).into_iter().partition(is_service);
    *entries = rest;
    let Some((first, _)) = services.first() else {
        return false;
    };
    let key = synthetic_key("services", first);
    let value = Node {
        value: Value::Map(Vec::new()),
        file: Arc::clone(&first.file),
        span: first.span,
    };
    entries.push((
        key,
        Node {
            value: Value::Map(services),
            ..value
        },
    ));
    true
}

/// `extends: NAME` or `extends: {service: NAME, file: PATH}`.
fn extends_target(ctx: &mut Ctx, ext: &Node) -> Option<(String, Option<String>)> {
    match &ext.value {
        Value::Scalar(s) => Some((s.text.clone(), None)),
        Value::Map(_) => {
            let Some(service) = ext.get("service").and_then(scalar_text) else {
                if !ext.get("service").is_some_and(Node::is_unknown) {
                    ctx.problem(ext, "`extends` needs a `service`");
                }
                return None;
            };
            let file = match ext.get("file") {
                None => None,
                Some(f) => match f.as_str() {
                    Some(t) => Some(t.to_string()),
                    None => {
                        if !f.is_unknown() && !f.is_null() {
                            ctx.problem(f, "`extends.file` must be a path");
                        }
                        if f.is_null() {
                            None
                        } else {
                            return None;
                        }
                    }
                },
            };
            Some((service.to_string(), file))
        }
        Value::Unknown(_) => None,
        _ => {
            ctx.problem(ext, "`extends` must be a service name or a mapping");
            None
        }
    }
}

fn chain_text(chain: &[(PathBuf, String)], last: &str) -> String {
    let mut names: Vec<&str> = chain.iter().map(|(_, n)| n.as_str()).collect();
    names.push(last);
    names.join("` → `")
}

/// Resolves the service `name` of the file at `path` for an `extends`:
/// interpolated, its own `extends` applied, its relative paths made absolute
/// against its file's directory (compose-go `getExtendsBaseFromFile`).
fn resolve_in_file(
    ctx: &mut Ctx,
    env: &BTreeMap<String, String>,
    path: &Path,
    name: &str,
    chain: &mut Vec<(PathBuf, String)>,
    at: &Node,
) -> Option<Node> {
    if chain.iter().any(|(p, n)| p == path && n == name) {
        ctx.problem(at, format!("extends cycle: `{}`", chain_text(chain, name)));
        return None;
    }
    if chain.len() >= MAX_EXTENDS_DEPTH {
        ctx.problem(at, format!("extends chain longer than {MAX_EXTENDS_DEPTH}"));
        return None;
    }
    if !ctx.extends_files.contains_key(path) {
        let loaded = ctx.compose_file(path, at).map(|source| {
            let mut root: Option<Node> = None;
            let mut tags = Vec::new();
            for doc in source.docs.iter() {
                if !ctx.charge(node_size(&doc.root), &doc.root) {
                    break;
                }
                let mut node = doc.root.clone();
                ctx.legacy_v1 |= legacy_v1(&mut node);
                root = Some(match root {
                    None => node,
                    Some(base) => {
                        merge_documents(apply_tags(base, &doc.tags), node, &mut ctx.problems)
                    }
                });
                tags.extend(doc.tags.iter().cloned());
            }
            ExtendsFile {
                file: source.file,
                root,
                tags,
            }
        });
        ctx.extends_files.insert(path.to_path_buf(), loaded);
    }
    let (found, tags, shown) = {
        let ext = ctx.extends_files.get(path)?.as_ref()?;
        let found = ext
            .root
            .as_ref()
            .and_then(|r| r.get("services"))
            .and_then(|s| s.get(name))
            .cloned();
        (found, ext.tags.clone(), ext.file.path.clone())
    };
    let Some(mut service) = found else {
        ctx.problem(
            at,
            format!("cannot extend service `{name}`: not found in `{shown}`"),
        );
        return None;
    };
    if !ctx.charge(node_size(&service), at) {
        return None;
    }
    if service.is_null() {
        service = empty_map_at(&service);
    }
    ctx.interpolate(&mut service, env);
    let dir = parent_dir(path);
    if let Some(ext) = service.get("extends").cloned() {
        if let Some((target, file)) = extends_target(ctx, &ext) {
            let base_path = match &file {
                Some(f) => clean(&dir.join(f)),
                None => path.to_path_buf(),
            };
            chain.push((path.to_path_buf(), name.to_string()));
            let base = resolve_in_file(ctx, env, &base_path, &target, chain, &ext);
            chain.pop();
            if let Some(base) = base {
                let base = apply_tags_under(base, &tags, &["services", name]);
                let mut p = vec!["services".to_string(), name.to_string()];
                service = merge_at(base, service, &mut p, &mut ctx.problems);
            }
        }
        take_key(&mut service, "extends");
    }
    rebase_service(&mut service, &dir);
    Some(service)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Resolution {
    InProgress,
    Done,
}

/// compose-go `ApplyExtends` on one document: every service with `extends`
/// becomes its base merged with its own definition.
fn apply_extends(
    ctx: &mut Ctx,
    scope: &Scope<'_>,
    root: &mut Node,
    here: &Path,
    tags: &[OverrideTag],
) {
    let Some(services) = entries_mut(root, "services") else {
        return;
    };
    let names: Vec<String> = services
        .iter()
        .filter_map(|(k, _)| k.as_str().map(str::to_string))
        .collect();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        index.entry(name.clone()).or_insert(i);
    }
    let mut local = Local {
        services,
        index,
        state: HashMap::new(),
        stack: Vec::new(),
    };
    for name in &names {
        resolve_local(ctx, scope, &mut local, name, here, tags);
    }
}

/// The services of one document while their `extends` are resolved.
struct Local<'s> {
    services: &'s mut Vec<(Node, Node)>,
    /// Position of each service (keys are unique after parsing).
    index: HashMap<String, usize>,
    state: HashMap<String, Resolution>,
    /// Services being resolved, outermost first (for cycle messages).
    stack: Vec<String>,
}

fn resolve_local(
    ctx: &mut Ctx,
    scope: &Scope<'_>,
    local: &mut Local<'_>,
    name: &str,
    here: &Path,
    tags: &[OverrideTag],
) {
    if local.state.contains_key(name) {
        return;
    }
    let Some(&idx) = local.index.get(name) else {
        return;
    };
    let Some(ext) = local
        .services
        .get(idx)
        .and_then(|(_, v)| v.get("extends"))
        .cloned()
    else {
        local.state.insert(name.to_string(), Resolution::Done);
        return;
    };
    local.state.insert(name.to_string(), Resolution::InProgress);
    local.stack.push(name.to_string());
    let base = match extends_target(ctx, &ext) {
        None => None,
        Some((target, Some(file))) => match &scope.dir {
            None => {
                ctx.problem(&ext, "`extends.file` needs the project directory");
                None
            }
            Some(dir) => {
                let path = clean(&dir.join(&file));
                let mut chain = vec![(here.to_path_buf(), name.to_string())];
                resolve_in_file(ctx, scope.env, &path, &target, &mut chain, &ext)
            }
        },
        Some((target, None)) => {
            if local.stack.len() > MAX_EXTENDS_DEPTH {
                ctx.problem(
                    &ext,
                    format!("extends chain longer than {MAX_EXTENDS_DEPTH}"),
                );
                None
            } else if local.state.get(&target) == Some(&Resolution::InProgress) {
                let text = local.stack.join("` → `");
                ctx.problem(&ext, format!("extends cycle: `{text}` → `{target}`"));
                None
            } else if let Some(&target_idx) = local.index.get(&target) {
                resolve_local(ctx, scope, local, &target, here, tags);
                match local.services.get(target_idx).map(|(_, v)| v.clone()) {
                    Some(b) if ctx.charge(node_size(&b), &ext) => {
                        Some(if b.is_null() { empty_map_at(&b) } else { b })
                    }
                    _ => None,
                }
            } else {
                ctx.problem(
                    &ext,
                    format!("cannot extend service `{name}`: service `{target}` not found"),
                );
                None
            }
        }
    };
    local.stack.pop();
    if let Some((_, service)) = local.services.get_mut(idx) {
        if let Some(base) = base {
            let base = apply_tags_under(base, tags, &["services", name]);
            let own = std::mem::replace(service, empty_map_at(&ext));
            let own = if own.is_null() {
                empty_map_at(&own)
            } else {
                own
            };
            let mut p = vec!["services".to_string(), name.to_string()];
            *service = merge_at(base, own, &mut p, &mut ctx.problems);
        }
        take_key(service, "extends");
    }
    local.state.insert(name.to_string(), Resolution::Done);
}

/// One entry of `include`: the files, the project directory, the env files.
struct IncludeSpec {
    at: Node,
    paths: Vec<String>,
    project_directory: Option<String>,
    env_files: Vec<String>,
}

fn strings_of(ctx: &mut Ctx, node: &Node, what: &str) -> Option<Vec<String>> {
    match &node.value {
        Value::Scalar(s) => Some(vec![s.text.clone()]),
        Value::Seq(items) => {
            let mut out = Vec::new();
            for item in items {
                match &item.value {
                    Value::Scalar(s) => out.push(s.text.clone()),
                    Value::Unknown(_) => return None,
                    _ => {
                        ctx.problem(item, format!("`{what}` must list paths"));
                        return None;
                    }
                }
            }
            Some(out)
        }
        Value::Null => Some(Vec::new()),
        Value::Unknown(_) => None,
        Value::Map(_) => {
            ctx.problem(node, format!("`{what}` must be a path or a list of paths"));
            None
        }
    }
}

fn include_spec(ctx: &mut Ctx, item: &Node) -> Option<IncludeSpec> {
    match &item.value {
        Value::Scalar(s) => Some(IncludeSpec {
            at: item.clone(),
            paths: vec![s.text.clone()],
            project_directory: None,
            env_files: Vec::new(),
        }),
        Value::Map(_) => {
            let Some(path) = item.get("path") else {
                ctx.problem(item, "`include` entry needs a `path`");
                return None;
            };
            let paths = strings_of(ctx, path, "include.path")?;
            if paths.is_empty() {
                ctx.problem(item, "`include` entry needs a `path`");
                return None;
            }
            let project_directory = match item.get("project_directory") {
                None => None,
                Some(n) if n.is_null() => None,
                Some(n) => Some(n.as_str()?.to_string()),
            };
            let env_files = match item.get("env_file") {
                None => Vec::new(),
                Some(n) => strings_of(ctx, n, "include.env_file")?,
            };
            Some(IncludeSpec {
                at: item.clone(),
                paths,
                project_directory,
                env_files,
            })
        }
        Value::Unknown(_) | Value::Null => None,
        Value::Seq(_) => {
            ctx.problem(item, "`include` entry must be a path or a mapping");
            None
        }
    }
}

/// compose-go `ApplyInclude`: each included project is loaded on its own (its
/// own project directory and `.env`), then its resources are added to this
/// document. A resource defined on both sides is a problem (the Compose
/// specification says Compose warns); the local definition is merged over the
/// included one, as compose-go does.
fn apply_includes(
    ctx: &mut Ctx,
    scope: &Scope<'_>,
    root: &mut Node,
    here: &Path,
    tags: &[OverrideTag],
    dirs: &mut HashMap<String, PathBuf>,
) {
    let Some((include_key, include)) = take_key(root, "include") else {
        return;
    };
    let items = match include.value {
        Value::Seq(items) => items,
        Value::Null | Value::Unknown(_) => return,
        _ => {
            ctx.problem(&include_key, "`include` must be a list");
            return;
        }
    };
    for item in items {
        let Some(spec) = include_spec(ctx, &item) else {
            continue;
        };
        let Some(dir) = scope.dir.clone().filter(|_| ctx.can_read) else {
            ctx.problem(&spec.at, "`include` needs the project directory");
            continue;
        };
        ctx.includes += 1;
        if ctx.includes > MAX_INCLUDES {
            if ctx.includes == MAX_INCLUDES + 1 {
                ctx.problem(
                    &spec.at,
                    format!("more than {MAX_INCLUDES} includes; the rest are not loaded"),
                );
            }
            continue;
        }
        let paths: Vec<PathBuf> = spec.paths.iter().map(|p| clean(&dir.join(p))).collect();
        let Some(main) = paths.first().cloned() else {
            continue;
        };
        let mut chain = scope.include_chain.clone();
        chain.push(here.to_path_buf());
        if chain.contains(&main) {
            let mut names: Vec<String> = chain.iter().map(|p| ctx.display(p)).collect();
            names.push(ctx.display(&main));
            ctx.problem(
                &spec.at,
                format!("include cycle: `{}`", names.join("` → `")),
            );
            continue;
        }
        if chain.len() > MAX_INCLUDE_DEPTH {
            ctx.problem(
                &spec.at,
                format!("include chain longer than {MAX_INCLUDE_DEPTH}"),
            );
            continue;
        }
        let project_dir = match &spec.project_directory {
            Some(pd) => clean(&dir.join(pd)),
            None => parent_dir(&main),
        };
        let env_paths: Vec<PathBuf> = if spec.env_files.is_empty() {
            let default = project_dir.join(".env");
            if default.is_file() {
                vec![default]
            } else {
                Vec::new()
            }
        } else {
            spec.env_files
                .iter()
                .filter(|f| f.as_str() != "/dev/null")
                .map(|f| clean(&dir.join(f)))
                .collect()
        };
        let Ok(vars) = ctx.dotenv(&env_paths, scope.env, false, Some(&spec.at)) else {
            continue;
        };
        let mut env = scope.env.clone();
        for (k, v) in vars {
            env.entry(k).or_insert(v);
        }
        let mut sources = Vec::new();
        for p in &paths {
            if let Some(s) = ctx.compose_file(p, &spec.at) {
                sources.push(s);
            }
        }
        if sources.len() != paths.len() {
            continue;
        }
        let sub_scope = Scope {
            dir: Some(project_dir.clone()),
            env: &env,
            include_chain: chain,
        };
        let sub = load_model(ctx, &sub_scope, sources);
        let Some(mut sub_root) = sub.root else {
            continue;
        };
        rebase_model(&mut sub_root, &project_dir);
        let shown = ctx.display(&main);
        for (key, kind) in RESOURCES {
            let Some((_, from)) = take_key(&mut sub_root, key) else {
                continue;
            };
            let Value::Map(from) = from.value else {
                continue;
            };
            if !matches!(root.get(key).map(|n| &n.value), Some(Value::Map(_))) {
                if root.get(key).is_some_and(|n| !n.is_null()) {
                    continue;
                }
                take_key(root, key);
                if let Value::Map(entries) = &mut root.value {
                    entries.push((synthetic_key(key, &include_key), empty_map_at(&include_key)));
                }
            }
            for (k, v) in from {
                let name = k.as_str().unwrap_or_default().to_string();
                let Some(to) = entries_mut(root, key) else {
                    break;
                };
                match to
                    .iter_mut()
                    .find(|(lk, _)| lk.as_str() == Some(name.as_str()))
                {
                    Some((local_key, local)) => {
                        let message = format!(
                            "{kind} `{name}` is also defined in the included `{shown}`; the local definition is merged over it"
                        );
                        ctx.problems
                            .push(Problem::new(local_key.location(), message));
                        let imported = apply_tags_under(v, tags, &[key, &name]);
                        let own = std::mem::replace(local, empty_map_at(&k));
                        let mut p = vec![key.to_string(), name.clone()];
                        *local = merge_at(imported, own, &mut p, &mut ctx.problems);
                    }
                    None => {
                        if key == "services" {
                            let d = sub
                                .dirs
                                .get(&name)
                                .cloned()
                                .unwrap_or_else(|| project_dir.clone());
                            dirs.insert(name.clone(), d);
                        }
                        to.push((k, v));
                    }
                }
            }
        }
    }
}

/// Loads the documents of `sources` in order into one model.
fn load_model(ctx: &mut Ctx, scope: &Scope<'_>, sources: Vec<Source>) -> Model {
    let mut dict: Option<Node> = None;
    let mut dirs: HashMap<String, PathBuf> = HashMap::new();
    for source in sources {
        let size: usize = source.docs.iter().map(|d| node_size(&d.root)).sum();
        let Some(first) = source.docs.first() else {
            continue;
        };
        if !ctx.charge(size, &first.root) {
            break;
        }
        // Documents no one else holds are moved; shared ones (a file included
        // twice) are copied, which the charge above paid for.
        let docs = Arc::try_unwrap(source.docs).unwrap_or_else(|shared| shared.as_ref().clone());
        for doc in docs {
            let mut root = doc.root;
            if root.as_map().is_none() {
                if !root.is_null() {
                    ctx.problem(&root, "top-level object must be a mapping");
                }
                continue;
            }
            ctx.legacy_v1 |= legacy_v1(&mut root);
            ctx.interpolate(&mut root, scope.env);
            apply_includes(ctx, scope, &mut root, &source.path, &doc.tags, &mut dirs);
            dict = dict.map(|d| apply_tags(d, &doc.tags));
            apply_extends(ctx, scope, &mut root, &source.path, &doc.tags);
            take_key(&mut root, "version");
            let mut merged = match dict {
                None => root,
                Some(d) => merge_documents(d, root, &mut ctx.problems),
            };
            enforce_unicity(&mut merged);
            dict = Some(merged);
        }
    }
    Model { root: dict, dirs }
}

/// compose-go project name precedence (`cli.withNamePrecedenceLoad`,
/// `loader.projectName`): `COMPOSE_PROJECT_NAME`, then the last non-empty
/// top-level `name:` of the files (interpolated), then the directory name;
/// always normalized.
fn project_name(
    sources: &[Source],
    env: &BTreeMap<String, String>,
    dir_name: Option<&str>,
) -> String {
    if let Some(n) = env.get("COMPOSE_PROJECT_NAME").filter(|n| !n.is_empty()) {
        return normalize_project_name(n);
    }
    let mut named: Option<&str> = None;
    for source in sources {
        for doc in source.docs.iter() {
            if let Some(t) = doc.root.get("name").and_then(Node::as_str) {
                if !t.is_empty() {
                    named = Some(t);
                }
            }
        }
    }
    if let Some(t) = named {
        let lookup = |k: &str| env.get(k).cloned();
        if let Ok(Interpolated::Value(v)) = interpolate(t, &lookup) {
            let n = normalize_project_name(&v);
            if !n.is_empty() {
                return n;
            }
        }
    }
    dir_name.map(normalize_project_name).unwrap_or_default()
}

/// Services with `profiles:` are active only when one of them is selected (or
/// `*` is); a profile that could not be interpolated counts as selected, so the
/// service is still checked.
fn is_active(service: &Node, selected: &[String]) -> bool {
    let Some(profiles) = service.get("profiles") else {
        return true;
    };
    let items: Vec<&Node> = match &profiles.value {
        Value::Seq(items) => items.iter().collect(),
        Value::Null => return true,
        _ => vec![profiles],
    };
    if items.is_empty() {
        return true;
    }
    items.iter().any(|p| match &p.value {
        Value::Scalar(s) => selected.iter().any(|sel| sel == "*" || *sel == s.text),
        _ => true,
    })
}

fn selected_profiles(explicit: &[String], env: &BTreeMap<String, String>) -> Vec<String> {
    let mut out: Vec<String> = explicit.to_vec();
    if let Some(list) = env.get("COMPOSE_PROFILES") {
        out.extend(
            list.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
    }
    out
}

/// Everything after the files and the environment are known.
fn finish(
    mut ctx: Ctx,
    sources: Vec<Source>,
    mut env: BTreeMap<String, String>,
    project_dir: Option<PathBuf>,
    name_dir: Option<String>,
    profiles: &[String],
) -> Project {
    let name = project_name(&sources, &env, name_dir.as_deref());
    // compose-go sets the resolved name into the environment before loading,
    // so `${COMPOSE_PROJECT_NAME}` interpolates to it.
    env.insert("COMPOSE_PROJECT_NAME".to_string(), name.clone());
    let scope = Scope {
        dir: project_dir.clone(),
        env: &env,
        include_chain: Vec::new(),
    };
    let model = load_model(&mut ctx, &scope, sources);
    let selected = selected_profiles(profiles, &env);
    let mut services = Vec::new();
    let (mut volumes, mut networks, mut secrets, mut configs) = (None, None, None, None);
    if let Some(mut root) = model.root {
        if let Some((key, value)) = take_key(&mut root, "services") {
            match value.value {
                Value::Map(entries) => {
                    for (k, v) in entries {
                        let name = k.as_str().unwrap_or_default().to_string();
                        let node = match &v.value {
                            Value::Map(_) => v,
                            Value::Null => empty_map_at(&v),
                            _ => {
                                ctx.problem(&v, format!("service `{name}` must be a mapping"));
                                continue;
                            }
                        };
                        if !is_active(&node, &selected) {
                            continue;
                        }
                        let dir = model
                            .dirs
                            .get(&name)
                            .cloned()
                            .or_else(|| project_dir.clone())
                            .unwrap_or_default();
                        services.push(Service {
                            name,
                            key: k,
                            node,
                            dir,
                        });
                    }
                }
                Value::Null => {}
                _ => ctx.problem(&key, "`services` must be a mapping"),
            }
        }
        volumes = take_key(&mut root, "volumes").map(|(_, v)| v);
        networks = take_key(&mut root, "networks").map(|(_, v)| v);
        secrets = take_key(&mut root, "secrets").map(|(_, v)| v);
        configs = take_key(&mut root, "configs").map(|(_, v)| v);
    }
    Project {
        legacy_v1: ctx.legacy_v1,
        name,
        dir: project_dir.unwrap_or_default(),
        files: ctx.files,
        services,
        volumes,
        networks,
        secrets,
        configs,
        env,
        problems: ctx.problems,
    }
}

fn dir_name(dir: &Path) -> Option<String> {
    dir.file_name().map(|n| n.to_string_lossy().into_owned())
}

/// The environment for interpolation: the process environment over the
/// project's env files (compose-go `WithOsEnv` then `WithDotEnv`).
fn environment(
    process: &BTreeMap<String, String>,
    files: BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut env = process.clone();
    for (k, v) in files {
        env.entry(k).or_insert(v);
    }
    env
}

/// The default `.env` of a project directory, unless `COMPOSE_DISABLE_ENV_FILE`
/// is set to a true value.
fn default_env_file(dir: &Path, process: &BTreeMap<String, String>) -> Vec<PathBuf> {
    let disabled = process
        .get("COMPOSE_DISABLE_ENV_FILE")
        .and_then(|v| parse_bool(v))
        .unwrap_or(false);
    let path = dir.join(".env");
    if disabled || !path.is_file() {
        return Vec::new();
    }
    vec![path]
}

pub(crate) fn load_project(opts: &LoadOptions) -> Result<Project, LoadError> {
    let process = &opts.environment;
    let base = |p: &Path| -> PathBuf {
        if p.is_absolute() || opts.working_dir.as_os_str().is_empty() {
            p.to_path_buf()
        } else {
            opts.working_dir.join(p)
        }
    };
    let mut files: Vec<PathBuf> = opts.files.iter().map(|p| base(p)).collect();
    // The project directory: the first file's directory with `-f`, else the
    // working directory (compose-go `ProjectOptions.GetWorkingDir`).
    let shown_dir = match files.first() {
        Some(first) => parent_dir(first),
        None if opts.working_dir.as_os_str().is_empty() => PathBuf::from("."),
        None => opts.working_dir.clone(),
    };
    let abs_dir = absolute(&shown_dir);
    let mut ctx = Ctx::new(true);
    ctx.display_root = Some((abs_dir.clone(), shown_dir.clone()));

    let explicit_env = !opts.env_files.is_empty();
    let env_paths: Vec<PathBuf> = if explicit_env {
        opts.env_files.iter().map(|p| base(p)).collect()
    } else {
        default_env_file(&shown_dir, process)
    };
    let vars = ctx.dotenv(&env_paths, process, explicit_env, None)?;
    let env = environment(process, vars);

    if files.is_empty() {
        if let Some(list) = env.get("COMPOSE_FILE").filter(|l| !l.is_empty()) {
            // Relative to the project directory, which stays the working
            // directory (as with `--project-directory`).
            let sep = env
                .get("COMPOSE_PATH_SEPARATOR")
                .filter(|s| !s.is_empty())
                .map_or(":", String::as_str);
            files = list
                .split(sep)
                .filter(|p| !p.is_empty())
                .map(|p| shown_dir.join(p))
                .collect();
        }
    }
    if files.is_empty() {
        files = discover(&shown_dir);
    }
    if files.is_empty() {
        return Err(LoadError::NoComposeFile { dir: shown_dir });
    }
    let mut sources: Vec<Source> = Vec::new();
    for path in &files {
        let abs = absolute(path);
        // `-f a -f a` merges the file with itself.
        if let Some(same) = sources.iter().find(|s| s.path == abs) {
            let same = same.clone();
            sources.push(same);
            continue;
        }
        let (text, too_large, lossy) = read_text(path).map_err(|source| LoadError::Read {
            path: path.clone(),
            source,
        })?;
        let file = ctx.add_file(&path.to_string_lossy(), text, too_large, lossy);
        sources.push(ctx.parse(abs, file, false));
    }
    Ok(finish(
        ctx,
        sources,
        env,
        Some(abs_dir.clone()),
        dir_name(&abs_dir),
        &opts.profiles,
    ))
}

pub(crate) fn load_str(
    file: Arc<SourceFile>,
    dir: Option<&Path>,
    environment_vars: &BTreeMap<String, String>,
) -> Project {
    let mut ctx = Ctx::new(dir.is_some());
    let abs_dir = dir.map(absolute);
    if let (Some(shown), Some(abs)) = (dir, &abs_dir) {
        ctx.display_root = Some((abs.clone(), shown.to_path_buf()));
    }
    ctx.files.push(Arc::clone(&file));
    let vars = match dir {
        Some(d) => {
            let paths = default_env_file(d, environment_vars);
            ctx.dotenv(&paths, environment_vars, false, None)
                .unwrap_or_default()
        }
        None => BTreeMap::new(),
    };
    let env = environment(environment_vars, vars);
    let path = match &abs_dir {
        Some(d) => clean(&d.join(&file.path)),
        None => PathBuf::from(&file.path),
    };
    let source = ctx.parse(path, file, false);
    let name_dir = match &abs_dir {
        Some(d) => dir_name(d),
        None => Path::new(&source.file.path)
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned()),
    };
    finish(ctx, vec![source], env, abs_dir, name_dir, &[])
}
