//! Runs the Dockerfile rules over one file in a single pass.

use crate::cmd::{commands, run_scripts, Cmd, RunScript};
use crate::dockerfile::{DockerfileRule, RULES};
use crate::meta::{INVALID_INSTRUCTION, PARSE_ERROR, UNUSED_SUPPRESSION};
use crate::suppress;
use hullguard_diagnostics::{Finding, Location, RuleInfo, Severity, SourceFile, Span};
use hullguard_dockerfile::model::{Model, Scope, Stage};
use hullguard_dockerfile::{parse, Dockerfile, Instruction};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// Settings some rules read (from `hullguard.toml`).
#[derive(Debug, Clone, Default)]
pub struct RuleOptions {
    /// Registries (or registry/namespace prefixes) base images may come from; empty
    /// disables the trusted-registry rule.
    pub trusted_registries: Vec<String>,
    /// Extra regular expressions whose matches are secrets.
    pub secret_patterns: Vec<regex::Regex>,
    /// Capabilities a container may add without a finding (`dangerous-capability`),
    /// in any spelling (`sys_ptrace`, `CAP_SYS_PTRACE`): compared normalised.
    pub allowed_capabilities: Vec<String>,
    /// Host paths that may be mounted into containers without a finding
    /// (`sensitive-host-mount`, `runtime-socket-mount`): a mount whose host path is
    /// one of these, or under one, is accepted. Compared after lexical
    /// normalisation (`//`, `/./`, `..`, trailing `/`).
    pub allowed_host_paths: Vec<String>,
}

/// What to run and how.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Codes of the rules to run.
    pub enabled: HashSet<&'static str>,
    /// Severity overrides by rule code.
    pub severities: HashMap<&'static str, Severity>,
    /// `--build-arg NAME=VALUE`.
    pub build_args: BTreeMap<String, String>,
    /// `--target STAGE`.
    pub target: Option<String>,
    pub rule_options: RuleOptions,
}

impl CheckOptions {
    /// Every default-enabled rule.
    pub fn defaults() -> CheckOptions {
        CheckOptions {
            enabled: crate::all_rules()
                .into_iter()
                .filter(|r| r.default_enabled)
                .map(|r| r.code)
                .collect(),
            ..CheckOptions::default()
        }
    }
}

/// Findings of one Dockerfile, plus problems that are not findings.
#[derive(Debug)]
pub struct DockerfileResult {
    pub findings: Vec<Finding>,
    /// E.g. `--target` naming a stage that is not in this file.
    pub notes: Vec<String>,
}

/// Where findings go while the rules run.
pub struct Sink<'a> {
    file: &'a Arc<SourceFile>,
    findings: Vec<Finding>,
    enabled: &'a HashSet<&'static str>,
}

impl Sink<'_> {
    /// Reports a finding; returns it so the caller can add help or a fix.
    pub fn report(
        &mut self,
        rule: &'static RuleInfo,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Finding {
        self.findings
            .push(Finding::new(rule, Location::file(self.file, span), message));
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    pub fn enabled(&self, rule: &RuleInfo) -> bool {
        self.enabled.contains(rule.code)
    }
}

/// Everything a rule sees about one instruction.
pub struct InstCtx<'a> {
    pub src: &'a str,
    pub df: &'a Dockerfile,
    pub model: &'a Model,
    pub opts: &'a RuleOptions,
    /// Index into `df.instructions` (of the ONBUILD for wrapped instructions).
    pub index: usize,
    pub inst: &'a Instruction,
    /// `None` for global `ARG`s before the first `FROM`.
    pub stage: Option<&'a Stage>,
    /// Variables, user and shell before this instruction.
    pub scope: &'a Scope,
    /// Wrapped in `ONBUILD` (runs in images built from this one).
    pub onbuild: bool,
    /// The stage is the one that is built (`--target` or the last).
    pub is_target: bool,
    /// The stage is built (the target or one it depends on).
    pub is_used: bool,
    pub scripts: &'a [RunScript],
    pub cmds: &'a [Cmd],
}

/// Everything a rule sees about a finished stage.
pub struct StageCtx<'a> {
    pub src: &'a str,
    pub df: &'a Dockerfile,
    pub model: &'a Model,
    pub opts: &'a RuleOptions,
    pub stage: &'a Stage,
    /// Scope at the end of the stage.
    pub scope: &'a Scope,
    pub is_target: bool,
    pub is_used: bool,
    /// Commands of every RUN of the stage, in order, with the instruction index.
    pub cmds: &'a [(usize, Cmd)],
}

impl StageCtx<'_> {
    pub fn instructions(&self) -> impl Iterator<Item = (usize, &Instruction)> {
        self.stage
            .body
            .clone()
            .map(move |i| (i, &self.df.instructions[i]))
    }

    pub fn stage_from(&self) -> &Instruction {
        &self.df.instructions[self.stage.from]
    }
}

/// Parses and checks one Dockerfile.
pub fn check_dockerfile(file: &Arc<SourceFile>, opts: &CheckOptions) -> DockerfileResult {
    let src = file.text.as_str();
    let df = parse(src);
    let model = Model::build(&df, &opts.build_args, opts.target.as_deref());
    let rules: Vec<&dyn DockerfileRule> = RULES
        .iter()
        .copied()
        .filter(|r| opts.enabled.contains(r.info().code))
        .collect();
    let mut sink = Sink {
        file,
        findings: Vec::new(),
        enabled: &opts.enabled,
    };
    let mut notes = Vec::new();
    if let Some(e) = &model.target_error {
        notes.push(e.clone());
    }
    for e in &df.errors {
        let rule = if e.syntax {
            &PARSE_ERROR
        } else {
            &INVALID_INSTRUCTION
        };
        if sink.enabled(rule) {
            let stage = model
                .stage_of(
                    df.instructions
                        .iter()
                        .position(|i| i.span.contains(e.span.start))
                        .unwrap_or(usize::MAX),
                )
                .map(stage_key);
            let f = sink.report(rule, e.span, e.message.clone());
            f.fingerprint = fingerprint(rule.code, stage.as_deref(), &e.message, "");
        }
    }
    let used = model.target_closure(&df);
    let mut fp_seen: HashMap<String, usize> = HashMap::new();

    // Global ARGs before the first FROM.
    let first_from = model
        .stages
        .first()
        .map_or(df.instructions.len(), |s| s.from);
    let global_scope = model.global_scope();
    for (i, inst) in df.instructions[..first_from].iter().enumerate() {
        let cx = InstCtx {
            src,
            df: &df,
            model: &model,
            opts: &opts.rule_options,
            index: i,
            inst,
            stage: None,
            scope: &global_scope,
            onbuild: false,
            is_target: false,
            is_used: true,
            scripts: &[],
            cmds: &[],
        };
        run_instruction_rules(&rules, &cx, &mut sink, &mut fp_seen, "global");
    }

    for stage in &model.stages {
        let mut scope = model.initial_scope(stage.index);
        let is_target = model.is_target(stage.index);
        let is_used = used.get(stage.index).copied().unwrap_or(false);
        let key = stage_key(stage);
        let mut stage_cmds: Vec<(usize, Cmd)> = Vec::new();
        let indexes = std::iter::once(stage.from).chain(stage.body.clone());
        for i in indexes {
            let inst = &df.instructions[i];
            let targets: Vec<(&Instruction, bool)> = match inst.onbuild_inner() {
                Some(inner) => vec![(inst, false), (inner, true)],
                None => vec![(inst, false)],
            };
            for (target, onbuild) in targets {
                let scripts = run_scripts(target, src, scope.posix_shell());
                let cmds = commands(target, &scripts);
                let cx = InstCtx {
                    src,
                    df: &df,
                    model: &model,
                    opts: &opts.rule_options,
                    index: i,
                    inst: target,
                    stage: Some(stage),
                    scope: &scope,
                    onbuild,
                    is_target,
                    is_used,
                    scripts: &scripts,
                    cmds: &cmds,
                };
                run_instruction_rules(&rules, &cx, &mut sink, &mut fp_seen, &key);
                if !onbuild {
                    stage_cmds.extend(cmds.into_iter().map(|c| (i, c)));
                }
            }
            scope.apply(inst, i, &model.global_args, &model.build_args);
        }
        let cx = StageCtx {
            src,
            df: &df,
            model: &model,
            opts: &opts.rule_options,
            stage,
            scope: &scope,
            is_target,
            is_used,
            cmds: &stage_cmds,
        };
        for rule in &rules {
            let start = sink.findings.len();
            rule.check_stage(&cx, &mut sink);
            set_fingerprints(
                &mut sink.findings[start..],
                &key,
                "stage",
                src,
                &mut fp_seen,
            );
        }
    }

    let mut findings = sink.findings;
    let mut sups = suppress::collect(&df);
    suppress::apply(&mut findings, &mut sups);
    if opts.enabled.contains(UNUSED_SUPPRESSION.code) {
        for s in &sups {
            for (k, used) in s.keys.iter().zip(&s.used) {
                if *used {
                    continue;
                }
                let known = k.eq_ignore_ascii_case("all") || crate::find_rule(k).is_some();
                let disabled = crate::find_rule(k).is_some_and(|r| !opts.enabled.contains(r.code));
                if disabled {
                    continue;
                }
                let msg = if known {
                    format!("suppression of `{k}` matches no finding")
                } else {
                    format!("suppression names unknown rule `{k}`")
                };
                let mut f = Finding::new(&UNUSED_SUPPRESSION, Location::file(file, s.comment), msg);
                f.fingerprint = fingerprint(UNUSED_SUPPRESSION.code, None, k, "");
                findings.push(f);
            }
        }
    }
    for f in &mut findings {
        if let Some(sev) = opts.severities.get(f.rule.code) {
            f.severity = *sev;
        }
    }
    findings.sort_by(|a, b| {
        (a.span().map(|s| s.start), a.rule.code).cmp(&(b.span().map(|s| s.start), b.rule.code))
    });
    DockerfileResult { findings, notes }
}

fn run_instruction_rules(
    rules: &[&dyn DockerfileRule],
    cx: &InstCtx,
    sink: &mut Sink,
    fp_seen: &mut HashMap<String, usize>,
    stage_key: &str,
) {
    let norm = cx.inst.normalized_text();
    for rule in rules {
        let start = sink.findings.len();
        rule.check_instruction(cx, sink);
        set_fingerprints(
            &mut sink.findings[start..],
            stage_key,
            &norm,
            cx.src,
            fp_seen,
        );
    }
}

fn set_fingerprints(
    findings: &mut [Finding],
    stage: &str,
    context: &str,
    src: &str,
    seen: &mut HashMap<String, usize>,
) {
    for f in findings {
        let snippet = f.span().map_or("", |s| s.text(src));
        let snippet: String = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
        let base = fingerprint(f.rule.code, Some(stage), context, &snippet);
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        f.fingerprint = if *n == 1 { base } else { format!("{base}-{n}") };
    }
}

fn stage_key(stage: &Stage) -> String {
    stage
        .name
        .clone()
        .unwrap_or_else(|| format!("#{}", stage.index))
}

/// A stable 64-bit FNV-1a over the parts, as hex, prefixed by the rule code.
pub(crate) fn fingerprint(code: &str, stage: Option<&str>, context: &str, snippet: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [stage.unwrap_or(""), "\u{1f}", context, "\u{1f}", snippet] {
        for b in part.as_bytes() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{code}:{h:016x}")
}
