//! An image's history (`GET /images/{id}/history`, newest step first) read back
//! into the Dockerfile instructions that made it. The classic builder writes
//! `/bin/sh -c #(nop)  ENV A=b` for instructions and `/bin/sh -c apt-get update`
//! for `RUN`; BuildKit writes the instruction itself (`RUN /bin/sh -c apt-get
//! update # buildkit`). Build arguments a `RUN` saw are recorded in front of its
//! command (`|2 A=1 B=2 /bin/sh -c ...`): they stay in the image for anyone who
//! pulls it.

use serde_json::Value;

/// One step of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Index in the history array (0 is the newest step).
    pub index: usize,
    /// Upper-case instruction (`RUN`, `ENV`, `ADD` ...); empty when the step
    /// records no instruction (an imported root filesystem).
    pub instruction: String,
    /// The instruction's arguments (for `RUN`, the command after the build
    /// arguments).
    pub args: String,
    /// For `RUN`: the shell script (`/bin/sh -c SCRIPT`), when it is one.
    pub script: Option<String>,
    /// Build arguments recorded with a `RUN` (`|1 TOKEN=abc ...`).
    pub build_args: Vec<(String, String)>,
}

/// The steps of a history document (an array; anything else has none).
pub fn steps(history: &Value) -> Vec<Step> {
    let Some(items) = history.as_array() else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let created_by = item.get("CreatedBy").and_then(Value::as_str).unwrap_or("");
            parse(index, created_by)
        })
        .collect()
}

/// Instructions a BuildKit history line may start with.
const INSTRUCTIONS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

fn parse(index: usize, created_by: &str) -> Step {
    let mut text = created_by.trim();
    if let Some(t) = text.strip_suffix("# buildkit") {
        text = t.trim_end();
    }
    let mut step = Step {
        index,
        instruction: String::new(),
        args: String::new(),
        script: None,
        build_args: Vec::new(),
    };
    // Classic builder: a no-op shell command naming the instruction.
    for nop in ["/bin/sh -c #(nop)", "cmd /S /C #(nop)"] {
        if let Some(rest) = text.strip_prefix(nop) {
            let rest = rest.trim();
            let (inst, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            step.instruction = inst.to_ascii_uppercase();
            step.args = args.trim().to_string();
            return step;
        }
    }
    let (first, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let run_args = if INSTRUCTIONS.contains(&first) {
        if first != "RUN" {
            step.instruction = first.to_string();
            step.args = rest.trim().to_string();
            return step;
        }
        rest.trim()
    } else if text.is_empty() {
        return step;
    } else {
        // Classic builder RUN: the command itself.
        text
    };
    step.instruction = "RUN".to_string();
    let (build_args, command) = split_build_args(run_args);
    step.build_args = build_args;
    step.args = command.to_string();
    for shell in ["/bin/sh -c ", "/bin/bash -c ", "cmd /S /C "] {
        if let Some(script) = command.strip_prefix(shell) {
            step.script = Some(script.to_string());
        }
    }
    step
}

/// `|2 A=1 B=2 rest` → ([(A, 1), (B, 2)], `rest`).
fn split_build_args(text: &str) -> (Vec<(String, String)>, &str) {
    let Some(rest) = text.strip_prefix('|') else {
        return (Vec::new(), text);
    };
    let (count, mut rest) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let Ok(n) = count.parse::<usize>() else {
        return (Vec::new(), text);
    };
    let mut out = Vec::new();
    for _ in 0..n {
        rest = rest.trim_start();
        let (word, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        if let Some((k, v)) = word.split_once('=') {
            out.push((k.to_string(), v.to_string()));
        }
        rest = tail;
    }
    (out, rest.trim_start())
}

/// The `KEY=VALUE` pairs of an `ENV` or `ARG` step (`ENV A=1 B="two words"`;
/// the legacy `ENV A 1` form is one pair).
pub fn pairs(args: &str) -> Vec<(String, String)> {
    let a = args.trim();
    let first = a.split_whitespace().next().unwrap_or("");
    if !first.contains('=') {
        // `ENV NAME value with spaces` (legacy), or `ARG NAME` without default.
        let (k, v) = a.split_once(char::is_whitespace).unwrap_or((a, ""));
        if v.is_empty() {
            return Vec::new();
        }
        return vec![(k.to_string(), v.trim().to_string())];
    }
    let mut out = Vec::new();
    let mut chars = a.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() {
            break;
        }
        if chars.peek() != Some(&'=') {
            continue;
        }
        chars.next();
        let mut value = String::new();
        let mut quote: Option<char> = None;
        while let Some(&c) = chars.peek() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => value.push(c),
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c.is_whitespace() => break,
                None if c == '\\' => {
                    chars.next();
                    if let Some(n) = chars.next() {
                        value.push(n);
                    }
                    continue;
                }
                None => value.push(c),
            }
            chars.next();
        }
        out.push((key, value));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_and_buildkit_lines() {
        let s = parse(0, "/bin/sh -c #(nop)  ENV PATH=/usr/local/bin:/usr/bin");
        assert_eq!(
            (s.instruction.as_str(), s.args.as_str()),
            ("ENV", "PATH=/usr/local/bin:/usr/bin")
        );
        let s = parse(1, "/bin/sh -c #(nop) ADD file:3e2a in / ");
        assert_eq!(
            (s.instruction.as_str(), s.args.as_str()),
            ("ADD", "file:3e2a in /")
        );
        let s = parse(2, "/bin/sh -c apt-get update");
        assert_eq!(s.instruction, "RUN");
        assert_eq!(s.script.as_deref(), Some("apt-get update"));
        let s = parse(3, "|2 NPM_TOKEN=abc VERSION=1 /bin/sh -c npm ci");
        assert_eq!(
            s.build_args,
            [
                ("NPM_TOKEN".to_string(), "abc".to_string()),
                ("VERSION".to_string(), "1".to_string())
            ]
        );
        assert_eq!(s.script.as_deref(), Some("npm ci"));
        let s = parse(4, "RUN |1 TOKEN=x /bin/sh -c make # buildkit");
        assert_eq!(s.build_args.len(), 1);
        assert_eq!(s.script.as_deref(), Some("make"));
        let s = parse(5, "ADD https://example.com/a.tgz /opt/ # buildkit");
        assert_eq!(
            (s.instruction.as_str(), s.args.as_str()),
            ("ADD", "https://example.com/a.tgz /opt/")
        );
        let s = parse(6, "");
        assert_eq!(s.instruction, "");
        let s = parse(7, "CMD [\"sh\"]");
        assert_eq!(s.instruction, "CMD");
    }

    #[test]
    fn env_pairs() {
        assert_eq!(
            pairs(r#"A=1 B="two words" C=x\ y"#),
            [
                ("A".to_string(), "1".to_string()),
                ("B".to_string(), "two words".to_string()),
                ("C".to_string(), "x y".to_string())
            ]
        );
        assert_eq!(
            pairs("NAME some value"),
            [("NAME".to_string(), "some value".to_string())]
        );
        assert!(pairs("NAME").is_empty());
    }
}
