//! The four pure stages of OPEN-BODY-SIG. Each is public so that a mismatch can be located
//! stage by stage against another implementation.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{KeyInit as _, Mac as _};
use sha2::{Digest as _, Sha256};

use super::params::AppKey;

/// HMAC-SHA256 after absorbing the key, cloned for each message (re-keying per signature would
/// cost one more compression and another pass over the key).
pub(crate) type KeyedMac = hmac::Hmac<Sha256>;

/// Stage 1: lowercase hex SHA-256 of the exact body bytes (64 characters).
pub fn body_digest(body: &[u8]) -> String {
    BodyHash::of(body).hex()
}

/// Stage 1 for a body that arrives in parts: its length and SHA-256 so far.
#[derive(Clone, Debug, Default)]
pub struct BodyHash {
    len: usize,
    hasher: Sha256,
}

impl BodyHash {
    /// An empty body.
    pub fn new() -> Self {
        BodyHash::default()
    }

    /// The hash of a whole body.
    pub fn of(body: &[u8]) -> Self {
        let mut hash = BodyHash::new();
        hash.update(body);
        hash
    }

    /// Adds the next bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.len = self.len.saturating_add(bytes.len());
        self.hasher.update(bytes);
    }

    /// Bytes hashed so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was hashed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Lowercase hex SHA-256 of the bytes so far.
    pub fn hex(&self) -> String {
        base16ct::lower::encode_string(&self.hasher.clone().finalize())
    }
}

/// Checks a body digest given to stage 2: 64 lowercase hex characters.
pub fn check_body_digest(digest: &str) -> crate::Result<()> {
    if digest.len() == 64 && digest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Ok(());
    }
    Err(crate::Error::new(crate::ErrorCode::FieldFormat, "bodyDigest", "bodyDigest must be the 64-character lowercase hex SHA-256 of the body"))
}

/// Checks a signature given to stage 4: the padded Base64 of a 32-byte MAC.
pub fn check_signature(signature: &str) -> crate::Result<()> {
    decode_signature(signature).map(drop).ok_or_else(|| {
        crate::Error::new(crate::ErrorCode::FieldFormat, "signature", "signature must be the 44-character padded Base64 of an HMAC-SHA256")
    })
}

/// Stage 2: `appId + timestamp + nonce + bodyDigest`, with no separators.
pub fn string_to_sign(app_id: &str, timestamp: &str, nonce: &str, body_digest: &str) -> String {
    [app_id, timestamp, nonce, body_digest].concat()
}

/// Stage 3: standard padded Base64 of HMAC-SHA256 over the string to sign, keyed by the
/// appKey's UTF-8 bytes.
pub fn signature(app_key: &AppKey, string_to_sign: &str) -> String {
    let mut mac = keyed_mac(app_key);
    mac.update(string_to_sign.as_bytes());
    BASE64.encode(mac.finalize().into_bytes())
}

/// Stage 4: the Authorization header value, in the form the official demo sends (the values
/// are checked by the callers to be free of quotes and backslashes).
pub fn authorization_header(app_id: &str, timestamp: &str, nonce: &str, signature: &str) -> String {
    let params = [("AppId", app_id), ("Timestamp", timestamp), ("Nonce", nonce), ("Signature", signature)];
    let mut header = String::with_capacity(super::SCHEME.len() + 45 + params.iter().map(|(_, v)| v.len()).sum::<usize>());
    for (i, (name, value)) in params.into_iter().enumerate() {
        header.push_str(if i == 0 { super::SCHEME } else { "," });
        header.push(' ');
        header.push_str(name);
        header.push_str("=\"");
        header.push_str(value);
        header.push('"');
    }
    header
}

/// The MAC of one signature: the key state cloned, then the string to sign absorbed in parts
/// (no joined copy of it is made).
pub(crate) fn mac_of(keyed: &KeyedMac, app_id: &str, timestamp: &str, nonce: &str, digest_hex: &str) -> KeyedMac {
    let mut mac = keyed.clone();
    for part in [app_id, timestamp, nonce, digest_hex] {
        mac.update(part.as_bytes());
    }
    mac
}

/// Base64 of a finished MAC.
pub(crate) fn mac_base64(mac: KeyedMac) -> String {
    BASE64.encode(mac.finalize().into_bytes())
}

/// Decodes a canonical padded Base64 signature of exactly 32 bytes.
pub(crate) fn decode_signature(text: &str) -> Option<Vec<u8>> {
    BASE64.decode(text).ok().filter(|bytes| bytes.len() == 32)
}

/// The HMAC state after absorbing the key, reusable for any number of messages.
///
/// Key hygiene (SECURITY.md): `hmac` and `sha2` (feature `zeroize`) wipe their states when
/// dropped, but the padded key block `hmac` derives on its stack is not wiped, and copies of
/// key bytes can be left in other frames no destructor owns; the derivation therefore runs in
/// its own frame, which is overwritten with zeros as soon as it returns.
pub(crate) fn keyed_mac(app_key: &AppKey) -> KeyedMac {
    let keyed = derive_keyed_mac(app_key.bytes());
    scrub_stack_below();
    keyed
}

#[inline(never)]
#[allow(clippy::expect_used)]
fn derive_keyed_mac(key: &[u8]) -> KeyedMac {
    // HMAC takes keys of any length (RFC 2104): `new_from_slice` never fails for it, which
    // hmac's own `KeyInit::new` relies on in the same way.
    KeyedMac::new_from_slice(key).expect("HMAC accepts keys of any length")
}

/// Bytes of stack below the caller that [`scrub_stack_below`] overwrites. `derive_keyed_mac`
/// and what it calls (two SHA-256 compressions) use well under 1 KiB.
const SCRUBBED_STACK_BYTES: usize = 4096;

/// Overwrites the stack region just below the caller's frame, where the frames of the calls it
/// just made lived, with zeros. The writes are volatile (`zeroize`), so they are not optimized
/// away; `inline(never)` keeps this frame below the caller's.
#[inline(never)]
fn scrub_stack_below() {
    use zeroize::Zeroize as _;
    let mut area = [0u64; SCRUBBED_STACK_BYTES / 8];
    area.zeroize();
    core::hint::black_box(&area);
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vector F1, a published example (daanhan/ums-sdk "official example").
    const APP_ID: &str = "12345678901234567890123456789012";
    const KEY: &str = "67890123456789012345678901234567";
    const TS: &str = "20170101120000";
    const NONCE: &str = "09876543210987654321098765432109";

    #[test]
    fn each_stage_reproduces_f1() {
        let digest = body_digest(b"A");
        assert_eq!(digest, "559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd");
        let sts = string_to_sign(APP_ID, TS, NONCE, &digest);
        assert_eq!(sts, format!("{APP_ID}{TS}{NONCE}{digest}"));
        let sig = signature(&AppKey::new(KEY).unwrap(), &sts);
        assert_eq!(sig, "GINsCTyNKTpEI9KXO16KqZJ64fOyAytEKl8aaR/Dy08=");
        assert_eq!(
            authorization_header(APP_ID, TS, NONCE, &sig),
            "OPEN-BODY-SIG AppId=\"12345678901234567890123456789012\", Timestamp=\"20170101120000\", \
             Nonce=\"09876543210987654321098765432109\", Signature=\"GINsCTyNKTpEI9KXO16KqZJ64fOyAytEKl8aaR/Dy08=\""
        );
    }

    #[test]
    fn known_wrong_variants_differ() {
        // PROTOCOL.md §12.1: an uppercase digest gives a different, wrong signature.
        let upper = body_digest(b"A").to_uppercase();
        let sig = signature(&AppKey::new(KEY).unwrap(), &string_to_sign(APP_ID, TS, NONCE, &upper));
        assert_eq!(sig, "PtEWGi/t0lFUrLNDkQr1SEwzeOF4WQDv2ZcyzHmCF6w=");
    }

    #[test]
    fn empty_body_digest() {
        assert_eq!(body_digest(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn the_cloned_key_state_matches_a_fresh_hmac() {
        let key = AppKey::new("k").unwrap();
        let keyed = keyed_mac(&key);
        let parts = mac_base64(mac_of(&keyed, "ab", "", "c", "d"));
        assert_eq!(parts, signature(&key, "abcd"));
        assert_eq!(mac_base64(mac_of(&keyed, "ab", "", "c", "d")), parts, "the key state is reusable");
    }

    #[test]
    fn signatures_decode_only_in_canonical_padded_form() {
        let text = BASE64.encode([0xfbu8; 32]);
        assert_eq!(text, "+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/s=");
        assert_eq!(decode_signature(&text), Some(vec![0xfb; 32]));
        for bad in ["+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/t=", "+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/s", "-_v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/s=", "AAAA"] {
            assert_eq!(decode_signature(bad), None, "{bad}");
        }
    }
}
