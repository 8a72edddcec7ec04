//! Quoting an argv as a POSIX shell command line, so that `hullguard check -- docker run
//! ...` is read by the same code as a script: the shell gives back exactly these words.

/// Reserved words, which the shell reads as syntax in command position.
const RESERVED: &[&str] = &[
    "!", "{", "}", "[[", "]]", "case", "coproc", "do", "done", "elif", "else", "esac", "fi", "for",
    "function", "if", "in", "select", "then", "time", "until", "while",
];

/// Quotes `argv` as a POSIX shell command line: words made only of characters the shell
/// leaves alone are written as they are, every other word in single quotes (`'` itself
/// as `'\''`), the empty word as `''`. The first word is also quoted when it is a
/// reserved word, contains `=` (it would be an assignment) or starts with punctuation
/// such as `-`.
pub fn quote_argv(argv: &[String]) -> String {
    let mut out = String::new();
    for (i, word) in argv.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_quoted(&mut out, word, i == 0);
    }
    out
}

fn is_safe(word: &str, first: bool) -> bool {
    // tree-sitter-bash reads an unquoted `==` (or any word starting with `=`)
    // in argument position as an operator and glues what follows into one word
    // (found by the docker_run fuzz target).
    !word.is_empty()
        && !word.starts_with('=')
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c))
        && (!first || is_safe_first(word))
}

/// A first word that tree-sitter-bash reads as a command name: not a reserved word, no
/// `=` (an assignment), and starting with a letter, digit, `.`, `/` or `_` (it reads
/// `- a=b` as an assignment of `a`).
fn is_safe_first(word: &str) -> bool {
    !word.contains('=')
        && !RESERVED.contains(&word)
        && word.starts_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '_'))
}

fn push_quoted(out: &mut String, word: &str, first: bool) {
    if is_safe(word, first) {
        out.push_str(word);
        return;
    }
    out.push('\'');
    for c in word.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(words: &[&str]) -> String {
        let argv: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        quote_argv(&argv)
    }

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(
            q(&["docker", "run", "-p80:80", "--name=x"]),
            "docker run -p80:80 --name=x"
        );
        assert_eq!(
            q(&["a b", "", "it's", "$X", "~/x"]),
            "'a b' '' 'it'\\''s' '$X' '~/x'"
        );
        assert_eq!(q(&["A=1", "B=2"]), "'A=1' B=2");
        assert_eq!(q(&["if"]), "'if'");
        assert_eq!(q(&["-", "a==b"]), "'-' a==b");
        assert_eq!(q(&["docker", "==", "kb", "=x"]), "docker '==' kb '=x'");
    }

    /// Regression (docker_run fuzz target, fuzz/regressions/docker_run/
    /// quote-double-equals): an unquoted `==` made tree-sitter-bash glue the
    /// words after it into one.
    #[test]
    fn double_equals_round_trips() {
        let argv = [
            "est\nocker=osot-e{cerl:latetdsok\n ==&5[",
            "",
            "===}\r===",
            "==",
            "kb",
            "@",
            "ilcay\ndocker run -d --$\u{2}$",
            "$",
            "\u{4}U]UUUUUUb",
            "$ccccccccccccccccccccccc'/ilcacker run -d then ",
            "$",
            "b",
            "$##!/bi/iAlcay\ndockn/ss",
            "",
        ];
        let line = q(&argv);
        let script = hullguard_shell::analyze(&line);
        assert!(script.errors.is_empty(), "{:?}", script.errors);
        let back: Vec<Option<&str>> = script.commands[0].words.iter().map(|w| w.value()).collect();
        let want: Vec<Option<&str>> = argv.iter().map(|w| Some(*w)).collect();
        assert_eq!(back, want, "{line}");
        assert_eq!(q(&[]), "");
    }
}
