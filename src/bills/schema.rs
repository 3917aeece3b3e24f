//! Field tables: what each bills endpoint accepts, as data, so that every endpoint is
//! validated and serialized by the same code.

/// The shape a field's value must have. Values are written back exactly as given (a string
/// and a number are different signed bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldFormat {
    /// Any text (within the length limit).
    Text,
    /// A real calendar date-time, `yyyy-MM-dd HH:mm:ss`.
    DateTime,
    /// A real calendar date, `yyyy-MM-dd`.
    Date,
    /// A positive whole number of fen, given either as a JSON string of digits (`"100"`, as in
    /// the official samples) or as an integer JSON number (`100`, as some clients send).
    Amount,
    /// As [`Amount`](Self::Amount), zero allowed (a platform's share, a unit price).
    AmountOrZero,
    /// `"true"` / `"false"` (the official samples) or a JSON boolean (some clients).
    Flag,
    /// An `http://` or `https://` URL.
    Url,
    /// Digits only (a count such as `installmentNumber`).
    Digits,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// A JSON array of objects whose listed members, when present, have these formats (other
    /// members are kept as given).
    Items(&'static [(&'static str, ItemFormat)]),
    /// A JSON object, kept as given.
    Object,
}

/// The format of a member of an item of a [`FieldFormat::Items`] array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemFormat {
    /// A JSON string.
    Text,
    /// A positive amount of fen (string of digits or integer).
    Amount,
    /// An amount of fen, zero allowed.
    AmountOrZero,
    /// A whole number of at least 1 (string of digits or integer).
    Count,
}

/// Where a missing field's value comes from when a request is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldDefault {
    /// The current Beijing time, `yyyy-MM-dd HH:mm:ss`.
    RequestTime,
    /// A constant.
    Constant(&'static str),
}

/// One row of an endpoint's field table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// The JSON member name.
    pub name: &'static str,
    /// Whether the platform requires it.
    pub required: bool,
    /// Maximum length in characters (Unicode scalar values), from the platform's table.
    pub max_chars: Option<usize>,
    /// Required shape.
    pub format: FieldFormat,
    /// Filled in by the builder when absent or empty.
    pub default: Option<FieldDefault>,
    /// Must start with the merchant's 4-character msgSrcId when one is configured.
    pub msg_src_prefixed: bool,
}

impl FieldSpec {
    pub(crate) const fn text(name: &'static str, required: bool, max_chars: Option<usize>) -> Self {
        FieldSpec {
            name,
            required,
            max_chars,
            format: FieldFormat::Text,
            default: None,
            msg_src_prefixed: false,
        }
    }

    pub(crate) const fn formatted(name: &'static str, format: FieldFormat) -> Self {
        FieldSpec { format, ..FieldSpec::text(name, true, None) }
    }

    pub(crate) const fn optional(self) -> Self {
        FieldSpec { required: false, ..self }
    }

    pub(crate) const fn defaulting(self, default: FieldDefault) -> Self {
        FieldSpec { default: Some(default), ..self }
    }

    pub(crate) const fn prefixed(self) -> Self {
        FieldSpec { msg_src_prefixed: true, ..self }
    }
}

/// The rows every bills table shares, with the limits of the platform's preauth-cancel page
/// (`seed/preauth-cancel-api.txt`); each table lists them in its own order.
pub(crate) mod common {
    use super::{FieldDefault, FieldFormat, FieldSpec};

    /// `requestTimestamp`: filled from the clock when absent.
    pub const REQUEST_TIMESTAMP: FieldSpec =
        FieldSpec::formatted("requestTimestamp", FieldFormat::DateTime).defaulting(FieldDefault::RequestTime);
    /// `mid`, the merchant number.
    pub const MID: FieldSpec = FieldSpec::text("mid", true, Some(32));
    /// `tid`, the terminal number.
    pub const TID: FieldSpec = FieldSpec::text("tid", true, Some(32));
    /// `instMid`, the business type: `QRPAYDEFAULT` when absent.
    pub const INST_MID: FieldSpec = FieldSpec::text("instMid", true, None).defaulting(FieldDefault::Constant("QRPAYDEFAULT"));
    /// `billNo`, starting with the msgSrcId.
    pub const BILL_NO: FieldSpec = FieldSpec::text("billNo", true, Some(31)).prefixed();
    /// `billDate`, `yyyy-MM-dd`.
    pub const BILL_DATE: FieldSpec = FieldSpec::formatted("billDate", FieldFormat::Date);
    /// `authIdRespCd`, the preauth's authorization code.
    pub const AUTH_ID_RESP_CD: FieldSpec = FieldSpec::text("authIdRespCd", true, Some(64));
    /// A merchant-created order id (`merOrderId`, `authedOrderId`, `refundOrderId`): at most 32
    /// characters, starting with the msgSrcId.
    pub const fn order_id(name: &'static str, required: bool) -> FieldSpec {
        FieldSpec::text(name, required, Some(32)).prefixed()
    }
    /// `msgId`, echoed back.
    pub const MSG_ID: FieldSpec = FieldSpec::text("msgId", false, Some(64));
    /// `srcReserve`, echoed back.
    pub const SRC_RESERVE: FieldSpec = FieldSpec::text("srcReserve", false, Some(255));
}

/// A bills endpoint: its path, its request fields in the platform table's order, and the
/// typed request struct that writes its body in that same order.
#[derive(Clone, Copy)]
pub struct Endpoint {
    /// Short name, for messages.
    pub name: &'static str,
    /// Path below the gateway's base URL.
    pub path: &'static str,
    /// Request fields.
    pub fields: &'static [FieldSpec],
}

impl PartialEq for Endpoint {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
    }
}

impl core::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Endpoint").field("name", &self.name).field("path", &self.path).finish_non_exhaustive()
    }
}

impl Endpoint {
    /// The index of the field named exactly `name`.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}
