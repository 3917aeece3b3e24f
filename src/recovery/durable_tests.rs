//! Unit tests of the durable recovery and its stored form (the properties over arbitrary
//! answers and crash points are in tests/properties.rs).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use super::durable::{DurableRecovery, Next, Schedule, Stage, MAX_REQUESTS};
use super::{Answer, Outcome, Step};
use crate::ErrorCode;

const T0: i64 = 1_735_758_245_000;
const INPUT: &str = r#"{"requestTimestamp":"2025-01-02 03:04:05","mid":"898201612345678","tid":"88880001","billNo":"3194202501020304050001","billDate":"2025-01-02","merOrderId":"31942025010203040500010","authIdRespCd":"000665"}"#;
const FROZEN: &str = r#"{"errCode":"SUCCESS","billStatus":"PAID","billPayment":{"status":"TRADE_SUCCESS","totalAmount":2100}}"#;
const VOIDED: &str = r#"{"errCode":"SUCCESS","billStatus":"CLOSED","billPayment":{"status":"TRADE_CLOSED"}}"#;
const OK: &str = r#"{"errCode":"SUCCESS","billStatus":"CLOSED"}"#;
const SCHEDULE: Schedule = Schedule { base_delay_ms: 1_000, max_delay_ms: 4_000, deadline_ms: 60_000 };

fn ok(body: &str) -> Answer {
    Answer::from_text(200, body)
}

fn begin() -> DurableRecovery {
    DurableRecovery::begin(INPUT, SCHEDULE, T0).unwrap()
}

/// Sends the due step at `now` and records `answer` at the same instant; returns the step sent.
fn exchange(r: &mut DurableRecovery, answer: Answer, now: i64) -> Step {
    let step = r.send(now).unwrap();
    r.answer(answer, 0.0, now).unwrap();
    step
}

/// The state survives being written and read back at every stage, unchanged.
fn round_trip(r: &DurableRecovery) {
    let text = r.to_json().unwrap();
    assert_eq!(&DurableRecovery::from_json(&text).unwrap(), r, "{text}");
}

#[test]
fn a_frozen_hold_is_queried_then_cancelled_and_every_stage_round_trips() {
    let mut r = begin();
    assert_eq!(r.mer_order_id(), "31942025010203040500010");
    assert!(!r.input().contains("requestTimestamp"), "each request gets the time it is sent");
    let Next::Send { step, path, input, at } = r.next() else { panic!() };
    assert_eq!((step, path, at), (Step::Query, "/v1/netpay/bills/query", T0));
    assert_eq!(input, r#"{"mid":"898201612345678","tid":"88880001","billNo":"3194202501020304050001","billDate":"2025-01-02"}"#);
    round_trip(&r);
    r.send(T0).unwrap();
    assert_eq!(r.next(), Next::InFlight { step: Step::Query, since: T0 });
    round_trip(&r);
    r.answer(ok(FROZEN), 0.5, T0 + 10).unwrap();
    let Next::Send { step: Step::Cancel, path, input, at } = r.next() else { panic!("{:?}", r.next()) };
    assert_eq!((path, input, at), ("/v1/netpay/bills/preauth-cancel", r.input(), T0 + 10));
    round_trip(&r);
    assert_eq!(exchange(&mut r, ok(OK), T0 + 20), Step::Cancel);
    assert_eq!(r.next(), Next::Done { outcome: Outcome::Cancelled, at: T0 + 20, error: None });
    assert_eq!((r.requests(), r.cancels()), (2, 1));
    round_trip(&r);
}

#[test]
fn a_cancel_in_flight_when_the_host_stopped_is_followed_by_a_query_never_a_second_cancel() {
    let mut r = begin();
    exchange(&mut r, ok(FROZEN), T0);
    r.send(T0 + 1).unwrap();
    let stored = r.to_json().unwrap();
    assert!(stored.contains(r#""stage":"in-flight","step":"cancel""#), "{stored}");
    // Read back later, in another process: the answer is lost, so a query is due after a wait.
    let mut resumed = DurableRecovery::resume(&stored, T0 + 5_000, 0.0).unwrap();
    let Next::Send { step: Step::Query, at, .. } = resumed.next() else { panic!("{:?}", resumed.next()) };
    assert_eq!(at, T0 + 5_000 + 500, "the first wait: base 1000 ms, jitter 0 → half");
    assert_eq!(exchange(&mut resumed, ok(VOIDED), at), Step::Query);
    assert!(matches!(resumed.next(), Next::Done { outcome: Outcome::AlreadyCancelled, .. }));
    assert_eq!(resumed.cancels(), 1);
    // Resuming a state with nothing in flight changes nothing.
    let due = begin().to_json().unwrap();
    assert_eq!(DurableRecovery::resume(&due, T0 + 99, 0.3).unwrap(), begin());
}

#[test]
fn failures_wait_on_the_capped_schedule_until_the_deadline_then_the_outcome_is_unknown() {
    let mut r = begin();
    let mut now = T0;
    let mut waits = Vec::new();
    while let Next::Send { at, .. } = r.next() {
        waits.push(at - now);
        now = at;
        exchange(&mut r, Answer::from_text(503, "busy"), now);
    }
    // 0 (the first query), then 1, 2, 4, 4, … s drawn at half (jitter 0): 0.5, 1, 2, 2, …
    assert_eq!(waits[..5], [0, 500, 1_000, 2_000, 2_000]);
    let Next::Done { outcome: Outcome::Unknown, at, error: None } = r.next() else { panic!("{:?}", r.next()) };
    assert!(at <= T0 + 60_000 && now + 2_000 > T0 + 60_000, "gave up when the next wait would pass the deadline");
    assert_eq!(r.cancels(), 0);
}

#[test]
fn a_refused_request_ends_the_recovery_with_the_refusal_recorded() {
    let mut r = begin();
    exchange(&mut r, ok(FROZEN), T0);
    exchange(&mut r, ok(r#"{"errCode":"INVALID_ORDER","errMsg":"auth code"}"#), T0 + 1);
    let Next::Done { outcome: Outcome::Unknown, error: Some(refusal), .. } = r.next() else { panic!("{:?}", r.next()) };
    assert_eq!((refusal.code.as_str(), refusal.platform_code.as_deref()), ("ERR_PLATFORM", Some("INVALID_ORDER")));
    assert!(refusal.message.contains("auth code"));
    round_trip(&r);
}

#[test]
fn whatever_the_platform_says_the_state_written_reads_back() {
    // Its message and code are as long as it likes, and multibyte: the refusal is kept cut.
    let long = "认证失败".repeat(2_000);
    for body in [format!(r#"{{"errCode":"INVALID_ORDER","errMsg":"{long}"}}"#), format!(r#"{{"errCode":"{long}","errMsg":"x"}}"#)] {
        let mut r = begin();
        exchange(&mut r, ok(FROZEN), T0);
        exchange(&mut r, ok(&body), T0 + 1);
        let Next::Done { outcome: Outcome::Unknown, error: Some(refusal), .. } = r.next() else { panic!("{:?}", r.next()) };
        assert!(refusal.message.len() <= 2_000 && refusal.platform_code.as_ref().map_or(0, String::len) <= 2_000);
        assert!(refusal.message.ends_with('…') || refusal.platform_code.as_deref().is_some_and(|c| c.ends_with('…')));
        round_trip(&r);
    }
}

#[test]
fn an_input_too_large_to_keep_is_refused_before_anything_is_stored() {
    let padded = INPUT.replacen("{", &format!(r#"{{"srcReserve":"{}","#, "x".repeat(200)), 1);
    round_trip(&DurableRecovery::begin(&padded, SCHEDULE, T0).unwrap());
    // instMid has no length limit of its own; a recovery keeps 16 KiB at most.
    let huge = INPUT.replacen("{", &format!(r#"{{"instMid":"{}","#, "Q".repeat(20_000)), 1);
    let err = DurableRecovery::begin(&huge, SCHEDULE, T0).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::BodyTooLarge, Some("input")), "{err}");
    // Just under the limit, it is kept, and reads back.
    let fits = INPUT.replacen("{", &format!(r#"{{"instMid":"{}","#, "Q".repeat(15_000)), 1);
    round_trip(&DurableRecovery::begin(&fits, SCHEDULE, T0).unwrap());
}

#[test]
fn the_fuzzing_seeds_are_states_this_release_reads() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/recovery_state");
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let state = DurableRecovery::from_json(text.trim_end()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(state.to_json().unwrap(), text.trim_end(), "{} is written as this release writes it", path.display());
        read += 1;
    }
    assert!(read >= 5, "{read} seeds");
}

#[test]
fn steps_out_of_order_are_typed_errors() {
    let mut r = begin();
    assert_eq!(r.answer(ok(FROZEN), 0.0, T0).unwrap_err().code(), ErrorCode::InvalidState);
    r.send(T0).unwrap();
    assert_eq!(r.send(T0).unwrap_err().code(), ErrorCode::InvalidState);
    r.answer(ok(VOIDED), 0.0, T0).unwrap();
    let over = r.send(T0).unwrap_err();
    assert_eq!(over.code(), ErrorCode::InvalidState);
    assert!(over.message().contains("already-cancelled"), "{}", over.message());
    assert_eq!(begin().send(i64::MAX).unwrap_err().field(), Some("now"));
}

#[test]
fn a_bad_input_or_schedule_is_refused_at_the_start() {
    let missing = DurableRecovery::begin(r#"{"mid":"1"}"#, SCHEDULE, T0).unwrap_err();
    assert_eq!(missing.code(), ErrorCode::FieldRequired);
    assert_eq!(DurableRecovery::begin("[]", SCHEDULE, T0).unwrap_err().code(), ErrorCode::FieldType);
    assert_eq!(DurableRecovery::begin(&INPUT.replace("mid\"", "mdi\""), SCHEDULE, T0).unwrap_err().code(), ErrorCode::UnknownField);
    let bad = DurableRecovery::begin(INPUT, Schedule { base_delay_ms: 5, max_delay_ms: 1, deadline_ms: 0 }, T0).unwrap_err();
    assert_eq!(bad.field(), Some("schedule.maxDelayMs"));
    assert_eq!(Schedule { base_delay_ms: 0, max_delay_ms: 0, deadline_ms: 0 }.checked().unwrap().deadline_ms, 0);
    let too_long = Schedule { deadline_ms: super::durable::MAX_DEADLINE_MS + 1, ..Schedule::default() };
    assert_eq!(too_long.checked().unwrap_err().field(), Some("schedule.deadlineMs"));
}

#[test]
fn zero_delays_still_end_within_the_request_limit() {
    let mut r = DurableRecovery::begin(INPUT, Schedule { base_delay_ms: 0, max_delay_ms: 0, deadline_ms: 0 }, T0).unwrap();
    let mut sent = 0;
    while matches!(r.next(), Next::Send { .. }) {
        exchange(&mut r, Answer::Lost, T0);
        sent += 1;
    }
    // A deadline of 0 with waits of 0: every retry is due at the start instant, never past it.
    assert_eq!(sent, MAX_REQUESTS);
    assert!(matches!(r.stage(), Stage::Done { outcome: Outcome::Unknown, .. }));
}

/// Errors reading `text` back, as (field, message).
fn unreadable(text: &str) -> (String, String) {
    let err = DurableRecovery::from_json(text).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidState, "{err}");
    assert!(err.message().contains("nothing is decided from it") || err.message().contains("upgrade"), "{}", err.message());
    (err.field().unwrap_or_default().to_owned(), err.message().to_owned())
}

#[test]
fn foreign_corrupted_and_future_states_are_typed_errors() {
    let mut r = begin();
    exchange(&mut r, ok(FROZEN), T0);
    r.send(T0 + 1).unwrap();
    let good = r.to_json().unwrap();
    assert_eq!(unreadable("").0, "state");
    assert_eq!(unreadable("[1]").0, "state");
    assert_eq!(unreadable(r#"{"v":1}"#).0, "state.kind");
    assert_eq!(unreadable(&good.replace("chinaums-open/preauth-recovery", "someone-else")).0, "state.kind");
    let (field, message) = unreadable(&good.replace(r#"{"v":1,"#, r#"{"v":2,"#));
    assert_eq!(field, "state.v");
    assert!(message.contains("newer release"), "{message}");
    assert_eq!(unreadable(&good.replace(r#"{"v":1,"#, r#"{"v":0,"#)).0, "state.v");
    assert_eq!(unreadable(&good.replace(r#""v":1,"#, r#""v":1,"v":1,"#)).0, "state");
    assert_eq!(unreadable(&good.replace(r#""waits":0,"#, r#""waits":0,"extra":0,"#)).0, "state");
    assert_eq!(unreadable(&good.replace(r#""waits":0,"#, "")).0, "state.waits");
    assert_eq!(unreadable(&good.replace(r#""waits":0,"#, r#""waits":-1,"#)).0, "state.waits");
    assert_eq!(unreadable(&good.replace(r#""cancelRefused":false"#, r#""cancelRefused":0"#)).0, "state.cancelRefused");
    // Coherent in shape, changed in value: only the checksum tells.
    assert_eq!(unreadable(&good.replace(r#""requests":2"#, r#""requests":3"#)).0, "state.sum");
    assert_eq!(unreadable(&good.replace("000665", "000666")).0, "state.sum");
    // Incoherent: a stage that no sequence of steps produces.
    assert_eq!(unreadable(&good.replace(r#""stage":"in-flight""#, r#""stage":"done""#)).0, "state.stage");
    assert_eq!(unreadable(&good.replace(r#""cancels":1"#, r#""cancels":0"#)).0, "state.requests");
    assert_eq!(unreadable(&good.replace(r#"\"billDate\""#, r#"\"billdate\""#)).0, "state.input");
    assert_eq!(unreadable(&format!("{{\"kind\":\"{}\",\"v\":1,\"pad\":\"{}\"}}", super::STATE_KIND, "x".repeat(70_000))).0, "state");
}
