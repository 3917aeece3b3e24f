//! Clock-offset correction: the signer never reads a clock itself, so a
//! host whose clock is wrong applies an offset learned from the gateway to the instant it
//! passes in. The gateway's `responseTimestamp` (Beijing time, to the second) gives it:
//!
//! ```text
//! offset_ms = clock_offset_ms(response.responseTimestamp, received_at_ms)
//! next request: now = Date.now() + offset_ms
//! ```
//!
//! The estimate is good to about a second plus the network delay, enough for the platform's
//! clock check (PROTOCOL.md §2.3: ABNORMAL_REQUEST_TIME) while keeping timestamps honest.

use crate::error::{Error, ErrorCode, Result};
use crate::time::BeijingTime;

/// The gateway's clock minus the host's, in milliseconds: how much to add to the host's
/// `now` so that it matches the gateway. `server_timestamp` is a Beijing time as
/// `yyyy-MM-dd HH:mm:ss` (a response's `responseTimestamp`) or `yyyyMMddHHmmss`;
/// `received_at_ms` is the host's clock (epoch ms) when the response arrived.
pub fn clock_offset_ms(server_timestamp: &str, received_at_ms: i64) -> Result<i64> {
    let server = BeijingTime::parse_date_time(server_timestamp)
        .or_else(|| BeijingTime::parse_compact(server_timestamp))
        .ok_or_else(|| {
            Error::new(
                ErrorCode::FieldFormat,
                "responseTimestamp",
                format!(
                    "responseTimestamp must be a Beijing time yyyy-MM-dd HH:mm:ss (or \
                     yyyyMMddHHmmss), not {}",
                    crate::error::quoted(server_timestamp)
                ),
            )
        })?;
    server.to_epoch_ms().checked_sub(received_at_ms).ok_or_else(|| {
        Error::new(ErrorCode::FieldFormat, "receivedAt", "receivedAt is not a plausible instant")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-01-02 03:04:05 Beijing.
    const TS_MS: i64 = 1_735_758_245_000;

    #[test]
    fn offset_is_server_minus_host() {
        assert_eq!(clock_offset_ms("2025-01-02 03:04:05", TS_MS).unwrap(), 0);
        assert_eq!(clock_offset_ms("2025-01-02 03:04:05", TS_MS - 600_000).unwrap(), 600_000);
        assert_eq!(clock_offset_ms("20250102030405", TS_MS + 90_500).unwrap(), -90_500);
        for bad in ["", "2025-01-02", "2025-02-30 00:00:00", "2025-01-02T03:04:05"] {
            assert_eq!(clock_offset_ms(bad, TS_MS).unwrap_err().field(), Some("responseTimestamp"), "{bad}");
        }
        assert!(clock_offset_ms("2025-01-02 03:04:05", i64::MIN).is_err());
    }
}
