//! The stored form of a [`DurableRecovery`]: one JSON object, versioned and checksummed.
//!
//! ```json
//! {"v":1,"kind":"chinaums-open/preauth-recovery","input":"{…}","schedule":{"baseDelayMs":5000,
//!  "maxDelayMs":600000,"deadlineMs":259200000},"startedAt":1735758245000,"requests":2,
//!  "cancels":1,"waits":0,"cancelRefused":false,"stage":"in-flight","step":"cancel",
//!  "at":1735758245120,"outcome":null,"error":null,"sum":"5f1c0e2a9b7d3c44"}
//! ```
//!
//! Reading it back checks everything a decision depends on, so that a state that is not one
//! this library wrote is an `ERR_INVALID_STATE`, never a wrong decision: the `kind` (a foreign
//! document), the version (`v` above 1 was written by a newer release: upgrade), every member
//! (unknown ones, repeated ones, wrong types, numbers out of range), the coherence of the stage,
//! the input (as the builder checks it), and `sum`, the first 64 bits of the SHA-256 of the rest
//! as written, which catches a value changed in place (a flipped digit of `cancels`, a stage
//! edited by hand) that would otherwise read as a valid state.

use serde::Serialize;

use super::durable::{cancel_input, instant, invalid_state, DurableRecovery, Refusal, Schedule, Stage, MAX_REQUESTS};
use super::{query_input, Outcome, Step};
use crate::error::{Error, Result};
use crate::json::Json;

/// The version this release writes and reads.
pub const VERSION: u64 = 1;
/// What the document is, so that another JSON value stored in the same place is told apart.
pub const KIND: &str = "chinaums-open/preauth-recovery";
/// Largest input a recovery keeps (compact JSON); a real one is a few hundred bytes.
pub(super) const MAX_KEPT_INPUT_BYTES: usize = 16 * 1024;
/// Longest refusal text kept (longer ones are cut when the refusal is recorded).
pub(super) const MAX_TEXT: usize = 2_000;
/// Largest state read: above any this library writes (an input and a refusal at their limits,
/// escaped, and the rest).
const MAX_STATE_BYTES: usize = 64 * 1024;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StoredSchedule {
    base_delay_ms: u64,
    max_delay_ms: u64,
    deadline_ms: u64,
}

/// The members in the order written; `sum` follows them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Stored<'a> {
    v: u64,
    kind: &'static str,
    input: &'a str,
    schedule: StoredSchedule,
    started_at: i64,
    requests: u32,
    cancels: u32,
    waits: u32,
    cancel_refused: bool,
    stage: &'static str,
    step: Option<Step>,
    at: i64,
    outcome: Option<Outcome>,
    error: Option<&'a Refusal>,
}

const MEMBERS: [&str; 15] = ["v", "kind", "input", "schedule", "startedAt", "requests", "cancels", "waits", "cancelRefused", "stage", "step", "at", "outcome", "error", "sum"];

fn stored(r: &DurableRecovery) -> Stored<'_> {
    let (stage, step, at, outcome, error) = match &r.stage {
        Stage::Due { step, at_ms } => ("due", Some(*step), *at_ms, None, None),
        Stage::InFlight { step, since_ms } => ("in-flight", Some(*step), *since_ms, None, None),
        Stage::Done { outcome, at_ms, refusal } => ("done", None, *at_ms, Some(*outcome), refusal.as_ref()),
    };
    let s = r.schedule;
    Stored {
        v: VERSION,
        kind: KIND,
        input: &r.input,
        schedule: StoredSchedule { base_delay_ms: s.base_delay_ms, max_delay_ms: s.max_delay_ms, deadline_ms: s.deadline_ms },
        started_at: r.started_at_ms,
        requests: r.requests,
        cancels: r.cancels,
        waits: r.waits,
        cancel_refused: r.cancel_refused,
        stage,
        step,
        at,
        outcome,
        error,
    }
}

/// The members' text and its checksum.
fn written(r: &DurableRecovery) -> Result<(String, String)> {
    let text = serde_json::to_string(&stored(r)).map_err(|e| Error::whole(crate::ErrorCode::Internal, format!("the recovery state could not be written: {e}")))?;
    let digest = crate::open_body_sig::body_digest(text.as_bytes());
    Ok((text, digest.get(..16).unwrap_or(&digest).to_owned()))
}

impl DurableRecovery {
    /// The state as JSON text, to store.
    pub fn to_json(&self) -> Result<String> {
        let (mut text, sum) = written(self)?;
        // The object's closing brace, then the checksum of everything before it.
        text.pop();
        text.push_str(&format!(",\"sum\":\"{sum}\"}}"));
        Ok(text)
    }

    /// A stored state, checked (see the module documentation); a request in flight stays in
    /// flight ([`DurableRecovery::resume`] counts it as lost).
    pub fn from_json(text: &str) -> Result<Self> {
        if text.len() > MAX_STATE_BYTES {
            return Err(invalid_state("state", format!("the recovery state is {} bytes, more than any this library writes ({MAX_STATE_BYTES}){UNUSABLE}", text.len())));
        }
        let Ok(Json::Object(members)) = crate::json::parse(text) else {
            return Err(invalid_state("state", format!("the recovery state is not a JSON object (with unique member names){UNUSABLE}")));
        };
        let doc = Members(members);
        if doc.get("kind").and_then(Json::as_str) != Some(KIND) {
            return Err(invalid_state("state.kind", format!("this is not a chinaums-open preauth recovery state (its kind is not {KIND:?}){UNUSABLE}")));
        }
        match doc.get("v").and_then(whole) {
            Some(VERSION) => {}
            Some(v) if v > VERSION => {
                return Err(invalid_state("state.v", format!("the recovery state is version {v}, written by a newer release of chinaums-open (this one reads version {VERSION}): upgrade the package on every host that reads it")));
            }
            _ => return Err(invalid_state("state.v", format!("the recovery state has no version this release reads (version {VERSION}){UNUSABLE}"))),
        }
        if let Some((name, _)) = doc.0.iter().find(|(name, _)| !MEMBERS.contains(&name.as_str())) {
            return Err(invalid_state("state", format!("the recovery state has a member this release never writes ({}){UNUSABLE}", crate::error::quoted(name))));
        }
        let recovery = doc.read()?;
        let (_, sum) = written(&recovery)?;
        if doc.text("sum")? != sum {
            return Err(invalid_state("state.sum", format!("the recovery state was changed after it was written (its checksum does not match){UNUSABLE}")));
        }
        Ok(recovery)
    }
}

/// What every message about an unusable state ends with: what to do about it.
const UNUSABLE: &str = ": nothing is decided from it. Restore the state as it was written, or, if the hold's outcome is still unknown, start a new recovery from the order's preauth-cancel input (it queries first, so it never cancels blindly)";

fn whole(value: &Json) -> Option<u64> {
    match value {
        Json::Number(n) => n.as_u64(),
        _ => None,
    }
}

struct Members(Vec<(String, Json)>);

impl Members {
    fn get(&self, name: &str) -> Option<&Json> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    fn member(&self, name: &str) -> Result<&Json> {
        self.get(name).ok_or_else(|| invalid_state(&format!("state.{name}"), format!("the recovery state has no {name}{UNUSABLE}")))
    }

    fn wrong(name: &str, what: &str) -> Error {
        invalid_state(&format!("state.{name}"), format!("the recovery state's {name} is not {what}{UNUSABLE}"))
    }

    fn text(&self, name: &str) -> Result<&str> {
        self.text_within(name, MAX_TEXT)
    }

    fn text_within(&self, name: &str, max: usize) -> Result<&str> {
        self.member(name)?.as_str().filter(|s| s.len() <= max).ok_or_else(|| Self::wrong(name, &format!("a string of at most {max} bytes")))
    }

    fn count(&self, name: &str) -> Result<u32> {
        whole(self.member(name)?).and_then(|n| u32::try_from(n).ok()).filter(|n| *n <= MAX_REQUESTS).ok_or_else(|| Self::wrong(name, "a whole number within the request limit"))
    }

    fn flag(&self, name: &str) -> Result<bool> {
        match self.member(name)? {
            Json::Bool(b) => Ok(*b),
            _ => Err(Self::wrong(name, "true or false")),
        }
    }

    fn instant(&self, name: &str) -> Result<i64> {
        match self.member(name)? {
            Json::Number(n) => n.as_i64().and_then(|ms| instant(ms, name).ok()).ok_or_else(|| Self::wrong(name, "epoch milliseconds")),
            _ => Err(Self::wrong(name, "epoch milliseconds")),
        }
    }

    /// `null`, or what `read` makes of the value.
    fn optional<T>(&self, name: &str, read: impl FnOnce(&Json) -> Option<T>, what: &str) -> Result<Option<T>> {
        match self.member(name)? {
            Json::Null => Ok(None),
            value => read(value).map(Some).ok_or_else(|| Self::wrong(name, what)),
        }
    }

    fn schedule(&self) -> Result<Schedule> {
        let Json::Object(members) = self.member("schedule")? else { return Err(Self::wrong("schedule", "an object")) };
        let inner = Members(members.clone());
        if inner.0.len() != 3 {
            return Err(Self::wrong("schedule", "{ baseDelayMs, maxDelayMs, deadlineMs }"));
        }
        let ms = |name: &str| inner.get(name).and_then(whole).ok_or_else(|| Self::wrong(&format!("schedule.{name}"), "a whole number of milliseconds"));
        Schedule { base_delay_ms: ms("baseDelayMs")?, max_delay_ms: ms("maxDelayMs")?, deadline_ms: ms("deadlineMs")? }
            .checked()
            .map_err(|e| invalid_state(e.field().unwrap_or("state.schedule"), format!("{}{UNUSABLE}", e.message())))
    }

    fn refusal(value: &Json) -> Option<Refusal> {
        let Json::Object(members) = value else { return None };
        let inner = Members(members.clone());
        let text = |name: &str| inner.get(name).and_then(Json::as_str).filter(|s| s.len() <= MAX_TEXT).map(str::to_owned);
        let platform_code = match inner.get("platformCode")? {
            Json::Null => None,
            other => Some(other.as_str().filter(|s| s.len() <= MAX_TEXT)?.to_owned()),
        };
        (inner.0.len() == 3).then_some(())?;
        Some(Refusal { code: text("code")?, platform_code, message: text("message")? })
    }

    fn read(&self) -> Result<DurableRecovery> {
        let (input, mer_order_id) = cancel_input(self.text_within("input", MAX_KEPT_INPUT_BYTES)?).map_err(|e| invalid_state("state.input", format!("the recovery state's input is not a preauth-cancel input the builder accepts ({}){UNUSABLE}", e.message())))?;
        let query = query_input(&input)?;
        let step = self.optional("step", |v| Step::named(v.as_str()?), "query, cancel or null")?;
        let outcome = self.optional("outcome", |v| Outcome::named(v.as_str()?), "an outcome or null")?;
        let refusal = self.optional("error", Self::refusal, "{ code, platformCode, message } or null")?;
        let at = self.instant("at")?;
        let stage = match (self.text("stage")?, step, outcome, refusal) {
            ("due", Some(step), None, None) => Stage::Due { step, at_ms: at },
            ("in-flight", Some(step), None, None) => Stage::InFlight { step, since_ms: at },
            ("done", None, Some(outcome), refusal) if refusal.is_none() || outcome == Outcome::Unknown => Stage::Done { outcome, at_ms: at, refusal },
            _ => return Err(invalid_state("state.stage", format!("the recovery state's stage, step, outcome and error do not go together{UNUSABLE}"))),
        };
        let recovery = DurableRecovery {
            input,
            query,
            mer_order_id,
            schedule: self.schedule()?,
            started_at_ms: self.instant("startedAt")?,
            requests: self.count("requests")?,
            cancels: self.count("cancels")?,
            waits: self.count("waits")?,
            cancel_refused: self.flag("cancelRefused")?,
            stage,
        };
        // Counts that no sequence of steps produces.
        let in_flight_cancel = matches!(recovery.stage, Stage::InFlight { step: Step::Cancel, .. });
        if recovery.cancels > recovery.requests || recovery.waits > recovery.requests || (in_flight_cancel && recovery.cancels == 0) || (matches!(recovery.stage, Stage::InFlight { .. }) && recovery.requests == 0) {
            return Err(invalid_state("state.requests", format!("the recovery state's counts of requests, cancels and waits do not go together{UNUSABLE}")));
        }
        Ok(recovery)
    }
}
