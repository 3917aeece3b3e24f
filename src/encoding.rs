//! Fixed-size hex and Base64 encodings used on the signing path, written into stack buffers so
//! that signing allocates only the strings it returns.


/// The lowercase hex digit of the low four bits of `nibble`.
#[inline(always)]
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

const BASE64_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

#[inline(always)]
fn base64_digit(sextet: u32) -> u8 {
    BASE64_ALPHABET.get((sextet & 63) as usize).copied().unwrap_or(b'=')
}

#[inline(always)]
fn base64_value(digit: u8) -> Option<u32> {
    let value = match digit {
        b'A'..=b'Z' => digit - b'A',
        b'a'..=b'z' => digit - b'a' + 26,
        b'0'..=b'9' => digit - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(u32::from(value))
}

/// Standard, padded Base64 of a 32-byte MAC.
///
/// Written out for this one fixed size (ten 3-byte groups, then 2 bytes and one `=`) rather
/// than with a general Base64 crate, which would add 6 KB to the wasm for 44 characters.
pub fn base64_mac(mac: &[u8; 32]) -> [u8; BASE64_MAC_LEN] {
    let mut out = [b'='; BASE64_MAC_LEN];
    for (group, chars) in mac.chunks(3).zip(out.chunks_mut(4)) {
        let bytes = [0, 1, 2].map(|i| u32::from(group.get(i).copied().unwrap_or(0)));
        let triple = bytes[0] << 16 | bytes[1] << 8 | bytes[2];
        // The last group has two bytes: three digits, then the padding already in `out`.
        for (i, slot) in chars.iter_mut().enumerate().take(group.len() + 1) {
            *slot = base64_digit(triple >> (18 - 6 * i as u32));
        }
    }
    out
}

/// Decodes canonical, padded standard Base64 of exactly 32 bytes (44 characters ending in one
/// `=`, with the unused low bits of the last digit zero).
pub fn decode_base64_mac(text: &str) -> Option<[u8; 32]> {
    let digits = text.as_bytes();
    if digits.len() != BASE64_MAC_LEN || digits.last() != Some(&b'=') {
        return None;
    }
    let mut mac = [0u8; 32];
    for (chars, bytes) in digits.chunks(4).zip(mac.chunks_mut(3)) {
        let significant = bytes.len() + 1;
        let mut triple = 0u32;
        for (i, &digit) in chars.iter().enumerate().take(significant) {
            triple |= base64_value(digit)? << (18 - 6 * i as u32);
        }
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = (triple >> (16 - 8 * i as u32)) as u8;
        }
        // Canonical: bits beyond the decoded bytes must be zero (the last group's low 2 bits).
        if bytes.len() < 3 && triple & 0xff != 0 {
            return None;
        }
    }
    Some(mac)
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
