//! One reusable buffer in linear memory for the hot paths (signing and building).
//!
//! wasm-bindgen copies a string argument into wasm memory one UTF-16 unit at a time and a
//! `Uint8Array` after an intermediate `TextEncoder.encode`; for a 4 KB body that costs more
//! than hashing it. Instead, JavaScript (`pkg/src/io.js`) asks for this buffer with
//! [`io_reserve`], writes its inputs straight into it with `TextEncoder.encodeInto`, and calls
//! one of the `*_io` functions with the input lengths; those write their results back into the
//! same buffer and return the result's length, and JavaScript decodes them once.
//!
//! Layouts (lengths are byte counts; `-1` means "absent", so that an empty string stays an
//! error the core can report):
//! * [`WasmSigner::sign_io`](super::WasmSigner::sign_io): in `[body][timestamp][nonce]`
//!   (`sign_sha256_io`: the same plus the body's SHA-256 in the 32 bytes after the nonce),
//!   out `[bodyDigest: 64][signature: 44][timestamp: 14][nonce: n][authorization]`, returning
//!   `n | authorization length << 8`.
//! * [`build_bills_io`]: in `[json][endpoint][env][baseUrl][msgSrcId]`, out `[url]\n[body]`,
//!   returning its length.
//!
//! Growth never aborts: it uses `try_reserve`, so an impossible size is an error, not a trap.
//! And the buffer is taken out of its cell for each call and put back after, so that even a
//! trap elsewhere leaves an empty buffer behind rather than a stuck borrow.

use core::cell::Cell;

use wasm_bindgen::prelude::*;

use super::{body_limit, epoch_ms, header_inputs, thrown, JsResult, WasmSigner};
use crate::bills::CheckOptions;
use crate::encoding::hex_lower_into;
use crate::error::{Error, ErrorCode};
use crate::open_body_sig::{body_digest_hex, write_authorization_header};
use crate::request::{build_request, resolve_base_url, BuildOptions};

std::thread_local! {
    static IO: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

fn internal(what: &str) -> Error {
    Error::whole(ErrorCode::Internal, format!("internal error in the I/O buffer: {what}; please report it"))
}

/// Runs `f` with the buffer, which is out of its cell meanwhile (see the module documentation).
fn with_io<R>(f: impl FnOnce(&mut Vec<u8>) -> Result<R, Error>) -> Result<R, Error> {
    IO.with(|cell| {
        let mut io = cell.take();
        let result = f(&mut io);
        cell.set(io);
        result
    })
}

/// Grows the buffer's length to at least `len` bytes, or fails without aborting.
fn ensure_len(io: &mut Vec<u8>, len: usize) -> Result<(), Error> {
    if io.len() < len {
        io.try_reserve_exact(len - io.len()).map_err(|_| {
            Error::whole(
                ErrorCode::BodyTooLarge,
                format!("cannot reserve {len} bytes of wasm memory for this input; send less, or sign it in parts of the app"),
            )
        })?;
        io.resize(len, 0);
    }
    Ok(())
}

/// Makes the buffer at least `capacity` bytes long and returns its address. The address stays
/// valid until the next call that may grow the buffer (any `*_io` call or `io_reserve`); the
/// buffer never shrinks.
#[wasm_bindgen]
pub fn io_reserve(capacity: usize) -> JsResult<usize> {
    with_io(|io| {
        ensure_len(io, capacity)?;
        Ok(io.as_mut_ptr() as usize)
    })
    .map_err(thrown)
}

/// The buffer's current address (results are read from here after a `*_io` call).
#[wasm_bindgen]
pub fn io_address() -> usize {
    with_io(|io| Ok(io.as_mut_ptr() as usize)).unwrap_or(0)
}

/// Writes parts into the buffer as `pkg/src/io.js` does (`None`: absent, length -1), for the
/// wasm test suite, which drives the `*_io` functions from Rust.
#[doc(hidden)]
pub fn write_parts(parts: &[Option<&[u8]>]) -> Vec<i32> {
    let lengths = parts.iter().map(|part| part.map_or(-1, |bytes| i32::try_from(bytes.len()).unwrap_or(i32::MAX))).collect();
    let written = with_io(|io| {
        io.clear();
        parts.iter().flatten().for_each(|bytes| io.extend_from_slice(bytes));
        Ok(())
    });
    if written.is_err() { Vec::new() } else { lengths }
}

/// The first `len` bytes of the buffer (the results of the last `*_io` call), for tests.
#[doc(hidden)]
pub fn read_result(len: usize) -> Vec<u8> {
    with_io(|io| Ok(io.get(..len).unwrap_or_default().to_vec())).unwrap_or_default()
}

/// Writes `parts` one after the other from the start of the buffer and returns their total
/// length. The buffer never shrinks, so that the capacity JavaScript has reserved stays usable.
fn write_output(io: &mut Vec<u8>, parts: &[&[u8]]) -> Result<usize, Error> {
    let total = parts.iter().map(|p| p.len()).sum();
    ensure_len(io, total)?;
    let mut offset = 0;
    for part in parts {
        let slot = io.get_mut(offset..offset + part.len()).ok_or_else(|| internal("output length"))?;
        slot.copy_from_slice(part);
        offset += part.len();
    }
    Ok(total)
}

/// Splits the next part (`len` bytes, or absent when `len < 0`) off the front of `bytes`.
fn take(bytes: &[u8], len: i32) -> Result<(Option<&[u8]>, &[u8]), Error> {
    let Ok(len) = usize::try_from(len) else { return Ok((None, bytes)) };
    let (head, rest) = bytes.split_at_checked(len).ok_or_else(|| internal("input lengths exceed the buffer"))?;
    Ok((Some(head), rest))
}

fn utf8<'a>(bytes: &'a [u8], field: &str) -> Result<&'a str, Error> {
    core::str::from_utf8(bytes).map_err(|_| Error::new(ErrorCode::BodyEncoding, field, format!("{field} is not UTF-8")))
}

fn optional_utf8<'a>(bytes: Option<&'a [u8]>, field: &str) -> Result<Option<&'a str>, Error> {
    bytes.map(|bytes| utf8(bytes, field)).transpose()
}

/// Where the body's digest comes from.
enum Body {
    /// Hashed here.
    Bytes,
    /// Hashed by the host (Node's `node:crypto` for large bodies): the 32 bytes after the nonce.
    HostSha256,
}

#[wasm_bindgen]
impl WasmSigner {
    /// Signs `[body][timestamp][nonce]` from the I/O buffer (see the module documentation);
    /// an absent timestamp comes from `now_ms`, an absent nonce from the CSPRNG.
    pub fn sign_io(&self, body_len: i32, timestamp_len: i32, nonce_len: i32, now_ms: f64) -> JsResult<u32> {
        self.sign_from_io(Body::Bytes, body_len, timestamp_len, nonce_len, now_ms).map_err(thrown)
    }

    /// As [`sign_io`](Self::sign_io), with the body's SHA-256 computed by the host (hardware
    /// SHA-256 beats wasm past ~1 KB) and written in the 32 bytes after the nonce.
    pub fn sign_sha256_io(&self, body_len: i32, timestamp_len: i32, nonce_len: i32, now_ms: f64) -> JsResult<u32> {
        self.sign_from_io(Body::HostSha256, body_len, timestamp_len, nonce_len, now_ms).map_err(thrown)
    }
}

impl WasmSigner {
    /// Slices the inputs out of the buffer, has the core sign them (every rule lives in
    /// `OpenBodySigner::sign_raw`), and writes the results back.
    fn sign_from_io(&self, kind: Body, body_len: i32, timestamp_len: i32, nonce_len: i32, now_ms: f64) -> Result<u32, Error> {
        with_io(|io| {
            let (body, rest) = take(io, body_len)?;
            let (timestamp, rest) = take(rest, timestamp_len)?;
            let (nonce, rest) = take(rest, nonce_len)?;
            let body = body.unwrap_or_default();
            let (timestamp, nonce) = header_inputs(
                optional_utf8(timestamp, "timestamp")?,
                optional_utf8(nonce, "nonce")?,
                now_ms,
            )?;
            let host_digest = match kind {
                Body::Bytes => None,
                Body::HostSha256 => Some(take(rest, 32)?.0.unwrap_or_default()),
            };
            let digest = || match host_digest {
                None => body_digest_hex(body),
                Some(raw) => {
                    let mut hex = [0u8; 64];
                    hex_lower_into(raw, &mut hex);
                    hex
                }
            };
            let raw = self.inner.sign_raw(body.len(), digest, &timestamp, &nonce)?;
            let signature = core::str::from_utf8(&raw.signature).map_err(|_| internal("signature"))?;
            let mut header = String::with_capacity(160 + self.inner.app_id().len() + nonce.len());
            write_authorization_header(&mut header, self.inner.app_id(), &timestamp, &nonce, signature);

            write_output(io, &[&raw.body_digest, &raw.signature, timestamp.as_bytes(), nonce.as_bytes(), header.as_bytes()])?;
            let header_len = u32::try_from(header.len()).map_err(|_| internal("header length"))?;
            let nonce_len = u32::try_from(nonce.len()).map_err(|_| internal("nonce length"))?;
            Ok(nonce_len | header_len << 8)
        })
    }
}

/// Validates and builds a request for a bills endpoint with a field table from
/// `[json][endpoint][env][baseUrl][msgSrcId]` in the I/O buffer (the last three may be absent);
/// writes `url\nbody` back and returns its length.
#[wasm_bindgen]
// Primitives cross the boundary one by one (see the parent module).
#[allow(clippy::too_many_arguments)]
pub fn build_bills_io(
    json_len: i32,
    endpoint_len: i32,
    env_len: i32,
    base_url_len: i32,
    msg_src_id_len: i32,
    now_ms: f64,
    allow_unknown_fields: bool,
    max_body_bytes: Option<f64>,
) -> JsResult<usize> {
    with_io(|io| {
        let (json, rest) = take(io, json_len)?;
        let (endpoint, rest) = take(rest, endpoint_len)?;
        let (env, rest) = take(rest, env_len)?;
        let (base_url, rest) = take(rest, base_url_len)?;
        let (msg_src_id, _) = take(rest, msg_src_id_len)?;
        let endpoint = crate::bills::endpoint_named(optional_utf8(endpoint, "endpoint")?.unwrap_or_default())?;
        let options = BuildOptions {
            base_url: resolve_base_url(optional_utf8(env, "env")?, optional_utf8(base_url, "baseUrl")?)?,
            now_ms: epoch_ms(now_ms, "now")?,
            check: CheckOptions {
                msg_src_id: optional_utf8(msg_src_id, "msgSrcId")?.map(str::to_owned),
                allow_unknown_fields,
                apply_defaults: false,
                max_body_bytes: Some(body_limit(max_body_bytes)?),
            },
        };
        let request = build_request(endpoint, optional_utf8(json, "input")?.unwrap_or_default(), &options)?;
        write_output(io, &[request.url.as_bytes(), b"\n", request.body.as_bytes()])
    })
    .map_err(thrown)
}
