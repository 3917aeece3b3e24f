//! A bills request body: read from JSON, checked against its endpoint's field table, filled
//! with defaults, and written as the exact bytes that are signed and sent.

use core::cell::RefCell;
use core::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap as _;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Number;

use super::formats::{article, format_message, required_message};
use super::schema::{Endpoint, FieldDefault, FieldFormat, FieldSpec};
use crate::error::{Error, ErrorCode, Issue, Result};
use crate::json::{self, Exact, JsonError, NameSet};
use crate::time::BeijingTime;

/// How a body is checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// The merchant's 4-character source id; when set, prefixed fields (`billNo`,
    /// `merOrderId`) must start with it.
    pub msg_src_id: Option<String>,
    /// Keep members the endpoint does not define instead of reporting them (for fields the
    /// platform adds later). Off by default: an unknown member is almost always a typo.
    pub allow_unknown_fields: bool,
    /// Check the input as the builder will use it: fields that have a default
    /// (`requestTimestamp`, `instMid`) may be absent.
    pub apply_defaults: bool,
    /// Largest JSON input (and built body) accepted, in bytes; `None` means
    /// [`DEFAULT_MAX_BODY_BYTES`](crate::limits::DEFAULT_MAX_BODY_BYTES) (1 MiB).
    pub max_body_bytes: Option<usize>,
}

impl CheckOptions {
    /// The body cap in force: `max_body_bytes`, checked, or the default.
    pub fn body_cap(&self) -> Result<usize> {
        crate::limits::check_max_body_bytes(self.max_body_bytes.unwrap_or(crate::limits::DEFAULT_MAX_BODY_BYTES))
    }
}

/// One field's value, written back in the spelling it was given: a JSON string, or (amount
/// fields only) a JSON number, which are different signed bytes.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// A JSON string.
    Text(String),
    /// A JSON number (amounts: `2100` rather than `"2100"`).
    Number(Number),
    /// A JSON boolean (flags: `true` rather than `"true"`).
    Bool(bool),
    /// An array or object, kept exactly (`goods`, `subOrders`, …).
    Json(Exact),
}

impl FieldValue {
    /// The text the field's rules are checked against (a number as its JSON text).
    fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            FieldValue::Text(text) => text.as_str().into(),
            FieldValue::Number(number) => number.to_string().into(),
            FieldValue::Bool(flag) => if *flag { "true" } else { "false" }.into(),
            FieldValue::Json(_) => "".into(),
        }
    }
}

impl From<&str> for FieldValue {
    fn from(text: &str) -> Self {
        FieldValue::Text(text.to_owned())
    }
}

impl From<String> for FieldValue {
    fn from(text: String) -> Self {
        FieldValue::Text(text)
    }
}

impl Serialize for FieldValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        match self {
            FieldValue::Text(text) => serializer.serialize_str(text),
            FieldValue::Number(number) => number.serialize(serializer),
            FieldValue::Bool(flag) => serializer.serialize_bool(*flag),
            FieldValue::Json(value) => value.serialize(serializer),
        }
    }
}

/// Members outside an endpoint's table, kept in input order when unknown fields are allowed,
/// written after the table's fields.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extra(pub Vec<(String, Exact)>);

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        json::serialize_members(serializer, &self.0)
    }
}

/// The body of one bills request.
#[derive(Clone, Debug, PartialEq)]
pub struct BillsBody {
    endpoint: &'static Endpoint,
    /// One slot per row of the endpoint's field table.
    pub(crate) values: Vec<Option<FieldValue>>,
    /// Members outside the table, in input order (kept only when allowed).
    pub(crate) extra: Extra,
}

impl BillsBody {
    /// An empty body for `endpoint`.
    pub fn new(endpoint: &'static Endpoint) -> Self {
        BillsBody { endpoint, values: vec![None; endpoint.fields.len()], extra: Extra::default() }
    }

    /// The endpoint this body is for.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// A field's value as text, if present (numbers as their JSON text).
    pub fn get(&self, name: &str) -> Option<&str> {
        match self.get_value(name)? {
            FieldValue::Text(text) => Some(text),
            _ => None,
        }
    }

    /// Sets a field defined by the endpoint (written as a JSON string); returns `false` (and
    /// changes nothing) for a name the endpoint does not define.
    pub fn set(&mut self, name: &str, value: impl Into<String>) -> bool {
        self.set_value(name, FieldValue::Text(value.into()))
    }

    /// Sets an amount field to be written as a JSON number (`100` rather than `"100"`);
    /// returns `false` (and changes nothing) unless `name` is an amount field of the endpoint
    /// and `digits` is a JSON number.
    pub fn set_number(&mut self, name: &str, digits: &str) -> bool {
        let is_amount = self.spec(name).is_some_and(|spec| spec.format.takes_numbers());
        match serde_json::from_str::<Number>(digits) {
            Ok(number) if is_amount => self.set_value(name, FieldValue::Number(number)),
            _ => false,
        }
    }

    /// Sets a field from JSON text (`"2100"`, `2100`, `true`, `[{…}]`), read as a request's
    /// member is; returns `false` (and changes nothing) for a name the endpoint does not define
    /// or a value of a type the field does not take.
    #[cfg(test)]
    pub(crate) fn set_json(&mut self, name: &str, value: &str) -> bool {
        let (Some(at), Ok(key)) = (self.endpoint.position(name), serde_json::to_string(name)) else { return false };
        match BillsBody::from_json(self.endpoint, &format!("{{{key}:{value}}}"), false) {
            Ok((mut read, issues)) if issues.is_empty() => match (read.values.get_mut(at).and_then(Option::take), self.values.get_mut(at)) {
                (Some(value), Some(slot)) => {
                    *slot = Some(value);
                    true
                }
                _ => false,
            },
            _ => false,
        }
    }

    fn spec(&self, name: &str) -> Option<&'static FieldSpec> {
        self.endpoint.fields.get(self.endpoint.position(name)?)
    }

    fn set_value(&mut self, name: &str, value: FieldValue) -> bool {
        match self.endpoint.position(name).and_then(|i| self.values.get_mut(i)) {
            Some(slot) => {
                *slot = Some(value);
                true
            }
            None => false,
        }
    }

    /// Reads a JSON object. Type errors, duplicates and (unless allowed) unknown members are
    /// returned as issues; the fields that could be read are kept, so that checking can go on
    /// and report every problem at once. Text that is not JSON, or JSON that is not an object,
    /// is one error on its own.
    pub fn from_json(endpoint: &'static Endpoint, input: &str, allow_unknown_fields: bool) -> Result<(Self, Vec<Issue>)> {
        let failed_at = RefCell::new(None);
        // Members nested too deep are skipped, never recursed into, and reported with the rest.
        let deep = json::deep_members(input).map_err(|e| e.into_error("the request"))?;
        let reader = BodyReader { endpoint, allow_unknown_fields, failed_at: &failed_at, deep: &deep };
        let mut deserializer = json::unchecked_reader(input);
        let read = deserializer.deserialize_any(reader).and_then(|read| deserializer.end().map(|()| read));
        match read {
            Ok(Some(read)) => Ok(read),
            // Valid JSON, but not an object.
            Ok(None) => Err(not_an_object(endpoint, input)),
            Err(err) => Err(read_error(&err, failed_at.into_inner())),
        }
    }

    /// Fills absent or empty fields that have a default, using `now_ms` for the request time.
    pub fn fill_defaults(&mut self, now_ms: i64) -> Result<()> {
        for (spec, slot) in self.endpoint.fields.iter().zip(self.values.iter_mut()) {
            let Some(default) = spec.default else { continue };
            if slot.as_ref().is_some_and(|value| !value.text().is_empty()) {
                continue;
            }
            *slot = Some(FieldValue::Text(match default {
                FieldDefault::RequestTime => BeijingTime::from_epoch_ms(now_ms)?.date_time(),
                FieldDefault::Constant(text) => text.to_owned(),
            }));
        }
        Ok(())
    }

    /// Every problem with the field values, in field-table order.
    pub fn check(&self, options: &CheckOptions) -> Vec<Issue> {
        let mut issues = Vec::new();
        let prefix = match options.msg_src_id.as_deref() {
            Some(id) if is_msg_src_id(id) => Some(id),
            Some(id) => {
                issues.push(Issue::new(
                    ErrorCode::FieldFormat,
                    "msgSrcId",
                    format!(
                        "msgSrcId must be the 4-character source id ChinaUMS assigned (letters and \
                         digits, for example 3194), not {}", crate::error::quoted(id)),
                ));
                None
            }
            None => None,
        };
        for (spec, value) in self.endpoint.fields.iter().zip(&self.values) {
            check_field(spec, value.as_ref(), prefix, options.apply_defaults, &mut issues);
        }
        let given = |name: &&str| self.get_value(name).is_some_and(|value| !value.text().is_empty() || matches!(value, FieldValue::Json(_)));
        if let [first, ..] = self.endpoint.one_of {
            if !self.endpoint.one_of.iter().any(given) {
                issues.push(Issue::new(
                    ErrorCode::FieldRequired,
                    *first,
                    format!("give {}: either names the {} request's object", self.endpoint.one_of.join(" or "), self.endpoint.name),
                ));
            }
        }
        issues
    }

    fn get_value(&self, name: &str) -> Option<&FieldValue> {
        self.values.get(self.endpoint.position(name)?)?.as_ref()
    }

    /// Compact JSON in field-table order, raw UTF-8, absent optional fields omitted, then any
    /// allowed extra members in input order.
    pub fn to_json(&self) -> Result<String> {
        self.clone().into_json()
    }

    /// [`to_json`](Self::to_json), consuming the body.
    pub fn into_json(self) -> Result<String> {
        serde_json::to_string(&self).map_err(|e| {
            Error::whole(ErrorCode::Internal, format!("internal error writing a request body ({e}); please report it"))
        })
    }
}

/// The table's fields that are present, in the table's order, then the extra members: one loop
/// shared by every endpoint rather than one expanded function per table.
impl Serialize for BillsBody {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        let present = self.endpoint.fields.iter().zip(&self.values).filter_map(|(spec, value)| value.as_ref().map(|v| (spec.name, v)));
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in present {
            map.serialize_entry(name, value)?;
        }
        for (name, value) in &self.extra.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// Reads the top-level object of a request, member by member, into the endpoint's slots
/// (`None`: the document is valid JSON but not an object).
struct BodyReader<'a> {
    endpoint: &'static Endpoint,
    allow_unknown_fields: bool,
    /// The member being read when `serde_json` failed (it knows only the line and column).
    failed_at: &'a RefCell<Option<String>>,
    /// Top-level members nested deeper than the limit: skipped and reported.
    deep: &'a [String],
}

impl<'de> Visitor<'de> for BodyReader<'_> {
    type Value = Option<(BillsBody, Vec<Issue>)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> core::result::Result<Self::Value, A::Error> {
        let endpoint = self.endpoint;
        let mut body = BillsBody::new(endpoint);
        let mut issues = Vec::new();
        // Repeats of table fields are found by position (no copy of each name is kept); only
        // names outside the table need a set.
        let mut seen = vec![false; endpoint.fields.len()];
        let mut others = NameSet::default();
        while let Some(name) = map.next_key::<String>()? {
            let first = match endpoint.position(&name).and_then(|at| seen.get_mut(at)) {
                Some(seen) => !core::mem::replace(seen, true),
                None => others.insert(&name),
            };
            let read = self.member(&mut map, &name, &mut body, &mut issues, first);
            if let Err(err) = read {
                *self.failed_at.borrow_mut() = Some(name);
                return Err(err);
            }
        }
        Ok(Some((body, issues)))
    }

    // Any other JSON value: `from_json` reports what it is.
    fn visit_bool<E>(self, _: bool) -> core::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> core::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> core::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> core::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> core::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> core::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> core::result::Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

impl BodyReader<'_> {
    fn member<'de, A: MapAccess<'de>>(
        &self,
        map: &mut A,
        name: &str,
        body: &mut BillsBody,
        issues: &mut Vec<Issue>,
        first: bool,
    ) -> core::result::Result<(), A::Error> {
        let endpoint = self.endpoint;
        if !first {
            issues.push(json::duplicate_issue(name));
            map.next_value::<IgnoredAny>()?;
            return Ok(());
        }
        if self.deep.iter().any(|deep| deep == name) {
            // serde_json skips a value without recursing.
            issues.extend(json::too_deep(Some(name), "the request").into_issues());
            map.next_value::<IgnoredAny>()?;
            return Ok(());
        }
        let Some(position) = endpoint.position(name) else {
            if self.allow_unknown_fields {
                body.extra.0.push((name.to_owned(), map.next_value()?));
            } else {
                issues.push(unknown_field_issue(endpoint, name));
                map.next_value::<IgnoredAny>()?;
            }
            return Ok(());
        };
        let Some(spec) = endpoint.fields.get(position) else { return Ok(()) };
        let value = if spec.format.is_json() {
            FieldValue::Json(map.next_value()?)
        } else {
            match map.next_value::<Lenient>()? {
                Lenient::Text(text) => FieldValue::Text(text),
                Lenient::Number(number) if spec.format.takes_numbers() => FieldValue::Number(number),
                Lenient::Bool(flag) if spec.format == FieldFormat::Flag => FieldValue::Bool(flag),
                other => {
                    issues.push(type_issue(spec, &other));
                    return Ok(());
                }
            }
        };
        if let Some(slot) = body.values.get_mut(position) {
            *slot = Some(value);
        }
        Ok(())
    }
}

fn not_an_object(endpoint: &Endpoint, input: &str) -> Error {
    let type_name = json::parse(input).map_or("a JSON value", |value| article(value.type_name()));
    Error::whole(
        ErrorCode::FieldType,
        format!("the {} request must be a JSON object of string fields, not {type_name}", endpoint.name),
    )
}

fn read_error(err: &serde_json::Error, member: Option<String>) -> Error {
    match (json::classify(err), member) {
        (JsonError::Syntax(detail), Some(member)) if detail.starts_with("number out of range") => Error::new(
            ErrorCode::FieldFormat,
            member.clone(),
            format!("{} is a number beyond the range of a 64-bit float", crate::error::quoted(&member)),
        ),
        (kind, _) => kind.into_error("the request"),
    }
}

/// A member's value as far as a field check needs it: strings and numbers in full, anything
/// else only by its JSON type (its content is skipped).
enum Lenient {
    Text(String),
    Number(Number),
    Bool(bool),
    Other(&'static str),
}

impl Lenient {
    fn type_name(&self) -> &'static str {
        match self {
            Lenient::Text(_) => "string",
            Lenient::Number(_) => "number",
            Lenient::Bool(_) => "boolean",
            Lenient::Other(name) => name,
        }
    }
}

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        struct LenientVisitor;
        impl<'de> Visitor<'de> for LenientVisitor {
            type Value = Lenient;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_str<E>(self, v: &str) -> core::result::Result<Lenient, E> {
                Ok(Lenient::Text(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> core::result::Result<Lenient, E> {
                Ok(Lenient::Text(v))
            }
            fn visit_u64<E>(self, v: u64) -> core::result::Result<Lenient, E> {
                Ok(Lenient::Number(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> core::result::Result<Lenient, E> {
                Ok(Lenient::Number(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> core::result::Result<Lenient, E> {
                Number::from_f64(v).map(Lenient::Number).ok_or_else(|| E::custom("number out of range"))
            }
            fn visit_bool<E>(self, v: bool) -> core::result::Result<Lenient, E> {
                Ok(Lenient::Bool(v))
            }
            fn visit_unit<E>(self) -> core::result::Result<Lenient, E> {
                Ok(Lenient::Other("null"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> core::result::Result<Lenient, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Lenient::Other("array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> core::result::Result<Lenient, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Lenient::Other("object"))
            }
        }
        deserializer.deserialize_any(LenientVisitor)
    }
}

fn is_msg_src_id(id: &str) -> bool {
    id.len() == 4 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn check_field(
    spec: &FieldSpec,
    value: Option<&FieldValue>,
    msg_src_prefix: Option<&str>,
    defaults_pending: bool,
    issues: &mut Vec<Issue>,
) {
    let name = spec.name;
    if let Some(FieldValue::Json(value)) = value {
        spec.format.check_json(name, value, issues);
        return;
    }
    let text = value.map(FieldValue::text);
    let Some(text) = text.as_deref().filter(|v| !v.is_empty()) else {
        let filled_later = defaults_pending && spec.default.is_some();
        if spec.required && !filled_later {
            issues.push(Issue::new(ErrorCode::FieldRequired, name, required_message(spec.format, name)));
        }
        return;
    };
    if let Some(max) = spec.max_chars {
        let length = text.chars().count();
        if length > max {
            issues.push(Issue::new(
                ErrorCode::FieldLength,
                name,
                format!("{name} is {length} characters long; the platform allows at most {max}"),
            ));
        }
    }
    if !spec.format.accepts(text) {
        issues.push(Issue::new(ErrorCode::FieldFormat, name, format_message(spec.format, name, text)));
    }
    if let Some(prefix) = msg_src_prefix.filter(|_| spec.msg_src_prefixed) {
        if !text.starts_with(prefix) {
            issues.push(Issue::new(
                ErrorCode::FieldPrefix,
                name,
                format!(
                    "{name} must start with your msgSrcId {} (the source id ChinaUMS \
                     assigned); the platform answers INVALID_MSGSRC otherwise", crate::error::quoted(prefix)),
            ));
        }
    }
}

fn type_issue(spec: &FieldSpec, value: &Lenient) -> Issue {
    let name = spec.name;
    let null_hint = if matches!(value, Lenient::Other("null")) { "; leave the field out instead of sending null" } else { "" };
    let message = match spec.format {
        FieldFormat::Amount | FieldFormat::AmountOrZero => {
            format!("{name} must be an amount in fen, as a JSON string of digits or an integer JSON number, not {}{null_hint}", article(value.type_name()))
        }
        FieldFormat::Flag => format!("{name} must be \"true\" or \"false\" (or a JSON boolean), not {}{null_hint}", article(value.type_name())),
        _ => {
            let hint = match value {
                Lenient::Number(number) => format!("; write it as the string {}", crate::error::quoted(&number.to_string())),
                _ => null_hint.to_owned(),
            };
            format!("{name} must be a JSON string, not {}{hint}", article(value.type_name()))
        }
    };
    Issue::new(ErrorCode::FieldType, name, message)
}

fn unknown_field_issue(endpoint: &Endpoint, name: &str) -> Issue {
    let suggestion = endpoint
        .fields
        .iter()
        .map(|f| f.name)
        .find(|known| known.eq_ignore_ascii_case(name))
        .or_else(|| {
            endpoint
                .fields
                .iter()
                .map(|f| f.name)
                .map(|known| (edit_distance(known, name), known))
                .filter(|(d, _)| *d <= 2)
                .min_by_key(|(d, _)| *d)
                .map(|(_, known)| known)
        });
    let shown = crate::error::quoted(name);
    let message = match suggestion {
        Some(known) => format!("unknown field {shown} in a {} request; did you mean {known}?", endpoint.name),
        None => format!(
            "unknown field {shown} in a {} request; remove it, or allow unknown fields if the \
             platform has added it",
            endpoint.name
        ),
    };
    Issue::new(ErrorCode::UnknownField, name, message)
}

/// Levenshtein distance over chars, for "did you mean" hints on short field names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().take(64).collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous.get(j).copied().unwrap_or(usize::MAX).saturating_add(usize::from(ca != *cb));
            let delete = previous.get(j + 1).copied().unwrap_or(usize::MAX).saturating_add(1);
            let insert = current.get(j).copied().unwrap_or(usize::MAX).saturating_add(1);
            current.push(substitute.min(delete).min(insert));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("billNo", "billNo"), 0);
        assert_eq!(edit_distance("billNo", "bilNo"), 1);
        assert_eq!(edit_distance("billDate", "billData"), 1);
        assert_eq!(edit_distance("mid", "tid"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
