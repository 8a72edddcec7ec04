//! Applying fixes to a source text: non-overlapping edits, in order.

use hullguard_diagnostics::{Applicability, Edit, Finding};

/// Applies the fixes of `findings` to `text`. Only `Safe` fixes unless
/// `unsafe_fixes`. A fix whose edits overlap an already chosen fix is skipped (the
/// next round picks it up). Returns the new text and how many fixes were applied.
pub fn apply_fixes(text: &str, findings: &[Finding], unsafe_fixes: bool) -> (String, usize) {
    let mut chosen: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    let mut fixes: Vec<_> = findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .filter(|fix| unsafe_fixes || fix.applicability == Applicability::Safe)
        .collect();
    fixes.sort_by_key(|f| f.edits.iter().map(|e| e.span.start).min().unwrap_or(0));
    for fix in fixes {
        let overlaps = fix.edits.iter().any(|e| {
            chosen.iter().any(|c| {
                let (a, b) = (e.span, c.span);
                (a.start < b.end && b.start < a.end)
                    || (a.start == b.start && (a.is_empty() || b.is_empty()))
            })
        });
        let in_bounds = fix.edits.iter().all(|e| {
            e.span.end <= text.len()
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end)
        });
        if overlaps || !in_bounds {
            continue;
        }
        chosen.extend(fix.edits.iter());
        applied += 1;
    }
    chosen.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    for e in chosen {
        out.push_str(&text[pos..e.span.start]);
        out.push_str(&e.replacement);
        pos = e.span.end;
    }
    out.push_str(&text[pos..]);
    (out, applied)
}
