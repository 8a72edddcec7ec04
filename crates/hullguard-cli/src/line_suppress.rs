//! Inline suppressions in files whose comments start with `#` (compose YAML,
//! env files, shell scripts), for findings of the container rules:
//!
//! - `# hullguard: ignore=CODE[,CODE...] reason` alone on a line suppresses those
//!   rules on the next line that is not blank or a comment; at the end of a line, it
//!   suppresses them on that line;
//! - `# hullguard: ignore-file=CODE[,CODE...] reason` anywhere suppresses them in
//!   the whole file (`all` suppresses every rule).
//!
//! Codes or rule names are accepted. A suppression that matches nothing is itself
//! reported (`unused-suppression`), as in Dockerfiles.

use hullguard_diagnostics::{Finding, Location, SourceFile, Span};
use hullguard_rules::{selects, UNUSED_SUPPRESSION};
use std::collections::HashSet;
use std::sync::Arc;

struct Suppression {
    comment: Span,
    keys: Vec<String>,
    /// Line (0-based) it applies to; `None` for the whole file.
    line: Option<usize>,
    used: Vec<bool>,
}

fn collect(text: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    let lines: Vec<(usize, &str)> = {
        let mut v = Vec::new();
        let mut start = 0;
        for l in text.split_inclusive('\n') {
            v.push((start, l));
            start += l.len();
        }
        v
    };
    for (i, (start, line)) in lines.iter().enumerate() {
        let Some(pos) = find_marker(line) else {
            continue;
        };
        let rest = line[pos..].trim_start_matches('#').trim_start();
        let Some(rest) = rest.strip_prefix("hullguard:") else {
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
        let keys: Vec<String> = list
            .split_whitespace()
            .next()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect();
        let own_line = line[..pos].trim().is_empty();
        let target = if file_level {
            None
        } else if own_line {
            // The next line that is neither blank nor a comment.
            let next = lines[i + 1..].iter().position(|(_, l)| {
                let t = l.trim();
                !t.is_empty() && !t.starts_with('#')
            });
            Some(next.map_or(usize::MAX, |n| i + 1 + n))
        } else {
            Some(i)
        };
        let comment = Span::new(start + pos, start + line.trim_end().len());
        out.push(Suppression {
            comment,
            used: vec![false; keys.len()],
            keys,
            line: target,
        });
    }
    out
}

/// The byte offset of a `#` that starts a comment (at the start of the line or
/// after whitespace) followed by `hullguard:`.
fn find_marker(line: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(off) = line[from..].find('#') {
        let pos = from + off;
        let at_start = line[..pos].trim().is_empty();
        let after_space = line[..pos].ends_with([' ', '\t']);
        if (at_start || after_space)
            && line[pos..]
                .trim_start_matches('#')
                .trim_start()
                .starts_with("hullguard:")
        {
            return Some(pos);
        }
        from = pos + 1;
    }
    None
}

/// Removes suppressed findings; adds `unused-suppression` findings for the
/// suppression comments in `own_files` that matched nothing (when that rule is in
/// `enabled`). Findings in other files (a Dockerfile a service is built from) are
/// filtered by that file's comments too, but its unused comments are left to the
/// Dockerfile scan.
pub fn apply(
    findings: &mut Vec<Finding>,
    own_files: &[Arc<SourceFile>],
    enabled: &HashSet<&'static str>,
) {
    let mut files: Vec<Arc<SourceFile>> = own_files.to_vec();
    for f in findings.iter() {
        if let Location::File { file, .. } = &f.location {
            if !files
                .iter()
                .any(|x| Arc::ptr_eq(x, file) || x.path == file.path)
            {
                files.push(Arc::clone(file));
            }
        }
    }
    let mut sups: Vec<Vec<Suppression>> = files.iter().map(|f| collect(&f.text)).collect();
    if sups.iter().all(Vec::is_empty) {
        return;
    }
    findings.retain(|f| {
        let Location::File { file, span } = &f.location else {
            return true;
        };
        let Some(idx) = files
            .iter()
            .position(|x| Arc::ptr_eq(x, file) || x.path == file.path)
        else {
            return true;
        };
        let line = file.line_col(span.start).line.saturating_sub(1);
        let mut suppressed = false;
        for s in &mut sups[idx] {
            if s.line.is_some_and(|l| l != line) {
                continue;
            }
            for (k, used) in s.keys.iter().zip(s.used.iter_mut()) {
                if k.eq_ignore_ascii_case("all") || selects(k, f.rule) {
                    *used = true;
                    suppressed = true;
                }
            }
        }
        !suppressed
    });
    if !enabled.contains(UNUSED_SUPPRESSION.code) {
        return;
    }
    for (file, sups) in files.iter().zip(&sups).take(own_files.len()) {
        for s in sups {
            for (k, used) in s.keys.iter().zip(&s.used) {
                if *used {
                    continue;
                }
                let mut f = Finding::new(
                    &UNUSED_SUPPRESSION,
                    Location::file(file, s.comment),
                    format!("suppression `{k}` matches no finding here"),
                );
                f.set_help("remove it, or fix the rule code or name");
                f.fingerprint = format!("{}:{}:{k}", UNUSED_SUPPRESSION.code, file.path);
                findings.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let text = "a: 1\n# hullguard: ignore=CT001 reason\n\n# other\nb: 2 # hullguard: ignore=x,y\n# hullguard: ignore-file=all\n";
        let s = collect(text);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].line, Some(4));
        assert_eq!(s[0].keys, vec!["CT001"]);
        assert_eq!(s[1].line, Some(4));
        assert_eq!(s[1].keys, vec!["x", "y"]);
        assert_eq!(s[2].line, None);
        assert_eq!(
            &text[s[1].comment.start..s[1].comment.end],
            "# hullguard: ignore=x,y"
        );
        // A `#` inside a value is not a comment.
        assert!(collect("url: http://x/#hullguard:ignore=a\n").is_empty());
    }
}
