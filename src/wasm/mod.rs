//! The wasm-bindgen surface: thin adapters from JavaScript values to the core. Option bags are
//! the package's snapshots ([`js::Options`]), JSON inputs arrive as text (the package
//! stringifies objects once), bodies as `&str` or `&[u8]`. Results are plain objects made by
//! serde-wasm-bindgen from the core's types, or classes; errors are `ChinaumsError`s built from
//! the core's [`Error`]. Keys are copied once into wasm memory, into buffers wiped on drop.

mod js;
mod recovery;

pub use js::register_error_class;
pub use recovery::{recovery_query_input, Recovery};

use js::{body_bytes, instant, is_absent, optional_text, required_text, text_input, thrown, to_js, Options};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::bills::{endpoint_named, with_unencodable, BillsResponse, CheckOptions};
use crate::error::{Error, ErrorCode, Result};
use crate::notify::{Canonicalization, CommunicationKey, NotifyParams, SignType};
use crate::numbers::{body_limit, epoch_ms, tolerance, whole_seconds};
use crate::open_body_sig::{self as sig, AppKey, Authorization, BodyHash, OpenBodySigner, VerifyOptions};
use crate::request::{BuildOptions, HttpRequest};
use crate::time::BeijingTime;

type JsResult<T> = core::result::Result<T, JsValue>;

fn run<T>(f: impl FnOnce() -> Result<T>) -> JsResult<T> {
    f().map_err(thrown)
}

fn object<T: Serialize>(f: impl FnOnce() -> Result<T>) -> JsResult<JsValue> {
    run(|| to_js(&f()?))
}

fn app_key(options: &Options) -> Result<AppKey> {
    AppKey::new(&options.secret("appKey")?)
}

/// The caller's timestamp and nonce (checked by the signer), else the clock's and the CSPRNG's.
fn header_inputs(timestamp: &JsValue, nonce: &JsValue, now: &JsValue, clock_offset_ms: &JsValue) -> Result<(String, String)> {
    let timestamp = match optional_text(timestamp, "timestamp")? {
        Some(timestamp) => timestamp,
        None => BeijingTime::from_epoch_ms(instant(now, clock_offset_ms)?)?.compact(),
    };
    Ok((timestamp, optional_text(nonce, "nonce")?.map_or_else(crate::nonce::fresh_nonce, Ok)?))
}

fn options_header_inputs(o: &Options) -> Result<(String, String)> {
    header_inputs(&o.get("timestamp"), &o.get("nonce"), &o.get("now"), &o.get("clockOffsetMs"))
}

// OPEN-BODY-SIG ------------------------------------------------------------------------------

/// Signs for one appId with the key state computed once (the hot path).
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
            let o = Options::new(credentials, "the credentials", true)?;
            let inner = OpenBodySigner::new(&o.required_text("appId")?, &app_key(&o)?)?.with_max_body_bytes(o.max_body_bytes()?)?;
            Ok(Signer { inner })
        })
    }

    #[wasm_bindgen(getter)]
    pub fn app_id(&self) -> String {
        self.inner.app_id().to_owned()
    }

    pub fn sign_text(&self, body: &str, timestamp: JsValue, nonce: JsValue, now: JsValue, clock_offset_ms: JsValue) -> JsResult<JsValue> {
        self.sign(&BodyHash::of(body.as_bytes()), &[timestamp, nonce, now, clock_offset_ms])
    }

    pub fn sign_bytes(&self, body: &[u8], timestamp: JsValue, nonce: JsValue, now: JsValue, clock_offset_ms: JsValue) -> JsResult<JsValue> {
        self.sign(&BodyHash::of(body), &[timestamp, nonce, now, clock_offset_ms])
    }

    /// A body the package hashed part by part ([`BodyHasher`]).
    pub fn sign_hashed(&self, body: BodyHasher, timestamp: JsValue, nonce: JsValue, now: JsValue, clock_offset_ms: JsValue) -> JsResult<JsValue> {
        self.sign(&body.0, &[timestamp, nonce, now, clock_offset_ms])
    }
}

impl Signer {
    fn sign(&self, body: &BodyHash, [timestamp, nonce, now, offset]: &[JsValue; 4]) -> JsResult<JsValue> {
        /// Without the timestamp and nonce the caller gave: it holds them, and every string
        /// crossing to JavaScript costs about as much as hashing a block.
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Signed {
            authorization: String,
            signature: String,
            body_digest: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            timestamp: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            nonce: Option<String>,
        }
        object(|| {
            // The cap first: nothing else is worth checking for a body that cannot be signed.
            crate::limits::check_body_size("body", body.len(), self.inner.max_body_bytes())?;
            let generated = (is_absent(timestamp), is_absent(nonce));
            let (ts, n) = header_inputs(timestamp, nonce, now, offset)?;
            let s = self.inner.sign_hashed(body, &ts, &n)?;
            let (timestamp, nonce) = (generated.0.then_some(s.timestamp), generated.1.then_some(s.nonce));
            Ok(Signed { authorization: s.authorization, signature: s.signature, body_digest: s.body_digest, timestamp, nonce })
        })
    }
}

/// A large body hashed in parts as the package hands them over, so that it is never copied
/// into wasm memory whole (which would keep the memory grown).
#[wasm_bindgen]
#[derive(Default)]
pub struct BodyHasher(BodyHash);

#[wasm_bindgen]
impl BodyHasher {
    #[wasm_bindgen(constructor)]
    pub fn new() -> BodyHasher {
        BodyHasher::default()
    }

    pub fn update(&mut self, part: &[u8]) {
        self.0.update(part);
    }

    /// Lowercase hex SHA-256 of the parts.
    pub fn finish(self) -> String {
        self.0.hex()
    }
}

fn body_hash(o: &Options, hashed: Option<BodyHasher>) -> Result<BodyHash> {
    match hashed {
        Some(hashed) => Ok(hashed.0),
        None => body_bytes(&o.get("body"), "body").map(|body| BodyHash::of(&body)),
    }
}

/// `{ appId, timestamp, nonce }` of a header that verifies against the exact body received.
#[wasm_bindgen]
pub fn verify_open_body(options: JsValue, hashed: Option<BodyHasher>) -> JsResult<JsValue> {
    run(|| {
        let o = Options::new(options, "verifyOpenBody options", true)?;
        let authorization = o.required_text("authorization")?;
        let (body, key) = (body_hash(&o, hashed)?, app_key(&o)?);
        let verify = VerifyOptions { tolerance: tolerance(o.number("toleranceSeconds")?)?, max_body_bytes: o.max_body_bytes()? };
        to_js(&sig::verify_hashed(&authorization, &body, &key, o.now()?, &verify)?.verified())
    })
}

#[wasm_bindgen]
pub fn parse_authorization(authorization: JsValue) -> JsResult<JsValue> {
    object(|| Authorization::parse(&required_text(&authorization, "authorization")?))
}

#[wasm_bindgen]
pub fn body_digest(body: JsValue) -> JsResult<String> {
    run(|| Ok(sig::body_digest(&body_bytes(&body, "body")?)))
}

/// The header parameters, checked as the signer checks them.
fn header_params(o: &Options) -> Result<[String; 3]> {
    let params = [o.required_text("appId")?, o.required_text("timestamp")?, o.required_text("nonce")?];
    sig::check_app_id(&params[0])?;
    sig::check_timestamp(&params[1])?;
    sig::check_nonce(&params[2])?;
    Ok(params)
}

#[wasm_bindgen]
pub fn string_to_sign(parts: JsValue) -> JsResult<String> {
    run(|| {
        let o = Options::new(parts, "stringToSign parts", true)?;
        let [app_id, timestamp, nonce] = header_params(&o)?;
        let digest = o.required_text("bodyDigest")?;
        sig::check_body_digest(&digest)?;
        Ok(sig::string_to_sign(&app_id, &timestamp, &nonce, &digest))
    })
}

#[wasm_bindgen]
pub fn compute_signature(options: JsValue) -> JsResult<String> {
    run(|| {
        let o = Options::new(options, "computeSignature options", true)?;
        let key = app_key(&o)?;
        Ok(sig::signature(&key, &o.required_text("stringToSign")?))
    })
}

#[wasm_bindgen]
pub fn authorization_header(parts: JsValue) -> JsResult<String> {
    run(|| {
        let o = Options::new(parts, "authorizationHeader parts", true)?;
        let [app_id, timestamp, nonce] = header_params(&o)?;
        let signature = o.required_text("signature")?;
        sig::check_signature(&signature)?;
        Ok(sig::authorization_header(&app_id, &timestamp, &nonce, &signature))
    })
}

#[wasm_bindgen]
pub fn create_nonce() -> JsResult<String> {
    run(crate::nonce::fresh_nonce)
}

/// `{ compact, dateTime, date }` at UTC+8.
#[wasm_bindgen]
pub fn beijing_time(epoch: JsValue) -> JsResult<JsValue> {
    object(|| {
        let ms = match js::optional_number(&epoch, "epochMs") {
            Ok(Some(ms)) => epoch_ms(ms, "epochMs")?,
            Ok(None) => return Err(Error::new(ErrorCode::FieldRequired, "epochMs", "epochMs is required (for example Date.now())")),
            Err(_) => return Err(js::type_error("epochMs", "epoch milliseconds (a number, e.g. Date.now()) or a Date", &epoch)),
        };
        Ok(BeijingTime::from_epoch_ms(ms)?.forms())
    })
}

/// Refuses an input the package measured instead of copying (see `limits::check_input_size`).
#[wasm_bindgen]
pub fn check_input_size(field: &str, len: f64, max_body_bytes: JsValue) -> JsResult<()> {
    // A JS length is a non-negative integer below 2^53; saturating keeps any value total.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let len = len.max(0.0).min(usize::MAX as f64) as usize;
    run(|| crate::limits::check_input_size(field, len, body_limit(js::optional_number(&max_body_bytes, "maxBodyBytes")?)?))
}

/// Throws the error for options that are not an object.
#[wasm_bindgen]
pub fn check_options(options: JsValue, what: &str) -> JsResult<()> {
    run(|| Options::new(options, what, true).map(drop))
}

// Bills --------------------------------------------------------------------------------------

fn check_options_of(o: &Options) -> Result<CheckOptions> {
    let max_body_bytes = Some(o.max_body_bytes()?);
    Ok(CheckOptions { msg_src_id: o.text("msgSrcId")?, allow_unknown_fields: o.flag("allowUnknownFields")?, apply_defaults: o.flag("applyDefaults")?, max_body_bytes })
}

fn build_options(o: &Options) -> Result<BuildOptions> {
    Ok(BuildOptions { base_url: o.base_url()?, now_ms: o.now()?, check: CheckOptions { apply_defaults: false, ..check_options_of(o)? } })
}

/// Fields the package could not encode (lone surrogates) are errors before anything is built.
fn refuse_unencodable(unencodable: &[String]) -> Result<()> {
    if unencodable.is_empty() { Ok(()) } else { Err(Error::from_issues(with_unencodable(unencodable, Vec::new()))) }
}

/// `{ ok, issues }` for a request to `endpoint`; throws only for an unknown endpoint.
#[wasm_bindgen]
pub fn validate_bills(endpoint: &str, input_json: &str, unencodable: Vec<String>, options: JsValue) -> JsResult<JsValue> {
    #[derive(Serialize)]
    struct Validation {
        ok: bool,
        issues: Vec<crate::Issue>,
    }
    let endpoint = run(|| endpoint_named(endpoint))?;
    let checked = Options::new(options, "options", false).and_then(|o| check_options_of(&o));
    let issues = checked.map_or_else(Error::into_issues, |check| crate::bills::validate_json(endpoint, input_json, &check));
    let issues = with_unencodable(&unencodable, issues);
    object(|| Ok(Validation { ok: issues.is_empty(), issues }))
}

/// `{ method, url, headers, body }` of a request to `endpoint`.
#[wasm_bindgen]
pub fn build_bills(endpoint: &str, input_json: &str, unencodable: Vec<String>, options: JsValue, what: &str) -> JsResult<JsValue> {
    object(|| {
        let (endpoint, o) = (endpoint_named(endpoint)?, Options::new(options, what, false)?);
        let (options, content_type) = (build_options(&o)?, o.text("contentType")?);
        refuse_unencodable(&unencodable)?;
        crate::request::build_request(endpoint, input_json, &options)?.with_content_type(content_type.as_deref())
    })
}

/// A request to `path`, with its field table when it has one (the client's `request`).
#[wasm_bindgen]
pub fn build_at(path: &str, input_json: &str, unencodable: Vec<String>, options: JsValue) -> JsResult<JsValue> {
    object(|| {
        let o = Options::new(options, "ChinaumsClient options", false)?;
        let (options, content_type) = (build_options(&o)?, o.text("contentType")?);
        refuse_unencodable(&unencodable)?;
        crate::request::build_at(path, input_json, &options)?.with_content_type(content_type.as_deref())
    })
}

/// The admin-panel preview of a request to `endpoint` (no key).
#[wasm_bindgen]
pub fn preview_bills(endpoint: &str, input_json: &str, unencodable: Vec<String>, options: JsValue) -> JsResult<JsValue> {
    object(|| {
        let (endpoint, o) = (endpoint_named(endpoint)?, Options::new(options, "previewPreauthCancel options", true)?);
        let options = crate::preview::PreviewOptions { build: build_options(&o)?, app_id: o.required_text("appId")?, nonce: o.text("nonce")?, content_type: o.text("contentType")? };
        let mut preview = crate::preview::preview(endpoint, input_json, &options)?;
        if !unencodable.is_empty() {
            preview.issues = with_unencodable(&unencodable, core::mem::take(&mut preview.issues));
            (preview.ok, preview.request, preview.body_digest, preview.curl) = (false, None, None, None);
        }
        Ok(preview)
    })
}

/// Any other bills endpoint, the body written exactly.
#[wasm_bindgen]
pub fn build_request(service: JsValue, input_json: &str, unencodable: Vec<String>, options: JsValue) -> JsResult<JsValue> {
    object(|| {
        let (service, o) = (required_text(&service, "service")?, Options::new(options, "buildRequest options", false)?);
        let (base_url, now, content_type) = (o.base_url()?, o.now()?, o.text("contentType")?);
        refuse_unencodable(&unencodable)?;
        crate::generic_request::build_bills_request(&service, input_json, &base_url, now)?.with_content_type(content_type.as_deref())
    })
}

/// Any bills response, amounts in fen.
#[wasm_bindgen]
pub fn parse_bills_response(text: JsValue, options: JsValue) -> JsResult<JsValue> {
    object(|| BillsResponse::parse_with_limit(&text_input(&text, "text")?, Options::new(options, "options", false)?.max_body_bytes()?))
}

/// The gateway's clock minus the host's, in ms.
#[wasm_bindgen]
pub fn clock_offset(server_timestamp: JsValue, received_at: JsValue) -> JsResult<f64> {
    run(|| {
        let server_timestamp = required_text(&server_timestamp, "responseTimestamp")?;
        let received = epoch_ms(js::optional_number(&received_at, "receivedAt")?.unwrap_or_else(js_sys::Date::now), "receivedAt")?;
        // Both instants are within years 0001-9999, so the difference is exactly representable.
        #[allow(clippy::cast_precision_loss)]
        crate::clock::clock_offset_ms(&server_timestamp, received).map(|ms| ms as f64)
    })
}

// Token mode, OPEN-FORM-PARAM, notifications, response signatures ---------------------------

#[wasm_bindgen]
pub fn access_token_request(options: JsValue) -> JsResult<JsValue> {
    object(|| {
        let o = Options::new(options, "accessTokenRequest options", true)?;
        let (app_id, key, base_url) = (o.required_text("appId")?, app_key(&o)?, o.base_url()?);
        let (timestamp, nonce) = options_header_inputs(&o)?;
        let request = crate::token::access_token_request(&app_id, &key, &timestamp, &nonce, &base_url)?;
        Ok(HttpRequest { method: "POST", url: request.url, content_type: "application/json", body: request.body })
    })
}

#[wasm_bindgen]
pub fn parse_access_token_response(text: JsValue, options: JsValue) -> JsResult<JsValue> {
    object(|| crate::token::parse_access_token_response(&text_input(&text, "text")?, Options::new(options, "options", false)?.now()?))
}

#[wasm_bindgen]
pub fn token_authorization(token: JsValue) -> JsResult<String> {
    run(|| crate::token::token_authorization(&required_text(&token, "accessToken")?))
}

/// The core's access-token holder (no timers: Workers allow none outside a request).
#[wasm_bindgen]
pub struct TokenHolder(crate::token::AccessTokenHolder);

#[wasm_bindgen]
impl TokenHolder {
    /// `{ marginSeconds? }`
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<TokenHolder> {
        run(|| {
            let margin = Options::new(options, "AccessTokenHolder options", false)?.get("marginSeconds");
            let seconds = if is_absent(&margin) { None } else { Some(margin.as_f64().unwrap_or(f64::NAN)) };
            Ok(TokenHolder(crate::token::AccessTokenHolder::new(crate::token::AccessTokenHolder::margin_from(seconds)?)))
        })
    }

    /// A parsed token response, or a cached `{ accessToken, expiresIn, expiresAt }`.
    pub fn update(&mut self, token: JsValue) -> JsResult<()> {
        run(|| {
            let t = Options::new(token, "the token", true).map_err(|e| Error::new(e.code(), "token", e.message()))?;
            let access_token = t.required_text("accessToken")?;
            crate::token::token_authorization(&access_token)?;
            let number = |name: &'static str| t.number(name)?.ok_or_else(|| js::type_error(name, "a number", &JsValue::UNDEFINED));
            let (expires_in, expires_at_ms) = (whole_seconds(number("expiresIn")?, "expiresIn")?, epoch_ms(number("expiresAt")?, "expiresAt")?);
            self.0.update(crate::token::AccessToken { access_token, expires_in, expires_at_ms });
            Ok(())
        })
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn needs_refresh(&self, now: JsValue) -> JsResult<bool> {
        run(|| Ok(self.0.needs_refresh(instant(&now, &JsValue::UNDEFINED)?)))
    }

    pub fn authorization(&self, now: JsValue) -> JsResult<String> {
        run(|| self.0.authorization(instant(&now, &JsValue::UNDEFINED)?))
    }

    /// `{ expiresAt, refreshAt, marginSeconds }` (never the token).
    pub fn state(&self) -> JsResult<JsValue> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct State {
            expires_at: Option<i64>,
            refresh_at: Option<i64>,
            margin_seconds: u64,
        }
        let expires_at = self.0.token().map(|t| t.expires_at_ms);
        object(|| Ok(State { expires_at, refresh_at: self.0.refresh_at_ms(), margin_seconds: self.0.margin_seconds() }))
    }
}

#[wasm_bindgen]
pub fn form_param_url(options: JsValue, content: JsValue) -> JsResult<String> {
    run(|| {
        let o = Options::new(options, "formParamUrl options", true)?;
        let (app_id, key, url) = (o.required_text("appId")?, app_key(&o)?, o.required_text("url")?);
        let (timestamp, nonce) = options_header_inputs(&o)?;
        let content = required_text(&content, "content")?;
        crate::form_param::form_param_url(&app_id, &key, &url, &content, &timestamp, &nonce).map(|signed| signed.url)
    })
}

fn notify_params(params: &str, form: bool) -> Result<NotifyParams> {
    if form { NotifyParams::from_form(params) } else { NotifyParams::from_json(params) }
}

fn communication_key(key: &JsValue) -> Result<CommunicationKey> {
    CommunicationKey::new(&zeroize::Zeroizing::new(required_text(key, "communicationKey")?))
}

fn sign_type(o: &Options, field: &'static str) -> Result<Option<SignType>> {
    o.text(field)?.map(|text| SignType::parse_option(&text, field)).transpose()
}

/// The signed string's convention (default: PROTOCOL.md rule 8).
fn canonicalization(o: &Options) -> Result<Canonicalization> {
    Ok(Canonicalization { keep_empty_values: o.flag("keepEmptyValues")?, whitespace_is_empty: o.flag("whitespaceIsEmpty")?, exclude_sign_type: o.flag("excludeSignType")? })
}

/// Whether a notification (a raw form body when `form`, else JSON; `None` when the package
/// found it undecodable) is signed right. Throws only for a bad key or option.
#[wasm_bindgen]
pub fn verify_notification(params: Option<String>, form: bool, key: JsValue, options: JsValue) -> JsResult<bool> {
    run(|| {
        let (key, o) = (communication_key(&key)?, Options::new(options, "options", false)?);
        let (default, rules) = (sign_type(&o, "defaultSignType")?.unwrap_or(SignType::Md5), canonicalization(&o)?);
        Ok(params.is_some_and(|params| notify_params(&params, form).is_ok_and(|p| crate::notify::verify_notification_with(&p, &key, default, &rules))))
    })
}

#[wasm_bindgen]
pub fn sign_notification(params: &str, form: bool, key: JsValue, options: JsValue) -> JsResult<String> {
    run(|| {
        let (key, o) = (communication_key(&key)?, Options::new(options, "options", false)?);
        crate::notify::sign_notification_with(&notify_params(params, form)?, &key, sign_type(&o, "signType")?, &canonicalization(&o)?)
    })
}

#[wasm_bindgen]
pub fn notification_string_to_sign(params: &str, form: bool, options: JsValue) -> JsResult<String> {
    run(|| notify_params(params, form)?.string_to_sign_with(&canonicalization(&Options::new(options, "options", false)?)?))
}

#[wasm_bindgen]
pub fn parse_notification(params: &str, form: bool) -> JsResult<JsValue> {
    object(|| notify_params(params, form)?.to_value())
}

/// `{ signed: false }` without an Authorization header, `{ signed: true, appId, timestamp,
/// nonce }` for one that verifies; throws for one that does not.
#[wasm_bindgen]
pub fn verify_response_signature(options: JsValue, hashed: Option<BodyHasher>) -> JsResult<JsValue> {
    #[derive(Serialize)]
    struct Checked<'a> {
        signed: bool,
        #[serde(flatten)]
        header: Option<sig::Verified<'a>>,
    }
    run(|| {
        let o = Options::new(options, "verifyResponseSignature options", true)?;
        let (authorization, body, key) = (o.text("authorization")?, body_hash(&o, hashed)?, app_key(&o)?);
        let checked = crate::response_signature::verify_response_signature(authorization.as_deref(), &body, &key, o.now()?, tolerance(o.number("toleranceSeconds")?)?)?;
        let header = match &checked {
            crate::response_signature::ResponseSignature::Unsigned => None,
            crate::response_signature::ResponseSignature::Verified(auth) => Some(auth.verified()),
        };
        to_js(&Checked { signed: header.is_some(), header })
    })
}

// The client ----------------------------------------------------------------------------------

/// Checks a client's options once, when it is made (the key is checked by its signer, `retry`
/// by [`Recovery::new`]); returns its `timeoutMs`.
#[wasm_bindgen]
pub fn check_client_options(options: JsValue) -> JsResult<f64> {
    run(|| {
        let o = Options::new(options, "ChinaumsClient options", true)?;
        o.base_url()?;
        o.text("msgSrcId")?;
        crate::request::content_type(o.text("contentType")?.as_deref())?;
        // At most ten minutes, so exactly representable.
        #[allow(clippy::cast_precision_loss)]
        Ok(crate::numbers::timeout_ms(o.number("timeoutMs")?)? as f64)
    })
}
