//! Recovering an unknown preauth outcome: the rules of [`crate::recovery`] with their state, for
//! hosts that run the loop (they own the network, the timers and the storage).
//!
//! One class, two ways to drive it:
//! * **in one call** (`new Recovery(retry)`, `start()`, `answer()`): the client's
//!   `cancelPreauth`, whose results are plain objects;
//! * **durably** (`Recovery.begin(input, schedule, now)` or `Recovery.resume(state, now,
//!   jitter)`, then `next()`, `send(now)`, `record(…)`, `state()`): the state crosses as JSON
//!   text to persist between steps, and so do the decisions, which carry platform data (the bill)
//!   that must reach JavaScript through `JSON.parse`, never through a setter such as
//!   `__proto__`.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::js::{self, Options};
use super::numbers::whole;
use super::{data, run, JsResult};
use crate::bills::BillsResponse;
use crate::error::{Error, ErrorCode, Result};
use crate::recovery::durable::{DurableRecovery, Next, Schedule, MAX_DEADLINE_MS, MAX_SCHEDULE_DELAY_MS};
use crate::recovery::{decide, start, Answer, Decision, RecoveryState, RetryPolicy, Step, MAX_ATTEMPTS, MAX_DELAY_MS};

enum Mode {
    InCall { policy: RetryPolicy, state: RecoveryState, step: Option<Step> },
    Durable(Box<DurableRecovery>),
}

/// The recovery rules with their state; see the module documentation.
#[wasm_bindgen]
pub struct Recovery {
    mode: Mode,
}

fn wrong_mode(durable: bool) -> Error {
    let message = if durable {
        "this is a durable recovery (Recovery.begin or Recovery.resume): step it with next(), send() and record()"
    } else {
        "this is an in-call recovery (new Recovery(retry)): step it with start() and answer(); a durable one comes from Recovery.begin or Recovery.resume"
    };
    Error::new(ErrorCode::InvalidState, "recovery", message)
}

/// `now` as the host gave it (epoch ms), or the clock's.
fn now_ms(now: &JsValue) -> Result<i64> {
    js::instant(js::optional_number(now, "now")?, None)
}

/// `retry`: `{ attempts?, baseDelayMs?, maxDelayMs? }`, whole numbers, absent ones the defaults.
fn retry_policy(o: &Options) -> Result<RetryPolicy> {
    let defaults = RetryPolicy::default();
    let number = |name, default, max| whole(o.number(name)?, default, max, &format!("retry.{name}"));
    let attempts = number("attempts", u64::from(defaults.attempts), u64::from(MAX_ATTEMPTS))?;
    RetryPolicy {
        attempts: u32::try_from(attempts).unwrap_or(MAX_ATTEMPTS),
        base_delay_ms: number("baseDelayMs", defaults.base_delay_ms, MAX_DELAY_MS)?,
        max_delay_ms: number("maxDelayMs", defaults.max_delay_ms, MAX_DELAY_MS)?,
    }
    .checked()
}

/// `schedule`: `{ baseDelayMs?, maxDelayMs?, deadlineMs? }`, whole numbers, absent ones the defaults.
fn schedule(o: &Options) -> Result<Schedule> {
    let defaults = Schedule::default();
    let ms = |name, default, max| whole(o.number(name)?, default, max, &format!("schedule.{name}"));
    Schedule {
        base_delay_ms: ms("baseDelayMs", defaults.base_delay_ms, MAX_SCHEDULE_DELAY_MS)?,
        max_delay_ms: ms("maxDelayMs", defaults.max_delay_ms, MAX_SCHEDULE_DELAY_MS)?,
        deadline_ms: ms("deadlineMs", defaults.deadline_ms, MAX_DEADLINE_MS)?,
    }
    .checked()
}

/// The host's jitter: a number, else Math.random() (the durable steps' only randomness).
fn jitter(value: &JsValue) -> Result<f64> {
    Ok(js::optional_number(value, "jitter")?.unwrap_or_else(js_sys::Math::random))
}

fn answer_of(status: Option<u16>, body: Option<String>) -> Answer {
    match status {
        Some(status) => Answer::from_text(status, body.as_deref().unwrap_or_default()),
        None => Answer::Lost,
    }
}

fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::whole(ErrorCode::Internal, format!("the decision could not be written: {e}")))
}

#[wasm_bindgen]
impl Recovery {
    /// An in-call recovery. `retry`: `{ attempts?, baseDelayMs?, maxDelayMs? }` (defaults 6,
    /// 200, 5000).
    #[wasm_bindgen(constructor)]
    pub fn new(retry: Option<String>) -> JsResult<Recovery> {
        run(|| {
            let policy = retry_policy(&Options::new(retry, "retry", false)?)?;
            Ok(Recovery { mode: Mode::InCall { policy, state: RecoveryState::default(), step: None } })
        })
    }

    /// The first decision of an in-call recovery: `{ action: 'send', step: 'query', delayMs: 0 }`
    /// (JSON text).
    pub fn start(&mut self) -> JsResult<String> {
        let Mode::InCall { step, .. } = &mut self.mode else { return Err(js::thrown(wrong_mode(true))) };
        *step = Some(Step::Query);
        data(|| Ok(start()))
    }

    /// The decision after the answer to the step last decided: `status` and `body` of a
    /// response, or neither when none arrived. `{ action: 'send', step, delayMs }` or
    /// `{ action: 'done', outcome, bill }` (JSON text: the bill is what the platform sent);
    /// throws the platform's refusal of a request that is wrong in itself.
    pub fn answer(&mut self, status: Option<u16>, body: Option<String>, jitter: f64) -> JsResult<String> {
        run(|| {
            let Mode::InCall { policy, state, step } = &mut self.mode else { return Err(wrong_mode(true)) };
            let asked = step.take().ok_or_else(|| Error::new(ErrorCode::InvalidState, "recovery", "the recovery has no step waiting for an answer: call start(), and stop once it is done"))?;
            let (next_state, decision) = decide(*state, policy, asked, answer_of(status, body), jitter)?;
            *state = next_state;
            if let Decision::Send { step: next, .. } = &decision {
                *step = Some(*next);
            }
            json(&decision)
        })
    }

    /// A durable recovery of the hold `input_json` (a preauth-cancel input, JSON text) names,
    /// started at `now` (epoch ms; default the clock). `schedule`: `{ baseDelayMs?, maxDelayMs?,
    /// deadlineMs? }` (defaults 5 s, 10 min, 3 days).
    pub fn begin(input_json: &str, schedule: Option<String>, now: JsValue) -> JsResult<Recovery> {
        run(|| {
            let schedule = self::schedule(&Options::new(schedule, "schedule", false)?)?;
            let recovery = DurableRecovery::begin(input_json, schedule, now_ms(&now)?)?;
            Ok(Recovery { mode: Mode::Durable(Box::new(recovery)) })
        })
    }

    /// A durable recovery from its stored state, checked (`ERR_INVALID_STATE` for a foreign,
    /// corrupted or newer one); a request it shows in flight is recorded as lost at `now`, with
    /// `jitter` (default Math.random()) for the wait that follows.
    pub fn resume(state_json: &str, now: JsValue, jitter: JsValue) -> JsResult<Recovery> {
        run(|| {
            let recovery = DurableRecovery::resume(state_json, now_ms(&now)?, self::jitter(&jitter)?)?;
            Ok(Recovery { mode: Mode::Durable(Box::new(recovery)) })
        })
    }

    /// The state to store, JSON text.
    pub fn state(&self) -> JsResult<String> {
        run(|| self.durable()?.to_json())
    }

    /// What to do next, JSON text: `{ action: 'send', step, path, input, at }` (input JSON
    /// text), `{ action: 'in-flight', step, since }` or `{ action: 'done', outcome, at, error }`.
    pub fn next(&self) -> JsResult<String> {
        run(|| json(&self.durable()?.next()))
    }

    /// Marks the due step as sent at `now`; returns the state to store *before* sending.
    pub fn send(&mut self, now: JsValue) -> JsResult<String> {
        run(|| {
            let recovery = self.durable_mut()?;
            recovery.send(now_ms(&now)?)?;
            recovery.to_json()
        })
    }

    /// Records the answer to the request in flight (`status` and `body`, or neither when none
    /// arrived) at `now`: `{ next, bill }` as JSON text, `next` as [`Recovery::next`] gives it and
    /// `bill` the parsed answer (or null).
    pub fn record(&mut self, status: Option<u16>, body: Option<String>, jitter: f64, now: JsValue) -> JsResult<String> {
        #[derive(Serialize)]
        struct Recorded<'a> {
            next: Next<'a>,
            bill: Option<BillsResponse>,
        }
        run(|| {
            let recovery = self.durable_mut()?;
            let bill = recovery.answer(answer_of(status, body), jitter, now_ms(&now)?)?;
            json(&Recorded { next: recovery.next(), bill })
        })
    }
}

impl Recovery {
    fn durable(&self) -> Result<&DurableRecovery> {
        match &self.mode {
            Mode::Durable(recovery) => Ok(recovery),
            Mode::InCall { .. } => Err(wrong_mode(false)),
        }
    }

    fn durable_mut(&mut self) -> Result<&mut DurableRecovery> {
        match &mut self.mode {
            Mode::Durable(recovery) => Ok(recovery),
            Mode::InCall { .. } => Err(wrong_mode(false)),
        }
    }
}

/// The bills/query input for the hold a preauth-cancel input names.
#[wasm_bindgen]
pub fn recovery_query_input(cancel_input_json: &str) -> JsResult<String> {
    run(|| crate::recovery::query_input(cancel_input_json))
}
