//! SHA-256 and HMAC-SHA256 on top of `sha2`'s compression function.
//!
//! Why not `sha2::Sha256` with `hmac::Hmac`: their generic buffering code is instantiated in
//! this crate, which is compiled for size, and it dominated the cost of signing a small body in
//! wasm (2.9 µs against 1.8 µs for the same work here; see the README's benchmark section).
//! What remains here is the streaming buffer and the padding, a few dozen lines checked by
//! every signing vector, 10,000 random cases against `node:crypto`, and the property tests
//! below against the RustCrypto `sha2` and `hmac` types (random data in random chunks, keys of
//! every length); the compression function, the only part that touches every byte, is
//! `sha2`'s (compiled for speed, SIMD in wasm, SHA-NI natively). Blocks are passed to it by
//! reference (`slice::from_ref`), not in a temporary array, so no copy of a block (which may
//! hold key bytes) is left on the stack.
//!
//! Secrets: the keyed HMAC state is wiped when dropped, as is every hashing state (they may
//! hold key bytes: the token signature and notification hashes end with a key).

use sha2::block_api::compress256;
use zeroize::Zeroize;

const BLOCK: usize = 64;

/// FIPS 180-4 initial hash value.
const INITIAL_STATE: [u32; 8] = [
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
];

/// A streaming SHA-256.
pub(crate) struct Sha256 {
    state: [u32; 8],
    block: [u8; BLOCK],
    /// Bytes of `block` in use.
    filled: usize,
    /// Message bytes absorbed so far.
    length: u64,
}

impl Sha256 {
    pub(crate) fn new() -> Self {
        Self::resume(INITIAL_STATE, 0)
    }

    /// Continues from a state reached after `length` bytes, a whole number of blocks.
    fn resume(state: [u32; 8], length: u64) -> Self {
        Sha256 { state, block: [0; BLOCK], filled: 0, length }
    }

    pub(crate) fn update(&mut self, mut data: &[u8]) {
        self.length = self.length.wrapping_add(data.len() as u64);
        if self.filled > 0 {
            let take = (BLOCK - self.filled).min(data.len());
            let (head, rest) = data.split_at_checked(take).unwrap_or((data, &[]));
            if let Some(slot) = self.block.get_mut(self.filled..self.filled + take) {
                slot.copy_from_slice(head);
            }
            self.filled += take;
            data = rest;
            if self.filled < BLOCK {
                return;
            }
            compress256(&mut self.state, core::slice::from_ref(&self.block));
            self.filled = 0;
        }
        let (blocks, rest) = data.as_chunks::<BLOCK>();
        compress256(&mut self.state, blocks);
        if let Some(slot) = self.block.get_mut(..rest.len()) {
            slot.copy_from_slice(rest);
        }
        self.filled = rest.len();
    }

    pub(crate) fn finish(mut self) -> [u8; 32] {
        let bit_length = self.length.wrapping_mul(8).to_be_bytes();
        let mut padding = [0u8; BLOCK + 8];
        if let Some(first) = padding.first_mut() {
            *first = 0x80;
        }
        // 0x80, zeros up to 56 bytes mod 64, then the 64-bit big-endian bit length.
        let zeros = (BLOCK + 56 - 1 - self.filled) % BLOCK;
        self.update(padding.get(..1 + zeros).unwrap_or_default());
        self.update(&bit_length);
        let mut digest = [0u8; 32];
        for (bytes, word) in digest.chunks_exact_mut(4).zip(self.state) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        digest
    }
}

impl Drop for Sha256 {
    fn drop(&mut self) {
        self.state.zeroize();
        self.block.zeroize();
    }
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(data);
    hasher.finish()
}

/// An HMAC-SHA256 key, absorbed once: the states after the ipad and opad blocks. Either state
/// is as good as the key for forging MACs, so both are wiped when dropped.
#[derive(Clone)]
pub(crate) struct HmacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl HmacKey {
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut block = [0u8; BLOCK];
        if key.len() > BLOCK {
            let mut hashed = sha256(key);
            block.iter_mut().zip(hashed).for_each(|(b, k)| *b = k);
            hashed.zeroize();
        } else {
            block.iter_mut().zip(key).for_each(|(b, k)| *b = *k);
        }
        let mut pad = block.map(|b| b ^ 0x36);
        let mut inner = INITIAL_STATE;
        compress256(&mut inner, core::slice::from_ref(&pad));
        pad = block.map(|b| b ^ 0x5c);
        let mut outer = INITIAL_STATE;
        compress256(&mut outer, core::slice::from_ref(&pad));
        pad.zeroize();
        block.zeroize();
        HmacKey { inner, outer }
    }

    /// HMAC of the concatenation of `parts`.
    pub(crate) fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut inner = Sha256::resume(self.inner, BLOCK as u64);
        for part in parts {
            inner.update(part);
        }
        let inner_digest = inner.finish();
        let mut outer = Sha256::resume(self.outer, BLOCK as u64);
        outer.update(&inner_digest);
        outer.finish()
    }
}

impl Drop for HmacKey {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

/// Compares equal-length byte strings without an early exit, so that the time taken does not
/// tell how many leading bytes of a forged MAC or sign were right.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    core::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{KeyInit, Mac};
    use sha2::Digest;

    fn reference_hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    #[test]
    fn digests_match_sha2_at_every_length_and_split() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..data.len() {
            let expected: [u8; 32] = sha2::Sha256::digest(&data[..len]).into();
            assert_eq!(sha256(&data[..len]), expected, "length {len}");
            for split in [0, 1, 55, 56, 63, 64, 65, 128].into_iter().filter(|s| *s <= len) {
                let mut hasher = Sha256::new();
                hasher.update(&data[..split]);
                hasher.update(&data[split..len]);
                assert_eq!(hasher.finish(), expected, "length {len} split {split}");
            }
        }
    }

    #[test]
    fn known_answers() {
        let hex = |d: [u8; 32]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(hex(sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(hex(sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        // RFC 4231 test case 2.
        let mac = HmacKey::new(b"Jefe").mac(&[b"what do ya want ", b"for nothing?"]);
        assert_eq!(hex(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn hmac_matches_the_hmac_crate_for_short_exact_and_long_keys() {
        let message: Vec<u8> = (0..200u8).collect();
        for key_len in [1, 31, 32, 63, 64, 65, 100, 200] {
            let key: Vec<u8> = (0..key_len).map(|i| (i * 13 + 1) as u8).collect();
            for len in [0, 1, 55, 64, 142, 200] {
                assert_eq!(HmacKey::new(&key).mac(&[&message[..len]]), reference_hmac(&key, &message[..len]), "key {key_len} message {len}");
            }
        }
    }

    // proptest is a native-only dev-dependency (the wasm test runner cannot host it).
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn random_data_in_random_chunks_hashes_like_sha2(
            data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
            cuts in proptest::collection::vec(0usize..600, 0..8),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
            cuts.sort_unstable();
            let mut hasher = Sha256::new();
            let mut from = 0;
            for cut in cuts.into_iter().chain([data.len()]) {
                hasher.update(&data[from..cut]);
                from = cut;
            }
            let expected: [u8; 32] = sha2::Sha256::digest(&data).into();
            proptest::prop_assert_eq!(hasher.finish(), expected);
        }

        #[test]
        fn random_keys_and_parts_mac_like_hmac(
            key in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
            parts in proptest::collection::vec(proptest::collection::vec(proptest::prelude::any::<u8>(), 0..90), 0..5),
        ) {
            let joined: Vec<u8> = parts.concat();
            let slices: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
            proptest::prop_assert_eq!(HmacKey::new(&key).mac(&slices), reference_hmac(&key, &joined));
        }
    }

    #[test]
    fn constant_time_eq_compares_everything() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }
}
