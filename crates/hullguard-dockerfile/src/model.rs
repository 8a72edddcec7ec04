//! Stages and variables, as BuildKit's dispatcher sees them: global `ARG`s before
//! the first `FROM` (visible to `FROM` lines only), stage `ARG`s (a bare `ARG X`
//! re-imports a global `X`), `ENV`, and stages built `FROM` an earlier stage,
//! which inherit its environment, user, shell and working directory.

use crate::ast::*;
use crate::expand::{expand_with, Budget, Expansion, Var};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

/// A global `ARG` declared before the first `FROM`.
#[derive(Debug, Clone)]
pub struct GlobalArg {
    pub name: String,
    /// Value after `--build-arg` override and expansion; `None` when unknown.
    pub value: Option<String>,
    pub instruction: usize,
}

/// One build stage: a `FROM` and the instructions up to the next `FROM`.
#[derive(Debug, Clone)]
pub struct Stage {
    pub index: usize,
    /// The `AS` name, lower-cased (BuildKit matches stage names case-insensitively).
    pub name: Option<String>,
    /// Index of the `FROM` instruction in [`Dockerfile::instructions`].
    pub from: usize,
    /// Indexes of the instructions of the stage, after its `FROM`.
    pub body: Range<usize>,
    /// The base image reference expanded with the global args.
    pub base: Expansion,
    /// The earlier stage this one is built from, if `FROM` names one.
    pub parent: Option<usize>,
    /// `FROM scratch`.
    pub scratch: bool,
    /// Windows base (backtick escape or a Windows image): the default shell is
    /// `cmd`, not a POSIX shell.
    pub windows: bool,
}

/// The variables, user and shell in effect at a point of a stage.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Variables in scope; the flag is `true` for `ENV` (inherited by child
    /// stages, and not overridden by a later `ARG` of the same name).
    vars: HashMap<String, (Var, bool)>,
    /// Last `USER` (expanded) and the index of its instruction, if the Dockerfile
    /// set one for this stage or an ancestor stage.
    pub user: Option<(Expansion, usize)>,
    /// `SHELL` exec form in effect, if set.
    pub shell: Option<Vec<String>>,
    pub windows: bool,
    pub escape: char,
    /// The file's expansion budget, shared by every scope of a model.
    budget: Arc<Budget>,
}

impl Scope {
    /// Approximate bytes a clone of this scope takes.
    fn size_estimate(&self) -> u64 {
        self.vars
            .iter()
            .map(|(k, (v, _))| {
                let len = match v {
                    Var::Known(s) => s.len(),
                    Var::Unknown => 0,
                };
                (k.len() + len + 64) as u64
            })
            .sum()
    }

    pub fn lookup(&self, name: &str) -> Option<Var> {
        self.vars.get(name).map(|(v, _)| v.clone())
    }

    /// Expands a word with the variables in scope.
    pub fn expand(&self, word: &str) -> Expansion {
        expand_with(word, self.escape, &|n| self.lookup(n), &self.budget)
    }

    /// Whether `RUN` shell form goes to a POSIX shell here.
    pub fn posix_shell(&self) -> bool {
        match &self.shell {
            Some(argv) => argv.first().is_some_and(|s| is_posix_shell(s)),
            None => !self.windows,
        }
    }

    /// Whether the shell is started with `-o pipefail` (SHELL instruction).
    pub fn shell_pipefail(&self) -> bool {
        // `-o pipefail`, and option groups ending in `o` (`-eo pipefail`,
        // `-euxo pipefail`), or `-opipefail`.
        self.shell.as_ref().is_some_and(|argv| {
            argv.windows(2).any(|w| {
                w[1] == "pipefail"
                    && w[0].len() >= 2
                    && w[0].starts_with('-')
                    && !w[0].starts_with("--")
                    && w[0].ends_with('o')
                    && w[0][1..].chars().all(|c| c.is_ascii_alphabetic())
            }) || argv.iter().any(|a| a == "-opipefail")
        })
    }

    /// Updates the scope with the effect of `inst` (index `idx`).
    pub fn apply(
        &mut self,
        inst: &Instruction,
        idx: usize,
        globals: &[GlobalArg],
        build_args: &BTreeMap<String, String>,
    ) {
        match inst.keyword {
            Keyword::Env => {
                for kv in inst.key_values() {
                    let value = kv.value.as_ref().map(|v| self.expand(&v.text));
                    let var = match value {
                        Some(e) if e.is_resolved() => Var::Known(e.value),
                        _ => Var::Unknown,
                    };
                    self.vars
                        .insert(self.expand(&kv.key.text).value, (var, true));
                }
            }
            Keyword::Arg => {
                for kv in inst.key_values() {
                    let name = kv.key.text.clone();
                    let var = if let Some(v) = build_args.get(&name) {
                        Var::Known(v.clone())
                    } else if let Some(v) = &kv.value {
                        let e = self.expand(&v.text);
                        if e.is_resolved() {
                            Var::Known(e.value)
                        } else {
                            Var::Unknown
                        }
                    } else if let Some(g) = globals.iter().rev().find(|g| g.name == name) {
                        g.value.clone().map_or(Var::Unknown, Var::Known)
                    } else {
                        Var::Unknown
                    };
                    if !self.vars.get(&name).is_some_and(|(_, env)| *env) {
                        self.vars.insert(name, (var, false));
                    }
                }
            }
            Keyword::User => {
                if let Args::Single(w) = &inst.args {
                    self.user = Some((self.expand(&w.text), idx));
                }
            }
            Keyword::Shell => {
                if let Some(CommandForm::Exec { args, .. }) = inst.command() {
                    self.shell = Some(args.iter().map(|a| a.value.clone()).collect());
                }
            }
            _ => {}
        }
    }
}

/// Whether an executable is a POSIX-compatible shell.
pub fn is_posix_shell(path: &str) -> bool {
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let base = base.strip_suffix(".exe").unwrap_or(base);
    matches!(
        base.to_ascii_lowercase().as_str(),
        "sh" | "bash" | "dash" | "ash" | "ksh" | "mksh" | "zsh" | "busybox"
    )
}

/// Whether an image reference is a Windows base image: Microsoft's Windows
/// images and images whose name or tag says Windows (`node-windows`,
/// `...:ltsc2022`, `...-nanoserver-...`, `...:6.9-nano`).
pub fn is_windows_image(image: &str) -> bool {
    let l = image.to_ascii_lowercase();
    let (name, tag) = match l.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, t),
        _ => (l.as_str(), ""),
    };
    const WORDS: [&str; 3] = ["windows", "nanoserver", "servercore"];
    WORDS.iter().any(|w| name.contains(w) || tag.contains(w))
        || tag.split(['-', '_', '.']).any(|part| {
            part == "nano"
                || part.starts_with("ltsc20")
                || part == "1809"
                || part == "20h2"
                || part == "21h2"
        })
}

/// Stages, global args and which stage is built.
#[derive(Debug, Clone)]
pub struct Model {
    pub global_args: Vec<GlobalArg>,
    pub stages: Vec<Stage>,
    /// The stage that is built: the `--target` or else the last one.
    pub target: Option<usize>,
    /// `--target` named a stage that does not exist.
    pub target_error: Option<String>,
    pub build_args: BTreeMap<String, String>,
    /// Scope at the end of each stage.
    final_scopes: Vec<Scope>,
    escape: char,
    budget: Arc<Budget>,
}

/// Build arguments BuildKit predefines (values unknown to a linter).
const PREDEFINED_ARGS: [&str; 12] = [
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "FTP_PROXY",
];

impl Model {
    pub fn build(
        df: &Dockerfile,
        build_args: &BTreeMap<String, String>,
        target: Option<&str>,
    ) -> Model {
        let escape = df.escape;
        let budget = Arc::new(Budget::default());
        let mut globals: Vec<GlobalArg> = Vec::new();
        let mut stages: Vec<Stage> = Vec::new();
        for (i, inst) in df.instructions.iter().enumerate() {
            match inst.keyword {
                Keyword::Arg if stages.is_empty() => {
                    for kv in inst.key_values() {
                        let lookup = |n: &str| global_lookup(&globals, build_args, n);
                        let value = if let Some(v) = build_args.get(&kv.key.text) {
                            Some(v.clone())
                        } else {
                            kv.value.as_ref().and_then(|v| {
                                let e = expand_with(&v.text, escape, &lookup, &budget);
                                e.resolved().map(str::to_string)
                            })
                        };
                        globals.push(GlobalArg {
                            name: kv.key.text.clone(),
                            value,
                            instruction: i,
                        });
                    }
                }
                Keyword::From => {
                    if let Some(last) = stages.last_mut() {
                        last.body.end = i;
                    }
                    let (image, alias) = match &inst.args {
                        Args::From { image, alias } => (Some(image), alias.as_ref()),
                        _ => (None, None),
                    };
                    let lookup = |n: &str| global_lookup(&globals, build_args, n);
                    let base = image
                        .map(|w| expand_with(&w.text, escape, &lookup, &budget))
                        .unwrap_or_default();
                    let parent = base.resolved().and_then(|b| {
                        let b = b.to_ascii_lowercase();
                        stages
                            .iter()
                            .rev()
                            .find(|s| s.name.as_deref() == Some(b.as_str()))
                            .map(|s| s.index)
                    });
                    let scratch = base.value.eq_ignore_ascii_case("scratch");
                    let windows = match parent {
                        Some(p) => stages[p].windows,
                        None => escape == '`' || is_windows_image(&base.value),
                    };
                    stages.push(Stage {
                        index: stages.len(),
                        name: alias.map(|a| a.text.to_ascii_lowercase()),
                        from: i,
                        body: i + 1..df.instructions.len(),
                        base,
                        parent,
                        scratch,
                        windows,
                    });
                }
                _ => {}
            }
        }
        let (target_idx, target_error) = match target {
            Some(t) => match stages
                .iter()
                .find(|s| s.name.as_deref() == Some(t.to_ascii_lowercase().as_str()))
            {
                Some(s) => (Some(s.index), None),
                None => (
                    stages.len().checked_sub(1),
                    Some(format!("target stage {t:?} could not be found")),
                ),
            },
            None => (stages.len().checked_sub(1), None),
        };
        let mut model = Model {
            global_args: globals,
            stages,
            target: target_idx,
            target_error,
            build_args: build_args.clone(),
            final_scopes: Vec::new(),
            escape,
            budget,
        };
        let mut finals = Vec::with_capacity(model.stages.len());
        for s in 0..model.stages.len() {
            let mut scope = model.initial_scope_with(s, &finals);
            for i in model.stages[s].body.clone() {
                scope.apply(&df.instructions[i], i, &model.global_args, build_args);
            }
            finals.push(scope);
        }
        model.final_scopes = finals;
        model
    }

    fn initial_scope_with(&self, stage: usize, finals: &[Scope]) -> Scope {
        let st = &self.stages[stage];
        let mut scope = match st.parent.and_then(|p| finals.get(p)) {
            // Inheriting copies the parent's variables: charge the file's budget so
            // a chain of thousands of stages cannot grow memory quadratically. Past
            // the budget a stage starts without them (its variables are unknown).
            Some(parent) if self.budget.spend(parent.size_estimate()) => {
                let mut s = parent.clone();
                // ENV, USER and SHELL are part of the parent image; ARGs are not.
                s.vars.retain(|_, (_, env)| *env);
                s
            }
            _ => Scope::default(),
        };
        scope.escape = self.escape;
        scope.budget = Arc::clone(&self.budget);
        scope.windows = st.windows;
        for p in PREDEFINED_ARGS {
            scope
                .vars
                .entry(p.to_string())
                .or_insert((Var::Unknown, false));
        }
        scope
    }

    /// The scope of the global `ARG`s before the first `FROM`.
    pub fn global_scope(&self) -> Scope {
        let mut scope = Scope {
            escape: self.escape,
            budget: Arc::clone(&self.budget),
            ..Scope::default()
        };
        for g in &self.global_args {
            let v = g.value.clone().map_or(Var::Unknown, Var::Known);
            scope.vars.insert(g.name.clone(), (v, false));
        }
        scope
    }

    /// The scope at the start of a stage (after its `FROM`).
    pub fn initial_scope(&self, stage: usize) -> Scope {
        self.initial_scope_with(stage, &self.final_scopes)
    }

    /// The scope at the end of a stage.
    pub fn final_scope(&self, stage: usize) -> Option<&Scope> {
        self.final_scopes.get(stage)
    }

    /// The stage containing instruction `idx` (its `FROM` included).
    pub fn stage_of(&self, idx: usize) -> Option<&Stage> {
        self.stages
            .iter()
            .find(|s| s.from == idx || s.body.contains(&idx))
    }

    pub fn is_target(&self, stage: usize) -> bool {
        self.target == Some(stage)
    }

    /// Resolves a `--from` value or `FROM` image to an earlier stage: a stage name
    /// (case-insensitive) or a numeric index below `before`.
    pub fn stage_ref(&self, reference: &str, before: usize) -> Option<usize> {
        let l = reference.to_ascii_lowercase();
        if let Some(s) = self.stages[..before.min(self.stages.len())]
            .iter()
            .rev()
            .find(|s| s.name.as_deref() == Some(l.as_str()))
        {
            return Some(s.index);
        }
        reference.parse::<usize>().ok().filter(|i| *i < before)
    }

    /// Stages the target depends on (through `FROM stage`, `COPY --from`,
    /// `RUN --mount=from=`), the target included. Instructions in other stages are
    /// not built unless targeted.
    pub fn target_closure(&self, df: &Dockerfile) -> Vec<bool> {
        let mut used = vec![false; self.stages.len()];
        let Some(t) = self.target else {
            return used;
        };
        let mut stack = vec![t];
        while let Some(s) = stack.pop() {
            if used[s] {
                continue;
            }
            used[s] = true;
            let st = &self.stages[s];
            if let Some(p) = st.parent {
                stack.push(p);
            }
            for inst in &df.instructions[st.body.clone()] {
                for flag in &inst.flags {
                    let from = match flag.name.as_str() {
                        "from" => flag.value.clone(),
                        "mount" => flag.value.as_deref().and_then(|v| {
                            v.split(',')
                                .find_map(|kv| kv.strip_prefix("from=").map(str::to_string))
                        }),
                        _ => None,
                    };
                    if let Some(r) = from.and_then(|f| self.stage_ref(&f, s)) {
                        stack.push(r);
                    }
                }
            }
        }
        used
    }
}

fn global_lookup(
    globals: &[GlobalArg],
    build_args: &BTreeMap<String, String>,
    name: &str,
) -> Option<Var> {
    if let Some(g) = globals.iter().rev().find(|g| g.name == name) {
        return Some(g.value.clone().map_or(Var::Unknown, Var::Known));
    }
    if PREDEFINED_ARGS.contains(&name) {
        return Some(
            build_args
                .get(name)
                .cloned()
                .map_or(Var::Unknown, Var::Known),
        );
    }
    None
}
