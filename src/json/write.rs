//! Compact JSON output, byte-identical to JavaScript's `JSON.stringify` for the same value:
//! raw UTF-8, no `\/`, `\uXXXX` only for control characters.

use super::Value;
use crate::encoding::hex_digit;

/// Appends `s` as a JSON string literal.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut plain_from = 0;
    for (at, byte) in s.bytes().enumerate() {
        let escape: Option<&str> = match byte {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x08 => Some("\\b"),
            0x0c => Some("\\f"),
            0x00..=0x1f => None,
            _ => continue,
        };
        // Every byte matched above is ASCII, so `at` is a char boundary.
        out.push_str(s.get(plain_from..at).unwrap_or_default());
        match escape {
            Some(text) => out.push_str(text),
            None => push_control_escape(out, byte),
        }
        plain_from = at + 1;
    }
    out.push_str(s.get(plain_from..).unwrap_or_default());
    out.push('"');
}

fn push_control_escape(out: &mut String, byte: u8) {
    out.push_str("\\u00");
    out.push(char::from(hex_digit(byte >> 4)));
    out.push(char::from(hex_digit(byte)));
}

/// Appends `value` as compact JSON.
pub fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(text) => out.push_str(text),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(s: &str) -> String {
        let mut out = String::new();
        write_string(&mut out, s);
        out
    }

    #[test]
    fn strings_match_json_stringify() {
        assert_eq!(quoted("预授权/测试"), "\"预授权/测试\"");
        assert_eq!(quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(quoted("\n\r\t\u{8}\u{c}"), "\"\\n\\r\\t\\b\\f\"");
        assert_eq!(quoted("\u{0}\u{1f}\u{7f}"), "\"\\u0000\\u001f\u{7f}\"");
        assert_eq!(quoted("\u{2028}😀"), "\"\u{2028}😀\"");
        assert_eq!(quoted(""), "\"\"");
    }

    #[test]
    fn values_are_compact_and_keep_number_text() {
        let value = Value::Object(vec![
            ("a".into(), Value::Number("1.50".into())),
            ("b".into(), Value::Array(vec![Value::Null, Value::Bool(true), Value::Bool(false)])),
            ("c".into(), Value::Object(vec![])),
        ]);
        let mut out = String::new();
        write_value(&mut out, &value);
        assert_eq!(out, r#"{"a":1.50,"b":[null,true,false],"c":{}}"#);
    }
}
