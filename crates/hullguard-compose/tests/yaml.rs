#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The positioned YAML reader: exact byte spans, anchors, merge keys, merge
//! tags, duplicates, limits and syntax errors.

use hullguard_compose::node::{Node, Value};
use hullguard_compose::yaml::{
    parse_yaml, parse_yaml_documents, OverrideTag, TagKind, MAX_DEPTH, MAX_NODES, MAX_TAGS,
};
use hullguard_diagnostics::{SourceFile, Span};
use std::sync::Arc;

fn parse(text: &str) -> (Arc<SourceFile>, Option<Node>, Vec<String>) {
    let file = SourceFile::new("compose.yaml", text);
    let (node, problems) = parse_yaml(&file);
    let messages = problems.iter().map(|p| p.message.clone()).collect();
    (file, node, messages)
}

fn at<'a>(node: &'a Node, path: &[&str]) -> &'a Node {
    path.iter().fold(node, |n, k| {
        n.get(k)
            .unwrap_or_else(|| panic!("no `{k}` in {:?}", n.value))
    })
}

fn text<'a>(file: &'a SourceFile, node: &Node) -> &'a str {
    node.span.text(&file.text)
}

fn keys(node: &Node) -> Vec<&str> {
    node.as_map()
        .unwrap()
        .iter()
        .map(|(k, _)| k.as_str().unwrap())
        .collect()
}

#[test]
fn spans_are_byte_offsets_after_non_ascii_text() {
    let src =
        "# ünïcödé → ✓\nservices:\n  wéb:\n    image: \"ngïnx:1\"\n    user: root # comment\n";
    let (file, root, problems) = parse(src);
    assert!(problems.is_empty(), "{problems:?}");
    let root = root.unwrap();
    let (key, web) = at(&root, &["services"]).get_entry("wéb").unwrap();
    assert_eq!(text(&file, key), "wéb");
    assert_eq!(
        key.span,
        Span::new(src.find("wéb").unwrap(), src.find("wéb").unwrap() + 4)
    );
    let image = web.get("image").unwrap();
    assert_eq!(image.as_str(), Some("ngïnx:1"));
    assert_eq!(text(&file, image), "\"ngïnx:1\"");
    let user = web.get_entry("user").unwrap();
    assert_eq!(text(&file, user.0), "user");
    assert_eq!(text(&file, user.1), "root");
    let start = src.find("root").unwrap();
    assert_eq!(user.1.span, Span::new(start, start + 4));
    // A block mapping spans from its first key to the end of its last value.
    assert_eq!(text(&file, web), "image: \"ngïnx:1\"\n    user: root");
}

#[test]
fn scalar_kinds_and_nulls() {
    let src = "a: 1\nb: '1'\nc:\nd: ~\ne: null\nf: \"\"\ng: !!str null\nh: |\n  line one\n  line two\ni: >-\n  folded\nj: [x, {k: v}]\n";
    let (file, root, problems) = parse(src);
    assert!(problems.is_empty(), "{problems:?}");
    let root = root.unwrap();
    let scalar = |k: &str| match &root.get(k).unwrap().value {
        Value::Scalar(s) => (s.text.clone(), s.quoted),
        other => panic!("{k}: {other:?}"),
    };
    assert_eq!(scalar("a"), ("1".into(), false));
    assert_eq!(scalar("b"), ("1".into(), true));
    assert!(root.get("c").unwrap().is_null());
    assert!(root.get("d").unwrap().is_null());
    assert!(root.get("e").unwrap().is_null());
    assert_eq!(scalar("f"), ("".into(), true));
    assert_eq!(scalar("g"), ("null".into(), true));
    assert_eq!(scalar("h"), ("line one\nline two\n".into(), true));
    // Block scalars span from the indicator to the last character of content.
    assert_eq!(
        text(&file, root.get("h").unwrap()),
        "|\n  line one\n  line two"
    );
    assert_eq!(text(&file, root.get("i").unwrap()), ">-\n  folded");
    let j = root.get("j").unwrap();
    assert_eq!(text(&file, j), "[x, {k: v}]");
    assert_eq!(text(&file, &j.as_seq().unwrap()[1]), "{k: v}");
}

#[test]
fn aliases_copy_the_anchored_node_with_its_spans() {
    let src = "x-caps: &caps [NET_ADMIN, SYS_TIME]\nservices:\n  a:\n    cap_add: *caps\n  b:\n    cap_add: *caps\n";
    let (file, root, problems) = parse(src);
    assert!(problems.is_empty(), "{problems:?}");
    let root = root.unwrap();
    for svc in ["a", "b"] {
        let caps = at(&root, &["services", svc, "cap_add"]);
        let items: Vec<_> = caps
            .as_seq()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap())
            .collect();
        assert_eq!(items, ["NET_ADMIN", "SYS_TIME"]);
        // The copy points at the anchored text, not at `*caps`.
        assert_eq!(text(&file, caps), "[NET_ADMIN, SYS_TIME]");
        assert_eq!(text(&file, &caps.as_seq().unwrap()[0]), "NET_ADMIN");
    }
}

#[test]
fn merge_keys_explicit_keys_win_and_earlier_merges_win() {
    let src = "\
x-base: &base
  image: base
  privileged: true
  user: root
x-more: &more
  image: more
  read_only: true
services:
  one:
    <<: *base
    image: mine
  two:
    user: nobody
    <<: [*base, *more]
";
    let (file, root, problems) = parse(src);
    assert!(problems.is_empty(), "{problems:?}");
    let root = root.unwrap();
    let one = at(&root, &["services", "one"]);
    assert_eq!(keys(one), ["privileged", "user", "image"]);
    assert_eq!(one.get("image").unwrap().as_str(), Some("mine"));
    assert_eq!(text(&file, one.get("privileged").unwrap()), "true");
    let (pk, _) = one.get_entry("privileged").unwrap();
    assert_eq!(
        file.line_col(pk.span.start).line,
        3,
        "merged key keeps the anchor's position"
    );
    let two = at(&root, &["services", "two"]);
    // An explicit key wins even when written before the merge key.
    assert_eq!(two.get("user").unwrap().as_str(), Some("nobody"));
    // Of two merged mappings the first wins.
    assert_eq!(two.get("image").unwrap().as_str(), Some("base"));
    assert_eq!(two.get("read_only").unwrap().as_str(), Some("true"));
    assert_eq!(keys(two), ["user", "image", "privileged", "read_only"]);
}

#[test]
fn merge_key_needs_mappings() {
    let (_, root, problems) = parse("a:\n  <<: scalar\n  b: 1\n");
    assert_eq!(
        problems,
        ["merge key `<<` needs a mapping or a list of mappings"]
    );
    assert_eq!(keys(root.unwrap().get("a").unwrap()), ["b"]);
}

#[test]
fn quoted_merge_key_is_a_plain_key() {
    let (_, root, _) = parse("a:\n  \"<<\": {b: 1}\n");
    assert_eq!(keys(root.unwrap().get("a").unwrap()), ["<<"]);
}

#[test]
fn duplicate_keys_are_problems_and_the_later_value_wins() {
    let src = "services:\n  web:\n    privileged: false\n    image: x\n    privileged: true\n";
    let file = SourceFile::new("compose.yaml", src);
    let (root, problems) = parse_yaml(&file);
    assert_eq!(problems.len(), 1);
    assert_eq!(
        problems[0].message,
        "duplicate key `privileged` (first defined on line 3); the later value is used"
    );
    let span = match &problems[0].at {
        hullguard_diagnostics::Location::File { span, .. } => *span,
        other => panic!("{other:?}"),
    };
    let second = src.rfind("privileged").unwrap();
    assert_eq!(span, Span::new(second, second + "privileged".len()));
    let web = at(root.as_ref().unwrap(), &["services", "web"]);
    assert_eq!(keys(web), ["privileged", "image"]);
    assert_eq!(web.get("privileged").unwrap().as_str(), Some("true"));
}

#[test]
fn billion_laughs_is_bounded() {
    let mut src = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
        let refs = vec![format!("*{prev}"); 9].join(",");
        src.push_str(&format!("{name}: &{name} [{refs}]\n"));
        prev = name;
    }
    let start = std::time::Instant::now();
    let (_, root, problems) = parse(&src);
    assert!(start.elapsed().as_secs() < 10, "took {:?}", start.elapsed());
    assert!(root.is_none());
    assert_eq!(
        problems,
        [format!(
            "yaml expands to more than {MAX_NODES} nodes (alias bomb?); document dropped"
        )]
    );
}

#[test]
fn nesting_depth_is_bounded_through_aliases() {
    let mut src = String::from("a0: &a0 [x]\n");
    for i in 1..=MAX_DEPTH + 5 {
        src.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
    }
    let (_, root, problems) = parse(&src);
    assert!(root.is_none());
    assert_eq!(
        problems,
        [format!(
            "yaml nests deeper than {MAX_DEPTH} levels; document dropped"
        )]
    );
    // Deep flow nesting: either saphyr's own limit or ours, never a crash.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (_, _, problems) = parse(&deep);
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn syntax_error_has_a_location_and_keeps_what_was_read() {
    let src = "services:\n  web:\n    image: nginx\n  db: [\n    x: y\n";
    let file = SourceFile::new("compose.yaml", src);
    let (root, problems) = parse_yaml(&file);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].message.starts_with("invalid yaml: "),
        "{}",
        problems[0].message
    );
    let span = match &problems[0].at {
        hullguard_diagnostics::Location::File { span, .. } => *span,
        other => panic!("{other:?}"),
    };
    // An unterminated flow sequence is found at the end of the file.
    assert_eq!(span, Span::empty(src.len()));
    assert_eq!(
        problems[0].message,
        "invalid yaml: while parsing a flow mapping, did not find expected ',' or '}'"
    );
    // The service before the error is still there.
    let root = root.unwrap();
    assert_eq!(
        at(&root, &["services", "web", "image"]).as_str(),
        Some("nginx")
    );
}

#[test]
fn syntax_error_position_after_multibyte_text() {
    let src = "a: \"ü\"\nb: c: d\n";
    let (_, _, problems) = parse(src);
    let file = SourceFile::new("x", src);
    let (_, p) = parse_yaml(&file);
    let span = match &p[0].at {
        hullguard_diagnostics::Location::File { span, .. } => *span,
        other => panic!("{other:?}"),
    };
    assert!(problems[0].starts_with("invalid yaml: mapping values are not allowed"));
    assert_eq!(
        span,
        Span::new(src.find("c:").unwrap() + 1, src.find("c:").unwrap() + 2)
    );
}

#[test]
fn unknown_alias_is_a_problem() {
    let (_, _, problems) = parse("a: *nope\n");
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("unknown anchor"), "{problems:?}");
}

#[test]
fn reset_and_override_tags_are_recorded() {
    let src = "services:\n  web:\n    ports: !reset []\n    environment: !override\n      A: 1\n    cap_add:\n      - !reset X\n";
    let file = SourceFile::new("compose.yaml", src);
    let (docs, problems) = parse_yaml_documents(&file);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(docs.len(), 1);
    let doc = &docs[0];
    let key = |k: &str| k.to_string();
    assert_eq!(
        doc.tags,
        vec![
            OverrideTag {
                path: vec![key("services"), key("web"), key("ports")],
                kind: TagKind::Reset
            },
            OverrideTag {
                path: vec![key("services"), key("web"), key("environment")],
                kind: TagKind::Override
            },
        ]
    );
    let web = at(&doc.root, &["services", "web"]);
    // A `!reset` node is dropped, an `!override` one kept; tags inside list
    // items are not recorded (compose-go never applies them).
    assert_eq!(keys(web), ["environment", "cap_add"]);
    assert_eq!(web.get("cap_add").unwrap().as_seq().unwrap().len(), 0);
    assert_eq!(text(&file, web.get("environment").unwrap()), "A: 1");
}

#[test]
fn merge_tags_are_bounded() {
    let mut src = String::from("x: &x\n");
    for i in 0..200 {
        src.push_str(&format!("  k{i}: !override v\n"));
    }
    for i in 0..100 {
        src.push_str(&format!("y{i}: *x\n"));
    }
    let file = SourceFile::new("compose.yaml", src.as_str());
    let (docs, problems) = parse_yaml_documents(&file);
    assert_eq!(
        problems
            .iter()
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>(),
        [format!(
            "more than {MAX_TAGS} `!reset`/`!override` tags; the rest are ignored"
        )]
    );
    assert!(docs[0].tags.len() <= MAX_TAGS);
    // The values are all there.
    assert_eq!(docs[0].root.as_map().unwrap().len(), 101);
}

#[test]
fn later_documents_merge_over_earlier_ones() {
    let src = "services:\n  web:\n    image: a\n    ports: ['80:80']\n    user: root\n---\nservices:\n  web:\n    image: b\n    ports: ['443:443']\n    user: !reset null\n";
    let (file, root, problems) = parse(src);
    assert!(problems.is_empty(), "{problems:?}");
    let web = at(root.as_ref().unwrap(), &["services", "web"]);
    assert_eq!(web.get("image").unwrap().as_str(), Some("b"));
    assert_eq!(file.line_col(web.get("image").unwrap().span.start).line, 9);
    let ports: Vec<_> = web
        .get("ports")
        .unwrap()
        .as_seq()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(ports, ["80:80", "443:443"]);
    assert!(
        web.get("user").is_none(),
        "`!reset` removes the earlier value"
    );
    let docs = parse_yaml_documents(&file).0;
    assert_eq!(docs.len(), 2);
}

#[test]
fn non_scalar_keys_are_problems() {
    let (_, root, problems) = parse("? [a, b]\n: c\nd: e\n");
    assert_eq!(problems, ["mapping key must be a scalar"]);
    assert_eq!(keys(root.as_ref().unwrap()), ["d"]);
}

#[test]
fn empty_file_has_no_document() {
    let (_, root, problems) = parse("# only a comment\n");
    assert!(root.is_none());
    assert!(problems.is_empty());
}

#[test]
fn oversized_file_is_refused() {
    let big = "a".repeat(hullguard_compose::yaml::MAX_FILE_SIZE + 1);
    let (_, root, problems) = parse(&big);
    assert!(root.is_none());
    assert_eq!(problems, ["file is larger than 16 MiB"]);
}

/// Regression (getsentry/self-hosted): go-yaml accepts a flow collection whose
/// closing bracket, or an item, sits at the indentation of its key; saphyr
/// refused it and everything after the line was lost. Spans still point into
/// the original text.
#[test]
fn flow_collections_at_the_key_indentation_parse_like_go_yaml() {
    let src = "services:\n  é:\n    healthcheck:\n      test: [\n        \"CMD-SHELL\",\n        # comment [\n      \"wget -q -O- http://x/\"\n      ]\n      interval: 30s\n    image: \"x:1\"\nvolumes:\n  data: {\n  }\n";
    let (file, root, problems) = parse(src);
    assert!(problems.is_empty(), "{problems:?}");
    let root = root.unwrap();
    let test = at(&root, &["services", "é", "healthcheck", "test"]);
    let items: Vec<&str> = test
        .as_seq()
        .unwrap()
        .iter()
        .map(|n| text(&file, n))
        .collect();
    assert_eq!(items, vec!["\"CMD-SHELL\"", "\"wget -q -O- http://x/\""]);
    assert_eq!(
        text(
            &file,
            at(&root, &["services", "é", "healthcheck", "interval"])
        ),
        "30s"
    );
    assert_eq!(
        text(&file, at(&root, &["services", "é", "image"])),
        "\"x:1\""
    );
    assert_eq!(keys(at(&root, &[])), vec!["services", "volumes"]);
}
