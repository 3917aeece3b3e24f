//! The netpay "bills" API family: field tables, request bodies, and responses.

/// A typed request for an endpoint: one `Option<FieldValue>` per row of its field table, in
/// the table's order, which is the order `serde` writes them in (absent fields omitted), then
/// the extra members allowed in. The names are listed once, here, so the struct and the body
/// cannot drift; a test checks them against the table.
macro_rules! typed_request {
    ($(#[$meta:meta])* $name:ident for $table:ident { $($(#[$field_meta:meta])* $field:ident,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $($(#[$field_meta])* #[serde(skip_serializing_if = "Option::is_none")] pub $field: Option<super::FieldValue>,)*
            /// Members outside the table (kept only when unknown fields are allowed).
            #[serde(flatten)]
            pub extra: super::Extra,
        }

        impl $name {
            /// The generic body, ready for [`check`](crate::bills::BillsBody::check) and
            /// [`to_json`](crate::bills::BillsBody::to_json).
            pub fn into_body(self) -> super::BillsBody {
                super::BillsBody::from_values(&$table, vec![$(self.$field),*], self.extra)
            }

            /// The struct of a body read for this endpoint (slots in table order).
            #[cfg(test)]
            pub(crate) fn from_body(body: super::BillsBody) -> Self {
                let mut values = body.values.into_iter();
                $name { $($field: values.next().flatten(),)* extra: body.extra }
            }

            /// The field names, snake_case, in declaration order (checked against the table).
            #[cfg(test)]
            pub(crate) const FIELD_NAMES: &'static [&'static str] = &[$(stringify!($field)),*];
        }
    };
}

mod body;
mod formats;
mod preauth_cancel;
mod preauthed;
mod preauthed_cancel;
mod qrcode;
mod query;
mod refund;
mod response;
mod schema;

pub use body::{BillsBody, CheckOptions, Extra, FieldValue};
pub use preauth_cancel::{PreauthCancel, PREAUTH_CANCEL};
pub use preauthed::{Preauthed, PREAUTHED};
pub use preauthed_cancel::{PreauthedCancel, PREAUTHED_CANCEL};
pub use qrcode::{CloseQrcode, GetQrcode, CLOSE_QRCODE, GET_QRCODE};
pub use query::{BillsQuery, BILLS_QUERY};
pub use refund::{Refund, REFUND};
pub use response::BillsResponse;
pub(crate) use response::{normalize_amounts, payment_object, response_members};
pub use schema::{Endpoint, FieldDefault, FieldFormat, FieldSpec, ItemFormat};

use crate::error::{Error, ErrorCode, Issue, Result};

/// Most issues reported for one input; hostile inputs could otherwise produce megabytes of them.
pub const MAX_ISSUES: usize = 100;

/// Largest JSON input accepted by validation and building unless
/// [`CheckOptions::max_body_bytes`] says otherwise.
pub const MAX_INPUT_BYTES: usize = crate::limits::DEFAULT_MAX_BODY_BYTES;

/// Every endpoint with a field table: creating and closing a bill's QR code, the preauth
/// lifecycle (void, capture, capture reversal), the status query and refunds.
pub static ENDPOINTS: [&Endpoint; 7] = [&GET_QRCODE, &CLOSE_QRCODE, &PREAUTH_CANCEL, &PREAUTHED, &PREAUTHED_CANCEL, &BILLS_QUERY, &REFUND];

/// The endpoint with a field table whose short name (the last path segment, e.g.
/// `preauthed-cancel`) is `name`.
pub fn endpoint_named(name: &str) -> Result<&'static Endpoint> {
    ENDPOINTS.iter().copied().find(|e| e.name == name).ok_or_else(|| {
        let known: Vec<&str> = ENDPOINTS.iter().map(|e| e.name).collect();
        Error::new(
            ErrorCode::FieldFormat,
            "endpoint",
            format!(
                "no field table for the bills endpoint {}; known: {} (use buildRequest for others)",
                crate::error::quoted(name),
                known.join(", ")
            ),
        )
    })
}

/// The endpoint with a field table at exactly `path` (`/v1/netpay/bills/query`), if any.
pub fn endpoint_at(path: &str) -> Option<&'static Endpoint> {
    ENDPOINTS.iter().copied().find(|e| e.path == path)
}

/// Every problem with a JSON request for `endpoint` (empty when it is valid).
pub fn validate_json(endpoint: &'static Endpoint, input: &str, options: &CheckOptions) -> Vec<Issue> {
    match read_body(endpoint, input, options) {
        Ok(_) => Vec::new(),
        Err(err) => err.into_issues(),
    }
}

/// Reads and checks a JSON request for `endpoint`. Fields with defaults are filled first when
/// `now_ms` is given (the builder's behaviour); otherwise `options.apply_defaults` decides
/// whether their absence is an issue.
pub fn read_body(endpoint: &'static Endpoint, input: &str, options: &CheckOptions) -> Result<BillsBody> {
    read_body_at(endpoint, input, options, None)
}

pub(crate) fn read_body_at(
    endpoint: &'static Endpoint,
    input: &str,
    options: &CheckOptions,
    now_ms: Option<i64>,
) -> Result<BillsBody> {
    let max_body_bytes = crate::limits::check_max_body_bytes(options.max_body_bytes.unwrap_or(MAX_INPUT_BYTES))?;
    crate::limits::check_body_size("input", input.len(), max_body_bytes)?;
    let (mut body, mut issues) = BillsBody::from_json(endpoint, input, options.allow_unknown_fields)?;
    if let Some(now_ms) = now_ms {
        body.fill_defaults(now_ms)?;
    }
    // A member already reported (wrong type, duplicate) is not reported again as missing.
    let reported: Vec<Option<String>> = issues.iter().map(|i| i.field.clone()).collect();
    issues.extend(
        body.check(options)
            .into_iter()
            .filter(|i| i.code != ErrorCode::FieldRequired || !reported.contains(&i.field)),
    );
    if issues.is_empty() {
        return Ok(body);
    }
    if issues.len() > MAX_ISSUES {
        let hidden = issues.len() - (MAX_ISSUES - 1);
        issues.truncate(MAX_ISSUES - 1);
        issues.push(Issue::whole(
            ErrorCode::UnknownField,
            format!("{hidden} more problems are not listed; fix the ones above first"),
        ));
    }
    Err(Error::from_issues(issues))
}

/// Issues for fields a host could not encode (JavaScript strings with lone surrogates, left
/// out of the JSON it passed), first, and without a second "missing" for each.
pub fn with_unencodable(unencodable: &[String], issues: Vec<Issue>) -> Vec<Issue> {
    let unreadable = unencodable.iter().map(|field| {
        Issue::new(
            ErrorCode::BodyEncoding,
            field.clone(),
            format!(
                "{field} contains a lone UTF-16 surrogate, which has no UTF-8 encoding; it would be \
                 silently replaced by U+FFFD and the bytes sent would differ from the text you hold"
            ),
        )
    });
    let missing_again = |i: &Issue| i.code == ErrorCode::FieldRequired && i.field.as_ref().is_some_and(|f| unencodable.contains(f));
    unreadable.chain(issues.into_iter().filter(|i| !missing_again(i))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snake_case(name: &str) -> String {
        name.chars().flat_map(|c| if c.is_ascii_uppercase() { vec!['_', c.to_ascii_lowercase()] } else { vec![c] }).collect()
    }

    #[test]
    fn typed_requests_follow_their_tables() {
        for (fields, table) in [
            (PreauthCancel::FIELD_NAMES, &PREAUTH_CANCEL),
            (Preauthed::FIELD_NAMES, &PREAUTHED),
            (PreauthedCancel::FIELD_NAMES, &PREAUTHED_CANCEL),
            (BillsQuery::FIELD_NAMES, &BILLS_QUERY),
            (GetQrcode::FIELD_NAMES, &GET_QRCODE),
            (CloseQrcode::FIELD_NAMES, &CLOSE_QRCODE),
            (Refund::FIELD_NAMES, &REFUND),
        ] {
            let expected: Vec<String> = table.fields.iter().map(|f| snake_case(f.name)).collect();
            assert_eq!(fields, expected.as_slice(), "{}", table.name);
        }
    }

    #[test]
    fn a_body_writes_the_bytes_its_typed_struct_derives() {
        fn same<T: serde::Serialize>(table: &'static Endpoint, typed: fn(BillsBody) -> T) {
            // Every other field present, so that both order and omission are compared.
            let mut body = BillsBody::new(table);
            for (i, spec) in table.fields.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
                assert!(body.set(spec.name, format!("v{i}")));
            }
            assert_eq!(serde_json::to_string(&typed(body.clone())).unwrap(), body.to_json().unwrap(), "{}", table.name);
        }
        same(&PREAUTH_CANCEL, PreauthCancel::from_body);
        same(&PREAUTHED, Preauthed::from_body);
        same(&PREAUTHED_CANCEL, PreauthedCancel::from_body);
        same(&BILLS_QUERY, BillsQuery::from_body);
        same(&GET_QRCODE, GetQrcode::from_body);
        same(&CLOSE_QRCODE, CloseQrcode::from_body);
        same(&REFUND, Refund::from_body);
    }
}
