//! What each [`FieldFormat`] accepts, and what to say when a value is not that.

use super::schema::{FieldFormat, ItemFormat};
use crate::error::{quoted, ErrorCode, Issue};
use crate::json::Exact;
use crate::time::BeijingTime;

/// Largest amount accepted: the largest integer a JavaScript number holds exactly, so that an
/// amount survives every host unchanged.
pub(crate) const MAX_AMOUNT_FEN: u64 = (1 << 53) - 1;

impl FieldFormat {
    /// Amounts may be JSON numbers.
    pub(crate) fn takes_numbers(self) -> bool {
        matches!(self, FieldFormat::Amount | FieldFormat::AmountOrZero)
    }

    /// Arrays and objects, read and kept as exact JSON.
    pub(crate) fn is_json(self) -> bool {
        matches!(self, FieldFormat::Items(_) | FieldFormat::Object)
    }

    /// Whether `text` (a string's content, a number's or a boolean's JSON text) is right.
    pub(crate) fn accepts(self, text: &str) -> bool {
        match self {
            FieldFormat::Text => true,
            FieldFormat::DateTime => BeijingTime::parse_date_time(text).is_some(),
            FieldFormat::Date => BeijingTime::parse_date(text).is_some(),
            FieldFormat::Amount => fen(text).is_some_and(|fen| fen > 0),
            FieldFormat::AmountOrZero => fen(text).is_some(),
            FieldFormat::Flag => matches!(text, "true" | "false"),
            FieldFormat::Url => is_url(text),
            FieldFormat::Digits => text.bytes().all(|b| b.is_ascii_digit()),
            FieldFormat::OneOf(words) => words.contains(&text),
            FieldFormat::Items(_) | FieldFormat::Object => false,
        }
    }

    /// What the format is, for messages ("a positive whole number of fen", …).
    pub(crate) fn what(self) -> String {
        match self {
            FieldFormat::Text => "text".to_owned(),
            FieldFormat::DateTime => "a real Beijing date-time in the form yyyy-MM-dd HH:mm:ss (for example 2025-01-02 03:04:05)".to_owned(),
            FieldFormat::Date => "a real calendar date in the form yyyy-MM-dd (for example 2025-01-02)".to_owned(),
            FieldFormat::Amount => format!(
                "a positive whole number of fen written with digits only (for example \"2100\" or 2100 for 21.00 yuan; no \
                 decimal point, sign, exponent or leading zero, at most {MAX_AMOUNT_FEN})"
            ),
            FieldFormat::AmountOrZero => "a whole number of fen, 0 or more, written with digits only".to_owned(),
            FieldFormat::Flag => "\"true\" or \"false\" (or a JSON boolean)".to_owned(),
            FieldFormat::Url => "an http:// or https:// URL without spaces".to_owned(),
            FieldFormat::Digits => "digits only".to_owned(),
            FieldFormat::OneOf(words) => format!("one of {}", words.join(", ")),
            FieldFormat::Items(_) => "a JSON array of objects".to_owned(),
            FieldFormat::Object => "a JSON object".to_owned(),
        }
    }

    /// The issues of an array or object value.
    pub(crate) fn check_json(self, name: &str, value: &Exact, issues: &mut Vec<Issue>) {
        let wrong = |issues: &mut Vec<Issue>, path: &str, what: &str| {
            issues.push(Issue::new(ErrorCode::FieldFormat, path, format!("{path} must be {what}, not {}", article(value.type_name()))));
        };
        match (self, value) {
            (FieldFormat::Object, Exact::Object(_)) => {}
            (FieldFormat::Items(members), Exact::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let Exact::Object(fields) = item else {
                        issues.push(Issue::new(ErrorCode::FieldFormat, format!("{name}[{i}]"), format!("{name}[{i}] must be a JSON object")));
                        continue;
                    };
                    for (member, format) in members.iter() {
                        let Some((_, found)) = fields.iter().find(|(k, _)| k == member) else { continue };
                        if !format.accepts(found) {
                            let path = format!("{name}[{i}].{member}");
                            issues.push(Issue::new(ErrorCode::FieldFormat, path.clone(), format!("{path} must be {}", format.what())));
                        }
                    }
                }
            }
            _ => wrong(issues, name, &self.what()),
        }
    }
}

impl ItemFormat {
    fn accepts(self, value: &Exact) -> bool {
        let text = match value {
            Exact::Text(text) if self != ItemFormat::Text => text.as_str(),
            Exact::Literal(raw) if self != ItemFormat::Text && value.type_name() == "number" => raw.get(),
            Exact::Text(_) => return true,
            _ => return false,
        };
        match self {
            ItemFormat::Amount | ItemFormat::Count => fen(text).is_some_and(|n| n > 0),
            ItemFormat::AmountOrZero => fen(text).is_some(),
            ItemFormat::Text => true,
        }
    }

    fn what(self) -> &'static str {
        match self {
            ItemFormat::Text => "a JSON string",
            ItemFormat::Amount => "a positive whole number of fen (digits or an integer)",
            ItemFormat::AmountOrZero => "a whole number of fen, 0 or more (digits or an integer)",
            ItemFormat::Count => "a whole number of at least 1 (digits or an integer)",
        }
    }
}

/// A whole number in canonical decimal (digits only, no leading zero but "0" itself), at most
/// [`MAX_AMOUNT_FEN`].
pub(crate) fn fen(text: &str) -> Option<u64> {
    let canonical = !text.is_empty() && text.len() <= 16 && text.bytes().all(|b| b.is_ascii_digit()) && (text == "0" || !text.starts_with('0'));
    text.parse::<u64>().ok().filter(|fen| canonical && *fen <= MAX_AMOUNT_FEN)
}

fn is_url(text: &str) -> bool {
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        !rest.split(['/', '?', '#']).next().unwrap_or_default().is_empty() && rest.bytes().all(|b| (0x21..=0x7e).contains(&b))
    })
}

pub(crate) fn article(type_name: &str) -> &'static str {
    match type_name {
        "array" => "an array",
        "object" => "an object",
        "null" => "null",
        "string" => "a string",
        "boolean" => "a boolean",
        _ => "a number",
    }
}

/// The message of a value of the right type but the wrong shape.
pub(crate) fn format_message(format: FieldFormat, name: &str, text: &str) -> String {
    format!("{name} must be {}, not {}", format.what(), quoted(text))
}

/// The message of a missing required value.
pub(crate) fn required_message(format: FieldFormat, name: &str) -> String {
    match format {
        FieldFormat::Text => format!("{name} is required and must not be empty"),
        FieldFormat::Amount => format!("{name} is required: a positive whole number of fen (1 yuan = \"100\")"),
        FieldFormat::Date => format!("{name} is required: the bill's date, yyyy-MM-dd"),
        FieldFormat::DateTime => format!("{name} is required: a Beijing date-time yyyy-MM-dd HH:mm:ss"),
        other => format!("{name} is required: {}", other.what()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_canonical_whole_fen() {
        for ok in ["1", "2100", "9007199254740991"] {
            assert!(FieldFormat::Amount.accepts(ok), "{ok}");
        }
        for bad in ["", "0", "00", "0100", "-1", "+1", "1.0", "1e2", " 1", "1 ", "21.00", "9007199254740992", "99999999999999999", "１"] {
            assert!(!FieldFormat::Amount.accepts(bad), "{bad:?}");
        }
        assert!(FieldFormat::AmountOrZero.accepts("0") && !FieldFormat::AmountOrZero.accepts("00"));
    }

    #[test]
    fn flags_urls_words_and_items() {
        assert!(FieldFormat::Flag.accepts("true") && !FieldFormat::Flag.accepts("TRUE"));
        assert!(FieldFormat::Url.accepts("https://merchant.example/notify?x=1") && !FieldFormat::Url.accepts("https:///x"));
        assert!(!FieldFormat::Url.accepts("ftp://x") && !FieldFormat::Url.accepts("https://a b"));
        assert!(FieldFormat::OneOf(&["SINGLE", "MULTIPLE"]).accepts("SINGLE"));
        let goods = FieldFormat::Items(&[("price", ItemFormat::AmountOrZero), ("quantity", ItemFormat::Count)]);
        let value: Exact = serde_json::from_str(r#"[{"price":"0","quantity":2},{"price":-1,"quantity":"0"},3]"#).unwrap();
        let mut issues = Vec::new();
        goods.check_json("goods", &value, &mut issues);
        let fields: Vec<_> = issues.iter().map(|i| i.field.clone().unwrap_or_default()).collect();
        assert_eq!(fields, ["goods[1].price", "goods[1].quantity", "goods[2]"]);
    }
}
