//! Where requests go (PROTOCOL.md rule 11) and what the host is told to send.

use crate::bills::{read_body_at, CheckOptions, Endpoint};
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

/// The `Content-Type` of a JSON request: `application/json` (the platform's samples) unless
/// the caller asks for `application/json; charset=utf-8`, which some clients send.
pub fn content_type(requested: Option<&str>) -> Result<&'static str> {
    match requested {
        None | Some("application/json") => Ok("application/json"),
        Some("application/json; charset=utf-8") => Ok("application/json; charset=utf-8"),
        Some(other) => Err(Error::new(
            ErrorCode::FieldFormat,
            "contentType",
            format!("contentType must be 'application/json' or 'application/json; charset=utf-8', not {}", crate::error::quoted(other)),
        )),
    }
}

/// A request for the host to send: exactly this method, URL, content type and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// Always `POST` for bills endpoints.
    pub method: &'static str,
    /// Base URL plus the endpoint's path.
    pub url: String,
    /// `application/json` (or, when asked, `application/json; charset=utf-8`).
    pub content_type: &'static str,
    /// The exact body text; sign and send these UTF-8 bytes unchanged.
    pub body: String,
}

impl HttpRequest {
    /// The same request with the `Content-Type` the caller asked for (see [`content_type`]).
    pub fn with_content_type(self, requested: Option<&str>) -> Result<Self> {
        Ok(HttpRequest { content_type: content_type(requested)?, ..self })
    }
}

/// `{ method, url, headers: { "Content-Type": … }, body }`, the shape hosts pass to `fetch`.
impl serde::Serialize for HttpRequest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut request = serializer.serialize_struct("HttpRequest", 4)?;
        request.serialize_field("method", self.method)?;
        request.serialize_field("url", &self.url)?;
        request.serialize_field("headers", &ContentType(self.content_type))?;
        request.serialize_field("body", &self.body)?;
        request.end()
    }
}

struct ContentType(&'static str);

impl serde::Serialize for ContentType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut headers = serializer.serialize_struct("Headers", 1)?;
        headers.serialize_field("Content-Type", self.0)?;
        headers.end()
    }
}

/// Options for building a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildOptions {
    /// The gateway base URL (see [`Environment::base_url`] and [`normalize_base_url`]).
    pub base_url: String,
    /// The instant used for `requestTimestamp` when the input has none (epoch ms).
    pub now_ms: i64,
    /// Validation options.
    pub check: CheckOptions,
}

/// Builds a bills request from JSON input: validates it, fills defaults and serializes the body.
pub fn build_request(endpoint: &'static Endpoint, input: &str, options: &BuildOptions) -> Result<HttpRequest> {
    let body = read_body_at(endpoint, input, &options.check, Some(options.now_ms))?.into_json()?;
    // Defaults can make the body a little longer than the input; what is built must also be
    // signable under the same cap.
    let max_body_bytes = options.check.max_body_bytes.unwrap_or(crate::limits::DEFAULT_MAX_BODY_BYTES);
    crate::limits::check_body_size("body", body.len(), max_body_bytes)?;
    Ok(HttpRequest { method: "POST", url: [options.base_url.as_str(), endpoint.path].concat(), content_type: "application/json", body })
}

/// A request to `path` (`/v1/netpay/bills/get-qrcode`, `/v1/netpay/refund-query`, or a bills
/// service name): built with the field table when the path has one (validated, defaults
/// filled), else written exactly as [`crate::generic_request`] does.
pub fn build_at(path: &str, input: &str, options: &BuildOptions) -> Result<HttpRequest> {
    match crate::bills::endpoint_at(path) {
        Some(endpoint) => build_request(endpoint, input, options),
        None => crate::generic_request::build_bills_request(path, input, &options.base_url, options.now_ms),
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
    fn a_path_with_a_table_is_validated_and_any_other_written_exactly() {
        let options = BuildOptions { base_url: TEST_BASE_URL.into(), now_ms: 1_735_758_245_000, check: CheckOptions::default() };
        let err = build_at("/v1/netpay/bills/close-qrcode", r#"{"mid":"m","tid":"t"}"#, &options).unwrap_err();
        assert_eq!(err.issues()[0].field.as_deref(), Some("qrCodeId"));
        let generic = build_at("/v1/netpay/refund-query", r#"{"b":1.50,"a":"x"}"#, &options).unwrap();
        assert_eq!(generic.body, r#"{"requestTimestamp":"2025-01-02 03:04:05","b":1.50,"a":"x"}"#);
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
