//! Inline suppressions in Dockerfile comments:
//!
//! - `# hullguard: ignore=CODE[,CODE...] reason` on the comment line(s) right before
//!   an instruction suppresses those rules on that instruction;
//! - `# hullguard: ignore-file=CODE[,CODE...] reason` anywhere suppresses them in the
//!   whole file (`all` suppresses every rule).
//!
//! Codes or rule names are accepted. A suppression that matches nothing is itself
//! reported ([`crate::UNUSED_SUPPRESSION`]).

use hullguard_diagnostics::{Finding, Span};
use hullguard_dockerfile::Dockerfile;

#[derive(Debug)]
pub(crate) struct Suppression {
    /// The comment.
    pub comment: Span,
    /// The keys as written (codes or names).
    pub keys: Vec<String>,
    /// `None` for file-level; else the span of the instruction it applies to.
    pub target: Option<Span>,
    pub used: Vec<bool>,
}

pub(crate) fn collect(df: &Dockerfile) -> Vec<Suppression> {
    let mut out = Vec::new();
    for c in &df.comments {
        let Some(rest) = c.text.strip_prefix("hullguard:") else {
            continue;
        };
        let rest = rest.trim_start();
        let (file_level, list) = if let Some(l) = rest.strip_prefix("ignore-file=") {
            (true, l)
        } else if let Some(l) = rest.strip_prefix("ignore=") {
            (false, l)
        } else {
            continue;
        };
        let list = list.split_whitespace().next().unwrap_or("");
        let keys: Vec<String> = list
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect();
        // Comments inside an instruction's continuation do not start a suppression.
        if df
            .instructions
            .iter()
            .any(|i| i.span.contains(c.span.start))
        {
            continue;
        }
        let target = if file_level {
            None
        } else {
            // The first instruction after the comment, with only comments between.
            match df.instructions.iter().find(|i| i.span.start > c.span.start) {
                Some(i) => Some(i.span),
                None => Some(Span::empty(usize::MAX)),
            }
        };
        let n = keys.len();
        out.push(Suppression {
            comment: c.span,
            keys,
            target,
            used: vec![false; n],
        });
    }
    out
}

/// Removes suppressed findings, marking which keys were used.
pub(crate) fn apply(findings: &mut Vec<Finding>, sups: &mut [Suppression]) {
    findings.retain(|f| {
        let Some(span) = f.span() else {
            return true;
        };
        let mut suppressed = false;
        for s in sups.iter_mut() {
            let applies = match s.target {
                None => true,
                Some(t) => t.contains(span.start) || (t.is_empty() && t.start == span.start),
            };
            if !applies {
                continue;
            }
            for (i, k) in s.keys.iter().enumerate() {
                if k.eq_ignore_ascii_case("all")
                    || k.eq_ignore_ascii_case(f.rule.code)
                    || k.eq_ignore_ascii_case(f.rule.name)
                {
                    s.used[i] = true;
                    suppressed = true;
                }
            }
        }
        !suppressed
    });
}
