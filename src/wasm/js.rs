//! JavaScript values in, JavaScript results and errors out. Option bags arrive as JSON text the
//! package wrote from its snapshot (`pkg/src/boundary.js`: own properties read once, strings
//! well-formed, values JSON cannot hold tagged `{"$js": "<kind>"}`), made before any wasm code
//! runs, so that no getter or Proxy trap acts while the core is on the stack, and one string
//! crosses instead of a call back into JavaScript per field. They are read here field by field,
//! each with its own typed error.

use core::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use zeroize::Zeroize as _;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::error::{Error, ErrorCode, Result};
use crate::json::Json;

std::thread_local! {
    /// The package's `ChinaumsError` class, registered by every entry at initialization.
    static ERROR_CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Registers the class errors are thrown as (`pkg/src/errors.js`).
#[wasm_bindgen]
pub fn register_error_class(class: Function) {
    ERROR_CLASS.with(|slot| slot.try_borrow_mut().map(|mut slot| *slot = Some(class)).unwrap_or_default());
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Details<'a> {
    field: Option<&'a str>,
    issues: &'a [crate::Issue],
    platform_code: Option<&'a str>,
    platform_message: Option<&'a str>,
}

/// The error as a `ChinaumsError` (an `Error` with the same fields when no class is
/// registered, as in the wasm test runner).
pub(crate) fn thrown(err: Error) -> JsValue {
    let details = to_js(&Details { field: err.field(), issues: err.issues(), platform_code: err.platform_code(), platform_message: err.platform_message() }).unwrap_or(JsValue::UNDEFINED);
    let class = ERROR_CLASS.with(|slot| slot.try_borrow().ok().and_then(|class| class.clone()));
    let args = Array::of3(&err.code().as_str().into(), &err.message().into(), &details);
    if let Some(instance) = class.and_then(|class| Reflect::construct(&class, &args).ok()) {
        return instance;
    }
    let error = js_sys::Error::new(err.message());
    let _ = Reflect::set(&error, &"code".into(), &err.code().as_str().into());
    Object::assign(&error, &Object::from(details)).into()
}

/// Results cross as plain objects and arrays (maps as objects, integers as numbers).
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| {
        Error::whole(ErrorCode::Internal, format!("internal error converting a result for JavaScript ({e}); please report it"))
    })
}

/// "a string", "an array", "null", … for messages.
pub(crate) fn describe(value: &JsValue) -> String {
    if value.is_null() {
        return "null".into();
    }
    if Array::is_array(value) {
        return "an array".into();
    }
    match value.js_typeof().as_string().as_deref() {
        Some(kind @ ("object" | "undefined")) => format!("an {kind}"),
        Some(kind) => format!("a {kind}"),
        None => "a value".into(),
    }
}

pub(crate) fn type_error(field: &str, expected: &str, value: &JsValue) -> Error {
    Error::new(ErrorCode::FieldType, field, format!("{field} must be {expected}, not {}", describe(value)))
}

pub(crate) fn is_absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

pub(crate) fn optional_text(value: &JsValue, field: &str) -> Result<Option<String>> {
    if is_absent(value) {
        return Ok(None);
    }
    value.as_string().map(Some).ok_or_else(|| type_error(field, "a string", value))
}

pub(crate) fn required_text(value: &JsValue, field: &str) -> Result<String> {
    optional_text(value, field)?.ok_or_else(|| Error::new(ErrorCode::FieldRequired, field, format!("{field} is required")))
}

pub(crate) fn optional_number(value: &JsValue, field: &str) -> Result<Option<f64>> {
    if is_absent(value) {
        return Ok(None);
    }
    value.as_f64().map(Some).ok_or_else(|| type_error(field, "a number", value))
}

/// `now` (epoch ms, the clock when absent, read per call) plus `clockOffsetMs`.
pub(crate) fn instant(now: Option<f64>, clock_offset_ms: Option<f64>) -> Result<i64> {
    super::numbers::shifted(now.unwrap_or_else(js_sys::Date::now), clock_offset_ms)
}

/// The bytes of a body: a string (as UTF-8) or the exact view the package made of bytes.
pub(crate) fn body_bytes(value: &JsValue, field: &str) -> Result<Vec<u8>> {
    if let Some(text) = value.as_string() {
        return Ok(text.into_bytes());
    }
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    if is_absent(value) {
        return Err(Error::new(ErrorCode::FieldRequired, field, format!("{field} is required: the exact string or bytes to send")));
    }
    let hint = "; serialize objects once (e.g. with bills.preauthCancel.build) and sign and send that same text";
    Err(type_error(field, "a string or a Uint8Array", value).with_hint(hint))
}

/// The hash of a body: the one the package computed part by part, else of `body`.
pub(crate) fn body_hash_of(body: &JsValue, hashed: Option<crate::open_body_sig::BodyHash>) -> Result<crate::open_body_sig::BodyHash> {
    match hashed {
        Some(hashed) => Ok(hashed),
        None => body_bytes(body, "body").map(|body| crate::open_body_sig::BodyHash::of(&body)),
    }
}

/// The size check of an argument the package measured before copying it (the copy would grow
/// wasm memory for good): bodies (`body`, `content`, `input`, `text`) against `max_body_bytes`,
/// the Authorization header against its cap, any other parameter against that same cap, since
/// no parameter of this protocol is longer. `len` counts bytes for bodies, characters otherwise.
pub(crate) fn check_input_size(field: &str, len: usize, max_body_bytes: usize) -> Result<()> {
    use crate::open_body_sig::{check_header_size, MAX_HEADER_LEN};
    match field {
        "authorization" => check_header_size(len),
        "body" | "content" | "input" | "text" | "params" => crate::limits::check_body_size(field, len, max_body_bytes),
        _ if len <= MAX_HEADER_LEN => Ok(()),
        // The code the parameter's own rule would give: a format for timestamps, names and
        // tokens, a length otherwise.
        "timestamp" | "responseTimestamp" | "path" | "accessToken" => Err(Error::new(
            ErrorCode::FieldFormat,
            field,
            format!("{field} is {len} characters long; it cannot be a valid {field}"),
        )),
        _ => Err(Error::new(
            ErrorCode::FieldLength,
            field,
            format!("{field} is {len} characters long; no parameter of this protocol is longer than {MAX_HEADER_LEN}"),
        )),
    }
}

/// What an option's value is, for messages ("a string", "an object", "a bigint", …).
fn kind(value: &Json) -> String {
    match value.get("$js").and_then(Json::as_str) {
        Some("NaN" | "Infinity" | "-Infinity") => "a number that is not finite".into(),
        Some(tag @ ("array" | "object")) => format!("an {tag}"),
        Some(tag) => format!("a {tag}"),
        None => crate::bills::article(value.type_name()).into(),
    }
}

fn option_type_error(field: &str, expected: &str, value: &Json) -> Error {
    Error::new(ErrorCode::FieldType, field, format!("{field} must be {expected}, not {}", kind(value)))
}

/// Option names whose values are keys.
const SECRETS: [&str; 1] = ["appKey"];

/// An option bag (the JSON the package wrote), or nothing; when it holds a key, its strings are
/// wiped when dropped, like the text it was read from.
pub(crate) struct Options(Vec<(String, Json)>);

impl Options {
    /// Reads `text` as the options called `what`; absent options are empty unless `required`.
    pub(crate) fn new(text: Option<String>, what: &str, required: bool) -> Result<Self> {
        let Some(mut text) = text else {
            if required {
                return Err(Error::whole(ErrorCode::FieldRequired, format!("{what} are required")));
            }
            return Ok(Options(Vec::new()));
        };
        let parsed = crate::json::parse(&text);
        if SECRETS.iter().any(|secret| text.contains(secret)) {
            text.zeroize();
        }
        match parsed.map_err(|e| e.into_error(what))? {
            // A tag stands for a value JSON cannot hold (an array, a function, bytes): no bag.
            Json::Object(members) if !matches!(members.as_slice(), [(tag, _)] if tag == "$js") => Ok(Options(members)),
            Json::Null if !required => Ok(Options(Vec::new())),
            other => Err(Error::whole(ErrorCode::FieldType, format!("{what} must be an object, not {}", kind(&other)))),
        }
    }

    /// A field, `None` when absent or null.
    fn get(&self, name: &str) -> Option<&Json> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v).filter(|v| **v != Json::Null)
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub(crate) fn text(&self, name: &'static str) -> Result<Option<String>> {
        match self.get(name) {
            None => Ok(None),
            Some(Json::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(option_type_error(name, "a string", other)),
        }
    }

    pub(crate) fn required_text(&self, name: &'static str) -> Result<String> {
        self.text(name)?.ok_or_else(|| Error::new(ErrorCode::FieldRequired, name, format!("{name} is required")))
    }

    /// A secret, wiped from wasm memory when dropped.
    pub(crate) fn secret(&self, name: &'static str) -> Result<Zeroizing<String>> {
        self.required_text(name).map(Zeroizing::new)
    }

    pub(crate) fn flag(&self, name: &'static str) -> Result<bool> {
        self.flag_or(name, false)
    }

    /// A flag, `default` when absent.
    pub(crate) fn flag_or(&self, name: &'static str, default: bool) -> Result<bool> {
        match self.get(name) {
            None => Ok(default),
            Some(Json::Bool(flag)) => Ok(*flag),
            Some(other) => Err(option_type_error(name, "true or false", other)),
        }
    }

    /// A number; the package tags numbers JSON cannot hold (`NaN`, `Infinity`), which come
    /// back as such for the field's own rule to refuse.
    pub(crate) fn number(&self, name: &'static str) -> Result<Option<f64>> {
        match self.get(name) {
            None => Ok(None),
            Some(Json::Number(n)) => Ok(n.as_f64()),
            Some(other) => match other.get("$js").and_then(Json::as_str) {
                Some("NaN") => Ok(Some(f64::NAN)),
                Some("Infinity") => Ok(Some(f64::INFINITY)),
                Some("-Infinity") => Ok(Some(f64::NEG_INFINITY)),
                _ => Err(option_type_error(name, "a number", other)),
            },
        }
    }

    pub(crate) fn now(&self) -> Result<i64> {
        instant(self.number("now")?, self.number("clockOffsetMs")?)
    }

    pub(crate) fn max_body_bytes(&self) -> Result<usize> {
        super::numbers::body_limit(self.number("maxBodyBytes")?)
    }

    pub(crate) fn base_url(&self) -> Result<String> {
        crate::http::resolve_base_url(self.text("env")?.as_deref(), self.text("baseUrl")?.as_deref())
    }
}

impl Drop for Options {
    fn drop(&mut self) {
        for (_, value) in self.0.iter_mut().filter(|(name, _)| SECRETS.contains(&name.as_str())) {
            if let Json::String(text) = value {
                text.zeroize();
            }
        }
    }
}
