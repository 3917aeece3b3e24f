//! Where requests go (PROTOCOL.md rule 11) and what the host is told to send: the leaf every
//! request builder shares.

use crate::error::{Error, ErrorCode, Result};

/// Production gateway.
pub const PRODUCTION_BASE_URL: &str = "https://api-mop.chinaums.com";
/// Test gateway.
pub const TEST_BASE_URL: &str = "https://test-api-open.chinaums.com";

/// A ChinaUMS environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    /// `https://api-mop.chinaums.com`
    Production,
    /// `https://test-api-open.chinaums.com`
    Test,
}

impl Environment {
    /// Reads `"production"` or `"test"`.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "production" => Ok(Environment::Production),
            "test" => Ok(Environment::Test),
            other => Err(Error::new(
                ErrorCode::FieldFormat,
                "env",
                format!(
                    "env must be 'test' or 'production', not {}; pass baseUrl for a local gateway",
                    crate::error::quoted(other)
                ),
            )),
        }
    }

    /// The gateway's base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Production => PRODUCTION_BASE_URL,
            Environment::Test => TEST_BASE_URL,
        }
    }
}

/// Checks a custom base URL (for example a local gateway) and removes trailing slashes.
pub fn normalize_base_url(url: &str) -> Result<String> {
    let bad = |why: &str| {
        Error::new(
            ErrorCode::FieldFormat,
            "baseUrl",
            format!("baseUrl {why}; pass something like http://127.0.0.1:8080 or https://gateway.example"),
        )
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| bad("must start with http:// or https://"))?;
    let trimmed = rest.trim_end_matches('/');
    let host = trimmed.split('/').next().unwrap_or_default();
    if host.is_empty() {
        return Err(bad("has no host"));
    }
    if !trimmed.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err(bad("must not contain spaces, control or non-ASCII characters"));
    }
    if trimmed.contains(['?', '#']) {
        return Err(bad("must not contain a query or fragment"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// The base URL chosen by a caller: a custom `base_url` (checked by [`normalize_base_url`])
/// wins over `env` (`"test"` / `"production"`); one of them is required.
pub fn resolve_base_url(env: Option<&str>, base_url: Option<&str>) -> Result<String> {
    let env = env.map(Environment::parse).transpose()?;
    match (base_url, env) {
        (Some(url), _) => normalize_base_url(url),
        (None, Some(env)) => Ok(env.base_url().to_owned()),
        (None, None) => Err(Error::new(
            ErrorCode::FieldRequired,
            "env",
            "choose where the request goes: env 'test' or 'production', or a baseUrl",
        )),
    }
}

/// The `Content-Type` of a JSON request, as the platform's samples send it.
pub const JSON_CONTENT_TYPE: &str = "application/json";
/// The other spelling some clients send.
const JSON_UTF8_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// The `Content-Type` of a JSON request: [`JSON_CONTENT_TYPE`] unless the caller asks for
/// `application/json; charset=utf-8`.
pub fn content_type(requested: Option<&str>) -> Result<&'static str> {
    match requested {
        None | Some(JSON_CONTENT_TYPE) => Ok(JSON_CONTENT_TYPE),
        Some(JSON_UTF8_CONTENT_TYPE) => Ok(JSON_UTF8_CONTENT_TYPE),
        Some(other) => Err(Error::new(
            ErrorCode::FieldFormat,
            "contentType",
            format!("contentType must be 'application/json' or 'application/json; charset=utf-8', not {}", crate::error::quoted(other)),
        )),
    }
}

/// A request for the host to send: exactly this method, URL, headers and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// Always `POST` for this platform's JSON APIs.
    pub method: &'static str,
    /// Base URL plus the endpoint's path.
    pub url: String,
    /// `application/json` (or, when asked, `application/json; charset=utf-8`).
    pub content_type: &'static str,
    /// The `Authorization` header, once the request is signed.
    pub authorization: Option<String>,
    /// The exact body text; sign and send these UTF-8 bytes unchanged.
    pub body: String,
}

impl HttpRequest {
    /// A `POST` of `body` to `url` as `content_type`, not signed yet.
    pub fn post(url: String, content_type: &'static str, body: String) -> Self {
        HttpRequest { method: "POST", url, content_type, authorization: None, body }
    }
}

/// `{ method, url, headers: { "Content-Type": …, "Authorization"?: … }, body }`, the shape hosts
/// pass to `fetch`.
impl serde::Serialize for HttpRequest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut request = serializer.serialize_struct("HttpRequest", 4)?;
        request.serialize_field("method", self.method)?;
        request.serialize_field("url", &self.url)?;
        request.serialize_field("headers", &Headers(self))?;
        request.serialize_field("body", &self.body)?;
        request.end()
    }
}

struct Headers<'a>(&'a HttpRequest);

impl serde::Serialize for Headers<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut headers = serializer.serialize_map(None)?;
        headers.serialize_entry("Content-Type", self.0.content_type)?;
        if let Some(authorization) = &self.0.authorization {
            headers.serialize_entry("Authorization", authorization)?;
        }
        headers.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_map_to_the_official_gateways() {
        assert_eq!(Environment::parse("test").unwrap().base_url(), TEST_BASE_URL);
        assert_eq!(Environment::parse("production").unwrap().base_url(), PRODUCTION_BASE_URL);
        assert_eq!(Environment::parse("prod").unwrap_err().field(), Some("env"));
    }

    #[test]
    fn base_url_comes_from_base_url_or_env() {
        assert_eq!(resolve_base_url(Some("test"), None).unwrap(), TEST_BASE_URL);
        assert_eq!(resolve_base_url(Some("production"), Some("http://127.0.0.1:9/")).unwrap(), "http://127.0.0.1:9");
        assert_eq!(resolve_base_url(None, None).unwrap_err().code(), ErrorCode::FieldRequired);
        assert_eq!(resolve_base_url(Some("prod"), None).unwrap_err().field(), Some("env"));
    }

    #[test]
    fn base_urls_are_checked_and_trimmed() {
        assert_eq!(normalize_base_url("http://127.0.0.1:8080/").unwrap(), "http://127.0.0.1:8080");
        assert_eq!(normalize_base_url("https://gw.example/mock//").unwrap(), "https://gw.example/mock");
        for bad in ["127.0.0.1:8080", "ftp://x", "http://", "http:///path", "http://a b", "http://x/?q=1", "http://x\n"] {
            assert_eq!(normalize_base_url(bad).unwrap_err().field(), Some("baseUrl"), "{bad:?}");
        }
    }
}
