//! Checking a received OPEN-BODY-SIG header against the body it came with.

use super::authorization::Authorization;
use super::params::AppKey;
use super::stages::{decode_signature, keyed_mac, mac_of, BodyHash, KeyedMac};
use hmac::Mac as _;
use crate::error::{Error, ErrorCode, Result};
use crate::limits::{check_body_size, check_max_body_bytes, DEFAULT_MAX_BODY_BYTES};
use crate::time::BeijingTime;

/// PROTOCOL.md part 0 rule 10.
pub const DEFAULT_TOLERANCE_SECONDS: u32 = 300;

/// How far the signed timestamp may be from "now", in either direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tolerance {
    millis: u64,
}

impl Tolerance {
    /// A tolerance of whole seconds.
    pub const fn seconds(seconds: u32) -> Self {
        Tolerance { millis: seconds as u64 * 1000 }
    }

    /// A tolerance in milliseconds.
    pub const fn millis(millis: u64) -> Self {
        Tolerance { millis }
    }
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance::seconds(DEFAULT_TOLERANCE_SECONDS)
    }
}

/// How [`verify_open_body_with`] checks a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Allowed clock skew, default 300 s.
    pub tolerance: Tolerance,
    /// Largest body accepted, default [`DEFAULT_MAX_BODY_BYTES`] (1 MiB), at most 1 GiB.
    pub max_body_bytes: usize,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions { tolerance: Tolerance::default(), max_body_bytes: DEFAULT_MAX_BODY_BYTES }
    }
}

/// Verifies `header` against the exact `body` bytes received, the appKey, the current instant
/// (epoch ms) and a tolerance. On success returns the header's parameters. Bodies over
/// [`DEFAULT_MAX_BODY_BYTES`] are refused (see [`verify_open_body_with`]).
///
/// The signature is compared in constant time, and checked before the timestamp, so that an
/// unauthenticated header learns nothing about the clock.
pub fn verify_open_body(
    header: &str,
    body: &[u8],
    app_key: &AppKey,
    now_ms: i64,
    tolerance: Tolerance,
) -> Result<Authorization> {
    verify_open_body_with(header, body, app_key, now_ms, &VerifyOptions { tolerance, ..VerifyOptions::default() })
}

/// [`verify_open_body`] with every option.
pub fn verify_open_body_with(
    header: &str,
    body: &[u8],
    app_key: &AppKey,
    now_ms: i64,
    options: &VerifyOptions,
) -> Result<Authorization> {
    verify_hashed(header, &BodyHash::of(body), app_key, now_ms, options)
}

/// [`verify_open_body_with`] for a body hashed as it streamed past.
pub fn verify_hashed(header: &str, body: &BodyHash, app_key: &AppKey, now_ms: i64, options: &VerifyOptions) -> Result<Authorization> {
    let max_body_bytes = check_max_body_bytes(options.max_body_bytes)?;
    verify_with(&keyed_mac(app_key), header, body, now_ms, options.tolerance, max_body_bytes)
}

pub(crate) fn verify_with(
    keyed: &KeyedMac,
    header: &str,
    body: &BodyHash,
    now_ms: i64,
    tolerance: Tolerance,
    max_body_bytes: usize,
) -> Result<Authorization> {
    let auth = Authorization::parse(header)?;
    check_body_size("body", body.len(), max_body_bytes)?;
    let claimed = decode_signature(&auth.signature).ok_or_else(|| {
        Error::new(
            ErrorCode::AuthHeader,
            "authorization",
            "Signature in the Authorization header is not the padded Base64 of a 32-byte \
             HMAC-SHA256 (44 characters)",
        )
    })?;
    let digest = body.hex();
    // `verify_slice` compares in constant time (RustCrypto's ctutils).
    let computed = mac_of(keyed, &auth.app_id, &auth.timestamp, &auth.nonce, &digest);
    if computed.verify_slice(&claimed).is_err() {
        return Err(Error::new(
            ErrorCode::SignatureMismatch,
            "signature",
            format!(
                "the signature does not match: check that the appKey is the one issued for AppId \
                 {}, and that the body is verified exactly as received (raw bytes, not \
                 re-serialized JSON)",
                crate::error::quoted(&auth.app_id)
            ),
        ));
    }
    check_skew(&auth.timestamp, now_ms, tolerance)?;
    Ok(auth)
}

fn check_skew(timestamp: &str, now_ms: i64, tolerance: Tolerance) -> Result<()> {
    let signed_at = BeijingTime::parse_compact(timestamp)
        .ok_or_else(|| Error::new(ErrorCode::AuthHeader, "authorization", "Timestamp is not yyyyMMddHHmmss"))?
        .to_epoch_ms();
    let skew_ms = now_ms.abs_diff(signed_at);
    if skew_ms > tolerance.millis {
        let direction = if now_ms > signed_at { "behind" } else { "ahead of" };
        return Err(Error::new(
            ErrorCode::TimestampSkew,
            "timestamp",
            format!(
                "Timestamp {timestamp} (Beijing time) is {} s {direction} now; at most {} s is \
                 allowed. Check both clocks (the timestamp must be UTC+8) and do not reuse signed \
                 headers",
                skew_ms / 1000,
                tolerance.millis / 1000
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::open_body_sig::{sign_open_body, OpenBodySigner};

    const APP_ID: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    const TS: &str = "20250102030405";
    // 2025-01-02 03:04:05 Beijing.
    const TS_MS: i64 = 1_735_758_245_000;
    const NONCE: &str = "0123456789abcdef0123456789abcdef";

    fn key() -> AppKey {
        AppKey::new("fictional0app0key0for0tests00001").unwrap()
    }

    fn header(body: &[u8]) -> String {
        sign_open_body(APP_ID, &key(), body, TS, NONCE).unwrap().authorization
    }

    #[test]
    fn accepts_its_own_signature_within_the_window() {
        let h = header(b"{}");
        for now in [TS_MS, TS_MS + 300_000, TS_MS - 300_000, TS_MS + 999] {
            let auth = verify_open_body(&h, b"{}", &key(), now, Tolerance::default()).unwrap();
            assert_eq!((auth.app_id.as_str(), auth.nonce.as_str()), (APP_ID, NONCE));
        }
    }

    #[test]
    fn rejects_skew_beyond_the_tolerance() {
        let h = header(b"{}");
        for now in [TS_MS + 300_001, TS_MS - 300_001, i64::MAX, i64::MIN] {
            let err = verify_open_body(&h, b"{}", &key(), now, Tolerance::default()).unwrap_err();
            assert_eq!(err.code(), ErrorCode::TimestampSkew);
        }
        assert!(verify_open_body(&h, b"{}", &key(), TS_MS + 10_000, Tolerance::seconds(10)).is_ok());
        assert!(verify_open_body(&h, b"{}", &key(), TS_MS + 10_001, Tolerance::seconds(10)).is_err());
    }

    #[test]
    fn rejects_another_body_key_or_parameter() {
        let h = header(b"{}");
        let mismatch = |h: &str, body: &[u8], key: &AppKey| {
            verify_open_body(h, body, key, TS_MS, Tolerance::default()).unwrap_err().code()
        };
        assert_eq!(mismatch(&h, b"{ }", &key()), ErrorCode::SignatureMismatch);
        assert_eq!(mismatch(&h, b"{}", &AppKey::new("other").unwrap()), ErrorCode::SignatureMismatch);
        assert_eq!(mismatch(&h.replace(NONCE, "x123"), b"{}", &key()), ErrorCode::SignatureMismatch);
        assert_eq!(mismatch(&h.replace(TS, "20250102030406"), b"{}", &key()), ErrorCode::SignatureMismatch);
        let bad_sig = h.replace("Signature=\"", "Signature=\"!");
        assert_eq!(mismatch(&bad_sig, b"{}", &key()), ErrorCode::AuthHeader);
    }

    #[test]
    fn the_body_cap_is_an_option_and_the_header_cap_is_fixed() {
        let h = header(b"{}");
        let capped = |max| VerifyOptions { max_body_bytes: max, ..VerifyOptions::default() };
        assert!(verify_open_body_with(&h, b"{}", &key(), TS_MS, &capped(2)).is_ok());
        let err = verify_open_body_with(&h, b"{} ", &key(), TS_MS, &capped(2)).unwrap_err();
        assert_eq!((err.code(), err.field()), (ErrorCode::BodyTooLarge, Some("body")));
        let err = verify_open_body_with(&h, b"{}", &key(), TS_MS, &capped(usize::MAX)).unwrap_err();
        assert_eq!((err.code(), err.field()), (ErrorCode::FieldFormat, Some("maxBodyBytes")));
        let long = format!("{h}{}", " ".repeat(crate::open_body_sig::MAX_HEADER_LEN));
        let err = verify_open_body(&long, b"{}", &key(), TS_MS, Tolerance::default()).unwrap_err();
        assert_eq!((err.code(), err.field()), (ErrorCode::HeaderTooLarge, Some("authorization")));
    }

    #[test]
    fn mismatch_message_names_the_app_id_but_never_the_key() {
        let h = header(b"{}");
        let err = verify_open_body(&h, b"x", &key(), TS_MS, Tolerance::default()).unwrap_err();
        assert!(err.message().contains(APP_ID));
        assert!(!err.message().contains("fictional0app0key"));
    }

    #[test]
    fn signer_verifies_its_own_app_id_only() {
        let signer = OpenBodySigner::new(APP_ID, &key()).unwrap();
        let h = signer.sign(b"abc", TS, NONCE).unwrap().authorization;
        assert!(signer.verify(&h, b"abc", TS_MS, Tolerance::default()).is_ok());
        let other = OpenBodySigner::new("other-app", &key()).unwrap();
        let h = other.sign(b"abc", TS, NONCE).unwrap().authorization;
        assert_eq!(signer.verify(&h, b"abc", TS_MS, Tolerance::default()).unwrap_err().code(), ErrorCode::AuthHeader);
    }
}
