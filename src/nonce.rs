//! Fresh nonces from the platform CSPRNG (the OS on native targets, `crypto.getRandomValues`
//! in JavaScript hosts through getrandom's `js` backend).

use crate::encoding::hex_lower_into;
use crate::error::{Error, ErrorCode, Result};

/// 32 lowercase hex characters (128 random bits), new on every call.
pub fn fresh_nonce() -> Result<String> {
    let mut random = [0u8; 16];
    getrandom::getrandom(&mut random).map_err(|_| {
        Error::new(
            ErrorCode::RandomUnavailable,
            "nonce",
            "the platform CSPRNG is unavailable (in Workers, call this inside a request, not at \
             module top level); pass a nonce explicitly if you must",
        )
    })?;
    let mut hex = [0u8; 32];
    hex_lower_into(&random, &mut hex);
    Ok(String::from_utf8_lossy(&hex).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_32_lowercase_hex_and_fresh() {
        let a = fresh_nonce().unwrap();
        let b = fresh_nonce().unwrap();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')));
        assert_ne!(a, b);
    }
}
