//! The outbox as a pure state machine: signed → queued → sent → receipted | rejected, with retry backoff.
//! The submission id (hash of the signing input) makes every retry the same submission, so resending after a
//! crash or a lost answer never creates a second one. Storage and HTTP are elsewhere; this is tested natively.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::i18n::Text;

/// A form being filled; saved on every edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub id: String,
    pub template_id: String,
    #[serde(default)]
    pub values: BTreeMap<String, Value>,
    pub updated_at: String,
    /// Filled from a record by the repair wizard: sent as a repair application.
    #[serde(default)]
    pub repair: bool,
    /// Why this form came back to be corrected (the department's reason for returning it, or the server's for
    /// refusing it), shown above the form until it is signed again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Signed and kept; not sent automatically (static site: export the file instead).
    Signed,
    /// Waiting to be sent (offline, or retrying).
    Queued,
    /// A send is in flight (if the tab dies now, it is sent again: same id, same receipt).
    Sent,
    Receipted,
    Rejected,
}

impl OutboxState {
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Self::Signed => ("已签名，待发送或导出", "signed, to send or export"),
            Self::Queued => ("排队中，联网后自动发送", "queued, sent when online"),
            Self::Sent => ("正在发送", "sending"),
            Self::Receipted => ("已送达，已收到回执", "delivered, receipt received"),
            Self::Rejected => ("被拒绝", "rejected"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub submission_id: String,
    /// The signed commitment (JWS JSON text).
    pub jws: String,
    #[serde(default)]
    pub repair: bool,
    pub state: OutboxState,
    pub title: String,
    pub credit_code: String,
    pub created_at: String,
    #[serde(default)]
    pub attempts: u32,
    /// Epoch milliseconds before which no retry is made.
    #[serde(default)]
    pub next_attempt_ms: f64,
    /// When the current send started (an old `Sent` means the sending tab went away).
    #[serde(default)]
    pub sent_at_ms: f64,
    /// The last transient problem (offline, timeout, server error).
    #[serde(default)]
    pub last_error: Option<Text>,
    /// The server's reason for refusing it.
    #[serde(default)]
    pub rejection: Option<Text>,
    /// The server's receipt (its public-log entry with the proof; a JWS from servers before), once verified.
    #[serde(default)]
    pub receipt: Option<Value>,
    #[serde(default)]
    pub sequence: Option<u64>,
    #[serde(default)]
    pub received_at: Option<String>,
    #[serde(default)]
    pub key_status_label: Option<(String, String)>,
    /// Its entry in the server's public log, with the proof (kept to show and to check again).
    #[serde(default)]
    pub log: Option<xinnuo_core::public_log::LoggedEntry>,
    /// Its place in the public log (第 N 条, counted from 1), once the proof verified.
    #[serde(default)]
    pub log_position: Option<u64>,
    /// The form as it was signed, to correct and sign again after a rejection.
    #[serde(default)]
    pub draft: Option<Draft>,
    /// When the receipt arrived (epoch milliseconds): the personal values are forgotten a while after.
    #[serde(default)]
    pub receipted_at_ms: f64,
    /// The personal values (the form, the disclosures) were removed from this device after delivery.
    #[serde(default)]
    pub personal_data_forgotten: bool,
}

/// How long a delivered item keeps its personal values on the device, unless the page says otherwise
/// (`<meta name="xinnuo-retention-days" content="…">`, e.g. 1 on a shared service-hall computer).
pub const DEFAULT_RETENTION_DAYS: f64 = 30.0;

/// The signed file without its disclosures: what anyone may keep (the signature still verifies).
fn without_disclosures(signed_file: &str) -> String {
    match serde_json::from_str::<Value>(signed_file) {
        Ok(Value::Object(mut members)) => {
            members.remove("header");
            Value::Object(members).to_string()
        }
        _ => signed_file.to_owned(),
    }
}

/// How a send ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// 200/201 with a receipt that verified.
    Receipt {
        receipt: Value,
        sequence: u64,
        received_at: String,
        key_status: (String, String),
        /// The public log's entry and proof, with the entry's place (第 N 条), when the proof verified.
        log: Option<(xinnuo_core::public_log::LoggedEntry, u64)>,
    },
    /// A 4xx refusal: not retried.
    Rejected(Text),
    /// Offline, timeout, 5xx, or a receipt that did not verify: retried later.
    Transient(Text),
}

/// A send older than this is taken as abandoned (its tab closed) and may be made again.
pub const STALE_SEND_MS: f64 = 30_000.0;

/// Whether a flush waits out the retry delay of queued items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// The periodic flush: each queued item when its delay is over.
    WhenDue,
    /// The browser came back online, or the person pressed 立即发送: every queued item now.
    Now,
}

/// Delay before retry `attempts` (1, 2, …): 2 s doubling, at most 5 minutes.
pub fn backoff_ms(attempts: u32) -> f64 {
    (2_000.0 * 2f64.powi(attempts.saturating_sub(1).min(10) as i32)).min(300_000.0)
}

impl OutboxItem {
    /// A freshly signed submission: `Queued` to be sent, or `Signed` to keep (static site).
    pub fn new(
        submission_id: String,
        jws: String,
        repair: bool,
        queue: bool,
        title: String,
        credit_code: String,
        created_at: String,
    ) -> Self {
        Self {
            submission_id,
            jws,
            repair,
            state: if queue { OutboxState::Queued } else { OutboxState::Signed },
            title,
            credit_code,
            created_at,
            attempts: 0,
            next_attempt_ms: 0.0,
            sent_at_ms: 0.0,
            last_error: None,
            rejection: None,
            receipt: None,
            sequence: None,
            received_at: None,
            key_status_label: None,
            log: None,
            log_position: None,
            receipted_at_ms: 0.0,
            personal_data_forgotten: false,
            draft: None,
        }
    }

    /// Keeps the draft the item was signed from (to edit and sign again if it is refused).
    pub fn with_draft(self, draft: Draft) -> Self {
        Self { draft: Some(draft), ..self }
    }

    /// Whether a flush at `now` should send it.
    pub fn is_due(&self, now: f64) -> bool {
        match self.state {
            OutboxState::Queued => self.next_attempt_ms <= now,
            OutboxState::Sent => now - self.sent_at_ms > STALE_SEND_MS,
            _ => false,
        }
    }

    /// Whether a flush at `now` sends it: when due, or at once if queued and the flush says so.
    pub fn should_send(&self, now: f64, retry: Retry) -> bool {
        self.is_due(now) || (retry == Retry::Now && self.state == OutboxState::Queued)
    }

    pub fn start_send(&mut self, now: f64) {
        self.state = OutboxState::Sent;
        self.sent_at_ms = now;
        self.attempts += 1;
    }

    pub fn finish(&mut self, answer: Answer, now: f64) {
        match answer {
            Answer::Receipt { receipt, sequence, received_at, key_status, log } => {
                self.state = OutboxState::Receipted;
                self.log_position = log.as_ref().map(|(_, position)| *position);
                self.log = log.map(|(entry, _)| entry);
                self.receipt = Some(receipt);
                self.sequence = Some(sequence);
                self.received_at = Some(received_at);
                self.key_status_label = Some(key_status);
                self.last_error = None;
                self.receipted_at_ms = now;
            }
            Answer::Rejected(reason) => {
                self.state = OutboxState::Rejected;
                self.rejection = Some(reason);
            }
            Answer::Transient(message) => {
                self.state = OutboxState::Queued;
                self.last_error = Some(message);
                self.next_attempt_ms = now + backoff_ms(self.attempts);
            }
        }
    }
}

impl OutboxItem {
    /// After `retention_days` from delivery, drops the form and the disclosures (ID numbers, phones, address):
    /// the receipt and the published part of the signature stay. Returns whether anything was dropped.
    pub fn forget_personal_data(&mut self, now: f64, retention_days: f64) -> bool {
        let due = self.state == OutboxState::Receipted
            && !self.personal_data_forgotten
            && now - self.receipted_at_ms >= retention_days * 86_400_000.0;
        if due {
            self.draft = None;
            self.jws = without_disclosures(&self.jws);
            self.personal_data_forgotten = true;
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivered_items_forget_their_personal_data_after_the_retention_period() {
        let file = r#"{"header":{"disclosures":["WyJz"]},"protected":"p","payload":"q","signature":"s"}"#;
        let mut item = OutboxItem::new("ab".into(), file.into(), false, true, "t".into(), "c".into(), "now".into());
        item.draft = Some(Draft {
            id: "d".into(),
            template_id: "tax-service".into(),
            values: BTreeMap::from([("legal_rep_id".into(), "11010519491231002X".into())]),
            updated_at: "now".into(),
            repair: false,
            correction: None,
        });
        assert!(!item.forget_personal_data(1e15, 30.0), "not delivered yet: kept to send");
        item.start_send(0.0);
        let receipt = Answer::Receipt {
            receipt: Value::Null,
            sequence: 1,
            received_at: "t".into(),
            key_status: ("a".into(), "b".into()),
            log: None,
        };
        item.finish(receipt, 1_000.0);
        let day = 86_400_000.0;
        assert!(!item.forget_personal_data(1_000.0 + 29.0 * day, 30.0));
        assert!(item.forget_personal_data(1_000.0 + 30.0 * day, 30.0));
        assert_eq!(item.draft, None);
        let kept: Value = serde_json::from_str(&item.jws).unwrap();
        assert_eq!(kept, serde_json::json!({ "protected": "p", "payload": "q", "signature": "s" }));
        assert!(item.receipt.is_some(), "the receipt stays");
        assert!(!item.forget_personal_data(1e15, 30.0), "once");
    }

    fn item() -> OutboxItem {
        OutboxItem::new("ab".into(), "{}".into(), false, true, "t".into(), "c".into(), "now".into())
    }

    #[test]
    fn transient_failures_back_off_and_retry() {
        let mut item = item();
        assert!(item.is_due(0.0));
        item.start_send(1_000.0);
        assert!(!item.is_due(2_000.0), "in flight");
        item.finish(Answer::Transient(Text::new("离线", "offline")), 2_000.0);
        assert_eq!(item.state, OutboxState::Queued);
        assert!(!item.is_due(3_000.0) && item.is_due(4_000.0));
        item.start_send(4_000.0);
        item.finish(Answer::Transient(Text::new("500", "500")), 4_000.0);
        assert_eq!(item.next_attempt_ms, 8_000.0);
        assert_eq!(backoff_ms(20), 300_000.0);
        // Coming online or 立即发送 does not wait out the delay; an item in flight is still left alone.
        assert!(!item.should_send(5_000.0, Retry::WhenDue) && item.should_send(5_000.0, Retry::Now));
        item.start_send(5_000.0);
        assert!(!item.should_send(6_000.0, Retry::Now));
    }

    #[test]
    fn an_abandoned_send_is_made_again_and_answers_are_final() {
        let mut item = item();
        item.start_send(0.0);
        assert!(!item.is_due(STALE_SEND_MS) && item.is_due(STALE_SEND_MS + 1.0));
        item.finish(Answer::Rejected(Text::new("不符", "bad")), 1.0);
        assert!(!item.is_due(1e12));
        let mut done = self::tests::item();
        done.start_send(0.0);
        done.finish(
            Answer::Receipt {
                receipt: Value::Null,
                sequence: 3,
                received_at: "t".into(),
                key_status: ("a".into(), "b".into()),
                log: None,
            },
            1.0,
        );
        assert_eq!((done.state, done.sequence), (OutboxState::Receipted, Some(3)));
        assert!(!done.is_due(1e12));
    }
}
