#![no_main]
//! `hullguard_container::api` never panics, whatever the bytes, for create bodies,
//! inspect documents and image inspect documents; every location it returns is a
//! JSON pointer naming a value of the document; problem messages are lower-case
//! fragments without a trailing period; and whether a text is JSON does not
//! depend on the document kind it is read as.

use hullguard_container::api::{
    from_api_json, image_from_inspect, pointer_exists, ApiDocument, ApiError,
};
use hullguard_container::Problem;
use hullguard_diagnostics::Location;
use libfuzzer_sys::fuzz_target;

fn check_location(data: &[u8], loc: &Location, what: &str) {
    match loc {
        Location::Object { pointer, .. } => {
            assert!(
                pointer.is_empty() || pointer.starts_with('/'),
                "{what}: `{pointer}` is not a JSON pointer"
            );
            assert!(
                pointer_exists(data, pointer),
                "{what}: `{pointer}` names no value of the document"
            );
        }
        Location::File { .. } => panic!("{what}: a file location from an API document"),
    }
}

fn check_problems(data: &[u8], problems: &[Problem]) {
    for p in problems {
        check_location(data, &p.at, "problem");
        let m = &p.message;
        assert!(!m.is_empty(), "empty problem message");
        assert!(
            !m.starts_with(|c: char| c.is_uppercase()) && !m.ends_with('.'),
            "problem message not a lower-case fragment: {m}"
        );
    }
}


/// The outcome of reading, without the spec: whether the text was JSON.
fn outcome<T>(r: &Result<T, ApiError>) -> Option<&'static str> {
    match r {
        Ok(_) => Some("ok"),
        Err(ApiError::NotAnObject) => Some("not an object"),
        Err(ApiError::NotJson(_)) => Some("not json"),
        Err(ApiError::TooDeep) => Some("too deep"),
        // The memory budget depends on what a kind keeps.
        Err(ApiError::TooLarge) => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let create = from_api_json(data, ApiDocument::CreateBody, "container", "fuzz");
    let inspect = from_api_json(data, ApiDocument::Inspect, "container", "fuzz");
    let image = image_from_inspect(data, "fuzz");
    for api in [&create, &inspect].into_iter().flatten() {
        assert_eq!(api.spec.name, "fuzz");
        for (what, loc) in api.spec.locations() {
            check_location(data, loc, what);
        }
        check_problems(data, &api.problems);
    }
    if let Ok(img) = &image {
        for (what, at) in [
            ("user", img.defaults.user.at()),
            ("healthcheck", img.defaults.healthcheck.at()),
        ] {
            if let Some(at) = at {
                check_location(data, at, what);
            }
        }
        check_problems(data, &img.problems);
    }
    let kinds = [outcome(&create), outcome(&inspect), outcome(&image)];
    let known: Vec<_> = kinds.iter().flatten().collect();
    assert!(
        known.windows(2).all(|w| w[0] == w[1]),
        "document kinds disagree on the text: {kinds:?}"
    );
});
