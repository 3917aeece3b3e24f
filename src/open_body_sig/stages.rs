//! The four pure stages of OPEN-BODY-SIG. Each is public so that a mismatch can be located
//! stage by stage against another implementation.


use super::params::AppKey;
use crate::encoding::{base64_mac, hex_lower_into};

/// The HMAC state after absorbing the key.
pub(crate) type KeyedMac = crate::sha256::HmacKey;

/// Stage 1: lowercase hex SHA-256 of the exact body bytes (64 characters).
pub fn body_digest(body: &[u8]) -> String {
    ascii_string(&body_digest_hex(body))
}

/// Stage 2: `appId + timestamp + nonce + bodyDigest`, with no separators.
pub fn string_to_sign(app_id: &str, timestamp: &str, nonce: &str, body_digest: &str) -> String {
    [app_id, timestamp, nonce, body_digest].concat()
}

/// Stage 3: standard padded Base64 of HMAC-SHA256 over the string to sign, keyed by the
/// appKey's UTF-8 bytes.
pub fn signature(app_key: &AppKey, string_to_sign: &str) -> String {
    let mac = keyed_mac(app_key).mac(&[string_to_sign.as_bytes()]);
    ascii_string(&base64_mac(&mac))
}

/// Stage 4: the Authorization header value, in the form the official demo sends.
pub fn authorization_header(app_id: &str, timestamp: &str, nonce: &str, signature: &str) -> String {
    let mut header = String::with_capacity(
        super::SCHEME.len() + 45 + app_id.len() + timestamp.len() + nonce.len() + signature.len(),
    );
    write_authorization_header(&mut header, app_id, timestamp, nonce, signature);
    header
}

/// Appends the Authorization header value to `out` (stage 4 without its own allocation).
pub(crate) fn write_authorization_header(out: &mut String, app_id: &str, timestamp: &str, nonce: &str, signature: &str) {
    for (i, (name, value)) in
        [("AppId", app_id), ("Timestamp", timestamp), ("Nonce", nonce), ("Signature", signature)]
            .into_iter()
            .enumerate()
    {
        out.push_str(if i == 0 { super::SCHEME } else { "," });
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        out.push_str(value);
        out.push('"');
    }
}

pub(crate) fn body_digest_hex(body: &[u8]) -> [u8; 64] {
    let mut hex = [0u8; 64];
    hex_lower_into(&crate::sha256::sha256(body), &mut hex);
    hex
}

/// The HMAC state after absorbing the key, reusable for any number of messages.
///
/// Key hygiene (SECURITY.md): the returned state is wiped when dropped. Deriving it wipes its
/// own padded key blocks, but copies of key bytes can still be left in stack frames that no
/// destructor owns (argument passing, spills); the derivation therefore runs in its own frame,
/// which is overwritten with zeros as soon as it returns.
pub(crate) fn keyed_mac(app_key: &AppKey) -> KeyedMac {
    let keyed = derive_keyed_mac(app_key.bytes());
    scrub_stack_below();
    keyed
}

#[inline(never)]
fn derive_keyed_mac(key: &[u8]) -> KeyedMac {
    KeyedMac::new(key)
}

/// Bytes of stack below the caller that [`scrub_stack_below`] overwrites. `derive_keyed_mac`
/// and what it calls (one SHA-256 compression per pad) use well under 1 KiB.
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

fn ascii_string(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
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
    fn keyed_state_matches_one_shot_hmac() {
        let key = AppKey::new("k").unwrap();
        let keyed = keyed_mac(&key);
        let split = keyed.mac(&[b"ab", b"", b"c"]);
        let whole = keyed.mac(&[b"abc"]);
        assert_eq!(split, whole);
    }
}
