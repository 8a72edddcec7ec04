//! Rule selectors (`ALL`, a code prefix such as `DF0`, a code, a rule name) and
//! the command-line selection that overrides the configuration, as in ruff.

use crate::error::ConfigError;
use hullguard_diagnostics::RuleInfo;

/// How specific a selector is: `ALL` < shorter code prefix < longer code prefix <
/// full code or name. Used to order `[severity]` overrides.
pub(crate) fn specificity(selector: &str, rule: &RuleInfo) -> Option<usize> {
    let selector = selector.trim();
    if selector.is_empty() {
        return None;
    }
    if selector.eq_ignore_ascii_case(rule.code) || selector.eq_ignore_ascii_case(rule.name) {
        Some(usize::MAX)
    } else if selector.eq_ignore_ascii_case("ALL") {
        Some(0)
    } else if rule
        .code
        .get(..selector.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(selector))
    {
        Some(selector.len())
    } else if let Some(id) = cis_selector(selector) {
        // A CIS Docker Benchmark ID (`5.5`, `CIS-5.5`) selects the rules that
        // implement it; a section (`2`, `1.1`) the rules of every item in it.
        rule.cis
            .iter()
            .any(|c| *c == id || c.strip_prefix(id).is_some_and(|r| r.starts_with('.')))
            .then_some(id.len())
    } else {
        None
    }
}

/// The CIS ID of a selector such as `5.5`, `cis-5.5` or `CIS:2`: digits and
/// dots only. Rule codes start with letters, so this cannot shadow a code.
fn cis_selector(selector: &str) -> Option<&str> {
    let id = selector
        .strip_prefix("CIS-")
        .or_else(|| selector.strip_prefix("cis-"))
        .or_else(|| selector.strip_prefix("CIS:"))
        .or_else(|| selector.strip_prefix("cis:"))
        .unwrap_or(selector);
    (!id.is_empty()
        && id.starts_with(|c: char| c.is_ascii_digit())
        && !id.ends_with('.')
        && id.chars().all(|c| c.is_ascii_digit() || c == '.'))
    .then_some(id)
}

/// Whether `selector` selects `rule`: it is `ALL`, the rule's code or name
/// (case-insensitive), a prefix of its code, or a CIS Docker Benchmark ID or
/// section the rule implements (`5.5`, `CIS-2`). A rule name is never matched by
/// prefix: `root` must not select `root-user`.
pub fn selector_matches(selector: &str, rule: &RuleInfo) -> bool {
    specificity(selector, rule).is_some()
}

/// The codes of every rule `selector` selects, in the order of `rules`.
pub fn resolve_selector(selector: &str, rules: &[&'static RuleInfo]) -> Vec<&'static str> {
    rules
        .iter()
        .filter(|rule| selector_matches(selector, rule))
        .map(|rule| rule.code)
        .collect()
}

/// The command line's `--select`, `--extend-select` and `--ignore`.
///
/// Combined with a configuration like ruff does: `--select` replaces the
/// configuration's `select` *and* its `extend-select` (the command line says
/// exactly where to start), `--extend-select` adds to whatever is selected, and
/// `--ignore` adds to the configuration's `ignore`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    /// Builds a selection from raw flag values, splitting comma-separated lists
    /// (`--select DF001,DF003 --select HG`) and dropping empty items.
    pub fn from_cli<S: AsRef<str>>(
        select: Option<&[S]>,
        extend_select: &[S],
        ignore: &[S],
    ) -> Selection {
        Selection {
            select: select.map(split_list),
            extend_select: split_list(extend_select),
            ignore: split_list(ignore),
        }
    }

    /// Fails on the first selector that matches no rule, so a typo on the command
    /// line is reported instead of silently selecting nothing.
    pub fn validate(&self, rules: &[&'static RuleInfo]) -> Result<(), ConfigError> {
        let lists = [
            ("--select", self.select.as_deref().unwrap_or_default()),
            ("--extend-select", self.extend_select.as_slice()),
            ("--ignore", self.ignore.as_slice()),
        ];
        for (option, selectors) in lists {
            for selector in selectors {
                if resolve_selector(selector, rules).is_empty() {
                    return Err(ConfigError::UnknownCliRule {
                        option: option.to_owned(),
                        selector: selector.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// Splits `["a,b", " c "]` into `["a", "b", "c"]`.
pub fn split_list<S: AsRef<str>>(values: &[S]) -> Vec<String> {
    values
        .iter()
        .flat_map(|value| value.as_ref().split(','))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hullguard_diagnostics::Severity;

    static ROOT: RuleInfo = RuleInfo {
        code: "DF001",
        name: "root-user",
        severity: Severity::High,
        default_enabled: true,
        cis: &[],
        summary: "",
        doc: "",
        fixable: false,
    };

    #[test]
    fn matching() {
        for yes in ["ALL", "all", "DF", "df0", "DF001", "root-user", "ROOT-USER"] {
            assert!(selector_matches(yes, &ROOT), "{yes}");
        }
        for no in ["", "DF002", "DF0010", "root", "HG", "F"] {
            assert!(!selector_matches(no, &ROOT), "{no}");
        }
    }

    static PRIV: RuleInfo = RuleInfo {
        code: "CT001",
        name: "privileged-container",
        severity: Severity::Critical,
        default_enabled: true,
        cis: &["5.5"],
        summary: "",
        doc: "",
        fixable: false,
    };

    static AUDIT: RuleInfo = RuleInfo {
        code: "HS002",
        name: "unaudited-docker-path",
        severity: Severity::Low,
        default_enabled: true,
        cis: &["1.1.3", "1.1.18"],
        summary: "",
        doc: "",
        fixable: false,
    };

    #[test]
    fn cis_ids_select_the_rules_that_implement_them() {
        for yes in ["5.5", "CIS-5.5", "cis:5", "5"] {
            assert!(selector_matches(yes, &PRIV), "{yes}");
        }
        for no in ["5.50", "5.", "55", "4", "CIS-"] {
            assert!(!selector_matches(no, &PRIV), "{no}");
        }
        for yes in ["1.1.18", "1.1", "1"] {
            assert!(selector_matches(yes, &AUDIT), "{yes}");
        }
        assert!(!selector_matches("1.1.1", &AUDIT));
        assert!(!selector_matches("5.5", &ROOT));
    }

    #[test]
    fn splits_commas() {
        assert_eq!(
            split_list(&["DF001, DF003", "", "HG,"]),
            vec!["DF001", "DF003", "HG"]
        );
    }
}
