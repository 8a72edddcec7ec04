#![no_main]
//! `hullguard_dockerfile::expand::expand` never panics, with either escape
//! character and with lookups that know nothing, know everything, or know some.

use hullguard_dockerfile::expand::{expand, Var};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(word) = std::str::from_utf8(data) else {
        return;
    };
    let none = expand(word, '\\', &|_| None);
    // Nobody declared anything: every variable is unresolved, so a word without
    // `$` has nothing unresolved.
    if !word.contains('$') {
        assert!(none.unresolved.is_empty(), "unresolved {:?} without `$`", none.unresolved);
    }
    let _ = expand(word, '`', &|_| None);
    // Every variable known, with a value that itself looks like an expansion
    // (must not be expanded again). Without `${` there is no unsupported form
    // (`${A:}`, `${A:x}` are kept as written and reported unresolved), so
    // nothing may be left unresolved.
    let known = expand(word, '\\', &|n| Some(Var::Known(format!("${{{n}}}"))));
    if !word.contains("${") {
        assert!(
            known.unresolved.is_empty(),
            "unresolved {:?} with every var known",
            known.unresolved
        );
    }
    // Some known (names starting with a letter before `m`), some unknown, some
    // empty, and `L...` holding the whole input (pattern ops on long values).
    let _ = expand(word, '\\', &|n| match n.bytes().next() {
        Some(b'a'..=b'l') => Some(Var::Known(n.to_string())),
        Some(b'E') => Some(Var::Known(String::new())),
        Some(b'L') => Some(Var::Known(word.to_string())),
        Some(_) => Some(Var::Unknown),
        None => None,
    });
});
