#![no_main]
//! `hullguard_dockerfile::parse` never panics and every span it returns is valid;
//! the stage model built from the result never panics either.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let df = hullguard_dockerfile::parse(src);
    hullguard_fuzz::check_dockerfile(src, &df);
    hullguard_fuzz::check_model(&df);
});
