//! JSON, read and written by `serde_json`. What this module adds is only what the protocol
//! needs on top of it:
//!
//! * [`Json`]: a value that keeps members in document order and refuses repeated member names
//!   (a signed or a money-carrying document with two `errCode`s or two `mid`s is ambiguous:
//!   different parsers keep different ones);
//! * [`Exact`]: a value written back byte for byte as the protocol's bodies need it (numbers
//!   with their exact source text, strings as raw UTF-8), for bodies passed through unchanged;
//! * [`json_error`]: `serde_json` errors as the library's error codes;
//! * [`check_depth`]: the one nesting limit ([`MAX_DEPTH`]), checked on the text before any
//!   parser recurses: wasm's stack is small, and a trap there would outlive the call.

use core::cell::RefCell;
use core::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Number;

use crate::error::{Error, ErrorCode, Issue};

/// A JSON value with object members in document order.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number (an integer when it was written as one and fits 64 bits).
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object; member names are unique.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The JSON type name, for messages ("string", "number", …).
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Number(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        }
    }

    /// The string content, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The member named `key`, if this is an object that has one.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => serializer.serialize_unit(),
            Json::Bool(b) => serializer.serialize_bool(*b),
            Json::Number(n) => n.serialize(serializer),
            Json::String(s) => serializer.serialize_str(s),
            Json::Array(items) => serialize_items(serializer, items),
            Json::Object(members) => serialize_members(serializer, members),
        }
    }
}

pub(crate) fn serialize_items<S: Serializer, T: Serialize>(serializer: S, items: &[T]) -> Result<S::Ok, S::Error> {
    let mut seq = serializer.serialize_seq(Some(items.len()))?;
    for item in items {
        seq.serialize_element(item)?;
    }
    seq.end()
}

/// Members as a JSON object (serde-wasm-bindgen turns it into a plain object when asked to
/// serialize maps as objects).
pub(crate) fn serialize_members<S: Serializer, T: Serialize>(serializer: S, members: &[(String, T)]) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(members.len()))?;
    for (name, value) in members {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

/// Why a document could not be read, and where.
#[derive(Default)]
struct Failure {
    /// Path segments from the failing member up to the root (filled while unwinding).
    path: Vec<String>,
    /// A repeated member name was found (the last segment of `path`).
    duplicate: bool,
}

/// Reads a [`Json`], recording where a failure happened (serde stops at the first error, and
/// `serde_json`'s errors know the line and column but not the member).
#[derive(Clone, Copy)]
struct JsonSeed<'a> {
    failure: &'a RefCell<Failure>,
}

impl<'a> JsonSeed<'a> {
    fn record<E>(self, segment: impl FnOnce() -> String, err: E) -> E {
        if let Ok(mut failure) = self.failure.try_borrow_mut() {
            failure.path.push(segment());
        }
        err
    }
}

impl<'de> DeserializeSeed<'de> for JsonSeed<'_> {
    type Value = Json;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonSeed<'_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        Number::from_f64(v).map(Json::Number).ok_or_else(|| E::custom("number out of range"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        loop {
            match seq.next_element_seed(self) {
                Ok(Some(item)) => items.push(item),
                Ok(None) => return Ok(Json::Array(items)),
                Err(e) => return Err(self.record(|| format!("[{}]", items.len()), e)),
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut names = NameSet::default();
        let mut members: Vec<(String, Json)> = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            if !names.insert_among(&name, &members) {
                if let Ok(mut failure) = self.failure.try_borrow_mut() {
                    failure.duplicate = true;
                    failure.path.push(name);
                }
                return Err(de::Error::custom("repeated member name"));
            }
            match map.next_value_seed(self) {
                Ok(value) => members.push((name, value)),
                Err(e) => return Err(self.record(|| name, e)),
            }
        }
        Ok(Json::Object(members))
    }
}

/// Member names seen so far in one object: O(log n) per name, as a hostile object may have
/// 10^5 members.
#[derive(Default)]
pub(crate) struct NameSet(std::collections::BTreeSet<String>);

impl NameSet {
    /// `false` when `name` was seen before.
    pub(crate) fn insert(&mut self, name: &str) -> bool {
        !self.0.contains(name) && self.0.insert(name.to_owned())
    }

    /// `false` when `name` is among `members` already: a scan while they are few (no copy of
    /// any name), the set once they are many.
    fn insert_among<T>(&mut self, name: &str, members: &[(String, T)]) -> bool {
        const FEW: usize = 16;
        if members.len() < FEW {
            return !members.iter().any(|(seen, _)| seen == name);
        }
        if self.0.is_empty() {
            self.0.extend(members.iter().map(|(seen, _)| seen.clone()));
        }
        self.insert(name)
    }
}

/// Most levels of arrays and objects inside each other in any JSON text or JavaScript value the
/// library reads (the depth serde_json allows by default, give or take the level it counts
/// first). Real documents of the platform have three.
pub const MAX_DEPTH: usize = 128;

/// Refuses text nested deeper than [`MAX_DEPTH`] before anything recursive reads it. One pass
/// over the bytes, stopping at the first level too many, so its time never grows with the depth
/// beyond the limit. The error names the top-level member the nesting is in, when there is one.
pub fn check_depth(text: &str) -> Result<(), JsonError> {
    match scan_depth(text, true) {
        Deep::None => Ok(()),
        Deep::Root => Err(JsonError::TooDeep(None)),
        Deep::Members(names) => Err(JsonError::TooDeep(names.into_iter().next())),
    }
}

/// The top-level members of `text` (an object) that nest deeper than [`MAX_DEPTH`], so that a
/// reader can skip them (without recursing) and report them with every other problem; an error
/// when the nesting is not inside a member.
pub(crate) fn deep_members(text: &str) -> Result<Vec<String>, JsonError> {
    match scan_depth(text, false) {
        Deep::None => Ok(Vec::new()),
        Deep::Root => Err(JsonError::TooDeep(None)),
        Deep::Members(names) => Ok(names),
    }
}

enum Deep {
    None,
    /// Nested too deep outside any top-level member (in an array at the root).
    Root,
    /// In these top-level members.
    Members(Vec<String>),
}

/// One pass over the bytes, brackets inside strings ignored; with `first`, it stops at the first
/// level too many.
fn scan_depth(text: &str, first: bool) -> Deep {
    // Fewer brackets than the limit cannot nest beyond it: one vectorizable count settles the
    // documents of this protocol; only texts with many brackets are read string by string.
    if text.bytes().filter(|b| matches!(b, b'[' | b'{')).count() <= MAX_DEPTH {
        return Deep::None;
    }
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    // The last string read and, once a `:` at depth 1 follows it, the member it names.
    let (mut string_start, mut last_string, mut member) = (0, (0, 0), None);
    let mut deep: Vec<String> = Vec::new();
    for (at, &byte) in text.as_bytes().iter().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => {
                    in_string = false;
                    last_string = (string_start, at);
                }
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => (in_string, string_start) = (true, at + 1),
            b':' if depth == 1 => member = Some(last_string),
            b',' if depth == 1 => member = None,
            b'[' | b'{' => {
                depth += 1;
                if depth == MAX_DEPTH + 1 {
                    let Some(raw) = member.and_then(|(start, end)| text.get(start..end)) else { return Deep::Root };
                    // The name as a reader decodes it (`\u0067oods` is `goods`); an undecodable one
                    // fails the reader before it reaches the value.
                    let name = if raw.contains('\\') { serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.to_owned()) } else { raw.to_owned() };
                    if !deep.contains(&name) {
                        deep.push(name);
                    }
                    if first {
                        break;
                    }
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deep.is_empty() { Deep::None } else { Deep::Members(deep) }
}

/// A `serde_json` reader of `text`, its nesting checked first ([`check_depth`] owns the limit,
/// so serde_json's own is off).
pub(crate) fn reader(text: &str) -> Result<serde_json::Deserializer<serde_json::de::StrRead<'_>>, JsonError> {
    check_depth(text)?;
    Ok(unchecked_reader(text))
}

/// A reader of a document whose nesting was checked (or whose deep members are skipped).
pub(crate) fn unchecked_reader(text: &str) -> serde_json::Deserializer<serde_json::de::StrRead<'_>> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.disable_recursion_limit();
    deserializer
}

/// The kinds of unreadable documents, mapped to error codes by each caller (a broken request
/// body and a broken response are reported differently).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonError {
    /// Not JSON (syntax, nesting beyond 128 levels).
    Syntax(String),
    /// A lone UTF-16 surrogate escape: text that has no UTF-8 form.
    Encoding(String),
    /// A member name repeated in one object, at this path (`billPayment.totalAmount`).
    Duplicate(String),
    /// A number beyond the range of a 64-bit float, at this path.
    OutOfRange(String),
    /// Nested deeper than [`MAX_DEPTH`], inside this top-level member (if in one).
    TooDeep(Option<String>),
}

impl JsonError {
    /// The library error for this problem in a document called `what` ("the response", …).
    pub fn into_error(self, what: &str) -> Error {
        match self {
            JsonError::Syntax(detail) => Error::whole(ErrorCode::InvalidJson, format!("{what} is not valid JSON: {detail}")),
            JsonError::Encoding(detail) => Error::whole(ErrorCode::BodyEncoding, encoding_message(&detail)),
            JsonError::Duplicate(path) => duplicate_issue(&path).into(),
            JsonError::OutOfRange(path) => Error::new(
                ErrorCode::InvalidResponse,
                path.clone(),
                format!("{} is a number beyond the range of a 64-bit float", crate::error::quoted(&path)),
            ),
            JsonError::TooDeep(member) => too_deep(member.as_deref(), what),
        }
    }
}

/// The error of a value nested deeper than [`MAX_DEPTH`] in `member` of the document `what`.
pub fn too_deep(member: Option<&str>, what: &str) -> Error {
    let place = member.map_or_else(|| what.to_owned(), |m| format!("{} in {what}", crate::error::quoted(m)));
    let message = format!(
        "{place} is nested more than {MAX_DEPTH} levels deep (arrays and objects inside each other); \
         the platform's documents have a few levels, so check what produced it"
    );
    match member {
        Some(member) => Error::new(ErrorCode::TooDeep, member, message),
        None => Error::whole(ErrorCode::TooDeep, message),
    }
}

/// The issue of a member name that appears twice in one object.
pub fn duplicate_issue(path: &str) -> Issue {
    Issue::new(
        ErrorCode::DuplicateField,
        path,
        format!("{} appears more than once in the JSON object; keep one", crate::error::quoted(path)),
    )
}

fn encoding_message(detail: &str) -> String {
    format!(
        "the JSON text has a lone UTF-16 surrogate escape ({detail}), which has no UTF-8 \
         encoding; fix the string that produced it"
    )
}

/// Classifies a `serde_json` error that carries no member path.
pub fn classify(err: &serde_json::Error) -> JsonError {
    let detail = err.to_string();
    // serde_json's messages for unpaired \uD800-\uDFFF escapes.
    if detail.contains("surrogate") || detail.contains("end of hex escape") {
        JsonError::Encoding(detail)
    } else {
        JsonError::Syntax(detail)
    }
}

/// The library error for a `serde_json` failure reading `what`.
pub fn json_error(err: &serde_json::Error, what: &str) -> Error {
    classify(err).into_error(what)
}

/// Parses one document into a [`Json`], refusing repeated member names at any depth.
pub fn parse(text: &str) -> Result<Json, JsonError> {
    let failure = RefCell::new(Failure::default());
    let mut deserializer = reader(text)?;
    let parsed = JsonSeed { failure: &failure }
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    parsed.map_err(|err| {
        let failure = failure.into_inner();
        let path = join_path(failure.path);
        if failure.duplicate {
            JsonError::Duplicate(path)
        } else if err.to_string().starts_with("number out of range") && !path.is_empty() {
            JsonError::OutOfRange(path)
        } else {
            classify(&err)
        }
    })
}

/// `["totalAmount", "billPayment"]` (innermost first) → `billPayment.totalAmount`.
fn join_path(segments: Vec<String>) -> String {
    let mut path = String::new();
    for segment in segments.into_iter().rev() {
        if !path.is_empty() && !segment.starts_with('[') {
            path.push('.');
        }
        path.push_str(&segment);
    }
    path
}

/// Bytes that must be UTF-8 text, as `what`.
pub fn utf8<'a>(bytes: &'a [u8], field: &str, what: &str) -> crate::Result<&'a str> {
    core::str::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorCode::BodyEncoding,
            field,
            format!(
                "{what} is not valid UTF-8 (first bad byte at offset {}); JSON must be sent as \
                 UTF-8 text (the bytes are not replaced or guessed)",
                e.valid_up_to()
            ),
        )
    })
}

/// A value kept for writing back: numbers, `true`, `false` and `null` keep their exact source
/// text, strings are written as raw UTF-8 (PROTOCOL.md rule 6), containers member by member.
#[derive(Clone, Debug)]
pub enum Exact {
    /// A number, `true`, `false` or `null`, as written.
    Literal(Box<RawValue>),
    /// A string.
    Text(String),
    /// An array.
    Array(Vec<Exact>),
    /// An object, members in document order, names unique.
    Object(Vec<(String, Exact)>),
}

impl PartialEq for Exact {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Exact::Literal(a), Exact::Literal(b)) => a.get() == b.get(),
            (Exact::Text(a), Exact::Text(b)) => a == b,
            (Exact::Array(a), Exact::Array(b)) => a == b,
            (Exact::Object(a), Exact::Object(b)) => a == b,
            _ => false,
        }
    }
}

impl Exact {
    /// Classifies a captured value; containers are read member by member (their raw text would
    /// keep escapes such as `\u9884` and `\/` that rule 6 writes as raw UTF-8).
    fn from_raw(raw: Box<RawValue>) -> Result<Exact, serde_json::Error> {
        let mut part = unchecked_reader(raw.get());
        match raw.get().as_bytes().first() {
            Some(b'"') => String::deserialize(&mut part).map(Exact::Text),
            Some(b'[') => Vec::deserialize(&mut part).map(Exact::Array),
            Some(b'{') => ExactMembers::deserialize(&mut part).and_then(ExactMembers::unique).map(Exact::Object),
            _ => Ok(Exact::Literal(raw)),
        }
    }

    /// The JSON type name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Exact::Literal(raw) => match raw.get().as_bytes().first() {
                Some(b't' | b'f') => "boolean",
                Some(b'n') => "null",
                _ => "number",
            },
            Exact::Text(_) => "string",
            Exact::Array(_) => "array",
            Exact::Object(_) => "object",
        }
    }

    /// The string content, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Exact::Text(s) => Some(s),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Exact {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Exact::from_raw(raw).map_err(de::Error::custom)
    }
}

impl Serialize for Exact {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Exact::Literal(raw) => raw.serialize(serializer),
            Exact::Text(s) => serializer.serialize_str(s),
            Exact::Array(items) => serialize_items(serializer, items),
            Exact::Object(members) => serialize_members(serializer, members),
        }
    }
}

/// The members of an object of [`Exact`] values, and the names that were repeated (their
/// later values are dropped), so that a caller can report every repetition with the rest.
pub struct ExactMembers {
    /// Members in document order, each name once.
    pub members: Vec<(String, Exact)>,
    /// Names that appeared again, in order.
    pub repeated: Vec<String>,
}

impl ExactMembers {
    /// The members, or an error when a name was repeated.
    fn unique(self) -> Result<Vec<(String, Exact)>, serde_json::Error> {
        match self.repeated.first() {
            None => Ok(self.members),
            Some(name) => Err(de::Error::custom(format_args!("the member name {} appears twice", crate::error::quoted(name)))),
        }
    }
}

impl<'de> Deserialize<'de> for ExactMembers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = ExactMembers;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ExactMembers, A::Error> {
                let mut names = NameSet::default();
                let mut read = ExactMembers { members: Vec::new(), repeated: Vec::new() };
                while let Some(name) = map.next_key::<String>()? {
                    let value: Exact = map.next_value()?;
                    if names.insert(&name) {
                        read.members.push((name, value));
                    } else {
                        read.repeated.push(name);
                    }
                }
                Ok(read)
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_refuses_repeated_names_with_their_path() {
        let parsed = parse(r#" {"b":1,"a":[true,null,{"x":"y"}],"c":-2.5} "#).unwrap();
        let Json::Object(members) = &parsed else { panic!("not an object") };
        let names: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["b", "a", "c"]);
        assert_eq!(parse(r#"{"a":1,"a":2}"#), Err(JsonError::Duplicate("a".into())));
        assert_eq!(parse(r#"{"p":{"q":[0,{"r":1,"r":2}]}}"#), Err(JsonError::Duplicate("p.q[1].r".into())));
        assert_eq!(parse(r#"{"p":{"totalAmount":1e400}}"#), Err(JsonError::OutOfRange("p.totalAmount".into())));
    }

    #[test]
    fn classifies_broken_documents() {
        for (text, encoding) in [("{", false), ("\u{feff}{}", false), ("[1,]", false), (r#""\ud800""#, true), (r#""\udc00x""#, true), (r#"{"a":"\ud83d\u0041"}"#, true)] {
            let err = parse(text).unwrap_err();
            assert_eq!(matches!(err, JsonError::Encoding(_)), encoding, "{text}: {err:?}");
        }
        assert_eq!(parse(&"[".repeat(100_000)), Err(JsonError::TooDeep(None)));
        let members: String = (0..50_000).map(|i| format!("\"k{i}\":{i},")).collect();
        assert_eq!(parse(&format!("{{{members}\"k7\":0}}")), Err(JsonError::Duplicate("k7".into())));
    }

    #[test]
    fn nesting_is_bounded_before_parsing_and_names_the_member() {
        let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(parse(&nested(MAX_DEPTH)).is_ok());
        assert_eq!(parse(&nested(MAX_DEPTH + 1)), Err(JsonError::TooDeep(None)));
        // Only the prefix is read: the rest need not even be JSON.
        assert_eq!(check_depth(&"[".repeat(1_000_000)), Err(JsonError::TooDeep(None)));
        let member = format!(r#"{{"a":"[[[","b\"{{":{{}},"goods":{}}}"#, nested(MAX_DEPTH));
        assert_eq!(parse(&member), Err(JsonError::TooDeep(Some("goods".into()))));
        let err = parse(&member).unwrap_err().into_error("the request");
        assert_eq!((err.code(), err.field()), (ErrorCode::TooDeep, Some("goods")));
        assert!(err.message().contains("128"), "{}", err.message());
        // Brackets inside strings do not count.
        assert!(check_depth(&format!(r#"["{}"]"#, "[".repeat(500))).is_ok());
        let exact: Exact = Exact::deserialize(&mut reader(&nested(MAX_DEPTH)).unwrap()).unwrap();
        assert_eq!(serde_json::to_string(&exact).unwrap(), nested(MAX_DEPTH));
    }

    #[test]
    fn exact_values_keep_number_text_and_write_strings_raw() {
        let value: Exact = serde_json::from_str(r#"{ "n" : 1.50, "big": 123456789012345678901234567890, "s":"\u9884\/", "a":[ 1e2 , true ], "z":null }"#).unwrap();
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"n":1.50,"big":123456789012345678901234567890,"s":"预/","a":[1e2,true],"z":null}"#
        );
        assert!(serde_json::from_str::<Exact>(r#"{"a":{"b":1,"b":2}}"#).is_err());
        assert_eq!(value.type_name(), "object");
    }
}
