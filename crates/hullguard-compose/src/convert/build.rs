//! `build:` and what the built image contributes: the Dockerfile's `USER` and
//! `HEALTHCHECK` for the built stage.
//!
//! The image's defaults come from the built stage and the stages it is built
//! `FROM`. When none of them sets `USER` (or `HEALTHCHECK`), the answer depends on
//! where the chain starts: `FROM scratch` has no user (root) and no healthcheck,
//! so the default is unset; an external base image has its own `USER` and
//! `HEALTHCHECK` that this linter cannot see, so the default is unknown, located
//! at that `FROM`. Rules then neither claim the container runs as root nor that
//! it does not: the Dockerfile rules judge the Dockerfile itself.

use super::files::{display_path, is_abs, relative_to, resolve, ReadError};
use super::read::{kind_of, EntryValue, Read};
use super::Cx;
use crate::node::{Node, Value};
use hullguard_container::{Build, Healthcheck, ImageDefaults, Setting};
use hullguard_diagnostics::{Location, SourceFile, Span};
use hullguard_dockerfile::model::Model;
use hullguard_dockerfile::{Args, CommandForm, Dockerfile, Keyword};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Stands for a build argument whose value is unresolved. It contains no `$`, so
/// expansion keeps it; an expanded value with a NUL in it (which no real user
/// name has) is unknown.
const UNKNOWN_ARG: &str = "\u{0}unresolved build argument\u{0}";

/// Whether a build context is remote (compose-go `absContextPath`): a URL of any
/// scheme, a Git reference, or another service's image (`service:name`).
fn is_remote_context(context: &str) -> bool {
    context.contains("://")
        || context.starts_with("service:")
        || ["github.com/", "git@"]
            .iter()
            .any(|p| context.starts_with(p))
}

/// Where the Dockerfile's text is, for locations.
enum DockerfileAt<'n> {
    File(Arc<SourceFile>),
    /// `dockerfile_inline`: its YAML node (the text inside it is unindented, so
    /// instructions have no exact place).
    Inline(&'n Node),
}

impl DockerfileAt<'_> {
    fn location(&self, span: Span) -> Location {
        match self {
            DockerfileAt::File(f) => Location::file(f, span),
            DockerfileAt::Inline(n) => n.location(),
        }
    }
}

/// A text field of the `build:` mapping: `Err(())` when unresolved.
type Field = Result<Option<String>, ()>;

impl<'a> Cx<'a> {
    pub(super) fn build(&mut self, node: &'a Node) {
        let at = node.location();
        let mut args = BTreeMap::new();
        let mut build_args = Vec::new();
        let mut known = true;
        let (context, dockerfile, inline, target): (Field, Field, Option<&'a Node>, Field) =
            match &node.value {
                Value::Null => return,
                Value::Unknown(_) => {
                    self.unresolved("build", at);
                    return;
                }
                Value::Scalar(s) => (Ok(Some(s.text.clone())), Ok(None), None, Ok(None)),
                Value::Map(_) => {
                    let text = |cx: &mut Cx<'_>, key: &str| -> Field {
                        match node.get(key).map(|n| cx.scalar(&format!("build.{key}"), n)) {
                            None | Some(Read::Absent) => Ok(None),
                            Some(Read::Text(t, _)) => Ok(Some(t.to_string())),
                            Some(Read::Unknown(_)) => Err(()),
                        }
                    };
                    let context = text(self, "context");
                    let dockerfile = text(self, "dockerfile");
                    let target = text(self, "target");
                    let inline = node.get("dockerfile_inline").filter(|n| !n.is_null());
                    if let Some(n) = node.get("args") {
                        for e in self.entries("build.args", n) {
                            match e.value {
                                EntryValue::Text(v) => {
                                    build_args.push((e.name.clone(), v.clone()));
                                    args.insert(e.name, v);
                                }
                                // `KEY` alone takes the value from the environment, and
                                // is not passed when it has none (compose-go `resolve`).
                                EntryValue::Missing => {
                                    if let Some(v) = self.project.env.get(&e.name) {
                                        build_args.push((e.name.clone(), v.clone()));
                                        args.insert(e.name, v.clone());
                                    }
                                }
                                EntryValue::Unknown => {
                                    known = false;
                                    args.insert(e.name, UNKNOWN_ARG.to_string());
                                }
                            }
                        }
                    }
                    (context, dockerfile, inline, target)
                }
                Value::Seq(_) => {
                    self.problem(
                        at.clone(),
                        format!(
                            "`build` must be a string or a mapping, not {}",
                            kind_of(node)
                        ),
                    );
                    self.unresolved("build", at);
                    return;
                }
            };
        if !known {
            self.unresolved("build", at.clone());
        }
        let (Ok(context), Ok(target)) = (context, target) else {
            self.unresolved("build", at);
            return;
        };
        let context = context.unwrap_or_else(|| ".".to_string());
        if is_remote_context(&context) {
            self.spec.build = Some(Build {
                context,
                dockerfile: None,
                target,
                args: build_args,
                at,
            });
            return;
        }
        let service: &'a crate::project::Service = self.service;
        let context_dir = PathBuf::from(resolve(&service.dir, &context, self.home()));
        let mut build = Build {
            context: context_dir.to_string_lossy().into_owned(),
            dockerfile: None,
            target: target.clone(),
            args: build_args,
            at: at.clone(),
        };

        // `dockerfile_inline` replaces the file.
        if let Some(inline) = inline {
            self.spec.build = Some(build);
            match &inline.value {
                Value::Scalar(s) => {
                    let source = "dockerfile_inline".to_string();
                    // An anchored inline Dockerfile may be aliased by thousands of
                    // services: each parse is charged to the project's budget.
                    if !self.files.spend(s.text.len()) {
                        self.problem(
                            inline.location(),
                            format!("{source} {}", ReadError::WorkExhausted.describe()),
                        );
                        return;
                    }
                    let df = hullguard_dockerfile::parse(&s.text);
                    let result =
                        analyse(&df, &args, target.as_deref(), &DockerfileAt::Inline(inline));
                    self.set_image_defaults(result, source, &at);
                }
                Value::Unknown(_) => self.unresolved("build", inline.location()),
                _ => {
                    self.problem(
                        inline.location(),
                        format!(
                            "`build.dockerfile_inline` must be a string, not {}",
                            kind_of(inline)
                        ),
                    );
                    self.unresolved("build", inline.location());
                }
            }
            return;
        }
        let Ok(dockerfile) = dockerfile else {
            self.spec.build = Some(build);
            self.unresolved("build", at);
            return;
        };
        let name = dockerfile.unwrap_or_else(|| "Dockerfile".to_string());
        let path = if is_abs(&name) {
            PathBuf::from(&name)
        } else {
            PathBuf::from(resolve(&context_dir, &name, self.home()))
        };
        build.dockerfile = Some(path.to_string_lossy().into_owned());
        self.spec.build = Some(build);
        let problem_at = node
            .get("dockerfile")
            .map(Node::location)
            .unwrap_or_else(|| at.clone());

        let display = display_path(&service.key.file.path, &service.dir, &path);
        let source = relative_to(&self.project.dir, &path)
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|| display.clone());
        let key = (path.clone(), args.clone(), target.clone());
        if let Some(result) = self.files.analyses.get(&key) {
            let result = result.clone();
            self.set_image_defaults(result, source, &problem_at);
            return;
        }
        let file = match self.files.read(&path, &display) {
            Ok(f) => f,
            Err(e) => {
                self.problem(
                    problem_at,
                    format!("dockerfile `{display}` {}", e.describe()),
                );
                return;
            }
        };
        // Every analysis walks the whole file: charged, so that many services
        // with distinct build arguments cannot multiply a large Dockerfile.
        if !self.files.spend(file.text.len()) {
            self.problem(
                problem_at,
                format!(
                    "dockerfile `{display}` {}",
                    ReadError::WorkExhausted.describe()
                ),
            );
            return;
        }
        let df = match self.files.dockerfiles.get(&path) {
            Some(df) => Arc::clone(df),
            None => {
                let df = Arc::new(hullguard_dockerfile::parse(&file.text));
                self.files.dockerfiles.insert(path.clone(), Arc::clone(&df));
                df
            }
        };
        let result = analyse(&df, &args, target.as_deref(), &DockerfileAt::File(file));
        self.files.analyses.insert(key, result.clone());
        self.set_image_defaults(result, source, &problem_at);
    }

    /// Sets `spec.image_defaults`, or reports why the build has no image.
    fn set_image_defaults(
        &mut self,
        result: Result<Analysis, String>,
        source: String,
        problem_at: &Location,
    ) {
        match result {
            Ok(a) => {
                self.spec.image_defaults = Some(ImageDefaults {
                    source,
                    user: a.user,
                    healthcheck: a.healthcheck,
                    external_base: a.external_base,
                    user_from_base: a.user_from_base,
                })
            }
            Err(e) => self.problem(problem_at.clone(), format!("dockerfile `{source}`: {e}")),
        }
    }
}

/// What a built stage sets: its user and healthcheck.
#[derive(Debug, Clone)]
pub(super) struct Analysis {
    user: Setting<String>,
    healthcheck: Setting<Healthcheck>,
    external_base: Option<String>,
    user_from_base: bool,
}

/// The `USER` and `HEALTHCHECK` of the stage of `df` that is built; `Err` when
/// the build would fail before producing an image.
fn analyse(
    df: &Dockerfile,
    args: &BTreeMap<String, String>,
    target: Option<&str>,
    file: &DockerfileAt<'_>,
) -> Result<Analysis, String> {
    let model = Model::build(df, args, target);
    if let Some(e) = &model.target_error {
        return Err(e.clone());
    }
    let Some(t) = model.target else {
        return Err("no stage to build".to_string());
    };
    // The chain of stages the built one is made from, built stage first.
    // Parents are always earlier stages, so the walk ends.
    let mut chain = vec![t];
    while let Some(p) = chain.last().and_then(|&s| model.stages[s].parent) {
        if chain.contains(&p) {
            break;
        }
        chain.push(p);
    }
    let root = &model.stages[chain[chain.len() - 1]];
    // What the base image contributes: nothing for `scratch`, unknown for
    // an external image.
    let base_at = (!root.scratch).then(|| file.location(df.instructions[root.from].span));

    let user_from_base = model.final_scope(t).and_then(|s| s.user.as_ref()).is_none();
    let user = match model.final_scope(t).and_then(|s| s.user.as_ref()) {
        Some((exp, idx)) => {
            let at = file.location(df.instructions[*idx].span);
            match exp.resolved() {
                Some(v) if !v.contains('\0') => Setting::set(v.to_string(), at),
                _ => Setting::Unknown(at),
            }
        }
        None => base_default(&base_at),
    };

    let mut healthcheck = None;
    'stages: for &s in &chain {
        for idx in model.stages[s].body.clone().rev() {
            let inst = &df.instructions[idx];
            if inst.keyword != Keyword::Healthcheck {
                continue;
            }
            let at = file.location(inst.span);
            healthcheck = Some(match &inst.args {
                Args::Healthcheck(hullguard_dockerfile::Healthcheck::None) => Setting::set(
                    Healthcheck {
                        disabled: true,
                        test: vec!["NONE".to_string()],
                    },
                    at,
                ),
                Args::Healthcheck(hullguard_dockerfile::Healthcheck::Cmd(cmd)) => {
                    let test = match cmd {
                        CommandForm::Exec { args, .. } => std::iter::once("CMD".to_string())
                            .chain(args.iter().map(|a| a.value.clone()))
                            .collect(),
                        CommandForm::Shell(line) => {
                            vec!["CMD-SHELL".to_string(), line.text().to_string()]
                        }
                    };
                    Setting::set(
                        Healthcheck {
                            disabled: false,
                            test,
                        },
                        at,
                    )
                }
                // A HEALTHCHECK that does not parse: the build fails on it.
                _ => Setting::Unknown(at),
            });
            break 'stages;
        }
    }
    let healthcheck = healthcheck.unwrap_or_else(|| base_default(&base_at));
    let external_base = (!root.scratch).then(|| {
        root.base
            .resolved()
            .map_or_else(|| "the base image".to_string(), str::to_string)
    });
    Ok(Analysis {
        user,
        healthcheck,
        external_base,
        user_from_base,
    })
}

/// The default of a setting no stage of the chain sets.
fn base_default<T>(base_at: &Option<Location>) -> Setting<T> {
    match base_at {
        Some(at) => Setting::Unknown(at.clone()),
        None => Setting::Unset,
    }
}
