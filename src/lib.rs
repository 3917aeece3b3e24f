//! Build, validate and sign requests for the ChinaUMS (银联商务) open platform.
//!
//! The pure core of the `chinaums-open` package: everything here works natively, and the
//! `wasm` module (compiled only for `wasm32`) exposes it to JavaScript hosts.
//!
//! * [`open_body_sig`]: the OPEN-BODY-SIG pipeline, body digest → string to sign →
//!   signature → header, and header parsing and verification.
//! * [`time`]: Beijing time from an instant; [`nonce`]: fresh nonces.
//! * [`bills`]: endpoint field tables, validation, exact body serialization, responses.
//! * [`http`]: environments and the request handed to the host; [`request`]: building and
//!   signing one.
//! * [`token`]: OPEN-ACCESS-TOKEN mode; [`form_param`]: OPEN-FORM-PARAM URLs;
//!   [`notify`]: notification (callback) signatures; [`response_signature`]: optional response
//!   signatures; [`generic_request`]: any other bills endpoint; [`clock`]: clock offsets.

pub mod bills;
pub mod error;
pub mod json;
pub mod limits;
pub mod http;
pub mod nonce;
pub mod open_body_sig;
pub mod preview;
pub mod recovery;
pub mod request;
pub mod time;

// The rest of the protocol: token mode, form URLs, notifications, response
// signatures, other bills endpoints, clock offsets.
pub mod clock;
pub mod form_param;
pub mod generic_request;
pub mod notify;
pub mod response_signature;
pub mod token;

/// The wasm-bindgen surface (public so that the wasm test suite can call it directly; the npm
/// package wraps it in `pkg/src/api.js`).
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod wasm;

pub use error::{Error, ErrorCode, Issue, Result};
