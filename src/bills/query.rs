//! `POST /v1/netpay/bills/query`: a bill's status, and with `refundOrderId` or
//! `authedOrderId` a refund's or a completion's (PROTOCOL.md §7; the result of such a look-up
//! is in `refundBillPayment`).
//!
//! Limits and defaults of fields shared with preauth-cancel are that table's. The two look-up
//! ids are merchant-created order ids like `merOrderId`: limit 32 and the msgSrcId prefix. No
//! source says whether both may be sent at once, so that is not refused.

use super::body::BillsBody;
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

/// A bills/query request, field by field (`None` = absent).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BillsQuery {
    /// `yyyy-MM-dd HH:mm:ss` Beijing time; filled from the clock by the builder when absent.
    pub request_timestamp: Option<String>,
    /// Merchant number (at most 32 characters).
    pub mid: Option<String>,
    /// Terminal number (at most 32 characters).
    pub tid: Option<String>,
    /// Business type; `QRPAYDEFAULT` when absent.
    pub inst_mid: Option<String>,
    /// The bill's number.
    pub bill_no: Option<String>,
    /// The bill's date, `yyyy-MM-dd`.
    pub bill_date: Option<String>,
    /// Look up this refund instead of the bill's payment.
    pub refund_order_id: Option<String>,
    /// Look up this preauth completion instead of the bill's payment.
    pub authed_order_id: Option<String>,
    /// Message id, echoed back (at most 64 characters).
    pub msg_id: Option<String>,
    /// Caller's reserved field, echoed back (at most 255 characters).
    pub src_reserve: Option<String>,
}

impl BillsQuery {
    /// The generic body, ready for [`BillsBody::check`] and [`BillsBody::to_json`].
    pub fn into_body(self) -> BillsBody {
        BillsBody::from_values(
            &BILLS_QUERY,
            vec![
                self.request_timestamp,
                self.mid,
                self.tid,
                self.inst_mid,
                self.bill_no,
                self.bill_date,
                self.refund_order_id,
                self.authed_order_id,
                self.msg_id,
                self.src_reserve,
            ],
        )
    }
}
