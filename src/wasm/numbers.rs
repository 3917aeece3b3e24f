//! Numbers as JavaScript hosts pass them (always `f64`): each is checked for what it means, so
//! that `NaN`, `Infinity`, fractions and out-of-range values are refused with their field
//! rather than truncated.

use crate::error::{Error, ErrorCode, Result};
use crate::limits::{check_max_body_bytes, DEFAULT_MAX_BODY_BYTES};
use crate::open_body_sig::{Tolerance, DEFAULT_TOLERANCE_SECONDS};
use crate::time::{MAX_EPOCH_MS, MIN_EPOCH_MS};

/// Epoch milliseconds: finite, floored, within years 0001-9999.
pub fn epoch_ms(value: f64, field: &str) -> Result<i64> {
    let floored = value.floor();
    if !(value.is_finite() && (MIN_EPOCH_MS as f64..=MAX_EPOCH_MS as f64).contains(&floored)) {
        return Err(Error::new(
            ErrorCode::FieldFormat,
            field,
            format!("{field} must be a finite number of epoch milliseconds (for example Date.now())"),
        ));
    }
    // In range, so the conversion is exact.
    #[allow(clippy::cast_possible_truncation)]
    Ok(floored as i64)
}

/// `now` plus a clock offset (see `clock_offset_ms`), both epoch-ms numbers.
pub fn shifted(now: f64, clock_offset_ms: Option<f64>) -> Result<i64> {
    let now = epoch_ms(now, "now")?;
    let Some(offset) = clock_offset_ms else { return Ok(now) };
    if !offset.is_finite() {
        return Err(Error::new(
            ErrorCode::FieldType,
            "clockOffsetMs",
            "clockOffsetMs must be a finite number of milliseconds (see clockOffsetFromResponse)",
        ));
    }
    #[allow(clippy::cast_precision_loss)]
    epoch_ms(now as f64 + offset, "now")
}

/// A body cap (`maxBodyBytes`): a whole number of bytes from 0 to 1 GiB; absent, 1 MiB.
pub fn body_limit(value: Option<f64>) -> Result<usize> {
    let Some(value) = value else { return Ok(DEFAULT_MAX_BODY_BYTES) };
    if !(value.is_finite() && value >= 0.0 && value.fract() == 0.0) {
        return Err(Error::new(
            ErrorCode::FieldFormat,
            "maxBodyBytes",
            format!("maxBodyBytes must be a whole number of bytes, 0 or more (default {DEFAULT_MAX_BODY_BYTES})"),
        ));
    }
    // Whole and non-negative; values past the ceiling saturate and are refused there.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    check_max_body_bytes(value.min(u32::MAX as f64) as usize)
}

/// A host's whole number from 0 to `max` (absent: `default`): milliseconds of a retry policy
/// or a schedule, a count of attempts.
pub fn whole(value: Option<f64>, default: u64, max: u64, field: &str) -> Result<u64> {
    match value {
        None => Ok(default),
        // Whole and within range (far below 2^53), so the conversion is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
        Some(n) if n.fract() == 0.0 && (0.0..=max as f64).contains(&n) => Ok(n as u64),
        Some(_) => Err(Error::new(ErrorCode::FieldFormat, field, format!("{field} must be a whole number from 0 to {max}"))),
    }
}

/// A whole, non-negative count of seconds (lifetimes, margins).
pub fn whole_seconds(value: f64, field: &str) -> Result<u64> {
    if !((0.0..=3.2e9).contains(&value) && value.fract() == 0.0) {
        return Err(Error::new(ErrorCode::FieldFormat, field, format!("{field} must be a whole number of seconds, 0 or more")));
    }
    // Checked above: whole, non-negative and far below u64::MAX.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(value as u64)
}

/// How long a client waits for an answer (`timeoutMs`): a whole number of ms from 1 to ten
/// minutes; absent, ten seconds.
pub fn timeout_ms(value: Option<f64>) -> Result<u64> {
    const DEFAULT_TIMEOUT_MS: u64 = 10_000;
    const MAX_TIMEOUT_MS: u64 = 600_000;
    let Some(value) = value else { return Ok(DEFAULT_TIMEOUT_MS) };
    #[allow(clippy::cast_precision_loss)]
    if !((1.0..=MAX_TIMEOUT_MS as f64).contains(&value) && value.fract() == 0.0) {
        return Err(Error::new(
            ErrorCode::FieldFormat,
            "timeoutMs",
            format!("timeoutMs must be a whole number of milliseconds from 1 to {MAX_TIMEOUT_MS} (default {DEFAULT_TIMEOUT_MS})"),
        ));
    }
    // Whole and within range, so the conversion is exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(value as u64)
}

/// The clock tolerance of a verification (`toleranceSeconds`); absent, 300 s.
pub fn tolerance(seconds: Option<f64>) -> Result<Tolerance> {
    let seconds = seconds.unwrap_or(f64::from(DEFAULT_TOLERANCE_SECONDS));
    if !(seconds.is_finite() && seconds >= 0.0) {
        return Err(Error::new(
            ErrorCode::FieldFormat,
            "toleranceSeconds",
            format!("toleranceSeconds must be a finite number of seconds, 0 or more (default {DEFAULT_TOLERANCE_SECONDS})"),
        ));
    }
    // Clamped to a century, far beyond any meaningful skew, so the cast cannot overflow.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(Tolerance::millis((seconds.min(3.2e9) * 1000.0).round() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_that_mean_nothing_are_refused_with_their_field() {
        assert_eq!(epoch_ms(1.9, "now").unwrap(), 1);
        for bad in [f64::NAN, f64::INFINITY, 1e20, -7e13] {
            assert_eq!(epoch_ms(bad, "now").unwrap_err().field(), Some("now"));
        }
        assert_eq!(shifted(1000.0, Some(-500.0)).unwrap(), 500);
        assert_eq!(shifted(0.0, Some(f64::NAN)).unwrap_err().field(), Some("clockOffsetMs"));
        assert_eq!(body_limit(None).unwrap(), DEFAULT_MAX_BODY_BYTES);
        for bad in [-1.0, 1.5, f64::NAN, 2e9] {
            assert_eq!(body_limit(Some(bad)).unwrap_err().field(), Some("maxBodyBytes"));
        }
        assert_eq!(whole_seconds(3600.0, "expiresIn").unwrap(), 3600);
        assert!(whole_seconds(1.5, "expiresIn").is_err());
        assert_eq!(tolerance(Some(10.0)).unwrap(), Tolerance::seconds(10));
        assert_eq!(tolerance(Some(-1.0)).unwrap_err().field(), Some("toleranceSeconds"));
        assert_eq!((timeout_ms(None).unwrap(), timeout_ms(Some(1.0)).unwrap()), (10_000, 1));
        for bad in [0.0, 2.5, -1.0, f64::NAN, 600_001.0] {
            assert_eq!(timeout_ms(Some(bad)).unwrap_err().field(), Some("timeoutMs"));
        }
    }
}
