//! `POST /v1/netpay/bills/preauthed`: complete (capture) a preauthorization (PROTOCOL.md §7,
//! §7.1 step 3).
//!
//! No field table of this page survived (PROTOCOL.md §13 item 8), so the table is the common
//! bills fields plus the capture fields of §7, with these choices:
//! * fields shared with preauth-cancel keep that table's limits (mid 32, tid 32, billNo 31,
//!   authIdRespCd 64, msgId 64, srcReserve 255) and defaults;
//! * `authedOrderId` is the completion's own order id, created by the merchant like
//!   `merOrderId`: limit 32 and the msgSrcId prefix, by analogy with preauth-cancel's
//!   `merOrderId`;
//! * `totalAmount` is the amount to capture, positive integer fen, string or number;
//! * `authedDesc` has no known limit, so none is enforced rather than an invented one.

use super::body::BillsBody;
use super::schema::common::*;
use super::schema::{Endpoint, FieldFormat, FieldSpec};

/// The capture endpoint's field table, in serialization order.
pub static PREAUTHED: Endpoint = Endpoint {
    name: "preauthed",
    path: "/v1/netpay/bills/preauthed",
    fields: &[
        REQUEST_TIMESTAMP,
        MID,
        TID,
        INST_MID,
        BILL_NO,
        BILL_DATE,
        order_id("authedOrderId", true),
        AUTH_ID_RESP_CD,
        FieldSpec::formatted("totalAmount", FieldFormat::Amount),
        FieldSpec::text("authedDesc", false, None),
        MSG_ID,
        SRC_RESERVE,
    ],
};

/// A capture request, field by field (`None` = absent; see [`PreauthCancel`](super::PreauthCancel)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Preauthed {
    /// `yyyy-MM-dd HH:mm:ss` Beijing time; filled from the clock by the builder when absent.
    pub request_timestamp: Option<String>,
    /// Merchant number (at most 32 characters).
    pub mid: Option<String>,
    /// Terminal number (at most 32 characters).
    pub tid: Option<String>,
    /// Business type; `QRPAYDEFAULT` when absent.
    pub inst_mid: Option<String>,
    /// The preauthorized bill's number.
    pub bill_no: Option<String>,
    /// The bill's date, `yyyy-MM-dd`.
    pub bill_date: Option<String>,
    /// A new order id for this completion (at most 32 characters, starting with the msgSrcId).
    pub authed_order_id: Option<String>,
    /// The authorization code of the preauth.
    pub auth_id_resp_cd: Option<String>,
    /// The amount to capture in fen, written as a JSON string (`"2100"`).
    pub total_amount: Option<String>,
    /// A description of the completion.
    pub authed_desc: Option<String>,
    /// Message id, echoed back (at most 64 characters).
    pub msg_id: Option<String>,
    /// Caller's reserved field, echoed back (at most 255 characters).
    pub src_reserve: Option<String>,
}

impl Preauthed {
    /// The generic body, ready for [`BillsBody::check`] and [`BillsBody::to_json`].
    pub fn into_body(self) -> BillsBody {
        BillsBody::from_values(
            &PREAUTHED,
            vec![
                self.request_timestamp,
                self.mid,
                self.tid,
                self.inst_mid,
                self.bill_no,
                self.bill_date,
                self.authed_order_id,
                self.auth_id_resp_cd,
                self.total_amount,
                self.authed_desc,
                self.msg_id,
                self.src_reserve,
            ],
        )
    }
}
