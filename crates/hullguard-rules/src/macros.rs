//! `declare_rule!`: a rule's metadata and documentation in one place, without a
//! proc-macro (the approach of clippy's `declare_clippy_lint!`).

/// Declares a `static` [`RuleInfo`](hullguard_diagnostics::RuleInfo) whose `doc` is
/// the doc comment above it.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            severity: $sev:ident,
            default_enabled: $on:literal,
            cis: [$($cis:literal),*],
            summary: $summary:literal,
            fixable: $fixable:literal $(,)?
        }
    ) => {
        $vis static $ident: hullguard_diagnostics::RuleInfo = hullguard_diagnostics::RuleInfo {
            code: $code,
            name: $name,
            severity: hullguard_diagnostics::Severity::$sev,
            default_enabled: $on,
            cis: &[$($cis),*],
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            fixable: $fixable,
        };
    };
}
