//! The public log's entries: every event that changes the public record, as one canonical JSON line appended
//! to the transparency log (`tlog`). An entry holds only what the public API already publishes, or a digest:
//! ids are SHA-256 digests of signed documents, a record's body is named by the SHA-256 of its canonical JSON.
//! A receipt is an entry with its inclusion proof and the checkpoint that proves it (C2SP tlog-proof), so one
//! checkpoint signature answers for a whole batch, and anyone holding the log's key checks it offline.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::decision::Action;
use crate::envelope::canonicalize;
use crate::error::{display_in_chinese, in_lang, Described};
use crate::lang::Lang;
use crate::receipt::KeyStatus;
use crate::tlog::{checkpoint::Checkpoint, note::VerifierKey, proof::TlogProof, TlogError};

/// The `type` every entry carries.
pub const ENTRY_TYPE: &str = "xinnuo.log/1";

/// What happened to a credit record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordChange {
    /// Imported or found (a broken commitment) for the first time.
    Added,
    /// Imported again with another body.
    Changed,
    /// No longer in an import of its subject.
    Removed,
    /// Its publication ended (a granted repair).
    PublicationEnded,
    /// Hidden: an objection to it was upheld.
    Hidden,
}

/// One event of the public record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum LogEvent {
    /// A signed submission (a commitment or a repair application) stored, with what its receipt says. The
    /// submission id is the SHA-256 of what was signed, so the signer can tell it is theirs, and nobody else
    /// learns what it says.
    Received { submission_id: String, sequence: u64, received_at: String, key_status: KeyStatus },
    /// An objection to a record received.
    ObjectionReceived { objection_id: String, credit_code: String, record_id: String, received_at: String },
    /// An officer's signed decision (published in full at `/api/v1/decisions/{id}`; its id is the SHA-256 of
    /// what the officer signed).
    Decision {
        decision_id: String,
        target: String,
        action: Action,
        state: String,
        decided_at: String,
        received_at: String,
    },
    /// A credit record added, changed, removed, hidden or ended; its body (as published) by digest.
    Record {
        credit_code: String,
        record_id: String,
        change: RecordChange,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body_sha256: Option<String>,
    },
    /// A server key taking office (the log's own key is derived from it).
    ServerKey { kid: String, public_jwk: Value, created_at: String },
}

#[derive(Serialize)]
struct EntryOut<'a> {
    #[serde(rename = "type")]
    entry_type: &'static str,
    #[serde(flatten)]
    event: &'a LogEvent,
}

impl LogEvent {
    /// The entry's bytes: RFC 8785 canonical JSON with its `type`, so every writer makes the same bytes.
    pub fn entry(&self) -> Vec<u8> {
        // Only strings, numbers and objects of our own: canonical JSON cannot fail on them.
        canonicalize(&EntryOut { entry_type: ENTRY_TYPE, event: self }).unwrap_or_default()
    }

    /// Reads an entry back: its `type`, then exactly the members of one event.
    pub fn parse(entry: &[u8]) -> Result<Self, LogError> {
        let mut value: Value = serde_json::from_slice(entry).map_err(|_| LogError::NotAnEntry)?;
        let object = value.as_object_mut().ok_or(LogError::NotAnEntry)?;
        if object.remove("type").as_ref().and_then(Value::as_str) != Some(ENTRY_TYPE) {
            return Err(LogError::NotAnEntry);
        }
        serde_json::from_value(value).map_err(|_| LogError::NotAnEntry)
    }

    /// What the entry is about: the id a reader looks it up by (a submission, objection or decision id; a
    /// record as `{code}/{id}`; a server key's kid).
    pub fn reference(&self) -> String {
        match self {
            Self::Received { submission_id, .. } => submission_id.clone(),
            Self::ObjectionReceived { objection_id, .. } => objection_id.clone(),
            Self::Decision { decision_id, .. } => decision_id.clone(),
            Self::Record { credit_code, record_id, .. } => format!("{credit_code}/{record_id}"),
            Self::ServerKey { kid, .. } => kid.clone(),
        }
    }
}

/// The digest a record entry names: SHA-256 of the record's canonical JSON, hex.
pub fn body_sha256(body: &Value) -> String {
    hex(&Sha256::digest(canonicalize(body).unwrap_or_default()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An entry with its place in the log, as a receipt carries it: the entry's text and the C2SP tlog-proof
/// (index, inclusion proof, checkpoint signed by the log's key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoggedEntry {
    /// The entry (canonical JSON text).
    pub entry: String,
    /// `c2sp.org/tlog-proof@v1`: index, inclusion proof and the signed checkpoint.
    pub proof: String,
}

/// A logged entry that verified: the event, its index, and the checkpoint that includes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub event: LogEvent,
    pub index: u64,
    pub checkpoint: Checkpoint,
}

/// Verifies an entry's inclusion in a checkpoint signed by one of `log_keys` (the log's keys, pinned).
pub fn verify_logged(logged: &LoggedEntry, log_keys: &[VerifierKey]) -> Result<Placed, LogError> {
    let proof = TlogProof::parse(&logged.proof)?;
    let origin = proof.checkpoint.split('\n').next().unwrap_or_default();
    let signed = proof.verify(logged.entry.as_bytes(), origin, log_keys, &[])?;
    let event = LogEvent::parse(logged.entry.as_bytes())?;
    Ok(Placed { event, index: proof.index, checkpoint: signed.checkpoint })
}

/// Why a logged entry is not believed.
#[derive(Debug, Clone, PartialEq)]
pub enum LogError {
    /// The proof or checkpoint failed (the log's reason).
    Log(TlogError),
    /// The text is not an entry of this log.
    NotAnEntry,
}

impl From<TlogError> for LogError {
    fn from(error: TlogError) -> Self {
        Self::Log(error)
    }
}

impl Described for LogError {
    fn code(&self) -> &'static str {
        match self {
            Self::Log(inner) => inner.code(),
            Self::NotAnEntry => "log_not_an_entry",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Log(inner) => inner.message(lang),
            Self::NotAnEntry => in_lang(
                lang,
                format_args!("这不是信诺公开日志的条目。"),
                format_args!("This is not an entry of a Xinnuo public log."),
            ),
        }
    }
}

display_in_chinese!(LogError);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tlog::merkle::MemoryTree;
    use crate::tlog::note::NoteSigner;

    fn received(n: u64) -> LogEvent {
        LogEvent::Received {
            submission_id: format!("{n:064x}"),
            sequence: n,
            received_at: "2026-12-07T01:02:03.004Z".into(),
            key_status: KeyStatus::Verified,
        }
    }

    #[test]
    fn an_entry_is_canonical_json_with_its_type_and_reads_back() {
        let event = received(7);
        let entry = event.entry();
        let text = String::from_utf8(entry.clone()).unwrap();
        assert!(text.starts_with(r#"{"event":"received","key_status":"verified","received_at":"#), "{text}");
        assert!(text.contains(r#""type":"xinnuo.log/1""#));
        assert_eq!(LogEvent::parse(&entry).unwrap(), event);
        assert_eq!(event.reference(), format!("{:064x}", 7));
        let foreign = text.replace("xinnuo.log/1", "xinnuo.log/9");
        assert_eq!(LogEvent::parse(foreign.as_bytes()), Err(LogError::NotAnEntry));
        let extra = text.replacen('{', r#"{"grounds":"x","#, 1);
        assert_eq!(LogEvent::parse(extra.as_bytes()), Err(LogError::NotAnEntry), "no member beyond the event's");
    }

    #[test]
    fn a_record_is_named_by_the_digest_of_its_canonical_body() {
        let a = body_sha256(&serde_json::json!({"id": "r1", "kind": "administrative_penalty"}));
        let b = body_sha256(&serde_json::json!({"kind": "administrative_penalty", "id": "r1"}));
        assert_eq!(a, b, "member order does not matter");
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn a_logged_entry_verifies_against_the_pinned_log_key_only() {
        let signer = NoteSigner::ed25519("xinnuo.test/log", &[9; 32]).unwrap();
        let events: Vec<LogEvent> = (0..5).map(received).collect();
        let entries: Vec<Vec<u8>> = events.iter().map(LogEvent::entry).collect();
        let tree = MemoryTree::from_entries(&entries);
        let checkpoint = Checkpoint::new("xinnuo.test/log", 5, tree.root()).sign(&signer).unwrap();
        let proof = crate::tlog::merkle::inclusion_proof(&tree, 5, 3).unwrap();
        let logged = LoggedEntry {
            entry: String::from_utf8(entries[3].clone()).unwrap(),
            proof: TlogProof { extra: None, index: 3, proof, checkpoint }.to_text(),
        };
        let placed = verify_logged(&logged, &[signer.verifier_key()]).unwrap();
        assert_eq!((placed.index, placed.checkpoint.size, &placed.event), (3, 5, &events[3]));
        let stranger = NoteSigner::ed25519("xinnuo.test/log", &[8; 32]).unwrap();
        assert!(verify_logged(&logged, &[stranger.verifier_key()]).is_err(), "another key's log");
        let swapped = LoggedEntry { entry: String::from_utf8(entries[2].clone()).unwrap(), ..logged.clone() };
        assert_eq!(verify_logged(&swapped, &[signer.verifier_key()]).unwrap_err().code(), "log_inclusion_invalid");
    }
}
