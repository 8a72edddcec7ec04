//! `hullguard scan`: discover, read, check in parallel, fix, filter, report.

use crate::cli::ScanArgs;
use crate::discover::{display_path, inputs, kind_of_named, Input, InputKind};
use crate::line_suppress;
use crate::output;
use anyhow::{bail, Context, Result};
use hullguard_compose::convert::project_specs;
use hullguard_compose::loader::load_project;
use hullguard_compose::project::{LoadOptions, Project};
use hullguard_config::{Baseline, Config, ConfigCache, Selection};
use hullguard_diagnostics::{Finding, Location, RuleInfo, ScanError, Severity, SourceFile};
use hullguard_docker_run::find_in_script;
use hullguard_report::{write_report, Report, StreamWriter, TextOptions};
use hullguard_rules::{
    all_rules, apply_fixes, check_container, check_dockerfile, problem_findings, CheckOptions,
    RuleOptions,
};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Files larger than this are reported, not read: no Dockerfile is this big, and
/// hostile input must not exhaust memory.
const MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// Rounds of fix application before giving up on convergence.
const MAX_FIX_ROUNDS: usize = 10;

struct Outcome {
    /// The input as the user should see it (a path, or compose files joined).
    display: String,
    /// Every file findings may point into.
    files: Vec<Arc<SourceFile>>,
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
    let selection = args.rules.selection();
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
    let mut inputs = if args.paths.is_empty() && !args.compose_files.is_empty() {
        Vec::new()
    } else if args.paths.is_empty() {
        inputs(&[PathBuf::from(".")], &args.exclude)?
    } else {
        inputs(&args.paths, &args.exclude)?
    };
    let stdin_kind = kind_of_named(Path::new(&args.stdin_filename));
    for i in &mut inputs {
        if let Input::Stdin(k) = i {
            *k = stdin_kind;
        }
    }
    if !args.compose_files.is_empty() {
        // `-f` names one project; the same files found by walking are not
        // scanned a second time on their own.
        let explicit: Vec<PathBuf> = args.compose_files.iter().map(|f| absolute(f)).collect();
        inputs.retain(|i| match i {
            Input::Compose(files) => !files.iter().any(|f| explicit.contains(&absolute(f))),
            _ => true,
        });
        for f in &args.compose_files {
            if !f.is_file() {
                bail!("compose file `{}` does not exist", f.display());
            }
        }
        inputs.insert(0, Input::Compose(args.compose_files.clone()));
    }
    let mut stdin_text = None;
    if inputs.iter().any(|i| matches!(i, Input::Stdin(_))) {
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

    let format = output::format_of(args.format);
    let color = output::use_color(args.color, args.output.is_some());
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

    // Without the flag, each file's configuration may set its own threshold.
    let default_threshold = output::threshold(args.fail_on, None);
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
                eprintln!("hullguard: warning: {}: {n}", o.display);
            }
            for (acc, bits) in enabled.iter_mut().zip(&o.enabled) {
                *acc |= bits;
            }
            if let Some((old, new)) = &o.fixed {
                changed += 1;
                if args.diff {
                    print_diff(&o.display, old, new)?;
                } else if args.fix {
                    std::fs::write(&o.display, new)
                        .with_context(|| format!("cannot write fixes to `{}`", o.display))?;
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
                    files.append(&mut o.files);
                }
            }
        }
    }
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    if files_scanned == 0 {
        eprintln!(
            "hullguard: warning: nothing to scan found (Dockerfiles: Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile ...; compose: compose.yaml, docker-compose.yml ...; scripts: *.sh; name a file explicitly to scan it whatever its name)"
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
        match input {
            Input::Dockerfile(p) => {
                let display = display_path(p);
                let (text, lossy) = read_text(p).map_err(|message| ScanError {
                    path: display.clone(),
                    message,
                })?;
                self.scan_dockerfile(p, display, text, lossy, true)
            }
            Input::Stdin(kind) => {
                let display = self.args.stdin_filename.clone();
                let p = PathBuf::from(&display);
                let text = self.stdin_text.unwrap_or("").to_string();
                match kind {
                    InputKind::Dockerfile => self.scan_dockerfile(&p, display, text, false, false),
                    InputKind::Script => self.scan_script(&p, display, text),
                    InputKind::Compose => {
                        let file = SourceFile::new(display.clone(), text);
                        let dir = std::env::current_dir().ok();
                        let env: BTreeMap<String, String> = std::env::vars().collect();
                        let project =
                            hullguard_compose::loader::load_str(file, dir.as_deref(), &env);
                        self.check_compose(&p, display, project)
                    }
                }
            }
            Input::Script(p) => {
                let display = display_path(p);
                let (text, _) = read_text(p).map_err(|message| ScanError {
                    path: display.clone(),
                    message,
                })?;
                self.scan_script(p, display, text)
            }
            Input::Compose(files) => {
                let first = files.first().cloned().unwrap_or_default();
                let display = files
                    .iter()
                    .map(|f| display_path(f))
                    .collect::<Vec<_>>()
                    .join(" + ");
                // Files and env files are relative to the current directory, as
                // on the `docker compose` command line; the project directory is
                // the first file's (an empty working directory tells the loader).
                let opts = LoadOptions {
                    files: files.clone(),
                    working_dir: PathBuf::new(),
                    env_files: self.args.env_files.clone(),
                    profiles: self.profiles(),
                    environment: std::env::vars().collect(),
                };
                let project = load_project(&opts).map_err(|e| ScanError {
                    path: display.clone(),
                    message: e.to_string(),
                })?;
                self.check_compose(&first, display, project)
            }
        }
    }

    /// `--profile`, or every profile when none is given: a security scan must not
    /// skip a service because it is deployed only with a profile.
    fn profiles(&self) -> Vec<String> {
        if self.args.profiles.is_empty() {
            vec!["*".to_string()]
        } else {
            self.args.profiles.clone()
        }
    }

    /// The configuration and check options for a file.
    fn options(
        &self,
        path: &Path,
        display: &str,
    ) -> Result<(Arc<Config>, CheckOptions), ScanError> {
        let config = self.cache.get(&absolute(path)).map_err(|e| ScanError {
            path: display.to_string(),
            message: format!("configuration error: {e}"),
        })?;
        let enabled = config.enabled_rules(&absolute(path), self.selection, self.rules);
        let mut build_args = config.build_args.clone();
        build_args.extend(
            self.cli_build_args
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        let opts = CheckOptions {
            enabled,
            severities: config.severity_overrides(),
            build_args,
            target: self.args.target.clone(),
            rule_options: rule_options(&config),
        };
        Ok((config, opts))
    }

    fn enabled_bits(&self, opts: &CheckOptions) -> Vec<u64> {
        let mut bits = vec![0u64; self.rules.len().div_ceil(64)];
        for (i, r) in self.rules.iter().enumerate() {
            if opts.enabled.contains(r.code) {
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        bits
    }

    fn scan_dockerfile(
        &self,
        path: &Path,
        display: String,
        text: String,
        lossy: bool,
        may_fix: bool,
    ) -> Result<Outcome, ScanError> {
        let (config, opts) = self.options(path, &display)?;
        let mut notes = Vec::new();
        let mut file = SourceFile::new(display.clone(), text);
        let mut result = check_dockerfile(&file, &opts);
        let mut fixed = None;
        let want_fixes = (self.args.fix || self.args.diff) && may_fix;
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
        Ok(Outcome {
            display,
            files: vec![file],
            findings: result.findings,
            threshold: config.fail_on,
            enabled: self.enabled_bits(&opts),
            fixed,
            notes,
        })
    }

    fn scan_script(
        &self,
        path: &Path,
        display: String,
        text: String,
    ) -> Result<Outcome, ScanError> {
        let (config, opts) = self.options(path, &display)?;
        let file = SourceFile::new(display.clone(), text);
        let scan = find_in_script(&file);
        let mut findings = problem_findings(&scan.problems, &opts);
        for c in &scan.commands {
            findings.extend(problem_findings(&c.problems, &opts));
            findings.extend(check_container(&c.spec, &opts));
        }
        line_suppress::apply(&mut findings, std::slice::from_ref(&file), &opts.enabled);
        sort_findings(&mut findings);
        Ok(Outcome {
            display,
            files: vec![file],
            findings,
            threshold: config.fail_on,
            enabled: self.enabled_bits(&opts),
            fixed: None,
            notes: Vec::new(),
        })
    }

    fn check_compose(
        &self,
        first: &Path,
        display: String,
        project: Project,
    ) -> Result<Outcome, ScanError> {
        let (config, opts) = self.options(first, &display)?;
        let (specs, problems) = project_specs(&project);
        let mut findings = problem_findings(&project.problems, &opts);
        findings.extend(problem_findings(&problems, &opts));
        for spec in &specs {
            findings.extend(check_container(spec, &opts));
        }
        line_suppress::apply(&mut findings, &project.files, &opts.enabled);
        sort_findings(&mut findings);
        let mut notes = Vec::new();
        if specs.is_empty() && project.problems.is_empty() {
            notes.push("no services to check".to_string());
        }
        Ok(Outcome {
            display,
            files: project.files.clone(),
            findings,
            threshold: config.fail_on,
            enabled: self.enabled_bits(&opts),
            fixed: None,
            notes,
        })
    }
}

/// A problem as one line: `path:line:column: message` or `object pointer: message`.
pub fn describe_problem(p: &hullguard_container::Problem) -> String {
    match &p.at {
        Location::File { file, span } => {
            let lc = file.line_col(span.start);
            format!("{}:{}:{}: {}", file.path, lc.line, lc.column, p.message)
        }
        Location::Object {
            kind,
            name,
            pointer,
        } => {
            format!("{kind} {name} {pointer}: {}", p.message)
        }
    }
}

/// Rule options from a configuration.
pub fn rule_options(config: &Config) -> RuleOptions {
    RuleOptions {
        trusted_registries: config.trusted_registries.clone(),
        secret_patterns: config.secret_patterns.clone(),
        allowed_capabilities: config.allowed_capabilities.clone(),
        allowed_host_paths: config.allowed_host_paths.clone(),
    }
}

/// Findings in file order (file, then position), objects after files.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| match &f.location {
            Location::File { file, span } => (0, file.path.clone(), span.start, String::new()),
            Location::Object {
                kind,
                name,
                pointer,
            } => (1, format!("{kind}/{name}"), 0, pointer.clone()),
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.rule.code.cmp(b.rule.code))
    });
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
