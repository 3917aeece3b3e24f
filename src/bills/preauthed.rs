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

typed_request! {
    /// A capture request, field by field (`None` = absent; see [`PreauthCancel`](super::PreauthCancel)).
    Preauthed for PREAUTHED {
        /// `yyyy-MM-dd HH:mm:ss` Beijing time; filled from the clock by the builder when absent.
        request_timestamp,
        /// Merchant number (at most 32 characters).
        mid,
        /// Terminal number (at most 32 characters).
        tid,
        /// Business type; `QRPAYDEFAULT` when absent.
        inst_mid,
        /// The preauthorized bill's number.
        bill_no,
        /// The bill's date, `yyyy-MM-dd`.
        bill_date,
        /// A new order id for this completion (at most 32 characters, starting with the msgSrcId).
        authed_order_id,
        /// The authorization code of the preauth.
        auth_id_resp_cd,
        /// The amount to capture in fen, written as a JSON string (`"2100"`).
        total_amount,
        /// A description of the completion.
        authed_desc,
        /// Message id, echoed back (at most 64 characters).
        msg_id,
        /// Caller's reserved field, echoed back (at most 255 characters).
        src_reserve,
    }
}
