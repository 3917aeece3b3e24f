//! OPEN-FORM-PARAM (PROTOCOL.md §4): a signed GET URL, used for H5 cashier redirects.
//!
//! The signature is OPEN-BODY-SIG's, computed over the raw content bytes (the official demo's
//! URL-decode-before-hashing step is a bug, not copied). Every query value is form-encoded as
//! Java's `URLEncoder` does in the official demo: `A-Z a-z 0-9 . - * _` stay, a space becomes
//! `+`, every other byte of the UTF-8 text becomes `%XX` (uppercase hex). Go's
//! `url.QueryEscape` differs only on `*` and `~`, which any form decoder reads back the same.

use crate::bills::MAX_INPUT_BYTES;
use crate::error::{Error, ErrorCode, Result};
use crate::json::{self, Json};
use crate::open_body_sig::{sign_open_body, AppKey};

/// The value of the `authorization` query parameter.
pub const AUTHORIZATION: &str = "OPEN-FORM-PARAM";

/// A signed OPEN-FORM-PARAM URL and its parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormParamUrl {
    /// The full GET URL: the endpoint URL, `?`, and the query.
    pub url: String,
    /// `authorization=OPEN-FORM-PARAM&appId=…&timestamp=…&nonce=…&content=…&signature=…`
    pub query: String,
    /// The Base64 signature, before encoding.
    pub signature: String,
}

/// Appends `text` form-encoded like Java's `URLEncoder.encode(text, "UTF-8")`, which is the
/// WHATWG `application/x-www-form-urlencoded` serializer that `form_urlencoded` implements.
pub fn form_encode_into(out: &mut String, text: &str) {
    out.extend(form_urlencoded::byte_serialize(text.as_bytes()));
}

/// Checks the endpoint URL: `http(s)://host/path`, visible ASCII, no query or fragment (the
/// signed parameters are the whole query).
fn check_url(url: &str) -> Result<()> {
    let bad = |why: &str| {
        Error::new(
            ErrorCode::FieldFormat,
            "url",
            format!(
                "url {why}; pass the endpoint's full URL, for example \
                 https://test-api-open.chinaums.com/v1/netpay/trade/h5-pay"
            ),
        )
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| bad("must start with http:// or https://"))?;
    if rest.split('/').next().unwrap_or_default().is_empty() {
        return Err(bad("has no host"));
    }
    if !rest.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err(bad("must not contain spaces, control or non-ASCII characters"));
    }
    if rest.contains(['?', '#']) {
        return Err(bad("must not contain a query or fragment: the signed parameters are the whole query"));
    }
    Ok(())
}

/// The content must be the JSON object the endpoint expects; it is signed and sent as given.
fn check_content(content: &str) -> Result<()> {
    if content.len() > MAX_INPUT_BYTES {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            "content",
            format!("content is {} bytes; at most {MAX_INPUT_BYTES} are accepted", content.len()),
        ));
    }
    match json::parse(content) {
        Ok(Json::Object(_)) => Ok(()),
        Ok(other) => Err(Error::new(
            ErrorCode::FieldType,
            "content",
            format!("content must be the JSON text of an object, not of {}", other.type_name()),
        )),
        Err(e) => {
            let e = e.into_error("content");
            Err(Error::new(e.code(), "content", e.message()))
        }
    }
}

/// Signs `content` (the business JSON, exactly as it will be sent) and builds the GET URL for
/// `url` (the endpoint's full URL). `timestamp` is `yyyyMMddHHmmss` Beijing time.
pub fn form_param_url(
    app_id: &str,
    app_key: &AppKey,
    url: &str,
    content: &str,
    timestamp: &str,
    nonce: &str,
) -> Result<FormParamUrl> {
    check_url(url)?;
    check_content(content)?;
    let signed = sign_open_body(app_id, app_key, content.as_bytes(), timestamp, nonce)?;
    let mut query = String::with_capacity(120 + content.len() * 3);
    for (i, (name, value)) in [
        ("authorization", AUTHORIZATION),
        ("appId", app_id),
        ("timestamp", timestamp),
        ("nonce", nonce),
        ("content", content),
        ("signature", signed.signature.as_str()),
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            query.push('&');
        }
        query.push_str(name);
        query.push('=');
        form_encode_into(&mut query, value);
    }
    Ok(FormParamUrl { url: format!("{url}?{query}"), query, signature: signed.signature })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(text: &str) -> String {
        let mut out = String::new();
        form_encode_into(&mut out, text);
        out
    }

    #[test]
    fn encodes_like_java_url_encoder() {
        assert_eq!(encoded("aZ09.-*_"), "aZ09.-*_");
        assert_eq!(encoded("a b+c/d=e&f"), "a+b%2Bc%2Fd%3De%26f");
        assert_eq!(encoded("~%\"{}:,"), "%7E%25%22%7B%7D%3A%2C");
        assert_eq!(encoded("测试"), "%E6%B5%8B%E8%AF%95");
        assert_eq!(encoded("😀\n"), "%F0%9F%98%80%0A");
        assert_eq!(encoded(""), "");
    }

    #[test]
    fn url_and_content_are_checked() {
        let key = AppKey::new("k").unwrap();
        let build = |url: &str, content: &str| form_param_url("app", &key, url, content, "20250102030405", "n");
        assert!(build("https://gw.example/v1/netpay/trade/h5-pay", "{}").is_ok());
        for bad in ["gw.example/x", "https:///x", "https://gw.example/x?a=1", "https://gw.example/x#f", "https://gw.example/a b"] {
            assert_eq!(build(bad, "{}").unwrap_err().field(), Some("url"), "{bad}");
        }
        assert_eq!(build("https://gw.example/x", "[1]").unwrap_err().code(), ErrorCode::FieldType);
        let err = build("https://gw.example/x", "{\"a\":1,}").unwrap_err();
        assert_eq!((err.code(), err.field()), (ErrorCode::InvalidJson, Some("content")));
        assert_eq!(build("https://gw.example/x", "{}").map(|u| u.url.starts_with("https://gw.example/x?authorization=OPEN-FORM-PARAM&appId=app&")), Ok(true));
    }
}
