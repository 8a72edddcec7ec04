#![no_main]
//! Compose interpolation of arbitrary text never panics, terminates quickly
//! (nesting is bounded), and leaves text without `$` untouched.

use hullguard_compose::interpolate::{interpolate, Interpolated};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lookup = |name: &str| match name {
        "SET" => Some("value".to_string()),
        "EMPTY" => Some(String::new()),
        "NESTED" => Some("${SET}".to_string()),
        _ => None,
    };
    let result = interpolate(text, &lookup);
    if !text.contains('$') {
        assert_eq!(result, Ok(Interpolated::Value(text.to_string())));
    }
    // Every character of the template is used at most once and a variable is at
    // most six characters here: the output cannot grow much.
    if let Ok(Interpolated::Value(v)) = &result {
        assert!(
            v.len() <= text.len() * 16 + 16,
            "output grew from {} to {}",
            text.len(),
            v.len()
        );
    }
});
