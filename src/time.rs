//! Beijing time (UTC+8, no daylight saving) from an instant, and back.
//!
//! The platform's timestamps carry no zone marker and mean China Standard Time. Hosts such as
//! Cloudflare Workers run in UTC, so the offset is applied here, arithmetically, never through
//! the host's time zone.

use crate::error::{Error, ErrorCode, Result};

const BEIJING_OFFSET_MS: i64 = 8 * 3600 * 1000;
const MS_PER_DAY: i64 = 86_400_000;
/// Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar.
const DAYS_0000_03_01_TO_EPOCH: i64 = 719_468;

/// The earliest instant that has a four-digit Beijing year: 0001-01-01 00:00:00 +08:00.
pub const MIN_EPOCH_MS: i64 = -62_135_625_600_000;
/// The last millisecond of 9999-12-31 23:59:59 +08:00.
pub const MAX_EPOCH_MS: i64 = 253_402_271_999_999;

/// A calendar date and wall-clock time in Beijing, to the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BeijingTime {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

impl BeijingTime {
    /// The Beijing wall-clock time at an instant given as milliseconds since the Unix epoch.
    /// Milliseconds are truncated toward the past (floor), like a wall clock.
    pub fn from_epoch_ms(epoch_ms: i64) -> Result<Self> {
        if !(MIN_EPOCH_MS..=MAX_EPOCH_MS).contains(&epoch_ms) {
            return Err(Error::new(
                ErrorCode::FieldFormat,
                "now",
                format!(
                    "the instant {epoch_ms} ms is outside the years 0001-9999; pass epoch \
                     milliseconds (for example Date.now())"
                ),
            ));
        }
        let local_ms = epoch_ms + BEIJING_OFFSET_MS;
        let days = local_ms.div_euclid(MS_PER_DAY);
        let secs_of_day = local_ms.rem_euclid(MS_PER_DAY) / 1000;
        let (year, month, day) = civil_from_days(days);
        Ok(BeijingTime {
            year: to_u16(year),
            month: to_u8(month),
            day: to_u8(day),
            hour: to_u8(secs_of_day / 3600),
            minute: to_u8(secs_of_day / 60 % 60),
            second: to_u8(secs_of_day % 60),
        })
    }

    /// A validated calendar date-time (year 0001-9999, real month/day, 00:00:00-23:59:59).
    pub fn new(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<Self> {
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second < 60;
        valid.then_some(BeijingTime { year, month, day, hour, minute, second })
    }

    /// Milliseconds since the Unix epoch of this Beijing wall-clock time.
    pub fn to_epoch_ms(self) -> i64 {
        let days = days_from_civil(i64::from(self.year), i64::from(self.month), i64::from(self.day));
        let secs = i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second);
        days * MS_PER_DAY + secs * 1000 - BEIJING_OFFSET_MS
    }

    /// The three forms at once.
    pub fn forms(&self) -> Forms {
        Forms { compact: self.compact(), date_time: self.date_time(), date: self.date() }
    }

    /// `yyyyMMddHHmmss`, the OPEN-BODY-SIG header and token timestamp form.
    pub fn compact(&self) -> String {
        self.render(&[])
    }

    /// `yyyy-MM-dd HH:mm:ss`, the `requestTimestamp` form.
    pub fn date_time(&self) -> String {
        self.render(&["-", "-", " ", ":", ":"])
    }

    /// `yyyy-MM-dd`, the `billDate` form.
    pub fn date(&self) -> String {
        let mut full = self.render(&["-", "-", " "]);
        full.truncate(10);
        full
    }

    /// The six fields zero-padded (year to 4 digits, the others to 2), with `separators[i]`
    /// after field `i`. Written by hand: these strings are built on every request, and `format!`
    /// padding costs more than the rest of the request in wasm.
    fn render(&self, separators: &[&str]) -> String {
        let mut out = String::with_capacity(19);
        let fields = [
            (u32::from(self.year), 4),
            (u32::from(self.month), 2),
            (u32::from(self.day), 2),
            (u32::from(self.hour), 2),
            (u32::from(self.minute), 2),
            (u32::from(self.second), 2),
        ];
        for (i, (value, width)) in fields.into_iter().enumerate() {
            for place in (0..width).rev() {
                let digit = value / 10u32.pow(place) % 10;
                out.push(char::from(b'0' + digit as u8));
            }
            if let Some(separator) = separators.get(i) {
                out.push_str(separator);
            }
        }
        out
    }

    /// Parses `yyyyMMddHHmmss` (a real calendar date-time).
    pub fn parse_compact(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 14 || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Self::from_digit_groups(b, [0, 4, 6, 8, 10, 12])
    }

    /// Parses `yyyy-MM-dd HH:mm:ss` (a real calendar date-time).
    pub fn parse_date_time(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        let shape_ok = b.len() == 19
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b' ',
                13 | 16 => *c == b':',
                _ => c.is_ascii_digit(),
            });
        if !shape_ok {
            return None;
        }
        Self::from_digit_groups(b, [0, 5, 8, 11, 14, 17])
    }

    /// Parses `yyyy-MM-dd` (a real calendar date) as midnight of that day.
    pub fn parse_date(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        let shape_ok = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            });
        if !shape_ok {
            return None;
        }
        let year = u16::try_from(digits(b, 0, 4)).ok()?;
        Self::new(year, to_u8(digits(b, 5, 2)), to_u8(digits(b, 8, 2)), 0, 0, 0)
    }

    /// Year, month, day, hour, minute, second from ASCII digits already checked by the caller;
    /// the year has four digits, the other groups two.
    fn from_digit_groups(b: &[u8], starts: [usize; 6]) -> Option<Self> {
        let [y, mo, d, h, mi, s] = starts;
        Self::new(
            u16::try_from(digits(b, y, 4)).ok()?,
            to_u8(digits(b, mo, 2)),
            to_u8(digits(b, d, 2)),
            to_u8(digits(b, h, 2)),
            to_u8(digits(b, mi, 2)),
            to_u8(digits(b, s, 2)),
        )
    }
}

fn digits(b: &[u8], start: usize, len: usize) -> i64 {
    b.iter()
        .skip(start)
        .take(len)
        .fold(0, |acc, c| acc * 10 + i64::from(c.wrapping_sub(b'0')))
}

// The helpers below only ever receive values already bounded by the calendar arithmetic, so
// saturation never triggers; it exists to keep every conversion total.
fn to_u8(v: i64) -> u8 {
    u8::try_from(v).unwrap_or(u8::MAX)
}

fn to_u16(v: i64) -> u16 {
    u16::try_from(v).unwrap_or(u16::MAX)
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 → (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + DAYS_0000_03_01_TO_EPOCH;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Howard Hinnant's `days_from_civil`: (year, month, day) → days since 1970-01-01.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - DAYS_0000_03_01_TO_EPOCH
}

/// The current instant in epoch milliseconds from the operating system clock.
///
/// Not available on `wasm32-unknown-unknown`, where there is no OS clock; the wasm binding
/// takes `Date.now()` from the host instead.
#[cfg(not(target_arch = "wasm32"))]
pub fn system_now_ms() -> i64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
    }
}

/// The three forms of one Beijing time.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Forms {
    /// `yyyyMMddHHmmss`
    pub compact: String,
    /// `yyyy-MM-dd HH:mm:ss`
    pub date_time: String,
    /// `yyyy-MM-dd`
    pub date: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> BeijingTime {
        BeijingTime::from_epoch_ms(ms).unwrap()
    }

    #[test]
    fn formats_the_three_forms_at_utc_plus_8() {
        // 2025-01-01T19:04:05.999Z is 2025-01-02 03:04:05 in Beijing.
        let t = at(1_735_758_245_999);
        assert_eq!(t.compact(), "20250102030405");
        assert_eq!(t.date_time(), "2025-01-02 03:04:05");
        assert_eq!(t.date(), "2025-01-02");
    }

    #[test]
    fn crosses_the_date_line_at_16_00_utc() {
        assert_eq!(at(1_735_747_199_999).date_time(), "2025-01-01 23:59:59"); // 15:59:59.999Z
        assert_eq!(at(1_735_747_200_000).date_time(), "2025-01-02 00:00:00"); // 16:00:00Z
    }

    #[test]
    fn handles_epoch_leap_days_and_pre_1970() {
        assert_eq!(at(0).date_time(), "1970-01-01 08:00:00");
        assert_eq!(at(-1).date_time(), "1970-01-01 07:59:59");
        assert_eq!(at(-28_800_001).date_time(), "1969-12-31 23:59:59");
        assert_eq!(at(951_782_400_000).date(), "2000-02-29"); // 2000-02-29T00:00Z
        assert_eq!(at(MIN_EPOCH_MS).date_time(), "0001-01-01 00:00:00");
        assert_eq!(at(MAX_EPOCH_MS).date_time(), "9999-12-31 23:59:59");
        assert!(BeijingTime::from_epoch_ms(MIN_EPOCH_MS - 1).is_err());
        assert!(BeijingTime::from_epoch_ms(MAX_EPOCH_MS + 1).is_err());
        assert!(BeijingTime::from_epoch_ms(i64::MIN).is_err());
    }

    #[test]
    fn round_trips_every_day_across_four_centuries() {
        let mut ms = -12_219_292_800_000; // 1582-10-15
        while ms < 253_402_214_400_000 {
            let t = at(ms);
            assert_eq!(t.to_epoch_ms(), ms - (ms + BEIJING_OFFSET_MS).rem_euclid(1000));
            assert_eq!(BeijingTime::parse_compact(&t.compact()), Some(t));
            assert_eq!(BeijingTime::parse_date_time(&t.date_time()), Some(t));
            ms += 86_399_999 * 3; // walks through every time of day as well
        }
    }

    #[test]
    fn parses_only_real_calendar_values() {
        assert!(BeijingTime::parse_date("2024-02-29").is_some());
        assert!(BeijingTime::parse_date("2000-02-29").is_some());
        for bad in [
            "2023-02-29", "1900-02-29", "2025-04-31", "2025-13-01", "2025-00-10", "2025-01-00",
            "0000-01-01", "2025-1-01", "2025/01/01", "25-01-01", "2025-01-01 ", "２０２５-01-01",
        ] {
            assert_eq!(BeijingTime::parse_date(bad), None, "{bad}");
        }
        assert!(BeijingTime::parse_date_time("2025-01-02 23:59:59").is_some());
        for bad in [
            "2025-01-02 24:00:00", "2025-01-02 12:60:00", "2025-01-02 12:00:60", "2025-01-02T12:00:00",
            "2025-01-02 12:00", "2025-02-30 12:00:00", "2025-01-02  2:00:00",
        ] {
            assert_eq!(BeijingTime::parse_date_time(bad), None, "{bad}");
        }
        assert!(BeijingTime::parse_compact("20240229235959").is_some());
        for bad in ["2025010203040", "202501020304056", "20250230030405", "2025010203040a", "-2025010203040"] {
            assert_eq!(BeijingTime::parse_compact(bad), None, "{bad}");
        }
    }
}
