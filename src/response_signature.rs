//! Optional OPEN-BODY-SIG signatures on platform responses (PROTOCOL.md rule 7, §5).
//!
//! No source confirms that the gateway signs responses; one client checks an `Authorization`
//! response header when present. So: no header means "unsigned" (reported, not an error); a
//! header that is present is verified with the request algorithm over the exact response
//! bytes, and a bad one is an error. A bad signature never passes silently.

use crate::error::Result;
use crate::open_body_sig::{verify_hashed, AppKey, Authorization, BodyHash, Tolerance, VerifyOptions};

/// What a response's signature check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponseSignature {
    /// The response carried no `Authorization` header.
    Unsigned,
    /// The header verified; its parameters.
    Verified(Authorization),
}

/// Checks the response's `Authorization` header (`None` when the response has none) against
/// the exact response body bytes (hashed), the appKey, "now" (epoch ms) and a clock tolerance.
pub fn verify_response_signature(
    authorization: Option<&str>,
    body: &BodyHash,
    app_key: &AppKey,
    now_ms: i64,
    tolerance: Tolerance,
) -> Result<ResponseSignature> {
    match authorization {
        None => Ok(ResponseSignature::Unsigned),
        Some(header) => verify_hashed(header, body, app_key, now_ms, &VerifyOptions { tolerance, ..VerifyOptions::default() })
            .map(ResponseSignature::Verified),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::open_body_sig::sign_open_body;
    use crate::ErrorCode;

    const TS_MS: i64 = 1_735_758_245_000;

    #[test]
    fn absent_is_unsigned_present_is_verified_bad_is_an_error() {
        let key = AppKey::new("k").unwrap();
        let body = br#"{"errCode":"SUCCESS"}"#;
        assert_eq!(verify_response_signature(None, &BodyHash::of(body), &key, TS_MS, Tolerance::default()).unwrap(), ResponseSignature::Unsigned);
        let header = sign_open_body("app", &key, body, "20250102030405", "n1").unwrap().authorization;
        let verified = verify_response_signature(Some(&header), &BodyHash::of(body), &key, TS_MS, Tolerance::default()).unwrap();
        assert!(matches!(verified, ResponseSignature::Verified(a) if a.app_id == "app"));
        let tampered = verify_response_signature(Some(&header), &BodyHash::of(b"{}"), &key, TS_MS, Tolerance::default()).unwrap_err();
        assert_eq!(tampered.code(), ErrorCode::SignatureMismatch);
        for malformed in ["", "Bearer x", "OPEN-ACCESS-TOKEN AccessToken=t"] {
            let err = verify_response_signature(Some(malformed), &BodyHash::of(body), &key, TS_MS, Tolerance::default()).unwrap_err();
            assert_eq!(err.code(), ErrorCode::AuthHeader, "{malformed:?}");
        }
    }
}
