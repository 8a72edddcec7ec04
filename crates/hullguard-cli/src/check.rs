//! `hullguard check -- docker run ...`: one command line, checked with the
//! container rules; with `--fix`, the hardened command line.

use crate::cli::{CheckArgs, ColorChoice, OutputFormat, SeverityArg};
use crate::scan::{rule_options, sort_findings};
use anyhow::{bail, Context, Result};
use hullguard_config::{Config, ConfigCache, Selection};
use hullguard_diagnostics::{RuleInfo, Severity, SourceFile};
use hullguard_docker_run::{find_in_script, quote_argv};
use hullguard_harden::{harden_run, HardenOptions};
use hullguard_report::{write_report, Format, Report, TextOptions};
use hullguard_rules::{all_rules, check_container, problem_findings, CheckOptions};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// The name the command line is shown under.
const COMMAND_LINE: &str = "<command line>";

pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let rules = all_rules();
    let selection = Selection::from_cli(args.select.as_deref(), &args.extend_select, &args.ignore);
    selection.validate(&rules)?;
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let config = if args.isolated {
        std::sync::Arc::new(Config::default_config())
    } else if let Some(c) = &args.config {
        ConfigCache::explicit(c, &rules)
            .with_context(|| format!("cannot use configuration `{}`", c.display()))?
            .get(&cwd.join(COMMAND_LINE))?
    } else {
        ConfigCache::new(&rules).get(&cwd.join(COMMAND_LINE))?
    };
    let enabled = config.enabled_rules(&cwd.join(COMMAND_LINE), &selection, &rules);
    let opts = CheckOptions {
        enabled,
        severities: config.severity_overrides(),
        rule_options: rule_options(&config),
        ..CheckOptions::default()
    };

    let text = quote_argv(&args.command);
    let file = SourceFile::new(COMMAND_LINE, text);
    let scan = find_in_script(&file);
    let [command] = scan.commands.as_slice() else {
        bail!(
            "expected one `docker run` or `docker create` command line after `--`, e.g. \
             `hullguard check -- docker run --rm alpine:3.20 echo hi`; got `{}`",
            file.text
        );
    };
    let mut findings = problem_findings(&scan.problems, &opts);
    findings.extend(problem_findings(&command.problems, &opts));
    findings.extend(check_container(&command.spec, &opts));
    sort_findings(&mut findings);
    let threshold = match args.fail_on {
        None => config.fail_on.or(Some(Severity::Low)),
        Some(SeverityArg::None) => None,
        Some(SeverityArg::Critical) => Some(Severity::Critical),
        Some(SeverityArg::High) => Some(Severity::High),
        Some(SeverityArg::Medium) => Some(Severity::Medium),
        Some(SeverityArg::Low) => Some(Severity::Low),
        Some(SeverityArg::Info) => Some(Severity::Info),
    };
    let failing = |fs: &[hullguard_diagnostics::Finding]| {
        fs.iter()
            .any(|f| threshold.is_some_and(|t| f.severity >= t))
    };

    if args.fix {
        let hardened = harden_run(
            &file.text,
            command.span,
            // Before a `--` that ends the flags, else before the image.
            command.flags_end.or(command.image),
            &command.spec,
            &opts,
            &HardenOptions::default(),
        );
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", hardened.command)?;
        let mut err = std::io::stderr().lock();
        for pa in &hardened.plan.actions {
            let rules: Vec<&str> = pa.closes.iter().map(|r| r.code).collect();
            writeln!(
                err,
                "hullguard: added: {} ({})",
                pa.action.describe(),
                rules.join(", ")
            )?;
        }
        let mut remaining = hardened.plan.remaining.clone();
        remaining.extend(problem_findings(&command.problems, &opts));
        for f in &remaining {
            writeln!(
                err,
                "hullguard: remaining: {} {} ({}): {}",
                f.rule.code, f.rule.name, f.severity, f.message
            )?;
        }
        return Ok(if failing(&remaining) {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        });
    }

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
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let report_rules: Vec<&'static RuleInfo> = rules
        .iter()
        .copied()
        .filter(|r| opts.enabled.contains(r.code))
        .collect();
    let files = [file];
    let report = Report {
        findings: &findings,
        errors: &[],
        files_scanned: 1,
        rules: &report_rules,
        files: &files,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    let text = TextOptions {
        color,
        show_source: !args.no_source,
    };
    let mut out = std::io::stdout().lock();
    match write_report(&report, format, &text, &mut out).and_then(|()| {
        out.flush()
            .map_err(|e| hullguard_report::ReportError::Write { format, source: e })
    }) {
        Ok(()) => {}
        Err(hullguard_report::ReportError::Write { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e.into()),
    }
    Ok(if failing(&findings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
