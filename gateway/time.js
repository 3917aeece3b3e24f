// Beijing time (UTC+8, no daylight saving) for the emulator, written independently of the
// library's Rust core: the emulator is a test oracle, so it must not share the code it checks.
// Offsets are applied arithmetically, never through the host's time zone.

const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

const two = (n) => String(n).padStart(2, '0');

/** The Beijing wall-clock fields of an instant (epoch milliseconds). */
function fields(epochMs) {
  const d = new Date(epochMs + BEIJING_OFFSET_MS);
  return {
    year: String(d.getUTCFullYear()).padStart(4, '0'),
    month: two(d.getUTCMonth() + 1),
    day: two(d.getUTCDate()),
    hour: two(d.getUTCHours()),
    minute: two(d.getUTCMinutes()),
    second: two(d.getUTCSeconds()),
  };
}

/** `yyyy-MM-dd HH:mm:ss`, the form of `requestTimestamp` and `responseTimestamp`. */
export function beijingDateTime(epochMs) {
  const f = fields(epochMs);
  return `${f.year}-${f.month}-${f.day} ${f.hour}:${f.minute}:${f.second}`;
}

/** `yyyy-MM-dd`, the form of `billDate` and `settleDate`. */
export function beijingDate(epochMs) {
  const f = fields(epochMs);
  return `${f.year}-${f.month}-${f.day}`;
}

/**
 * Epoch milliseconds of a Beijing wall-clock time, or null when the fields are not a real
 * calendar date-time (month 13, 31 April, 29 February of a common year, hour 24, …).
 */
function epochOf(year, month, day, hour, minute, second) {
  if (year < 1 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // setUTCFullYear, unlike Date.UTC, keeps years < 100
  utc.setUTCHours(hour, minute, second, 0);
  // Date rolls 31 April over to 1 May; a real date survives the round trip unchanged.
  if (utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day) return null;
  return utc.getTime() - BEIJING_OFFSET_MS;
}

const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseWith(pattern, text) {
  const m = pattern.exec(text);
  if (m === null) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1).map(Number);
  return epochOf(year, month, day, hour, minute, second);
}

/** Epoch ms of an OPEN-BODY-SIG / token `yyyyMMddHHmmss` timestamp, or null if it is not one. */
export function parseCompact(text) {
  return parseWith(COMPACT, text);
}

/** Epoch ms of a `yyyy-MM-dd HH:mm:ss` date-time, or null if it is not a real one. */
export function parseDateTime(text) {
  return parseWith(DATE_TIME, text);
}

/** Epoch ms of the start of a `yyyy-MM-dd` date, or null if it is not a real one. */
export function parseDate(text) {
  return parseWith(DATE, text);
}

/** `yyyyMMddHHmmss` of an instant (used by tests and by the demo's tampering example). */
export function beijingCompact(epochMs) {
  const f = fields(epochMs);
  return `${f.year}${f.month}${f.day}${f.hour}${f.minute}${f.second}`;
}
