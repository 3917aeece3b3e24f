//! Fresh nonces from the platform CSPRNG (the OS on native targets, `crypto.getRandomValues`
//! in JavaScript hosts through getrandom's `js` backend).
//!
//! In wasm, random bytes are drawn in batches: in JavaScript hosts one `crypto.getRandomValues`
//! call costs about 3 µs in Node 20, more than signing a small body, so one call serves 64
//! nonces. Each byte is handed out once and wiped as it is used; nothing is drawn at import
//! time. Natively each nonce is drawn from the OS on its own (a pool there would be duplicated
//! by `fork()`).

use crate::error::{Error, ErrorCode, Result};

/// Length of a generated nonce: 32 lowercase hex characters (128 random bits).
pub const NONCE_LEN: usize = 32;

const BYTES_PER_NONCE: usize = NONCE_LEN / 2;

fn unavailable() -> Error {
    Error::new(
        ErrorCode::RandomUnavailable,
        "nonce",
        "the platform CSPRNG is unavailable (in Workers, call this inside a request, not at \
         module top level); pass a nonce explicitly if you must",
    )
}

#[cfg(target_arch = "wasm32")]
mod pool {
    use core::cell::RefCell;

    use zeroize::Zeroize as _;

    use super::{unavailable, BYTES_PER_NONCE};
    use crate::error::Result;

    const POOL_BYTES: usize = 64 * BYTES_PER_NONCE;

    struct Pool {
        bytes: [u8; POOL_BYTES],
        /// Bytes before `next` were handed out (and wiped).
        next: usize,
    }

    std::thread_local! {
        static POOL: RefCell<Pool> = const { RefCell::new(Pool { bytes: [0; POOL_BYTES], next: POOL_BYTES }) };
    }

    /// Takes the next unused bytes, if the pool has them (wiping them in the pool).
    fn take(out: &mut [u8; BYTES_PER_NONCE]) -> Result<bool> {
        POOL.with(|pool| {
            let mut pool = pool.try_borrow_mut().map_err(|_| unavailable())?;
            let start = pool.next;
            let Some(random) = pool.bytes.get_mut(start..start + BYTES_PER_NONCE) else { return Ok(false) };
            out.copy_from_slice(random);
            random.zeroize();
            pool.next = start + BYTES_PER_NONCE;
            Ok(true)
        })
    }

    pub(super) fn random_bytes(out: &mut [u8; BYTES_PER_NONCE]) -> Result<()> {
        if take(out)? {
            return Ok(());
        }
        // Refilled with no borrow held: `crypto.getRandomValues` is host code, and a host may
        // have wrapped it with code that calls this library again (which then refills on its
        // own); each batch is installed whole and every byte handed out once.
        let mut fresh = [0u8; POOL_BYTES];
        getrandom::getrandom(&mut fresh).map_err(|_| unavailable())?;
        let (first, rest) = fresh.split_at_mut(BYTES_PER_NONCE);
        out.copy_from_slice(first);
        POOL.with(|pool| {
            let mut pool = pool.try_borrow_mut().map_err(|_| unavailable())?;
            pool.bytes.zeroize();
            if let Some(slot) = pool.bytes.get_mut(BYTES_PER_NONCE..) {
                slot.copy_from_slice(rest);
            }
            pool.next = BYTES_PER_NONCE;
            Ok::<(), crate::Error>(())
        })?;
        fresh.zeroize();
        Ok(())
    }
}

#[cfg(target_arch = "wasm32")]
use pool::random_bytes;

#[cfg(not(target_arch = "wasm32"))]
fn random_bytes(out: &mut [u8; BYTES_PER_NONCE]) -> Result<()> {
    getrandom::getrandom(out).map_err(|_| unavailable())
}

/// A fresh nonce: 32 lowercase hex characters (128 random bits), new on every call.
pub fn fresh_nonce() -> Result<String> {
    let mut random = [0u8; BYTES_PER_NONCE];
    random_bytes(&mut random)?;
    let nonce = base16ct::lower::encode_string(&random);
    zeroize::Zeroize::zeroize(&mut random);
    Ok(nonce)
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

    #[test]
    fn nonces_stay_unique_across_pool_refills() {
        let seen: std::collections::HashSet<String> = (0..1000).map(|_| fresh_nonce().unwrap()).collect();
        assert_eq!(seen.len(), 1000);
    }
}
