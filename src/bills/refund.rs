//! `POST /v1/netpay/bills/refund` (PROTOCOL.md §7), fields in the official sample's order.
//! `refundOrderId` is required here though the sample alone does not say so: it is the only
//! way to look the refund up later (`bills/query` with `refundOrderId`), and a refund whose
//! outcome cannot be confirmed is the failure this library exists to prevent.

use super::qrcode::SUB_ORDERS;
use super::schema::common::*;
use super::schema::{Endpoint, FieldFormat, FieldSpec};

/// The refund table.
pub static REFUND: Endpoint = Endpoint {
    name: "refund",
    path: "/v1/netpay/bills/refund",
    fields: &[
        REQUEST_TIMESTAMP,
        MID,
        TID,
        INST_MID,
        BILL_NO,
        BILL_DATE,
        FieldSpec::formatted("refundAmount", FieldFormat::Amount),
        MSG_ID,
        SRC_RESERVE,
        order_id("refundOrderId", true),
        FieldSpec::formatted("platformAmount", FieldFormat::AmountOrZero).optional(),
        FieldSpec::formatted("subOrders", SUB_ORDERS).optional(),
        FieldSpec::text("refundDesc", false, None),
    ],
};

typed_request! {
    /// A refund request, field by field (`None` = absent).
    Refund for REFUND {
        request_timestamp, mid, tid, inst_mid, bill_no, bill_date, refund_amount, msg_id, src_reserve, refund_order_id,
        platform_amount, sub_orders, refund_desc,
    }
}
