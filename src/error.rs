//! The one error type of the library.
//!
//! Every failure carries a stable machine-readable [`ErrorCode`], the field it concerns (when
//! there is one) and a message that tells the caller what to fix. Messages never contain key
//! material: the constructors in this crate only ever receive field names and public values.

use core::fmt;

use serde::{Serialize, Serializer};

/// Declares [`ErrorCode`], its `ERR_…` strings and [`ErrorCode::ALL`] from one list, so that a
/// code cannot be added to one and forgotten in another.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)+) => {
        /// Stable error codes. Their string forms (`ERR_…`) are part of the public contract in
        /// every language binding; new codes may be added, existing ones never change meaning.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)+
        }

        impl ErrorCode {
            /// The stable `ERR_…` string used in every binding.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $name,)+
                }
            }

            /// Every code, in declaration order (the package's `ChinaumsErrorCode` union is
            /// generated from this list).
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];
        }
    };
}

error_codes! {
    /// A required field or argument is absent or empty.
    FieldRequired => "ERR_FIELD_REQUIRED",
    /// A field is longer than the platform allows.
    FieldLength => "ERR_FIELD_LENGTH",
    /// A field has the right type but the wrong shape (date, timestamp, URL, …).
    FieldFormat => "ERR_FIELD_FORMAT",
    /// A field has the wrong JSON/JS type.
    FieldType => "ERR_FIELD_TYPE",
    /// `billNo` or `merOrderId` does not start with the configured `msgSrcId`.
    FieldPrefix => "ERR_FIELD_PREFIX",
    /// A field the endpoint does not define (usually a typo such as `billno`).
    UnknownField => "ERR_UNKNOWN_FIELD",
    /// The same field appears twice in one JSON object.
    DuplicateField => "ERR_DUPLICATE_FIELD",
    /// The text is not valid JSON.
    InvalidJson => "ERR_INVALID_JSON",
    /// JSON text or a JavaScript value nested deeper than
    /// [`MAX_DEPTH`](crate::json::MAX_DEPTH) levels of arrays and objects.
    TooDeep => "ERR_TOO_DEEP",
    /// Text that is not valid UTF-8/UTF-16 (for example a lone surrogate).
    BodyEncoding => "ERR_BODY_ENCODING",
    /// The body is larger than the configured cap.
    BodyTooLarge => "ERR_BODY_TOO_LARGE",
    /// The Authorization header is malformed.
    AuthHeader => "ERR_AUTH_HEADER",
    /// The Authorization header is longer than the configured cap.
    HeaderTooLarge => "ERR_HEADER_TOO_LARGE",
    /// The signature does not match the body and key.
    SignatureMismatch => "ERR_SIGNATURE_MISMATCH",
    /// The signed timestamp is outside the allowed clock skew.
    TimestampSkew => "ERR_TIMESTAMP_SKEW",
    /// A platform response (or notification) does not have the expected shape.
    InvalidResponse => "ERR_INVALID_RESPONSE",
    /// The platform CSPRNG could not produce a nonce.
    RandomUnavailable => "ERR_RANDOM_UNAVAILABLE",
    /// A bug in this library (an invariant did not hold); never caused by input.
    Internal => "ERR_INTERNAL",
    /// The platform answered with an error code (for example a refused access-token request);
    /// [`Error::platform_code`] carries the platform's own code.
    Platform => "ERR_PLATFORM",
    /// There is no access token that is still valid: fetch a new one.
    TokenExpired => "ERR_TOKEN_EXPIRED",
    /// The host's fetch failed or timed out: no answer arrived, so the request may or may not
    /// have been applied.
    Network => "ERR_NETWORK",
    /// A stored recovery state cannot be used: not one this library wrote (foreign), changed
    /// since (corrupted), written by a newer version, or a step asked of it that its stage does
    /// not allow. Nothing is decided from it.
    InvalidState => "ERR_INVALID_STATE",
    /// (JavaScript) The wasm module is not loaded yet: `await init()` first, or use the entry
    /// for the host (Node and workerd load it at import).
    NotInitialized => "ERR_NOT_INITIALIZED",
    /// (JavaScript) The signer was freed with `free()`: create a new one.
    SignerFreed => "ERR_SIGNER_FREED",
    /// (JavaScript) A call into the wasm core failed abnormally and the core was restarted;
    /// this object belonged to the old one: create it again.
    CoreRestarted => "ERR_CORE_RESTARTED",
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found while validating an input. Validation reports all of them at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// The field concerned (`None` for the input as a whole).
    pub field: Option<String>,
    /// What kind of problem it is.
    pub code: ErrorCode,
    /// What to fix, in words.
    pub message: String,
}

impl Issue {
    /// An issue about `field`.
    pub fn new(code: ErrorCode, field: impl Into<String>, message: impl Into<String>) -> Self {
        Issue { field: Some(field.into()), code, message: message.into() }
    }

    /// An issue about the input as a whole.
    pub fn whole(code: ErrorCode, message: impl Into<String>) -> Self {
        Issue { field: None, code, message: message.into() }
    }
}

/// The library's error: a stable code, the field concerned, a message, and for validation
/// failures every [`Issue`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    field: Option<String>,
    message: String,
    issues: Vec<Issue>,
    /// What the platform said, for [`ErrorCode::Platform`] errors (boxed: rare, and it keeps
    /// every `Result<_, Error>` small).
    platform: Option<Box<PlatformRefusal>>,
}

/// The platform's own words when it refuses a call.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PlatformRefusal {
    /// Its error code (`errCode`).
    code: String,
    /// Its message (`errMsg` or `errInfo`), whole, when it gave one.
    message: Option<String>,
}

impl Error {
    /// An error about one field or argument.
    pub fn new(code: ErrorCode, field: impl Into<String>, message: impl Into<String>) -> Self {
        Error { code, field: Some(field.into()), message: message.into(), issues: Vec::new(), platform: None }
    }

    /// An error about the input as a whole.
    pub fn whole(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, field: None, message: message.into(), issues: Vec::new(), platform: None }
    }

    /// The platform refused a call with its own error code (`errCode`) and, when it gave one, its
    /// own message (kept whole: `message` says what it means for the caller).
    pub fn platform(platform_code: impl Into<String>, platform_message: Option<String>, message: impl Into<String>) -> Self {
        Error {
            code: ErrorCode::Platform,
            field: None,
            message: message.into(),
            issues: Vec::new(),
            platform: Some(Box::new(PlatformRefusal { code: platform_code.into(), message: platform_message })),
        }
    }

    /// A validation failure. The error takes the code and field of the first issue, so that a
    /// single problem reads the same whether it is inspected through `code` or `issues`.
    pub fn from_issues(issues: Vec<Issue>) -> Self {
        let (code, field) = match issues.first() {
            Some(first) => (first.code, first.field.clone()),
            None => (ErrorCode::InvalidJson, None),
        };
        let message = summarize(&issues);
        Error { code, field, message, issues, platform: None }
    }

    /// The same error with `hint` added to its message (what to do about it).
    pub fn with_hint(mut self, hint: &str) -> Self {
        self.message.push_str(hint);
        self
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The field concerned, if any.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// What went wrong and what to fix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Every problem found, for validation failures; empty otherwise.
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// The platform's own error code (`errCode`), for [`ErrorCode::Platform`] errors.
    pub fn platform_code(&self) -> Option<&str> {
        self.platform.as_ref().map(|refusal| refusal.code.as_str())
    }

    /// The platform's own message (`errMsg` or `errInfo`), whole, for [`ErrorCode::Platform`] errors.
    pub fn platform_message(&self) -> Option<&str> {
        self.platform.as_ref().and_then(|refusal| refusal.message.as_deref())
    }

    /// Consumes the error, returning its issues (a single-element list for non-validation
    /// errors, so callers can treat every failure as a list of problems).
    pub fn into_issues(self) -> Vec<Issue> {
        if self.issues.is_empty() {
            vec![Issue { field: self.field, code: self.code, message: self.message }]
        } else {
            self.issues
        }
    }
}

impl From<Issue> for Error {
    fn from(issue: Issue) -> Self {
        Error {
            code: issue.code,
            field: issue.field,
            message: issue.message,
            issues: Vec::new(),
            platform: None,
        }
    }
}

fn summarize(issues: &[Issue]) -> String {
    match issues {
        [] => "the input is invalid".to_owned(),
        [only] => only.message.clone(),
        [first, rest @ ..] => {
            let mut message = format!("{} problems: {}", issues.len(), first.message);
            for issue in rest {
                message.push_str("; ");
                message.push_str(&issue.message);
            }
            message
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

/// At most 40 characters of a value, JSON-quoted, for messages: quotes, backslashes and
/// control characters are escaped, so that a value from a request or a response can neither
/// forge log lines nor blur where it ends.
pub(crate) fn quoted(value: &str) -> String {
    let end = value.char_indices().nth(40).map_or(value.len(), |(at, _)| at);
    // Serializing a string cannot fail; the fallback only keeps this total.
    serde_json::to_string(value.get(..end).unwrap_or(value)).unwrap_or_default()
}

/// A value JSON-quoted whole, for messages that carry what the platform said: escaped like
/// [`quoted`], never cut.
pub(crate) fn quoted_whole(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// What the platform said when it refused a call, for a message: its code (as it is when it is
/// a plain word such as `INVALID_ORDER` or `HTTP 404`, JSON-quoted and cut otherwise) and, when
/// it gave one, its message whole: `INVALID_ORDER ("…")`.
pub(crate) fn platform_said(code: &str, said: Option<&str>) -> String {
    let plain = code.len() <= 64 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ' ');
    let code = if plain { code.to_owned() } else { quoted(code) };
    match said {
        Some(message) => format!("{code} ({})", quoted_whole(message)),
        None => code,
    }
}

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn quoted_escapes_and_truncates() {
        assert_eq!(quoted("a\"b\n2026-01-01 ERROR forged"), r#""a\"b\n2026-01-01 ERROR forged""#);
        assert_eq!(quoted(&"x".repeat(50)), format!("\"{}\"", "x".repeat(40)));
        assert_eq!(quoted("预授权"), "\"预授权\"");
    }

    #[test]
    fn codes_have_stable_strings() {
        assert_eq!(ErrorCode::FieldRequired.as_str(), "ERR_FIELD_REQUIRED");
        assert_eq!(ErrorCode::SignatureMismatch.to_string(), "ERR_SIGNATURE_MISMATCH");
    }

    #[test]
    fn validation_error_takes_first_issue_and_lists_all() {
        let err = Error::from_issues(vec![
            Issue::new(ErrorCode::FieldRequired, "billNo", "billNo is required"),
            Issue::new(ErrorCode::FieldFormat, "billDate", "billDate must be yyyy-MM-dd"),
        ]);
        assert_eq!(err.code(), ErrorCode::FieldRequired);
        assert_eq!(err.field(), Some("billNo"));
        assert_eq!(err.issues().len(), 2);
        assert!(err.message().starts_with("2 problems: billNo is required; billDate"));
    }

    #[test]
    fn platform_errors_carry_the_platform_code() {
        let err = Error::platform("1000", Some("认证失败".into()), "refused");
        assert_eq!((err.code(), err.platform_code(), err.platform_message()), (ErrorCode::Platform, Some("1000"), Some("认证失败")));
        assert_eq!(err.field(), None);
        assert_eq!(Error::whole(ErrorCode::InvalidJson, "x").platform_code(), None);
    }

    #[test]
    fn single_error_becomes_one_issue() {
        let issues = Error::new(ErrorCode::AuthHeader, "Nonce", "Nonce is missing").into_issues();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].field.as_deref(), Some("Nonce"));
    }
}
