//! OPEN-BODY-SIG, the platform's signed-JSON authentication, as named stages:
//!
//! body bytes → [`body_digest`] → [`string_to_sign`] → [`signature`] → [`authorization_header`]
//!
//! and back: [`Authorization::parse`] → [`verify_open_body`]. [`OpenBodySigner`] runs the
//! forward pipeline with the key's HMAC state computed once.

mod authorization;
mod params;
mod signer;
mod stages;
mod verify;

pub use authorization::{check_header_size, Authorization, Verified, MAX_HEADER_LEN, SCHEME};
pub use params::{check_app_id, check_nonce, check_timestamp, AppKey};
pub(crate) use params::header_safe;
pub use signer::{sign_open_body, OpenBodySigner, SignedBody};
pub use stages::{authorization_header, body_digest, check_body_digest, check_signature, signature, string_to_sign, BodyHash};
pub use verify::{verify_hashed, verify_open_body, verify_open_body_with, Tolerance, VerifyOptions, DEFAULT_TOLERANCE_SECONDS};
