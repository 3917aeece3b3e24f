//! `POST /v1/netpay/bills/preauth-cancel`: void a preauthorization hold (PROTOCOL.md rule 5).

use super::schema::common::*;
use super::schema::Endpoint;

/// The endpoint's field table, in the order of the platform's page
/// (`seed/preauth-cancel-api.txt`), with its maximum lengths.
pub static PREAUTH_CANCEL: Endpoint = Endpoint {
    name: "preauth-cancel",
    path: "/v1/netpay/bills/preauth-cancel",
    fields: &[
        REQUEST_TIMESTAMP,
        MID,
        TID,
        INST_MID,
        BILL_NO,
        BILL_DATE,
        order_id("merOrderId", true),
        AUTH_ID_RESP_CD,
        MSG_ID,
        SRC_RESERVE,
    ],
};

typed_request! {
    /// A preauth-cancel request, field by field. `None` means absent; absent optional fields are
    /// left out of the body, and given ones are kept even when empty.
    PreauthCancel for PREAUTH_CANCEL {
        /// `yyyy-MM-dd HH:mm:ss` Beijing time; filled from the clock by the builder when absent.
        request_timestamp,
        /// Merchant number (at most 32 characters).
        mid,
        /// Terminal number (at most 32 characters).
        tid,
        /// Business type; `QRPAYDEFAULT` when absent.
        inst_mid,
        /// The bill's number (at most 31 characters, starting with the msgSrcId).
        bill_no,
        /// The bill's date, `yyyy-MM-dd`.
        bill_date,
        /// The preauth payment's order id (at most 32 characters, starting with the msgSrcId).
        mer_order_id,
        /// The authorization code of the preauth (at most 64 characters).
        auth_id_resp_cd,
        /// Message id, echoed back (at most 64 characters).
        msg_id,
        /// Caller's reserved field, echoed back (at most 255 characters).
        src_reserve,
    }
}
