//! Reading an OPEN-BODY-SIG Authorization header (PROTOCOL.md part 0, rule 2).
//!
//! Lenient where working clients differ (`,` with or without spaces, any case of scheme and
//! parameter names), strict where a mistake would be silent (duplicates, missing or unquoted
//! values, unknown parameters).

use super::params::{check_app_id, check_nonce, check_timestamp};
use crate::error::{Error, ErrorCode, Result};

/// The scheme token that starts the header.
pub const SCHEME: &str = "OPEN-BODY-SIG";

/// Longest header accepted. A real one is about 190 bytes.
pub const MAX_HEADER_LEN: usize = 4096;

const PARAMS: [&str; 4] = ["AppId", "Timestamp", "Nonce", "Signature"];

/// The four parameters of an OPEN-BODY-SIG header.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Authorization {
    /// `AppId`
    pub app_id: String,
    /// `Timestamp`, `yyyyMMddHHmmss` Beijing time.
    pub timestamp: String,
    /// `Nonce`
    pub nonce: String,
    /// `Signature`, Base64.
    pub signature: String,
}

fn header_error(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::AuthHeader, "authorization", message)
}

/// Checks that a header of `len` bytes is within [`MAX_HEADER_LEN`].
pub fn check_header_size(len: usize) -> Result<()> {
    if len > MAX_HEADER_LEN {
        return Err(Error::new(
            ErrorCode::HeaderTooLarge,
            "authorization",
            format!(
                "the Authorization header is {len} bytes; an OPEN-BODY-SIG header is at most \
                 {MAX_HEADER_LEN} (a real one is about 190): pass only the header's value"
            ),
        ));
    }
    Ok(())
}

/// The public parameters of a header that verified (its signature is not repeated).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verified<'a> {
    /// `AppId`
    pub app_id: &'a str,
    /// `Timestamp`
    pub timestamp: &'a str,
    /// `Nonce`
    pub nonce: &'a str,
}

impl Authorization {
    /// The public parameters, for a header that verified.
    pub fn verified(&self) -> Verified<'_> {
        Verified { app_id: &self.app_id, timestamp: &self.timestamp, nonce: &self.nonce }
    }

    /// Parses a header value of at most [`MAX_HEADER_LEN`] bytes.
    pub fn parse(header: &str) -> Result<Self> {
        check_header_size(header.len())?;
        let header = header.trim_matches(is_ows);
        let scheme_end = header.find(is_ows).unwrap_or(header.len());
        let (scheme, params) = header.split_at_checked(scheme_end).unwrap_or((header, ""));
        if !scheme.eq_ignore_ascii_case(SCHEME) {
            return Err(header_error(if scheme.is_empty() {
                "the Authorization header is empty; expected OPEN-BODY-SIG AppId=\"…\", \
                 Timestamp=\"…\", Nonce=\"…\", Signature=\"…\""
                    .to_owned()
            } else {
                format!("the Authorization scheme must be {SCHEME}, not {}", crate::error::quoted(scheme))
            }));
        }
        let values = parse_params(params)?;
        let [Some(app_id), Some(timestamp), Some(nonce), Some(signature)] = values else {
            let missing: Vec<&str> = PARAMS
                .iter()
                .zip(&values)
                .filter(|(_, v)| v.is_none())
                .map(|(name, _)| *name)
                .collect();
            return Err(header_error(format!(
                "the Authorization header is missing {}",
                missing.join(", ")
            )));
        };
        let reword = |e: Error, name: &str| header_error(format!("{name} in the Authorization header: {}", e.message()));
        check_app_id(&app_id).map_err(|e| reword(e, "AppId"))?;
        check_timestamp(&timestamp).map_err(|e| reword(e, "Timestamp"))?;
        check_nonce(&nonce).map_err(|e| reword(e, "Nonce"))?;
        if signature.is_empty() {
            return Err(header_error("Signature in the Authorization header is empty"));
        }
        Ok(Authorization { app_id, timestamp, nonce, signature })
    }

    /// Formats the header again, in the canonical form the signer emits.
    pub fn to_header_value(&self) -> String {
        super::authorization_header(&self.app_id, &self.timestamp, &self.nonce, &self.signature)
    }
}

fn is_ows(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Parses `Name="value"` pairs separated by commas with optional whitespace.
fn parse_params(input: &str) -> Result<[Option<String>; 4]> {
    let mut values: [Option<String>; 4] = Default::default();
    let mut rest = input.trim_start_matches(is_ows);
    if rest.is_empty() {
        return Ok(values);
    }
    loop {
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        let (name, after_name) = rest.split_at_checked(name_len).unwrap_or((rest, ""));
        if name.is_empty() {
            return Err(header_error(format!(
                "expected a parameter name such as AppId= at {}",
                crate::error::quoted(rest)
            )));
        }
        let slot = PARAMS
            .iter()
            .position(|p| p.eq_ignore_ascii_case(name))
            .ok_or_else(|| header_error(format!("unknown parameter {}; expected AppId, Timestamp, Nonce and Signature", crate::error::quoted(name))))?;
        let after_eq = after_name
            .trim_start_matches(is_ows)
            .strip_prefix('=')
            .ok_or_else(|| header_error(format!("expected '=' after {name}")))?
            .trim_start_matches(is_ows);
        let quoted = after_eq
            .strip_prefix('"')
            .ok_or_else(|| header_error(format!("the value of {name} must be in double quotes")))?;
        let close = quoted
            .find('"')
            .ok_or_else(|| header_error(format!("the value of {name} has no closing quote")))?;
        let (value, after_value) = quoted.split_at_checked(close).unwrap_or((quoted, ""));
        if value.contains(|c: char| c == '\\' || c.is_control()) {
            return Err(header_error(format!(
                "the value of {name} contains a backslash or control character"
            )));
        }
        let entry = values
            .get_mut(slot)
            .ok_or_else(|| header_error("internal: parameter slot out of range"))?;
        if entry.is_some() {
            return Err(header_error(format!("{name} appears more than once")));
        }
        *entry = Some(value.to_owned());
        rest = after_value.get(1..).unwrap_or_default().trim_start_matches(is_ows);
        if rest.is_empty() {
            return Ok(values);
        }
        rest = rest
            .strip_prefix(',')
            .ok_or_else(|| header_error(format!("expected ',' after the value of {name}")))?
            .trim_start_matches(is_ows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANONICAL: &str = "OPEN-BODY-SIG AppId=\"a1b2\", Timestamp=\"20250102030405\", Nonce=\"n0\", Signature=\"c2ln\"";

    fn parsed() -> Authorization {
        Authorization {
            app_id: "a1b2".into(),
            timestamp: "20250102030405".into(),
            nonce: "n0".into(),
            signature: "c2ln".into(),
        }
    }

    fn reason(header: &str) -> String {
        let err = Authorization::parse(header).unwrap_err();
        assert_eq!(err.code(), ErrorCode::AuthHeader, "{header}");
        assert_eq!(err.field(), Some("authorization"));
        err.message().to_owned()
    }

    #[test]
    fn parses_the_canonical_form_and_formats_it_back() {
        assert_eq!(Authorization::parse(CANONICAL).unwrap(), parsed());
        assert_eq!(parsed().to_header_value(), CANONICAL);
    }

    #[test]
    fn accepts_bare_commas_any_case_and_extra_spaces() {
        for header in [
            "OPEN-BODY-SIG AppId=\"a1b2\",Timestamp=\"20250102030405\",Nonce=\"n0\",Signature=\"c2ln\"",
            "open-body-sig appid=\"a1b2\" , TIMESTAMP=\"20250102030405\",\tnonce = \"n0\",signature=\"c2ln\"  ",
            "  OPEN-BODY-SIG   Signature=\"c2ln\", Nonce=\"n0\", Timestamp=\"20250102030405\", AppId=\"a1b2\"",
        ] {
            assert_eq!(Authorization::parse(header).unwrap(), parsed(), "{header}");
        }
    }

    #[test]
    fn rejects_malformed_headers_with_a_reason() {
        assert!(reason("").contains("empty"));
        assert!(reason("OPEN-ACCESS-TOKEN AccessToken=abc").contains("scheme"));
        assert!(reason("OPEN-BODY-SIG").contains("missing AppId, Timestamp, Nonce, Signature"));
        assert!(reason("OPEN-BODY-SIG AppId=\"a\", Timestamp=\"20250102030405\", Nonce=\"n\"").contains("missing Signature"));
        assert!(reason("OPEN-BODY-SIG AppId=a1b2, Timestamp=\"20250102030405\", Nonce=\"n0\", Signature=\"c2ln\"").contains("double quotes"));
        assert!(reason("OPEN-BODY-SIG AppId=\"a\", appid=\"b\", Timestamp=\"20250102030405\", Nonce=\"n0\", Signature=\"c2ln\"").contains("more than once"));
        assert!(reason("OPEN-BODY-SIG AppId=\"a\", Foo=\"b\"").contains("unknown parameter"));
        assert!(reason("OPEN-BODY-SIG AppId=\"a1b2\" Timestamp=\"20250102030405\"").contains("expected ','"));
        assert!(reason("OPEN-BODY-SIG AppId=\"a1b2").contains("closing quote"));
        assert!(reason("OPEN-BODY-SIG AppId=\"a1b2\",").contains("parameter name"));
        assert!(reason("OPEN-BODY-SIG AppId=\"a1b2\", Timestamp=\"2025-01-02\", Nonce=\"n0\", Signature=\"c2ln\"").contains("Timestamp"));
        assert!(reason("OPEN-BODY-SIG AppId=\"\", Timestamp=\"20250102030405\", Nonce=\"n0\", Signature=\"c2ln\"").contains("AppId"));
        assert!(reason("OPEN-BODY-SIG AppId=\"a1b2\", Timestamp=\"20250102030405\", Nonce=\"n0\", Signature=\"\"").contains("Signature"));
        assert!(reason("OPEN-BODY-SIG AppId=\"a\\\"b\", Timestamp=\"20250102030405\", Nonce=\"n0\", Signature=\"c2ln\"").contains("backslash"));
    }

    #[test]
    fn caps_the_header_length() {
        let long = format!("OPEN-BODY-SIG AppId=\"{}\"", "a".repeat(MAX_HEADER_LEN));
        assert_eq!(Authorization::parse(&long).unwrap_err().code(), ErrorCode::HeaderTooLarge);
    }
}
