//! The admin-panel preview: what a server will send for a request, computed where there is no
//! key (a browser). The same validation the server runs (defaults applied), the same builder,
//! so the body is byte for byte the one the server signs, its digest, and the Authorization
//! header with every parameter but the signature.

use serde::Serialize;

use crate::bills::{read_body_at, CheckOptions, Endpoint};
use crate::error::{Issue, Result};
use crate::open_body_sig::{authorization_header, body_digest, check_app_id, check_nonce};
use crate::http::HttpRequest;
use crate::request::{build_request, BuildOptions};
use crate::time::BeijingTime;

/// What the preview shows instead of the signature, which only the key holder can compute.
pub const SIGNATURE_PLACEHOLDER: &str = "<computed by the server>";

/// How to preview: where the request goes, the public appId, the instant, and the checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewOptions {
    /// The server's gateway and the instant of the header's Timestamp and of a missing
    /// `requestTimestamp`, with the validation options.
    pub build: BuildOptions,
    /// The appId the server signs with (public; shown in the header).
    pub app_id: String,
    /// The nonce shown; a fresh CSPRNG nonce when `None` (the server signs with its own).
    pub nonce: Option<String>,
}

/// A preview: either the exact request and its digest, or the issues to fix; the header's
/// public parts either way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    /// No issues.
    pub ok: bool,
    /// What to fix (empty when `ok`).
    pub issues: Vec<Issue>,
    /// What the builder returns for the same input and options (unsigned).
    pub request: Option<HttpRequest>,
    /// Lowercase hex SHA-256 of the body.
    pub body_digest: Option<String>,
    /// `OPEN-BODY-SIG AppId="…", Timestamp="…", Nonce="…", Signature="<computed by the server>"`.
    pub authorization: String,
    /// `yyyyMMddHHmmss`, Beijing time of the instant.
    pub timestamp: String,
    /// The nonce shown.
    pub nonce: String,
    /// A shell-quoted curl command sending exactly this body, the signature left out.
    pub curl: Option<String>,
}

/// Previews a request for `endpoint`. Bad options (a malformed appId or nonce) are errors,
/// whatever the input; a bad input is `ok: false` with its issues.
pub fn preview(endpoint: &'static Endpoint, input: &str, options: &PreviewOptions) -> Result<Preview> {
    let build = &options.build;
    let timestamp = BeijingTime::from_epoch_ms(build.now_ms)?.compact();
    check_app_id(&options.app_id)?;
    let nonce = match &options.nonce {
        Some(nonce) => {
            check_nonce(nonce)?;
            nonce.clone()
        }
        None => crate::nonce::fresh_nonce()?,
    };
    let authorization = authorization_header(&options.app_id, &timestamp, &nonce, SIGNATURE_PLACEHOLDER);
    let check = CheckOptions { apply_defaults: true, ..build.check.clone() };
    let issues = match read_body_at(endpoint, input, &check, None) {
        Ok(_) => Vec::new(),
        Err(err) => err.into_issues(),
    };
    if !issues.is_empty() {
        return Ok(Preview { ok: false, issues, request: None, body_digest: None, authorization, timestamp, nonce, curl: None });
    }
    let request = build_request(endpoint, input, build)?;
    let curl = curl_command(&request, &authorization);
    Ok(Preview {
        ok: true,
        issues,
        body_digest: Some(body_digest(request.body.as_bytes())),
        request: Some(request),
        authorization,
        timestamp,
        nonce,
        curl: Some(curl),
    })
}

/// Quotes one word for a POSIX shell: inside single quotes nothing is special but `'` itself.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// A curl command that sends exactly `request`, with `authorization` as its header;
/// `--data-binary` sends the bytes unchanged (`-d` would strip newlines and read @files).
fn curl_command(request: &HttpRequest, authorization: &str) -> String {
    [
        format!("curl -X {} {}", request.method, shell_quote(&request.url)),
        format!("-H {}", shell_quote(&format!("Content-Type: {}", request.content_type))),
        format!("-H {}", shell_quote(&format!("Authorization: {authorization}"))),
        format!("--data-binary {}", shell_quote(&request.body)),
    ]
    .join(" \\\n  ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bills::PREAUTH_CANCEL;
    use crate::ErrorCode;

    fn options(nonce: Option<&str>) -> PreviewOptions {
        PreviewOptions {
            build: BuildOptions::new("http://127.0.0.1:9", 1_735_758_245_000),
            app_id: "app".into(),
            nonce: nonce.map(str::to_owned),
        }
    }

    const INPUT: &str = r#"{"mid":"m","tid":"t","billNo":"3194B","billDate":"2025-01-02","merOrderId":"3194M","authIdRespCd":"000665"}"#;

    #[test]
    fn previews_the_built_body_and_leaves_the_signature_out() {
        let preview = preview(&PREAUTH_CANCEL, INPUT, &options(Some("n1"))).unwrap();
        assert!(preview.ok);
        let request = preview.request.unwrap();
        assert_eq!(preview.body_digest.as_deref(), Some(body_digest(request.body.as_bytes()).as_str()));
        assert_eq!(preview.authorization, r#"OPEN-BODY-SIG AppId="app", Timestamp="20250102030405", Nonce="n1", Signature="<computed by the server>""#);
        assert!(preview.curl.unwrap().ends_with(&format!("--data-binary '{}'", request.body)));
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn bad_input_gives_issues_and_bad_options_errors() {
        let preview = preview(&PREAUTH_CANCEL, r#"{"mid":""}"#, &options(None)).unwrap();
        assert!(!preview.ok && preview.request.is_none() && preview.curl.is_none());
        assert_eq!(preview.issues.first().map(|i| i.code), Some(ErrorCode::FieldRequired));
        assert_eq!(super::preview(&PREAUTH_CANCEL, INPUT, &options(Some("a\"b"))).unwrap_err().field(), Some("nonce"));
    }
}
