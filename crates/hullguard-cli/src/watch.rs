//! `hullguard audit --watch`: follow the engine's event stream and audit each
//! container as it is created, started or updated, printing findings not
//! printed before (text lines, or JSON lines), until interrupted.
//!
//! Each event is audited with the same code as a full audit: a snapshot made of
//! the engine-wide documents collected at the start and the one container (and
//! its image) read again, so a finding in watch mode is exactly the finding the
//! full audit would report for that container.

use crate::audit::{connect_options, runtime};
use crate::cli::{AuditArgs, OutputFormat};
use anyhow::{Context, Result};
use futures_util::StreamExt;
use hullguard_diagnostics::{Finding, Location};
use hullguard_engine::{
    collect, connect, CollectOptions, ContainerSnapshot, Engine, ImageSnapshot, Snapshot,
};
use hullguard_report::{write_report, Format, Report, TextOptions};
use hullguard_rules::{check_snapshot, CheckOptions};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::process::ExitCode;

/// Container events after which its configuration may have changed.
const ACTIONS: &[&str] = &[
    "create",
    "start",
    "update",
    "restart",
    "unpause",
    "exec_start",
    "health_status",
];

pub fn run(args: &AuditArgs, opts: &CheckOptions) -> Result<ExitCode> {
    let options = connect_options(args);
    let json = args.format == OutputFormat::Json;
    runtime()?.block_on(async {
        let engine = connect(&options).await?;
        // The engine-wide documents once, without containers (each event
        // brings its own).
        let mut base = collect(
            &engine,
            &CollectOptions {
                concurrency: args.concurrency.max(1),
                host_facts: !args.no_host,
                progress: None,
            },
        )
        .await?;
        base.containers.clear();
        base.images.clear();
        eprintln!(
            "hullguard: watching {} for container events (interrupt to stop)",
            engine.endpoint().host
        );
        let mut filters = HashMap::new();
        filters.insert("type".to_string(), vec!["container".to_string()]);
        let mut events = engine
            .docker()
            .events(Some(bollard::query_parameters::EventsOptions {
                filters: Some(filters),
                ..Default::default()
            }));
        let mut printed: HashSet<(String, String)> = HashSet::new();
        while let Some(event) = events.next().await {
            let event = event.context("the engine's event stream failed")?;
            let action = event.action.as_deref().unwrap_or("");
            // `exec_start: sh -c ...`, `health_status: healthy`.
            let action = action.split(':').next().unwrap_or("").trim();
            if !ACTIONS.contains(&action) {
                continue;
            }
            let Some(id) = event.actor.and_then(|a| a.id) else {
                continue;
            };
            let Some(snap) = container_snapshot(&engine, &base, &id).await else {
                continue;
            };
            let mut findings: Vec<Finding> = check_snapshot(&snap, opts)
                .findings
                .into_iter()
                .filter(
                    |f| matches!(&f.location, Location::Object { kind, .. } if kind == "container"),
                )
                .filter(|f| printed.insert((f.fingerprint.clone(), id.clone())))
                .collect();
            findings.sort_by(|a, b| {
                b.severity
                    .cmp(&a.severity)
                    .then(a.rule.code.cmp(b.rule.code))
            });
            if !findings.is_empty() {
                print(&findings, json)?;
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// A snapshot of the engine-wide documents plus one container and its image;
/// `None` when the container is gone already.
async fn container_snapshot(engine: &Engine, base: &Snapshot, id: &str) -> Option<Snapshot> {
    let inspect = engine.get(&format!("/containers/{id}/json")).await.ok()?;
    let name = inspect
        .get("Name")
        .and_then(|n| n.as_str())
        .unwrap_or(id)
        .trim_start_matches('/')
        .to_string();
    let mut execs = Vec::new();
    if let Some(ids) = inspect.get("ExecIDs").and_then(|e| e.as_array()) {
        for e in ids.iter().filter_map(|e| e.as_str()) {
            if let Ok(x) = engine.get(&format!("/exec/{e}/json")).await {
                execs.push(x);
            }
        }
    }
    let mut snap = base.clone();
    if let Some(image) = inspect.get("Image").and_then(|i| i.as_str()) {
        if let Ok(img) = engine.get(&format!("/images/{image}/json")).await {
            let history = engine
                .get(&format!("/images/{image}/history"))
                .await
                .unwrap_or_default();
            snap.images.push(ImageSnapshot {
                id: image.to_string(),
                inspect: img,
                history,
            });
        }
    }
    snap.containers.push(ContainerSnapshot {
        id: id.to_string(),
        name,
        inspect,
        execs,
    });
    Some(snap)
}

/// Text lines (one per finding), or JSON lines in the report's finding format.
fn print(findings: &[Finding], json: bool) -> Result<()> {
    let mut buf = Vec::new();
    let report = Report {
        findings,
        errors: &[],
        files_scanned: 0,
        rules: &[],
        files: &[],
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    let text = TextOptions {
        color: false,
        show_source: false,
    };
    let format = if json { Format::Json } else { Format::Text };
    write_report(&report, format, &text, &mut buf)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        let v: serde_json::Value = serde_json::from_slice(&buf)?;
        if let Some(items) = v.get("findings").and_then(|f| f.as_array()) {
            for item in items {
                writeln!(out, "{}", serde_json::to_string(item)?)?;
            }
        }
    } else {
        // The finding lines, without the summary line.
        let text = String::from_utf8_lossy(&buf);
        for line in text.lines().filter(|l| !l.is_empty()) {
            if line.starts_with("Found ") || line.starts_with("No findings") {
                continue;
            }
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(())
}
