//! The wasm-bindgen surface: thin adapters from JavaScript values to the core.
//!
//! * Option bags are the package's snapshots, read with [`js::Options`]; JSON inputs arrive as
//!   text (the package `JSON.stringify`s objects once), bodies as `&str` or `&[u8]`.
//! * Results are plain objects built by serde-wasm-bindgen from the core's own types, or, on
//!   the signing path, the [`Signer`] class.
//! * Errors are thrown as `ChinaumsError` instances built here from the core's [`Error`].
//! * Keys arrive as JS strings and are copied once into wasm memory, into buffers wiped on
//!   drop (SECURITY.md).

mod js;

pub use js::register_error_class;

use js::{body_bytes, epoch_ms, instant, optional_text, required_text, thrown, to_js, whole_seconds, Options};
use wasm_bindgen::prelude::*;

use crate::bills::{endpoint_named, CheckOptions, Endpoint};
use crate::error::{Error, ErrorCode, Issue, Result};
use crate::limits::check_body_size;
use crate::notify::{CommunicationKey, NotifyParams, SignType};
use crate::open_body_sig::{self, AppKey, Authorization, BodyHash, OpenBodySigner, Tolerance, VerifyOptions, DEFAULT_TOLERANCE_SECONDS};
use crate::request::{resolve_base_url, BuildOptions};
use crate::time::BeijingTime;

type JsResult<T> = core::result::Result<T, JsValue>;

/// Runs `f` and throws its error as a `ChinaumsError`.
fn run<T>(f: impl FnOnce() -> Result<T>) -> JsResult<T> {
    f().map_err(thrown)
}

/// As [`run`], for results that cross as plain objects.
fn object<T: serde::Serialize>(f: impl FnOnce() -> Result<T>) -> JsResult<JsValue> {
    run(|| to_js(&f()?))
}

/// The appKey of an option bag.
fn app_key(options: &Options) -> Result<AppKey> {
    AppKey::new(&options.secret("appKey")?)
}

/// Timestamp and nonce to sign with: the caller's (checked by the signer), or the clock's and
/// the CSPRNG's, read only when needed.
fn header_inputs(timestamp: &JsValue, nonce: &JsValue, now: &JsValue, clock_offset_ms: &JsValue) -> Result<(String, String)> {
    let timestamp = match optional_text(timestamp, "timestamp")? {
        Some(timestamp) => timestamp,
        None => BeijingTime::from_epoch_ms(instant(now, clock_offset_ms)?)?.compact(),
    };
    let nonce = match optional_text(nonce, "nonce")? {
        Some(nonce) => nonce,
        None => crate::nonce::fresh_nonce()?,
    };
    Ok((timestamp, nonce))
}

fn options_header_inputs(options: &Options) -> Result<(String, String)> {
    header_inputs(&options.get("timestamp"), &options.get("nonce"), &options.get("now"), &options.get("clockOffsetMs"))
}

// ---------------------------------------------------------------------------------------------
// OPEN-BODY-SIG

/// Signs for one appId with the key state computed once (the hot path: bodies cross as `&str`
/// or `&[u8]`, header inputs as plain values, and the result as one object).
#[wasm_bindgen]
pub struct Signer {
    inner: OpenBodySigner,
}

#[wasm_bindgen]
impl Signer {
    /// `{ appId, appKey, maxBodyBytes? }`
    #[wasm_bindgen(constructor)]
    pub fn new(credentials: JsValue) -> JsResult<Signer> {
        run(|| {
            let options = Options::new(credentials, "the credentials", true)?;
            let app_id = options.required_text("appId")?;
            let signer = OpenBodySigner::new(&app_id, &app_key(&options)?)?.with_max_body_bytes(options.max_body_bytes()?)?;
            Ok(Signer { inner: signer })
        })
    }

    /// The appId this signer signs for.
    #[wasm_bindgen(getter)]
    pub fn app_id(&self) -> String {
        self.inner.app_id().to_owned()
    }

    /// Signs a body given as text (sent as UTF-8).
    pub fn sign_text(&self, body: &str, timestamp: JsValue, nonce: JsValue, now: JsValue, clock_offset_ms: JsValue) -> JsResult<JsValue> {
        self.sign(&BodyHash::of(body.as_bytes()), &timestamp, &nonce, &now, &clock_offset_ms)
    }

    /// Signs a body given as bytes.
    pub fn sign_bytes(&self, body: &[u8], timestamp: JsValue, nonce: JsValue, now: JsValue, clock_offset_ms: JsValue) -> JsResult<JsValue> {
        self.sign(&BodyHash::of(body), &timestamp, &nonce, &now, &clock_offset_ms)
    }

    /// Signs a body the package hashed part by part.
    pub fn sign_hashed(&self, body: BodyHasher, timestamp: JsValue, nonce: JsValue, now: JsValue, clock_offset_ms: JsValue) -> JsResult<JsValue> {
        self.sign(&body.inner, &timestamp, &nonce, &now, &clock_offset_ms)
    }
}

impl Signer {
    fn sign(&self, body: &BodyHash, timestamp: &JsValue, nonce: &JsValue, now: &JsValue, clock_offset_ms: &JsValue) -> JsResult<JsValue> {
        object(|| {
            // The cap first: nothing else is worth checking for a body that cannot be signed.
            check_body_size("body", body.len(), self.inner.max_body_bytes())?;
            let (timestamp, nonce) = header_inputs(timestamp, nonce, now, clock_offset_ms)?;
            self.inner.sign_hashed(body, &timestamp, &nonce)
        })
    }
}

/// A large body hashed part by part as the package hands it over, so that it is never copied
/// into wasm memory whole (which would keep the memory grown).
#[wasm_bindgen]
#[derive(Default)]
pub struct BodyHasher {
    inner: BodyHash,
}

#[wasm_bindgen]
impl BodyHasher {
    #[wasm_bindgen(constructor)]
    pub fn new() -> BodyHasher {
        BodyHasher::default()
    }

    /// The next part, as bytes.
    pub fn update(&mut self, part: &[u8]) {
        self.inner.update(part);
    }

    /// Lowercase hex SHA-256 of the parts (the hasher is consumed).
    pub fn finish(self) -> String {
        self.inner.hex()
    }
}

/// The body of an option bag, or its hash when the package streamed it.
fn body_hash(options: &Options, hashed: Option<BodyHasher>) -> Result<BodyHash> {
    match hashed {
        Some(hashed) => Ok(hashed.inner),
        None => body_bytes(&options.get("body"), "body").map(|body| BodyHash::of(&body)),
    }
}

/// `{ appId, timestamp, nonce }` of a header that verifies against the exact body received.
#[wasm_bindgen]
pub fn verify_open_body(options: JsValue, hashed: Option<BodyHasher>) -> JsResult<JsValue> {
    run(|| {
        let options = Options::new(options, "verifyOpenBody options", true)?;
        let authorization = options.required_text("authorization")?;
        let body = body_hash(&options, hashed)?;
        let key = app_key(&options)?;
        let verify = VerifyOptions { tolerance: tolerance(&options)?, max_body_bytes: options.max_body_bytes()? };
        let auth = open_body_sig::verify_hashed(&authorization, &body, &key, options.now()?, &verify)?;
        to_js(&Verified::from(&auth))
    })
}

/// The public parameters of a verified header.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Verified<'a> {
    app_id: &'a str,
    timestamp: &'a str,
    nonce: &'a str,
}

impl<'a> From<&'a Authorization> for Verified<'a> {
    fn from(auth: &'a Authorization) -> Self {
        Verified { app_id: &auth.app_id, timestamp: &auth.timestamp, nonce: &auth.nonce }
    }
}

fn tolerance(options: &Options) -> Result<Tolerance> {
    let seconds = options.number("toleranceSeconds")?.unwrap_or(f64::from(DEFAULT_TOLERANCE_SECONDS));
    if !(seconds.is_finite() && seconds >= 0.0) {
        return Err(Error::new(
            ErrorCode::FieldFormat,
            "toleranceSeconds",
            format!("toleranceSeconds must be a finite number of seconds, 0 or more (default {DEFAULT_TOLERANCE_SECONDS})"),
        ));
    }
    // Clamped to a century, far beyond any meaningful skew, so the cast cannot overflow.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(Tolerance::millis((seconds.min(3.2e9) * 1000.0).round() as u64))
}

/// `{ appId, timestamp, nonce, signature }` of a well-formed header.
#[wasm_bindgen]
pub fn parse_authorization(authorization: JsValue) -> JsResult<JsValue> {
    object(|| Authorization::parse(&required_text(&authorization, "authorization")?))
}

/// Stage 1.
#[wasm_bindgen]
pub fn body_digest(body: JsValue) -> JsResult<String> {
    run(|| Ok(open_body_sig::body_digest(&body_bytes(&body, "body")?)))
}

/// The header parameters, checked as the signer checks them.
fn header_params(options: &Options) -> Result<(String, String, String)> {
    let app_id = options.required_text("appId")?;
    let timestamp = options.required_text("timestamp")?;
    let nonce = options.required_text("nonce")?;
    open_body_sig::check_app_id(&app_id)?;
    open_body_sig::check_timestamp(&timestamp)?;
    open_body_sig::check_nonce(&nonce)?;
    Ok((app_id, timestamp, nonce))
}

/// Stage 2.
#[wasm_bindgen]
pub fn string_to_sign(parts: JsValue) -> JsResult<String> {
    run(|| {
        let parts = Options::new(parts, "stringToSign parts", true)?;
        let (app_id, timestamp, nonce) = header_params(&parts)?;
        let digest = parts.required_text("bodyDigest")?;
        if !(digest.len() == 64 && digest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))) {
            return Err(Error::new(ErrorCode::FieldFormat, "bodyDigest", "bodyDigest must be the 64-character lowercase hex SHA-256 of the body"));
        }
        Ok(open_body_sig::string_to_sign(&app_id, &timestamp, &nonce, &digest))
    })
}

/// Stage 3.
#[wasm_bindgen]
pub fn compute_signature(options: JsValue) -> JsResult<String> {
    run(|| {
        let options = Options::new(options, "computeSignature options", true)?;
        let key = app_key(&options)?;
        Ok(open_body_sig::signature(&key, &options.required_text("stringToSign")?))
    })
}

/// Stage 4, with every parameter checked so that no value can break out of its quotes.
#[wasm_bindgen]
pub fn authorization_header(parts: JsValue) -> JsResult<String> {
    run(|| {
        let parts = Options::new(parts, "authorizationHeader parts", true)?;
        let (app_id, timestamp, nonce) = header_params(&parts)?;
        let signature = parts.required_text("signature")?;
        if open_body_sig::decode_signature(&signature).is_none() {
            return Err(Error::new(ErrorCode::FieldFormat, "signature", "signature must be the 44-character padded Base64 of an HMAC-SHA256"));
        }
        Ok(open_body_sig::authorization_header(&app_id, &timestamp, &nonce, &signature))
    })
}

/// A fresh 32-character lowercase hex nonce.
#[wasm_bindgen]
pub fn create_nonce() -> JsResult<String> {
    run(crate::nonce::fresh_nonce)
}

/// `{ compact, dateTime, date }` of an instant at UTC+8.
#[wasm_bindgen]
pub fn beijing_time(epoch_ms_value: JsValue) -> JsResult<JsValue> {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Forms {
        compact: String,
        date_time: String,
        date: String,
    }
    object(|| {
        let ms = match epoch_ms_value.as_f64() {
            Some(ms) => epoch_ms(ms, "epochMs")?,
            None if epoch_ms_value.is_undefined() || epoch_ms_value.is_null() => {
                return Err(Error::new(ErrorCode::FieldRequired, "epochMs", "epochMs is required (for example Date.now())"))
            }
            None => return Err(Error::new(ErrorCode::FieldType, "epochMs", format!("epochMs must be epoch milliseconds (a number, e.g. Date.now()) or a Date, not {}", js::describe(&epoch_ms_value)))),
        };
        let t = BeijingTime::from_epoch_ms(ms)?;
        Ok(Forms { compact: t.compact(), date_time: t.date_time(), date: t.date() })
    })
}

/// Refuses an input the package measured but did not copy into wasm memory (which grows for
/// good): the rule and the message stay here. Bodies have their cap (`maxBodyBytes`), the
/// Authorization header its own; any other argument is a parameter, and none of this
/// protocol's is longer than the header cap.
#[wasm_bindgen]
pub fn check_input_size(field: &str, len: f64, max_body_bytes: JsValue) -> JsResult<()> {
    run(|| {
        // A JS length is a non-negative integer below 2^53; saturating keeps any value total.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let len = len.max(0.0).min(usize::MAX as f64) as usize;
        match field {
            "authorization" => open_body_sig::check_header_size(len),
            "body" | "content" | "input" | "text" => {
                check_body_size(field, len, js::body_limit(js::optional_number(&max_body_bytes, "maxBodyBytes")?)?)
            }
            _ if len <= open_body_sig::MAX_HEADER_LEN => Ok(()),
            _ => Err(oversized_parameter(field, len)),
        }
    })
}

/// The error a parameter far too long for its rule gets, without its text: the code its own
/// rule would give (a format for timestamps, names and tokens, a length otherwise).
fn oversized_parameter(field: &str, len: usize) -> Error {
    let what = match field {
        "timestamp" | "responseTimestamp" => "a Beijing date-time",
        "service" => "a bills endpoint name",
        "accessToken" => "the accessToken from the token response",
        _ => {
            return Error::new(
                ErrorCode::FieldLength,
                field,
                format!("{field} is {len} characters long; no parameter of this protocol is longer than {}", open_body_sig::MAX_HEADER_LEN),
            )
        }
    };
    Error::new(ErrorCode::FieldFormat, field, format!("{field} is {len} characters long; it must be {what}"))
}

/// Throws the error for options that are not an object.
#[wasm_bindgen]
pub fn check_options(options: JsValue, what: &str) -> JsResult<()> {
    run(|| Options::new(options, what, true).map(drop))
}

// ---------------------------------------------------------------------------------------------
// Bills requests and responses

/// `{ ok, issues }` parts and the body: fields the package could not encode (lone surrogates)
/// are reported here, first, and are not reported again as missing.
fn with_unencodable(unencodable: &[String], issues: Vec<Issue>) -> Vec<Issue> {
    let mut all: Vec<Issue> = unencodable
        .iter()
        .map(|field| {
            Issue::new(
                ErrorCode::BodyEncoding,
                field.clone(),
                format!(
                    "{field} contains a lone UTF-16 surrogate, which has no UTF-8 encoding; it would \
                     be silently replaced by U+FFFD and the bytes sent would differ from the text you hold"
                ),
            )
        })
        .collect();
    all.extend(issues.into_iter().filter(|i| !(i.code == ErrorCode::FieldRequired && i.field.as_ref().is_some_and(|f| unencodable.contains(f)))));
    all
}

fn read_check_options(options: &Options) -> Result<CheckOptions> {
    Ok(CheckOptions {
        msg_src_id: options.text("msgSrcId")?,
        allow_unknown_fields: options.flag("allowUnknownFields")?,
        apply_defaults: options.flag("applyDefaults")?,
        max_body_bytes: Some(options.max_body_bytes()?),
    })
}

fn build_options(options: &Options) -> Result<BuildOptions> {
    let base_url = resolve_base_url(options.text("env")?.as_deref(), options.text("baseUrl")?.as_deref())?;
    Ok(BuildOptions { base_url, now_ms: options.now()?, check: CheckOptions { apply_defaults: false, ..read_check_options(options)? } })
}

/// `{ ok, issues }` for a request to `endpoint`; throws only for an unknown endpoint name.
#[wasm_bindgen]
pub fn validate_bills(endpoint: &str, input_json: &str, unencodable: Vec<String>, options: JsValue) -> JsResult<JsValue> {
    #[derive(serde::Serialize)]
    struct Validation {
        ok: bool,
        issues: Vec<Issue>,
    }
    let endpoint = run(|| endpoint_named(endpoint))?;
    let issues = Options::new(options, "options", false)
        .and_then(|options| read_check_options(&options))
        .map_or_else(Error::into_issues, |check| crate::bills::validate_json(endpoint, input_json, &check));
    let issues = with_unencodable(&unencodable, issues);
    object(|| Ok(Validation { ok: issues.is_empty(), issues }))
}

/// Validates and builds a request to `endpoint`: `{ method, url, headers, body }`.
#[wasm_bindgen]
pub fn build_bills(endpoint: &str, input_json: &str, unencodable: Vec<String>, options: JsValue, what: &str) -> JsResult<JsValue> {
    object(|| {
        let endpoint: &'static Endpoint = endpoint_named(endpoint)?;
        let options = build_options(&Options::new(options, what, false)?)?;
        if !unencodable.is_empty() {
            return Err(Error::from_issues(with_unencodable(&unencodable, Vec::new())));
        }
        crate::request::build_request(endpoint, input_json, &options)
    })
}

/// The admin-panel preview of a request to `endpoint` (no key).
#[wasm_bindgen]
pub fn preview_bills(endpoint: &str, input_json: &str, unencodable: Vec<String>, options: JsValue) -> JsResult<JsValue> {
    object(|| {
        let endpoint = endpoint_named(endpoint)?;
        let options = Options::new(options, "previewPreauthCancel options", true)?;
        let build = build_options(&options)?;
        let preview_options = crate::preview::PreviewOptions { build, app_id: options.required_text("appId")?, nonce: options.text("nonce")? };
        let mut preview = crate::preview::preview(endpoint, input_json, &preview_options)?;
        if !unencodable.is_empty() {
            preview.issues = with_unencodable(&unencodable, core::mem::take(&mut preview.issues));
            preview.ok = false;
            (preview.request, preview.body_digest, preview.curl) = (None, None, None);
        }
        Ok(preview)
    })
}

/// Any other bills endpoint, the body written exactly.
#[wasm_bindgen]
pub fn build_request(service: JsValue, input_json: &str, unencodable: Vec<String>, options: JsValue) -> JsResult<JsValue> {
    object(|| {
        let service = required_text(&service, "service")?;
        let options = Options::new(options, "buildRequest options", false)?;
        let base_url = resolve_base_url(options.text("env")?.as_deref(), options.text("baseUrl")?.as_deref())?;
        let now = options.now()?;
        if !unencodable.is_empty() {
            return Err(Error::from_issues(with_unencodable(&unencodable, Vec::new())));
        }
        crate::generic_request::build_bills_request(&service, input_json, &base_url, now)
    })
}

/// Text from a string or UTF-8 bytes (bytes that are not UTF-8 are an encoding error).
fn text_input(value: &JsValue, field: &str) -> Result<String> {
    if value.is_instance_of::<js_sys::Uint8Array>() {
        let bytes = body_bytes(value, field)?;
        return String::from_utf8(bytes).map_err(|e| {
            Error::new(ErrorCode::BodyEncoding, field, format!("{field} is not valid UTF-8 (first bad byte at offset {}); JSON must be sent as UTF-8 text", e.utf8_error().valid_up_to()))
        });
    }
    required_text(value, field)
}

/// Any bills response: `{ ok, errCode, errMsg, billStatus, billPayment, … }`, amounts in fen.
#[wasm_bindgen]
pub fn parse_bills_response(text: JsValue, options: JsValue) -> JsResult<JsValue> {
    object(|| {
        let max = Options::new(options, "options", false)?.max_body_bytes()?;
        crate::bills::BillsResponse::parse_with_limit(&text_input(&text, "text")?, max)
    })
}

/// The gateway's clock minus the host's, in ms, from a response's `responseTimestamp`.
#[wasm_bindgen]
pub fn clock_offset(server_timestamp: JsValue, received_at: JsValue) -> JsResult<f64> {
    run(|| {
        let server_timestamp = required_text(&server_timestamp, "responseTimestamp")?;
        let received = match js::optional_number(&received_at, "receivedAt")? {
            Some(ms) => epoch_ms(ms, "receivedAt")?,
            None => epoch_ms(js_sys::Date::now(), "receivedAt")?,
        };
        // Both instants are within years 0001-9999, so the difference is exactly representable.
        #[allow(clippy::cast_precision_loss)]
        crate::clock::clock_offset_ms(&server_timestamp, received).map(|ms| ms as f64)
    })
}

// ---------------------------------------------------------------------------------------------
// Token mode, OPEN-FORM-PARAM, notifications, response signatures

/// The token request: `{ method, url, headers, body }`.
#[wasm_bindgen]
pub fn access_token_request(options: JsValue) -> JsResult<JsValue> {
    object(|| {
        let options = Options::new(options, "accessTokenRequest options", true)?;
        let app_id = options.required_text("appId")?;
        let key = app_key(&options)?;
        let base_url = resolve_base_url(options.text("env")?.as_deref(), options.text("baseUrl")?.as_deref())?;
        let (timestamp, nonce) = options_header_inputs(&options)?;
        let request = crate::token::access_token_request(&app_id, &key, &timestamp, &nonce, &base_url)?;
        Ok(crate::request::HttpRequest { method: "POST", url: request.url, content_type: "application/json", body: request.body })
    })
}

/// `{ accessToken, expiresIn, expiresAt }`; a refusal throws ERR_PLATFORM with `platformCode`.
#[wasm_bindgen]
pub fn parse_access_token_response(text: JsValue, options: JsValue) -> JsResult<JsValue> {
    object(|| {
        let now = Options::new(options, "options", false)?.now()?;
        crate::token::parse_access_token_response(&text_input(&text, "text")?, now)
    })
}

/// `OPEN-ACCESS-TOKEN AccessToken=<token>`
#[wasm_bindgen]
pub fn token_authorization(token: JsValue) -> JsResult<String> {
    run(|| crate::token::token_authorization(&required_text(&token, "accessToken")?))
}

/// Holds the current access token and says when to refresh it (no timers: Workers allow none
/// outside a request).
#[wasm_bindgen]
pub struct TokenHolder {
    inner: crate::token::AccessTokenHolder,
    margin_seconds: u32,
}

#[wasm_bindgen]
impl TokenHolder {
    /// `{ marginSeconds? }` (default 300).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<TokenHolder> {
        run(|| {
            let options = Options::new(options, "AccessTokenHolder options", false)?;
            let margin = options.get("marginSeconds");
            let margin_seconds = if margin.is_undefined() || margin.is_null() {
                crate::token::DEFAULT_REFRESH_MARGIN_SECONDS
            } else {
                let seconds = margin.as_f64().filter(|s| s.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(s));
                // Whole and within u32 (checked just above).
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                seconds.map(|s| s as u32).ok_or_else(|| {
                    Error::new(ErrorCode::FieldFormat, "marginSeconds", format!("marginSeconds must be a whole number of seconds, 0 or more, not {}", js::describe(&margin)))
                })?
            };
            Ok(TokenHolder { inner: crate::token::AccessTokenHolder::new(margin_seconds), margin_seconds })
        })
    }

    /// Takes a parsed token response (or a cached `{ accessToken, expiresIn, expiresAt }`).
    pub fn update(&mut self, token: JsValue) -> JsResult<()> {
        run(|| {
            let token = Options::new(token, "the token", true).map_err(|e| Error::new(e.code(), "token", e.message()))?;
            let access_token = token.required_text("accessToken")?;
            crate::token::token_authorization(&access_token)?;
            let number = |name: &str| token.number(name)?.ok_or_else(|| Error::new(ErrorCode::FieldType, name, format!("{name} must be a number, not undefined")));
            let expires_in = whole_seconds(number("expiresIn")?, "expiresIn")?;
            let expires_at_ms = epoch_ms(number("expiresAt")?, "expiresAt")?;
            self.inner.update(crate::token::AccessToken { access_token, expires_in, expires_at_ms });
            Ok(())
        })
    }

    /// Forgets the token.
    pub fn clear(&mut self) {
        self.inner.clear();
    }

    /// Whether to fetch a new token at `now` (epoch ms; the clock when absent).
    pub fn needs_refresh(&self, now: JsValue) -> JsResult<bool> {
        run(|| Ok(self.inner.needs_refresh(instant(&now, &JsValue::UNDEFINED)?)))
    }

    /// The header while the token is valid; ERR_TOKEN_EXPIRED otherwise.
    pub fn authorization(&self, now: JsValue) -> JsResult<String> {
        run(|| self.inner.authorization(instant(&now, &JsValue::UNDEFINED)?))
    }

    /// Epoch ms the token expires at, if one is held.
    #[wasm_bindgen(getter)]
    pub fn expires_at(&self) -> Option<f64> {
        // Within years 0001-9999 (checked by update), so exactly representable.
        #[allow(clippy::cast_precision_loss)]
        self.inner.token().map(|t| t.expires_at_ms as f64)
    }

    /// Epoch ms from which `needsRefresh()` is true, if a token is held.
    #[wasm_bindgen(getter)]
    pub fn refresh_at(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)]
        self.inner.refresh_at_ms().map(|ms| ms as f64)
    }

    /// The margin, in seconds.
    #[wasm_bindgen(getter)]
    pub fn margin_seconds(&self) -> u32 {
        self.margin_seconds
    }
}

/// The full signed OPEN-FORM-PARAM GET URL.
#[wasm_bindgen]
pub fn form_param_url(options: JsValue, content: JsValue) -> JsResult<String> {
    run(|| {
        let options = Options::new(options, "formParamUrl options", true)?;
        let app_id = options.required_text("appId")?;
        let key = app_key(&options)?;
        let url = options.required_text("url")?;
        let (timestamp, nonce) = options_header_inputs(&options)?;
        let content = required_text(&content, "content")?;
        crate::form_param::form_param_url(&app_id, &key, &url, &content, &timestamp, &nonce).map(|signed| signed.url)
    })
}

fn notify_params(params: &str, form: bool) -> Result<NotifyParams> {
    if form {
        NotifyParams::from_form(params)
    } else {
        NotifyParams::from_json(params)
    }
}

fn communication_key(key: &JsValue) -> Result<CommunicationKey> {
    CommunicationKey::new(&zeroize::Zeroizing::new(required_text(key, "communicationKey")?))
}

fn sign_type_option(options: JsValue, field: &str) -> Result<Option<SignType>> {
    Options::new(options, "options", false)?.text(field)?.map(|text| SignType::parse_option(&text, field)).transpose()
}

/// Whether a notification (`params`: a raw form body when `form`, else JSON text; `None` when
/// the package found it undecodable) carries a valid signature. Throws only for a bad key or
/// option; a bad notification is `false`.
#[wasm_bindgen]
pub fn verify_notification(params: Option<String>, form: bool, key: JsValue, options: JsValue) -> JsResult<bool> {
    run(|| {
        let key = communication_key(&key)?;
        let default = sign_type_option(options, "defaultSignType")?.unwrap_or(SignType::Md5);
        Ok(params.is_some_and(|params| notify_params(&params, form).is_ok_and(|p| crate::notify::verify_notification(&p, &key, default))))
    })
}

/// The uppercase hex `sign` of a notification.
#[wasm_bindgen]
pub fn sign_notification(params: &str, form: bool, key: JsValue, options: JsValue) -> JsResult<String> {
    run(|| {
        let key = communication_key(&key)?;
        let sign_type = sign_type_option(options, "signType")?;
        crate::notify::sign_notification(&notify_params(params, form)?, &key, sign_type)
    })
}

/// The string a notification's signature covers, without the key.
#[wasm_bindgen]
pub fn notification_string_to_sign(params: &str, form: bool) -> JsResult<String> {
    run(|| notify_params(params, form)?.string_to_sign())
}

/// A notification's fields, `billPayment` parsed, amounts as integer fen.
#[wasm_bindgen]
pub fn parse_notification(params: &str, form: bool) -> JsResult<JsValue> {
    object(|| notify_params(params, form)?.to_value())
}

/// `{ signed: false }` without an Authorization header, `{ signed: true, appId, timestamp,
/// nonce }` for one that verifies; throws for one that does not.
#[wasm_bindgen]
pub fn verify_response_signature(options: JsValue, hashed: Option<BodyHasher>) -> JsResult<JsValue> {
    #[derive(serde::Serialize)]
    struct Checked<'a> {
        signed: bool,
        #[serde(flatten, skip_serializing_if = "Option::is_none")]
        header: Option<Verified<'a>>,
    }
    run(|| {
        let options = Options::new(options, "verifyResponseSignature options", true)?;
        let authorization = options.text("authorization")?;
        let body = body_hash(&options, hashed)?;
        let key = app_key(&options)?;
        let checked = crate::response_signature::verify_response_signature(authorization.as_deref(), &body, &key, options.now()?, tolerance(&options)?)?;
        match &checked {
            crate::response_signature::ResponseSignature::Unsigned => to_js(&Checked { signed: false, header: None }),
            crate::response_signature::ResponseSignature::Verified(auth) => to_js(&Checked { signed: true, header: Some(Verified::from(auth)) }),
        }
    })
}

