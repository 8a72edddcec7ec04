#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Loading projects as docker compose does: discovery, multi-file merge of every
//! list kind, extends, include, profiles, the v1 format, the environment and
//! the project name. Fixtures live in `tests/projects/`; tests that need odd
//! files write them to a temporary directory removed afterwards.

use hullguard_compose::loader::{
    discover, is_compose_file_name, load_project, load_str, LoadError,
};
use hullguard_compose::node::{Node, Value};
use hullguard_compose::project::{LoadOptions, Project, Service};
use hullguard_diagnostics::SourceFile;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/projects")
        .join(name)
}

fn opts(dir: &Path) -> LoadOptions {
    LoadOptions {
        working_dir: dir.to_path_buf(),
        ..LoadOptions::default()
    }
}

fn svc<'a>(project: &'a Project, name: &str) -> &'a Service {
    project
        .services
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no service `{name}` in {:?}", names(project)))
}

fn names(project: &Project) -> Vec<&str> {
    project.services.iter().map(|s| s.name.as_str()).collect()
}

fn get<'a>(node: &'a Node, path: &str) -> &'a Node {
    path.split('/').fold(node, |n, k| {
        n.get(k)
            .unwrap_or_else(|| panic!("no `{k}` of `{path}` in {:?}", n.value))
    })
}

fn texts(node: &Node) -> Vec<String> {
    node.as_seq()
        .unwrap_or_else(|| panic!("not a list: {:?}", node.value))
        .iter()
        .map(|n| match &n.value {
            Value::Scalar(s) => s.text.clone(),
            Value::Map(_) => format!(
                "{{{}}}",
                map_texts(n)
                    .into_iter()
                    .map(|(k, v)| format!("{k}={}", v.unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            other => format!("{other:?}"),
        })
        .collect()
}

fn map_texts(node: &Node) -> Vec<(String, Option<String>)> {
    node.as_map()
        .unwrap_or_else(|| panic!("not a mapping: {:?}", node.value))
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().unwrap().to_string(),
                v.as_str().map(str::to_string),
            )
        })
        .collect()
}

fn line_of(node: &Node) -> (String, usize) {
    let file = Path::new(&node.file.path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    (file, node.file.line_col(node.span.start).line)
}

fn messages(project: &Project) -> Vec<String> {
    project.problems.iter().map(|p| p.message.clone()).collect()
}

/// A directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(files: &[(&str, &str)]) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "hullguard-compose-loader-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn from_str(text: &str, env: &[(&str, &str)]) -> Project {
    let env: BTreeMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    load_str(SourceFile::new("compose.yaml", text), None, &env)
}

#[test]
fn compose_file_names() {
    for name in [
        "compose.yaml",
        "compose.yml",
        "docker-compose.yaml",
        "docker-compose.yml",
        "compose.override.yaml",
        "compose.override.yml",
        "docker-compose.override.yaml",
        "docker-compose.override.yml",
    ] {
        assert!(is_compose_file_name(name), "{name}");
    }
    for name in [
        "compose.json",
        "my-compose.yaml",
        "compose.prod.yaml",
        "Compose.yaml",
    ] {
        assert!(!is_compose_file_name(name), "{name}");
    }
}

#[test]
fn discovery_prefers_compose_yaml_and_adds_its_override() {
    let dir = fixture("merge");
    let found = discover(&dir);
    assert_eq!(
        found,
        vec![dir.join("compose.yaml"), dir.join("compose.override.yaml")]
    );
    // docker-compose.yml before docker-compose.yaml (compose-go's order), and
    // an override of either spelling.
    let tmp = TempDir::new(&[
        ("docker-compose.yaml", "services: {}\n"),
        ("docker-compose.yml", "services: {}\n"),
        ("docker-compose.override.yaml", "services: {}\n"),
    ]);
    assert_eq!(
        discover(&tmp.0),
        vec![
            tmp.0.join("docker-compose.yml"),
            tmp.0.join("docker-compose.override.yaml")
        ]
    );
    let empty = TempDir::new(&[("compose.override.yaml", "services: {}\n")]);
    assert!(
        discover(&empty.0).is_empty(),
        "an override alone is not a project"
    );
    match load_project(&opts(&empty.0)) {
        Err(LoadError::NoComposeFile { dir }) => assert_eq!(dir, empty.0),
        other => panic!("{other:?}"),
    }
}

#[test]
fn explicit_file_that_cannot_be_read_is_an_error() {
    let tmp = TempDir::new(&[]);
    let options = LoadOptions {
        files: vec![tmp.0.join("nope.yaml")],
        ..opts(&tmp.0)
    };
    let err = load_project(&options).unwrap_err();
    assert!(matches!(err, LoadError::Read { .. }));
    assert!(err.to_string().starts_with("cannot read "), "{err}");
}

#[test]
fn override_file_merges_every_list_kind() {
    let project = load_project(&opts(&fixture("merge"))).unwrap();
    assert!(project.problems.is_empty(), "{:?}", messages(&project));
    assert_eq!(names(&project), ["web", "db"]);
    let web = &svc(&project, "web").node;
    // Scalars: the override wins and points into the override file.
    assert_eq!(get(web, "image").as_str(), Some("nginx:2"));
    assert_eq!(
        line_of(get(web, "image")),
        ("compose.override.yaml".into(), 3)
    );
    // Shell commands are replaced, not appended.
    assert_eq!(texts(get(web, "command")), ["sh"]);
    assert_eq!(
        texts(get(web, "healthcheck/test")),
        ["CMD", "curl", "-f", "http://localhost"]
    );
    assert_eq!(get(web, "healthcheck/interval").as_str(), Some("10s"));
    // `!reset` removes what the base file set.
    assert!(web.get("entrypoint").is_none());
    // Lists append; items with the same identity replace the earlier one in place.
    assert_eq!(texts(get(web, "ports")), ["80:80", "443:443", "8443:443"]);
    assert_eq!(texts(get(web, "expose")), ["8080", "9090"]);
    assert_eq!(
        texts(get(web, "volumes")),
        ["/host/data:/data:ro", "logs:/var/log"]
    );
    assert_eq!(
        line_of(&get(web, "volumes").as_seq().unwrap()[0]),
        ("compose.override.yaml".into(), 7)
    );
    assert_eq!(
        texts(get(web, "secrets")),
        ["{source=db_pass,target=/run/secrets/db_pass}"]
    );
    assert_eq!(texts(get(web, "configs")), ["app_conf"]);
    assert_eq!(texts(get(web, "dns")), ["8.8.8.8", "1.1.1.1"]);
    assert_eq!(texts(get(web, "cap_add")), ["NET_ADMIN", "SYS_ADMIN"]);
    assert_eq!(
        line_of(&get(web, "cap_add").as_seq().unwrap()[0]),
        ("compose.override.yaml".into(), 12)
    );
    assert_eq!(texts(get(web, "cap_drop")), ["ALL"]);
    assert_eq!(texts(get(web, "devices")), ["/dev/sda:/dev/fuse"]);
    assert_eq!(
        texts(get(web, "security_opt")),
        ["no-new-privileges:true", "seccomp:unconfined"]
    );
    // Mapping and list forms mixed: a KEY=VALUE list, later keys win.
    assert_eq!(texts(get(web, "environment")), ["A=1", "B=3", "C=4"]);
    assert_eq!(texts(get(web, "labels")), ["x=1", "y=2"]);
    // A list item made from a mapping entry spans the key to the value.
    let a = &get(web, "environment").as_seq().unwrap()[0];
    assert_eq!(a.span.text(&a.file.text), "A: \"1\"");
    // extra_hosts: exact duplicates dropped.
    assert_eq!(texts(get(web, "extra_hosts")), ["a:1.1.1.1", "b:2.2.2.2"]);
    // Two mappings merge key by key.
    assert_eq!(
        map_texts(get(web, "sysctls")),
        [("net.core.somaxconn".to_string(), Some("2048".to_string()))]
    );
    // Each ulimit is replaced as a whole.
    assert_eq!(get(web, "ulimits/nofile").as_str(), Some("4096"));
    assert_eq!(get(web, "ulimits/nproc").as_str(), Some("512"));
    // build: a string is the context, merged with the override's mapping.
    assert_eq!(get(web, "build/context").as_str(), Some("./app"));
    assert_eq!(
        get(web, "build/dockerfile").as_str(),
        Some("Dockerfile.dev")
    );
    // deploy merges recursively.
    assert_eq!(
        get(web, "deploy/resources/limits/memory").as_str(),
        Some("512M")
    );
    assert_eq!(
        get(web, "deploy/resources/limits/cpus").as_str(),
        Some("0.5")
    );
    // logging with another driver replaces the whole block.
    assert_eq!(
        map_texts(get(web, "logging")),
        [("driver".to_string(), Some("syslog".to_string()))]
    );
    // depends_on: list and mapping forms merge as a mapping.
    let deps: Vec<String> = map_texts(get(web, "depends_on"))
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(deps, ["db", "cache"]);
    assert_eq!(
        get(web, "depends_on/db/condition").as_str(),
        Some("service_started")
    );
    let db = &svc(&project, "db").node;
    assert_eq!(
        texts(get(db, "environment")),
        ["POSTGRES_PASSWORD=other", "POSTGRES_USER=admin"]
    );
    // Service.key is the key in the last file that mentions the service.
    assert_eq!(
        line_of(&svc(&project, "web").key),
        ("compose.override.yaml".into(), 2)
    );
    assert_eq!(
        project
            .files
            .iter()
            .map(|f| Path::new(&f.path)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned())
            .collect::<Vec<_>>(),
        ["compose.yaml", "compose.override.yaml"]
    );
}

#[test]
fn logging_with_the_same_driver_merges_options() {
    let tmp = TempDir::new(&[
        ("a.yaml", "services:\n  s:\n    logging:\n      driver: json-file\n      options: {max-size: 1m}\n"),
        ("b.yaml", "services:\n  s:\n    logging:\n      options: {max-file: '3'}\n"),
    ]);
    let options = LoadOptions {
        files: vec![tmp.0.join("a.yaml"), tmp.0.join("b.yaml")],
        ..LoadOptions::default()
    };
    let project = load_project(&options).unwrap();
    let logging = get(&svc(&project, "s").node, "logging");
    assert_eq!(get(logging, "driver").as_str(), Some("json-file"));
    assert_eq!(
        map_texts(get(logging, "options")),
        [
            ("max-size".to_string(), Some("1m".to_string())),
            ("max-file".to_string(), Some("3".to_string()))
        ]
    );
}

#[test]
fn explicit_files_resolve_against_the_first_files_directory() {
    let dir = fixture("multi-f");
    let options = LoadOptions {
        files: vec![dir.join("a.yaml"), dir.join("other/b.yaml")],
        ..LoadOptions::default()
    };
    let project = load_project(&options).unwrap();
    let service = svc(&project, "svc");
    assert_eq!(get(&service.node, "image").as_str(), Some("b"));
    assert_eq!(service.dir, dir);
    assert_eq!(project.dir, dir);
    assert_eq!(project.name, "multi-f");
}

#[test]
fn extends_in_the_same_file_and_from_other_files() {
    let dir = fixture("extends");
    let project = load_project(&opts(&dir)).unwrap();
    let child = &svc(&project, "child").node;
    assert_eq!(get(child, "image").as_str(), Some("busybox"));
    assert_eq!(texts(get(child, "cap_add")), ["NET_ADMIN", "SYS_TIME"]);
    assert_eq!(
        map_texts(get(child, "environment")),
        [("LEVEL".to_string(), Some("child".to_string()))]
    );
    assert!(child.get("extends").is_none());
    // Inherited values keep the base's position.
    assert_eq!(line_of(get(child, "image")), ("compose.yaml".into(), 3));
    let grandchild = &svc(&project, "grandchild").node;
    assert_eq!(texts(get(grandchild, "cap_add")), ["NET_ADMIN", "SYS_TIME"]);
    assert!(
        grandchild.get("user").is_none(),
        "`!reset` drops the inherited user"
    );

    // From another file, which itself extends a third one: relative paths are
    // made absolute against the directory of the file that wrote them.
    let remote = &svc(&project, "remote").node;
    let base = dir.join("base");
    assert_eq!(get(remote, "image").as_str(), Some("core:1"));
    assert_eq!(get(remote, "privileged").as_str(), Some("true"));
    assert_eq!(
        line_of(get(remote, "privileged")),
        ("deeper.yaml".into(), 4)
    );
    assert_eq!(get(remote, "build").as_str(), Some(base.to_str().unwrap()));
    assert_eq!(
        get(remote, "env_file").as_str(),
        Some(base.join("app.env").to_str().unwrap())
    );
    let volumes = get(remote, "volumes").as_seq().unwrap();
    assert_eq!(
        volumes[0].as_str(),
        Some(format!("{}:/deep", base.join("sub/deep").display()).as_str())
    );
    assert_eq!(
        volumes[1].as_str(),
        Some(format!("{}:/data", base.join("data").display()).as_str())
    );
    assert_eq!(volumes[2].as_str(), Some("named:/named"));
    assert_eq!(
        get(&volumes[3], "source").as_str(),
        Some(dir.join("shared").to_str().unwrap())
    );
    assert_eq!(texts(get(remote, "ports")), ["8080:80"]);
    assert_eq!(svc(&project, "remote").dir, dir);

    let problems = messages(&project);
    assert!(
        problems.contains(&"extends cycle: `loop-a` → `loop-b` → `loop-a`".to_string()),
        "{problems:?}"
    );
    assert!(
        problems
            .contains(&"cannot extend service `missing`: service `nowhere` not found".to_string()),
        "{problems:?}"
    );
    // The extended files are part of the project.
    let files: Vec<String> = project.files.iter().map(|f| f.path.clone()).collect();
    assert!(
        files.iter().any(|f| f.ends_with("base/common.yaml")),
        "{files:?}"
    );
    assert!(
        files.iter().any(|f| f.ends_with("base/sub/deeper.yaml")),
        "{files:?}"
    );
}

#[test]
fn extends_naming_its_own_file() {
    let tmp = TempDir::new(&[(
        "compose.yaml",
        "services:\n  a:\n    image: a\n    dup: 1\n    dup: 2\n  b:\n    extends: {file: compose.yaml, service: a}\n",
    )]);
    let project = load_project(&opts(&tmp.0)).unwrap();
    assert_eq!(get(&svc(&project, "b").node, "image").as_str(), Some("a"));
    // Read and reported once.
    assert_eq!(project.files.len(), 1);
    assert_eq!(
        messages(&project),
        ["duplicate key `dup` (first defined on line 4); the later value is used"]
    );
}

#[test]
fn extends_cycle_across_files_is_reported() {
    let tmp = TempDir::new(&[
        (
            "compose.yaml",
            "services:\n  a:\n    extends: {file: b.yaml, service: b}\n",
        ),
        (
            "b.yaml",
            "services:\n  b:\n    extends: {file: compose.yaml, service: a}\n",
        ),
    ]);
    let project = load_project(&opts(&tmp.0)).unwrap();
    assert_eq!(messages(&project), ["extends cycle: `a` → `b` → `a`"]);
    // The service stays as written, without the `extends` that could not be applied.
    assert!(svc(&project, "a").node.as_map().unwrap().is_empty());
}

#[test]
fn include_loads_each_project_with_its_own_directory_and_env() {
    let dir = fixture("include");
    let project = load_project(&opts(&dir)).unwrap();
    assert_eq!(names(&project), ["web", "db", "cache"]);
    let db = svc(&project, "db");
    // The included project's own .env.
    assert_eq!(get(&db.node, "image").as_str(), Some("postgres:16"));
    // Relative paths of the included project resolve against its directory.
    assert_eq!(
        texts(get(&db.node, "volumes")),
        [format!(
            "{}:/var/lib/postgresql/data",
            dir.join("inc/pgdata").display()
        )]
    );
    // A local definition of an included service is merged over it, and noted.
    assert_eq!(
        map_texts(get(&db.node, "environment")),
        [("LOCAL".to_string(), Some("yes".to_string()))]
    );
    assert_eq!(line_of(&db.key), ("compose.yaml".into(), 9));
    let problems = messages(&project);
    assert_eq!(
        problems,
        [format!(
            "service `db` is also defined in the included `{}`; the local definition is merged over it",
            dir.join("inc/compose.yaml").display()
        )]
    );
    // An explicit env_file of the include entry.
    let cache = svc(&project, "cache");
    assert_eq!(get(&cache.node, "image").as_str(), Some("redis:7"));
    assert_eq!(cache.dir, dir.join("inc"));
    assert!(project.volumes.as_ref().unwrap().get("pgdata").is_some());
    // Included files and their env files are part of the project.
    let files: Vec<String> = project.files.iter().map(|f| f.path.clone()).collect();
    for end in [
        "inc/compose.yaml",
        "inc/.env",
        "inc/other.yaml",
        "inc/other.env",
    ] {
        assert!(files.iter().any(|f| f.ends_with(end)), "{end} in {files:?}");
    }
}

#[test]
fn include_project_directory_sets_paths_and_env() {
    let tmp = TempDir::new(&[
        (
            "compose.yaml",
            "include:\n  - path: sub/c.yaml\n    project_directory: other\n",
        ),
        (
            "sub/c.yaml",
            "services:\n  s:\n    image: ${IMG}\n    volumes: ['./data:/data']\n",
        ),
        ("other/.env", "IMG=from-other\n"),
    ]);
    let project = load_project(&opts(&tmp.0)).unwrap();
    assert!(project.problems.is_empty(), "{:?}", messages(&project));
    let s = svc(&project, "s");
    assert_eq!(get(&s.node, "image").as_str(), Some("from-other"));
    assert_eq!(
        texts(get(&s.node, "volumes")),
        [format!("{}:/data", tmp.0.join("other/data").display())]
    );
    assert_eq!(s.dir, tmp.0.join("other"));
}

#[test]
fn include_diamonds_are_bounded() {
    // Each file includes the next one twice: 2^30 loads if nothing stopped it.
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..30 {
        files.push((
            format!("f{i}.yaml"),
            format!(
                "include:\n  - f{n}.yaml\n  - path: f{n}.yaml\nservices:\n  s{i}: {{image: x}}\n",
                n = i + 1
            ),
        ));
    }
    files.push(("f30.yaml".into(), "services:\n  last: {image: x}\n".into()));
    files.push(("compose.yaml".into(), "include: [f0.yaml]\n".into()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let tmp = TempDir::new(&refs);
    let start = std::time::Instant::now();
    let project = load_project(&opts(&tmp.0)).unwrap();
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    let problems = messages(&project);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("more than 1000 includes")),
        "{:?}",
        &problems[..3.min(problems.len())]
    );
    assert_eq!(project.files.len(), 32);
}

#[test]
fn include_cycle_is_reported() {
    let dir = fixture("cycle");
    let project = load_project(&opts(&dir)).unwrap();
    assert_eq!(names(&project), ["a"]);
    let problems = messages(&project);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("include cycle: "), "{problems:?}");
}

#[test]
fn include_without_a_directory_is_a_problem() {
    let project = from_str("include: [x.yaml]\nservices:\n  a: {image: a}\n", &[]);
    assert_eq!(
        messages(&project),
        ["`include` needs the project directory"]
    );
    assert_eq!(names(&project), ["a"]);
}

#[test]
fn profiles_select_services() {
    let text = "services:\n  always: {image: a}\n  debug:\n    image: d\n    profiles: [debug]\n  tools:\n    image: t\n    profiles: [tools, ops]\n";
    let tmp = TempDir::new(&[("compose.yaml", text)]);
    let load = |profiles: &[&str], env: &[(&str, &str)]| {
        let options = LoadOptions {
            profiles: profiles.iter().map(|s| s.to_string()).collect(),
            environment: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..opts(&tmp.0)
        };
        names(&load_project(&options).unwrap())
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(load(&[], &[]), ["always"]);
    assert_eq!(load(&["ops"], &[]), ["always", "tools"]);
    assert_eq!(
        load(&[], &[("COMPOSE_PROFILES", "debug, tools")]),
        ["always", "debug", "tools"]
    );
    assert_eq!(load(&["*"], &[]), ["always", "debug", "tools"]);
    assert_eq!(
        load(&["debug"], &[("COMPOSE_PROFILES", "ops")]),
        ["always", "debug", "tools"]
    );
    // A profile that cannot be interpolated keeps the service (it may run).
    let project = from_str(
        "services:\n  x:\n    image: x\n    profiles: [\"${P}\"]\n",
        &[],
    );
    assert_eq!(names(&project), ["x"]);
}

#[test]
fn legacy_v1_files_load_without_a_problem() {
    let project = from_str("version: '1'\nweb:\n  image: nginx\n  privileged: true\ndb:\n  image: postgres\nx-meta: {a: 1}\n", &[]);
    assert!(project.problems.is_empty(), "{:?}", messages(&project));
    assert_eq!(names(&project), ["web", "db"]);
    let web = svc(&project, "web");
    assert_eq!(get(&web.node, "privileged").as_str(), Some("true"));
    assert_eq!(line_of(&web.key), ("compose.yaml".into(), 2));
}

#[test]
fn version_and_extensions_are_ignored() {
    let project = from_str("version: '3.8'\nx-common: &c {image: base}\nservices:\n  a:\n    <<: *c\n    x-note: ignored\n", &[]);
    assert!(project.problems.is_empty(), "{:?}", messages(&project));
    assert_eq!(names(&project), ["a"]);
    assert_eq!(
        get(&svc(&project, "a").node, "image").as_str(),
        Some("base")
    );
}

#[test]
fn unresolved_variable_is_unknown_with_a_problem() {
    let text = "services:\n  app:\n    image: \"app:${TAG}\"\n    user: ${USER_ID:-1000}\n    command: [\"run\", \"${ARG:?ARG is required}\"]\n    environment:\n      $KEY: ${VAL-}\n";
    let project = from_str(text, &[]);
    let app = &svc(&project, "app").node;
    let image = get(app, "image");
    assert!(matches!(&image.value, Value::Unknown(why) if why == "variable `TAG` is not set"));
    // The whole scalar keeps its span.
    assert_eq!(image.span.text(&image.file.text), "\"app:${TAG}\"");
    assert_eq!(get(app, "user").as_str(), Some("1000"));
    let arg = &get(app, "command").as_seq().unwrap()[1];
    assert!(
        matches!(&arg.value, Value::Unknown(why) if why == "required variable `ARG` is missing a value: ARG is required")
    );
    // Keys are not interpolated.
    assert_eq!(
        map_texts(get(app, "environment")),
        [("$KEY".to_string(), Some(String::new()))]
    );
    let problems: Vec<(String, usize)> = project
        .problems
        .iter()
        .map(|p| {
            let span = match &p.at {
                hullguard_diagnostics::Location::File { span, .. } => *span,
                other => panic!("{other:?}"),
            };
            (p.message.clone(), span.start)
        })
        .collect();
    assert_eq!(
        problems,
        [
            (
                "variable `TAG` is not set".to_string(),
                text.find("\"app").unwrap()
            ),
            (
                "required variable `ARG` is missing a value: ARG is required".to_string(),
                text.find("\"${ARG").unwrap()
            ),
        ]
    );
}

#[test]
fn invalid_interpolation_is_a_problem() {
    let project = from_str("services:\n  a:\n    image: \"x${\"\n", &[]);
    assert!(get(&svc(&project, "a").node, "image").is_unknown());
    assert_eq!(
        messages(&project),
        ["invalid interpolation format in `x${` (write a literal `$` as `$$`)"]
    );
}

#[test]
fn dotenv_and_env_file_precedence() {
    let dir = fixture("env");
    let process = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    // .env under the process environment.
    let project = load_project(&LoadOptions {
        environment: process(&[("BOTH", "process"), ("REQ", "r")]),
        ..opts(&dir)
    })
    .unwrap();
    let app = &svc(&project, "app").node;
    assert_eq!(get(app, "image").as_str(), Some("app:from-dotenv"));
    assert_eq!(
        get(app, "environment/FROM_DOTENV").as_str(),
        Some("dotenv-value")
    );
    assert_eq!(
        get(app, "environment/FROM_PROCESS").as_str(),
        Some("process")
    );
    assert!(get(app, "environment/MISSING").is_unknown());
    assert_eq!(get(app, "environment/REQUIRED").as_str(), Some("r"));
    assert_eq!(
        project.env.get("TAG").map(String::as_str),
        Some("from-dotenv")
    );
    assert_eq!(project.env.get("BOTH").map(String::as_str), Some("process"));
    // The project name comes from `name:`, interpolated and normalized, and
    // `${COMPOSE_PROJECT_NAME}` sees it.
    assert_eq!(project.name, "env-dot");
    assert_eq!(get(app, "environment/PROJECT").as_str(), Some("env-dot"));
    assert_eq!(
        messages(&project),
        ["variable `NOT_SET_ANYWHERE` is not set"]
    );

    // --env-file replaces .env; later files override earlier ones and see them.
    let project = load_project(&LoadOptions {
        env_files: vec![dir.join("alt.env"), dir.join("later.env")],
        ..opts(&dir)
    })
    .unwrap();
    let app = &svc(&project, "app").node;
    assert_eq!(get(app, "image").as_str(), Some("app:from-later-alt"));
    assert!(
        get(app, "environment/FROM_DOTENV").is_unknown(),
        ".env is not read"
    );
    assert!(matches!(
        &get(app, "environment/REQUIRED").value,
        Value::Unknown(why) if why == "required variable `REQ` is missing a value: set REQ first"
    ));
    assert_eq!(project.name, "env-alt");
    let files: Vec<String> = project.files.iter().map(|f| f.path.clone()).collect();
    assert!(files.iter().any(|f| f.ends_with("alt.env")), "{files:?}");
    assert!(!files.iter().any(|f| f.ends_with("/.env")), "{files:?}");

    // An explicit env file that does not exist is an error.
    let err = load_project(&LoadOptions {
        env_files: vec![dir.join("nope.env")],
        ..opts(&dir)
    })
    .unwrap_err();
    assert!(matches!(err, LoadError::Read { .. }), "{err}");
}

#[test]
fn project_name_precedence() {
    let tmp = TempDir::new(&[("compose.yaml", "services:\n  a: {image: a}\n")]);
    let base = tmp.0.file_name().unwrap().to_string_lossy().to_lowercase();
    let project = load_project(&opts(&tmp.0)).unwrap();
    assert_eq!(project.name, base, "directory name");
    // COMPOSE_PROJECT_NAME wins over `name:` (compose-go `withNamePrecedenceLoad`).
    let named = TempDir::new(&[
        (
            "compose.yaml",
            "name: From-YAML\nservices:\n  a: {image: a}\n",
        ),
        (".env", "COMPOSE_PROJECT_NAME=from_env\n"),
    ]);
    assert_eq!(load_project(&opts(&named.0)).unwrap().name, "from_env");
    let named_only = TempDir::new(&[("compose.yaml", "name: My.App_1\nservices: {}\n")]);
    assert_eq!(load_project(&opts(&named_only.0)).unwrap().name, "myapp_1");
    // Invalid characters are removed from a directory name, leading - and _ too.
    let odd = TempDir::new(&[("_My Project.Dir/compose.yaml", "services: {}\n")]);
    let project = load_project(&opts(&odd.0.join("_My Project.Dir"))).unwrap();
    assert_eq!(project.name, "myprojectdir");
}

#[test]
fn compose_file_variable_selects_files() {
    let tmp = TempDir::new(&[
        ("compose.yaml", "services:\n  default: {image: d}\n"),
        ("one.yaml", "services:\n  one: {image: o}\n"),
        ("two.yaml", "services:\n  two: {image: t}\n"),
        (".env", "COMPOSE_FILE=one.yaml:two.yaml\n"),
    ]);
    let project = load_project(&opts(&tmp.0)).unwrap();
    assert_eq!(names(&project), ["one", "two"]);
}

#[test]
fn service_kinds_and_bad_top_level() {
    let project = from_str("services:\n  empty:\n  bad: [1]\n", &[]);
    assert_eq!(names(&project), ["empty"]);
    assert!(svc(&project, "empty").node.as_map().unwrap().is_empty());
    assert_eq!(messages(&project), ["service `bad` must be a mapping"]);
    let project = from_str("- a\n- b\n", &[]);
    assert!(project.services.is_empty());
    assert_eq!(messages(&project), ["top-level object must be a mapping"]);
}

#[test]
fn load_str_reads_env_and_extends_from_its_directory() {
    let tmp = TempDir::new(&[
        (".env", "IMG=from-dotenv\n"),
        (
            "base.yaml",
            "services:\n  b:\n    image: ${IMG}\n    volumes: ['./x:/x']\n",
        ),
    ]);
    let file = SourceFile::new(
        "stdin.yaml",
        "services:\n  a:\n    extends: {file: base.yaml, service: b}\n",
    );
    let project = load_str(file, Some(&tmp.0), &BTreeMap::new());
    assert!(project.problems.is_empty(), "{:?}", messages(&project));
    let a = &svc(&project, "a").node;
    assert_eq!(get(a, "image").as_str(), Some("from-dotenv"));
    assert_eq!(
        texts(get(a, "volumes")),
        [format!("{}:/x", tmp.0.join("x").display())]
    );
    assert_eq!(svc(&project, "a").dir, tmp.0);
}

#[test]
fn multi_document_file_merges_documents() {
    let project = from_str(
        "services:\n  a:\n    image: one\n    cap_add: [A]\n---\nservices:\n  a:\n    image: two\n    cap_add: [B]\n",
        &[],
    );
    let a = &svc(&project, "a").node;
    assert_eq!(get(a, "image").as_str(), Some("two"));
    assert_eq!(texts(get(a, "cap_add")), ["A", "B"]);
}

#[test]
fn override_tag_replaces_instead_of_merging() {
    let tmp = TempDir::new(&[
        (
            "compose.yaml",
            "services:\n  a:\n    image: a\n    ports: ['80:80']\n    environment: {A: '1'}\n",
        ),
        (
            "compose.override.yaml",
            "services:\n  a:\n    ports: !override ['8080:80']\n    environment: !reset {}\n",
        ),
    ]);
    let project = load_project(&opts(&tmp.0)).unwrap();
    let a = &svc(&project, "a").node;
    assert_eq!(texts(get(a, "ports")), ["8080:80"]);
    assert!(a.get("environment").is_none());
}

#[test]
fn huge_extends_fan_out_is_bounded() {
    // One service with 40k list items extended 120 times: 4.8M nodes.
    let mut text = String::from("services:\n  base:\n    image: b\n    dns: [");
    text.push_str(&vec!["1.1.1.1"; 40_000].join(","));
    text.push_str("]\n");
    for i in 0..120 {
        text.push_str(&format!("  s{i}:\n    extends: base\n"));
    }
    let start = std::time::Instant::now();
    let project = from_str(&text, &[]);
    assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
    let problems = messages(&project);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("project expands to more than")),
        "{problems:?}"
    );
}
