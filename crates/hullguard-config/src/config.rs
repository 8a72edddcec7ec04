//! `hullguard.toml`: the schema, its validation against the rule list, and the
//! per-file rule selection it implies.

use crate::error::ConfigError;
use crate::paths::{relative_to, resolve, slash_path};
use crate::selection::{resolve_selector, specificity, Selection};
use globset::{GlobBuilder, GlobMatcher};
use hullguard_diagnostics::{RuleInfo, Severity};
use regex::Regex;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// The file as written. Every table denies unknown keys so a typo is an error
/// instead of an option that silently does nothing.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    extend_select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    per_path_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    #[serde(default)]
    dockerfile: RawDockerfile,
    #[serde(default)]
    container: RawContainer,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawContainer {
    #[serde(default)]
    allowed_capabilities: Vec<Spanned<String>>,
    #[serde(default)]
    allowed_host_paths: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDockerfile {
    #[serde(default)]
    trusted_registries: Vec<Spanned<String>>,
    #[serde(default)]
    secret_patterns: Vec<Spanned<String>>,
    #[serde(default)]
    build_args: BTreeMap<String, ScalarString>,
}

/// A build-arg value: `RUNAS = 1000` means the same as `RUNAS = "1000"`, as it
/// would on the `--build-arg` command line.
struct ScalarString(String);

impl<'de> Deserialize<'de> for ScalarString {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = ScalarString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, integer, float or boolean")
            }
            fn visit_str<E>(self, v: &str) -> Result<ScalarString, E> {
                Ok(ScalarString(v.to_owned()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<ScalarString, E> {
                Ok(ScalarString(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<ScalarString, E> {
                Ok(ScalarString(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<ScalarString, E> {
                Ok(ScalarString(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<ScalarString, E> {
                Ok(ScalarString(v.to_string()))
            }
        }
        de.deserialize_any(Visitor)
    }
}

/// One `[per-path-ignores]` entry, compiled.
#[derive(Debug, Clone)]
struct PerPathIgnore {
    /// The glob as written, for messages.
    glob: String,
    matcher: GlobMatcher,
    /// Absolute globs are matched against the file's absolute path; the others
    /// against the path relative to the configuration's directory.
    absolute: bool,
    codes: Vec<&'static str>,
}

/// A parsed and validated configuration. Rule selectors are resolved to codes at
/// load time, so using a `Config` cannot fail.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it was read from; `None` for [`Config::default_config`] and
    /// [`Config::from_str`] without a path.
    pub path: Option<PathBuf>,
    /// Default `--fail-on` threshold of `scan`.
    pub fail_on: Option<Severity>,
    /// `[dockerfile] trusted-registries`, without trailing `/`.
    pub trusted_registries: Vec<String>,
    /// `[dockerfile] secret-patterns`, compiled.
    pub secret_patterns: Vec<Regex>,
    /// `[dockerfile] build-args`, as if given with `--build-arg`.
    pub build_args: BTreeMap<String, String>,
    /// `[container] allowed-capabilities`: capabilities a container may add
    /// without a finding, normalised (upper case, no `CAP_`).
    pub allowed_capabilities: Vec<String>,
    /// `[container] allowed-host-paths`: host paths that may be mounted without
    /// a sensitive-mount finding (absolute, without a trailing `/`).
    pub allowed_host_paths: Vec<String>,
    /// Resolved directory of [`Config::path`]: the base of per-path globs.
    root: Option<PathBuf>,
    /// `None`: the rules whose `default_enabled` is true.
    select: Option<Vec<&'static str>>,
    extend_select: Vec<&'static str>,
    ignore: Vec<&'static str>,
    severity: HashMap<&'static str, Severity>,
    per_path_ignores: Vec<PerPathIgnore>,
}

impl Config {
    /// Reads and validates `path`; every rule selector must match one of `rules`.
    pub fn load(path: &Path, rules: &[&'static RuleInfo]) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source: Arc::new(source),
        })?;
        Config::from_str(&text, Some(path), rules)
    }

    /// Parses and validates configuration text. `path` is used in errors and as
    /// the base of per-path globs (the current directory when `None`).
    pub fn from_str(
        text: &str,
        path: Option<&Path>,
        rules: &[&'static RuleInfo],
    ) -> Result<Config, ConfigError> {
        let cx = Context {
            text,
            path: path.map(Path::to_path_buf),
            rules,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| cx.toml_error(&e))?;

        let select = raw
            .select
            .as_ref()
            .map(|list| cx.resolve_list("select", list))
            .transpose()?;
        let extend_select = cx.resolve_list("extend-select", &raw.extend_select)?;
        let ignore = cx.resolve_list("ignore", &raw.ignore)?;
        let fail_on = raw
            .fail_on
            .as_ref()
            .map(|value| cx.severity("fail-on", value))
            .transpose()?;
        let severity = cx.severity_table(&raw.severity)?;
        let per_path_ignores = raw
            .per_path_ignores
            .iter()
            .map(|(glob, selectors)| cx.per_path_ignore(glob, selectors))
            .collect::<Result<Vec<_>, _>>()?;
        let trusted_registries = raw
            .dockerfile
            .trusted_registries
            .iter()
            .map(|registry| cx.registry(registry))
            .collect::<Result<Vec<_>, _>>()?;
        let secret_patterns = raw
            .dockerfile
            .secret_patterns
            .iter()
            .map(|pattern| cx.regex(pattern))
            .collect::<Result<Vec<_>, _>>()?;
        let build_args = raw
            .dockerfile
            .build_args
            .into_iter()
            .map(|(key, ScalarString(value))| (key, value))
            .collect();

        let allowed_capabilities = raw
            .container
            .allowed_capabilities
            .iter()
            .map(|cap| cx.capability(cap))
            .collect::<Result<Vec<_>, _>>()?;
        let allowed_host_paths = raw
            .container
            .allowed_host_paths
            .iter()
            .map(|p| cx.host_path(p))
            .collect::<Result<Vec<_>, _>>()?;

        let root = path.map(|p| match p.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => resolve(dir),
            _ => resolve(Path::new(".")),
        });
        Ok(Config {
            path: path.map(Path::to_path_buf),
            fail_on,
            trusted_registries,
            secret_patterns,
            build_args,
            allowed_capabilities,
            allowed_host_paths,
            root,
            select,
            extend_select,
            ignore,
            severity,
            per_path_ignores,
        })
    }

    /// The configuration used when no file is found: default rules, no overrides.
    pub fn default_config() -> Config {
        Config::default()
    }

    /// The directory per-path globs are relative to (resolved), when the
    /// configuration came from a file.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// Codes of the rules to run on `file`, from `rules`.
    ///
    /// Start from `--select`, else `select` plus `extend-select`, else the rules
    /// whose `default_enabled` is true; add `--extend-select`; remove `ignore`
    /// and `--ignore`; then remove what matching `[per-path-ignores]` entries
    /// name. Selectors on `cli` that match nothing are skipped here (check them
    /// once with [`Selection::validate`]).
    pub fn enabled_rules(
        &self,
        file: &Path,
        cli: &Selection,
        rules: &[&'static RuleInfo],
    ) -> HashSet<&'static str> {
        let resolve_all = |selectors: &[String]| -> Vec<&'static str> {
            selectors
                .iter()
                .flat_map(|s| resolve_selector(s, rules))
                .collect()
        };
        let mut enabled: HashSet<&'static str> = HashSet::new();
        match &cli.select {
            Some(select) => enabled.extend(resolve_all(select)),
            None => {
                match &self.select {
                    Some(select) => enabled.extend(select.iter().copied()),
                    None => enabled.extend(
                        rules
                            .iter()
                            .filter(|rule| rule.default_enabled)
                            .map(|rule| rule.code),
                    ),
                }
                enabled.extend(self.extend_select.iter().copied());
            }
        }
        enabled.extend(resolve_all(&cli.extend_select));
        for code in self.ignore.iter().copied().chain(resolve_all(&cli.ignore)) {
            enabled.remove(code);
        }
        for code in self.per_path_ignored(file) {
            enabled.remove(code);
        }
        // The configuration was validated against a rule list; keep only codes
        // of the list given now, in case the two differ.
        let known: HashSet<&'static str> = rules.iter().map(|rule| rule.code).collect();
        enabled.retain(|code| known.contains(code));
        enabled
    }

    /// Codes that `[per-path-ignores]` removes for `file`.
    pub fn per_path_ignored(&self, file: &Path) -> HashSet<&'static str> {
        let mut ignored = HashSet::new();
        if self.per_path_ignores.is_empty() {
            return ignored;
        }
        let absolute = resolve(file);
        let root = self.root.clone().unwrap_or_else(|| resolve(Path::new(".")));
        let relative = relative_to(&absolute, &root).unwrap_or_else(|| slash_path(&absolute));
        let relative_candidates = with_ancestors(&relative);
        let absolute_candidates: Vec<String> = with_ancestors(&slash_path(&absolute))
            .into_iter()
            .chain(with_ancestors(&slash_path(file)))
            .collect();
        for entry in &self.per_path_ignores {
            let candidates = if entry.absolute {
                &absolute_candidates
            } else {
                &relative_candidates
            };
            if candidates.iter().any(|c| entry.matcher.is_match(c)) {
                ignored.extend(entry.codes.iter().copied());
            }
        }
        ignored
    }

    /// `[severity]` overrides by rule code. When several keys match a rule the
    /// most specific wins: code, then name, then the longest code prefix, then
    /// `ALL`.
    pub fn severity_overrides(&self) -> HashMap<&'static str, Severity> {
        self.severity.clone()
    }

    /// The globs of `[per-path-ignores]` as written, in file order.
    pub fn per_path_globs(&self) -> impl Iterator<Item = &str> {
        self.per_path_ignores
            .iter()
            .map(|entry| entry.glob.as_str())
    }
}

/// `a/b/c` → `["a/b/c", "a/b", "a"]`: a glob naming a directory applies to
/// everything below it, as in `.gitignore`.
fn with_ancestors(path: &str) -> Vec<String> {
    let mut out = vec![path.to_owned()];
    let mut rest = path;
    while let Some(index) = rest.rfind('/') {
        rest = &rest[..index];
        if rest.is_empty() {
            break;
        }
        out.push(rest.to_owned());
    }
    out
}

/// What validation needs to build errors with positions.
struct Context<'a> {
    text: &'a str,
    path: Option<PathBuf>,
    rules: &'a [&'static RuleInfo],
}

impl Context<'_> {
    /// 1-based line and column (in characters) of a byte offset.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or(self.text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }

    fn at<T>(&self, value: &Spanned<T>) -> (usize, usize) {
        self.line_col(value.span().start)
    }

    fn toml_error(&self, error: &toml::de::Error) -> ConfigError {
        let (line, column) = error
            .span()
            .map_or((1, 1), |span| self.line_col(span.start));
        let message = error.message().trim_end().to_owned();
        // serde's fixed wording for `deny_unknown_fields`.
        if let Some((key, hint)) = message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split_once('`'))
        {
            return ConfigError::UnknownKey {
                path: self.path.clone(),
                key: key.to_owned(),
                line,
                column,
                hint: hint.trim_start_matches(',').trim().to_owned(),
            };
        }
        ConfigError::Toml {
            path: self.path.clone(),
            line,
            column,
            message,
        }
    }

    fn resolve(
        &self,
        option: &str,
        selector: &Spanned<String>,
    ) -> Result<Vec<&'static str>, ConfigError> {
        let codes = resolve_selector(selector.get_ref(), self.rules);
        if codes.is_empty() {
            let (line, column) = self.at(selector);
            return Err(ConfigError::UnknownRule {
                path: self.path.clone(),
                option: option.to_owned(),
                selector: selector.get_ref().clone(),
                line,
                column,
            });
        }
        Ok(codes)
    }

    fn resolve_list(
        &self,
        option: &str,
        selectors: &[Spanned<String>],
    ) -> Result<Vec<&'static str>, ConfigError> {
        let mut codes = Vec::new();
        for selector in selectors {
            for code in self.resolve(option, selector)? {
                if !codes.contains(&code) {
                    codes.push(code);
                }
            }
        }
        Ok(codes)
    }

    fn severity(&self, key: &str, value: &Spanned<String>) -> Result<Severity, ConfigError> {
        Severity::parse(value.get_ref()).ok_or_else(|| {
            let (line, column) = self.at(value);
            ConfigError::InvalidSeverity {
                path: self.path.clone(),
                key: key.to_owned(),
                value: value.get_ref().clone(),
                line,
                column,
            }
        })
    }

    fn severity_table(
        &self,
        table: &BTreeMap<Spanned<String>, Spanned<String>>,
    ) -> Result<HashMap<&'static str, Severity>, ConfigError> {
        // Per code: (specificity of the key that set it, severity).
        let mut best: HashMap<&'static str, (usize, Severity)> = HashMap::new();
        for (key, value) in table {
            let severity = self.severity(key.get_ref(), value)?;
            self.resolve("severity", key)?;
            for rule in self.rules {
                let Some(mut rank) = specificity(key.get_ref(), rule) else {
                    continue;
                };
                // Code and name are both exact; the code wins a conflict.
                if rank == usize::MAX && !key.get_ref().eq_ignore_ascii_case(rule.code) {
                    rank -= 1;
                }
                let slot = best.entry(rule.code).or_insert((rank, severity));
                if rank > slot.0 {
                    *slot = (rank, severity);
                }
            }
        }
        Ok(best
            .into_iter()
            .map(|(code, (_, severity))| (code, severity))
            .collect())
    }

    fn per_path_ignore(
        &self,
        glob: &Spanned<String>,
        selectors: &[Spanned<String>],
    ) -> Result<PerPathIgnore, ConfigError> {
        let written = glob.get_ref();
        let absolute = Path::new(written).is_absolute() || written.starts_with('/');
        let mut pattern = written.trim_start_matches("./").to_owned();
        // `legacy/` names a directory; directories match through their files'
        // ancestors anyway (see `with_ancestors`).
        while pattern.len() > 1 && pattern.ends_with('/') {
            pattern.pop();
        }
        // A pattern without a slash matches at any depth, as in `.gitignore`.
        if !absolute && !pattern.contains('/') {
            pattern = format!("**/{pattern}");
        }
        let matcher = GlobBuilder::new(&pattern)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .map_err(|source| {
                let (line, column) = self.at(glob);
                ConfigError::InvalidGlob {
                    path: self.path.clone(),
                    glob: written.clone(),
                    line,
                    column,
                    source,
                }
            })?
            .compile_matcher();
        let codes = self.resolve_list("per-path-ignores", selectors)?;
        Ok(PerPathIgnore {
            glob: written.clone(),
            matcher,
            absolute,
            codes,
        })
    }

    fn registry(&self, value: &Spanned<String>) -> Result<String, ConfigError> {
        let registry = value.get_ref().trim().trim_end_matches('/');
        let reason = if registry.is_empty() {
            Some("it is empty")
        } else if registry.contains("://") {
            Some("write it without a URL scheme, e.g. `registry.example.com/team`")
        } else if registry.chars().any(char::is_whitespace) {
            Some("it contains whitespace")
        } else {
            None
        };
        match reason {
            Some(reason) => {
                let (line, column) = self.at(value);
                Err(ConfigError::InvalidRegistry {
                    path: self.path.clone(),
                    value: value.get_ref().clone(),
                    reason,
                    line,
                    column,
                })
            }
            None => Ok(registry.to_owned()),
        }
    }

    /// A capability name: letters, digits and `_`, with or without `CAP_`.
    fn capability(&self, value: &Spanned<String>) -> Result<String, ConfigError> {
        let raw = value.get_ref().trim();
        let upper = raw.to_ascii_uppercase();
        let cap = upper.strip_prefix("CAP_").unwrap_or(&upper).to_owned();
        let reason = if cap.is_empty() {
            Some("it is empty")
        } else if cap == "ALL" {
            Some("`ALL` cannot be allowed; list the capabilities the container needs")
        } else if !cap.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            Some("a capability name has only letters, digits and `_`, e.g. `NET_BIND_SERVICE`")
        } else {
            None
        };
        self.container_option("allowed-capabilities", value, reason, cap)
    }

    /// An absolute host path, normalised without a trailing `/`.
    fn host_path(&self, value: &Spanned<String>) -> Result<String, ConfigError> {
        let raw = value.get_ref().trim();
        let reason = if !raw.starts_with('/') {
            Some("write an absolute path, e.g. `/srv/data`")
        } else if raw.split('/').any(|c| c == "..") {
            Some("`..` is not allowed in an allowed path")
        } else if raw.trim_end_matches('/').is_empty() {
            Some("allowing `/` would allow every host path")
        } else {
            None
        };
        let mut path = String::new();
        for c in raw.split('/').filter(|c| !c.is_empty() && *c != ".") {
            path.push('/');
            path.push_str(c);
        }
        self.container_option("allowed-host-paths", value, reason, path)
    }

    fn container_option(
        &self,
        key: &'static str,
        value: &Spanned<String>,
        reason: Option<&'static str>,
        ok: String,
    ) -> Result<String, ConfigError> {
        match reason {
            Some(reason) => {
                let (line, column) = self.at(value);
                Err(ConfigError::InvalidContainerOption {
                    path: self.path.clone(),
                    key,
                    value: value.get_ref().clone(),
                    reason,
                    line,
                    column,
                })
            }
            None => Ok(ok),
        }
    }

    fn regex(&self, pattern: &Spanned<String>) -> Result<Regex, ConfigError> {
        let (line, column) = self.at(pattern);
        let regex = Regex::new(pattern.get_ref()).map_err(|source| ConfigError::InvalidRegex {
            path: self.path.clone(),
            pattern: pattern.get_ref().clone(),
            line,
            column,
            source,
        })?;
        if regex.is_match("") {
            return Err(ConfigError::RegexMatchesEmpty {
                path: self.path.clone(),
                pattern: pattern.get_ref().clone(),
                line,
                column,
            });
        }
        Ok(regex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors() {
        assert_eq!(with_ancestors("a/b/c"), vec!["a/b/c", "a/b", "a"]);
        assert_eq!(with_ancestors("/a/b"), vec!["/a/b", "/a"]);
        assert_eq!(with_ancestors("c"), vec!["c"]);
    }
}
