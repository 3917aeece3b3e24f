//! Property tests of the OPEN-BODY-SIG stages and the JSON reader/writer (proptest).
//!
//! * parse(format(h)) = h for every valid header, in every accepted spelling;
//! * verify(sign(x)) succeeds for random appIds, keys, nonces, instants and bodies (random
//!   bytes, and random Unicode including 4-byte characters), within the tolerance;
//! * any single-byte change of the body, appId, timestamp or nonce makes verification fail:
//!   with `ERR_SIGNATURE_MISMATCH` when the changed header is still well formed, or
//!   `ERR_AUTH_HEADER` when the change breaks its syntax (a quote, comma, space or control
//!   character in a value, an impossible date such as month 13). Nothing else is acceptable:
//!   in particular not `ERR_TIMESTAMP_SKEW`, which would mean the signature was not checked
//!   first;
//! * the JSON writer escapes strings exactly as serde_json (and so JSON.stringify) does, and
//!   the reader and writer round-trip any value.
//!
//! * the durable recovery never sends a blind or late cancel, whatever the answers and wherever
//!   the host stops, reads its state back exactly, and ends with the platform's truth (module
//!   `durable` below says exactly what is checked).
//!
//! 10,000 cases per property (80,000 in all), 4,000 for each of the durable recovery's three:
//! a few seconds, as dependencies are optimized in test builds (Cargo.toml,
//! `[profile.dev.package."*"]`).
#![cfg(not(target_arch = "wasm32"))]
// Test helpers outside #[test] functions may assert with unwrap and indexing too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use chinaums_open::json::{self, Exact};
use chinaums_open::open_body_sig::{
    authorization_header, body_digest, signature, string_to_sign, verify_open_body, AppKey, Authorization,
    OpenBodySigner, Tolerance,
};
use chinaums_open::time::{BeijingTime, MAX_EPOCH_MS, MIN_EPOCH_MS};
use chinaums_open::ErrorCode;
use proptest::prelude::*;
use proptest::sample::Index;

/// Header-safe text: visible ASCII without `"`, `\` or `,`.
const TOKEN: &str = "[\\x21\\x23-\\x2b\\x2d-\\x5b\\x5d-\\x7e]";

fn app_id() -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("{TOKEN}{{1,128}}")).unwrap()
}

fn nonce() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::string::string_regex("[0-9a-f]{32}").unwrap(),
        proptest::string::string_regex(&format!("{TOKEN}{{1,128}}")).unwrap(),
    ]
}

/// Any instant with a four-digit Beijing year.
fn instant() -> impl Strategy<Value = i64> {
    MIN_EPOCH_MS..=MAX_EPOCH_MS
}

/// Keys: usually 32 hex characters, also any non-empty Unicode (4-byte characters included)
/// and longer than one SHA-256 block (which HMAC hashes first).
fn app_key() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::string::string_regex("[0-9a-f]{32}").unwrap(),
        "\\PC{1,40}",
        proptest::string::string_regex("[\\x{10000}-\\x{10FFFF}a-z]{1,8}").unwrap(),
        "[a-z]{65,200}",
    ]
}

/// Bodies: random bytes (often not UTF-8) and random Unicode text including 4-byte characters.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        "\\PC{0,120}".prop_map(String::into_bytes),
        proptest::string::string_regex("[\\x{1F600}-\\x{1F64F}\\x{20000}-\\x{2A6DF}预授权撤销a-z\"\\\\/]{0,60}")
            .unwrap()
            .prop_map(String::into_bytes),
    ]
}

fn signature_text() -> impl Strategy<Value = String> {
    any::<[u8; 32]>().prop_map(|mac| {
        // The signer's own encoding, via the stage function on a throwaway key and message,
        // would hide encoding bugs; format the MAC independently instead.
        base64_standard(&mac)
    })
}

/// Padded standard Base64, written out here so the test does not reuse the library's encoder.
fn base64_standard(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn compact(ms: i64) -> String {
    BeijingTime::from_epoch_ms(ms).unwrap().compact()
}

/// Epoch ms of a header timestamp.
fn signed_at(timestamp: &str) -> i64 {
    BeijingTime::parse_compact(timestamp).unwrap().to_epoch_ms()
}

/// The same header in another accepted spelling: any case of scheme and names, any order of
/// parameters, `,` with or without spaces or tabs, whitespace around `=`.
fn respell(auth: &Authorization, order: &[usize; 4], case_bits: u8, separators: &[&str; 3], around_eq: &str) -> String {
    let mut params = [
        ("AppId", auth.app_id.as_str()),
        ("Timestamp", auth.timestamp.as_str()),
        ("Nonce", auth.nonce.as_str()),
        ("Signature", auth.signature.as_str()),
    ];
    let flip = |text: &str, bit: u8| {
        if case_bits & (1 << bit) != 0 {
            text.to_ascii_lowercase()
        } else {
            text.to_ascii_uppercase()
        }
    };
    params.swap(0, order[0] % 4);
    params.swap(1, 1 + order[1] % 3);
    params.swap(2, 2 + order[2] % 2);
    let mut header = format!("{} ", flip("OPEN-BODY-SIG", 4));
    for (i, (name, value)) in params.iter().enumerate() {
        if i > 0 {
            header.push_str(separators[i - 1]);
        }
        header.push_str(&flip(name, i as u8));
        header.push_str(around_eq);
        header.push('=');
        header.push_str(around_eq);
        header.push('"');
        header.push_str(value);
        header.push('"');
    }
    header
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn parse_of_format_is_the_identity(
        app_id in app_id(),
        ms in instant(),
        nonce in nonce(),
        signature in signature_text(),
        order in any::<[usize; 4]>(),
        case_bits in any::<u8>(),
        separators in proptest::array::uniform3(prop_oneof![Just(","), Just(", "), Just(" , "), Just(",\t"), Just(",  ")]),
        around_eq in prop_oneof![Just(""), Just(" "), Just("\t")],
    ) {
        let timestamp = compact(ms);
        let expected = Authorization { app_id: app_id.clone(), timestamp: timestamp.clone(), nonce: nonce.clone(), signature: signature.clone() };
        let canonical = authorization_header(&app_id, &timestamp, &nonce, &signature);
        prop_assert_eq!(&Authorization::parse(&canonical).unwrap(), &expected);
        prop_assert_eq!(expected.to_header_value(), canonical);
        let respelled = respell(&expected, &order, case_bits, &separators, around_eq);
        prop_assert_eq!(Authorization::parse(&respelled).unwrap(), expected, "{}", respelled);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn verify_of_sign_succeeds_within_the_tolerance(
        app_id in app_id(),
        key in app_key(),
        nonce in nonce(),
        ms in instant(),
        body in body(),
        skew_ms in -300_000i64..=300_000,
    ) {
        let key = AppKey::new(&key).unwrap();
        let timestamp = compact(ms);
        let signer = OpenBodySigner::new(&app_id, &key).unwrap();
        let signed = signer.sign(&body, &timestamp, &nonce).unwrap();

        // The signer agrees with the four stages run one by one.
        let digest = body_digest(&body);
        prop_assert_eq!(&signed.body_digest, &digest);
        let expected_signature = signature(&key, &string_to_sign(&app_id, &timestamp, &nonce, &digest));
        prop_assert_eq!(&signed.signature, &expected_signature);
        prop_assert_eq!(&signed.authorization, &authorization_header(&app_id, &timestamp, &nonce, &expected_signature));

        let now = signed_at(&timestamp) + skew_ms;
        let verified = verify_open_body(&signed.authorization, &body, &key, now, Tolerance::default()).unwrap();
        prop_assert_eq!((verified.app_id, verified.timestamp, verified.nonce), (app_id, timestamp, nonce));
        prop_assert!(signer.verify(&signed.authorization, &body, now, Tolerance::default()).is_ok());
    }

    #[test]
    fn any_single_byte_change_of_the_body_fails(
        key in app_key(),
        body in body(),
        at in any::<Index>(),
        xor in 1u8..=255,
    ) {
        let key = AppKey::new(&key).unwrap();
        let signed = OpenBodySigner::new("app", &key).unwrap().sign(&body, "20250102030405", "n0").unwrap();
        let mut changed = body.clone();
        if changed.is_empty() {
            changed.push(xor);
        } else {
            let i = at.index(changed.len());
            changed[i] ^= xor;
        }
        let err = verify_open_body(&signed.authorization, &changed, &key, signed_at("20250102030405"), Tolerance::default()).unwrap_err();
        prop_assert_eq!(err.code(), ErrorCode::SignatureMismatch);
    }

    #[test]
    fn any_single_byte_change_of_app_id_timestamp_or_nonce_fails(
        app_id in app_id(),
        key in app_key(),
        nonce in nonce(),
        ms in instant(),
        body in body(),
        which in 0usize..3,
        at in any::<Index>(),
        replacement in 0u8..0x80,
    ) {
        let key = AppKey::new(&key).unwrap();
        let timestamp = compact(ms);
        let signed = OpenBodySigner::new(&app_id, &key).unwrap().sign(&body, &timestamp, &nonce).unwrap();
        let original = [&app_id, &timestamp, &nonce][which];
        let i = at.index(original.len());
        // ASCII in, ASCII out: every value here is ASCII, so the header stays a string.
        let mut bytes = original.clone().into_bytes();
        prop_assume!(bytes[i] != replacement);
        bytes[i] = replacement;
        let changed = String::from_utf8(bytes).unwrap();
        let mut values = [app_id.clone(), timestamp.clone(), nonce.clone()];
        values[which] = changed;
        let header = authorization_header(&values[0], &values[1], &values[2], &signed.signature);
        let err = verify_open_body(&header, &body, &key, signed_at(&timestamp), Tolerance::default()).unwrap_err();
        prop_assert!(
            matches!(err.code(), ErrorCode::SignatureMismatch | ErrorCode::AuthHeader),
            "{:?} for {}", err, header
        );
    }

    #[test]
    fn another_key_fails(key in app_key(), other in app_key(), body in body()) {
        prop_assume!(key != other);
        let signed = OpenBodySigner::new("app", &AppKey::new(&key).unwrap()).unwrap().sign(&body, "20250102030405", "n0").unwrap();
        let err = verify_open_body(&signed.authorization, &body, &AppKey::new(&other).unwrap(), signed_at("20250102030405"), Tolerance::default()).unwrap_err();
        prop_assert_eq!(err.code(), ErrorCode::SignatureMismatch);
        // Keys long enough not to occur in ordinary words must not appear in the message.
        for key in [&key, &other].into_iter().filter(|k| k.chars().count() >= 12) {
            prop_assert!(!err.message().contains(key.as_str()), "{}", err.message());
        }
    }
}

/// A JSON document for the generator below: numbers as their source text.
#[derive(Clone, Debug)]
enum Doc {
    Null,
    Bool(bool),
    Number(String),
    Text(String),
    Array(Vec<Doc>),
    Object(Vec<(String, Doc)>),
}

/// Random JSON values whose numbers are any valid JSON number texts within f64 range (the
/// library keeps their exact text), with unique member names.
fn json_value() -> impl Strategy<Value = Doc> {
    let number = proptest::string::string_regex("-?(0|[1-9][0-9]{0,20})(\\.[0-9]{1,8})?([eE][+-]?[0-9]{1,2})?").unwrap();
    let leaf = prop_oneof![
        Just(Doc::Null),
        any::<bool>().prop_map(Doc::Bool),
        number.prop_map(Doc::Number),
        "\\PC{0,20}".prop_map(Doc::Text),
        any::<String>().prop_map(Doc::Text),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Doc::Array),
            proptest::collection::btree_map(any::<String>(), inner, 0..8).prop_map(|m| Doc::Object(m.into_iter().collect())),
        ]
    })
}

/// The document as text: compact, or with whitespace around every token; strings with `\uXXXX`
/// escapes for non-ASCII when `escaped` (as PHP writes them), else as serde_json writes them.
fn render(doc: &Doc, spaced: bool, escaped: bool) -> String {
    let gap = if spaced { " \n\t" } else { "" };
    let text = |s: &str| {
        if escaped {
            let mut out = String::from("\"");
            for unit in s.encode_utf16() {
                match unit {
                    0x22 => out.push_str("\\\""),
                    0x5c => out.push_str("\\\\"),
                    0x2f => out.push_str("\\/"),
                    0x20..=0x7e => out.push(char::from(unit as u8)),
                    _ => out.push_str(&format!("\\u{unit:04x}")),
                }
            }
            out.push('"');
            out
        } else {
            serde_json::to_string(s).unwrap()
        }
    };
    match doc {
        Doc::Null => "null".into(),
        Doc::Bool(b) => b.to_string(),
        Doc::Number(n) => n.clone(),
        Doc::Text(s) => text(s),
        Doc::Array(items) => format!("[{gap}{}{gap}]", items.iter().map(|i| render(i, spaced, escaped)).collect::<Vec<_>>().join(&format!("{gap},{gap}"))),
        Doc::Object(members) => format!(
            "{{{gap}{}{gap}}}",
            members.iter().map(|(k, v)| format!("{}{gap}:{gap}{}", text(k), render(v, spaced, escaped))).collect::<Vec<_>>().join(&format!("{gap},{gap}"))
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    /// Bodies passed through unchanged (extra members, generic requests): whatever the
    /// spacing and escaping of the input, the output is compact, strings raw UTF-8 exactly as
    /// serde_json writes them, numbers with their exact source text.
    #[test]
    fn exact_values_write_back_compact_with_number_text_kept(doc in json_value(), spaced in any::<bool>(), escaped in any::<bool>()) {
        let parsed: Exact = serde_json::from_str(&render(&doc, spaced, escaped)).unwrap();
        prop_assert_eq!(serde_json::to_string(&parsed).unwrap(), render(&doc, false, false));
    }

    /// The ordered reader agrees with serde_json's own Value on every document.
    #[test]
    fn the_ordered_reader_agrees_with_serde_json(doc in json_value()) {
        let text = render(&doc, true, true);
        let ours = json::parse(&text).unwrap();
        let theirs: serde_json::Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(serde_json::to_value(&ours).unwrap(), theirs);
    }
}

// The durable recovery (src/recovery/durable.rs) -----------------------------------------------
//
// Two views. Against arbitrary answers (every errCode and bill state the rules tell apart,
// garbage, lost answers) with the host stopping at any point (the state written and read back
// before a send, after one with the request in flight, after an answer):
// * a cancel is sent only right after a query whose recorded answer showed the hold frozen, so
//   never two cancels without a query between them, and never after a lost answer;
// * once a query showed the hold voided or captured, the recovery is over: nothing more is sent;
// * the state reads back exactly as written at every point, and reading back a request in flight
//   is the same as recording its answer as lost;
// * every recovery ends, within the request limit, and waits stay within the schedule.
// Against a simulated platform (one hold: frozen, voided, captured or an ordinary payment;
// answers lost before or after applying; a capture by the merchant at any moment; the host
// killed with a request in flight, applied or not): the outcome is the platform's truth, and
// no cancel ever reaches a hold already voided (no blind second cancel).
mod durable {
    use super::*;
    use chinaums_open::recovery::durable::{DurableRecovery, Next, Schedule, MAX_REQUESTS};
    use chinaums_open::recovery::{Answer, Outcome, Step};

    const T0: i64 = 1_735_758_245_000;
    const INPUT: &str = r#"{"mid":"898201612345678","tid":"88880001","billNo":"3194202501020304050001","billDate":"2025-01-02","merOrderId":"31942025010203040500010","authIdRespCd":"000665"}"#;
    const FROZEN: &str = r#"{"errCode":"SUCCESS","billStatus":"PAID","billPayment":{"status":"TRADE_SUCCESS"}}"#;
    const VOIDED: &str = r#"{"errCode":"SUCCESS","billStatus":"CLOSED","billPayment":{"status":"TRADE_CLOSED"}}"#;
    const CAPTURED: &str = r#"{"errCode":"SUCCESS","billStatus":"PAID","completeAmount":100,"billPayment":{"status":"TRADE_SUCCESS"}}"#;
    const NOT_ALLOWED: &str = r#"{"errCode":"OPERATION_NOT_ALLOWED","errMsg":"x"}"#;
    const BODIES: [&str; 12] = [
        FROZEN,
        VOIDED,
        CAPTURED,
        r#"{"errCode":"SUCCESS","billStatus":"UNPAID"}"#,
        r#"{"errCode":"SUCCESS","billStatus":"REFUND","billPayment":{"status":"TRADE_REFUND"}}"#,
        r#"{"errCode":"SUCCESS"}"#,
        NOT_ALLOWED,
        r#"{"errCode":"NO_BILL"}"#,
        r#"{"errCode":"SYSTEM_BUSY"}"#,
        r#"{"errCode":"INVALID_ORDER"}"#,
        "<html>503</html>",
        r#"{"errCode":"SUCCESS","billStatus":"UNKNOWN"}"#,
    ];
    const STATUSES: [u16; 8] = [200, 200, 200, 200, 408, 429, 500, 503];

    /// An answer, and what it showed of the hold when it was a query's: frozen, or over.
    fn answer(kind: u8, body: u8) -> (Answer, bool, bool) {
        if kind.is_multiple_of(6) {
            return (Answer::Lost, false, false);
        }
        let (status, body) = (STATUSES[usize::from(kind) % STATUSES.len()], usize::from(body) % BODIES.len());
        (Answer::from_text(status, BODIES[body]), status == 200 && body == 0, status == 200 && (body == 1 || body == 2))
    }

    fn schedule() -> impl Strategy<Value = Schedule> {
        (0u64..2_000, 0u64..20_000, 0u64..600_000).prop_map(|(base, extra, deadline)| Schedule { base_delay_ms: base, max_delay_ms: base + extra, deadline_ms: deadline })
    }

    fn reads_back(r: &DurableRecovery) -> Result<(), TestCaseError> {
        let text = r.to_json().unwrap();
        prop_assert_eq!(&DurableRecovery::from_json(&text).unwrap(), r);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4_000))]

        #[test]
        fn arbitrary_answers_and_stops_never_lead_to_a_blind_or_late_cancel(
            schedule in schedule(),
            script in proptest::collection::vec((any::<u8>(), any::<u8>(), 0u8..4, 0u64..5_000, any::<u8>()), 0..60),
        ) {
            let mut r = DurableRecovery::begin(INPUT, schedule, T0).unwrap();
            let (mut now, mut answered_at) = (T0, T0);
            // What the last recorded answer was: (step, showed frozen).
            let mut last: Option<(Step, bool)> = None;
            let mut script = script.into_iter();
            while let Next::Send { step, at, .. } = r.next() {
                // A wait never passes the deadline; only a follow-up due at once may come after it.
                prop_assert!(at <= T0.saturating_add(i64::try_from(schedule.deadline_ms).unwrap()) || at == answered_at);
                let (kind, body, stop, late, jitter) = script.next().unwrap_or((1, 0, 0, 0, 0));
                let jitter = f64::from(jitter) / 256.0;
                now = now.max(at) + i64::try_from(late).unwrap();
                if step == Step::Cancel {
                    prop_assert_eq!(last, Some((Step::Query, true)), "a cancel only right after a query that showed the hold frozen");
                }
                if stop == 1 {
                    reads_back(&r)?;
                }
                r.send(now).unwrap();
                prop_assert!(r.requests() <= MAX_REQUESTS);
                if stop == 2 {
                    // The host stopped with the request in flight: read back, its answer is lost.
                    let mut lost = r.clone();
                    lost.answer(Answer::Lost, jitter, now).unwrap();
                    let resumed = DurableRecovery::resume(&r.to_json().unwrap(), now, jitter).unwrap();
                    prop_assert_eq!(&resumed, &lost);
                    r = resumed;
                    (last, answered_at) = (Some((step, false)), now);
                    continue;
                }
                let (given, frozen, over) = answer(kind, body);
                r.answer(given, jitter, now).unwrap();
                (last, answered_at) = (Some((step, step == Step::Query && frozen)), now);
                if step == Step::Query && over {
                    let done = matches!(r.next(), Next::Done { outcome: Outcome::AlreadyCancelled | Outcome::Captured, .. });
                    prop_assert!(done, "a hold shown voided or captured ends the recovery: {:?}", r.next());
                }
                if stop == 3 {
                    reads_back(&r)?;
                }
                if let Next::Send { at, .. } = r.next() {
                    prop_assert!(at - now <= i64::try_from(schedule.max_delay_ms).unwrap());
                }
            }
            reads_back(&r)?;
        }

        #[test]
        fn a_corrupted_byte_is_refused_or_changes_nothing(
            script in proptest::collection::vec((any::<u8>(), any::<u8>()), 0..6),
            at in any::<Index>(),
            byte in any::<u8>(),
        ) {
            let mut r = DurableRecovery::begin(INPUT, Schedule::default(), T0).unwrap();
            for (kind, body) in script {
                if r.send(T0).is_err() { break }
                r.answer(answer(kind, body).0, 0.5, T0).unwrap();
            }
            let mut text = r.to_json().unwrap().into_bytes();
            let i = at.index(text.len());
            text[i] = byte;
            match String::from_utf8(text).map(|t| DurableRecovery::from_json(&t)) {
                Ok(Ok(read)) => prop_assert_eq!(read, r),
                Ok(Err(e)) => prop_assert_eq!(e.code(), ErrorCode::InvalidState),
                Err(_) => {}
            }
        }
    }

    /// The simulated platform's view of the one hold.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Hold {
        Frozen,
        Voided,
        Captured,
        Ordinary,
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4_000))]

        #[test]
        fn against_a_simulated_platform_the_outcome_is_the_truth_and_no_cancel_reaches_a_voided_hold(
            ordinary in any::<bool>(),
            capture_at in proptest::option::of(0usize..12),
            // Per request: 0 fine, 1 lost before applying, 2 applied then lost, 3 the host killed
            // (before or after the platform applied it).
            faults in proptest::collection::vec(0u8..4, 0..12),
        ) {
            let schedule = Schedule { base_delay_ms: 10, max_delay_ms: 100, deadline_ms: 86_400_000 };
            let mut r = DurableRecovery::begin(INPUT, schedule, T0).unwrap();
            let mut hold = if ordinary { Hold::Ordinary } else { Hold::Frozen };
            let (mut now, mut n, mut applied, mut blind) = (T0, 0usize, 0, 0);
            while let Next::Send { step, at, .. } = r.next() {
                now = now.max(at);
                if capture_at == Some(n) && hold == Hold::Frozen {
                    hold = Hold::Captured;
                }
                let fault = faults.get(n).copied().unwrap_or(0);
                n += 1;
                prop_assert!(n < 200, "no end");
                r.send(now).unwrap();
                let reached = fault != 1;
                let body = match step {
                    Step::Query => match hold {
                        Hold::Frozen | Hold::Ordinary => FROZEN,
                        Hold::Voided => VOIDED,
                        Hold::Captured => CAPTURED,
                    },
                    Step::Cancel if !reached => NOT_ALLOWED,
                    Step::Cancel => {
                        if hold == Hold::Voided {
                            blind += 1;
                        }
                        if hold == Hold::Frozen {
                            hold = Hold::Voided;
                            applied += 1;
                            r#"{"errCode":"SUCCESS","billStatus":"CLOSED"}"#
                        } else {
                            NOT_ALLOWED
                        }
                    }
                };
                match fault {
                    0 => { r.answer(Answer::from_text(200, body), 0.5, now).unwrap(); }
                    1 | 2 => { r.answer(Answer::Lost, 0.5, now).unwrap(); }
                    _ => r = DurableRecovery::resume(&r.to_json().unwrap(), now + 60_000, 0.5).unwrap(),
                }
            }
            let Next::Done { outcome, .. } = r.next() else { unreachable!() };
            prop_assert_eq!(blind, 0, "a cancel reached a hold already voided");
            prop_assert!(applied <= 1);
            let truth = match (outcome, hold) {
                (Outcome::Cancelled | Outcome::AlreadyCancelled, Hold::Voided) => applied == 1,
                (Outcome::Captured, Hold::Captured) | (Outcome::NotFrozen, Hold::Ordinary) => applied == 0,
                _ => false,
            };
            prop_assert!(truth, "outcome {:?} but the platform shows {:?} ({} applied)", outcome, hold, applied);
        }
    }
}
