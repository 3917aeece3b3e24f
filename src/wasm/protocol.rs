//! Token mode, OPEN-FORM-PARAM, notifications and response signatures: the rest of the
//! protocol, one export per public call.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::js::{body_hash_of, instant, optional_number, required_text, to_js, Options};
use super::numbers::{epoch_ms, tolerance, whole_seconds};
use super::{app_key, data, header_inputs, object, run, BodyHasher, JsResult};
use crate::error::{Error, ErrorCode, Result};
use crate::http::HttpRequest;
use crate::notify::{Canonicalization, CommunicationKey, NotifyParams, SignType};
use crate::open_body_sig as sig;


#[wasm_bindgen]
pub fn access_token_request(options: Option<String>) -> JsResult<String> {
    super::wire(|| {
        let o = Options::new(options, "accessToken.request options", true)?;
        let (app_id, key, base_url) = (o.required_text("appId")?, app_key(&o)?, o.base_url()?);
        let (timestamp, nonce) = header_inputs(&o)?;
        let request = crate::token::access_token_request(&app_id, &key, &timestamp, &nonce, &base_url)?;
        Ok(HttpRequest::post(request.url, crate::http::JSON_CONTENT_TYPE, request.body))
    })
}

#[wasm_bindgen]
pub fn parse_access_token_response(text: &str, options: Option<String>) -> JsResult<String> {
    data(|| crate::token::parse_access_token_response(text, Options::new(options, "options", false)?.now()?))
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
    pub fn new(options: Option<String>) -> JsResult<TokenHolder> {
        run(|| {
            let seconds = Options::new(options, "AccessTokenHolder options", false)?.number("marginSeconds")?;
            Ok(TokenHolder(crate::token::AccessTokenHolder::new(crate::token::AccessTokenHolder::margin_from(seconds)?)))
        })
    }

    /// A parsed token response, or a cached `{ accessToken, expiresIn, expiresAt }`.
    pub fn update(&mut self, token: Option<String>) -> JsResult<()> {
        run(|| {
            let t = Options::new(token, "the token", true).map_err(|e| Error::new(e.code(), "token", e.message()))?;
            let access_token = t.required_text("accessToken")?;
            crate::token::token_authorization(&access_token)?;
            let number = |name: &'static str| t.number(name)?.ok_or_else(|| Error::new(ErrorCode::FieldRequired, name, format!("{name} is required: a number")));
            let (expires_in, expires_at_ms) = (whole_seconds(number("expiresIn")?, "expiresIn")?, epoch_ms(number("expiresAt")?, "expiresAt")?);
            self.0.update(crate::token::AccessToken { access_token, expires_in, expires_at_ms });
            Ok(())
        })
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn needs_refresh(&self, now: JsValue) -> JsResult<bool> {
        run(|| Ok(self.0.needs_refresh(instant(optional_number(&now, "now")?, None)?)))
    }

    pub fn authorization(&self, now: JsValue) -> JsResult<String> {
        run(|| self.0.authorization(instant(optional_number(&now, "now")?, None)?))
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
pub fn form_param_url(options: Option<String>, content: JsValue) -> JsResult<String> {
    run(|| {
        let o = Options::new(options, "formParamUrl options", true)?;
        let (app_id, key, url) = (o.required_text("appId")?, app_key(&o)?, o.required_text("url")?);
        let (timestamp, nonce) = header_inputs(&o)?;
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
pub fn verify_notification(params: Option<String>, form: bool, key: JsValue, options: Option<String>) -> JsResult<bool> {
    run(|| {
        let (key, o) = (communication_key(&key)?, Options::new(options, "options", false)?);
        let (default, rules) = (sign_type(&o, "defaultSignType")?.unwrap_or(SignType::Md5), canonicalization(&o)?);
        Ok(params.is_some_and(|params| notify_params(&params, form).is_ok_and(|p| crate::notify::verify_notification_with(&p, &key, default, &rules))))
    })
}

#[wasm_bindgen]
pub fn sign_notification(params: &str, form: bool, key: JsValue, options: Option<String>) -> JsResult<String> {
    run(|| {
        let (key, o) = (communication_key(&key)?, Options::new(options, "options", false)?);
        crate::notify::sign_notification_with(&notify_params(params, form)?, &key, sign_type(&o, "signType")?, &canonicalization(&o)?)
    })
}

#[wasm_bindgen]
pub fn notification_string_to_sign(params: &str, form: bool, options: Option<String>) -> JsResult<String> {
    run(|| notify_params(params, form)?.string_to_sign_with(&canonicalization(&Options::new(options, "options", false)?)?))
}

#[wasm_bindgen]
pub fn parse_notification(params: &str, form: bool) -> JsResult<String> {
    data(|| notify_params(params, form)?.to_value())
}

/// `{ signed: false }` without an Authorization header, `{ signed: true, appId, timestamp,
/// nonce }` for one that verifies; throws for one that does not.
#[wasm_bindgen]
pub fn verify_response_signature(options: Option<String>, body: JsValue, hashed: Option<BodyHasher>) -> JsResult<JsValue> {
    #[derive(Serialize)]
    struct Checked<'a> {
        signed: bool,
        #[serde(flatten)]
        header: Option<sig::Verified<'a>>,
    }
    run(|| {
        let o = Options::new(options, "verifyResponseSignature options", true)?;
        let (authorization, body, key) = (o.text("authorization")?, body_hash_of(&body, hashed.map(|h| h.0))?, app_key(&o)?);
        let checked = crate::response_signature::verify_response_signature(authorization.as_deref(), &body, &key, o.now()?, tolerance(o.number("toleranceSeconds")?)?)?;
        let header = match &checked {
            crate::response_signature::ResponseSignature::Unsigned => None,
            crate::response_signature::ResponseSignature::Verified(auth) => Some(auth.verified()),
        };
        to_js(&Checked { signed: header.is_some(), header })
    })
}

