//! Invariant checks shared by the fuzz targets. Each check panics with a message
//! naming the offending span, so a crash report says which invariant broke.

use hullguard_dockerfile::model::Model;
use hullguard_dockerfile::{
    Args, CommandForm, Dockerfile, Healthcheck, Instruction, LogicalLine, Span,
};
use std::collections::BTreeMap;

/// `span` lies within `0..=src.len()`, on char boundaries, with `start <= end`.
pub fn check_span(src: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end,
        "{what}: span {span:?} has start after end (src.len() = {})",
        src.len()
    );
    assert!(
        span.end <= src.len(),
        "{what}: span {span:?} ends past the source (src.len() = {})",
        src.len()
    );
    assert!(
        src.is_char_boundary(span.start) && src.is_char_boundary(span.end),
        "{what}: span {span:?} is not on char boundaries"
    );
}

/// `inner` is inside `outer`.
pub fn check_within(inner: Span, outer: Span, what: &str) {
    assert!(
        outer.start <= inner.start && inner.end <= outer.end,
        "{what}: span {inner:?} is not within {outer:?}"
    );
}

/// A logical line's spans are valid, and every byte of its text maps back to the
/// same byte of the source (the line is assembled from verbatim pieces).
pub fn check_line(src: &str, line: &LogicalLine, what: &str) {
    let text = line.text();
    check_span(src, line.full_span(), what);
    check_span(src, line.span(0, text.len()), what);
    for (i, _) in text.char_indices() {
        let o = line.offset(i);
        assert!(
            src.as_bytes().get(o) == text.as_bytes().get(i),
            "{what}: logical offset {i} maps to source offset {o}, whose byte differs \
             (logical text {text:?})"
        );
    }
}

fn check_command(src: &str, form: &CommandForm, what: &str) {
    check_span(src, form.span(), what);
    match form {
        CommandForm::Exec { args, span } => {
            check_span(src, *span, what);
            for a in args {
                check_span(src, a.span, &format!("{what} exec arg"));
            }
        }
        CommandForm::Shell(line) => check_line(src, line, &format!("{what} shell form")),
    }
}

pub fn check_instruction(src: &str, inst: &Instruction, depth: usize) {
    let kw = inst.keyword.as_str();
    check_span(src, inst.span, &format!("{kw} instruction.span"));
    check_span(src, inst.keyword_span, &format!("{kw} keyword_span"));
    check_line(src, &inst.line, &format!("{kw} instruction.line"));
    check_line(src, &inst.rest, &format!("{kw} instruction.rest"));
    let line_span = inst.line.span(0, inst.line.text().len());
    check_within(line_span, inst.span, &format!("{kw} line.span(0, len)"));
    for f in &inst.flags {
        check_span(src, f.span, &format!("{kw} flag --{} span", f.name));
        if let Some(v) = f.value_span {
            check_span(src, v, &format!("{kw} flag --{} value_span", f.name));
        }
    }
    let word = |w: &hullguard_dockerfile::Word, what: &str| {
        check_span(src, w.span, &format!("{kw} {what} {:?}", w.text));
    };
    match &inst.args {
        Args::From { image, alias } => {
            word(image, "FROM image");
            if let Some(a) = alias {
                word(a, "FROM alias");
            }
        }
        Args::Command(c) => check_command(src, c, &format!("{kw} command")),
        Args::KeyValues(kvs) => {
            for kv in kvs {
                check_span(src, kv.span, &format!("{kw} key/value span"));
                word(&kv.key, "key");
                if let Some(v) = &kv.value {
                    word(v, "value");
                }
            }
        }
        Args::Paths { sources, dest } => {
            for s in sources {
                word(s, "source");
            }
            if let Some(d) = dest {
                word(d, "dest");
            }
        }
        Args::Single(w) => word(w, "single"),
        Args::Words(ws) => {
            for w in ws {
                word(w, "word");
            }
        }
        Args::Healthcheck(Healthcheck::Cmd(c)) => check_command(src, c, "HEALTHCHECK CMD"),
        Args::Healthcheck(Healthcheck::None) | Args::Raw => {}
        Args::Onbuild(inner) => {
            assert!(depth == 0, "ONBUILD nested more than one level");
            check_instruction(src, inner, depth + 1);
        }
    }
    for h in &inst.heredocs {
        check_span(src, h.marker_span, &format!("{kw} heredoc <<{} marker_span", h.name));
        check_span(src, h.body.full_span(), &format!("{kw} heredoc <<{} body", h.name));
        check_line(src, &h.body, &format!("{kw} heredoc <<{} body", h.name));
        if let Some(t) = h.terminator_span {
            check_span(src, t, &format!("{kw} heredoc <<{} terminator", h.name));
        }
    }
}

pub fn check_dockerfile(src: &str, df: &Dockerfile) {
    for d in &df.directives {
        check_span(src, d.span, &format!("directive {} span", d.name));
        check_span(src, d.value_span, &format!("directive {} value_span", d.name));
    }
    for inst in &df.instructions {
        check_instruction(src, inst, 0);
    }
    for e in &df.errors {
        check_span(src, e.span, &format!("error {:?}", e.message));
    }
    for c in &df.comments {
        check_span(src, c.span, "comment");
    }
}

/// Builds the stage model and exercises its queries; checks its indexes.
pub fn check_model(df: &Dockerfile) {
    let n = df.instructions.len();
    let model = Model::build(df, &BTreeMap::new(), None);
    for (i, st) in model.stages.iter().enumerate() {
        assert_eq!(st.index, i, "stage index");
        assert!(st.from < n, "stage {i} from {} out of range", st.from);
        assert!(
            st.body.start <= st.body.end && st.body.end <= n,
            "stage {i} body {:?} out of range",
            st.body
        );
        if let Some(p) = st.parent {
            assert!(p < i, "stage {i} has parent {p}, not an earlier stage");
        }
        let scope = model.initial_scope(i);
        let _ = scope.expand(&st.base.value);
        let _ = scope.posix_shell();
        let _ = scope.shell_pipefail();
        assert!(model.final_scope(i).is_some(), "stage {i} has no final scope");
    }
    if let Some(t) = model.target {
        assert!(t < model.stages.len(), "target {t} out of range");
    }
    assert_eq!(model.target_closure(df).len(), model.stages.len());
    for i in 0..n {
        let _ = model.stage_of(i);
    }
    // A --target naming the first alias exercises the other path.
    let name = model.stages.iter().find_map(|s| s.name.clone());
    let _ = Model::build(df, &BTreeMap::new(), Some(name.as_deref().unwrap_or("x")));
}
