//! Reading JavaScript values and making JavaScript results and errors.
//!
//! Option bags arrive as the package's snapshots (`pkg/src/boundary.js`): own enumerable
//! properties copied into a null-prototype object before any wasm code runs, so that no getter,
//! Proxy trap or polluted prototype can act while the core is on the stack, and every string
//! checked to be well-formed UTF-16. Here they are read field by field, each with its own
//! typed error.

use core::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::error::{Error, ErrorCode, Result};
use crate::limits::{check_max_body_bytes, DEFAULT_MAX_BODY_BYTES};

std::thread_local! {
    /// The package's `ChinaumsError` class, registered by every entry at initialization.
    static ERROR_CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Registers the class every error is thrown as (`pkg/src/errors.js`).
#[wasm_bindgen]
pub fn register_error_class(class: Function) {
    ERROR_CLASS.with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = Some(class);
        }
    });
}

/// `code`, `field`, `message`, `issues` and `platformCode`, as the error class takes them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Details<'a> {
    field: Option<&'a str>,
    issues: &'a [crate::Issue],
    platform_code: Option<&'a str>,
}

/// The error as a `ChinaumsError` instance (a plain `Error` carrying the same properties if
/// no class is registered, as in the wasm test runner).
pub(crate) fn thrown(err: Error) -> JsValue {
    let details = to_js(&Details { field: err.field(), issues: err.issues(), platform_code: err.platform_code() })
        .unwrap_or(JsValue::UNDEFINED);
    let class = ERROR_CLASS.with(|slot| slot.try_borrow().ok().and_then(|class| class.clone()));
    let args = Array::of3(&err.code().as_str().into(), &err.message().into(), &details);
    if let Some(instance) = class.and_then(|class| Reflect::construct(&class, &args).ok()) {
        return instance;
    }
    let error = js_sys::Error::new(err.message());
    let _ = Reflect::set(&error, &"code".into(), &err.code().as_str().into());
    let _ = Object::assign(&error, &Object::from(details));
    error.into()
}

/// Results cross as plain objects and arrays (maps as objects, u64 as numbers).
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| {
        Error::whole(ErrorCode::Internal, format!("internal error converting a result for JavaScript ({e}); please report it"))
    })
}

/// `typeof`-style names for messages: "a string", "an array", "null", …
pub(crate) fn describe(value: &JsValue) -> String {
    if value.is_null() {
        return "null".into();
    }
    if Array::is_array(value) {
        return "an array".into();
    }
    if value.is_instance_of::<Uint8Array>() {
        return "a Uint8Array".into();
    }
    match value.js_typeof().as_string().as_deref() {
        Some(kind @ ("object" | "undefined")) => format!("an {kind}"),
        Some(kind) => format!("a {kind}"),
        None => "a value".into(),
    }
}

fn type_error(field: &str, expected: &str, value: &JsValue) -> Error {
    Error::new(ErrorCode::FieldType, field, format!("{field} must be {expected}, not {}", describe(value)))
}

fn is_absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// Text from a JS string (checked well-formed by the package); `None` when absent.
pub(crate) fn optional_text(value: &JsValue, field: &str) -> Result<Option<String>> {
    if is_absent(value) {
        return Ok(None);
    }
    value.as_string().map(Some).ok_or_else(|| type_error(field, "a string", value))
}

pub(crate) fn required_text(value: &JsValue, field: &str) -> Result<String> {
    optional_text(value, field)?.ok_or_else(|| Error::new(ErrorCode::FieldRequired, field, format!("{field} is required")))
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
    Err(Error::new(
        ErrorCode::FieldType,
        field,
        format!(
            "{field} must be a string or a Uint8Array, not {}; serialize objects once (e.g. with \
             buildPreauthCancel) and sign and send that same text",
            describe(value)
        ),
    ))
}

/// An option bag (a snapshot), or nothing.
pub(crate) struct Options {
    object: Option<JsValue>,
}

impl Options {
    /// Reads `value` as the options called `what`; absent options are empty unless `required`.
    pub(crate) fn new(value: JsValue, what: &str, required: bool) -> Result<Self> {
        if is_absent(&value) && !required {
            return Ok(Options { object: None });
        }
        if !value.is_object() || Array::is_array(&value) || value.is_function() {
            return Err(Error::whole(ErrorCode::FieldType, format!("{what} must be an object, not {}", describe(&value))));
        }
        Ok(Options { object: Some(value) })
    }

    /// The value of `name` (the snapshot has no prototype and no accessors).
    pub(crate) fn get(&self, name: &str) -> JsValue {
        // Interned: the option names become JS strings once, not on every call.
        let key = JsValue::from_str(wasm_bindgen::intern(name));
        self.object.as_ref().and_then(|o| Reflect::get(o, &key).ok()).unwrap_or(JsValue::UNDEFINED)
    }

    pub(crate) fn text(&self, name: &str) -> Result<Option<String>> {
        optional_text(&self.get(name), name)
    }

    pub(crate) fn required_text(&self, name: &str) -> Result<String> {
        required_text(&self.get(name), name)
    }

    /// A secret, wiped from wasm memory when dropped.
    pub(crate) fn secret(&self, name: &str) -> Result<Zeroizing<String>> {
        self.required_text(name).map(Zeroizing::new)
    }

    pub(crate) fn flag(&self, name: &str) -> Result<bool> {
        let value = self.get(name);
        if is_absent(&value) {
            return Ok(false);
        }
        value.as_bool().ok_or_else(|| type_error(name, "true or false", &value))
    }

    pub(crate) fn number(&self, name: &str) -> Result<Option<f64>> {
        optional_number(&self.get(name), name)
    }

    /// The instant to use, epoch ms: `now` (epoch ms; Dates were turned into numbers by the
    /// snapshot; `Date.now()` when absent, read per call) plus `clockOffsetMs`.
    pub(crate) fn now(&self) -> Result<i64> {
        instant(&self.get("now"), &self.get("clockOffsetMs"))
    }

    /// `maxBodyBytes`: a whole number of bytes from 0 to 1 GiB, default 1 MiB.
    pub(crate) fn max_body_bytes(&self) -> Result<usize> {
        body_limit(self.number("maxBodyBytes")?)
    }
}

pub(crate) fn optional_number(value: &JsValue, field: &str) -> Result<Option<f64>> {
    if is_absent(value) {
        return Ok(None);
    }
    value.as_f64().map(Some).ok_or_else(|| type_error(field, "a number", value))
}

/// `now` (epoch ms; Dates were turned into numbers by the snapshot; `Date.now()` when absent,
/// read per call) plus `clockOffsetMs` (from `clockOffsetFromResponse`).
pub(crate) fn instant(now: &JsValue, clock_offset_ms: &JsValue) -> Result<i64> {
    let now = match optional_number(now, "now")? {
        Some(now) => epoch_ms(now, "now")?,
        None => epoch_ms(js_sys::Date::now(), "now")?,
    };
    let Some(offset) = optional_number(clock_offset_ms, "clockOffsetMs")? else { return Ok(now) };
    if !offset.is_finite() {
        return Err(Error::new(
            ErrorCode::FieldType,
            "clockOffsetMs",
            "clockOffsetMs must be a finite number of milliseconds (see clockOffsetFromResponse)",
        ));
    }
    #[allow(clippy::cast_precision_loss)]
    epoch_ms(now as f64 + offset, "now")
}

/// Epoch milliseconds from a JS number: finite, floored, within years 0001-9999.
pub(crate) fn epoch_ms(value: f64, field: &str) -> Result<i64> {
    let floored = value.floor();
    if !(value.is_finite() && (crate::time::MIN_EPOCH_MS as f64..=crate::time::MAX_EPOCH_MS as f64).contains(&floored)) {
        return Err(Error::new(
            ErrorCode::FieldFormat,
            field,
            format!("{field} must be a finite number of epoch milliseconds (for example Date.now())"),
        ));
    }
    // In range, so the conversion is exact.
    #[allow(clippy::cast_possible_truncation)]
    Ok(floored as i64)
}

/// A body cap from a JS number: absent means the default.
pub(crate) fn body_limit(value: Option<f64>) -> Result<usize> {
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

/// A whole, non-negative count of seconds (lifetimes, margins).
pub(crate) fn whole_seconds(value: f64, field: &str) -> Result<u64> {
    if !((0.0..=3.2e9).contains(&value) && value.fract() == 0.0) {
        return Err(Error::new(ErrorCode::FieldFormat, field, format!("{field} must be a whole number of seconds, 0 or more")));
    }
    // Checked above: whole, non-negative and far below u64::MAX.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(value as u64)
}
