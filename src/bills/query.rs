//! `POST /v1/netpay/bills/query`: a bill's status, and with `refundOrderId` or
//! `authedOrderId` a refund's or a completion's (PROTOCOL.md §7; the result of such a look-up
//! is in `refundBillPayment`).
//!
//! Limits and defaults of fields shared with preauth-cancel are that table's. The two look-up
//! ids are merchant-created order ids like `merOrderId`: limit 32 and the msgSrcId prefix. No
//! source says whether both may be sent at once, so that is not refused.

use super::schema::common::*;
use super::schema::Endpoint;

/// The query endpoint's field table, in serialization order.
pub static BILLS_QUERY: Endpoint = Endpoint {
    name: "query",
    path: "/v1/netpay/bills/query",
    fields: &[
        REQUEST_TIMESTAMP,
        MID,
        TID,
        INST_MID,
        BILL_NO,
        BILL_DATE,
        order_id("refundOrderId", false),
        order_id("authedOrderId", false),
        MSG_ID,
        SRC_RESERVE,
    ],
};

typed_request! {
    /// A bills/query request, field by field (`None` = absent).
    BillsQuery for BILLS_QUERY {
        /// `yyyy-MM-dd HH:mm:ss` Beijing time; filled from the clock by the builder when absent.
        request_timestamp,
        /// Merchant number (at most 32 characters).
        mid,
        /// Terminal number (at most 32 characters).
        tid,
        /// Business type; `QRPAYDEFAULT` when absent.
        inst_mid,
        /// The bill's number.
        bill_no,
        /// The bill's date, `yyyy-MM-dd`.
        bill_date,
        /// Look up this refund instead of the bill's payment.
        refund_order_id,
        /// Look up this preauth completion instead of the bill's payment.
        authed_order_id,
        /// Message id, echoed back (at most 64 characters).
        msg_id,
        /// Caller's reserved field, echoed back (at most 255 characters).
        src_reserve,
    }
}
