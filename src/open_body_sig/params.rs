//! The inputs of a signature: the secret key and the three public header parameters.

use core::fmt;

use zeroize::Zeroizing;

use crate::error::{Error, ErrorCode, Result};
use crate::time::BeijingTime;

/// The appKey: the HMAC key, used as the UTF-8 bytes of its text (never hex-decoded).
///
/// Its bytes are wiped when it is dropped, and `Debug` never shows them.
#[derive(Clone)]
pub struct AppKey(Zeroizing<Vec<u8>>);

impl AppKey {
    /// Wraps the key text. An empty key is refused: it would sign, and every request would fail.
    pub fn new(key: &str) -> Result<Self> {
        if key.is_empty() {
            return Err(Error::new(
                ErrorCode::FieldRequired,
                "appKey",
                "appKey is empty; pass the key the platform issued for this appId",
            ));
        }
        Ok(AppKey(Zeroizing::new(key.as_bytes().to_vec())))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for AppKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AppKey(** redacted **)")
    }
}

/// Longest accepted nonce (chunpat's SDK notes the platform's limit of 128).
const MAX_NONCE_LEN: usize = 128;
/// Longest accepted appId; real ones are 32 characters.
const MAX_APP_ID_LEN: usize = 128;

/// Header parameter values must survive a naive parser on the other side: visible ASCII with
/// no quote, backslash or comma (the gateway may split the header on commas).
pub(crate) fn header_safe(value: &str) -> bool {
    value.bytes().all(|b| (0x21..=0x7e).contains(&b) && !matches!(b, b'"' | b'\\' | b','))
}

fn check_token(field: &str, value: &str, max: usize, what: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::new(ErrorCode::FieldRequired, field, format!("{field} is empty; {what}")));
    }
    if value.len() > max {
        return Err(Error::new(
            ErrorCode::FieldLength,
            field,
            format!("{field} is {} characters long; the maximum is {max}", value.len()),
        ));
    }
    if !header_safe(value) {
        return Err(Error::new(
            ErrorCode::FieldFormat,
            field,
            format!(
                "{field} must be visible ASCII without spaces, quotes, backslashes or commas, \
                 because it is written into the Authorization header; {what}"
            ),
        ));
    }
    Ok(())
}

/// Checks an appId for use in a header.
pub fn check_app_id(app_id: &str) -> Result<()> {
    check_token("appId", app_id, MAX_APP_ID_LEN, "pass the appId the platform issued")
}

/// Checks a caller-supplied nonce.
pub fn check_nonce(nonce: &str) -> Result<()> {
    check_token(
        "nonce",
        nonce,
        MAX_NONCE_LEN,
        "omit it to get 32 random hex characters, or pass up to 128 letters and digits",
    )
}

/// Checks a caller-supplied header timestamp: `yyyyMMddHHmmss`, a real Beijing date-time.
pub fn check_timestamp(timestamp: &str) -> Result<BeijingTime> {
    BeijingTime::parse_compact(timestamp).ok_or_else(|| {
        // Quoted so that the caller sees what was wrong, but cut short: the value may be huge.
        let shown = crate::error::quoted(timestamp);
        Error::new(
            ErrorCode::FieldFormat,
            "timestamp",
            format!(
                "timestamp {shown} is not a real Beijing date-time in the form \
                 yyyyMMddHHmmss (14 digits, for example 20250102030405); omit it to use the clock"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_debug_is_redacted() {
        let key = AppKey::new("super-secret-key-123").unwrap();
        for shown in [format!("{key:?}"), format!("{key:#?}"), format!("{:?}", Some(key.clone())), format!("{:?}", vec![key])] {
            assert!(!shown.contains("secret"), "{shown}");
            assert!(shown.contains("redacted"), "{shown}");
        }
        assert_eq!(AppKey::new("").unwrap_err().code(), ErrorCode::FieldRequired);
    }

    #[test]
    fn a_huge_timestamp_is_quoted_only_in_part() {
        let err = check_timestamp(&"9".repeat(100_000)).unwrap_err();
        assert!(err.message().len() < 300, "{}", err.message().len());
    }

    #[test]
    fn header_params_are_checked() {
        assert!(check_app_id("a1b2c3d4e5f60718293a4b5c6d7e8f90").is_ok());
        assert!(check_nonce("be46cd58-1c9f-46ec-bd71-b9858311ea12").is_ok());
        assert_eq!(check_app_id("").unwrap_err().code(), ErrorCode::FieldRequired);
        for bad in ["a\"b", "a,b", "a b", "a\\b", "a\r\nX-Injected: 1", "预授权"] {
            assert_eq!(check_nonce(bad).unwrap_err().code(), ErrorCode::FieldFormat, "{bad:?}");
            assert_eq!(check_app_id(bad).unwrap_err().field(), Some("appId"));
        }
        assert!(check_nonce(&"n".repeat(128)).is_ok());
        assert_eq!(check_nonce(&"n".repeat(129)).unwrap_err().code(), ErrorCode::FieldLength);
        assert!(check_timestamp("20250102030405").is_ok());
        assert_eq!(check_timestamp("2025-01-02").unwrap_err().field(), Some("timestamp"));
    }
}
