//! Rules about the input itself rather than its security: parse errors,
//! instructions a build would reject, and suppressions that match nothing.

use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports text that the Dockerfile syntax does not allow: an unterminated
    /// heredoc, `ENV` without `=` in its multi-variable form, an unknown
    /// `HEALTHCHECK` type, a bad or repeated parser directive.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses the file. hullguard still analyses everything around the
    /// error, so one bad line never hides the findings of the rest of the file.
    ///
    /// ## How to fix
    /// Correct the syntax at the reported place.
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    pub static PARSE_ERROR = {
        code: "HG001",
        name: "parse-error",
        severity: High,
        default_enabled: true,
        cis: [],
        summary: "the file does not parse as a Dockerfile",
        fixable: false,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports instructions that parse but that a build rejects: an unknown
    /// instruction, `FROM` with a wrong number of arguments, a missing argument,
    /// `SHELL` not in JSON form, `ONBUILD` of `FROM`, `ONBUILD` or `MAINTAINER`.
    ///
    /// ## Why is this bad?
    /// The build fails at that instruction.
    ///
    /// ## How to fix
    /// Correct the instruction as the message says.
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    pub static INVALID_INSTRUCTION = {
        code: "HG002",
        name: "invalid-instruction",
        severity: Medium,
        default_enabled: true,
        cis: [],
        summary: "an instruction a build would reject",
        fixable: false,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a `# hullguard: ignore=...` comment that suppresses nothing: no
    /// finding of the named rules is on the instruction after it (or in the file,
    /// for `ignore-file=`), or it names a rule that does not exist.
    ///
    /// ## Why is this bad?
    /// Stale suppressions hide future findings the author never meant to accept,
    /// and misspelled ones silently suppress nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// # hullguard: ignore=DF009 we need the tar auto-extraction
    /// COPY app.tar.gz /srv/
    /// ```
    ///
    /// ## How to fix
    /// Remove the comment, or correct the rule code or name in it.
    pub static UNUSED_SUPPRESSION = {
        code: "HG003",
        name: "unused-suppression",
        severity: Low,
        default_enabled: true,
        cis: [],
        summary: "a suppression comment that matches no finding",
        fixable: false,
    }
}

pub(crate) static RULES: [&RuleInfo; 3] = [&PARSE_ERROR, &INVALID_INSTRUCTION, &UNUSED_SUPPRESSION];
