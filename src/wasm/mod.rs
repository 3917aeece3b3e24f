//! The wasm-bindgen surface: thin adapters from JavaScript values to the core, one export per
//! public call. Option bags arrive as the package's snapshots ([`js::Options`]), JSON inputs as
//! text (the package writes objects once, depth-bounded), bodies as `&str` or `&[u8]`. Results
//! of a fixed shape are plain objects made by serde-wasm-bindgen; results that carry what the
//! platform sent (responses, notifications, tokens) cross as JSON text for `JSON.parse`, which
//! keeps every member, `__proto__` included, as its own data. Errors are `ChinaumsError`s built
//! from the core's [`Error`]. Keys are copied once into wasm memory, into buffers wiped on drop.

mod js;
mod numbers;
mod protocol;
mod recovery;

pub use js::register_error_class;
pub use protocol::*;
pub use recovery::{recovery_query_input, Recovery};

use js::{body_bytes, required_text, thrown, to_js, Options};
use serde::Serialize;
use ctutils::CtEq as _;
use wasm_bindgen::prelude::*;

use crate::bills::{endpoint_at, BillsResponse, CheckOptions, Endpoint};
use crate::error::{Error, ErrorCode, Issue, Result};
use crate::open_body_sig::{self as sig, AppKey, Authorization, BodyHash, OpenBodySigner, VerifyOptions};
use crate::request::BuildOptions;
use crate::time::BeijingTime;
use numbers::{body_limit, epoch_ms, tolerance};

type JsResult<T> = core::result::Result<T, JsValue>;

fn run<T>(f: impl FnOnce() -> Result<T>) -> JsResult<T> {
    f().map_err(thrown)
}

fn object<T: Serialize>(f: impl FnOnce() -> Result<T>) -> JsResult<JsValue> {
    run(|| to_js(&f()?))
}

/// A result that carries received data, as JSON text for the package's `JSON.parse`.
fn data<T: Serialize>(f: impl FnOnce() -> Result<T>) -> JsResult<String> {
    run(|| serde_json::to_string(&f()?).map_err(|e| Error::whole(ErrorCode::Internal, format!("internal error writing a result ({e}); please report it"))))
}

/// A request for the package to hand to `fetch`, as `url⏎content type⏎authorization⏎body`
/// (`pkg/src/boundary.js` `request()` reads it; the body is last, since it may hold line
/// breaks, and the method is always POST): one string crossing instead of an object of five.
fn wire(f: impl FnOnce() -> Result<crate::http::HttpRequest>) -> JsResult<String> {
    run(|| {
        let r = f()?;
        Ok([r.url.as_str(), r.content_type, r.authorization.as_deref().unwrap_or_default(), r.body.as_str()].join("\n"))
    })
}

fn app_key(options: &Options) -> Result<AppKey> {
    AppKey::new(&options.secret("appKey")?)
}

/// The caller's timestamp and nonce (checked by the signer), else the clock's and the CSPRNG's.
fn header_inputs(o: &Options) -> Result<(String, String)> {
    let timestamp = match o.text("timestamp")? {
        Some(timestamp) => timestamp,
        None => BeijingTime::from_epoch_ms(o.now()?)?.compact(),
    };
    Ok((timestamp, o.text("nonce")?.map_or_else(crate::nonce::fresh_nonce, Ok)?))
}

fn signer_of(o: &Options) -> Result<OpenBodySigner> {
    OpenBodySigner::new(&o.required_text("appId")?, &app_key(o)?)?.with_max_body_bytes(o.max_body_bytes()?)
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
    pub fn new(credentials: Option<String>) -> JsResult<Signer> {
        run(|| Ok(Signer { inner: signer_of(&Options::new(credentials, "the credentials", true)?)? }))
    }

    #[wasm_bindgen(getter)]
    pub fn app_id(&self) -> String {
        self.inner.app_id().to_owned()
    }

    pub fn sign_text(&self, body: &str, options: Option<String>) -> JsResult<JsValue> {
        self.sign(&BodyHash::of(body.as_bytes()), options)
    }

    /// The hot path of a short body with the caller's timestamp and nonce, as strings rather
    /// than an option bag (no JSON to write or read); the signer checks both as it would in one.
    pub fn sign_text_at(&self, body: &str, timestamp: &str, nonce: &str) -> JsResult<JsValue> {
        object(|| self.signed(&BodyHash::of(body.as_bytes()), timestamp, nonce, (false, false)))
    }

    pub fn sign_bytes(&self, body: &[u8], options: Option<String>) -> JsResult<JsValue> {
        self.sign(&BodyHash::of(body), options)
    }

    /// A body the package hashed part by part ([`BodyHasher`]).
    pub fn sign_hashed(&self, body: BodyHasher, options: Option<String>) -> JsResult<JsValue> {
        self.sign(&body.0, options)
    }

    /// The request to `path` built from `input` (validated against the path's table when it
    /// has one), signed: the whole job in one call.
    pub fn sign_request(&self, path: &str, input: &str, unencodable: Option<Vec<String>>, options: Option<String>) -> JsResult<String> {
        wire(|| signed_request(&self.inner, path, input, unencodable, &Options::new(options, "options", false)?))
    }
}

/// A signature as it crosses to JavaScript, without the timestamp and nonce the caller gave: it
/// holds them, and every string crossing costs about as much as hashing a block.
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

impl Signer {
    fn sign(&self, body: &BodyHash, options: Option<String>) -> JsResult<JsValue> {
        object(|| {
            // The cap first: nothing else is worth checking for a body that cannot be signed.
            crate::limits::check_body_size("body", body.len(), self.inner.max_body_bytes())?;
            let o = Options::new(options, "sign options", false)?;
            let generated = (!o.has("timestamp"), !o.has("nonce"));
            let (ts, n) = header_inputs(&o)?;
            self.signed(body, &ts, &n, generated)
        })
    }

    /// The one signing path of both entries (kept out of line: inlined twice, the hashing code
    /// would be in the module twice). `generated`: whether the timestamp and nonce are the
    /// core's, to be handed back.
    #[inline(never)]
    fn signed(&self, body: &BodyHash, timestamp: &str, nonce: &str, generated: (bool, bool)) -> Result<Signed> {
        crate::limits::check_body_size("body", body.len(), self.inner.max_body_bytes())?;
        let s = self.inner.sign_hashed(body, timestamp, nonce)?;
        let (timestamp, nonce) = (generated.0.then_some(s.timestamp), generated.1.then_some(s.nonce));
        Ok(Signed { authorization: s.authorization, signature: s.signature, body_digest: s.body_digest, timestamp, nonce })
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

/// `{ appId, timestamp, nonce }` of a header that verifies against the exact body received.
#[wasm_bindgen]
pub fn verify_open_body(options: Option<String>, body: JsValue, hashed: Option<BodyHasher>) -> JsResult<JsValue> {
    run(|| {
        let o = Options::new(options, "verifyOpenBody options", true)?;
        let authorization = o.required_text("authorization")?;
        let (body, key) = (js::body_hash_of(&body, hashed.map(|h| h.0))?, app_key(&o)?);
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
pub fn string_to_sign(parts: Option<String>) -> JsResult<String> {
    run(|| {
        let o = Options::new(parts, "openBodySig.stringToSign parts", true)?;
        let [app_id, timestamp, nonce] = header_params(&o)?;
        let digest = o.required_text("bodyDigest")?;
        sig::check_body_digest(&digest)?;
        Ok(sig::string_to_sign(&app_id, &timestamp, &nonce, &digest))
    })
}

#[wasm_bindgen]
pub fn compute_signature(options: Option<String>) -> JsResult<String> {
    run(|| {
        let o = Options::new(options, "openBodySig.computeSignature options", true)?;
        let key = app_key(&o)?;
        Ok(sig::signature(&key, &o.required_text("stringToSign")?))
    })
}

#[wasm_bindgen]
pub fn authorization_header(parts: Option<String>) -> JsResult<String> {
    run(|| {
        let o = Options::new(parts, "openBodySig.authorizationHeader parts", true)?;
        let [app_id, timestamp, nonce] = header_params(&o)?;
        let signature = o.required_text("signature")?;
        sig::check_signature(&signature)?;
        Ok(sig::authorization_header(&app_id, &timestamp, &nonce, &signature))
    })
}

/// What was signed, stage by stage: `{ appId, timestamp, nonce, bodyDigest, stringToSign }`,
/// with the key `signature` and `authorization`, and with a received header `matches`.
#[wasm_bindgen]
pub fn explain_signature(options: Option<String>, body: JsValue, hashed: Option<BodyHasher>) -> JsResult<JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Explained {
        app_id: String,
        timestamp: String,
        nonce: String,
        body_digest: String,
        string_to_sign: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        authorization: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        matches: Option<bool>,
    }
    object(|| {
        let o = Options::new(options, "explainSignature options", true)?;
        let received = o.text("authorization")?.map(|header| Authorization::parse(&header)).transpose()?;
        let [app_id, timestamp, nonce] = match &received {
            Some(auth) => [auth.app_id.clone(), auth.timestamp.clone(), auth.nonce.clone()],
            None => header_params(&o)?,
        };
        let body_digest = js::body_hash_of(&body, hashed.map(|h| h.0))?.hex();
        let string_to_sign = sig::string_to_sign(&app_id, &timestamp, &nonce, &body_digest);
        let signature = if o.has("appKey") { Some(sig::signature(&app_key(&o)?, &string_to_sign)) } else { None };
        let authorization = signature.as_ref().map(|s| sig::authorization_header(&app_id, &timestamp, &nonce, s));
        let matches = received.as_ref().zip(signature.as_ref()).map(|(auth, expected)| bool::from(auth.signature.as_bytes().ct_eq(expected.as_bytes())));
        Ok(Explained { app_id, timestamp, nonce, body_digest, string_to_sign, signature, authorization, matches })
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

/// Refuses an input the package measured instead of copying (see `js::check_input_size`).
#[wasm_bindgen]
pub fn check_input_size(field: &str, len: f64, max_body_bytes: JsValue) -> JsResult<()> {
    // A JS length is a non-negative integer below 2^53; saturating keeps any value total.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let len = len.max(0.0).min(usize::MAX as f64) as usize;
    run(|| js::check_input_size(field, len, body_limit(js::optional_number(&max_body_bytes, "maxBodyBytes")?)?))
}

/// The instance's memory, for the package's diagnostics (it changes with every instance).
#[wasm_bindgen]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

// Bills operations and any other path --------------------------------------------------------

/// How to check an input; validation checks it as the builder will use it (defaults filled)
/// unless `applyDefaults: false` asks to check a body as it will be sent.
fn check_options_of(o: &Options) -> Result<CheckOptions> {
    let max_body_bytes = Some(o.max_body_bytes()?);
    Ok(CheckOptions { msg_src_id: o.text("msgSrcId")?, allow_unknown_fields: o.flag("allowUnknownFields")?, apply_defaults: o.flag_or("applyDefaults", true)?, max_body_bytes })
}

/// Where a request goes, its clock and its checks.
fn build_options(o: &Options) -> Result<BuildOptions> {
    Ok(BuildOptions {
        base_url: o.base_url()?,
        now_ms: o.now()?,
        check: CheckOptions { apply_defaults: false, ..check_options_of(o)? },
        content_type: crate::http::content_type(o.text("contentType")?.as_deref())?,
    })
}

/// The operation with a table at `path`.
fn operation(path: &str) -> Result<&'static Endpoint> {
    endpoint_at(path).ok_or_else(|| Error::new(ErrorCode::FieldFormat, "path", format!("no bills operation has the path {}", crate::error::quoted(path))))
}

/// Fields the package could not encode (lone surrogates, left out of the JSON it wrote), as
/// issues first, without a second "missing" for each.
fn with_unencodable(unencodable: Option<&[String]>, issues: Vec<Issue>) -> Vec<Issue> {
    let unencodable = unencodable.unwrap_or_default();
    let unreadable = unencodable.iter().map(|field| {
        Issue::new(
            ErrorCode::BodyEncoding,
            field.clone(),
            format!(
                "{field} contains a lone UTF-16 surrogate, which has no UTF-8 encoding; it would be \
                 silently replaced by U+FFFD and the bytes sent would differ from the text you hold"
            ),
        )
    });
    let missing_again = |i: &Issue| i.code == ErrorCode::FieldRequired && i.field.as_ref().is_some_and(|f| unencodable.contains(f));
    unreadable.chain(issues.into_iter().filter(|i| !missing_again(i))).collect()
}

fn refuse_unencodable(unencodable: Option<Vec<String>>) -> Result<()> {
    match unencodable {
        Some(fields) if !fields.is_empty() => Err(Error::from_issues(with_unencodable(Some(&fields), Vec::new()))),
        _ => Ok(()),
    }
}

/// `{ ok, issues }` for a request to the operation at `path`; throws only for an unknown path.
#[wasm_bindgen]
pub fn validate_request(path: &str, input: &str, unencodable: Option<Vec<String>>, options: Option<String>) -> JsResult<JsValue> {
    #[derive(Serialize)]
    struct Validation {
        ok: bool,
        issues: Vec<Issue>,
    }
    let endpoint = run(|| operation(path))?;
    let checked = Options::new(options, "options", false).and_then(|o| check_options_of(&o));
    let issues = checked.map_or_else(Error::into_issues, |check| crate::bills::validate_json(endpoint, input, &check));
    let issues = with_unencodable(unencodable.as_deref(), issues);
    object(|| Ok(Validation { ok: issues.is_empty(), issues }))
}

/// `{ method, url, headers, body }` of a request to `path`: with its table when it has one,
/// else written exactly.
#[wasm_bindgen]
pub fn build_request(path: &str, input: &str, unencodable: Option<Vec<String>>, options: Option<String>) -> JsResult<String> {
    wire(|| {
        let options = build_options(&Options::new(options, "options", true)?)?;
        refuse_unencodable(unencodable)?;
        crate::request::build_at(path, input, &options)
    })
}

fn signed_request(signer: &OpenBodySigner, path: &str, input: &str, unencodable: Option<Vec<String>>, o: &Options) -> Result<crate::http::HttpRequest> {
    let build = build_options(o)?;
    refuse_unencodable(unencodable)?;
    let request = crate::request::build_at(path, input, &build)?;
    let (timestamp, nonce) = header_inputs(o)?;
    crate::request::sign(request, signer, &timestamp, &nonce)
}

/// The request to `path`, built and signed with the credentials in `options`, in one call.
#[wasm_bindgen]
pub fn sign_request(path: &str, input: &str, unencodable: Option<Vec<String>>, options: Option<String>) -> JsResult<String> {
    wire(|| {
        let o = Options::new(options, "options", true)?;
        signed_request(&signer_of(&o)?, path, input, unencodable, &o)
    })
}

/// The admin-panel preview of a request to the operation at `path` (no key).
#[wasm_bindgen]
pub fn preview_request(path: &str, input: &str, unencodable: Option<Vec<String>>, options: Option<String>) -> JsResult<JsValue> {
    object(|| {
        let (endpoint, o) = (operation(path)?, Options::new(options, "preview options", true)?);
        let options = crate::preview::PreviewOptions { build: build_options(&o)?, app_id: o.required_text("appId")?, nonce: o.text("nonce")? };
        let mut preview = crate::preview::preview(endpoint, input, &options)?;
        if unencodable.as_ref().is_some_and(|u| !u.is_empty()) {
            preview.issues = with_unencodable(unencodable.as_deref(), core::mem::take(&mut preview.issues));
            (preview.ok, preview.request, preview.body_digest, preview.curl) = (false, None, None, None);
        }
        Ok(preview)
    })
}

/// Any bills response, amounts in fen, as JSON text.
#[wasm_bindgen]
pub fn parse_response(text: &str, options: Option<String>) -> JsResult<String> {
    data(|| BillsResponse::parse_with_limit(text, Options::new(options, "options", false)?.max_body_bytes()?))
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

// The client ----------------------------------------------------------------------------------

/// Checks a client's options once, when it is made (the key is checked by its signer, `retry`
/// by [`Recovery::new`]); returns its `timeoutMs`.
#[wasm_bindgen]
pub fn check_client_options(options: Option<String>) -> JsResult<f64> {
    run(|| {
        let o = Options::new(options, "ChinaumsClient options", true)?;
        o.base_url()?;
        o.text("msgSrcId")?;
        crate::http::content_type(o.text("contentType")?.as_deref())?;
        // At most ten minutes, so exactly representable.
        #[allow(clippy::cast_precision_loss)]
        Ok(numbers::timeout_ms(o.number("timeoutMs")?)? as f64)
    })
}

// Tests only ---------------------------------------------------------------------------------

/// Makes the current call trap (`kind`: `unreachable`, `stack`, `memory`), so that the
/// package's recovery from a trap can be tested in every host. Only in builds with the
/// `test-trap` feature, never in the published package.
#[cfg(feature = "test-trap")]
#[wasm_bindgen]
pub fn force_trap(kind: &str) -> u32 {
    #[allow(unconditional_recursion)]
    fn deeper(n: u32) -> u32 {
        // Every frame keeps a buffer alive so that the recursion really consumes the stack.
        let frame = core::hint::black_box([n; 256]);
        deeper(frame.iter().fold(n, |a, b| a.wrapping_add(*b))).wrapping_add(1)
    }
    match kind {
        "stack" => deeper(0),
        // SAFETY: none; this deliberately reads outside the memory so that the instance traps.
        "memory" => u32::from(unsafe { core::ptr::read_volatile(usize::MAX as *const u8) }),
        _ => core::arch::wasm32::unreachable(),
    }
}
