//! `POST /v1/netpay/bills/refund` (PROTOCOL.md §7), fields in the official sample's order.
//! `refundOrderId` is required here though the sample alone does not say so: it is the only
//! way to look the refund up later (`bills/query` with `refundOrderId`), and a refund whose
//! outcome cannot be confirmed is the failure this library exists to prevent.

use super::qrcode::SUB_ORDERS;
use super::response::answers;
use super::schema::common::*;
use super::schema::{answer, FieldFormat, ResponseType, Row, Source};

operation! {
    /// The refund table.
    REFUND, REFUND_DOC {
        name: "refund",
        path: "/v1/netpay/bills/refund",
        summary: ("退款", "Refund all or part of a paid bill"),
        fields: [
            REQUEST_TIMESTAMP,
            MID,
            TID,
            INST_MID,
            BILL_NO,
            BILL_DATE,
            amount("refundAmount").doc("退款金额", "Refund amount", "\"500\"").note("In fen").from(Source::PlatformSample),
            MSG_ID,
            SRC_RESERVE,
            order_id("refundOrderId", true).doc("退款订单号", "Refund order id", "\"3194R00001\"").note("Your order id for this refund (required: it is how the refund is looked up)").from(Source::Library),
            optional("platformAmount", FieldFormat::AmountOrZero).doc("平台商户退款分账金额", "Platform share", "\"0\"").note("The platform merchant's share of the refund, in fen"),
            optional("subOrders", SUB_ORDERS).doc("子订单信息", "Sub-orders", "[{\"mid\":\"898201612345679\",\"totalAmount\":\"500\"}]").note("Split refunds: sub-merchants and their shares"),
            Row::text("refundDesc", false, None).doc("退货说明", "Refund reason", "\"returned\"").from(Source::PlatformSample),
        ],
        response: [
            answers::BILL_NO,
            answers::BILL_DATE,
            answers::BILL_STATUS,
            answers::BILL_PAYMENT,
            answer("refundOrderId", ResponseType::Text, "The refund's order id"),
            answer("refundAmount", ResponseType::Fen, "Amount refunded, in fen"),
            answer("refundStatus", ResponseType::Word(&["SUCCESS", "FAIL", "PROCESSING", "UNKNOWN"]), "The refund's status; anything but SUCCESS or FAIL means in progress: query it"),
            answer("refundPayTime", ResponseType::Text, "When the refund was made, yyyy-MM-dd HH:mm:ss"),
            answer("refundTargetOrderId", ResponseType::Text, "The refund's order id at the wallet"),
        ],
    }
}
