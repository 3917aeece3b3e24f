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
            sample("subMchntInfo").doc("子商户信息", "Sub-merchant information", "\"\""),
            REQUEST_TIMESTAMP,
            MID,
            TID,
            INST_MID,
            MSG_ID,
            SRC_RESERVE,
            BILL_NO,
            BILL_DATE,
            sample("billDesc").max(255).doc("账单描述", "What the payer sees", "\"Room 1203, deposit\""),
            amount("totalAmount").doc("支付总金额", "Total amount, in fen", "\"2100\"").from(Source::PlatformSample),
            optional("divisionFlag", FieldFormat::Flag).doc("分账标记", "Split the payment between merchants", "\"false\""),
            optional("platformAmount", FieldFormat::AmountOrZero).doc("平台商户分账金额", "The platform merchant's share, in fen", "\"0\""),
            optional("goods", GOODS).doc("商品信息", "Goods: id, name, quantity, unit price in fen, …", "[{\"goodsId\":\"1203\",\"goodsName\":\"Room 1203\",\"quantity\":\"1\",\"price\":\"2100\"}]"),
            optional("subOrders", SUB_ORDERS).doc("子订单信息", "Split orders: sub-merchants and their shares", "[{\"mid\":\"898201612345679\",\"totalAmount\":\"2100\"}]"),
            sample("memberId").doc("会员号", "Your member id of the payer", "\"member-1\""),
            sample("counterNo").doc("桌号", "Counter or table number", "\"A1\""),
            optional("expireTime", FieldFormat::DateTime).doc("过期时间", "When the QR code expires (Beijing)", "\"2025-01-02 04:04:05\""),
            optional("notifyUrl", FieldFormat::Url).doc("支付结果通知地址", "Where the platform sends payment notifications", "\"https://merchant.example/chinaums/notify\""),
            optional("returnUrl", FieldFormat::Url).max(255).doc("网页跳转地址", "Where the payer's browser returns after paying", "\"https://merchant.example/paid\""),
            sample("qrCodeId").max(64).prefixed().doc("二维码ID", "Your QR code id (one is made up when absent)", "\"3194QR000001\""),
            sample("systemId").doc("系统ID", "System id", "\"\""),
            optional("secureTransaction", FieldFormat::Flag).doc("担保交易标识", "A guarantee (secured) transaction", "\"false\""),
            optional("walletOption", FieldFormat::OneOf(&["SINGLE", "MULTIPLE"])).doc("钱包选项", "Which wallets may pay", "\"SINGLE\""),
            sample("name").doc("实名认证姓名", "Payer's name for real-name checks", "\"\""),
            sample("mobile").doc("实名认证手机号", "Payer's mobile number for real-name checks", "\"\""),
            sample("certType").doc("实名认证证件类型", "Payer's ID document type", "\"\""),
            sample("certNo").doc("实名认证证件号", "Payer's ID document number", "\"\""),
            sample("fixBuyer").doc("是否需要实名认证", "Only the named payer may pay", "\"\""),
            optional("limitCreditCard", FieldFormat::Flag).doc("是否限制信用卡", "Refuse credit cards", "\"false\""),
            sample("payInfoQueryAddr").doc("支付信息查询地址", "Payment information query address", "\"\""),
            optional("preauthTransaction", FieldFormat::Flag).doc("是否预授权交易", "A preauthorization: the payment freezes funds until captured or voided", "\"true\""),
            optional("installmentNumber", FieldFormat::Digits).doc("分期数", "Number of installments", "\"3\""),
            optional("retCommParams", FieldFormat::Object).doc("回传参数", "Parameters returned with the payment", "{}"),
            sample("attachedData").doc("商户附加数据", "Your data, returned with the payment", "\"\""),
            sample("clientIp").doc("客户端IP", "The payer's IP address", "\"\""),
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
            Row::text("qrCodeId", false, Some(64)).doc("二维码ID", "The QR code's id (from the get-qrcode answer)", "\"3194QR000001\"").from(Source::PlatformSample),
            BILL_NO.optional().doc("账单号", "The bill number, instead of qrCodeId", "\"3194202501020304050001\"").from(Source::Majiameng),
            Row::text("systemId", false, None).doc("系统ID", "System id (from the get-qrcode answer)", "\"\"").from(Source::TypeScriptIntegration),
            MSG_ID,
            SRC_RESERVE,
            optional("attachRefund", FieldFormat::Flag).doc("是否附带退款", "Refund what was paid when closing", "\"false\"").from(Source::TypeScriptIntegration),
        ],
        response: [
            answer("qrCodeId", ResponseType::Text, "The QR code's id"),
            answers::BILL_NO,
            answers::BILL_DATE,
            answers::BILL_STATUS,
        ],
    }
}
