//! Strict RFC 8259 parsing: no comments, no trailing commas, no byte-order mark, no lone
//! surrogates, bounded nesting (so hostile input cannot exhaust the wasm stack).

use super::Value;
use crate::error::{Error, ErrorCode, Result};

/// Deepest nesting accepted. Request and response bodies of this platform are two levels deep.
pub const MAX_DEPTH: usize = 64;

/// Parses UTF-8 bytes; bytes that are not UTF-8 give `ERR_BODY_ENCODING`.
pub fn parse_bytes(bytes: &[u8]) -> Result<Value> {
    match core::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(e) => Err(Error::whole(
            ErrorCode::BodyEncoding,
            format!(
                "the body is not valid UTF-8 (first bad byte at offset {}); send UTF-8 text",
                e.valid_up_to()
            ),
        )),
    }
}

/// Parses one JSON document.
pub fn parse(text: &str) -> Result<Value> {
    let mut parser = Parser { bytes: text.as_bytes(), text, at: 0 };
    parser.skip_whitespace();
    let value = parser.value(0)?;
    parser.skip_whitespace();
    if parser.at < parser.bytes.len() {
        return Err(parser.error("unexpected text after the JSON value"));
    }
    Ok(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> Error {
        let found = match self.bytes.get(self.at) {
            None => "end of input".to_owned(),
            Some(_) => {
                let rest = self.text.get(self.at..).unwrap_or_default();
                match rest.chars().next() {
                    Some(c) if !c.is_control() => format!("'{c}'"),
                    Some(c) => format!("U+{:04X}", u32::from(c)),
                    None => "end of input".to_owned(),
                }
            }
        };
        Error::whole(
            ErrorCode::InvalidJson,
            format!("invalid JSON at byte {}: {what} (found {found})", self.at),
        )
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn expect_literal(&mut self, literal: &str, value: Value) -> Result<Value> {
        let end = self.at + literal.len();
        if self.bytes.get(self.at..end) == Some(literal.as_bytes()) {
            self.at = end;
            Ok(value)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.expect_literal("true", Value::Bool(true)),
            Some(b'f') => self.expect_literal("false", Value::Bool(false)),
            Some(b'n') => self.expect_literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(0xEF) if self.at == 0 => Err(self.error("a byte-order mark is not allowed")),
            _ => Err(self.error("expected a JSON value")),
        }
    }

    fn enter(&self, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            Err(self.error(&format!("nesting deeper than {MAX_DEPTH} levels")))
        } else {
            Ok(())
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value> {
        self.enter(depth)?;
        self.at += 1; // '{'
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a member name in double quotes"));
            }
            let key = self.string()?;
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error("expected ':' after the member name"));
            }
            self.at += 1;
            self.skip_whitespace();
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value> {
        self.enter(depth)?;
        self.at += 1; // '['
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Value> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.error("expected a digit after the decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("expected a digit in the exponent"));
            }
        }
        let text = self.text.get(start..self.at).unwrap_or_default();
        Ok(Value::Number(text.to_owned()))
    }

    fn string(&mut self) -> Result<String> {
        self.at += 1; // opening quote
        let mut out = String::new();
        loop {
            let run_start = self.at;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            // The run stops only at ASCII bytes, so both ends are char boundaries.
            out.push_str(self.text.get(run_start..self.at).unwrap_or_default());
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => return Err(self.error("control characters must be escaped in strings")),
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<()> {
        let simple = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.at += 1;
                let c = self.unicode_escape()?;
                out.push(c);
                return Ok(());
            }
            _ => return Err(self.error("invalid escape sequence")),
        };
        self.at += 1;
        out.push(simple);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32> {
        let mut code = 0u32;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(self.error("expected four hex digits after \\u")),
            };
            code = code * 16 + u32::from(digit);
            self.at += 1;
        }
        Ok(code)
    }

    /// Decodes `XXXX` (after `\u`), joining a surrogate pair. A lone surrogate cannot be
    /// represented in UTF-8, so it is an encoding error rather than a silent U+FFFD.
    fn unicode_escape(&mut self) -> Result<char> {
        let escape_at = self.at.saturating_sub(2);
        let lone = |at: usize| {
            Error::whole(
                ErrorCode::BodyEncoding,
                format!(
                    "lone UTF-16 surrogate escape at byte {at}: the text cannot be encoded as \
                     UTF-8; fix the string that produced it"
                ),
            )
        };
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.at..self.at + 2) != Some(b"\\u".as_slice()) {
                    return Err(lone(escape_at));
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(lone(escape_at));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(lone(escape_at)),
            other => other,
        };
        char::from_u32(code).ok_or_else(|| lone(escape_at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(text: &str) -> ErrorCode {
        match parse(text) {
            Ok(v) => panic!("expected an error for {text:?}, got {v:?}"),
            Err(e) => e.code(),
        }
    }

    #[test]
    fn parses_objects_in_order_with_duplicates() {
        let v = parse(r#" {"b":1,"a":[true,false,null],"b":"x"} "#).unwrap();
        let Value::Object(members) = v else { panic!("not an object") };
        let keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "b"]);
    }

    #[test]
    fn keeps_number_text() {
        assert_eq!(parse("-0.50e+3").unwrap(), Value::Number("-0.50e+3".into()));
        assert_eq!(parse("12345678901234567890").unwrap(), Value::Number("12345678901234567890".into()));
    }

    #[test]
    fn decodes_escapes_and_surrogate_pairs() {
        assert_eq!(
            parse(r#""\u9884\/\"\\\n\ud83d\ude00""#).unwrap(),
            Value::String("预/\"\\\n😀".into())
        );
    }

    #[test]
    fn rejects_lone_surrogates_as_encoding_errors() {
        assert_eq!(code_of(r#""\ud800""#), ErrorCode::BodyEncoding);
        assert_eq!(code_of(r#""\udc00x""#), ErrorCode::BodyEncoding);
        assert_eq!(code_of(r#""\ud800\u0041""#), ErrorCode::BodyEncoding);
    }

    #[test]
    fn rejects_invalid_utf8_bytes() {
        assert_eq!(parse_bytes(b"\"\xff\"").unwrap_err().code(), ErrorCode::BodyEncoding);
        assert!(parse_bytes("\"测试\"".as_bytes()).is_ok());
    }

    #[test]
    fn rejects_what_json_parse_rejects() {
        for bad in [
            "", " ", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "01", "1.", ".5", "-", "1e", "+1",
            "tru", "nul", "'a'", "\"a", "\"\t\"", "\"\\x\"", "\"\\u12\"", "{a:1}", "1 2",
            "\u{feff}{}", "/*c*/{}", "NaN", "Infinity",
        ] {
            assert_eq!(code_of(bad), ErrorCode::InvalidJson, "{bad:?}");
        }
    }

    #[test]
    fn bounds_nesting() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(code_of(&deep), ErrorCode::InvalidJson);
        let hostile = "[".repeat(100_000);
        assert_eq!(code_of(&hostile), ErrorCode::InvalidJson);
    }

    #[test]
    fn error_messages_point_at_the_byte() {
        let err = parse(r#"{"a":1,}"#).unwrap_err();
        assert!(err.message().contains("byte 7"), "{}", err.message());
    }
}
