//! OPEN-ACCESS-TOKEN mode (PROTOCOL.md part 0 rule 9, §3), the official SDKs' default:
//!
//! ```text
//! access_token_request ──host POSTs──▶ response text ──parse_access_token_response──▶ AccessToken
//! AccessToken ──AccessTokenHolder──▶ needs_refresh(now) / authorization(now) ──▶ header
//! ```
//!
//! The token signature is a plain SHA-256 with the appKey appended, not an HMAC. In token
//! mode the JSON body of a business request is not signed: the header carries the token only.
//! The holder keeps no timers (Workers forbid them outside a request): the host asks it, with
//! its own clock, whether to refresh.

use core::fmt;

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::error::{Error, ErrorCode, Result};
use crate::json::Json;
use crate::open_body_sig::{check_app_id, check_nonce, check_timestamp, AppKey};

/// The token endpoint's path below the gateway's base URL.
pub const TOKEN_PATH: &str = "/v1/token/access";
/// The `signMethod` sent: the current SHA-256 form (the legacy SHA-1 form is not offered).
pub const SIGN_METHOD: &str = "SHA256";
/// The token endpoint's success code (not `SUCCESS`, which the bills endpoints use).
pub const SUCCESS_CODE: &str = "0000";
/// The scheme of the `Authorization` header in token mode.
pub const SCHEME: &str = "OPEN-ACCESS-TOKEN";
/// How long before expiry a token is due for refresh, by default.
pub const DEFAULT_REFRESH_MARGIN_SECONDS: u32 = 300;

/// Longest token accepted into a header (observed tokens are about 32-64 characters).
const MAX_TOKEN_LEN: usize = 2048;
/// Longest lifetime accepted: ten years, far beyond the one hour the platform grants, so that
/// a garbled value is caught before `expiresAt` overflows.
const MAX_EXPIRES_IN_SECONDS: u64 = 10 * 365 * 24 * 3600;

/// Lowercase hex SHA-256 of `appId + timestamp + nonce + appKey` (PROTOCOL.md §3.1).
pub fn token_signature(app_id: &str, timestamp: &str, nonce: &str, app_key: &AppKey) -> String {
    let mut hasher = Sha256::new();
    for part in [app_id.as_bytes(), timestamp.as_bytes(), nonce.as_bytes(), app_key.bytes()] {
        hasher.update(part);
    }
    base16ct::lower::encode_string(&hasher.finalize())
}

/// A token request for the host to POST: the URL and the exact JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRequest {
    /// Base URL plus [`TOKEN_PATH`].
    pub url: String,
    /// `{"appId":…,"timestamp":…,"nonce":…,"signMethod":"SHA256","signature":…}`
    pub body: String,
    /// The signature inside the body.
    pub signature: String,
}

/// Builds the token request. `timestamp` is `yyyyMMddHHmmss` Beijing time; `base_url` is an
/// already checked base URL (see [`crate::http::resolve_base_url`]).
pub fn access_token_request(
    app_id: &str,
    app_key: &AppKey,
    timestamp: &str,
    nonce: &str,
    base_url: &str,
) -> Result<TokenRequest> {
    check_app_id(app_id)?;
    check_timestamp(timestamp)?;
    check_nonce(nonce)?;
    let signature = token_signature(app_id, timestamp, nonce, app_key);
    let body = TokenBody { app_id, timestamp, nonce, sign_method: SIGN_METHOD, signature: &signature };
    let body = serde_json::to_string(&body).map_err(|e| crate::json::json_error(&e, "the token request"))?;
    Ok(TokenRequest { url: format!("{base_url}{TOKEN_PATH}"), body, signature })
}

/// The token request's body, in the order the public clients send it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenBody<'a> {
    app_id: &'a str,
    timestamp: &'a str,
    nonce: &'a str,
    sign_method: &'a str,
    signature: &'a str,
}

/// A token granted by the platform. `Debug` never shows the token itself.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    /// The token, for the `Authorization` header.
    pub access_token: String,
    /// Lifetime granted, in seconds.
    pub expires_in: u64,
    /// The instant it expires (epoch ms): the parse time plus `expires_in`.
    pub expires_at_ms: i64,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("access_token", &"** redacted **")
            .field("expires_in", &self.expires_in)
            .field("expires_at_ms", &self.expires_at_ms)
            .finish()
    }
}

impl AccessToken {
    /// When to fetch the next token (epoch ms): `margin_ms` before expiry, but never earlier
    /// than halfway through the lifetime, so that a short-lived token is not refreshed at once.
    pub fn refresh_at_ms(&self, margin_ms: u64) -> i64 {
        refresh_at_ms(self.expires_at_ms, self.expires_in, margin_ms)
    }

}

/// `{ accessToken, expiresIn, expiresAt }`, for the JavaScript binding.
impl Serialize for AccessToken {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut token = serializer.serialize_struct("AccessToken", 3)?;
        token.serialize_field("accessToken", &self.access_token)?;
        token.serialize_field("expiresIn", &self.expires_in)?;
        token.serialize_field("expiresAt", &self.expires_at_ms)?;
        token.end()
    }
}

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidResponse, field, message)
}

/// The member named `name` (names are unique: repeated ones are refused when read).
fn member<'a>(members: &'a [(String, Json)], name: &str) -> Option<&'a Json> {
    members.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// When a token that expires at `expires_at_ms` after a lifetime of `expires_in` seconds is due
/// for refresh: `margin_ms` before expiry, but never earlier than halfway through the lifetime.
pub fn refresh_at_ms(expires_at_ms: i64, expires_in: u64, margin_ms: u64) -> i64 {
    let lifetime_ms = expires_in.saturating_mul(1000);
    let margin = i64::try_from(margin_ms.min(lifetime_ms / 2)).unwrap_or(i64::MAX);
    expires_at_ms.saturating_sub(margin)
}

/// Parses the token endpoint's answer at `now_ms` (epoch ms, for `expires_at_ms`).
///
/// `errCode` `"0000"` gives the token; any other code is an [`ErrorCode::Platform`] error
/// carrying that code (see [`Error::platform_code`]) and the platform's `errInfo`.
pub fn parse_access_token_response(text: &str, now_ms: i64) -> Result<AccessToken> {
    let members = crate::bills::response_members(text, "the token response")?;
    let err_code = match member(&members, "errCode") {
        Some(Json::String(code)) => code.clone(),
        Some(Json::Number(code)) => code.to_string(),
        Some(other) => return Err(invalid("errCode", format!("errCode must be a string, not {}", other.type_name()))),
        None => {
            return Err(invalid(
                "errCode",
                "the token response has no errCode, so success cannot be told from failure",
            ))
        }
    };
    if err_code != SUCCESS_CODE {
        let said = match member(&members, "errInfo").or_else(|| member(&members, "errMsg")) {
            Some(Json::String(info)) if !info.is_empty() => Some(info.clone()),
            _ => None,
        };
        let what = crate::error::platform_said(&err_code, said.as_deref());
        return Err(Error::platform(
            err_code.clone(),
            said,
            format!(
                "the platform refused the access-token request: errCode {what}; check that the \
                 appKey is the one issued for this appId and that the host clock is right \
                 (the timestamp is Beijing time)"
            ),
        ));
    }
    let access_token = match member(&members, "accessToken") {
        Some(Json::String(token)) if !token.is_empty() => token.clone(),
        _ => return Err(invalid("accessToken", "the token response has errCode 0000 but no accessToken")),
    };
    if access_token.len() > MAX_TOKEN_LEN || !crate::open_body_sig::header_safe(&access_token) {
        return Err(invalid(
            "accessToken",
            "the accessToken is not a header-safe token (visible ASCII without quotes, commas or \
             backslashes, at most 2048 characters)",
        ));
    }
    let expires_in = match member(&members, "expiresIn") {
        Some(Json::Number(number)) => seconds(&number.to_string()),
        Some(Json::String(text)) => seconds(text),
        _ => None,
    }
    .ok_or_else(|| {
        invalid(
            "expiresIn",
            "expiresIn must be the token's lifetime in whole seconds (for example 3600)",
        )
    })?;
    let expires_at_ms = i64::try_from(expires_in)
        .ok()
        .and_then(|s| s.checked_mul(1000))
        .and_then(|ms| now_ms.checked_add(ms))
        .ok_or_else(|| invalid("expiresIn", "expiresIn is too large"))?;
    Ok(AccessToken { access_token, expires_in, expires_at_ms })
}

/// A positive whole number of seconds, digits only, within [`MAX_EXPIRES_IN_SECONDS`].
fn seconds(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u64>().ok().filter(|s| (1..=MAX_EXPIRES_IN_SECONDS).contains(s))
}

/// The `Authorization` header for a token: `OPEN-ACCESS-TOKEN AccessToken=<token>`, unquoted
/// (PROTOCOL.md §3.3). The token is checked so that it cannot break the header.
pub fn token_authorization(token: &str) -> Result<String> {
    if token.is_empty() {
        return Err(Error::new(ErrorCode::FieldRequired, "accessToken", "accessToken is empty; fetch a token first"));
    }
    if token.len() > MAX_TOKEN_LEN || !crate::open_body_sig::header_safe(token) {
        return Err(Error::new(
            ErrorCode::FieldFormat,
            "accessToken",
            "accessToken must be visible ASCII without spaces, quotes, commas or backslashes (at \
             most 2048 characters): pass the accessToken from the token response unchanged",
        ));
    }
    Ok(format!("{SCHEME} AccessToken={token}"))
}

/// Holds the current token and tells the host when to fetch the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessTokenHolder {
    token: Option<AccessToken>,
    margin_ms: u64,
}

impl Default for AccessTokenHolder {
    fn default() -> Self {
        AccessTokenHolder::new(DEFAULT_REFRESH_MARGIN_SECONDS)
    }
}

impl AccessTokenHolder {
    /// The margin a host gave as a number (`marginSeconds`): whole seconds, 0 or more.
    pub fn margin_from(seconds: Option<f64>) -> Result<u32> {
        let Some(seconds) = seconds else { return Ok(DEFAULT_REFRESH_MARGIN_SECONDS) };
        if !(seconds.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&seconds)) {
            return Err(Error::new(ErrorCode::FieldFormat, "marginSeconds", format!("marginSeconds must be a whole number of seconds, 0 or more, not {seconds}")));
        }
        // Whole and within u32 (checked just above).
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(seconds as u32)
    }

    /// The margin, in seconds.
    pub fn margin_seconds(&self) -> u64 {
        self.margin_ms / 1000
    }

    /// An empty holder that asks for a refresh `margin_seconds` before expiry.
    pub fn new(margin_seconds: u32) -> Self {
        AccessTokenHolder { token: None, margin_ms: u64::from(margin_seconds) * 1000 }
    }

    /// Replaces the held token.
    pub fn update(&mut self, token: AccessToken) {
        self.token = Some(token);
    }

    /// Forgets the token (for example after the platform answered 认证失败).
    pub fn clear(&mut self) {
        self.token = None;
    }

    /// The held token, if any.
    pub fn token(&self) -> Option<&AccessToken> {
        self.token.as_ref()
    }

    /// When the held token is due for refresh (epoch ms), if there is one.
    pub fn refresh_at_ms(&self) -> Option<i64> {
        self.token.as_ref().map(|t| t.refresh_at_ms(self.margin_ms))
    }

    /// Whether the host should fetch a new token now: there is none, or it is within the
    /// margin of its expiry.
    pub fn needs_refresh(&self, now_ms: i64) -> bool {
        self.refresh_at_ms().is_none_or(|at| now_ms >= at)
    }

    /// The header for the held token while it has not expired (it may be due for refresh and
    /// still valid); [`ErrorCode::TokenExpired`] when there is none or it has expired.
    pub fn authorization(&self, now_ms: i64) -> Result<String> {
        match &self.token {
            Some(token) if now_ms < token.expires_at_ms => token_authorization(&token.access_token),
            Some(_) => Err(Error::new(
                ErrorCode::TokenExpired,
                "accessToken",
                "the access token has expired; fetch a new one (needsRefresh turns true a margin \
                 before expiry so that this does not happen)",
            )),
            None => Err(Error::new(
                ErrorCode::TokenExpired,
                "accessToken",
                "there is no access token yet; fetch one and pass the parsed response to update()",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP_ID: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    const TS: &str = "20250102030405";
    const NONCE: &str = "0123456789abcdef0123456789abcdef";

    fn key() -> AppKey {
        AppKey::new("fictional0app0key0for0tests00001").unwrap()
    }

    #[test]
    fn signature_is_t1_and_not_the_legacy_sha1() {
        // PROTOCOL.md §12.3 T1.
        let sig = token_signature(APP_ID, TS, NONCE, &key());
        assert_eq!(sig, "9acd8183e172df8014c711af6e614bd3f557162c11f70aade728cd925c497638");
        assert_ne!(sig, "6c1709af14ef6ab0a0a4aecdeac5443e334d0b1a");
    }

    #[test]
    fn request_checks_its_header_inputs() {
        assert_eq!(access_token_request("", &key(), TS, NONCE, "http://x").unwrap_err().field(), Some("appId"));
        assert_eq!(access_token_request(APP_ID, &key(), "2025", NONCE, "http://x").unwrap_err().field(), Some("timestamp"));
        assert_eq!(access_token_request(APP_ID, &key(), TS, "a b", "http://x").unwrap_err().field(), Some("nonce"));
        let request = access_token_request(APP_ID, &key(), TS, NONCE, "http://127.0.0.1:1").unwrap();
        assert_eq!(request.url, "http://127.0.0.1:1/v1/token/access");
        assert!(!request.body.contains("fictional0app0key"), "the key itself is never sent");
    }

    #[test]
    fn success_gives_token_and_expiry() {
        let t = parse_access_token_response(
            r#"{"errCode":"0000","errInfo":"正常","accessToken":"abc123","expiresIn":3600}"#,
            1_000,
        )
        .unwrap();
        assert_eq!((t.access_token.as_str(), t.expires_in, t.expires_at_ms), ("abc123", 3600, 3_601_000));
        assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"accessToken":"abc123","expiresIn":3600,"expiresAt":3601000}"#);
        let t = parse_access_token_response(r#"{"errCode":"0000","accessToken":"t","expiresIn":"3000"}"#, 0).unwrap();
        assert_eq!(t.expires_in, 3000);
        assert!(!format!("{t:?}").contains("\"t\""));
    }

    #[test]
    fn refusals_carry_the_platform_code() {
        let err = parse_access_token_response(r#"{"errCode":"1000","errInfo":"认证失败"}"#, 0).unwrap_err();
        assert_eq!((err.code(), err.platform_code(), err.field()), (ErrorCode::Platform, Some("1000"), None));
        assert_eq!(err.platform_message(), Some("认证失败"));
        assert!(err.message().contains("认证失败"), "{}", err.message());
        let long = "x".repeat(300);
        let err = parse_access_token_response(&format!(r#"{{"errCode":"1000","errMsg":"{long}"}}"#), 0).unwrap_err();
        assert_eq!(err.platform_message(), Some(long.as_str()), "the platform's message is kept whole");
        // Bills' success word is not the token endpoint's.
        let err = parse_access_token_response(r#"{"errCode":"SUCCESS","accessToken":"t","expiresIn":1}"#, 0).unwrap_err();
        assert_eq!(err.platform_code(), Some("SUCCESS"));
    }

    #[test]
    fn malformed_answers_are_invalid_responses() {
        for (body, field) in [
            (r#"{"errInfo":"x"}"#, "errCode"),
            (r#"{"errCode":"0000","expiresIn":1}"#, "accessToken"),
            (r#"{"errCode":"0000","accessToken":"a b","expiresIn":1}"#, "accessToken"),
            (r#"{"errCode":"0000","accessToken":"t"}"#, "expiresIn"),
            (r#"{"errCode":"0000","accessToken":"t","expiresIn":0}"#, "expiresIn"),
            (r#"{"errCode":"0000","accessToken":"t","expiresIn":1.5}"#, "expiresIn"),
            (r#"{"errCode":"0000","accessToken":"t","expiresIn":-1}"#, "expiresIn"),
            (r#"{"errCode":"0000","accessToken":"t","expiresIn":99999999999999}"#, "expiresIn"),
        ] {
            let err = parse_access_token_response(body, 0).unwrap_err();
            assert_eq!((err.code(), err.field()), (ErrorCode::InvalidResponse, Some(field)), "{body}");
        }
        assert_eq!(parse_access_token_response("认证失败", 0).unwrap_err().code(), ErrorCode::InvalidJson);
        assert_eq!(parse_access_token_response("[]", 0).unwrap_err().code(), ErrorCode::InvalidResponse);
        let err = parse_access_token_response(r#"{"errCode":"0000","accessToken":"t","expiresIn":3600}"#, i64::MAX).unwrap_err();
        assert_eq!(err.field(), Some("expiresIn"));
    }

    #[test]
    fn authorization_header_is_unquoted_and_checked() {
        assert_eq!(token_authorization("abc").unwrap(), "OPEN-ACCESS-TOKEN AccessToken=abc");
        assert_eq!(token_authorization("").unwrap_err().code(), ErrorCode::FieldRequired);
        for bad in ["a b", "a\"b", "a,b", "a\r\nX: y", "令牌"] {
            assert_eq!(token_authorization(bad).unwrap_err().code(), ErrorCode::FieldFormat, "{bad:?}");
        }
    }

    #[test]
    fn holder_asks_for_refresh_a_margin_before_expiry() {
        let mut holder = AccessTokenHolder::default();
        assert!(holder.needs_refresh(0));
        assert_eq!(holder.authorization(0).unwrap_err().code(), ErrorCode::TokenExpired);
        holder.update(AccessToken { access_token: "t".into(), expires_in: 3600, expires_at_ms: 3_600_000 });
        assert_eq!(holder.refresh_at_ms(), Some(3_300_000));
        assert!(!holder.needs_refresh(3_299_999));
        assert!(holder.needs_refresh(3_300_000));
        // Due for refresh but still valid: the header is still given.
        assert_eq!(holder.authorization(3_599_999).unwrap(), "OPEN-ACCESS-TOKEN AccessToken=t");
        assert_eq!(holder.authorization(3_600_000).unwrap_err().code(), ErrorCode::TokenExpired);
        holder.clear();
        assert!(holder.needs_refresh(0));
    }

    #[test]
    fn short_lifetimes_are_not_refreshed_at_once() {
        let token = AccessToken { access_token: "t".into(), expires_in: 60, expires_at_ms: 60_000 };
        assert_eq!(token.refresh_at_ms(300_000), 30_000);
        assert_eq!(token.refresh_at_ms(0), 60_000);
    }
}
