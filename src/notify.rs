//! Asynchronous notifications (callbacks), PROTOCOL.md part 0 rule 8 and §6.
//!
//! ```text
//! raw form body ──NotifyParams::from_form──┐
//! JSON object ────NotifyParams::from_json──┴─▶ NotifyParams ──verify_notification──▶ bool
//!                                                          ──to_json──▶ fields, billPayment parsed
//! ```
//!
//! Signature: drop `sign` and every empty value, sort the keys by byte order, join `k=v` with
//! `&`, append the communication key with no separator, hash with the algorithm named by
//! `signType` (MD5 when it is absent, overridable), and compare with `sign` as hex, in either
//! case, in constant time. Values are signed exactly as received: `billPayment` is a JSON
//! string and must never be re-serialized before checking.
//!
//! The communication key (通讯密钥) is not the appKey.

use core::fmt;

use ctutils::CtEq as _;
use md5::Md5;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::bills::{normalize_amounts, payment_object, MAX_INPUT_BYTES};
use crate::error::{Error, ErrorCode, Result};
use crate::json::{self, Json};

/// The parameter that carries the signature; never part of the signed string.
pub const SIGN_FIELD: &str = "sign";
/// The parameter that names the hash algorithm; part of the signed string.
pub const SIGN_TYPE_FIELD: &str = "signType";

/// The hash a notification is signed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignType {
    /// 32 hex characters.
    Md5,
    /// 64 hex characters.
    Sha256,
}

impl SignType {
    /// Reads `MD5` or `SHA256`, in any case.
    pub fn parse(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case("MD5") {
            Some(SignType::Md5)
        } else if text.eq_ignore_ascii_case("SHA256") {
            Some(SignType::Sha256)
        } else {
            None
        }
    }

    /// Reads a caller's option (`defaultSignType`, `signType`), reporting a bad value on `field`.
    pub fn parse_option(text: &str, field: &str) -> Result<Self> {
        SignType::parse(text).ok_or_else(|| {
            Error::new(
                ErrorCode::FieldFormat,
                field,
                format!("{field} must be 'MD5' or 'SHA256', not {}", crate::error::quoted(text)),
            )
        })
    }

    /// `MD5` / `SHA256`
    pub const fn as_str(self) -> &'static str {
        match self {
            SignType::Md5 => "MD5",
            SignType::Sha256 => "SHA256",
        }
    }
}

/// The communication key (通讯密钥) that signs notifications. Its bytes are wiped when it is
/// dropped, and `Debug` never shows them.
#[derive(Clone)]
pub struct CommunicationKey(Zeroizing<Vec<u8>>);

impl CommunicationKey {
    /// Wraps the key text; an empty key is refused (every check would silently fail).
    pub fn new(key: &str) -> Result<Self> {
        if key.is_empty() {
            return Err(Error::new(
                ErrorCode::FieldRequired,
                "communicationKey",
                "communicationKey is empty; pass the communication key (通讯密钥) ChinaUMS issued \
                 for notifications (it is not the appKey)",
            ));
        }
        Ok(CommunicationKey(Zeroizing::new(key.as_bytes().to_vec())))
    }
}

impl fmt::Debug for CommunicationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CommunicationKey(** redacted **)")
    }
}

/// The parameters of one notification, in the order received, values as received.
#[derive(Clone, Debug, PartialEq)]
pub struct NotifyParams {
    fields: Vec<(String, Json)>,
}

fn encoding_error(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::BodyEncoding, "body", message)
}

fn check_size(len: usize) -> Result<()> {
    if len > MAX_INPUT_BYTES {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            "body",
            format!("the notification is {len} bytes; at most {MAX_INPUT_BYTES} are accepted"),
        ));
    }
    Ok(())
}

/// Decodes one `application/x-www-form-urlencoded` component: `+` is a space, `%XX` a byte,
/// and the bytes must be UTF-8. A `%` without two hex digits is an error rather than a literal
/// (what it meant cannot be known, and a signature over a guess proves nothing), so the escapes
/// are checked before `percent-encoding` (which keeps such a `%` as it is) decodes them.
fn form_decode(component: &str) -> Result<String> {
    let bytes = component.as_bytes();
    if let Some(at) = bytes.iter().enumerate().position(|(at, &b)| {
        b == b'%' && !bytes.get(at + 1..at + 3).is_some_and(|pair| pair.iter().all(u8::is_ascii_hexdigit))
    }) {
        let shown = crate::error::quoted(component.get(at..).unwrap_or_default());
        return Err(encoding_error(format!(
            "the form body has a '%' that is not followed by two hex digits ({shown}); pass the raw \
             body exactly as received"
        )));
    }
    let spaced = component.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced).decode_utf8().map(std::borrow::Cow::into_owned).map_err(|_| {
        encoding_error("a form value decodes to bytes that are not UTF-8; the platform sends UTF-8")
    })
}

impl NotifyParams {
    fn from_fields(fields: Vec<(String, Json)>) -> Result<Self> {
        let mut names = json::NameSet::default();
        for (name, _) in &fields {
            if name.is_empty() {
                return Err(encoding_error("the notification has a parameter with an empty name"));
            }
            if !names.insert(name) {
                return Err(Error::new(
                    ErrorCode::DuplicateField,
                    name.clone(),
                    format!(
                        "{} appears more than once in the notification, so what was signed is \
                         ambiguous",
                        crate::error::quoted(name)
                    ),
                ));
            }
        }
        Ok(NotifyParams { fields })
    }

    /// Reads a raw `application/x-www-form-urlencoded` body (`a=1&b=x+y&c=%E6%B5%8B`). Empty
    /// segments (`&&`) are skipped; a segment without `=` is a parameter with an empty value.
    pub fn from_form(body: &str) -> Result<Self> {
        check_size(body.len())?;
        let mut fields = Vec::new();
        for segment in body.split('&').filter(|s| !s.is_empty()) {
            let (name, value) = segment.split_once('=').unwrap_or((segment, ""));
            fields.push((form_decode(name)?, Json::String(form_decode(value)?)));
        }
        NotifyParams::from_fields(fields)
    }

    /// Reads a JSON object of parameters, as a host that already decoded the form passes them.
    /// Strings are taken as they are; numbers and booleans as their JSON text; `null` as empty.
    pub fn from_json(text: &str) -> Result<Self> {
        check_size(text.len())?;
        match json::parse(text).map_err(|e| e.into_error("the notification"))? {
            Json::Object(members) => NotifyParams::from_fields(members),
            other => Err(Error::whole(
                ErrorCode::FieldType,
                format!(
                    "notification parameters must be an object of strings or a raw form body, not {}",
                    other.type_name()
                ),
            )),
        }
    }

    /// The value of `name` as received, if present.
    pub fn get(&self, name: &str) -> Option<&Json> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The text a value is signed as; `None` for objects and arrays, which have no single text
    /// (a host that parsed `billPayment` into an object can no longer check the signature).
    fn signed_text(value: &Json) -> Option<std::borrow::Cow<'_, str>> {
        match value {
            Json::String(text) => Some(text.as_str().into()),
            Json::Number(number) => Some(number.to_string().into()),
            Json::Bool(true) => Some("true".into()),
            Json::Bool(false) => Some("false".into()),
            Json::Null => Some("".into()),
            Json::Array(_) | Json::Object(_) => None,
        }
    }

    /// The string that is hashed, without the key: every parameter but `sign` with a
    /// non-empty value, sorted by name (byte order), joined as `k=v&k=v` (PROTOCOL.md rule 8).
    pub fn string_to_sign(&self) -> Result<String> {
        self.string_to_sign_with(&Canonicalization::default())
    }

    /// [`string_to_sign`](Self::string_to_sign) by another client's convention.
    pub fn string_to_sign_with(&self, rules: &Canonicalization) -> Result<String> {
        let mut signed: Vec<(&str, std::borrow::Cow<'_, str>)> = Vec::with_capacity(self.fields.len());
        for (name, value) in &self.fields {
            if name == SIGN_FIELD || (rules.exclude_sign_type && name == SIGN_TYPE_FIELD) {
                continue;
            }
            let text = NotifyParams::signed_text(value).ok_or_else(|| {
                Error::new(
                    ErrorCode::FieldType,
                    name.clone(),
                    format!(
                        "{name} is {} here, but it was signed as the exact text received; pass \
                         the raw body or the decoded strings",
                        value.type_name()
                    ),
                )
            })?;
            let empty = text.is_empty() || (rules.whitespace_is_empty && text.trim().is_empty());
            if !empty || rules.keep_empty_values {
                signed.push((name, text));
            }
        }
        // Names are unique (checked when read), so the order is total.
        signed.sort_unstable_by_key(|(name, _)| *name);
        let mut out = String::with_capacity(signed.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
        for (i, (name, text)) in signed.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(name);
            out.push('=');
            out.push_str(text);
        }
        Ok(out)
    }

    /// The algorithm the parameters name in `signType`, if they name one (an empty value
    /// counts as absent).
    pub fn declared_sign_type(&self) -> Result<Option<SignType>> {
        match self.get(SIGN_TYPE_FIELD).and_then(NotifyParams::signed_text).filter(|text| !text.is_empty()) {
            None => Ok(None),
            Some(text) => SignType::parse(&text).map(Some).ok_or_else(|| {
                Error::new(
                    ErrorCode::FieldFormat,
                    SIGN_TYPE_FIELD,
                    format!("signType must be MD5 or SHA256, not {}", crate::error::quoted(&text)),
                )
            }),
        }
    }

    /// The parameters as a JSON object, in the order received: `billPayment` (and
    /// `refundBillPayment`) parsed from their JSON strings into objects, amounts as integer fen
    /// (as in parsed responses), everything else as received.
    pub fn to_value(&self) -> Result<Json> {
        let mut members = Vec::with_capacity(self.fields.len());
        for (name, value) in &self.fields {
            let value = match name.as_str() {
                "billPayment" | "refundBillPayment" => payment_object(name, value.clone())?.unwrap_or(Json::Null),
                _ => normalize_amounts(name, value.clone())?,
            };
            members.push((name.clone(), value));
        }
        Ok(Json::Object(members))
    }

    /// [`to_value`](Self::to_value) as JSON text.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(&self.to_value()?).map_err(|e| json::json_error(&e, "the notification"))
    }
}

/// The digest of the signed string plus the key (streamed: the key is never copied into a
/// joined string).
fn digest(sign_type: SignType, signed: &str, key: &CommunicationKey) -> Vec<u8> {
    fn keyed<D: Digest>(signed: &str, key: &CommunicationKey) -> Vec<u8> {
        let mut hasher = D::new();
        hasher.update(signed.as_bytes());
        hasher.update(&key.0[..]);
        hasher.finalize().to_vec()
    }
    match sign_type {
        SignType::Md5 => keyed::<Md5>(signed, key),
        SignType::Sha256 => keyed::<Sha256>(signed, key),
    }
}

/// The algorithm that signs `params`: the caller's explicit choice, else the `signType` the
/// parameters declare, else `fallback`. An explicit choice that contradicts the declared one is
/// an error (the result could never verify).
fn algorithm(params: &NotifyParams, explicit: Option<SignType>, fallback: SignType) -> Result<SignType> {
    let declared = params.declared_sign_type()?;
    match (explicit, declared) {
        (Some(explicit), Some(declared)) if explicit != declared => Err(Error::new(
            ErrorCode::FieldFormat,
            SIGN_TYPE_FIELD,
            format!(
                "the parameters declare signType {} but {} was asked for",
                declared.as_str(),
                explicit.as_str()
            ),
        )),
        (Some(chosen), _) | (None, Some(chosen)) => Ok(chosen),
        (None, None) => Ok(fallback),
    }
}

/// How the signed string is made where clients differ (PROTOCOL.md §13 item 5); the default
/// is rule 8: empty values left out, `signType` kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Canonicalization {
    /// Sign empty values too (`k=&…`), as majiameng, CrackerSW and qiwen698 do.
    pub keep_empty_values: bool,
    /// Treat values of only whitespace as empty, as dax-pay does.
    pub whitespace_is_empty: bool,
    /// Leave `signType` out of the signed string, as daanhan/ums-sdk does.
    pub exclude_sign_type: bool,
}

/// The `sign` for `params` (uppercase hex), as the platform computes it: with `sign_type`
/// when given, else the declared `signType`, else MD5. For emulators and tests.
pub fn sign_notification(params: &NotifyParams, key: &CommunicationKey, sign_type: Option<SignType>) -> Result<String> {
    sign_notification_with(params, key, sign_type, &Canonicalization::default())
}

/// [`sign_notification`] by another convention.
pub fn sign_notification_with(params: &NotifyParams, key: &CommunicationKey, sign_type: Option<SignType>, rules: &Canonicalization) -> Result<String> {
    let sign_type = algorithm(params, sign_type, SignType::Md5)?;
    Ok(base16ct::upper::encode_string(&digest(sign_type, &params.string_to_sign_with(rules)?, key)))
}

/// `true` only when `params` carry a `sign` that matches them under `key`: the algorithm is
/// the declared `signType`, or `default_sign_type` when none is declared. Anything else (no
/// `sign`, an unknown `signType`, values that are not text, a sign of the wrong length or not
/// hex) is `false`.
pub fn verify_notification(params: &NotifyParams, key: &CommunicationKey, default_sign_type: SignType) -> bool {
    verify_notification_with(params, key, default_sign_type, &Canonicalization::default())
}

/// [`verify_notification`] by another convention.
pub fn verify_notification_with(params: &NotifyParams, key: &CommunicationKey, default_sign_type: SignType, rules: &Canonicalization) -> bool {
    let Some(Json::String(claimed)) = params.get(SIGN_FIELD) else { return false };
    let Ok(sign_type) = algorithm(params, None, default_sign_type) else { return false };
    let Ok(signed) = params.string_to_sign_with(rules) else { return false };
    let expected = digest(sign_type, &signed, key);
    // Hex in either case (clients differ); the length is public, the bytes compared in
    // constant time.
    if claimed.len() != expected.len() * 2 {
        return false;
    }
    let mut decoded = vec![0u8; expected.len()];
    match base16ct::mixed::decode(claimed, &mut decoded) {
        Ok(decoded) => bool::from(decoded.ct_eq(expected.as_slice())),
        Err(_) => false,
    }
}

/// [`verify_notification`] over a raw form body; a body that cannot be decoded is `false`.
pub fn verify_notification_form(body: &str, key: &CommunicationKey, default_sign_type: SignType) -> bool {
    NotifyParams::from_form(body).is_ok_and(|params| verify_notification(&params, key, default_sign_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> CommunicationKey {
        CommunicationKey::new("secret").unwrap()
    }

    #[test]
    fn f4_vectors_from_dax_pay() {
        // PROTOCOL.md §12.1 F4a/F4b (lowercase there; compared case-insensitively).
        let md5 = NotifyParams::from_form("billNo=B1&amount=100&signType=MD5").unwrap();
        assert_eq!(md5.string_to_sign().unwrap(), "amount=100&billNo=B1&signType=MD5");
        assert_eq!(sign_notification(&md5, &key(), None).unwrap(), "A3C9499BD611E0E8BF25DEC7BE8B5414");
        let sha = NotifyParams::from_form("signType=SHA256&merOrderId=O1").unwrap();
        assert_eq!(
            sign_notification(&sha, &key(), None).unwrap().to_lowercase(),
            "0ccb456394a6360a30cde94b39b37eb74c7ff1548c84899856f53891aad9608b"
        );
        let lower = "billNo=B1&amount=100&signType=MD5&sign=a3c9499bd611e0e8bf25dec7be8b5414";
        assert!(verify_notification_form(lower, &key(), SignType::Md5));
    }

    #[test]
    fn form_decoding_follows_the_form_rules() {
        let p = NotifyParams::from_form("a=x+y&b=%E6%B5%8B%e8%af%95&c&&d=%2B%26%3D&e=").unwrap();
        let text = |k: &str| p.get(k).and_then(Json::as_str).map(str::to_owned);
        assert_eq!(text("a").as_deref(), Some("x y"));
        assert_eq!(text("b").as_deref(), Some("测试"));
        assert_eq!(text("c").as_deref(), Some(""));
        assert_eq!(text("d").as_deref(), Some("+&="));
        assert_eq!(p.string_to_sign().unwrap(), "a=x y&b=测试&d=+&=");
        for bad in ["a=%", "a=%4", "a=%G0", "a=%FF", "=x", "a=%C3%28"] {
            assert!(NotifyParams::from_form(bad).is_err(), "{bad}");
        }
        assert_eq!(NotifyParams::from_form("a=1&a=2").unwrap_err().code(), ErrorCode::DuplicateField);
    }

    #[test]
    fn sorting_is_by_key_bytes_not_by_joined_pairs() {
        // Keys "a" and "a-": as keys "a" < "a-", but as joined pairs "a-=1" < "a=2" ('-' is
        // 0x2D, '=' is 0x3D). Sorting the pairs, as one client does, gives the wrong string.
        let p = NotifyParams::from_form("a-=1&a=2").unwrap();
        assert_eq!(p.string_to_sign().unwrap(), "a=2&a-=1");
        let p = NotifyParams::from_form("%C3%A9=1&z=2&A=3").unwrap();
        assert_eq!(p.string_to_sign().unwrap(), "A=3&z=2&é=1");
    }

    #[test]
    fn json_values_sign_as_their_text() {
        let p = NotifyParams::from_json(r#"{"a":100,"b":true,"c":null,"d":"x"}"#).unwrap();
        assert_eq!(p.string_to_sign().unwrap(), "a=100&b=true&d=x");
        let p = NotifyParams::from_json(r#"{"billPayment":{"a":1}}"#).unwrap();
        assert_eq!(p.string_to_sign().unwrap_err().code(), ErrorCode::FieldType);
        assert_eq!(NotifyParams::from_json("[]").unwrap_err().code(), ErrorCode::FieldType);
        assert_eq!(NotifyParams::from_json(r#"{"a":"1","a":"2"}"#).unwrap_err().code(), ErrorCode::DuplicateField);
    }

    #[test]
    fn sign_type_options_and_conflicts() {
        let p = NotifyParams::from_form("a=1&signType=SHA256").unwrap();
        assert_eq!(sign_notification(&p, &key(), Some(SignType::Sha256)).unwrap().len(), 64);
        assert_eq!(sign_notification(&p, &key(), Some(SignType::Md5)).unwrap_err().field(), Some("signType"));
        let p = NotifyParams::from_form("a=1").unwrap();
        assert_eq!(sign_notification(&p, &key(), None).unwrap().len(), 32, "MD5 when absent");
        let p = NotifyParams::from_form("a=1&signType=RSA").unwrap();
        assert_eq!(sign_notification(&p, &key(), None).unwrap_err().field(), Some("signType"));
        assert_eq!(SignType::parse_option("sha1", "defaultSignType").unwrap_err().field(), Some("defaultSignType"));
        assert_eq!(SignType::parse("sha256"), Some(SignType::Sha256));
    }

    #[test]
    fn many_parameters_are_read_in_linear_time_and_order_is_kept() {
        let body: String = (0..100_000).map(|i| format!("k{i}=")).collect::<Vec<_>>().join("&");
        let p = NotifyParams::from_form(&body).unwrap();
        assert_eq!(p.string_to_sign().unwrap(), "", "every value is empty");
        let duplicated = format!("{body}&k5=x");
        assert_eq!(NotifyParams::from_form(&duplicated).unwrap_err().field(), Some("k5"));
        let p = NotifyParams::from_form("z=1&a=2").unwrap();
        assert_eq!(p.to_json().unwrap(), r#"{"z":"1","a":"2"}"#);
    }

    #[test]
    fn signs_compare_as_hex_in_either_case_and_only_at_full_length() {
        let p = NotifyParams::from_form("a=1&signType=MD5").unwrap();
        let sign = sign_notification(&p, &key(), None).unwrap();
        let with = |sign: &str| NotifyParams::from_form(&format!("a=1&signType=MD5&sign={sign}")).unwrap();
        assert!(verify_notification(&with(&sign), &key(), SignType::Md5));
        assert!(verify_notification(&with(&sign.to_lowercase()), &key(), SignType::Md5));
        assert!(!verify_notification(&with(&sign[..30]), &key(), SignType::Md5));
        assert!(!verify_notification(&with(&format!("{}G", &sign[..31])), &key(), SignType::Md5));
    }

    #[test]
    fn other_clients_conventions_change_only_what_they_say() {
        let p = NotifyParams::from_form("b=2&a=&c=%20%20&signType=MD5").unwrap();
        let rules = |keep_empty_values, whitespace_is_empty, exclude_sign_type| Canonicalization { keep_empty_values, whitespace_is_empty, exclude_sign_type };
        assert_eq!(p.string_to_sign().unwrap(), "b=2&c=  &signType=MD5");
        assert_eq!(p.string_to_sign_with(&rules(true, false, false)).unwrap(), "a=&b=2&c=  &signType=MD5");
        assert_eq!(p.string_to_sign_with(&rules(false, true, false)).unwrap(), "b=2&signType=MD5");
        assert_eq!(p.string_to_sign_with(&rules(false, false, true)).unwrap(), "b=2&c=  ");
        let signed = sign_notification_with(&p, &key(), None, &rules(false, false, true)).unwrap();
        let with_sign = NotifyParams::from_form(&format!("b=2&a=&c=%20%20&signType=MD5&sign={signed}")).unwrap();
        assert!(verify_notification_with(&with_sign, &key(), SignType::Md5, &rules(false, false, true)));
        assert!(!verify_notification(&with_sign, &key(), SignType::Md5), "the default rule gives another string");
    }

    #[test]
    fn keys_are_redacted_and_required() {
        assert!(!format!("{:?}", key()).contains("secret"));
        assert_eq!(CommunicationKey::new("").unwrap_err().code(), ErrorCode::FieldRequired);
    }
}
