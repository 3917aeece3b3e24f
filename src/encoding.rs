//! Fixed-size hex and Base64 encodings used on the signing path, written into stack buffers so
//! that signing allocates only the strings it returns.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// The lowercase hex digit of the low four bits of `nibble`.
pub(crate) fn hex_digit(nibble: u8) -> u8 {
    match nibble & 0x0f {
        n @ 0..=9 => b'0' + n,
        n => b'a' + (n - 10),
    }
}

/// Lowercase hex of `N` bytes into `out` (which must be `2 * N` long).
pub fn hex_lower_into(bytes: &[u8], out: &mut [u8]) {
    for (pair, byte) in out.chunks_exact_mut(2).zip(bytes) {
        if let [hi, lo] = pair {
            *hi = hex_digit(byte >> 4);
            *lo = hex_digit(*byte);
        }
    }
}

/// Length of the padded Base64 of a 32-byte MAC.
pub const BASE64_MAC_LEN: usize = 44;

/// Standard, padded Base64 of a 32-byte MAC.
pub fn base64_mac(mac: &[u8; 32]) -> [u8; BASE64_MAC_LEN] {
    let mut out = [0u8; BASE64_MAC_LEN];
    // 32 bytes always encode to exactly 44 characters, so this cannot fail.
    let _ = STANDARD.encode_slice(mac, &mut out);
    out
}

/// Decodes canonical, padded standard Base64 of exactly 32 bytes.
pub fn decode_base64_mac(text: &str) -> Option<[u8; 32]> {
    if text.len() != BASE64_MAC_LEN {
        return None;
    }
    let mut out = [0u8; 33];
    match STANDARD.decode_slice(text, &mut out) {
        Ok(32) => {
            let mut mac = [0u8; 32];
            mac.copy_from_slice(out.get(..32)?);
            Some(mac)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase() {
        let mut out = [0u8; 8];
        hex_lower_into(&[0x00, 0xab, 0xff, 0x10], &mut out);
        assert_eq!(&out, b"00abff10");
    }

    #[test]
    fn base64_round_trips_and_rejects_non_canonical() {
        let mac = [0xfbu8; 32];
        let text = base64_mac(&mac);
        let text = core::str::from_utf8(&text).unwrap();
        assert_eq!(text, "+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/s=");
        assert_eq!(decode_base64_mac(text), Some(mac));
        assert_eq!(decode_base64_mac("+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/t="), None);
        assert_eq!(decode_base64_mac("+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/s"), None);
        assert_eq!(decode_base64_mac("-_v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/s="), None);
    }
}
