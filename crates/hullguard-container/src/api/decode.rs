//! Decodes a JSON text into a model of the Go values the engine would hold after
//! `json.Unmarshal` (<https://pkg.go.dev/encoding/json#Unmarshal>), following
//! `decode.go` step by step, because an attacker picks whichever reading differs
//! from the engine's:
//!
//! - keys match struct fields exactly, else case-insensitively with Go's folding,
//!   where `ſ` (U+017F) is `s` and `K` (U+212A) is `k` (`fold.go`, `foldName`);
//! - keys are applied in order; a later scalar or array replaces, but an object
//!   decoded into a struct, or into a pointer to a struct that is already set, is
//!   merged field by field, and an object decoded into a map adds to it;
//! - an array decoded into a slice reuses the slice's backing array: element `i`
//!   is decoded into whatever an earlier array left there, so `[null]` after
//!   `["SYS_ADMIN"]` keeps `SYS_ADMIN` (null into a string is a no-op); only an
//!   empty array starts afresh (`array` in `decode.go`);
//! - `null` sets a pointer, slice or map to nil and leaves anything else alone;
//! - a value of the wrong type makes the engine reject the request, whatever
//!   comes after it (Go saves the first such error and returns it at the end):
//!   it becomes [`Val::Bad`] and a problem, and no later key, `null`, empty
//!   array or repeated map key discards it.
//!
//! Everything decoded is charged to a budget, so a hostile document cannot make
//! the decoder hold much more memory than [`MAX_HELD`].

use super::gojson::{Lexer, Next};
use super::ApiError;
use std::collections::HashMap;

/// Most bytes of decoded values, pointers and problem messages held at once.
const MAX_HELD: usize = 64 << 20;

/// Most problems kept; the rest are counted in a last one.
const MAX_PROBLEMS: usize = 200;

/// The Go type of a field, as far as hullguard models it.
#[derive(Debug)]
pub(crate) enum Ty {
    Bool,
    Int(IntKind),
    Str,
    /// `[]string` that engines before 29.0 also accepted as a single string
    /// (`strslice.StrSlice`, removed in moby#50292): `CapAdd`, `CapDrop`.
    StrList,
    /// A pointer: `null` makes it nil, anything else is decoded into the target
    /// (allocated when nil, reused when set).
    Ptr(&'static Ty),
    Slice(&'static Ty),
    /// A map with string keys.
    Map(&'static Ty),
    Struct(&'static [Field]),
}

/// Go integer kinds: `strconv.ParseInt`/`ParseUint` of the literal, then an
/// overflow check for the kind.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IntKind {
    I64,
    U16,
    U32,
}

/// A struct field.
#[derive(Debug)]
pub(crate) struct Field {
    pub name: &'static str,
    pub ty: &'static Ty,
    /// A `HostConfig` field read at the top level of a create body: only engines
    /// before moby#48007 embedded `HostConfig` there.
    pub legacy: bool,
}

pub(crate) const fn field(name: &'static str, ty: &'static Ty) -> Field {
    Field {
        name,
        ty,
        legacy: false,
    }
}

pub(crate) const fn legacy(name: &'static str, ty: &'static Ty) -> Field {
    Field {
        name,
        ty,
        legacy: true,
    }
}

/// A decoded Go value. Every leaf remembers the JSON pointer it was written at.
#[derive(Debug)]
pub(crate) enum Val {
    /// The zero value: never written, `null` into a pointer/slice/map, or a no-op.
    Zero,
    /// A value of the wrong type was given here: the engine rejects the request.
    Bad(String),
    Bool(bool, String),
    Int(i64, String),
    Str(String, String),
    Struct(Struct),
    Slice(Slice),
    Map(Map),
}

#[derive(Debug)]
pub(crate) struct Struct {
    fields: &'static [Field],
    vals: Vec<Val>,
    /// Where the object was (last) written.
    pub at: String,
}

#[derive(Debug)]
pub(crate) struct Slice {
    /// The backing array: the first `len` items are the slice; the rest are what
    /// an earlier, longer array left, reused if the slice grows again.
    items: Vec<Val>,
    len: usize,
    pub at: String,
}

#[derive(Debug)]
pub(crate) struct Map {
    entries: Vec<MapEntry>,
    index: HashMap<String, usize>,
    pub at: String,
}

#[derive(Debug)]
pub(crate) struct MapEntry {
    pub key: String,
    pub val: Val,
    /// Pointer of the value.
    pub at: String,
    /// The JSON object that last wrote this key (to spot a key repeated in one
    /// object).
    object: u64,
}

static ZERO: Val = Val::Zero;

impl Val {
    /// A field of a struct value; a `Bad` value is its own field (everything
    /// under a value of the wrong type is unknown); anything else has only zero
    /// fields.
    pub(crate) fn field(&self, name: &str) -> &Val {
        match self {
            Val::Struct(s) => {
                let i = s.fields.iter().position(|f| f.name == name);
                debug_assert!(i.is_some(), "no field {name} in the schema");
                i.and_then(|i| s.vals.get(i)).unwrap_or(&ZERO)
            }
            Val::Bad(_) => self,
            _ => &ZERO,
        }
    }

    /// The pointer of a value of the wrong type.
    pub(crate) fn bad(&self) -> Option<&str> {
        match self {
            Val::Bad(at) => Some(at),
            _ => None,
        }
    }

    /// The pointer of the first value of the wrong type in this value,
    /// including what a slice's backing array holds past its length. The
    /// recursion is as deep as the schema (a handful of levels).
    pub(crate) fn first_bad(&self) -> Option<&str> {
        match self {
            Val::Bad(at) => Some(at),
            Val::Struct(s) => s.vals.iter().find_map(Val::first_bad),
            Val::Slice(s) => s.items.iter().find_map(Val::first_bad),
            Val::Map(m) => m.entries.iter().find_map(|e| e.val.first_bad()),
            _ => None,
        }
    }

    /// Whether any field of a struct value that is marked
    /// [`legacy`](Field::legacy) holds something.
    pub(crate) fn has_legacy(&self) -> bool {
        match self {
            Val::Struct(s) => s
                .fields
                .iter()
                .zip(&s.vals)
                .any(|(f, v)| f.legacy && !matches!(v, Val::Zero)),
            _ => false,
        }
    }

    pub(crate) fn as_str(&self) -> Option<(&str, &str)> {
        match self {
            Val::Str(s, at) => Some((s, at)),
            _ => None,
        }
    }

    pub(crate) fn as_int(&self) -> Option<(i64, &str)> {
        match self {
            Val::Int(i, at) => Some((*i, at)),
            _ => None,
        }
    }

    pub(crate) fn as_bool(&self) -> Option<(bool, &str)> {
        match self {
            Val::Bool(b, at) => Some((*b, at)),
            _ => None,
        }
    }

    /// The string, `""` when unset (Go's zero value).
    pub(crate) fn str_or_empty(&self) -> &str {
        self.as_str().map_or("", |(s, _)| s)
    }

    pub(crate) fn as_struct(&self) -> Option<&Struct> {
        match self {
            Val::Struct(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_slice(&self) -> Option<&Slice> {
        match self {
            Val::Slice(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_map(&self) -> Option<&Map> {
        match self {
            Val::Map(m) => Some(m),
            _ => None,
        }
    }
}

impl Slice {
    /// The elements of the slice (not the stale rest of the backing array).
    pub(crate) fn items(&self) -> &[Val] {
        self.items.get(..self.len).unwrap_or_default()
    }
}

impl Map {
    /// The entries in the order their keys first appeared (Go maps have no
    /// order; this one is stable for messages).
    pub(crate) fn entries(&self) -> &[MapEntry] {
        &self.entries
    }
}

/// Decodes one document.
pub(crate) struct Decoder<'a> {
    lx: Lexer<'a>,
    /// JSON pointer of the value being decoded.
    path: String,
    /// `(pointer, message)`.
    pub problems: Vec<(String, String)>,
    dropped: usize,
    held: usize,
    objects: u64,
}

impl<'a> Decoder<'a> {
    pub(crate) fn new(text: &'a [u8]) -> Decoder<'a> {
        Decoder {
            lx: Lexer::new(text),
            path: String::new(),
            problems: Vec::new(),
            dropped: 0,
            held: 0,
            objects: 0,
        }
    }

    /// Decodes the top-level value into a struct of `fields`. Content after the
    /// value is a problem: Go's `json.Decoder` stops after the first value, and
    /// engines differ on whether they look further.
    pub(crate) fn document(&mut self, fields: &'static [Field]) -> Result<Val, ApiError> {
        if self.lx.peek()? != Next::Object {
            // A syntax error wins over the wrong type, as in Go.
            self.lx.skip_value()?;
            return Err(ApiError::NotAnObject);
        }
        let mut root = Val::Zero;
        self.object(fields, &mut root)?;
        if !self.lx.at_end() {
            self.problem(
                String::new(),
                "content after the JSON document: older engines ignore it, newer ones reject \
                 the request"
                    .to_string(),
            )?;
        }
        if self.dropped > 0 {
            let message = format!("{} more problems not shown", self.dropped);
            self.problems.push((String::new(), message));
        }
        Ok(root)
    }

    fn charge(&mut self, bytes: usize) -> Result<(), ApiError> {
        self.held = self.held.saturating_add(bytes);
        if self.held > MAX_HELD {
            Err(ApiError::TooLarge)
        } else {
            Ok(())
        }
    }

    /// The current pointer, charged.
    fn here(&mut self) -> Result<String, ApiError> {
        self.charge(self.path.len())?;
        Ok(self.path.clone())
    }

    fn problem(&mut self, at: String, message: String) -> Result<(), ApiError> {
        if self.problems.len() >= MAX_PROBLEMS {
            self.dropped += 1;
            return Ok(());
        }
        self.charge(at.len() + message.len())?;
        self.problems.push((at, message));
        Ok(())
    }

    /// Appends a reference token, escaped as RFC 6901 says; returns the length to
    /// truncate back to.
    fn push_token(&mut self, token: &str) -> usize {
        let mark = self.path.len();
        self.path.push('/');
        for c in token.chars() {
            match c {
                '~' => self.path.push_str("~0"),
                '/' => self.path.push_str("~1"),
                c => self.path.push(c),
            }
        }
        mark
    }

    fn push_index(&mut self, i: usize) -> usize {
        let mark = self.path.len();
        self.path.push('/');
        self.path.push_str(&i.to_string());
        mark
    }

    /// Truncates the path back to a length it had (always a char boundary).
    fn pop(&mut self, mark: usize) {
        self.path.truncate(mark);
    }

    /// Decodes the next value into `slot`, a value of type `ty`.
    fn value(&mut self, ty: &'static Ty, slot: &mut Val) -> Result<(), ApiError> {
        if matches!(slot, Val::Bad(_)) {
            // The engine rejects the request whatever follows; keep it unknown.
            return self.lx.skip_value();
        }
        let next = self.lx.peek()?;
        let (target, pointer) = match ty {
            Ty::Ptr(inner) => (*inner, true),
            _ => (ty, false),
        };
        match (next, target) {
            (Next::Null, _) => {
                self.lx.null()?;
                // `null` clears pointers, slices and maps and is a no-op for
                // anything else (`literalStore`).
                if pointer || matches!(target, Ty::Slice(_) | Ty::Map(_) | Ty::StrList) {
                    discard(slot, Val::Zero);
                }
                Ok(())
            }
            (Next::Bool, Ty::Bool) => {
                let b = self.lx.boolean()?;
                *slot = Val::Bool(b, self.here()?);
                Ok(())
            }
            (Next::String, Ty::Str) => {
                let s = self.lx.string()?;
                self.charge(s.len())?;
                *slot = Val::Str(s, self.here()?);
                Ok(())
            }
            (Next::String, Ty::StrList) => {
                let s = self.lx.string()?;
                self.charge(s.len() + std::mem::size_of::<Val>())?;
                let at = self.here()?;
                self.problem(
                    at.clone(),
                    "a string instead of a list: engines before 29.0 read it as a list of \
                     one, newer ones reject the request"
                        .to_string(),
                )?;
                let list = Val::Slice(Slice {
                    items: vec![Val::Str(s, at.clone())],
                    len: 1,
                    at,
                });
                discard(slot, list);
                Ok(())
            }
            (Next::Number, Ty::Int(kind)) => {
                let text = self.lx.number()?;
                match parse_int(text, *kind) {
                    Some(i) => *slot = Val::Int(i, self.here()?),
                    None => {
                        let at = self.here()?;
                        let message = format!(
                            "`{}` is not {}: the engine rejects the request",
                            short(text),
                            kind.describe()
                        );
                        self.problem(at.clone(), message)?;
                        *slot = Val::Bad(at);
                    }
                }
                Ok(())
            }
            (Next::Array, Ty::Slice(elem)) => self.array(elem, slot),
            (Next::Array, Ty::StrList) => self.array(&Ty::Str, slot),
            (Next::Object, Ty::Struct(fields)) => self.object(fields, slot),
            (Next::Object, Ty::Map(elem)) => self.map(elem, slot),
            (next, target) => {
                self.lx.skip_value()?;
                let at = self.here()?;
                let message = format!(
                    "expected {}, found {}: the engine rejects the request",
                    target.describe(),
                    next.describe()
                );
                self.problem(at.clone(), message)?;
                *slot = Val::Bad(at);
                Ok(())
            }
        }
    }

    /// An object into a struct: merged into the existing value.
    fn object(&mut self, fields: &'static [Field], slot: &mut Val) -> Result<(), ApiError> {
        let at = self.here()?;
        if let Val::Struct(s) = slot {
            s.at = at;
        } else {
            self.charge(fields.len() * std::mem::size_of::<Val>())?;
            *slot = Val::Struct(Struct {
                fields,
                vals: fields.iter().map(|_| Val::Zero).collect(),
                at,
            });
        }
        let Val::Struct(st) = slot else {
            return Ok(());
        };
        self.lx.begin_object()?;
        // Pointer of the key that set each field in this object.
        let mut seen: Vec<Option<String>> = fields.iter().map(|_| None).collect();
        let mut first = true;
        while self.lx.next_member(&mut first)? {
            let key = self.lx.key()?;
            let Some((i, folded)) = match_field(fields, &key) else {
                // Unknown fields are ignored (no `DisallowUnknownFields`).
                self.lx.skip_value()?;
                continue;
            };
            let (Some(f), Some(slot), Some(seen)) =
                (fields.get(i), st.vals.get_mut(i), seen.get_mut(i))
            else {
                self.lx.skip_value()?;
                continue;
            };
            let mark = self.push_token(&key);
            let here = self.here()?;
            if folded {
                let message = format!(
                    "`{}` matches `{}` only through Unicode case folding (`ſ` is `s`, `K` is `k`)",
                    short(&key),
                    f.name
                );
                self.problem(here.clone(), message)?;
            }
            if f.legacy {
                let message = format!(
                    "`{}` is a HostConfig field at the top level: engines before 27.0 apply it \
                     when `HostConfig` is absent, newer ones ignore it",
                    f.name
                );
                self.problem(here.clone(), message)?;
            }
            match seen {
                Some(prev) => {
                    let message = if *prev == here {
                        format!(
                            "`{}` is given twice: the engine applies both, in order",
                            short(&here)
                        )
                    } else {
                        format!(
                            "`{}` and `{}` both set `{}`: the engine applies both, in order",
                            short(prev),
                            short(&here),
                            f.name
                        )
                    };
                    self.problem(here, message)?;
                }
                None => *seen = Some(here),
            }
            self.value(f.ty, slot)?;
            self.pop(mark);
        }
        Ok(())
    }

    /// An array into a slice, reusing the backing array as Go does.
    fn array(&mut self, elem: &'static Ty, slot: &mut Val) -> Result<(), ApiError> {
        let at = self.here()?;
        let mut s = match std::mem::replace(slot, Val::Zero) {
            Val::Slice(s) => s,
            _ => Slice {
                items: Vec::new(),
                len: 0,
                at: String::new(),
            },
        };
        s.at = at;
        self.lx.begin_array()?;
        let mut first = true;
        let mut i = 0;
        while self.lx.next_element(&mut first)? {
            let mark = self.push_index(i);
            if i >= s.items.len() {
                self.charge(std::mem::size_of::<Val>())?;
                s.items.push(Val::Zero);
            }
            if self.lx.peek()? == Next::Null {
                let here = self.here()?;
                // `null` is a no-op for a string, number, boolean or struct
                // element, which then keeps what an earlier array left.
                let keeps = matches!(elem, Ty::Bool | Ty::Int(_) | Ty::Str | Ty::Struct(_))
                    && !matches!(s.items.get(i), Some(Val::Zero) | None);
                let message = if keeps {
                    "null in a list keeps the value an earlier list had here"
                } else {
                    "null in a list"
                };
                self.problem(here, message.to_string())?;
            }
            if let Some(item) = s.items.get_mut(i) {
                self.value(elem, item)?;
            }
            self.pop(mark);
            i += 1;
        }
        s.len = i;
        let empty = i == 0;
        *slot = Val::Slice(s);
        if empty {
            // An empty array is a fresh slice (`reflect.MakeSlice(t, 0, 0)`).
            let at = self.here()?;
            discard(
                slot,
                Val::Slice(Slice {
                    items: Vec::new(),
                    len: 0,
                    at,
                }),
            );
        }
        Ok(())
    }

    /// An object into a map: keys are added to the existing map; each value is
    /// decoded into a fresh zero value (`mapElem.SetZero()`), so a repeated key
    /// replaces, never merges.
    fn map(&mut self, elem: &'static Ty, slot: &mut Val) -> Result<(), ApiError> {
        let at = self.here()?;
        if let Val::Map(m) = slot {
            m.at = at;
        } else {
            *slot = Val::Map(Map {
                entries: Vec::new(),
                index: HashMap::new(),
                at,
            });
        }
        let Val::Map(m) = slot else {
            return Ok(());
        };
        self.objects += 1;
        let object = self.objects;
        self.lx.begin_object()?;
        let mut first = true;
        while self.lx.next_member(&mut first)? {
            let key = self.lx.key()?;
            let mark = self.push_token(&key);
            let mut val = Val::Zero;
            self.value(elem, &mut val)?;
            let here = self.here()?;
            match m.index.get(&key).and_then(|&i| m.entries.get_mut(i)) {
                Some(e) => {
                    if e.object == object {
                        let message =
                            format!("`{}` is given twice: the later value wins", short(&here));
                        self.problem(here.clone(), message)?;
                    }
                    discard(&mut e.val, val);
                    e.at = here;
                    e.object = object;
                }
                None => {
                    self.charge(2 * key.len() + std::mem::size_of::<MapEntry>())?;
                    m.index.insert(key.clone(), m.entries.len());
                    m.entries.push(MapEntry {
                        key,
                        val,
                        at: here,
                        object,
                    });
                }
            }
            self.pop(mark);
        }
        Ok(())
    }
}

/// Replaces a value, unless it holds a value of the wrong type: the request is
/// rejected whatever replaces it, so the slot stays unknown.
fn discard(slot: &mut Val, new: Val) {
    *slot = match slot.first_bad() {
        Some(at) => Val::Bad(at.to_string()),
        None => new,
    };
}

impl Ty {
    fn describe(&self) -> &'static str {
        match self {
            Ty::Bool => "a boolean",
            Ty::Int(kind) => kind.describe(),
            Ty::Str => "a string",
            Ty::StrList | Ty::Slice(_) => "an array",
            Ty::Map(_) | Ty::Struct(_) => "an object",
            Ty::Ptr(inner) => inner.describe(),
        }
    }
}

impl IntKind {
    fn describe(self) -> &'static str {
        match self {
            IntKind::I64 => "a 64-bit integer",
            IntKind::U16 => "an integer from 0 to 65535",
            IntKind::U32 => "an integer from 0 to 4294967295",
        }
    }
}

/// Go's integer decoding: the literal must be an integer in range; `1.0` and
/// `1e3` are type errors, not numbers to round.
fn parse_int(text: &str, kind: IntKind) -> Option<i64> {
    if text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        return None;
    }
    match kind {
        IntKind::I64 => text.parse::<i64>().ok(),
        IntKind::U16 => text.parse::<u16>().ok().map(i64::from),
        IntKind::U32 => text.parse::<u32>().ok().map(i64::from),
    }
}

/// The field a key sets, and whether it matched only through a non-ASCII fold.
/// Go tries the exact name first, then `foldName(key)`: ASCII letters upper-cased,
/// any other rune replaced by the smallest rune of its `unicode.SimpleFold`
/// orbit. The only runes whose orbit holds an ASCII letter are `ſ` (S, s, ſ) and
/// `K` (K, k, K), and field names are ASCII, so any other rune never matches.
pub(crate) fn match_field(fields: &[Field], key: &str) -> Option<(usize, bool)> {
    if let Some(i) = fields.iter().position(|f| f.name == key) {
        return Some((i, false));
    }
    // Each rune of a match stands for one ASCII letter and takes at most 3 bytes.
    let longest = fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
    if key.len() > 3 * longest {
        return None;
    }
    let mut folded = String::with_capacity(key.len());
    let mut exotic = false;
    for c in key.chars() {
        match c {
            'ſ' => {
                folded.push('S');
                exotic = true;
            }
            '\u{212A}' => {
                folded.push('K');
                exotic = true;
            }
            c if c.is_ascii() => folded.push(c.to_ascii_uppercase()),
            _ => return None,
        }
    }
    // Field names do not collide when folded, so the first match is the only one.
    fields
        .iter()
        .position(|f| f.name.eq_ignore_ascii_case(&folded))
        .map(|i| (i, exotic))
}

/// A value for a message: at most 60 characters.
pub(crate) fn short(s: &str) -> String {
    const MAX: usize = 60;
    match s.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", s.get(..end).unwrap_or_default()),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    static STR: Ty = Ty::Str;
    static FIELDS: [Field; 3] = [
        field("SecurityOpt", &STR),
        field("Kind", &STR),
        field("Privileged", &STR),
    ];

    #[test]
    fn keys_fold_like_go() {
        assert_eq!(match_field(&FIELDS, "SecurityOpt"), Some((0, false)));
        assert_eq!(match_field(&FIELDS, "securityopt"), Some((0, false)));
        assert_eq!(match_field(&FIELDS, "ſecurityOpt"), Some((0, true)));
        assert_eq!(match_field(&FIELDS, "\u{212A}ind"), Some((1, true)));
        // İ (U+0130) and ı (U+0131) have no simple fold to `i`.
        assert_eq!(match_field(&FIELDS, "Prİvileged"), None);
        assert_eq!(match_field(&FIELDS, "Prıvileged"), None);
        assert_eq!(match_field(&FIELDS, "Privileged "), None);
        assert_eq!(match_field(&FIELDS, &"x".repeat(100)), None);
    }

    #[test]
    fn integers_parse_like_go() {
        assert_eq!(parse_int("-0", IntKind::I64), Some(0));
        assert_eq!(
            parse_int("9223372036854775807", IntKind::I64),
            Some(i64::MAX)
        );
        assert_eq!(parse_int("9223372036854775808", IntKind::I64), None);
        assert_eq!(parse_int("1.0", IntKind::I64), None);
        assert_eq!(parse_int("1e3", IntKind::I64), None);
        assert_eq!(parse_int("65535", IntKind::U16), Some(65535));
        assert_eq!(parse_int("65536", IntKind::U16), None);
        assert_eq!(parse_int("-1", IntKind::U16), None);
        assert_eq!(parse_int("-0", IntKind::U32), None);
    }

    #[test]
    fn short_cuts_at_char_boundaries() {
        assert_eq!(short("abc"), "abc");
        let long = "é".repeat(100);
        assert_eq!(short(&long).chars().count(), 61);
    }
}
