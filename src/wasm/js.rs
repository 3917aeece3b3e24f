//! JavaScript values in, JavaScript results and errors out. Option bags arrive as the package's
//! snapshots (`pkg/src/boundary.js`): own properties in a null-prototype object, strings
//! well-formed, made before any wasm code runs, so that no getter or Proxy trap acts while the
//! core is on the stack. They are read here field by field, each with its own typed error.

use core::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::error::{Error, ErrorCode, Result};

std::thread_local! {
    /// The package's `ChinaumsError` class, registered by every entry at initialization.
    static ERROR_CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
    /// Option names as JS strings, made once (they are string literals: found by address).
    static NAMES: RefCell<Vec<(usize, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// The JS string of an option name, made on first use.
fn name_key(name: &'static str) -> JsValue {
    NAMES.with(|names| {
        let Ok(mut names) = names.try_borrow_mut() else { return JsValue::from_str(name) };
        let address = name.as_ptr() as usize;
        if let Some((_, key)) = names.iter().find(|(at, _)| *at == address) {
            return key.clone();
        }
        let key = JsValue::from_str(name);
        names.push((address, key.clone()));
        key
    })
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
}

/// The error as a `ChinaumsError` (an `Error` with the same fields when no class is
/// registered, as in the wasm test runner).
pub(crate) fn thrown(err: Error) -> JsValue {
    let details = to_js(&Details { field: err.field(), issues: err.issues(), platform_code: err.platform_code() }).unwrap_or(JsValue::UNDEFINED);
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
pub(crate) fn instant(now: &JsValue, clock_offset_ms: &JsValue) -> Result<i64> {
    let now = optional_number(now, "now")?.unwrap_or_else(js_sys::Date::now);
    crate::numbers::shifted(now, optional_number(clock_offset_ms, "clockOffsetMs")?)
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
    let hint = "; serialize objects once (e.g. with buildPreauthCancel) and sign and send that same text";
    Err(type_error(field, "a string or a Uint8Array", value).with_hint(hint))
}

/// Text from a string or UTF-8 bytes (bytes that are not UTF-8 are an encoding error).
pub(crate) fn text_input(value: &JsValue, field: &str) -> Result<String> {
    if value.is_instance_of::<Uint8Array>() {
        return crate::json::utf8(&body_bytes(value, field)?, field, field).map(str::to_owned);
    }
    required_text(value, field)
}

/// An option bag (a snapshot), or nothing.
pub(crate) struct Options(Option<JsValue>);

impl Options {
    /// Reads `value` as the options called `what`; absent options are empty unless `required`.
    pub(crate) fn new(value: JsValue, what: &str, required: bool) -> Result<Self> {
        if is_absent(&value) && !required {
            return Ok(Options(None));
        }
        if !value.is_object() || Array::is_array(&value) || value.is_function() {
            return Err(Error::whole(ErrorCode::FieldType, format!("{what} must be an object, not {}", describe(&value))));
        }
        Ok(Options(Some(value)))
    }

    /// A field (the snapshot has no prototype and no accessors).
    pub(crate) fn get(&self, name: &'static str) -> JsValue {
        self.0.as_ref().and_then(|o| Reflect::get(o, &name_key(name)).ok()).unwrap_or(JsValue::UNDEFINED)
    }

    pub(crate) fn text(&self, name: &'static str) -> Result<Option<String>> {
        optional_text(&self.get(name), name)
    }

    pub(crate) fn required_text(&self, name: &'static str) -> Result<String> {
        required_text(&self.get(name), name)
    }

    /// A secret, wiped from wasm memory when dropped.
    pub(crate) fn secret(&self, name: &'static str) -> Result<Zeroizing<String>> {
        self.required_text(name).map(Zeroizing::new)
    }

    pub(crate) fn flag(&self, name: &'static str) -> Result<bool> {
        let value = self.get(name);
        if is_absent(&value) {
            return Ok(false);
        }
        value.as_bool().ok_or_else(|| type_error(name, "true or false", &value))
    }

    pub(crate) fn number(&self, name: &'static str) -> Result<Option<f64>> {
        optional_number(&self.get(name), name)
    }

    pub(crate) fn now(&self) -> Result<i64> {
        instant(&self.get("now"), &self.get("clockOffsetMs"))
    }

    pub(crate) fn max_body_bytes(&self) -> Result<usize> {
        crate::numbers::body_limit(self.number("maxBodyBytes")?)
    }

    pub(crate) fn base_url(&self) -> Result<String> {
        crate::request::resolve_base_url(self.text("env")?.as_deref(), self.text("baseUrl")?.as_deref())
    }
}
