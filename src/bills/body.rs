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

/// The body of one bills request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillsBody {
    endpoint: &'static Endpoint,
    /// One slot per row of the endpoint's field table.
    values: Vec<Option<String>>,
    /// Members outside the table, in input order (kept only when allowed).
    extra: Vec<(String, Value)>,
}

impl BillsBody {
    /// An empty body for `endpoint`.
    pub fn new(endpoint: &'static Endpoint) -> Self {
        BillsBody { endpoint, values: vec![None; endpoint.fields.len()], extra: Vec::new() }
    }

    pub(crate) fn from_values(endpoint: &'static Endpoint, mut values: Vec<Option<String>>) -> Self {
        values.resize(endpoint.fields.len(), None);
        BillsBody { endpoint, values, extra: Vec::new() }
    }

    /// The endpoint this body is for.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// A field's value, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(self.endpoint.position(name)?)?.as_deref()
    }

    /// Sets a field defined by the endpoint; returns `false` (and changes nothing) for a name
    /// the endpoint does not define.
    pub fn set(&mut self, name: &str, value: impl Into<String>) -> bool {
        match self.endpoint.position(name).and_then(|i| self.values.get_mut(i)) {
            Some(slot) => {
                *slot = Some(value.into());
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
        input: &Value,
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
        let mut names_seen = std::collections::BTreeSet::new();
        for (name, value) in members {
            if !names_seen.insert(name.as_str()) {
                issues.push(Issue::new(
                    ErrorCode::DuplicateField,
                    name.clone(),
                    format!("{name} appears more than once in the JSON object; keep one"),
                ));
                continue;
            }
            let Some(position) = endpoint.position(name) else {
                if allow_unknown_fields {
                    body.extra.push((name.clone(), value.clone()));
                } else {
                    issues.push(unknown_field_issue(endpoint, name));
                }
                continue;
            };
            match value {
                Value::String(text) => {
                    if let Some(slot) = body.values.get_mut(position) {
                        *slot = Some(text.clone());
                    }
                }
                other => issues.push(type_issue(name, other)),
            }
        }
        Ok((body, issues))
    }

    /// Fills absent or empty fields that have a default, using `now_ms` for the request time.
    pub fn fill_defaults(&mut self, now_ms: i64) -> Result<(), crate::Error> {
        for (spec, slot) in self.endpoint.fields.iter().zip(self.values.iter_mut()) {
            let Some(default) = spec.default else { continue };
            if slot.as_deref().is_some_and(|v| !v.is_empty()) {
                continue;
            }
            *slot = Some(match default {
                FieldDefault::RequestTime => BeijingTime::from_epoch_ms(now_ms)?.date_time(),
                FieldDefault::Constant(text) => text.to_owned(),
            });
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
                         digits, for example 3194), not {id:?}"
                    ),
                ));
                None
            }
            None => None,
        };
        for (spec, value) in self.endpoint.fields.iter().zip(&self.values) {
            check_field(spec, value.as_deref(), prefix, options.apply_defaults, &mut issues);
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
            .filter_map(|(spec, value)| Some((spec.name, value.as_deref()?)));
        let mut first = true;
        for (name, text) in present {
            member_separator(&mut out, &mut first);
            json::write_string(&mut out, name);
            out.push(':');
            json::write_string(&mut out, text);
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
                    "{name} must start with your msgSrcId {prefix:?} (the source id ChinaUMS \
                     assigned); the platform answers INVALID_MSGSRC otherwise"
                ),
            ));
        }
    }
}

fn required_message(spec: &FieldSpec) -> String {
    let name = spec.name;
    match spec.format {
        FieldFormat::DateTime => format!("{name} is required: a Beijing date-time yyyy-MM-dd HH:mm:ss"),
        FieldFormat::Date => format!("{name} is required: the bill's date, yyyy-MM-dd"),
        FieldFormat::Text => format!("{name} is required and must not be empty"),
    }
}

fn format_message(format: FieldFormat, name: &str, text: &str) -> String {
    let shown: String = text.chars().take(40).collect();
    match format {
        FieldFormat::DateTime => format!(
            "{name} must be a real Beijing date-time in the form yyyy-MM-dd HH:mm:ss (for example \
             2025-01-02 03:04:05), not {shown:?}"
        ),
        FieldFormat::Date => format!(
            "{name} must be a real calendar date in the form yyyy-MM-dd (for example 2025-01-02), \
             not {shown:?}"
        ),
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
        Value::Number(text) => format!("; write it as the string \"{text}\""),
        Value::Null => "; leave the field out instead of sending null".to_owned(),
        _ => String::new(),
    };
    Issue::new(
        ErrorCode::FieldType,
        name,
        format!("{name} must be a JSON string, not {}{hint}", article(value.type_name())),
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
    let shown: String = name.chars().take(40).collect();
    let message = match suggestion {
        Some(known) => format!("unknown field {shown:?} in a {} request; did you mean {known}?", endpoint.name),
        None => format!(
            "unknown field {shown:?} in a {} request; remove it, or allow unknown fields if the \
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
