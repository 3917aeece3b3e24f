// Capabilities an entry may lend the core for the host it runs on. Node's entry lends its
// hardware SHA-256 (node:crypto): wasm hashes at about 400 MB/s, SHA-NI at several GB/s, so
// past about 1 KB the body digest is cheaper outside wasm. Everything else about signing
// (the HMAC, the header, the checks) stays in the core. Internal: not exported.

/** Bodies shorter than this (in UTF-8 bytes) are hashed in wasm, which is cheaper there. */
const HOST_SHA256_MIN_BYTES = 1024;

let hostSha256;

/** Registers `sha256(bytes: Uint8Array) → 32-byte Uint8Array`. */
export function lendSha256(implementation) {
  hostSha256 = implementation;
}

/** The host's SHA-256 for a body of this many bytes, or undefined to hash in wasm. */
export function hostSha256For(length) {
  return length >= HOST_SHA256_MIN_BYTES ? hostSha256 : undefined;
}
