//! The forward pipeline with the credentials bound once.

use core::fmt;

use super::params::{check_app_id, check_nonce, check_timestamp, AppKey};
use super::stages::{keyed_mac, mac_base64, mac_of, BodyHash, KeyedMac};
use super::verify::{verify_with, Tolerance};
use super::Authorization;
use crate::error::{Error, ErrorCode, Result};
use crate::limits::{check_body_size, check_max_body_bytes, DEFAULT_MAX_BODY_BYTES};

/// Everything a host needs to send a signed request: the header, and the intermediate values
/// for logging or comparison (none of them secret).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedBody {
    /// The full `Authorization` header value.
    pub authorization: String,
    /// Base64 HMAC-SHA256 signature.
    pub signature: String,
    /// Lowercase hex SHA-256 of the body bytes.
    pub body_digest: String,
    /// The `yyyyMMddHHmmss` Beijing timestamp that was signed.
    pub timestamp: String,
    /// The nonce that was signed.
    pub nonce: String,
}

/// Signs bodies for one appId. The key's HMAC state is computed once, here, and the key bytes
/// themselves are not kept; the state is wiped when the signer is dropped (see
/// SECURITY.md).
#[derive(Clone)]
pub struct OpenBodySigner {
    app_id: String,
    keyed: KeyedMac,
    max_body_bytes: usize,
}

impl OpenBodySigner {
    /// Binds an appId and its key. Bodies are capped at
    /// [`DEFAULT_MAX_BODY_BYTES`](crate::limits::DEFAULT_MAX_BODY_BYTES) (see
    /// [`with_max_body_bytes`](Self::with_max_body_bytes)).
    pub fn new(app_id: &str, app_key: &AppKey) -> Result<Self> {
        check_app_id(app_id)?;
        Ok(OpenBodySigner {
            app_id: app_id.to_owned(),
            keyed: keyed_mac(app_key),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        })
    }

    /// The same signer with another body cap, in bytes (at most 1 GiB).
    pub fn with_max_body_bytes(mut self, max_body_bytes: usize) -> Result<Self> {
        self.max_body_bytes = check_max_body_bytes(max_body_bytes)?;
        Ok(self)
    }

    /// The appId this signer signs for.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The largest body this signer signs or verifies, in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// Signs the exact body bytes with a given timestamp (`yyyyMMddHHmmss`, Beijing) and nonce.
    /// The host must send these same bytes. This is the one signing path: every binding calls it.
    pub fn sign(&self, body: &[u8], timestamp: &str, nonce: &str) -> Result<SignedBody> {
        check_body_size("body", body.len(), self.max_body_bytes)?;
        self.sign_hashed(&BodyHash::of(body), timestamp, nonce)
    }

    /// [`sign`](Self::sign) for a body hashed as it streamed past ([`BodyHash`]), so that a
    /// large body need never be held whole.
    pub fn sign_hashed(&self, body: &BodyHash, timestamp: &str, nonce: &str) -> Result<SignedBody> {
        check_body_size("body", body.len(), self.max_body_bytes)?;
        check_timestamp(timestamp)?;
        check_nonce(nonce)?;
        let body_digest = body.hex();
        let signature = mac_base64(mac_of(&self.keyed, &self.app_id, timestamp, nonce, &body_digest));
        Ok(SignedBody {
            authorization: super::authorization_header(&self.app_id, timestamp, nonce, &signature),
            signature,
            body_digest,
            timestamp: timestamp.to_owned(),
            nonce: nonce.to_owned(),
        })
    }

    /// Signs with the current system time and a fresh CSPRNG nonce.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn sign_now(&self, body: &[u8]) -> Result<SignedBody> {
        check_body_size("body", body.len(), self.max_body_bytes)?;
        let timestamp = crate::time::BeijingTime::from_epoch_ms(crate::time::system_now_ms())?.compact();
        let nonce = crate::nonce::fresh_nonce()?;
        self.sign(body, &timestamp, &nonce)
    }

    /// Verifies a header received for this signer's appId, reusing the precomputed key state
    /// (see [`verify_open_body`](super::verify_open_body)).
    pub fn verify(&self, header: &str, body: &[u8], now_ms: i64, tolerance: Tolerance) -> Result<Authorization> {
        let auth = verify_with(&self.keyed, header, &BodyHash::of(body), now_ms, tolerance, self.max_body_bytes)?;
        if auth.app_id != self.app_id {
            return Err(Error::new(
                ErrorCode::AuthHeader,
                "authorization",
                format!("AppId {} in the header is not this signer's appId {}", crate::error::quoted(&auth.app_id), crate::error::quoted(&self.app_id)),
            ));
        }
        Ok(auth)
    }
}

impl fmt::Debug for OpenBodySigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenBodySigner")
            .field("app_id", &self.app_id)
            .field("key", &"** redacted **")
            .finish()
    }
}

/// One-shot signing: `OpenBodySigner::new(app_id, app_key)?.sign(body, timestamp, nonce)`.
pub fn sign_open_body(
    app_id: &str,
    app_key: &AppKey,
    body: &[u8],
    timestamp: &str,
    nonce: &str,
) -> Result<SignedBody> {
    OpenBodySigner::new(app_id, app_key)?.sign(body, timestamp, nonce)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signer_matches_the_stage_functions() {
        let key = AppKey::new("fictional0app0key0for0tests00001").unwrap();
        let signer = OpenBodySigner::new("a1b2c3d4e5f60718293a4b5c6d7e8f90", &key).unwrap();
        let body = "{\"srcReserve\":\"预授权撤销测试\"}".as_bytes();
        let out = signer.sign(body, "20250102030405", "0123456789abcdef0123456789abcdef").unwrap();
        let digest = super::super::body_digest(body);
        let sts = super::super::string_to_sign(signer.app_id(), &out.timestamp, &out.nonce, &digest);
        assert_eq!(out.body_digest, digest);
        assert_eq!(out.signature, super::super::signature(&key, &sts));
        assert_eq!(
            out.authorization,
            super::super::authorization_header(signer.app_id(), &out.timestamp, &out.nonce, &out.signature)
        );
    }

    #[test]
    fn bad_inputs_are_refused_with_their_field() {
        let key = AppKey::new("k").unwrap();
        assert_eq!(OpenBodySigner::new("", &key).unwrap_err().field(), Some("appId"));
        let signer = OpenBodySigner::new("app", &key).unwrap();
        let err = signer.sign(b"", "2025010203040", "abc").unwrap_err();
        assert_eq!((err.code(), err.field()), (ErrorCode::FieldFormat, Some("timestamp")));
        let err = signer.sign(b"", "20250102030405", "").unwrap_err();
        assert_eq!((err.code(), err.field()), (ErrorCode::FieldRequired, Some("nonce")));
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn sign_now_uses_a_fresh_nonce_and_a_valid_timestamp() {
        let signer = OpenBodySigner::new("app", &AppKey::new("k").unwrap()).unwrap();
        let a = signer.sign_now(b"x").unwrap();
        let b = signer.sign_now(b"x").unwrap();
        assert_ne!(a.nonce, b.nonce);
        assert!(check_timestamp(&a.timestamp).is_ok());
    }

    #[test]
    fn debug_does_not_show_the_key_or_the_key_state() {
        let signer = OpenBodySigner::new("app", &AppKey::new("topsecretvalue").unwrap()).unwrap();
        for shown in [format!("{signer:?}"), format!("{signer:#?}"), format!("{:?}", signer.clone())] {
            assert!(!shown.contains("topsecret"), "{shown}");
            assert!(shown.contains("redacted") && shown.contains("app"), "{shown}");
            // Nothing derived from the key either (the HMAC state would print as numbers).
            assert!(!shown.bytes().any(|b| b.is_ascii_digit()), "{shown}");
        }
    }

    #[test]
    fn bodies_over_the_cap_are_refused_before_hashing() {
        let key = AppKey::new("k").unwrap();
        let signer = OpenBodySigner::new("app", &key).unwrap().with_max_body_bytes(4).unwrap();
        assert_eq!(signer.max_body_bytes(), 4);
        assert!(signer.sign(b"1234", "20250102030405", "n").is_ok());
        let err = signer.sign(b"12345", "20250102030405", "n").unwrap_err();
        assert_eq!((err.code(), err.field()), (ErrorCode::BodyTooLarge, Some("body")));
        let header = signer.sign(b"1234", "20250102030405", "n").unwrap().authorization;
        let err = signer.verify(&header, b"12345", 1_735_758_245_000, Tolerance::default()).unwrap_err();
        assert_eq!(err.code(), ErrorCode::BodyTooLarge);
        let default = OpenBodySigner::new("app", &key).unwrap();
        assert_eq!(default.max_body_bytes(), crate::limits::DEFAULT_MAX_BODY_BYTES);
        assert!(default.sign(&vec![b'x'; crate::limits::DEFAULT_MAX_BODY_BYTES], "20250102030405", "n").is_ok());
        assert_eq!(
            default.sign(&vec![b'x'; crate::limits::DEFAULT_MAX_BODY_BYTES + 1], "20250102030405", "n").unwrap_err().code(),
            ErrorCode::BodyTooLarge
        );
        assert!(OpenBodySigner::new("app", &key).unwrap().with_max_body_bytes(usize::MAX).is_err());
    }
}
