//! A recovery that can stop after any step and go on elsewhere, minutes or days later: in
//! another process, on another instance, after a crash. The host keeps the state (a database
//! row, a Durable Object's storage) and hands it back; the decisions are still those of
//! `super::rule`, as a pure function of the state, the answer, and the time and jitter the
//! host injects.
//!
//! What differs from the in-call loop ([`super::decide`]):
//!
//! * **the request in flight is part of the state.** [`DurableRecovery::send`] marks the step
//!   as sent, and the host persists that *before* the request leaves. A state read back with a
//!   step still in flight ([`DurableRecovery::resume`]) had its answer lost: after a cancel the
//!   recovery queries first, exactly as after a lost answer; it never sends a second cancel
//!   blindly;
//! * **it waits on a durable schedule instead of giving up** after a few attempts: capped
//!   exponential backoff ([`Schedule`]) until an outcome, or until the deadline, after which
//!   the outcome is `unknown` for a person to look at;
//! * **the refusal of a request that is wrong in itself ends it** (outcome `unknown` with the
//!   refusal recorded) instead of throwing: there is no caller left to throw to.

use serde::Serialize;

use super::stored::{MAX_KEPT_INPUT_BYTES, MAX_TEXT};
use super::{backoff, query_input, rule, Answer, Outcome, RecoveryState, Step, Verdict};
use crate::bills::{read_body, BillsResponse, CheckOptions, BILLS_QUERY, PREAUTH_CANCEL};
use crate::error::{Error, ErrorCode, Result};
use crate::json::Json;
use crate::time::{MAX_EPOCH_MS, MIN_EPOCH_MS};

/// Longest wait between two steps: one day.
pub const MAX_SCHEDULE_DELAY_MS: u64 = 86_400_000;
/// Latest deadline: 90 days (a preauthorization hold lasts about 30).
pub const MAX_DEADLINE_MS: u64 = 7_776_000_000;
/// Most requests in one durable recovery. The deadline ends it long before in production; this
/// bounds a schedule of zero delays (tests) as well.
pub const MAX_REQUESTS: u32 = 10_000;

/// The durable schedule: after a failure, wait `base_delay_ms`, doubling each time up to
/// `max_delay_ms` (with jitter: half of it to all of it); give up `deadline_ms` after the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// The first wait, in ms.
    pub base_delay_ms: u64,
    /// The longest wait, in ms.
    pub max_delay_ms: u64,
    /// How long after the start a recovery may go on, in ms.
    pub deadline_ms: u64,
}

impl Default for Schedule {
    /// Seconds at first, then every ten minutes, for three days: long enough to outlast an
    /// outage of the platform or of the merchant's own network, short of the hold's expiry.
    fn default() -> Self {
        Schedule { base_delay_ms: 5_000, max_delay_ms: 600_000, deadline_ms: 259_200_000 }
    }
}

impl Schedule {
    /// Checks a schedule a host gave.
    pub fn checked(self) -> Result<Self> {
        if self.base_delay_ms > self.max_delay_ms || self.max_delay_ms > MAX_SCHEDULE_DELAY_MS {
            return Err(Error::new(
                ErrorCode::FieldFormat,
                "schedule.maxDelayMs",
                format!("schedule.baseDelayMs must be at most schedule.maxDelayMs, and that at most {MAX_SCHEDULE_DELAY_MS} (one day)"),
            ));
        }
        if self.deadline_ms > MAX_DEADLINE_MS {
            return Err(Error::new(ErrorCode::FieldFormat, "schedule.deadlineMs", format!("schedule.deadlineMs must be at most {MAX_DEADLINE_MS} (90 days)")));
        }
        Ok(self)
    }
}

/// Why a recovery ended without an outcome of the platform's: its refusal of a request that is
/// wrong in itself (a bad signature, a wrong authorization code), as the error that says so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    /// The library's code (`ERR_PLATFORM`).
    pub code: String,
    /// The platform's errCode, or `HTTP <status>` for an answer without one.
    pub platform_code: Option<String>,
    /// What went wrong and what to fix.
    pub message: String,
}

impl Refusal {
    /// The refusal as stored: its texts cut to [`MAX_TEXT`] bytes, so that a state keeps only
    /// what it can read back (the platform chooses their length).
    fn of(error: &Error) -> Refusal {
        Refusal { code: error.code().as_str().to_owned(), platform_code: error.platform_code().map(kept_text), message: kept_text(error.message()) }
    }
}

/// `text`, or its first [`MAX_TEXT`] bytes (whole characters) ending with "…".
fn kept_text(text: &str) -> String {
    if text.len() <= MAX_TEXT {
        return text.to_owned();
    }
    let room = MAX_TEXT - '…'.len_utf8();
    let end = (0..=room).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
    format!("{}…", text.get(..end).unwrap_or_default())
}

/// Where a durable recovery stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    /// `step` is to be sent at `at_ms` (or as soon as possible after it).
    Due {
        /// What to send.
        step: Step,
        /// When, epoch ms.
        at_ms: i64,
    },
    /// `step` was handed to the network at `since_ms` and no answer was recorded.
    InFlight {
        /// What was sent.
        step: Step,
        /// When, epoch ms.
        since_ms: i64,
    },
    /// Over.
    Done {
        /// How it ended.
        outcome: Outcome,
        /// When, epoch ms.
        at_ms: i64,
        /// For `unknown` after a refused request: the refusal.
        refusal: Option<Refusal>,
    },
}

/// What the host does next, as [`DurableRecovery::next`] tells it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Next<'a> {
    /// Send `input` to `path` at `at` (epoch ms; now if it has passed): call
    /// [`DurableRecovery::send`] and persist the state first.
    Send {
        /// What the step is.
        step: Step,
        /// The API path (the field tables', so that hosts keep no copy).
        path: &'static str,
        /// The request's input, JSON text (`requestTimestamp` left to the builder).
        input: &'a str,
        /// When it is due, epoch ms.
        at: i64,
    },
    /// A request is in flight: record its answer.
    InFlight {
        /// What was sent.
        step: Step,
        /// When, epoch ms.
        since: i64,
    },
    /// Over.
    Done {
        /// How it ended.
        outcome: Outcome,
        /// When, epoch ms.
        at: i64,
        /// The refusal that ended it, for `unknown` after a request the platform refused.
        error: Option<&'a Refusal>,
    },
}

/// A recovery whose state a host persists between steps (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DurableRecovery {
    /// The preauth-cancel input, compact JSON, without `requestTimestamp`.
    pub(super) input: String,
    /// The bills/query input for the same hold (derived from `input`, not stored).
    pub(super) query: String,
    pub(super) mer_order_id: String,
    pub(super) schedule: Schedule,
    pub(super) started_at_ms: i64,
    /// Requests handed to the network (in flight included).
    pub(super) requests: u32,
    /// Cancels among them.
    pub(super) cancels: u32,
    /// Waits scheduled after failures: the backoff's exponent, never reset.
    pub(super) waits: u32,
    pub(super) cancel_refused: bool,
    pub(super) stage: Stage,
}

/// An instant a host gave, checked to be one Beijing time can express.
pub(super) fn instant(ms: i64, field: &str) -> Result<i64> {
    if (MIN_EPOCH_MS..=MAX_EPOCH_MS).contains(&ms) {
        Ok(ms)
    } else {
        Err(Error::new(ErrorCode::FieldFormat, field, format!("{field} must be epoch milliseconds of a year from 0001 to 9999")))
    }
}

pub(super) fn invalid_state(field: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidState, field, message)
}

/// The preauth-cancel input as a durable recovery keeps it: checked as the builder checks it,
/// compact, `requestTimestamp` dropped (each request gets the time it is sent: one fixed at the
/// start would be days old by the last retry). Returns it with its merOrderId.
pub(super) fn cancel_input(input_json: &str) -> Result<(String, String)> {
    let Json::Object(members) = crate::json::parse(input_json).map_err(|e| e.into_error("input"))? else {
        return Err(Error::whole(ErrorCode::FieldType, "the preauth-cancel input must be an object"));
    };
    let kept = Json::Object(members.into_iter().filter(|(name, _)| name != "requestTimestamp").collect());
    let text = serde_json::to_string(&kept).map_err(|e| Error::whole(ErrorCode::Internal, format!("the input could not be written: {e}")))?;
    // Refused here rather than stored: a state keeps only what it can read back.
    if text.len() > MAX_KEPT_INPUT_BYTES {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            "input",
            format!("the preauth-cancel input is {} bytes (compact JSON), more than the {MAX_KEPT_INPUT_BYTES} a durable recovery keeps; a real one is a few hundred bytes, so check what is being sent", text.len()),
        ));
    }
    read_body(&PREAUTH_CANCEL, &text, &CheckOptions { apply_defaults: true, ..CheckOptions::default() })?;
    let mer_order_id = kept.get("merOrderId").and_then(Json::as_str).unwrap_or_default().to_owned();
    Ok((text, mer_order_id))
}

impl DurableRecovery {
    /// A new recovery of the hold `input_json` (a preauth-cancel input) names, started at
    /// `now_ms`: its first step, a query, is due at once.
    pub fn begin(input_json: &str, schedule: Schedule, now_ms: i64) -> Result<Self> {
        let schedule = schedule.checked()?;
        let now = instant(now_ms, "now")?;
        let (input, mer_order_id) = cancel_input(input_json)?;
        let query = query_input(&input)?;
        Ok(DurableRecovery {
            input,
            query,
            mer_order_id,
            schedule,
            started_at_ms: now,
            requests: 0,
            cancels: 0,
            waits: 0,
            cancel_refused: false,
            stage: Stage::Due { step: Step::Query, at_ms: now },
        })
    }

    /// A stored state, checked ([`Self::from_json`]); a request it shows in flight had its answer
    /// lost, and is recorded so (at `now_ms`, with `jitter` for the wait that follows).
    pub fn resume(state_json: &str, now_ms: i64, jitter: f64) -> Result<Self> {
        let mut recovery = Self::from_json(state_json)?;
        if matches!(recovery.stage, Stage::InFlight { .. }) {
            recovery.answer(Answer::Lost, jitter, now_ms)?;
        }
        Ok(recovery)
    }

    /// The order the hold belongs to.
    pub fn mer_order_id(&self) -> &str {
        &self.mer_order_id
    }

    /// The preauth-cancel input, compact JSON.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Where it stands.
    pub fn stage(&self) -> &Stage {
        &self.stage
    }

    /// When it started, epoch ms.
    pub fn started_at_ms(&self) -> i64 {
        self.started_at_ms
    }

    /// Requests handed to the network so far (the one in flight included).
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// Cancels among them.
    pub fn cancels(&self) -> u32 {
        self.cancels
    }

    /// The schedule it runs on.
    pub fn schedule(&self) -> Schedule {
        self.schedule
    }

    /// What the host does next.
    pub fn next(&self) -> Next<'_> {
        match &self.stage {
            Stage::Due { step: Step::Query, at_ms } => Next::Send { step: Step::Query, path: BILLS_QUERY.path, input: &self.query, at: *at_ms },
            Stage::Due { step: Step::Cancel, at_ms } => Next::Send { step: Step::Cancel, path: PREAUTH_CANCEL.path, input: &self.input, at: *at_ms },
            Stage::InFlight { step, since_ms } => Next::InFlight { step: *step, since: *since_ms },
            Stage::Done { outcome, at_ms, refusal } => Next::Done { outcome: *outcome, at: *at_ms, error: refusal.as_ref() },
        }
    }

    /// Marks the due step as sent at `now_ms`. The host persists the state this leaves
    /// *before* the request leaves, so that a crash in between is read back as a lost answer.
    pub fn send(&mut self, now_ms: i64) -> Result<Step> {
        let now = instant(now_ms, "now")?;
        let step = match &self.stage {
            Stage::Due { step, .. } => *step,
            Stage::InFlight { step, .. } => {
                let step = step.as_str();
                return Err(invalid_state("state", format!("a {step} is already in flight: record its answer (or resume the stored state, which counts it as lost) before sending again")));
            }
            Stage::Done { outcome, .. } => {
                return Err(invalid_state("state", format!("the recovery is over (outcome {}): nothing is left to send", outcome.as_str())));
            }
        };
        self.requests = self.requests.saturating_add(1);
        if step == Step::Cancel {
            self.cancels = self.cancels.saturating_add(1);
        }
        self.stage = Stage::InFlight { step, since_ms: now };
        Ok(step)
    }

    /// Records the answer to the request in flight, at `now_ms`; `jitter` in `[0, 1)` spreads the
    /// wait a failure leads to. Returns the parsed answer, if it was a bills answer.
    pub fn answer(&mut self, answer: Answer, jitter: f64, now_ms: i64) -> Result<Option<BillsResponse>> {
        let now = instant(now_ms, "now")?;
        let Stage::InFlight { step, .. } = self.stage else {
            return Err(invalid_state("state", "no request is in flight: call send() before recording an answer"));
        };
        // The rules' own failure count is the in-call backoff's; the durable one backs off by
        // `waits`, which never resets, so it is not kept.
        let rules = RecoveryState { sent: 0, failures: 0, cancel_refused: self.cancel_refused };
        let (rules, verdict, bill) = match rule(rules, step, answer) {
            Ok(ruled) => ruled,
            Err(refusal) if refusal.code() == ErrorCode::Platform => {
                self.stage = Stage::Done { outcome: Outcome::Unknown, at_ms: now, refusal: Some(Refusal::of(&refusal)) };
                return Ok(None);
            }
            Err(other) => return Err(other),
        };
        self.cancel_refused = rules.cancel_refused;
        self.stage = self.after(verdict, jitter, now);
        Ok(bill)
    }

    /// The stage a verdict leads to at `now`.
    fn after(&mut self, verdict: Verdict, jitter: f64, now: i64) -> Stage {
        let unknown = Stage::Done { outcome: Outcome::Unknown, at_ms: now, refusal: None };
        match verdict {
            Verdict::Done(outcome) => Stage::Done { outcome, at_ms: now, refusal: None },
            Verdict::Send { .. } if self.requests >= MAX_REQUESTS => unknown,
            // A follow-up without a failure (the cancel after a query that showed the hold
            // frozen, the query after a refused cancel) goes at once, even past the deadline:
            // it only acts on what was just learned, and such chains are at most three long.
            Verdict::Send { step, retry: false } => Stage::Due { step, at_ms: now },
            Verdict::Send { step, retry: true } => {
                let delay = backoff(self.schedule.base_delay_ms, self.schedule.max_delay_ms, self.waits.saturating_add(1), jitter);
                let at = i64::try_from(delay).map_or(MAX_EPOCH_MS, |delay| now.saturating_add(delay)).min(MAX_EPOCH_MS);
                let deadline = i64::try_from(self.schedule.deadline_ms).map_or(MAX_EPOCH_MS, |d| self.started_at_ms.saturating_add(d));
                if at > deadline {
                    return unknown;
                }
                self.waits = self.waits.saturating_add(1);
                Stage::Due { step, at_ms: at }
            }
        }
    }
}

