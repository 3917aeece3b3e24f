//! `POST /v1/netpay/bills/get-qrcode` (create a bill and its QR code, a preauthorization when
//! `preauthTransaction` is true) and `POST /v1/netpay/bills/close-qrcode` (PROTOCOL.md §7).
//!
//! No field table of these pages survived (PROTOCOL.md §13 item 8): the fields and their order
//! are the official get-qrcode sample's, close-qrcode's the clients'. Limits of fields shared
//! with preauth-cancel are that table's; `billDesc` and `returnUrl` keep the 255 of the legacy
//! API; no limit is invented where no source gives one. Amounts are whole fen; flags are
//! `"true"`/`"false"` (the samples) or JSON booleans (some clients), written as given.
//!
//! close-qrcode: the platform's sample closes a code by `qrCodeId`; the majiameng PHP client
//! sends `billNo` instead, and a public TypeScript integration sends `systemId` (from the
//! get-qrcode answer) and `attachRefund`. Every one of them is accepted, and at least one of
//! `qrCodeId` and `billNo` must be given.

use super::response::answers;
use super::schema::common::*;
use super::schema::{answer, FieldFormat, ItemFormat, ResponseType, Row, Source};

const GOODS: FieldFormat = FieldFormat::Items(&[
    ("goodsId", ItemFormat::Text),
    ("goodsName", ItemFormat::Text),
    ("quantity", ItemFormat::Count),
    ("price", ItemFormat::AmountOrZero),
    ("goodsCategory", ItemFormat::Text),
    ("body", ItemFormat::Text),
    ("subMerchantId", ItemFormat::Text),
    ("merOrderId", ItemFormat::Text),
    ("subOrderAmount", ItemFormat::AmountOrZero),
]);

/// Split orders: a sub-merchant, its order id and its share in fen.
pub(crate) const SUB_ORDERS: FieldFormat =
    FieldFormat::Items(&[("mid", ItemFormat::Text), ("merOrderId", ItemFormat::Text), ("refundOrderId", ItemFormat::Text), ("totalAmount", ItemFormat::AmountOrZero)]);

/// An optional text field of the official sample.
const fn sample(name: &'static str) -> Row {
    Row::text(name, false, None).from(Source::PlatformSample)
}

operation! {
    /// The get-qrcode table, in the official sample's order.
    GET_QRCODE, GET_QRCODE_DOC {
        name: "get-qrcode",
        path: "/v1/netpay/bills/get-qrcode",
        summary: ("获取二维码", "Create a bill and its QR code for the payer to scan (a preauthorization with preauthTransaction)"),
        fields: [
            sample("subMchntInfo").doc("子商户信息", "Sub-merchant", "\"\""),
            REQUEST_TIMESTAMP,
            MID,
            TID,
            INST_MID,
            MSG_ID,
            SRC_RESERVE,
            BILL_NO,
            BILL_DATE,
            sample("billDesc").max(255).doc("账单描述", "Bill description", "\"Room 1203, deposit\"").note("What the payer sees"),
            amount("totalAmount").doc("支付总金额", "Total amount", "\"2100\"").note("In fen").from(Source::PlatformSample),
            optional("divisionFlag", FieldFormat::Flag).doc("分账标记", "Split payment", "\"false\"").note("Split the payment between merchants"),
            optional("platformAmount", FieldFormat::AmountOrZero).doc("平台商户分账金额", "Platform share", "\"0\"").note("The platform merchant's share, in fen"),
            optional("goods", GOODS).doc("商品信息", "Goods", "[{\"goodsId\":\"1203\",\"goodsName\":\"Room 1203\",\"quantity\":\"1\",\"price\":\"2100\"}]").note("Id, name, quantity, unit price in fen, …"),
            optional("subOrders", SUB_ORDERS).doc("子订单信息", "Sub-orders", "[{\"mid\":\"898201612345679\",\"totalAmount\":\"2100\"}]").note("Split orders: sub-merchants and their shares"),
            sample("memberId").doc("会员号", "Member id", "\"member-1\"").note("Your member id of the payer"),
            sample("counterNo").doc("桌号", "Counter", "\"A1\"").note("Counter or table number"),
            optional("expireTime", FieldFormat::DateTime).doc("过期时间", "Expire time", "\"2025-01-02 04:04:05\"").note("When the QR code expires (Beijing time)"),
            optional("notifyUrl", FieldFormat::Url).doc("支付结果通知地址", "Notify URL", "\"https://merchant.example/chinaums/notify\"").note("Where the platform sends payment notifications"),
            optional("returnUrl", FieldFormat::Url).max(255).doc("网页跳转地址", "Return URL", "\"https://merchant.example/paid\"").note("Where the payer's browser returns after paying"),
            sample("qrCodeId").max(64).prefixed().doc("二维码ID", "QR code id", "\"3194QR000001\"").note("Yours; the platform makes one up when absent"),
            sample("systemId").doc("系统ID", "System id", "\"\""),
            optional("secureTransaction", FieldFormat::Flag).doc("担保交易标识", "Guarantee", "\"false\"").note("A guarantee (secured) transaction"),
            optional("walletOption", FieldFormat::OneOf(&["SINGLE", "MULTIPLE"])).doc("钱包选项", "Wallet option", "\"SINGLE\"").note("Which wallets may pay"),
            sample("name").doc("实名认证姓名", "Payer name", "\"\"").note("For real-name checks"),
            sample("mobile").doc("实名认证手机号", "Payer mobile", "\"\"").note("For real-name checks"),
            sample("certType").doc("实名认证证件类型", "ID type", "\"\"").note("The payer's ID document type"),
            sample("certNo").doc("实名认证证件号", "ID number", "\"\"").note("The payer's ID document number"),
            sample("fixBuyer").doc("是否需要实名认证", "Fixed buyer", "\"\"").note("Only the named payer may pay"),
            optional("limitCreditCard", FieldFormat::Flag).doc("是否限制信用卡", "Limit credit cards", "\"false\"").note("Refuse credit cards"),
            sample("payInfoQueryAddr").doc("支付信息查询地址", "Query address", "\"\"").note("Payment information query address"),
            optional("preauthTransaction", FieldFormat::Flag).doc("是否预授权交易", "Preauthorization", "\"true\"").note("The payment freezes funds until captured or voided"),
            optional("installmentNumber", FieldFormat::Digits).doc("分期数", "Installments", "\"3\""),
            optional("retCommParams", FieldFormat::Object).doc("回传参数", "Returned parameters", "{}").note("Returned with the payment"),
            sample("attachedData").doc("商户附加数据", "Attached data", "\"\"").note("Your data, returned with the payment"),
            sample("clientIp").doc("客户端IP", "Client IP", "\"\"").note("The payer's IP address"),
        ],
        response: [
            answers::BILL_NO,
            answers::BILL_DATE,
            answers::BILL_QR_CODE,
            answer("qrCodeId", ResponseType::Text, "The QR code's id: close it with bills/close-qrcode"),
        ],
    }
}

operation! {
    /// The close-qrcode table.
    CLOSE_QRCODE, CLOSE_QRCODE_DOC {
        name: "close-qrcode",
        path: "/v1/netpay/bills/close-qrcode",
        summary: ("关闭二维码", "Close a bill's QR code so that it can no longer be paid"),
        one_of: ["qrCodeId", "billNo"],
        fields: [
            REQUEST_TIMESTAMP,
            MID,
            TID,
            INST_MID,
            Row::text("qrCodeId", false, Some(64)).doc("二维码ID", "QR code id", "\"3194QR000001\"").note("From the get-qrcode answer").from(Source::PlatformSample),
            BILL_NO.optional().doc("账单号", "Bill number", "\"3194202501020304050001\"").note("Instead of qrCodeId").from(Source::Majiameng),
            Row::text("systemId", false, None).doc("系统ID", "System id", "\"\"").note("From the get-qrcode answer").from(Source::TypeScriptIntegration),
            MSG_ID,
            SRC_RESERVE,
            optional("attachRefund", FieldFormat::Flag).doc("是否附带退款", "Attach refund", "\"false\"").note("Refund what was paid when closing").from(Source::TypeScriptIntegration),
        ],
        response: [
            answer("qrCodeId", ResponseType::Text, "The QR code's id"),
            answers::BILL_NO,
            answers::BILL_DATE,
            answers::BILL_STATUS,
        ],
    }
}
