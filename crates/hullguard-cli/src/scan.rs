//! `hullguard scan`: discover, read, check in parallel, fix, filter, report.

use crate::cli::{ColorChoice, OutputFormat, ScanArgs, SeverityArg};
use crate::discover::{display_path, inputs, Input};
use anyhow::{bail, Context, Result};
use hullguard_config::{Baseline, Config, ConfigCache, Selection};
use hullguard_diagnostics::{Finding, RuleInfo, ScanError, Severity, SourceFile};
use hullguard_report::{write_report, Format, Report, StreamWriter, TextOptions};
use hullguard_rules::{all_rules, apply_fixes, check_dockerfile, CheckOptions, RuleOptions};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Files larger than this are reported, not read: no Dockerfile is this big, and
/// hostile input must not exhaust memory.
const MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// Rounds of fix application before giving up on convergence.
const MAX_FIX_ROUNDS: usize = 10;

struct Outcome {
    file: Arc<SourceFile>,
    findings: Vec<Finding>,
    threshold: Option<Severity>,
    /// Enabled rules, as a bitset over the positions of `all_rules()` (one set per
    /// file would cost more memory than the findings on large scans).
    enabled: Vec<u64>,
    /// Original and fixed text, when fixes changed the file.
    fixed: Option<(String, String)>,
    notes: Vec<String>,
}

/// Files checked in parallel before their findings are written out: the scan
/// holds one chunk of files at a time, whatever the number of files.
const CHUNK: usize = 256;

pub fn run(args: ScanArgs) -> Result<ExitCode> {
    let rules = all_rules();
    let selection = Selection::from_cli(args.select.as_deref(), &args.extend_select, &args.ignore);
    selection.validate(&rules)?;
    let mut cli_build_args = BTreeMap::new();
    for b in &args.build_args {
        let Some((k, v)) = b.split_once('=') else {
            bail!("--build-arg `{b}` must be NAME=VALUE");
        };
        cli_build_args.insert(k.to_string(), v.to_string());
    }
    let cache = if args.isolated {
        ConfigCache::with_config(Config::default_config())
    } else if let Some(c) = &args.config {
        ConfigCache::explicit(c, &rules)
            .with_context(|| format!("cannot use configuration `{}`", c.display()))?
    } else {
        ConfigCache::new(&rules)
    };
    let baseline = match &args.baseline {
        Some(path) => Some(
            Baseline::load(path)
                .with_context(|| format!("cannot use baseline `{}`", path.display()))?,
        ),
        None => None,
    };
    let inputs = inputs(&args.paths, &args.exclude)?;
    let mut stdin_text = None;
    if inputs.iter().any(|i| matches!(i, Input::Stdin)) {
        let mut s = String::new();
        std::io::stdin()
            .take(MAX_FILE_SIZE)
            .read_to_string(&mut s)
            .context("cannot read standard input")?;
        stdin_text = Some(s);
    }
    let ctx = Ctx {
        args: &args,
        rules: &rules,
        selection: &selection,
        cache: &cache,
        cli_build_args: &cli_build_args,
        stdin_text: stdin_text.as_deref(),
    };

    let format = match args.format {
        OutputFormat::Text => Format::Text,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Junit => Format::Junit,
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let text = TextOptions {
        color,
        show_source: !args.no_source,
    };
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create `{}`", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    // Text and JSON are written as the scan goes; SARIF, JUnit, --diff and
    // --write-baseline need the whole run.
    let streaming = StreamWriter::supports(format) && !args.diff && args.write_baseline.is_none();
    let mut stream = if streaming {
        Some(StreamWriter::begin(
            format,
            text,
            env!("CARGO_PKG_VERSION"),
            &mut *out,
        ))
    } else {
        None
    };
    if let Some(Err(e)) = &stream {
        bail!("cannot write the report: {e}");
    }

    let default_threshold = fail_on(args.fail_on);
    let mut collected: Vec<Finding> = Vec::new();
    let mut files: Vec<Arc<SourceFile>> = Vec::new();
    let mut errors: Vec<ScanError> = Vec::new();
    let mut enabled = vec![0u64; rules.len().div_ceil(64)];
    let mut files_scanned = 0;
    let mut failing = false;
    let mut changed = 0;
    let mut write_failed = None;
    for chunk in inputs.chunks(CHUNK) {
        let results: Vec<Result<Outcome, ScanError>> =
            chunk.par_iter().map(|i| ctx.scan_one(i)).collect();
        for r in results {
            files_scanned += 1;
            let mut o = match r {
                Ok(o) => o,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            for n in &o.notes {
                eprintln!("hullguard: warning: {}: {n}", o.file.path);
            }
            for (acc, bits) in enabled.iter_mut().zip(&o.enabled) {
                *acc |= bits;
            }
            if let Some((old, new)) = &o.fixed {
                changed += 1;
                if args.diff {
                    print_diff(&o.file.path, old, new)?;
                } else if args.fix {
                    std::fs::write(&o.file.path, new)
                        .with_context(|| format!("cannot write fixes to `{}`", o.file.path))?;
                }
            }
            if args.diff {
                continue;
            }
            if let Some(b) = &baseline {
                b.filter(
                    &mut o.findings,
                    args.baseline.as_deref().unwrap_or(Path::new(".")),
                );
            }
            let threshold = if args.fail_on.is_some() {
                default_threshold
            } else {
                o.threshold.or(default_threshold)
            };
            failing |= o
                .findings
                .iter()
                .any(|f| threshold.is_some_and(|t| f.severity >= t));
            match &mut stream {
                Some(Ok(w)) => {
                    if write_failed.is_none() {
                        if let Err(e) = w.findings(&o.findings) {
                            write_failed = Some(e);
                        }
                    }
                }
                _ => {
                    collected.append(&mut o.findings);
                    files.push(o.file);
                }
            }
        }
    }
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    if files_scanned == 0 {
        eprintln!(
            "hullguard: warning: no Dockerfiles found (names: Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile ...; name a file explicitly to scan it whatever its name)"
        );
    }

    if args.diff {
        if !errors.is_empty() {
            return Ok(report_errors_only(&errors));
        }
        eprintln!(
            "hullguard: {changed} file{} would be changed",
            if changed == 1 { "" } else { "s" }
        );
        return Ok(if changed > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        });
    }
    if args.fix && changed > 0 {
        eprintln!(
            "hullguard: fixed {changed} file{}",
            if changed == 1 { "" } else { "s" }
        );
    }
    if let Some(path) = &args.write_baseline {
        let b = Baseline::from_findings(&collected, path);
        b.write(path)
            .with_context(|| format!("cannot write baseline `{}`", path.display()))?;
        eprintln!(
            "hullguard: wrote {} findings to baseline `{}`",
            b.len(),
            path.display()
        );
        return Ok(if errors.is_empty() {
            ExitCode::SUCCESS
        } else {
            report_errors_only(&errors)
        });
    }

    // Scoped so the writer (which borrows `out`) is gone before `out` is used again.
    let streamed = {
        let stream = stream;
        match stream {
            Some(Ok(w)) => Some(match write_failed {
                Some(e) => Err(e),
                None => w.finish(&errors, files_scanned),
            }),
            _ => None,
        }
    };
    let written = match streamed {
        Some(r) => r,
        None => {
            let report_rules: Vec<&'static RuleInfo> = rules
                .iter()
                .enumerate()
                .filter(|(i, _)| enabled[i / 64] & (1 << (i % 64)) != 0)
                .map(|(_, r)| *r)
                .collect();
            let report = Report {
                findings: &collected,
                errors: &errors,
                files_scanned,
                rules: &report_rules,
                files: &files,
                tool_version: env!("CARGO_PKG_VERSION"),
            };
            write_report(&report, format, &text, &mut *out)
        }
    };
    match written.and_then(|()| {
        out.flush()
            .map_err(|e| hullguard_report::ReportError::Write { format, source: e })
    }) {
        Ok(()) => {}
        // A closed pipe (`| head`) is not an error worth a message.
        Err(hullguard_report::ReportError::Write { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e.into()),
    }
    if !errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn fail_on(arg: Option<SeverityArg>) -> Option<Severity> {
    match arg {
        None | Some(SeverityArg::Low) => Some(Severity::Low),
        Some(SeverityArg::Critical) => Some(Severity::Critical),
        Some(SeverityArg::High) => Some(Severity::High),
        Some(SeverityArg::Medium) => Some(Severity::Medium),
        Some(SeverityArg::Info) => Some(Severity::Info),
        Some(SeverityArg::None) => None,
    }
}

fn report_errors_only(errors: &[ScanError]) -> ExitCode {
    for e in errors {
        eprintln!("hullguard: error: {}: {}", e.path, e.message);
    }
    ExitCode::from(2)
}

fn print_diff(path: &str, old: &str, new: &str) -> Result<()> {
    let diff = similar::TextDiff::from_lines(old, new);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    write!(
        out,
        "{}",
        diff.unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
    )?;
    Ok(())
}

struct Ctx<'a> {
    args: &'a ScanArgs,
    rules: &'a [&'static RuleInfo],
    selection: &'a Selection,
    cache: &'a ConfigCache,
    cli_build_args: &'a BTreeMap<String, String>,
    stdin_text: Option<&'a str>,
}

impl Ctx<'_> {
    fn scan_one(&self, input: &Input) -> Result<Outcome, ScanError> {
        let (path, display, text, lossy) = match input {
            Input::Stdin => {
                let p = PathBuf::from(&self.args.stdin_filename);
                (
                    p,
                    self.args.stdin_filename.clone(),
                    self.stdin_text.unwrap_or("").to_string(),
                    false,
                )
            }
            Input::File(p) => {
                let display = display_path(p);
                let (text, lossy) = read_text(p).map_err(|message| ScanError {
                    path: display.clone(),
                    message,
                })?;
                (p.clone(), display, text, lossy)
            }
        };
        let config = self.cache.get(&absolute(&path)).map_err(|e| ScanError {
            path: display.clone(),
            message: format!("configuration error: {e}"),
        })?;
        let enabled = config.enabled_rules(&absolute(&path), self.selection, self.rules);
        let mut build_args = config.build_args.clone();
        build_args.extend(
            self.cli_build_args
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        let opts = CheckOptions {
            enabled: enabled.clone(),
            severities: config.severity_overrides(),
            build_args,
            target: self.args.target.clone(),
            rule_options: RuleOptions {
                trusted_registries: config.trusted_registries.clone(),
                secret_patterns: config.secret_patterns.clone(),
            },
        };
        let mut notes = Vec::new();
        let mut file = SourceFile::new(display.clone(), text);
        let mut result = check_dockerfile(&file, &opts);
        let mut fixed = None;
        let want_fixes = (self.args.fix || self.args.diff) && !matches!(input, Input::Stdin);
        if want_fixes && lossy {
            notes.push("not valid UTF-8: fixes are not applied".into());
        } else if want_fixes {
            let original = file.text.clone();
            let mut current = original.clone();
            for _ in 0..MAX_FIX_ROUNDS {
                let (next, n) = apply_fixes(&current, &result.findings, self.args.unsafe_fixes);
                if n == 0 || next == current {
                    break;
                }
                current = next;
                file = SourceFile::new(display.clone(), current.clone());
                result = check_dockerfile(&file, &opts);
            }
            if current != original {
                fixed = Some((original, current));
            }
        }
        notes.extend(result.notes);
        if lossy {
            notes.push("not valid UTF-8: invalid bytes were replaced for analysis".into());
        }
        let mut bits = vec![0u64; self.rules.len().div_ceil(64)];
        for (i, r) in self.rules.iter().enumerate() {
            if enabled.contains(r.code) {
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        Ok(Outcome {
            file,
            findings: result.findings,
            threshold: config.fail_on,
            enabled: bits,
            fixed,
            notes,
        })
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Reads a file as text. Errors: unreadable, too large, binary. Invalid UTF-8 is
/// decoded lossily (`true`) so the rest can still be analysed.
fn read_text(p: &Path) -> Result<(String, bool), String> {
    let meta = std::fs::metadata(p).map_err(|e| format!("cannot read: {e}"))?;
    if meta.len() > MAX_FILE_SIZE {
        return Err(format!(
            "file is larger than {} MiB; not a Dockerfile",
            MAX_FILE_SIZE / 1024 / 1024
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(p)
        .and_then(|f| f.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(format!(
            "file is larger than {} MiB; not a Dockerfile",
            MAX_FILE_SIZE / 1024 / 1024
        ));
    }
    if bytes.contains(&0) {
        return Err("binary file (contains NUL bytes); not a Dockerfile".into());
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok((s, false)),
        Err(e) => Ok((String::from_utf8_lossy(e.as_bytes()).into_owned(), true)),
    }
}
