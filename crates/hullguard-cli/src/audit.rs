//! `hullguard audit`: a live Docker engine and its host, against the CIS Docker
//! Benchmark. Connect, collect one read-only snapshot, run every rule on it,
//! report; or audit a saved snapshot (`--from`).

use crate::cli::AuditArgs;
use crate::output;
use crate::scan::{rule_options, sort_findings};
use anyhow::{Context, Result};
use hullguard_config::{Config, ConfigCache};
use hullguard_diagnostics::{Finding, Location, RuleInfo};
use hullguard_engine::{collect, connect, CollectOptions, ConnectOptions, Progress, Snapshot};
use hullguard_report::{Report, TextOptions};
use hullguard_rules::{all_rules, check_snapshot, CheckOptions};
use std::io::IsTerminal;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// The path configuration is looked up for: the current directory.
const AUDIT_CONFIG_KEY: &str = "<audit>";

pub fn run(args: AuditArgs) -> Result<ExitCode> {
    let rules = all_rules();
    let selection = args.rules.selection();
    selection.validate(&rules)?;
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let key = cwd.join(AUDIT_CONFIG_KEY);
    let config = if args.isolated {
        std::sync::Arc::new(Config::default_config())
    } else if let Some(c) = &args.config {
        ConfigCache::explicit(c, &rules)
            .with_context(|| format!("cannot use configuration `{}`", c.display()))?
            .get(&key)?
    } else {
        ConfigCache::new(&rules).get(&key)?
    };
    let opts = CheckOptions {
        enabled: config.enabled_rules(&key, &selection, &rules),
        severities: config.severity_overrides(),
        rule_options: rule_options(&config),
        ..CheckOptions::default()
    };

    if args.watch {
        return crate::watch::run(&args, &opts);
    }
    let snapshot = match &args.from {
        Some(path) => load(path)?,
        None => take_snapshot(&args)?,
    };
    if let Some(path) = &args.save {
        let file = std::fs::File::create(path)
            .with_context(|| format!("cannot create `{}`", path.display()))?;
        let mut w = std::io::BufWriter::new(file);
        snapshot
            .to_writer(&mut w)
            .with_context(|| format!("cannot write the snapshot to `{}`", path.display()))?;
        w.flush()?;
        eprintln!("hullguard: saved the snapshot to {}", path.display());
    }
    for note in &snapshot.notes {
        eprintln!("hullguard: note: {note}");
    }

    let result = check_snapshot(&snapshot, &opts);
    for note in &result.notes {
        eprintln!("hullguard: note: {note}");
    }
    let mut findings = result.findings;
    if !args.container.is_empty() {
        findings.retain(|f| keep_for_filter(f, &snapshot, &args.container));
    }
    sort_findings(&mut findings);
    report(&args, &rules, &opts, &findings, &config)
}

fn load(path: &Path) -> Result<Snapshot> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    Snapshot::from_reader(std::io::BufReader::new(file))
        .with_context(|| format!("`{}` is not a hullguard snapshot", path.display()))
}

pub fn take_snapshot(args: &AuditArgs) -> Result<Snapshot> {
    let options = connect_options(args);
    // A progress bar on a terminal only (indicatif draws nothing on a pipe).
    let progress = std::sync::Arc::new(Progress::default());
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} collecting {pos}/{len} objects")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let snapshot = runtime()?.block_on(async {
        let engine = connect(&options).await?;
        let collect_options = CollectOptions {
            concurrency: args.concurrency.max(1),
            host_facts: !args.no_host,
            progress: Some(progress.clone()),
        };
        let collecting = collect(&engine, &collect_options);
        tokio::pin!(collecting);
        let mut tick = tokio::time::interval(Duration::from_millis(100));
        let snapshot = loop {
            tokio::select! {
                s = &mut collecting => break s?,
                _ = tick.tick() => {
                    if let Some(bar) = &bar {
                        bar.set_length(progress.total.load(Ordering::Relaxed) as u64);
                        bar.set_position(progress.done.load(Ordering::Relaxed) as u64);
                    }
                }
            }
        };
        Ok::<_, anyhow::Error>(snapshot)
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    snapshot
}

pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

pub fn connect_options(args: &AuditArgs) -> ConnectOptions {
    ConnectOptions {
        host: args.host.clone(),
        context: args.context.clone(),
        environment: std::env::vars().collect(),
        timeout: Duration::from_secs(args.timeout),
    }
}

/// `--container NAME|ID|label=KEY[=VALUE]`: findings about the matching
/// containers (engine-wide findings are kept only when no container filter is
/// given).
fn keep_for_filter(f: &Finding, snap: &Snapshot, filters: &[String]) -> bool {
    let Location::Object { kind, name, .. } = &f.location else {
        return false;
    };
    if kind != "container" {
        return false;
    }
    let Some(c) = snap.containers.iter().find(|c| &c.name == name) else {
        return false;
    };
    filters.iter().any(|flt| {
        if let Some(label) = flt.strip_prefix("label=") {
            let (k, v) = match label.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (label, None),
            };
            c.inspect
                .pointer("/Config/Labels")
                .and_then(|l| l.get(k))
                .and_then(|x| x.as_str())
                .is_some_and(|x| v.is_none_or(|v| v == x))
        } else {
            let f = flt.trim_start_matches('/');
            c.name == f || (f.len() >= 4 && c.id.starts_with(f))
        }
    })
}

fn report(
    args: &AuditArgs,
    rules: &[&'static RuleInfo],
    opts: &CheckOptions,
    findings: &[Finding],
    config: &Config,
) -> Result<ExitCode> {
    let format = output::format_of(args.format);
    let color = output::use_color(args.color, args.output.is_some());
    let report_rules: Vec<&'static RuleInfo> = rules
        .iter()
        .copied()
        .filter(|r| opts.enabled.contains(r.code))
        .collect();
    let report = Report {
        findings,
        errors: &[],
        files_scanned: 0,
        rules: &report_rules,
        files: &[],
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    let text = TextOptions {
        color,
        show_source: !args.no_source,
    };
    output::write_whole(&report, format, &text, args.output.as_deref())?;
    let failing = output::failing(findings, output::threshold(args.fail_on, config.fail_on));
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
