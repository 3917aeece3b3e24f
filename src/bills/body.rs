//! A bills request body: read from JSON, checked against its endpoint's field table, filled
//! with defaults, and written as the exact bytes that are signed and sent.

use super::schema::{Endpoint, FieldDefault, FieldFormat, FieldSpec};
use crate::error::{ErrorCode, Issue};
use crate::json::{self, Value};
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

/// One field's value: its text, and whether the input wrote it as a JSON number (only amount
/// fields accept numbers; they are written back in the same spelling).
#[derive(Clone, Debug, PartialEq, Eq)]
struct FieldValue {
    text: String,
    number: bool,
}

impl FieldValue {
    fn string(text: String) -> Self {
        FieldValue { text, number: false }
    }
}

/// The body of one bills request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillsBody {
    endpoint: &'static Endpoint,
    /// One slot per row of the endpoint's field table.
    values: Vec<Option<FieldValue>>,
    /// Members outside the table, in input order (kept only when allowed).
    extra: Vec<(String, Value)>,
}

impl BillsBody {
    /// An empty body for `endpoint`.
    pub fn new(endpoint: &'static Endpoint) -> Self {
        BillsBody { endpoint, values: vec![None; endpoint.fields.len()], extra: Vec::new() }
    }

    pub(crate) fn from_values(endpoint: &'static Endpoint, values: Vec<Option<String>>) -> Self {
        let mut values: Vec<Option<FieldValue>> = values.into_iter().map(|v| v.map(FieldValue::string)).collect();
        values.resize(endpoint.fields.len(), None);
        BillsBody { endpoint, values, extra: Vec::new() }
    }

    /// The endpoint this body is for.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// A field's value, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(self.endpoint.position(name)?)?.as_ref().map(|v| v.text.as_str())
    }

    /// Sets a field defined by the endpoint (written as a JSON string); returns `false` (and
    /// changes nothing) for a name the endpoint does not define.
    pub fn set(&mut self, name: &str, value: impl Into<String>) -> bool {
        self.set_value(name, FieldValue::string(value.into()))
    }

    /// Sets an amount field to be written as a JSON number (`100` rather than `"100"`);
    /// returns `false` (and changes nothing) unless `name` is an amount field of the endpoint.
    pub fn set_number(&mut self, name: &str, digits: impl Into<String>) -> bool {
        let is_amount = self
            .endpoint
            .position(name)
            .and_then(|i| self.endpoint.fields.get(i))
            .is_some_and(|spec| spec.format == FieldFormat::Amount);
        is_amount && self.set_value(name, FieldValue { text: digits.into(), number: true })
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
    /// and report every problem at once. Anything but an object is one issue on its own.
    pub fn from_json(
        endpoint: &'static Endpoint,
        input: Value,
        allow_unknown_fields: bool,
    ) -> Result<(Self, Vec<Issue>), Issue> {
        let Value::Object(members) = input else {
            return Err(Issue::whole(
                ErrorCode::FieldType,
                format!(
                    "the {} request must be a JSON object of string fields, not {}",
                    endpoint.name,
                    article(input.type_name())
                ),
            ));
        };
        let mut body = BillsBody::new(endpoint);
        let mut issues = Vec::new();
        let repeated = json::repeated_names(&members);
        for ((name, value), repeated) in members.into_iter().zip(repeated) {
            if repeated {
                issues.push(duplicate_field_issue(&name));
                continue;
            }
            let Some(position) = endpoint.position(&name) else {
                if allow_unknown_fields {
                    body.extra.push((name, value));
                } else {
                    issues.push(unknown_field_issue(endpoint, &name));
                }
                continue;
            };
            let is_amount = endpoint.fields.get(position).is_some_and(|f| f.format == FieldFormat::Amount);
            let read = match value {
                Value::String(text) => FieldValue::string(text),
                Value::Number(text) if is_amount => FieldValue { text, number: true },
                other => {
                    issues.push(if is_amount { amount_type_issue(&name, &other) } else { type_issue(&name, &other) });
                    continue;
                }
            };
            if let Some(slot) = body.values.get_mut(position) {
                *slot = Some(read);
            }
        }
        Ok((body, issues))
    }

    /// Fills absent or empty fields that have a default, using `now_ms` for the request time.
    pub fn fill_defaults(&mut self, now_ms: i64) -> Result<(), crate::Error> {
        for (spec, slot) in self.endpoint.fields.iter().zip(self.values.iter_mut()) {
            let Some(default) = spec.default else { continue };
            if slot.as_ref().is_some_and(|v| !v.text.is_empty()) {
                continue;
            }
            *slot = Some(FieldValue::string(match default {
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
            let text = value.as_ref().map(|v| v.text.as_str());
            check_field(spec, text, prefix, options.apply_defaults, &mut issues);
        }
        issues
    }

    /// Compact JSON in field-table order, raw UTF-8, absent optional fields omitted, then any
    /// allowed extra members in input order.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256);
        out.push('{');
        let present = self
            .endpoint
            .fields
            .iter()
            .zip(&self.values)
            .filter_map(|(spec, value)| Some((spec.name, value.as_ref()?)));
        let mut first = true;
        for (name, value) in present {
            member_separator(&mut out, &mut first);
            json::write_string(&mut out, name);
            out.push(':');
            if value.number {
                // Checked by `check` to be plain digits, so it is valid JSON as it stands.
                out.push_str(&value.text);
            } else {
                json::write_string(&mut out, &value.text);
            }
        }
        for (name, value) in &self.extra {
            member_separator(&mut out, &mut first);
            json::write_string(&mut out, name);
            out.push(':');
            json::write_value(&mut out, value);
        }
        out.push('}');
        out
    }
}

/// The issue of a member that appears more than once in a JSON object.
pub(crate) fn duplicate_field_issue(name: &str) -> Issue {
    Issue::new(
        ErrorCode::DuplicateField,
        name,
        format!("{} appears more than once in the JSON object; keep one", crate::error::quoted(name)),
    )
}

fn member_separator(out: &mut String, first: &mut bool) {
    if !*first {
        out.push(',');
    }
    *first = false;
}

fn is_msg_src_id(id: &str) -> bool {
    id.len() == 4 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn check_field(
    spec: &FieldSpec,
    value: Option<&str>,
    msg_src_prefix: Option<&str>,
    defaults_pending: bool,
    issues: &mut Vec<Issue>,
) {
    let name = spec.name;
    let Some(text) = value.filter(|v| !v.is_empty()) else {
        let filled_later = defaults_pending && spec.default.is_some();
        if spec.required && !filled_later {
            issues.push(Issue::new(ErrorCode::FieldRequired, name, required_message(spec)));
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
    let format_ok = match spec.format {
        FieldFormat::Text => true,
        FieldFormat::DateTime => BeijingTime::parse_date_time(text).is_some(),
        FieldFormat::Date => BeijingTime::parse_date(text).is_some(),
        FieldFormat::Amount => is_positive_fen(text),
    };
    if !format_ok {
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

/// Largest amount accepted: the largest integer a JavaScript number holds exactly, so that an
/// amount survives every host unchanged.
const MAX_AMOUNT_FEN: u64 = (1 << 53) - 1;

/// A positive whole number of fen in canonical decimal: digits only, no sign, no leading zero,
/// no fraction or exponent, at most [`MAX_AMOUNT_FEN`].
fn is_positive_fen(text: &str) -> bool {
    let canonical = !text.is_empty()
        && text.len() <= 16
        && text.bytes().all(|b| b.is_ascii_digit())
        && !text.starts_with('0');
    canonical && text.parse::<u64>().is_ok_and(|fen| fen <= MAX_AMOUNT_FEN)
}

fn required_message(spec: &FieldSpec) -> String {
    let name = spec.name;
    match spec.format {
        FieldFormat::Amount => format!("{name} is required: a positive whole number of fen (1 yuan = \"100\")"),
        FieldFormat::DateTime => format!("{name} is required: a Beijing date-time yyyy-MM-dd HH:mm:ss"),
        FieldFormat::Date => format!("{name} is required: the bill's date, yyyy-MM-dd"),
        FieldFormat::Text => format!("{name} is required and must not be empty"),
    }
}

fn format_message(format: FieldFormat, name: &str, text: &str) -> String {
    let shown = crate::error::quoted(text);
    match format {
        FieldFormat::DateTime => format!(
            "{name} must be a real Beijing date-time in the form yyyy-MM-dd HH:mm:ss (for example \
             2025-01-02 03:04:05), not {shown}"),
        FieldFormat::Date => format!(
            "{name} must be a real calendar date in the form yyyy-MM-dd (for example 2025-01-02), \
             not {shown}"),
        FieldFormat::Amount => format!(
            "{name} must be a positive whole number of fen written with digits only (for example \
             \"2100\" or 2100 for 21.00 yuan; no decimal point, sign, exponent or leading zero, at \
             most {MAX_AMOUNT_FEN}), not {shown}"),
        FieldFormat::Text => format!("{name} has an invalid value"),
    }
}

fn article(type_name: &str) -> String {
    match type_name {
        "array" | "object" => format!("an {type_name}"),
        "null" => "null".to_owned(),
        other => format!("a {other}"),
    }
}

fn type_issue(name: &str, value: &Value) -> Issue {
    let hint = match value {
        Value::Number(text) => format!("; write it as the string {}", crate::error::quoted(text)),
        Value::Null => "; leave the field out instead of sending null".to_owned(),
        _ => String::new(),
    };
    Issue::new(
        ErrorCode::FieldType,
        name,
        format!("{name} must be a JSON string, not {}{hint}", article(value.type_name())),
    )
}

fn amount_type_issue(name: &str, value: &Value) -> Issue {
    let hint = match value {
        Value::Null => "; leave the field out instead of sending null",
        _ => "",
    };
    Issue::new(
        ErrorCode::FieldType,
        name,
        format!(
            "{name} must be an amount in fen, as a JSON string of digits or an integer JSON number, \
             not {}{hint}",
            article(value.type_name())
        ),
    )
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
    fn amounts_are_positive_canonical_fen() {
        for ok in ["1", "2100", "9007199254740991"] {
            assert!(is_positive_fen(ok), "{ok}");
        }
        for bad in ["", "0", "00", "0100", "-1", "+1", "1.0", "1e2", " 1", "1 ", "21.00", "9007199254740992", "99999999999999999", "１"] {
            assert!(!is_positive_fen(bad), "{bad:?}");
        }
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("billNo", "billNo"), 0);
        assert_eq!(edit_distance("billNo", "bilNo"), 1);
        assert_eq!(edit_distance("billDate", "billData"), 1);
        assert_eq!(edit_distance("mid", "tid"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
