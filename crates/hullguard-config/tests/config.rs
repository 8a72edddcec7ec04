//! `hullguard.toml`: discovery, validation errors and rule selection, against a
//! fixture rule list.

// Helpers outside `#[test]` functions unwrap too: a failing setup should panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hullguard_config::{discover, Config, ConfigCache, ConfigError, Selection};
use hullguard_diagnostics::{RuleInfo, Severity};
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const fn rule(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    default_enabled: bool,
) -> RuleInfo {
    RuleInfo {
        code,
        name,
        severity,
        default_enabled,
        cis: &[],
        summary: "",
        doc: "",
        fixable: false,
    }
}

static DF001: RuleInfo = rule("DF001", "root-user", Severity::High, true);
static DF003: RuleInfo = rule("DF003", "missing-healthcheck", Severity::Low, true);
static DF022: RuleInfo = rule("DF022", "latest-tag", Severity::Medium, true);
static DF030: RuleInfo = rule("DF030", "curl-pipe-shell", Severity::High, false);
static HG001: RuleInfo = rule("HG001", "privileged-container", Severity::Critical, true);

fn rules() -> Vec<&'static RuleInfo> {
    vec![&DF001, &DF003, &DF022, &DF030, &HG001]
}

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::from_str(text, None, &rules())
}

fn codes(set: &HashSet<&'static str>) -> Vec<&'static str> {
    let mut codes: Vec<_> = set.iter().copied().collect();
    codes.sort_unstable();
    codes
}

fn enabled(config: &Config, file: &Path, cli: &Selection) -> Vec<&'static str> {
    codes(&config.enabled_rules(file, cli, &rules()))
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn tempdir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    (dir, root)
}

// ---- discovery ----------------------------------------------------------

#[test]
fn discovery_finds_nearest_config_upward() {
    let (_guard, root) = tempdir();
    write(&root.join("hullguard.toml"), "");
    write(&root.join("a/.hullguard.toml"), "");
    write(&root.join("a/b/c/Dockerfile"), "FROM scratch\n");
    write(&root.join("x/Dockerfile"), "FROM scratch\n");

    assert_eq!(
        discover(&root.join("a/b/c/Dockerfile")),
        Some(root.join("a/.hullguard.toml"))
    );
    assert_eq!(
        discover(&root.join("x/Dockerfile")),
        Some(root.join("hullguard.toml"))
    );
    // A directory is its own starting point.
    assert_eq!(
        discover(&root.join("a")),
        Some(root.join("a/.hullguard.toml"))
    );
    // Paths written with `.` and `..` resolve the same way.
    assert_eq!(
        discover(&root.join("x/../a/./b/c/Dockerfile")),
        Some(root.join("a/.hullguard.toml"))
    );
}

#[test]
fn discovery_prefers_hullguard_toml_over_dotfile_in_one_directory() {
    let (_guard, root) = tempdir();
    write(&root.join("hullguard.toml"), "");
    write(&root.join(".hullguard.toml"), "");
    assert_eq!(
        discover(&root.join("Dockerfile")),
        Some(root.join("hullguard.toml"))
    );
}

#[test]
fn discovery_ignores_directories_named_like_configs() {
    let (_guard, root) = tempdir();
    write(&root.join("hullguard.toml"), "");
    fs::create_dir_all(root.join("a/hullguard.toml")).unwrap();
    assert_eq!(
        discover(&root.join("a/Dockerfile")),
        Some(root.join("hullguard.toml"))
    );
}

#[test]
fn cache_uses_nearest_config_and_parses_each_once() {
    let (_guard, root) = tempdir();
    write(&root.join("hullguard.toml"), "ignore = [\"DF001\"]\n");
    write(&root.join("sub/hullguard.toml"), "ignore = [\"DF003\"]\n");
    let cache = ConfigCache::new(&rules());

    let top = cache.get(&root.join("a/b/Dockerfile")).unwrap();
    let top_again = cache.get(&root.join("a/Dockerfile")).unwrap();
    let sub = cache.get(&root.join("sub/deep/Dockerfile")).unwrap();
    assert!(Arc::ptr_eq(&top, &top_again));
    assert_eq!(
        top.path.as_deref(),
        Some(root.join("hullguard.toml").as_path())
    );
    assert_eq!(
        sub.path.as_deref(),
        Some(root.join("sub/hullguard.toml").as_path())
    );
    let file = root.join("sub/deep/Dockerfile");
    assert!(!enabled(&sub, &file, &Selection::default()).contains(&"DF003"));
    assert!(enabled(&sub, &file, &Selection::default()).contains(&"DF001"));
}

#[test]
fn cache_is_shared_across_threads() {
    let (_guard, root) = tempdir();
    write(&root.join("hullguard.toml"), "fail-on = \"high\"\n");
    let cache = ConfigCache::new(&rules());
    let configs: Vec<Arc<Config>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let cache = &cache;
                let file = root.join(format!("d{}/e/Dockerfile", i % 3));
                scope.spawn(move || cache.get(&file).unwrap())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for config in &configs {
        assert_eq!(config.fail_on, Some(Severity::High));
        assert!(Arc::ptr_eq(config, &configs[0]));
    }
}

#[test]
fn cache_reports_broken_config_for_every_file_below_it() {
    let (_guard, root) = tempdir();
    write(&root.join("hullguard.toml"), "selct = []\n");
    let cache = ConfigCache::new(&rules());
    for file in ["a/Dockerfile", "b/Dockerfile", "a/Dockerfile"] {
        let error = cache.get(&root.join(file)).unwrap_err();
        assert!(matches!(error, ConfigError::UnknownKey { ref key, .. } if key == "selct"));
        assert_eq!(error.path(), Some(root.join("hullguard.toml").as_path()));
    }
}

#[test]
fn explicit_config_applies_to_everything() {
    let (_guard, root) = tempdir();
    write(&root.join("elsewhere/custom.toml"), "select = [\"HG\"]\n");
    write(
        &root.join("project/hullguard.toml"),
        "select = [\"DF001\"]\n",
    );
    let cache = ConfigCache::explicit(&root.join("elsewhere/custom.toml"), &rules()).unwrap();
    let file = root.join("project/Dockerfile");
    let config = cache.get(&file).unwrap();
    assert_eq!(
        config.path.as_deref(),
        Some(root.join("elsewhere/custom.toml").as_path())
    );
    assert_eq!(
        enabled(&config, &file, &Selection::default()),
        vec!["HG001"]
    );
}

#[test]
fn missing_explicit_config_is_an_io_error_naming_the_file() {
    let (_guard, root) = tempdir();
    let path = root.join("nope.toml");
    let error = Config::load(&path, &rules()).unwrap_err();
    assert!(matches!(error, ConfigError::Io { .. }));
    assert!(error.to_string().contains("nope.toml"), "{error}");
}

#[test]
fn no_config_means_default_rules() {
    let config = Config::default_config();
    let file = Path::new("Dockerfile");
    assert_eq!(
        enabled(&config, file, &Selection::default()),
        vec!["DF001", "DF003", "DF022", "HG001"]
    );
    assert!(config.severity_overrides().is_empty());
    assert_eq!(config.fail_on, None);
}

// ---- validation errors --------------------------------------------------

#[test]
fn unknown_key_error_names_key_and_line() {
    let error = Config::from_str(
        "select = [\"ALL\"]\n\nselct = [\"DF001\"]\n",
        Some(Path::new("hullguard.toml")),
        &rules(),
    )
    .unwrap_err();
    match &error {
        ConfigError::UnknownKey {
            key,
            line,
            column,
            hint,
            ..
        } => {
            assert_eq!(key, "selct");
            assert_eq!((*line, *column), (3, 1));
            assert!(hint.contains("`select`"), "{hint}");
        }
        other => panic!("unexpected {other:?}"),
    }
    let message = error.to_string();
    assert!(message.starts_with("hullguard.toml:3:1:"), "{message}");
    assert!(message.contains("`selct`"), "{message}");
}

#[test]
fn unknown_key_in_a_table_is_an_error() {
    let error =
        parse("[dockerfile]\ntrusted-registries = []\nbuild-arg = { A = \"1\" }\n").unwrap_err();
    assert!(
        matches!(&error, ConfigError::UnknownKey { key, line: 3, .. } if key == "build-arg"),
        "{error:?}"
    );
    let error = parse("[sevrity]\nDF001 = \"high\"\n").unwrap_err();
    assert!(
        matches!(&error, ConfigError::UnknownKey { key, line: 1, .. } if key == "sevrity"),
        "{error:?}"
    );
}

#[test]
fn toml_syntax_and_type_errors_have_positions() {
    let error = parse("select = [\n").unwrap_err();
    assert!(
        matches!(error, ConfigError::Toml { line: 1, .. }),
        "{error:?}"
    );
    let error = parse("\nselect = \"DF001\"\n").unwrap_err();
    assert!(
        matches!(error, ConfigError::Toml { line: 2, .. }),
        "{error:?}"
    );
}

#[test]
fn unknown_rules_are_errors_wherever_they_appear() {
    let cases = [
        (
            "select = [\"DF001\", \"DF999\"]\n",
            "select",
            "DF999",
            1,
            20,
        ),
        (
            "extend-select = [\"nope\"]\n",
            "extend-select",
            "nope",
            1,
            18,
        ),
        ("ignore = [\"root\"]\n", "ignore", "root", 1, 11),
        ("[severity]\nDF9 = \"high\"\n", "severity", "DF9", 2, 1),
        (
            "[per-path-ignores]\n\"a/**\" = [\"DF001\", \"XX\"]\n",
            "per-path-ignores",
            "XX",
            2,
            20,
        ),
    ];
    for (text, option_want, selector_want, line_want, column_want) in cases {
        match parse(text).unwrap_err() {
            ConfigError::UnknownRule {
                option,
                selector,
                line,
                column,
                ..
            } => {
                assert_eq!(option, option_want, "{text}");
                assert_eq!(selector, selector_want, "{text}");
                assert_eq!((line, column), (line_want, column_want), "{text}");
            }
            other => panic!("{text}: unexpected {other:?}"),
        }
    }
}

#[test]
fn invalid_severities_are_errors_with_the_value() {
    let error = parse("fail-on = \"severe\"\n").unwrap_err();
    assert!(
        matches!(&error, ConfigError::InvalidSeverity { key, value, .. } if key == "fail-on" && value == "severe"),
        "{error:?}"
    );
    let error = parse("[severity]\nDF001 = \"urgent\"\n").unwrap_err();
    assert!(
        matches!(&error, ConfigError::InvalidSeverity { key, value, line: 2, column: 9, .. } if key == "DF001" && value == "urgent"),
        "{error:?}"
    );
}

#[test]
fn invalid_glob_is_an_error_with_the_glob() {
    let error = parse("[per-path-ignores]\n\"a/[b\" = [\"DF001\"]\n").unwrap_err();
    assert!(
        matches!(&error, ConfigError::InvalidGlob { glob, line: 2, .. } if glob == "a/[b"),
        "{error:?}"
    );
}

#[test]
fn secret_patterns_are_validated_at_load_time() {
    let config = parse("[dockerfile]\nsecret-patterns = ['corp_[A-Za-z0-9]{32}']\n").unwrap();
    assert_eq!(config.secret_patterns.len(), 1);
    assert!(config.secret_patterns[0].is_match(&format!("x corp_{}", "a".repeat(32))));

    let error = parse("[dockerfile]\nsecret-patterns = ['ok_[0-9]+', 'corp_[A-Z']\n").unwrap_err();
    match &error {
        ConfigError::InvalidRegex {
            pattern,
            line,
            column,
            ..
        } => {
            assert_eq!(pattern, "corp_[A-Z");
            assert_eq!((*line, *column), (2, 33));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(error.to_string().contains("corp_[A-Z"), "{error}");

    let error = parse("[dockerfile]\nsecret-patterns = ['x*']\n").unwrap_err();
    assert!(
        matches!(&error, ConfigError::RegexMatchesEmpty { pattern, .. } if pattern == "x*"),
        "{error:?}"
    );
}

#[test]
fn dockerfile_table_values() {
    let config = parse(
        "[dockerfile]\n\
         trusted-registries = [\"docker.io/library\", \"registry.example.com/\"]\n\
         build-args = { RUNAS = \"1000\", UID = 1000, DEBUG = false }\n",
    )
    .unwrap();
    assert_eq!(
        config.trusted_registries,
        vec!["docker.io/library", "registry.example.com"]
    );
    assert_eq!(config.build_args["RUNAS"], "1000");
    assert_eq!(config.build_args["UID"], "1000");
    assert_eq!(config.build_args["DEBUG"], "false");

    let error =
        parse("[dockerfile]\ntrusted-registries = [\"https://r.example.com\"]\n").unwrap_err();
    assert!(
        matches!(error, ConfigError::InvalidRegistry { line: 2, .. }),
        "{error:?}"
    );
}

#[test]
fn container_table_values() {
    let config = parse(
        "[container]\n\
         allowed-capabilities = [\"cap_net_bind_service\", \"CHOWN\"]\n\
         allowed-host-paths = [\"/srv/data/\", \"//opt/./app\"]\n",
    )
    .unwrap();
    assert_eq!(
        config.allowed_capabilities,
        vec!["NET_BIND_SERVICE", "CHOWN"]
    );
    assert_eq!(config.allowed_host_paths, vec!["/srv/data", "/opt/app"]);

    for (text, line) in [
        ("[container]\nallowed-capabilities = [\"ALL\"]\n", 2),
        ("[container]\nallowed-capabilities = [\"SYS ADMIN\"]\n", 2),
        ("[container]\n\nallowed-host-paths = [\"srv\"]\n", 3),
        ("[container]\nallowed-host-paths = [\"/\"]\n", 2),
        ("[container]\nallowed-host-paths = [\"/srv/../etc\"]\n", 2),
    ] {
        let error = parse(text).unwrap_err();
        assert!(
            matches!(error, ConfigError::InvalidContainerOption { line: l, .. } if l == line),
            "{text}: {error:?}"
        );
    }
    assert!(parse("[container]\nallowed-capability = []\n").is_err());
}

#[test]
fn documented_example_parses() {
    let text = r#"
select = ["ALL"]
extend-select = ["DF030"]
ignore = ["DF022", "latest-tag"]
fail-on = "medium"

[severity]
DF003 = "high"
"missing-healthcheck" = "info"

[per-path-ignores]
"legacy/**" = ["ALL"]
"**/Dockerfile.dev" = ["DF001", "root-user"]

[dockerfile]
trusted-registries = ["docker.io/library", "gcr.io/distroless", "registry.example.com"]
secret-patterns = ['corp_[A-Za-z0-9]{32}']
build-args = { RUNAS = "1000" }
"#;
    let config = parse(text).unwrap();
    assert_eq!(config.fail_on, Some(Severity::Medium));
    // The code is more specific than the name.
    assert_eq!(config.severity_overrides()["DF003"], Severity::High);
}

// ---- selection ----------------------------------------------------------

#[test]
fn select_by_prefix_name_and_all() {
    let file = Path::new("Dockerfile");
    let none = Selection::default();
    let config = parse("select = [\"DF0\"]\n").unwrap();
    assert_eq!(
        enabled(&config, file, &none),
        vec!["DF001", "DF003", "DF022", "DF030"]
    );
    let config = parse("select = [\"hg\", \"root-user\"]\n").unwrap();
    assert_eq!(enabled(&config, file, &none), vec!["DF001", "HG001"]);
    let config = parse("select = [\"ALL\"]\nignore = [\"DF00\"]\n").unwrap();
    assert_eq!(
        enabled(&config, file, &none),
        vec!["DF022", "DF030", "HG001"]
    );
    // A prefix must match at least one rule.
    assert!(matches!(
        parse("select = [\"DF9\"]\n").unwrap_err(),
        ConfigError::UnknownRule { .. }
    ));
}

#[test]
fn extend_select_adds_to_defaults_and_ignore_removes_by_name() {
    let config = parse("extend-select = [\"DF030\"]\nignore = [\"latest-tag\"]\n").unwrap();
    assert_eq!(
        enabled(&config, Path::new("Dockerfile"), &Selection::default()),
        vec!["DF001", "DF003", "DF030", "HG001"]
    );
}

#[test]
fn cli_selection_overrides_config() {
    let config =
        parse("select = [\"DF001\"]\nextend-select = [\"HG001\"]\nignore = [\"DF022\"]\n").unwrap();
    let file = Path::new("Dockerfile");
    assert_eq!(
        enabled(&config, file, &Selection::default()),
        vec!["DF001", "HG001"]
    );
    // --select replaces select and extend-select; the config's ignore still holds.
    let cli = Selection::from_cli(Some(&["DF"]), &[], &[]);
    assert_eq!(
        enabled(&config, file, &cli),
        vec!["DF001", "DF003", "DF030"]
    );
    // --extend-select adds on top of the config's selection.
    let cli = Selection::from_cli(None, &["DF030"], &[]);
    assert_eq!(
        enabled(&config, file, &cli),
        vec!["DF001", "DF030", "HG001"]
    );
    // --ignore adds to ignore; comma-separated lists are split.
    let cli = Selection::from_cli(
        Some(&["DF001,DF003", "HG"]),
        &["DF030"],
        &["HG001, root-user"],
    );
    assert_eq!(
        cli.select.as_deref(),
        Some(&["DF001".to_owned(), "DF003".to_owned(), "HG".to_owned()][..])
    );
    assert_eq!(enabled(&config, file, &cli), vec!["DF003", "DF030"]);
}

#[test]
fn cli_selection_is_validated() {
    let cli = Selection::from_cli(Some(&["DF001"]), &[], &["DF99"]);
    match cli.validate(&rules()).unwrap_err() {
        ConfigError::UnknownCliRule { option, selector } => {
            assert_eq!(option, "--ignore");
            assert_eq!(selector, "DF99");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        Selection::from_cli(Some(&["ALL"]), &["df0"], &["latest-tag"])
            .validate(&rules())
            .is_ok()
    );
}

#[test]
fn per_path_ignores_match_globs_relative_to_the_config_directory() {
    let (_guard, root) = tempdir();
    let config_path = root.join("repo/hullguard.toml");
    write(
        &config_path,
        r#"
[per-path-ignores]
"legacy/**" = ["ALL"]
"**/Dockerfile.dev" = ["DF001", "root-user"]
"Dockerfile.test" = ["DF003"]
"vendor" = ["DF022"]
"docker/*.prod" = ["HG001"]
"#,
    );
    let config = Config::load(&config_path, &rules()).unwrap();
    let repo = root.join("repo");
    let none = Selection::default();
    let defaults = vec!["DF001", "DF003", "DF022", "HG001"];

    assert_eq!(enabled(&config, &repo.join("Dockerfile"), &none), defaults);
    assert!(enabled(&config, &repo.join("legacy/a/b/Dockerfile"), &none).is_empty());
    // Written with `..`: still under legacy/ once resolved.
    assert!(enabled(&config, &repo.join("src/../legacy/Dockerfile"), &none).is_empty());
    // Not under legacy/ of the config directory.
    assert_eq!(
        enabled(&config, &repo.join("src/legacy-notes/Dockerfile"), &none),
        defaults
    );
    assert_eq!(
        enabled(&config, &repo.join("svc/api/Dockerfile.dev"), &none),
        vec!["DF003", "DF022", "HG001"]
    );
    assert_eq!(
        enabled(&config, &repo.join("Dockerfile.dev"), &none),
        vec!["DF003", "DF022", "HG001"]
    );
    // No slash: matches at any depth, like .gitignore.
    assert_eq!(
        enabled(&config, &repo.join("a/b/Dockerfile.test"), &none),
        vec!["DF001", "DF022", "HG001"]
    );
    // A directory name applies to everything below it.
    assert_eq!(
        enabled(
            &config,
            &repo.join("third_party/vendor/x/Dockerfile"),
            &none
        ),
        vec!["DF001", "DF003", "HG001"]
    );
    // `*` does not cross `/`.
    assert_eq!(
        enabled(&config, &repo.join("docker/api.prod"), &none),
        vec!["DF001", "DF003", "DF022"]
    );
    assert_eq!(
        enabled(&config, &repo.join("docker/sub/api.prod"), &none),
        defaults
    );
    let ignored = config.per_path_ignored(&repo.join("legacy/Dockerfile"));
    assert_eq!(ignored.len(), rules().len());
}

#[test]
fn per_path_ignores_accept_absolute_globs() {
    let (_guard, root) = tempdir();
    let glob = format!("{}/generated/**", root.display());
    let text = format!("[per-path-ignores]\n{glob:?} = [\"DF001\"]\n");
    let config = Config::from_str(&text, Some(&root.join("cfg/hullguard.toml")), &rules()).unwrap();
    assert!(!enabled(
        &config,
        &root.join("generated/x/Dockerfile"),
        &Selection::default()
    )
    .contains(&"DF001"));
    assert!(
        enabled(&config, &root.join("cfg/Dockerfile"), &Selection::default()).contains(&"DF001")
    );
}

#[test]
fn severity_overrides_most_specific_key_wins() {
    let config = parse(
        "[severity]\nDF = \"low\"\nDF003 = \"high\"\n\"missing-healthcheck\" = \"info\"\n\"latest-tag\" = \"critical\"\nALL = \"medium\"\n",
    )
    .unwrap();
    let overrides = config.severity_overrides();
    assert_eq!(overrides["DF001"], Severity::Low);
    assert_eq!(overrides["DF003"], Severity::High);
    assert_eq!(overrides["DF022"], Severity::Critical);
    assert_eq!(overrides["DF030"], Severity::Low);
    assert_eq!(overrides["HG001"], Severity::Medium);

    let config = parse("[severity]\n\"missing-healthcheck\" = \"INFO\"\n").unwrap();
    let overrides = config.severity_overrides();
    assert_eq!(overrides.len(), 1);
    assert_eq!(overrides["DF003"], Severity::Info);
}

#[cfg(unix)]
#[test]
fn symlinked_file_is_matched_where_it_is_linked() {
    let (_guard, root) = tempdir();
    write(
        &root.join("hullguard.toml"),
        "[per-path-ignores]\n\"legacy/**\" = [\"ALL\"]\n",
    );
    write(&root.join("shared/Dockerfile"), "FROM scratch\n");
    fs::create_dir_all(root.join("legacy")).unwrap();
    std::os::unix::fs::symlink(
        root.join("shared/Dockerfile"),
        root.join("legacy/Dockerfile"),
    )
    .unwrap();
    let config = Config::load(&root.join("hullguard.toml"), &rules()).unwrap();
    let none = Selection::default();
    assert!(enabled(&config, &root.join("legacy/Dockerfile"), &none).is_empty());
    assert!(!enabled(&config, &root.join("shared/Dockerfile"), &none).is_empty());
}
