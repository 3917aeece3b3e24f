//! Size caps on what the library reads, so that a hostile or mistaken input fails fast with a
//! clear error instead of costing memory (in wasm, linear memory grows and never shrinks).
//!
//! * Bodies (signed, verified, validated, built or parsed): [`DEFAULT_MAX_BODY_BYTES`], 1 MiB,
//!   configurable per call or per signer (`maxBodyBytes` in JavaScript). Real bodies of this
//!   platform are well under 2 KiB.
//! * The Authorization header: [`MAX_HEADER_LEN`](crate::open_body_sig::MAX_HEADER_LEN),
//!   4 KiB, fixed (a real one is about 190 bytes).

use crate::error::{Error, ErrorCode, Result};

/// Default cap on a body, in bytes: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

/// Largest cap a caller may configure (1 GiB): beyond it the cap would no longer protect
/// anything, and the number would not fit a 32-bit wasm length.
pub const MAX_BODY_BYTES_CEILING: usize = 1 << 30;

/// Checks that `len` bytes of `field` fit under `max_body_bytes`.
///
/// On the signing path this is one comparison; the message is only built on failure.
#[inline]
pub fn check_body_size(field: &str, len: usize, max_body_bytes: usize) -> Result<()> {
    if len > max_body_bytes {
        return Err(body_too_large(field, len, max_body_bytes));
    }
    Ok(())
}

#[cold]
fn body_too_large(field: &str, len: usize, max_body_bytes: usize) -> Error {
    Error::new(
        ErrorCode::BodyTooLarge,
        field,
        format!(
            "{field} is {len} bytes, more than the limit of {max_body_bytes} bytes; bodies of this \
             platform are a few hundred bytes, so check what is being sent, or raise \
             maxBodyBytes (default {DEFAULT_MAX_BODY_BYTES}) if such bodies are expected"
        ),
    )
}

/// Checks a caller-configured body cap: 0 to [`MAX_BODY_BYTES_CEILING`].
pub fn check_max_body_bytes(max_body_bytes: usize) -> Result<usize> {
    if max_body_bytes > MAX_BODY_BYTES_CEILING {
        return Err(Error::new(
            ErrorCode::FieldFormat,
            "maxBodyBytes",
            format!(
                "maxBodyBytes is {max_body_bytes}; it must be at most {MAX_BODY_BYTES_CEILING} \
                 (1 GiB). The default is {DEFAULT_MAX_BODY_BYTES} (1 MiB)"
            ),
        ));
    }
    Ok(max_body_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_is_inclusive_and_the_error_names_field_and_limit() {
        assert!(check_body_size("body", 10, 10).is_ok());
        assert!(check_body_size("body", 0, 0).is_ok());
        let err = check_body_size("body", 11, 10).unwrap_err();
        assert_eq!((err.code(), err.field()), (ErrorCode::BodyTooLarge, Some("body")));
        assert!(err.message().contains("11 bytes") && err.message().contains("limit of 10 bytes"), "{}", err.message());
        assert!(err.message().contains("maxBodyBytes"));
    }

    #[test]
    fn configured_caps_are_bounded() {
        assert_eq!(check_max_body_bytes(0).unwrap(), 0);
        assert_eq!(check_max_body_bytes(MAX_BODY_BYTES_CEILING).unwrap(), MAX_BODY_BYTES_CEILING);
        let err = check_max_body_bytes(MAX_BODY_BYTES_CEILING + 1).unwrap_err();
        assert_eq!((err.code(), err.field()), (ErrorCode::FieldFormat, Some("maxBodyBytes")));
    }
}
