//! `hullguard check -- docker run ...`: one command line, checked with the
//! container rules; with `--fix`, the hardened command line.

use crate::cli::CheckArgs;
use crate::output;
use crate::scan::{rule_options, sort_findings};
use anyhow::{bail, Context, Result};
use hullguard_config::{Config, ConfigCache};
use hullguard_diagnostics::{RuleInfo, SourceFile};
use hullguard_docker_run::{find_in_script, quote_argv};
use hullguard_harden::{harden_run, HardenOptions};
use hullguard_report::{Report, TextOptions};
use hullguard_rules::{all_rules, check_container, problem_findings, CheckOptions};
use std::io::Write;
use std::process::ExitCode;

/// The name the command line is shown under.
const COMMAND_LINE: &str = "<command line>";

pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let rules = all_rules();
    let selection = args.rules.selection();
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
    let threshold = output::threshold(args.fail_on, config.fail_on);
    let failing = |fs: &[hullguard_diagnostics::Finding]| output::failing(fs, threshold);

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

    let format = output::format_of(args.format);
    let color = output::use_color(args.color, false);
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
    output::write_whole(&report, format, &text, None)?;
    Ok(if failing(&findings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
