//! The preauth-cancel request, end to end: the entry points most hosts need.
//!
//! ```text
//! JSON input ──validate──▶ issues
//!            ──build────▶ HttpRequest { url, body } ──OpenBodySigner::sign(body)──▶ Authorization
//! response text ──parse_response──▶ BillsResponse
//! ```

use crate::bills::{self, BillsResponse, CheckOptions, PREAUTH_CANCEL};
use crate::error::{Issue, Result};
use crate::request::{build_request, BuildOptions, HttpRequest};

pub use crate::bills::PreauthCancel;

/// Every problem with a preauth-cancel JSON request (empty when valid).
pub fn validate(input: &str, options: &CheckOptions) -> Vec<Issue> {
    bills::validate_json(&PREAUTH_CANCEL, input, options)
}

/// Validates, fills `requestTimestamp` and `instMid` when absent, and serializes the body.
pub fn build(input: &str, options: &BuildOptions) -> Result<HttpRequest> {
    build_request(&PREAUTH_CANCEL, input, options)
}

/// Parses a preauth-cancel response.
pub fn parse_response(text: &str) -> Result<BillsResponse> {
    BillsResponse::parse(text)
}
