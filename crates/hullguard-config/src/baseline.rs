//! Baselines: the findings accepted when hullguard was adopted, so that `scan
//! --baseline FILE` reports only new ones.
//!
//! Findings are matched by (file relative to the baseline's directory, finding
//! fingerprint) with multiplicity; fingerprints do not contain line numbers, so
//! matching survives lines moving. The file is sorted, pretty-printed JSON so a
//! change to it reads well in a code review.

use crate::error::BaselineError;
use crate::paths::{relative_to, resolve, slash_path};
use hullguard_diagnostics::{Finding, Location};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// The only baseline format version this crate reads and writes.
pub const BASELINE_VERSION: u32 = 1;
const TOOL: &str = "hullguard";

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule: String,
    /// Relative to the baseline file's directory, with `/` separators (`..` when
    /// outside it). Engine findings use `<kind>:<name>`.
    pub file: String,
    /// For the reviewer only; not used for matching.
    pub message: String,
}

#[derive(Serialize, Deserialize)]
struct BaselineFile {
    version: u32,
    tool: String,
    findings: Vec<BaselineEntry>,
}

/// A set of accepted findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    /// Sorted by (file, rule, fingerprint, message).
    entries: Vec<BaselineEntry>,
}

/// Computes matching keys, resolving each distinct path once: a file with many
/// findings costs one `canonicalize`.
struct Keyer {
    base: PathBuf,
    files: HashMap<String, String>,
}

impl Keyer {
    fn new(baseline_path: &Path) -> Keyer {
        let resolved = resolve(baseline_path);
        let base = resolved
            .parent()
            .map_or_else(|| resolved.clone(), Path::to_path_buf);
        Keyer {
            base,
            files: HashMap::new(),
        }
    }

    fn file(&mut self, finding: &Finding) -> String {
        match &finding.location {
            Location::File { file, .. } => {
                if let Some(known) = self.files.get(&file.path) {
                    return known.clone();
                }
                let absolute = resolve(Path::new(&file.path));
                let key =
                    relative_to(&absolute, &self.base).unwrap_or_else(|| slash_path(&absolute));
                self.files.insert(file.path.clone(), key.clone());
                key
            }
            Location::Object { kind, name, .. } => format!("{kind}:{name}"),
        }
    }
}

/// The fingerprint to match on. The rules engine always sets one; a finding
/// without falls back to rule and message so it still matches itself.
fn fingerprint(finding: &Finding) -> String {
    if finding.fingerprint.is_empty() {
        format!("{}:{}", finding.rule.code, finding.message)
    } else {
        finding.fingerprint.clone()
    }
}

/// The file's order: by file, then rule, so a review reads file by file and
/// regenerating an unchanged baseline gives an identical file.
fn sort_entries(entries: &mut [BaselineEntry]) {
    entries.sort_by(|a, b| {
        (&a.file, &a.rule, &a.fingerprint, &a.message).cmp(&(
            &b.file,
            &b.rule,
            &b.fingerprint,
            &b.message,
        ))
    });
}

impl Baseline {
    /// Records `findings` for a baseline to be written at `baseline_path`.
    pub fn from_findings(findings: &[Finding], baseline_path: &Path) -> Baseline {
        let mut keyer = Keyer::new(baseline_path);
        let mut entries: Vec<BaselineEntry> = findings
            .iter()
            .map(|finding| BaselineEntry {
                fingerprint: fingerprint(finding),
                rule: finding.rule.code.to_owned(),
                file: keyer.file(finding),
                message: finding.message.clone(),
            })
            .collect();
        sort_entries(&mut entries);
        Baseline { entries }
    }

    /// The accepted findings, sorted.
    pub fn entries(&self) -> &[BaselineEntry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The file's text: pretty-printed JSON ending in a newline.
    fn to_json(&self) -> Result<String, serde_json::Error> {
        let file = BaselineFile {
            version: BASELINE_VERSION,
            tool: TOOL.to_owned(),
            findings: self.entries.clone(),
        };
        let mut text = serde_json::to_string_pretty(&file)?;
        text.push('\n');
        Ok(text)
    }

    /// Writes the baseline atomically: a temporary file in the same directory,
    /// flushed to disk, then renamed over `path`, so a crash never leaves a
    /// truncated baseline behind.
    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        let write_error = |source| BaselineError::Write {
            path: path.to_path_buf(),
            source,
        };
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let mut temp = tempfile::Builder::new()
            .prefix(".hullguard-baseline")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(write_error)?;
        let text = self
            .to_json()
            .map_err(|e| write_error(std::io::Error::other(e)))?;
        temp.write_all(text.as_bytes()).map_err(write_error)?;
        temp.as_file().sync_all().map_err(write_error)?;
        // Temporary files are created private (0600); a baseline is meant to be
        // shared, so keep the old file's permissions or use the usual 0644.
        let permissions = match std::fs::metadata(path) {
            Ok(meta) => Some(meta.permissions()),
            Err(_) => default_permissions(temp.as_file()),
        };
        if let Some(permissions) = permissions {
            temp.as_file()
                .set_permissions(permissions)
                .map_err(write_error)?;
        }
        temp.persist(path).map_err(|e| write_error(e.error))?;
        Ok(())
    }

    /// Reads a baseline written by [`Baseline::write`].
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            if source.kind() == ErrorKind::NotFound {
                BaselineError::Missing {
                    path: path.to_path_buf(),
                }
            } else {
                BaselineError::Read {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
        let parse_error = |e: serde_json::Error| BaselineError::Parse {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        };
        // Check version and tool before the full schema, so an old or foreign
        // file gets that explanation rather than a confusing field error.
        let value: serde_json::Value = serde_json::from_str(&text).map_err(parse_error)?;
        let version = value.get("version");
        if version.and_then(serde_json::Value::as_u64) != Some(u64::from(BASELINE_VERSION)) {
            return Err(BaselineError::UnsupportedVersion {
                path: path.to_path_buf(),
                found: version.map_or_else(|| "null".to_owned(), ToString::to_string),
                supported: BASELINE_VERSION,
            });
        }
        if let Some(tool) = value.get("tool").and_then(serde_json::Value::as_str) {
            if tool != TOOL {
                return Err(BaselineError::WrongTool {
                    path: path.to_path_buf(),
                    tool: tool.to_owned(),
                });
            }
        }
        let file: BaselineFile = serde_json::from_str(&text).map_err(parse_error)?;
        let mut entries = file.findings;
        sort_entries(&mut entries);
        Ok(Baseline { entries })
    }

    /// Removes from `findings` those present in the baseline and returns how
    /// many were removed. Multiplicity counts: an entry recorded once absorbs
    /// one finding, so a second identical finding is reported as new.
    pub fn filter(&self, findings: &mut Vec<Finding>, baseline_path: &Path) -> usize {
        // file -> fingerprint -> occurrences not yet matched.
        let mut remaining: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
        for entry in &self.entries {
            *remaining
                .entry(entry.file.as_str())
                .or_default()
                .entry(entry.fingerprint.as_str())
                .or_default() += 1;
        }
        let mut keyer = Keyer::new(baseline_path);
        let before = findings.len();
        findings.retain(|finding| {
            let file = keyer.file(finding);
            let fingerprint = fingerprint(finding);
            let count = remaining
                .get_mut(file.as_str())
                .and_then(|by_fingerprint| by_fingerprint.get_mut(fingerprint.as_str()));
            match count {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    false
                }
                _ => true,
            }
        });
        before - findings.len()
    }
}

#[cfg(unix)]
fn default_permissions(_file: &std::fs::File) -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions(_file: &std::fs::File) -> Option<std::fs::Permissions> {
    None
}
