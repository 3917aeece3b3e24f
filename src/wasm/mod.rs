//! The wasm-bindgen surface: thin adapters from JavaScript primitives to the core.
//!
//! Conventions, kept deliberately simple so that the boundary is cheap and the JavaScript
//! wrapper (`pkg/src/api.js`) can stay small:
//! * arguments are primitives already type-checked by the wrapper; `undefined` options arrive
//!   as `None`;
//! * several results come back as one string joined by `\n` (every part is validated to be
//!   free of control characters), structured results as JSON text;
//! * errors are thrown as the JSON of [`Error::to_json`], which the wrapper turns into a
//!   `ChinaumsError`;
//! * the appKey arrives as an owned `String` (not `&str`) so that its copy in wasm memory is
//!   wiped before it is freed (SECURITY.md).

mod io;

pub use io::{build_bills_io, io_address, io_reserve, read_result, write_parts};

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::bills::CheckOptions;
use crate::error::{issues_to_json, Error, ErrorCode};
use crate::limits::{check_body_size, check_max_body_bytes, DEFAULT_MAX_BODY_BYTES};
use crate::nonce::fresh_nonce;
use crate::open_body_sig::{self, AppKey, Authorization, OpenBodySigner, Tolerance, VerifyOptions};
use crate::request::resolve_base_url;
use crate::time::BeijingTime;

type JsResult<T> = Result<T, JsValue>;

fn thrown(err: Error) -> JsValue {
    JsValue::from_str(&err.to_json())
}

/// Epoch milliseconds from a JS number: finite, floored, within years 0001-9999.
fn epoch_ms(value: f64, field: &str) -> Result<i64, Error> {
    let bad = || {
        Error::new(
            ErrorCode::FieldFormat,
            field,
            format!("{field} must be a finite number of epoch milliseconds (for example Date.now())"),
        )
    };
    if !value.is_finite() {
        return Err(bad());
    }
    let floored = value.floor();
    if !(crate::time::MIN_EPOCH_MS as f64..=crate::time::MAX_EPOCH_MS as f64).contains(&floored) {
        return Err(bad());
    }
    // In range, so the conversion is exact.
    #[allow(clippy::cast_possible_truncation)]
    Ok(floored as i64)
}

/// A body cap from a JS number: absent means the default; otherwise a whole number of bytes
/// from 0 to 1 GiB.
fn body_limit(value: Option<f64>) -> Result<usize, Error> {
    let Some(value) = value else { return Ok(DEFAULT_MAX_BODY_BYTES) };
    if !(value.is_finite() && value >= 0.0 && value.fract() == 0.0) {
        return Err(Error::new(
            ErrorCode::FieldFormat,
            "maxBodyBytes",
            format!("maxBodyBytes must be a whole number of bytes, 0 or more (default {DEFAULT_MAX_BODY_BYTES})"),
        ));
    }
    // Whole and non-negative; values past the ceiling saturate and are refused just below.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    check_max_body_bytes(value.min(u32::MAX as f64) as usize)
}

/// The key text as an `AppKey`, wiping the argument's copy in wasm memory on return.
fn app_key(text: String) -> Result<AppKey, Error> {
    let text = Zeroizing::new(text);
    AppKey::new(&text)
}

fn joined(parts: &[&str]) -> String {
    parts.join("\n")
}

/// Timestamp and nonce to sign with: the caller's (checked later, by the signing code), or the
/// clock's and the CSPRNG's.
fn header_inputs(timestamp: Option<&str>, nonce: Option<&str>, now_ms: f64) -> Result<(String, String), Error> {
    let timestamp = match timestamp {
        Some(ts) => ts.to_owned(),
        None => BeijingTime::from_epoch_ms(epoch_ms(now_ms, "now")?)?.compact(),
    };
    let nonce = match nonce {
        Some(n) => n.to_owned(),
        None => fresh_nonce()?,
    };
    Ok((timestamp, nonce))
}

/// Signs for one appId with the key state computed once.
#[wasm_bindgen]
pub struct WasmSigner {
    inner: OpenBodySigner,
}

#[wasm_bindgen]
impl WasmSigner {
    /// Binds the credentials and the body cap (`None`: 1 MiB).
    #[wasm_bindgen(constructor)]
    pub fn new(app_id: &str, app_key: String, max_body_bytes: Option<f64>) -> JsResult<WasmSigner> {
        let key = self::app_key(app_key).map_err(thrown)?;
        let max_body_bytes = body_limit(max_body_bytes).map_err(thrown)?;
        let inner = OpenBodySigner::new(app_id, &key)
            .and_then(|signer| signer.with_max_body_bytes(max_body_bytes))
            .map_err(thrown)?;
        Ok(WasmSigner { inner })
    }

}

/// `appId\ntimestamp\nnonce` of a header that verifies.
#[wasm_bindgen]
pub fn verify_open_body(
    authorization: &str,
    body: &[u8],
    app_key: String,
    now_ms: f64,
    tolerance_seconds: f64,
    max_body_bytes: Option<f64>,
) -> JsResult<String> {
    let key = self::app_key(app_key).map_err(thrown)?;
    let max_body_bytes = body_limit(max_body_bytes).map_err(thrown)?;
    let now = epoch_ms(now_ms, "now").map_err(thrown)?;
    let tolerance = tolerance(tolerance_seconds).map_err(thrown)?;
    let options = VerifyOptions { tolerance, max_body_bytes };
    let auth = open_body_sig::verify_open_body_with(authorization, body, &key, now, &options).map_err(thrown)?;
    Ok(joined(&[&auth.app_id, &auth.timestamp, &auth.nonce]))
}

fn tolerance(seconds: f64) -> Result<Tolerance, Error> {
    if !(seconds.is_finite() && seconds >= 0.0) {
        return Err(Error::new(
            ErrorCode::FieldFormat,
            "toleranceSeconds",
            "toleranceSeconds must be a finite number of seconds, 0 or more (default 300)",
        ));
    }
    // Clamped to a century, far beyond any meaningful skew, so the cast cannot overflow.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(Tolerance::millis((seconds.min(3.2e9) * 1000.0).round() as u64))
}

/// `appId\ntimestamp\nnonce\nsignature` of a well-formed header.
#[wasm_bindgen]
pub fn parse_authorization(authorization: &str) -> JsResult<String> {
    let auth = Authorization::parse(authorization).map_err(thrown)?;
    Ok(joined(&[&auth.app_id, &auth.timestamp, &auth.nonce, &auth.signature]))
}

/// Stage 1.
#[wasm_bindgen]
pub fn body_digest(body: &[u8]) -> String {
    open_body_sig::body_digest(body)
}

/// Stage 2, with the header parameters checked as the signer checks them.
#[wasm_bindgen]
pub fn string_to_sign(app_id: &str, timestamp: &str, nonce: &str, body_digest: &str) -> JsResult<String> {
    open_body_sig::check_app_id(app_id).map_err(thrown)?;
    open_body_sig::check_timestamp(timestamp).map_err(thrown)?;
    open_body_sig::check_nonce(nonce).map_err(thrown)?;
    let digest_ok = body_digest.len() == 64 && body_digest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !digest_ok {
        return Err(thrown(Error::new(
            ErrorCode::FieldFormat,
            "bodyDigest",
            "bodyDigest must be the 64-character lowercase hex SHA-256 of the body",
        )));
    }
    Ok(open_body_sig::string_to_sign(app_id, timestamp, nonce, body_digest))
}

/// Stage 3.
#[wasm_bindgen]
pub fn signature(app_key: String, string_to_sign: &str) -> JsResult<String> {
    let key = self::app_key(app_key).map_err(thrown)?;
    Ok(open_body_sig::signature(&key, string_to_sign))
}

/// Stage 4, with every parameter checked so that no value can break out of its quotes.
#[wasm_bindgen]
pub fn authorization_header(app_id: &str, timestamp: &str, nonce: &str, signature: &str) -> JsResult<String> {
    open_body_sig::check_app_id(app_id).map_err(thrown)?;
    open_body_sig::check_timestamp(timestamp).map_err(thrown)?;
    open_body_sig::check_nonce(nonce).map_err(thrown)?;
    if crate::encoding::decode_base64_mac(signature).is_none() {
        return Err(thrown(Error::new(
            ErrorCode::FieldFormat,
            "signature",
            "signature must be the 44-character padded Base64 of an HMAC-SHA256",
        )));
    }
    Ok(open_body_sig::authorization_header(app_id, timestamp, nonce, signature))
}

/// A fresh 32-character lowercase hex nonce.
#[wasm_bindgen]
pub fn nonce() -> JsResult<String> {
    fresh_nonce().map_err(thrown)
}

/// `compact\ndateTime\ndate`
#[wasm_bindgen]
pub fn beijing_time(epoch: f64) -> JsResult<String> {
    let ms = epoch_ms(epoch, "epochMs").map_err(thrown)?;
    let t = BeijingTime::from_epoch_ms(ms).map_err(thrown)?;
    Ok(joined(&[&t.compact(), &t.date_time(), &t.date()]))
}

/// The size check of an input the wrapper has measured but not copied into wasm memory (which
/// would grow for good): the `authorization` header against its fixed cap, anything else
/// against `max_body_bytes`. The wrapper calls this only for inputs it found too large, so
/// that the rule and the message stay here.
#[wasm_bindgen]
pub fn check_input_size(field: &str, len: f64, max_body_bytes: Option<f64>) -> JsResult<()> {
    // A JS length is a non-negative integer below 2^53; saturating keeps any value total.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let len = len.max(0.0).min(usize::MAX as f64) as usize;
    let checked = if field == "authorization" {
        open_body_sig::check_header_size(len)
    } else {
        body_limit(max_body_bytes).and_then(|max| check_body_size(field, len, max))
    };
    checked.map_err(thrown)
}

// ---------------------------------------------------------------------------------------------
// The rest of the protocol (issue 6): token mode, OPEN-FORM-PARAM, notifications, response
// signatures, the preauth lifecycle, any other bills endpoint, clock offsets.

/// A whole, non-negative count from a JS number (seconds), for lifetimes and margins.
fn whole_seconds(value: f64, field: &str) -> Result<u64, Error> {
    if !((0.0..=3.2e9).contains(&value) && value.fract() == 0.0) {
        return Err(Error::new(
            ErrorCode::FieldFormat,
            field,
            format!("{field} must be a whole number of seconds, 0 or more"),
        ));
    }
    // Checked above: whole, non-negative and far below u64::MAX.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(value as u64)
}

/// `url\nbody` of a signed access-token request.
#[wasm_bindgen]
pub fn access_token_request(
    app_id: &str,
    app_key: String,
    timestamp: Option<String>,
    nonce: Option<String>,
    now_ms: f64,
    env: Option<String>,
    base_url: Option<String>,
) -> JsResult<String> {
    let key = self::app_key(app_key).map_err(thrown)?;
    let base_url = resolve_base_url(env.as_deref(), base_url.as_deref()).map_err(thrown)?;
    let (timestamp, nonce) = header_inputs(timestamp.as_deref(), nonce.as_deref(), now_ms).map_err(thrown)?;
    let request = crate::token::access_token_request(app_id, &key, &timestamp, &nonce, &base_url).map_err(thrown)?;
    Ok(joined(&[&request.url, &request.body]))
}

/// `{"accessToken":…,"expiresIn":…,"expiresAt":…}`; a refusal throws ERR_PLATFORM with the
/// platform's code in `platformCode`.
#[wasm_bindgen]
pub fn parse_access_token_response(text: &str, now_ms: f64) -> JsResult<String> {
    let now = epoch_ms(now_ms, "now").map_err(thrown)?;
    crate::token::parse_access_token_response(text, now).map(|t| t.to_json()).map_err(thrown)
}

/// The instant (epoch ms) a token is due for refresh.
#[wasm_bindgen]
pub fn access_token_refresh_at(expires_at_ms: f64, expires_in_seconds: f64, margin_seconds: f64) -> JsResult<f64> {
    let expires_at = epoch_ms(expires_at_ms, "expiresAt").map_err(thrown)?;
    let expires_in = whole_seconds(expires_in_seconds, "expiresIn").map_err(thrown)?;
    let margin = whole_seconds(margin_seconds, "marginSeconds").map_err(thrown)?;
    // Within the epoch range checked above, so exactly representable.
    #[allow(clippy::cast_precision_loss)]
    Ok(crate::token::refresh_at_ms(expires_at, expires_in, margin.saturating_mul(1000)) as f64)
}

/// `OPEN-ACCESS-TOKEN AccessToken=<token>`
#[wasm_bindgen]
pub fn token_authorization(token: &str) -> JsResult<String> {
    crate::token::token_authorization(token).map_err(thrown)
}

/// The full signed OPEN-FORM-PARAM GET URL.
#[wasm_bindgen]
pub fn form_param_url(
    app_id: &str,
    app_key: String,
    url: &str,
    content: &str,
    timestamp: Option<String>,
    nonce: Option<String>,
    now_ms: f64,
) -> JsResult<String> {
    let key = self::app_key(app_key).map_err(thrown)?;
    let (timestamp, nonce) = header_inputs(timestamp.as_deref(), nonce.as_deref(), now_ms).map_err(thrown)?;
    crate::form_param::form_param_url(app_id, &key, url, content, &timestamp, &nonce)
        .map(|signed| signed.url)
        .map_err(thrown)
}

fn notify_params(params: &str, form: bool) -> Result<crate::notify::NotifyParams, Error> {
    if form {
        crate::notify::NotifyParams::from_form(params)
    } else {
        crate::notify::NotifyParams::from_json(params)
    }
}

/// The communication key, wiping the argument's copy in wasm memory on return.
fn communication_key(text: String) -> Result<crate::notify::CommunicationKey, Error> {
    let text = Zeroizing::new(text);
    crate::notify::CommunicationKey::new(&text)
}

fn sign_type_option(value: Option<String>, field: &str) -> Result<Option<crate::notify::SignType>, Error> {
    value.map(|text| crate::notify::SignType::parse_option(&text, field)).transpose()
}

/// Whether a notification (`params`: a raw form body when `form`, else a JSON object) carries
/// a valid signature. Throws only for a bad key or option; a bad notification is `false`.
#[wasm_bindgen]
pub fn verify_notification(params: &str, form: bool, key: String, default_sign_type: Option<String>) -> JsResult<bool> {
    let key = communication_key(key).map_err(thrown)?;
    let default = sign_type_option(default_sign_type, "defaultSignType")
        .map_err(thrown)?
        .unwrap_or(crate::notify::SignType::Md5);
    Ok(notify_params(params, form).is_ok_and(|p| crate::notify::verify_notification(&p, &key, default)))
}

/// The uppercase hex `sign` of a notification.
#[wasm_bindgen]
pub fn sign_notification(params: &str, form: bool, key: String, sign_type: Option<String>) -> JsResult<String> {
    let key = communication_key(key).map_err(thrown)?;
    let sign_type = sign_type_option(sign_type, "signType").map_err(thrown)?;
    let params = notify_params(params, form).map_err(thrown)?;
    crate::notify::sign_notification(&params, &key, sign_type).map_err(thrown)
}

/// The string a notification's signature covers, without the key.
#[wasm_bindgen]
pub fn notification_string_to_sign(params: &str, form: bool) -> JsResult<String> {
    notify_params(params, form).and_then(|p| p.string_to_sign()).map_err(thrown)
}

/// A notification's fields as JSON, `billPayment` parsed, amounts as integer fen.
#[wasm_bindgen]
pub fn parse_notification(params: &str, form: bool) -> JsResult<String> {
    notify_params(params, form).and_then(|p| p.to_json()).map_err(thrown)
}

/// `{"signed":false}` for a response without an Authorization header, `{"signed":true,
/// "appId":…,"timestamp":…,"nonce":…}` for one that verifies; throws for one that does not.
#[wasm_bindgen]
pub fn verify_response_signature(
    authorization: Option<String>,
    body: &[u8],
    app_key: String,
    now_ms: f64,
    tolerance_seconds: f64,
) -> JsResult<String> {
    use crate::response_signature::ResponseSignature;
    let key = self::app_key(app_key).map_err(thrown)?;
    let now = epoch_ms(now_ms, "now").map_err(thrown)?;
    let tolerance = tolerance(tolerance_seconds).map_err(thrown)?;
    let checked = crate::response_signature::verify_response_signature(authorization.as_deref(), body, &key, now, tolerance)
        .map_err(thrown)?;
    let mut out = String::from("{\"signed\":");
    match checked {
        ResponseSignature::Unsigned => out.push_str("false"),
        ResponseSignature::Verified(auth) => {
            out.push_str("true");
            for (name, value) in [("appId", &auth.app_id), ("timestamp", &auth.timestamp), ("nonce", &auth.nonce)] {
                out.push_str(",\"");
                out.push_str(name);
                out.push_str("\":");
                crate::json::write_string(&mut out, value);
            }
        }
    }
    out.push('}');
    Ok(out)
}

/// The issues of a request for a bills endpoint with a field table (`preauth-cancel`,
/// `preauthed`, `preauthed-cancel`, `query`), as a JSON array. Throws only for an unknown
/// endpoint name.
#[wasm_bindgen]
pub fn validate_bills(
    endpoint: &str,
    input_json: &str,
    msg_src_id: Option<String>,
    allow_unknown_fields: bool,
    apply_defaults: bool,
    max_body_bytes: Option<f64>,
) -> JsResult<String> {
    let endpoint = crate::bills::endpoint_named(endpoint).map_err(thrown)?;
    let max_body_bytes = match body_limit(max_body_bytes) {
        Ok(max) => Some(max),
        Err(err) => return Ok(issues_to_json(&err.into_issues())),
    };
    let options = CheckOptions { msg_src_id, allow_unknown_fields, apply_defaults, max_body_bytes };
    Ok(issues_to_json(&crate::bills::validate_json(endpoint, input_json, &options)))
}

/// `url\nbody` of a request for any bills service, body serialized exactly.
#[wasm_bindgen]
pub fn build_bills_request(
    service: &str,
    input_json: &str,
    env: Option<String>,
    base_url: Option<String>,
    now_ms: f64,
) -> JsResult<String> {
    let base_url = resolve_base_url(env.as_deref(), base_url.as_deref()).map_err(thrown)?;
    let now = epoch_ms(now_ms, "now").map_err(thrown)?;
    let request = crate::generic_request::build_bills_request(service, input_json, &base_url, now).map_err(thrown)?;
    Ok(joined(&[&request.url, &request.body]))
}

/// The normalized JSON of any bills response.
#[wasm_bindgen]
pub fn parse_bills_response(text: &str, max_body_bytes: Option<f64>) -> JsResult<String> {
    let max_body_bytes = body_limit(max_body_bytes).map_err(thrown)?;
    crate::bills::BillsResponse::parse_with_limit(text, max_body_bytes).map(|r| r.to_json()).map_err(thrown)
}

/// The gateway's clock minus the host's, in ms, from a response's `responseTimestamp`.
#[wasm_bindgen]
pub fn clock_offset(server_timestamp: &str, received_at_ms: f64) -> JsResult<f64> {
    let received = epoch_ms(received_at_ms, "receivedAt").map_err(thrown)?;
    // Both instants are within years 0001-9999, so the difference is exactly representable.
    #[allow(clippy::cast_precision_loss)]
    crate::clock::clock_offset_ms(server_timestamp, received).map(|ms| ms as f64).map_err(thrown)
}
