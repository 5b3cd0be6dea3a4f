//! The public log's entries: every event that changes the public record, as one canonical JSON line appended
//! to the transparency log (`tlog`). An entry holds only what the public API already publishes, or a digest:
//! ids are SHA-256 digests of signed documents, a record's body is named by the SHA-256 of its canonical JSON.
//! A receipt is an entry with its inclusion proof and the checkpoint that proves it (C2SP tlog-proof), so one
//! checkpoint signature answers for a whole batch, and anyone holding the log's key checks it offline.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::decision::Action;
use crate::envelope::canonicalize_value;
use crate::error::{display_in_chinese, in_lang, Described};
use crate::lang::Lang;
use crate::receipt::{KeyStatus, Receipt, ReceiptError, TrustedServerKeys};
use crate::tlog::{
    checkpoint::Checkpoint, consistency_proof, note::VerifierKey, proof::TlogProof, tiles_needed, verify_consistency,
    Tile, TileHashReader, TileReader, TlogError,
};

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
    /// A credit report issued (`GET /api/v1/subjects/{code}/report`): its number and the digest of the signed
    /// file, so a report shown later can be matched to its issue.
    Report { report_no: String, credit_code: String, made_at: String, file_sha256: String },
    /// A key approved or revoked for a credit code by the server's operator (the command line or the admin
    /// API), not by an officer's signed decision: who did it as the server recorded it, and the reason by
    /// digest (a revocation's reason may name people).
    OperatorKeyStep {
        kid: String,
        credit_code: String,
        action: Action,
        actor: String,
        at: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason_sha256: Option<String>,
    },
    /// The witnesses the log asks and how many must cosign (`serve --witness … --witness-quorum k`), logged when
    /// the server starts with other ones than the log last recorded: clients that pinned the earlier ones take
    /// these only as [`admit_witness_policy`] allows.
    WitnessPolicy { witnesses: Vec<String>, quorum: u64, at: String },
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
        // Only strings, whole numbers and objects of our own (no float to lose in serde_json's model): canonical
        // JSON cannot fail on them, and serde_json writes it (a fifth of JCS's cost, in the committer's batch).
        serde_json::to_value(EntryOut { entry_type: ENTRY_TYPE, event: self })
            .ok()
            .and_then(|value| canonicalize_value(&value).ok())
            .unwrap_or_default()
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
            Self::OperatorKeyStep { kid, credit_code, .. } => format!("{kid}/{credit_code}"),
            Self::Report { report_no, .. } => report_no.clone(),
            Self::WitnessPolicy { witnesses, quorum, .. } => WitnessPolicy::new(witnesses.clone(), *quorum).reference(),
        }
    }
}

/// A log's witnesses (their verifier keys, in a fixed order) and how many of them must cosign a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct WitnessPolicy {
    pub witnesses: Vec<String>,
    pub quorum: u64,
}

impl WitnessPolicy {
    /// The policy of these witnesses in any order (each once).
    pub fn new(mut witnesses: Vec<String>, quorum: u64) -> Self {
        witnesses.sort();
        witnesses.dedup();
        Self { witnesses, quorum }
    }

    /// The policy a server's key listing names (`witnesses`, `witness_quorum`).
    pub fn of_listing(listing: &Value) -> Self {
        let witnesses = listing.get("witnesses").and_then(Value::as_array).into_iter().flatten();
        let quorum = listing.get("witness_quorum").and_then(Value::as_u64).unwrap_or(0);
        Self::new(witnesses.filter_map(Value::as_str).map(str::to_owned).collect(), quorum)
    }

    /// What its log entry is found by (`GET /api/v1/log/proof?ref=`): `witnesses/` and the SHA-256 of the
    /// policy's canonical JSON, so that each policy has a name of its own and a reader asks for the one listed.
    pub fn reference(&self) -> String {
        let canonical = serde_json::to_value(self).ok().and_then(|value| canonicalize_value(&value).ok());
        format!("witnesses/{}", hex(&Sha256::digest(canonical.unwrap_or_default())))
    }
}

/// The digest of a text an entry names without publishing it (a revocation's reason), hex.
pub fn text_sha256(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// The digest a record entry names: SHA-256 of the record's canonical JSON, hex.
pub fn body_sha256(body: &Value) -> String {
    hex(&Sha256::digest(canonicalize_value(body).unwrap_or_default()))
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

/// Whether a server key the server newly lists may join the keys pinned for it: only if the log it already
/// trusts recorded the key's addition (Certificate Transparency's rule for what a log vouches for). `logged` is
/// the key's `server_key` entry (`GET /api/v1/log/proof?ref=<kid>`): it must name this kid and this key, and be
/// proved in a checkpoint signed by a log key already pinned — never by the new key's own, which would vouch for
/// itself (whoever lists a key can make up a log for it). So a key that replaces another is introduced in a
/// checkpoint of the key it replaces. Answers that checkpoint, which the caller checks extends the one it kept.
/// With no log pinned (keys pinned before the log) nothing can be asked: `Ok(None)`.
pub fn admit_server_key(
    listed: &Value,
    logged: Option<&LoggedEntry>,
    pinned: &TrustedServerKeys,
) -> Result<Option<Checkpoint>, LogError> {
    let not_logged =
        || LogError::KeyNotLogged { kid: listed.get("kid").and_then(Value::as_str).unwrap_or("?").to_owned() };
    if pinned.log_keys().is_empty() {
        return Ok(None);
    }
    let candidate = TrustedServerKeys::from_json(&Value::Array(vec![listed.clone()])).map_err(|_| not_logged())?;
    let kid = candidate.kids().next().ok_or_else(not_logged)?.to_owned();
    let logged = logged.ok_or_else(not_logged)?;
    let (_, checkpoint) = verify_inclusion(logged, pinned).map_err(|_| not_logged())?;
    let added: ServerKeyEntry = serde_json::from_str(&logged.entry).map_err(|_| not_logged())?;
    let jwk = listed.get("jwk").unwrap_or(listed);
    let names_it = (added.entry_type.as_str(), added.event.as_str()) == (ENTRY_TYPE, "server_key")
        && added.kid == kid
        && added.public_jwk == *jwk;
    if names_it {
        Ok(Some(checkpoint))
    } else {
        Err(not_logged())
    }
}

/// A `server_key` entry as `admit_server_key` reads it (a struct of its own, not the whole event enum: every
/// build that pins server keys carries it).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerKeyEntry {
    #[serde(rename = "type")]
    entry_type: String,
    event: String,
    kid: String,
    public_jwk: Value,
    #[serde(rename = "created_at")]
    _created_at: String,
}

/// Whether a client that pinned a log's witnesses (`pinned`: its keys, witnesses and a quorum above 0) may take
/// the ones the server now lists (`listed`). Four conditions:
/// - the log recorded them (`logged`: the `witness_policy` entry, `GET /api/v1/log/proof?ref=<listed.reference()>`)
///   at an index from `after` on (past the policy pinned: an old entry shown again moves nobody back), proved in
///   a checkpoint a pinned log key signed and the pinned quorum of pinned witnesses cosigned — so the change is
///   in the one log every witness sees, in public, and monitors name it;
/// - it never needs fewer of the pinned witnesses to cosign a checkpoint than before, less one for each pinned
///   witness it drops, and never none: witnesses cosign any checkpoint that extends what they saw, without
///   reading it, so their cosignature says the entry is public, not that they agree to it, and whoever holds the
///   log key could otherwise add witnesses of their own and have them alone vouch for a fork;
/// - it reads as witnesses (cosigner keys, one key a name, a quorum they can meet) beside the pinned keys;
/// - a policy that drops a pinned witness is taken only once the pinned ones have been pinned for
///   [`WITNESS_DROP_WAIT_MS`] (`pinned_for_ms`, by the client's own clock): whoever holds the log key could
///   otherwise add witnesses of their own and drop the honest ones in two quick steps, each allowed; so the
///   first step stands in the public log for a week before any browser acts on the second.
///
/// A witness is thus replaced in two steps, each in the log: add the new one beside the old with the quorum
/// raised by one (the old cosign the entry), then, a week or more later, retire the old with the quorum lowered
/// again (the old one still cosigns while it retires). Answers the entry's index and the checkpoint, which the
/// caller checks extends the one it kept.
pub fn admit_witness_policy(
    listed: &WitnessPolicy,
    logged: Option<&LoggedEntry>,
    pinned: &TrustedServerKeys,
    after: u64,
    pinned_for_ms: u64,
) -> Result<(u64, Checkpoint), LogError> {
    let not_logged = || LogError::WitnessesNotLogged { quorum: listed.quorum, witnesses: listed.witnesses.len() };
    let keys: Vec<VerifierKey> = listed
        .witnesses
        .iter()
        .map(|key| VerifierKey::parse(key))
        .collect::<Result<_, _>>()
        .map_err(|_| not_logged())?;
    let mut names: Vec<&str> = keys.iter().map(|key| key.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let usable =
        names.len() == keys.len() && pinned.clone().with_witnesses(keys.clone(), listed.quorum as usize).is_ok();
    if !usable || pinned.witness_quorum() == 0 {
        return Err(not_logged());
    }
    // How many pinned witnesses must cosign any checkpoint, before and under the listed policy.
    let newcomers = keys.iter().filter(|key| !pinned.witness_keys().contains(key)).count() as u64;
    let dropped = pinned.witness_keys().iter().filter(|key| !keys.contains(key)).count() as u64;
    let before = (pinned.witness_quorum() as u64).saturating_sub(dropped).max(1);
    let now = listed.quorum.saturating_sub(newcomers);
    if now < before {
        return Err(LogError::WitnessesWeakened { before, now });
    }
    if dropped > 0 && pinned_for_ms < WITNESS_DROP_WAIT_MS {
        return Err(LogError::WitnessesTooSoon { days: WITNESS_DROP_WAIT_MS / DAY_MS });
    }
    let logged = logged.ok_or_else(not_logged)?;
    let (index, checkpoint) = verify_inclusion(logged, pinned).map_err(|_| not_logged())?;
    let recorded: WitnessPolicyEntry = serde_json::from_str(&logged.entry).map_err(|_| not_logged())?;
    let names_it = (recorded.entry_type.as_str(), recorded.event.as_str()) == (ENTRY_TYPE, "witness_policy")
        && WitnessPolicy::new(recorded.witnesses, recorded.quorum) == *listed;
    if names_it && index >= after {
        Ok((index, checkpoint))
    } else {
        Err(not_logged())
    }
}

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// How long a client keeps the witnesses it pinned before it takes a policy that drops one of them (a week).
pub const WITNESS_DROP_WAIT_MS: u64 = 7 * DAY_MS;

/// A `witness_policy` entry as `admit_witness_policy` reads it (a struct of its own, as [`ServerKeyEntry`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WitnessPolicyEntry {
    #[serde(rename = "type")]
    entry_type: String,
    event: String,
    witnesses: Vec<String>,
    quorum: u64,
    #[serde(rename = "at")]
    _at: String,
}

/// Verifies an entry's inclusion in a checkpoint signed by one of the log keys `trusted` lists (pinned) and
/// cosigned by its quorum of witnesses.
pub fn verify_logged(logged: &LoggedEntry, trusted: &TrustedServerKeys) -> Result<Placed, LogError> {
    let (index, checkpoint) = verify_inclusion(logged, trusted)?;
    let event = LogEvent::parse(logged.entry.as_bytes())?;
    Ok(Placed { event, index, checkpoint })
}

/// The entry's index and the checkpoint, once the proof verified against one of the log keys `trusted` lists,
/// in a checkpoint at least its witness quorum cosigned (each pinned witness counted once).
fn verify_inclusion(logged: &LoggedEntry, trusted: &TrustedServerKeys) -> Result<(u64, Checkpoint), LogError> {
    let proof = TlogProof::parse(&logged.proof)?;
    let origin = proof.checkpoint.split('\n').next().unwrap_or_default();
    let log_keys = keys_of_log(trusted.log_keys(), origin);
    let witnesses = trusted.witness_keys();
    let signed = proof.verify(logged.entry.as_bytes(), origin, &log_keys, witnesses)?;
    let required = trusted.witness_quorum();
    if required > 0 {
        let cosigned = signed.opened.count_signed_by(witnesses);
        if cosigned < required {
            return Err(TlogError::NotWitnessed { cosigned, required }.into());
        }
    }
    Ok((proof.index, signed.checkpoint))
}

/// The pinned log keys named as `origin` (a log's key bears its origin's name): with several servers' keys
/// pinned, a checkpoint of one log is never opened with another log's key.
fn keys_of_log(log_keys: &[VerifierKey], origin: &str) -> Vec<VerifierKey> {
    log_keys.iter().filter(|key| key.name == origin).cloned().collect()
}

/// A receipt's entry read alone: exactly the members of [`LogEvent::Received`] with the entry's `type` (not the
/// whole event enum, so a signing page that checks receipts does not carry every event's reader).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceivedEntry {
    #[serde(rename = "type")]
    entry_type: String,
    event: String,
    submission_id: String,
    sequence: u64,
    received_at: String,
    key_status: KeyStatus,
}

/// Verifies that `logged` is an entry about `reference` (a decision or objection id, a submission id) in a
/// checkpoint signed by one of `log_keys`: where a decision's or an objection's answer says it is logged.
pub fn verify_entry_about(
    logged: &LoggedEntry,
    reference: &str,
    trusted: &TrustedServerKeys,
) -> Result<Placed, LogError> {
    let placed = verify_logged(logged, trusted)?;
    if placed.event.reference() != reference {
        return Err(LogError::NotAnEntry);
    }
    Ok(placed)
}

/// Where an entry sits in the public log, as a verified proof placed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogPlace {
    /// The entry's index (第 N 条 counts from 1: [`LogPlace::number`]).
    pub index: u64,
    /// The size of the checkpoint that proves it.
    pub checkpoint_size: u64,
    /// The log's name (the checkpoint's origin).
    pub origin: String,
    /// The signed checkpoint note that proves it (for a browser to compare with the one it keeps).
    pub checkpoint_note: String,
}

impl LogPlace {
    /// `logged`, verified at `index` in `checkpoint`, with the checkpoint note of its proof.
    pub fn at(logged: &LoggedEntry, index: u64, checkpoint: &Checkpoint) -> Self {
        let checkpoint_note = TlogProof::parse(&logged.proof).map(|proof| proof.checkpoint).unwrap_or_default();
        Self { index, checkpoint_size: checkpoint.size, origin: checkpoint.origin.clone(), checkpoint_note }
    }

    /// 第 N 条: the entry's place counted from 1.
    pub fn number(&self) -> u64 {
        self.index + 1
    }
}

/// How a receipt proves what it says.
#[derive(Debug, Clone, PartialEq)]
pub enum ReceiptProof {
    /// An entry of the public log, in a checkpoint signed by a log key the trusted server keys list: one
    /// signature answers for a whole batch of submissions.
    Logged,
    /// Signed alone by a server key (`xinnuo.receipt/1`): receipts made before receipts were log entries.
    Signed { server_kid: String, receipt: Box<Receipt> },
}

/// A receipt that verified: what the server recorded of a submission, how that is proved, and where the
/// public log holds it (a signed receipt's answer may carry its log entry too).
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedReceipt {
    pub submission_id: String,
    pub sequence: u64,
    pub received_at: String,
    pub key_status: KeyStatus,
    pub proof: ReceiptProof,
    pub log: Option<LogPlace>,
}

impl CheckedReceipt {
    /// The server key that signed a receipt signed alone.
    pub fn server_kid(&self) -> Option<&str> {
        match &self.proof {
            ReceiptProof::Signed { server_kid, .. } => Some(server_kid),
            ReceiptProof::Logged => None,
        }
    }
}

/// Verifies a receipt in either form, given as text: a public-log entry with its proof (`{"entry", "proof"}`,
/// what servers answer now) or a receipt signed alone (a JWS, as made before); with `submission_id`, that it
/// is that submission's. Only keys in `trusted` count: a receipt without them proves nothing.
pub fn check_receipt(
    text: &str,
    submission_id: Option<&str>,
    trusted: &TrustedServerKeys,
) -> Result<CheckedReceipt, ReceiptError> {
    check_receipt_with::<SIGNED_ALONE>(text, submission_id, trusted, false)
}

/// Whether this build checks receipts signed alone (the form from before the log) itself. The app's commit route
/// (feature `log-receipts-only`), whose server answers with log entries, leaves that code out (≈ 15 KB of wasm)
/// and checks such an answer by the log entry it carries beside it; without one the item waits for the outbox
/// page's build, which checks it (`SignedAloneElsewhere`).
const SIGNED_ALONE: bool = !cfg!(feature = "log-receipts-only");

/// Whether `text` has the shape of a JWS (compact, or flattened JSON): only to name the error of a build that
/// does not check that form, never to believe anything.
fn looks_signed_alone(text: &str) -> bool {
    let text = text.trim();
    let compact = text.split('.').count() == 3
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    let flattened = serde_json::from_str::<Value>(text)
        .is_ok_and(|value| value.get("payload").is_some() && value.get("signature").is_some());
    compact || flattened
}

/// What to keep (and hand over) as the receipt of an answer [`check_answer`] believed: the answer's receipt, or,
/// where the log entry beside a receipt signed alone was checked in its place (a build without [`SIGNED_ALONE`]),
/// that entry, so that nothing unchecked is ever kept as proof.
pub fn receipt_to_keep(receipt: &Value, log: Option<&LoggedEntry>, checked: &CheckedReceipt) -> Value {
    let is_entry = serde_json::from_value::<LoggedEntry>(receipt.clone()).is_ok();
    match (log, &checked.proof) {
        (Some(logged), ReceiptProof::Logged) if !is_entry => serde_json::to_value(logged).unwrap_or(Value::Null),
        _ => receipt.clone(),
    }
}

/// Where the pinned keys require witnesses, a receipt signed alone proves nothing by itself: whoever holds the
/// server's database holds its key and could sign one for a fork of the log. It counts only beside its log entry
/// proved in a checkpoint the witnesses cosigned (`with_witnessed_entry`, [`check_answer`]).
fn refuse_signed_alone(trusted: &TrustedServerKeys) -> Result<(), ReceiptError> {
    match trusted.witness_quorum() {
        0 => Ok(()),
        required => Err(ReceiptError::Log(TlogError::NotWitnessed { cosigned: 0, required })),
    }
}

fn check_receipt_with<const SIGNED_ALONE: bool>(
    text: &str,
    submission_id: Option<&str>,
    trusted: &TrustedServerKeys,
    with_witnessed_entry: bool,
) -> Result<CheckedReceipt, ReceiptError> {
    if let Ok(logged) = serde_json::from_str::<LoggedEntry>(text.trim()) {
        return check_logged_receipt(&logged, submission_id, trusted);
    }
    if !SIGNED_ALONE {
        return Err(if looks_signed_alone(text) {
            ReceiptError::SignedAloneElsewhere
        } else {
            ReceiptError::NotAReceipt
        });
    }
    if !with_witnessed_entry {
        refuse_signed_alone(trusted)?;
    }
    let signed = match submission_id {
        Some(id) => crate::receipt::verify_for(text, id, trusted)?,
        None => crate::receipt::verify(text, trusted)?,
    };
    let receipt = signed.receipt;
    Ok(CheckedReceipt {
        submission_id: receipt.submission_id.clone(),
        sequence: receipt.sequence,
        received_at: receipt.received_at.clone(),
        key_status: receipt.key_status,
        proof: ReceiptProof::Signed { server_kid: signed.server.kid, receipt: Box::new(receipt) },
        log: None,
    })
}

/// Verifies a submission's answer: its receipt (either form, [`check_receipt`]) and, where the answer carries its
/// public-log entry too (beside a receipt signed alone, or proved again in a newer checkpoint), that entry as
/// well: both must verify and tell the same story, or the answer is not believed.
pub fn check_answer(
    receipt: &Value,
    log: Option<&LoggedEntry>,
    submission_id: Option<&str>,
    trusted: &TrustedServerKeys,
) -> Result<CheckedReceipt, ReceiptError> {
    check_answer_with::<SIGNED_ALONE>(receipt, log, submission_id, trusted)
}

fn check_answer_with<const SIGNED_ALONE: bool>(
    receipt: &Value,
    log: Option<&LoggedEntry>,
    submission_id: Option<&str>,
    trusted: &TrustedServerKeys,
) -> Result<CheckedReceipt, ReceiptError> {
    let text = crate::receipt::jws_text(receipt);
    let checked = check_receipt_with::<SIGNED_ALONE>(&text, submission_id, trusted, log.is_some());
    let (mut checked, witnessed_apart) = match checked {
        // A receipt proved in a checkpoint the witnesses did not cosign (made before the server asked for them)
        // counts beside the same entry proved in one they did: its own proof is read against the log key alone,
        // and the witnessed entry below must tell the same story.
        Err(ReceiptError::Log(TlogError::NotWitnessed { .. })) if log.is_some() => {
            (check_receipt_with::<SIGNED_ALONE>(&text, submission_id, &trusted.without_witnesses(), true)?, true)
        }
        // A build without the signed-alone form: the log entry beside it is the receipt (the same acceptance,
        // proved in the log).
        Err(ReceiptError::SignedAloneElsewhere) => match log {
            Some(logged) => return check_logged_receipt(logged, submission_id, trusted),
            None => return Err(ReceiptError::SignedAloneElsewhere),
        },
        other => (other?, false),
    };
    if let Some(logged) = log {
        let in_log = check_logged_receipt(logged, Some(&checked.submission_id), trusted)?;
        if (in_log.sequence, in_log.key_status, &in_log.received_at)
            != (checked.sequence, checked.key_status, &checked.received_at)
        {
            return Err(ReceiptError::OtherSubmission);
        }
        if checked.log.is_none() || witnessed_apart {
            checked.log = in_log.log;
        }
    }
    Ok(checked)
}

/// What a decision's receipt says, once verified: the decision the server recorded, and where the log holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedDecisionReceipt {
    pub target: String,
    pub action: Action,
    /// The state it led to (as `decision::Outcome::as_str` names it).
    pub state: String,
    pub received_at: String,
    pub log: Option<LogPlace>,
}

/// Verifies a decision's receipt in either form: its public-log entry with the proof (what servers answer now),
/// in a checkpoint signed by a log key `trusted` lists, or a receipt signed alone by a trusted server key
/// (`xinnuo.decision-receipt/1`, made before); and that it is the receipt of `decision_id`.
pub fn check_decision_receipt(
    receipt: &Value,
    decision_id: &str,
    trusted: &TrustedServerKeys,
) -> Result<CheckedDecisionReceipt, ReceiptError> {
    let text = crate::receipt::jws_text(receipt);
    let Some((event, place)) = logged_event(&text, trusted)? else {
        refuse_signed_alone(trusted)?;
        let signed = crate::decision::verify_receipt(&text, decision_id, trusted)?;
        return Ok(CheckedDecisionReceipt {
            target: signed.target,
            action: signed.action,
            state: signed.state.as_str().to_owned(),
            received_at: signed.received_at,
            log: None,
        });
    };
    let LogEvent::Decision { decision_id: logged_id, target, action, state, received_at, .. } = event else {
        return Err(ReceiptError::NotAReceipt);
    };
    if logged_id != decision_id {
        return Err(ReceiptError::OtherSubmission);
    }
    Ok(CheckedDecisionReceipt { target, action, state, received_at, log: Some(place) })
}

/// What an objection's receipt says, once verified.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedObjectionReceipt {
    pub credit_code: String,
    pub record_id: String,
    pub received_at: String,
    pub log: Option<LogPlace>,
}

/// Verifies an objection's receipt in either form (its public-log entry with the proof, or signed alone by a
/// trusted server key as `xinnuo.objection-receipt/1` before), and that it is the receipt of `objection_id`.
pub fn check_objection_receipt(
    receipt: &Value,
    objection_id: &str,
    trusted: &TrustedServerKeys,
) -> Result<CheckedObjectionReceipt, ReceiptError> {
    let text = crate::receipt::jws_text(receipt);
    let Some((event, place)) = logged_event(&text, trusted)? else {
        refuse_signed_alone(trusted)?;
        let server = crate::envelope::verify(&text)?;
        if !trusted.trusts(&server.kid, &server.public_key) {
            return Err(ReceiptError::UnknownServerKey);
        }
        let signed: crate::objection::ObjectionReceipt =
            serde_json::from_value(server.payload).map_err(|_| ReceiptError::NotAReceipt)?;
        if signed.receipt_type != crate::objection::OBJECTION_RECEIPT_TYPE {
            return Err(ReceiptError::NotAReceipt);
        }
        if signed.objection_id != objection_id {
            return Err(ReceiptError::OtherSubmission);
        }
        return Ok(CheckedObjectionReceipt {
            credit_code: signed.credit_code,
            record_id: signed.record_id,
            received_at: signed.received_at,
            log: None,
        });
    };
    let LogEvent::ObjectionReceived { objection_id: logged_id, credit_code, record_id, received_at } = event else {
        return Err(ReceiptError::NotAReceipt);
    };
    if logged_id != objection_id {
        return Err(ReceiptError::OtherSubmission);
    }
    Ok(CheckedObjectionReceipt { credit_code, record_id, received_at, log: Some(place) })
}

/// A receipt in the public-log form, verified against the log keys `trusted` lists: its event and place;
/// `None` when the text is not that form (a receipt signed alone, checked by the caller).
fn logged_event(text: &str, trusted: &TrustedServerKeys) -> Result<Option<(LogEvent, LogPlace)>, ReceiptError> {
    let Ok(logged) = serde_json::from_str::<LoggedEntry>(text.trim()) else {
        return Ok(None);
    };
    if trusted.log_keys().is_empty() {
        return Err(ReceiptError::UnknownServerKey);
    }
    let placed = verify_logged(&logged, trusted).map_err(receipt_error)?;
    let place = LogPlace::at(&logged, placed.index, &placed.checkpoint);
    Ok(Some((placed.event, place)))
}

/// Why a logged receipt is refused, as a receipt's error: a checkpoint no pinned log key signed proves nothing.
fn receipt_error(error: LogError) -> ReceiptError {
    match error {
        LogError::Log(TlogError::NoteUnverified) => ReceiptError::UnknownServerKey,
        LogError::Log(other) => ReceiptError::Log(other),
        LogError::NotAnEntry
        | LogError::Rewritten { .. }
        | LogError::WitnessesNotLogged { .. }
        | LogError::WitnessesWeakened { .. }
        | LogError::WitnessesTooSoon { .. } => ReceiptError::NotAReceipt,
        LogError::KeyNotLogged { .. } => ReceiptError::UnknownServerKey,
    }
}

/// Verifies a receipt given as a public-log entry with its proof: the checkpoint signed by a log key the
/// trusted server keys list, the entry included in it, and the entry the receipt of `submission_id`.
pub fn check_logged_receipt(
    logged: &LoggedEntry,
    submission_id: Option<&str>,
    trusted: &TrustedServerKeys,
) -> Result<CheckedReceipt, ReceiptError> {
    if trusted.log_keys().is_empty() {
        return Err(ReceiptError::UnknownServerKey);
    }
    let (index, checkpoint) = verify_inclusion(logged, trusted).map_err(receipt_error)?;
    let received: ReceivedEntry = serde_json::from_str(&logged.entry).map_err(|_| ReceiptError::NotAReceipt)?;
    if (received.entry_type.as_str(), received.event.as_str()) != (ENTRY_TYPE, "received") {
        return Err(ReceiptError::NotAReceipt);
    }
    let ReceivedEntry { submission_id: logged_id, sequence, received_at, key_status, .. } = received;
    if submission_id.is_some_and(|id| id != logged_id) {
        return Err(ReceiptError::OtherSubmission);
    }
    Ok(CheckedReceipt {
        submission_id: logged_id,
        sequence,
        received_at,
        key_status,
        proof: ReceiptProof::Logged,
        log: Some(LogPlace::at(logged, index, &checkpoint)),
    })
}

/// A credit report's issue as its log entry names it ([`LogEvent::Report`]), read alone as [`ReceivedEntry`] is:
/// a page that checks reports does not carry every event's reader.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportIssue {
    #[serde(rename = "type")]
    entry_type: String,
    event: String,
    pub report_no: String,
    pub credit_code: String,
    pub made_at: String,
    pub file_sha256: String,
}

/// Verifies that `logged` is the issue of a credit report, in a checkpoint `trusted` believes (its log keys and
/// witness quorum): what the entry names, and where it sits.
pub fn verify_report_issue(
    logged: &LoggedEntry,
    trusted: &TrustedServerKeys,
) -> Result<(ReportIssue, LogPlace), LogError> {
    let (index, checkpoint) = verify_inclusion(logged, trusted)?;
    let issue: ReportIssue = serde_json::from_str(&logged.entry).map_err(|_| LogError::NotAnEntry)?;
    if (issue.entry_type.as_str(), issue.event.as_str()) != (ENTRY_TYPE, "report") {
        return Err(LogError::NotAnEntry);
    }
    Ok((issue, LogPlace::at(logged, index, &checkpoint)))
}

/// A checkpoint a holder of the log's key believes: opened with a pinned log key, with every other signature
/// on it (a witness's cosignature) named, and verified where its witness key is pinned.
#[derive(Debug, Clone, PartialEq)]
pub struct Believed {
    pub checkpoint: Checkpoint,
    /// The note's text (what to keep, and show).
    pub note: String,
    /// The signatures besides the log's: (the name the note gives, whether a pinned witness key verified it).
    pub cosigners: Vec<(String, bool)>,
}

impl Believed {
    /// How many pinned witnesses cosigned it.
    pub fn witnessed(&self) -> usize {
        self.cosigners.iter().filter(|(_, verified)| *verified).count()
    }
}

/// Opens a checkpoint note signed by one of the pinned log keys; cosignatures by `witness_keys` are verified
/// (a pinned witness's signature that does not verify makes the note unbelievable: it was altered).
pub fn believe(note: &str, log_keys: &[VerifierKey], witness_keys: &[VerifierKey]) -> Result<Believed, LogError> {
    let origin = note.split('\n').next().unwrap_or_default();
    let log_keys = &keys_of_log(log_keys, origin);
    let opened = crate::tlog::open_checkpoint(note, origin, log_keys, witness_keys)?;
    let own = |name: &str, key_id: u32| log_keys.iter().any(|k| k.name == name && k.key_id == key_id);
    let mut cosigners: Vec<(String, bool)> = Vec::new();
    for signature in &opened.opened.note.signatures {
        if own(&signature.name, signature.key_id) {
            continue;
        }
        let verified = opened.opened.verified.iter().any(|v| v.name == signature.name && v.key_id == signature.key_id);
        if !cosigners.iter().any(|(name, _)| *name == signature.name) {
            cosigners.push((signature.name.clone(), verified));
        }
    }
    Ok(Believed { checkpoint: opened.checkpoint, note: note.to_owned(), cosigners })
}

/// The tiles [`check_extension`] reads for these two checkpoints: a consistency proof from the smaller to the
/// larger, whichever of the two was kept (a receipt may carry a checkpoint older than the one kept).
pub fn consistency_tiles(kept: &Checkpoint, seen: &Checkpoint) -> Result<Vec<Tile>, LogError> {
    let (smaller, larger) = if kept.size <= seen.size { (kept.size, seen.size) } else { (seen.size, kept.size) };
    if smaller == 0 || smaller == larger {
        return Ok(Vec::new());
    }
    Ok(tiles_needed(larger, |reader| consistency_proof(reader, smaller, larger))?)
}

/// How a newer checkpoint stands to the one kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extension {
    /// The same tree.
    Same,
    /// The kept log with entries appended (the consistency proof verified).
    Extends,
    /// An older checkpoint of the kept log (it may be shown; the kept one stays).
    Older,
}

/// Checks that the log of `newer` extends the log of `kept` (both already believed, of the same log), with a
/// consistency proof computed from the tiles given (tiles are not trusted: the proof is checked against both
/// signed roots). A log whose checkpoints disagree was rewritten: [`LogError::Rewritten`].
pub fn check_extension(kept: &Checkpoint, newer: &Checkpoint, tiles: &dyn TileReader) -> Result<Extension, LogError> {
    let rewritten = || LogError::Rewritten { kept: kept.size, seen: newer.size };
    if kept.origin != newer.origin {
        return Err(LogError::Log(TlogError::OriginMismatch {
            expected: kept.origin.clone(),
            found: newer.origin.clone(),
        }));
    }
    match newer.size.cmp(&kept.size) {
        std::cmp::Ordering::Equal if newer.root == kept.root => Ok(Extension::Same),
        std::cmp::Ordering::Equal => Err(rewritten()),
        // An older checkpoint is checked the other way round.
        std::cmp::Ordering::Less => check_extension(newer, kept, tiles).map(|_| Extension::Older),
        std::cmp::Ordering::Greater if kept.size == 0 => Ok(Extension::Extends),
        std::cmp::Ordering::Greater => {
            let hashes = TileHashReader::new(newer.size, tiles);
            let proof = consistency_proof(&hashes, kept.size, newer.size).map_err(|e| match e {
                TlogError::TileMissing(_) => LogError::Log(e),
                _ => rewritten(),
            })?;
            verify_consistency(kept.size, newer.size, &kept.root, &newer.root, &proof).map_err(|_| rewritten())?;
            Ok(Extension::Extends)
        }
    }
}

/// Why a logged entry is not believed.
#[derive(Debug, Clone, PartialEq)]
pub enum LogError {
    /// The proof or checkpoint failed (the log's reason).
    Log(TlogError),
    /// The text is not an entry of this log.
    NotAnEntry,
    /// Two checkpoints of the log disagree: the one kept (of `kept` entries) is not a prefix of the one seen.
    Rewritten { kept: u64, seen: u64 },
    /// A server key the server newly lists whose addition the pinned log does not record.
    KeyNotLogged { kid: String },
    /// Witnesses the server newly lists (`witnesses` of them, `quorum` required) that the pinned log and
    /// witnesses do not vouch for.
    WitnessesNotLogged { quorum: u64, witnesses: usize },
    /// Witnesses the server newly lists under which fewer of the pinned witnesses (`now`) need cosign a
    /// checkpoint than may (`before`).
    WitnessesWeakened { before: u64, now: u64 },
    /// Witnesses the server newly lists that drop a pinned one, before the pinned ones were kept `days`.
    WitnessesTooSoon { days: u64 },
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
            Self::Rewritten { .. } => "log_rewritten",
            Self::KeyNotLogged { .. } => "log_key_not_logged",
            Self::WitnessesNotLogged { .. } => "log_witnesses_not_logged",
            Self::WitnessesWeakened { .. } => "log_witnesses_weakened",
            Self::WitnessesTooSoon { .. } => "log_witnesses_too_soon",
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
            Self::KeyNotLogged { kid } => in_lang(
                lang,
                format_args!(
                    "服务器新列出的密钥 {kid} 未记入此前已核验的公开日志，不予信任：由它签发的回执和检查点不会被采信。请联系该服务器的运营方。"
                ),
                format_args!(
                    "The server newly lists the key {kid}, but the public log verified before does not record its addition: it is not trusted, nor are receipts or checkpoints it signed. Contact the server's operator."
                ),
            ),
            Self::WitnessesNotLogged { quorum, witnesses } => in_lang(
                lang,
                format_args!(
                    "服务器现在列出的见证人（{witnesses} 个，须 {quorum} 个联署）未经此前信任的见证人在公开日志中确认，不予采用：仍按此前信任的见证人核验。请联系该服务器的运营方。"
                ),
                format_args!(
                    "The witnesses the server now lists ({witnesses}, {quorum} required to cosign) are not confirmed in the public log by the witnesses trusted before: they are not taken, and the witnesses trusted before still apply. Contact the server's operator."
                ),
            ),
            Self::WitnessesWeakened { before, now } => in_lang(
                lang,
                format_args!(
                    "服务器现在列出的见证人设置不予采用：按此设置，此前信任的见证人中只需 {now} 个联署一个检查点，而至少应有 {before} 个（新加入的见证人不能代替此前信任的见证人）。仍按此前信任的见证人核验；请联系该服务器的运营方。"
                ),
                format_args!(
                    "The witnesses the server now lists are not taken: under them only {now} of the witnesses trusted before need cosign a checkpoint, and at least {before} must (newcomers do not stand in for them). The witnesses trusted before still apply; contact the server's operator."
                ),
            ),
            Self::WitnessesTooSoon { days } => in_lang(
                lang,
                format_args!(
                    "服务器现在列出的见证人去掉了此前信任的见证人：本浏览器信任现有见证人满 {days} 天后才会采用（给公众留出发现异常变更的时间）。在此之前仍按此前信任的见证人核验。"
                ),
                format_args!(
                    "The witnesses the server now lists drop one trusted before: this browser takes them only once it has trusted the present ones for {days} days (time for the public to notice an unusual change). Until then the witnesses trusted before still apply."
                ),
            ),
            Self::Rewritten { kept, seen } => in_lang(
                lang,
                format_args!(
                    "公开日志与此前见到的不一致：此前已核验的 {kept} 条日志不是现在这份 {seen} 条日志的开头。日志可能被改写，不予信任；请联系该服务器的运营方和主管部门。"
                ),
                format_args!(
                    "The public log disagrees with what was seen before: the {kept} entries verified earlier are not the start of the log of {seen} entries now. It may have been rewritten and is not trusted; contact the server's operator and the supervising department."
                ),
            ),
        }
    }
}

display_in_chinese!(LogError);

/// A log of a few entries for tests elsewhere in the core: each entry with its proof in one checkpoint signed by
/// a test log key, and server keys that list that key.
#[cfg(test)]
pub(crate) struct TestLog {
    entries: Vec<Vec<u8>>,
    tree: crate::tlog::merkle::MemoryTree,
    checkpoint: String,
    signer: crate::tlog::NoteSigner,
}

#[cfg(test)]
impl TestLog {
    pub(crate) fn of(events: &[LogEvent]) -> Self {
        let entries: Vec<Vec<u8>> = events.iter().map(LogEvent::entry).collect();
        let tree = crate::tlog::merkle::MemoryTree::from_entries(&entries);
        let signer = crate::tlog::NoteSigner::ed25519("xinnuo.test/log", &[9; 32]).expect("test key");
        let checkpoint =
            Checkpoint::new("xinnuo.test/log", entries.len() as u64, tree.root()).sign(&signer).expect("signed");
        Self { entries, tree, checkpoint, signer }
    }

    /// Entry `index` with its inclusion proof.
    pub(crate) fn logged(&self, index: u64) -> LoggedEntry {
        let size = self.entries.len() as u64;
        LoggedEntry {
            entry: String::from_utf8(self.entries[index as usize].clone()).expect("canonical JSON"),
            proof: TlogProof {
                extra: None,
                index,
                proof: crate::tlog::merkle::inclusion_proof(&self.tree, size, index).expect("in the tree"),
                checkpoint: self.checkpoint.clone(),
            }
            .to_text(),
        }
    }

    /// Server keys (the key of seed 5) that list this log's key.
    pub(crate) fn trusted(&self) -> TrustedServerKeys {
        self.trusted_with_witnesses(&[], 0)
    }

    /// [`TestLog::trusted`] that also pins `witnesses` and requires `quorum` of them.
    pub(crate) fn trusted_with_witnesses(
        &self,
        witnesses: &[&crate::tlog::NoteSigner],
        quorum: u32,
    ) -> TrustedServerKeys {
        let jwk = crate::envelope::public_jwk(&crate::envelope::public_key(&[5; 32]));
        let log_key = self.signer.verifier_key().to_string();
        let witnesses: Vec<String> = witnesses.iter().map(|w| w.verifier_key().to_string()).collect();
        TrustedServerKeys::from_json(&serde_json::json!({
            "keys": [{"jwk": jwk, "log_key": log_key}], "witnesses": witnesses, "witness_quorum": quorum}))
        .expect("keys")
    }

    /// The checkpoint with `witness`'s cosignature added (proofs made after this carry it).
    pub(crate) fn cosign(&mut self, witness: &crate::tlog::NoteSigner) {
        let text = self.checkpoint.split("\n\n").next().unwrap_or_default().to_owned() + "\n";
        self.checkpoint += &witness.sign_line(&text, 1_796_000_000).expect("cosigned");
    }
}

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

    /// A server key listed as `GET /api/v1/server-keys` lists it (seed `seed`), with the log key of `log`.
    fn listed_key(seed: u8, log: &NoteSigner) -> Value {
        let public = crate::envelope::public_key(&[seed; 32]);
        serde_json::json!({
            "kid": crate::envelope::thumbprint(&public),
            "jwk": crate::envelope::public_jwk(&public),
            "log_key": log.verifier_key().to_string(),
        })
    }

    fn key_added(listed: &Value) -> LogEvent {
        LogEvent::ServerKey {
            kid: listed["kid"].as_str().unwrap().to_owned(),
            public_jwk: listed["jwk"].clone(),
            created_at: "2026-12-07T00:00:00.000Z".into(),
        }
    }

    #[test]
    fn a_newly_listed_server_key_is_admitted_only_when_the_pinned_log_records_it() {
        let new_log = NoteSigner::ed25519("xinnuo.test/log", &[8; 32]).unwrap();
        let listed = listed_key(6, &new_log);
        let mut log = TestLog::of(&[received(0), key_added(&listed)]);
        let pinned = log.trusted();
        // Proved in a checkpoint signed by the pinned log key.
        let checkpoint = admit_server_key(&listed, Some(&log.logged(1)), &pinned).unwrap().unwrap();
        assert_eq!(checkpoint.size, 2);

        let refused = |listed: &Value, logged: Option<&LoggedEntry>| {
            admit_server_key(listed, logged, &pinned).unwrap_err().code()
        };
        // Not in the log at all; another entry; the entry of another key.
        assert_eq!(refused(&listed, None), "log_key_not_logged");
        assert_eq!(refused(&listed, Some(&log.logged(0))), "log_key_not_logged");
        let other = listed_key(7, &new_log);
        assert_eq!(refused(&other, Some(&log.logged(1))), "log_key_not_logged");
        // A log made up for the new key and signed by its own log key vouches for nothing, under the pinned log's
        // name or another.
        log.checkpoint = Checkpoint::new("xinnuo.test/log", 2, log.tree.root()).sign(&new_log).unwrap();
        assert_eq!(refused(&listed, Some(&log.logged(1))), "log_key_not_logged");
        let own_log = NoteSigner::ed25519("xinnuo.test/other", &[8; 32]).unwrap();
        let listed_own = listed_key(6, &own_log);
        let mut made_up = TestLog::of(&[key_added(&listed_own)]);
        made_up.checkpoint = Checkpoint::new("xinnuo.test/other", 1, made_up.tree.root()).sign(&own_log).unwrap();
        assert_eq!(refused(&listed_own, Some(&made_up.logged(0))), "log_key_not_logged");
        // Keys pinned before the log: nothing to ask.
        let before_log = TrustedServerKeys::from_public_keys([crate::envelope::public_key(&[5; 32])]);
        assert_eq!(admit_server_key(&listed, None, &before_log).unwrap(), None);
    }

    fn policy_logged(policy: &WitnessPolicy) -> LogEvent {
        LogEvent::WitnessPolicy {
            witnesses: policy.witnesses.clone(),
            quorum: policy.quorum,
            at: "2026-12-08T00:00:00.000Z".into(),
        }
    }

    /// Witnesses change only through the log, vouched for by the witnesses pinned: a witness added beside the old
    /// one with the quorum raised (the old one cosigns), then the old one dropped with the quorum lowered (both
    /// cosign: the server still asks the one it retires); never a policy the log does not record, an old entry
    /// shown again, one under which newcomers could vouch without the pinned witnesses, nor one asking none.
    #[test]
    fn a_newly_listed_witness_policy_is_taken_only_when_the_pinned_witnesses_cosigned_its_entry() {
        let old = NoteSigner::cosigner("xinnuo.witness/old", &[7; 32]).unwrap();
        let new = NoteSigner::cosigner("xinnuo.witness/new", &[6; 32]).unwrap();
        let key = |w: &NoteSigner| w.verifier_key().to_string();
        let both = WitnessPolicy::new(vec![key(&old), key(&new)], 2);
        // The order the server lists them in does not matter; each policy has its own reference.
        assert_eq!(WitnessPolicy::new(vec![key(&new), key(&old)], 2).reference(), both.reference());
        assert_ne!(WitnessPolicy::new(both.witnesses.clone(), 1).reference(), both.reference());
        assert!(both.reference().starts_with("witnesses/") && both.reference().len() == 10 + 64);
        assert_eq!(policy_logged(&both).reference(), both.reference());
        assert_eq!(
            WitnessPolicy::of_listing(&serde_json::json!({"witnesses": [key(&new), key(&old)], "witness_quorum": 2})),
            both
        );

        // Step one: the new witness beside the old, the quorum raised by one; the old one cosigned the entry.
        let mut log = TestLog::of(&[received(0), policy_logged(&both)]);
        let pinned_old = log.trusted_with_witnesses(&[&old], 1);
        const WEEK: u64 = WITNESS_DROP_WAIT_MS;
        let refused = |listed: &WitnessPolicy, logged: Option<&LoggedEntry>, pinned: &TrustedServerKeys, after| {
            admit_witness_policy(listed, logged, pinned, after, WEEK).unwrap_err().code()
        };
        // Not yet cosigned by the pinned witness: not taken.
        assert_eq!(refused(&both, Some(&log.logged(1)), &pinned_old, 0), "log_witnesses_not_logged");
        log.cosign(&new);
        assert_eq!(refused(&both, Some(&log.logged(1)), &pinned_old, 0), "log_witnesses_not_logged");
        log.cosign(&old);
        // Adding needs no wait.
        let (index, checkpoint) = admit_witness_policy(&both, Some(&log.logged(1)), &pinned_old, 0, 0).unwrap();
        assert_eq!((index, checkpoint.size), (1, 2));
        // An entry from before the policy pinned (shown again) is not taken.
        assert_eq!(refused(&both, Some(&log.logged(1)), &pinned_old, 2), "log_witnesses_not_logged");
        // Not logged at all, another entry, or the entry of another policy.
        assert_eq!(refused(&both, None, &pinned_old, 0), "log_witnesses_not_logged");
        assert_eq!(refused(&both, Some(&log.logged(0)), &pinned_old, 0), "log_witnesses_not_logged");
        let only_old = WitnessPolicy::new(vec![key(&old)], 1);
        assert_eq!(refused(&only_old, Some(&log.logged(1)), &pinned_old, 0), "log_witnesses_not_logged");
        // A newcomer beside the old one without the quorum raised could vouch alone: refused, logged or not.
        let mut added = TestLog::of(&[received(0), policy_logged(&WitnessPolicy::new(both.witnesses.clone(), 1))]);
        added.cosign(&old);
        let lax = WitnessPolicy::new(both.witnesses.clone(), 1);
        assert_eq!(refused(&lax, Some(&added.logged(1)), &pinned_old, 0), "log_witnesses_weakened");
        // So is the old one swapped for a newcomer at once.
        let only_new = WitnessPolicy::new(vec![key(&new)], 1);
        assert_eq!(refused(&only_new, None, &pinned_old, 0), "log_witnesses_weakened");

        // Step two: the old one dropped, the quorum lowered again; both cosigned the entry (the old one is still
        // asked while it retires).
        let mut dropped = TestLog::of(&[received(0), policy_logged(&both), policy_logged(&only_new)]);
        dropped.cosign(&new);
        let pinned_both = dropped.trusted_with_witnesses(&[&old, &new], 2);
        assert_eq!(refused(&only_new, Some(&dropped.logged(2)), &pinned_both, 2), "log_witnesses_not_logged");
        dropped.cosign(&old);
        assert_eq!(admit_witness_policy(&only_new, Some(&dropped.logged(2)), &pinned_both, 2, WEEK).unwrap().0, 2);
        // Dropping one waits until the pinned ones were kept a week: the added witness's step stands in the
        // public log that long before anyone acts on the next.
        let too_soon = admit_witness_policy(&only_new, Some(&dropped.logged(2)), &pinned_both, 2, WEEK - 1);
        assert_eq!(too_soon.unwrap_err(), LogError::WitnessesTooSoon { days: 7 });
        // A client that still pins the old one alone (it missed step one) is not moved by the newcomer.
        let pinned_old = dropped.trusted_with_witnesses(&[&old], 1);
        assert_eq!(refused(&only_new, Some(&dropped.logged(2)), &pinned_old, 0), "log_witnesses_weakened");
        // Lowering the quorum while keeping every witness is weakening too.
        let fewer = WitnessPolicy::new(both.witnesses.clone(), 1);
        assert_eq!(refused(&fewer, None, &pinned_both, 0), "log_witnesses_weakened");

        // A policy that asks no witness is never taken, even logged and cosigned; nor is anything for a client
        // that pins no quorum (it meets witnesses on first use instead).
        let none = WitnessPolicy::default();
        let mut unwitnessed = TestLog::of(&[policy_logged(&none)]);
        unwitnessed.cosign(&old);
        let pinned_old = unwitnessed.trusted_with_witnesses(&[&old], 1);
        assert_eq!(refused(&none, Some(&unwitnessed.logged(0)), &pinned_old, 0), "log_witnesses_weakened");
        assert_eq!(refused(&both, Some(&log.logged(1)), &log.trusted(), 0), "log_witnesses_not_logged");
        // Two keys under one witness's name (one would silently stand for the other) are not a policy.
        let twin = NoteSigner::cosigner("xinnuo.witness/old", &[5; 32]).unwrap();
        let twins = WitnessPolicy::new(vec![key(&old), key(&twin), key(&new)], 3);
        let mut doubled = TestLog::of(&[policy_logged(&twins)]);
        doubled.cosign(&old);
        let pinned_old = doubled.trusted_with_witnesses(&[&old], 1);
        assert_eq!(refused(&twins, Some(&doubled.logged(0)), &pinned_old, 0), "log_witnesses_not_logged");
        let message = LogError::WitnessesNotLogged { quorum: 1, witnesses: 2 }.message(Lang::Zh);
        assert!(message.contains("2 个，须 1 个联署") && message.contains("仍按此前信任的见证人核验"), "{message}");
        assert!(LogError::WitnessesTooSoon { days: 7 }.message(Lang::Zh).contains("满 7 天后才会采用"));
        let message = LogError::WitnessesWeakened { before: 1, now: 0 }.message(Lang::Zh);
        assert!(message.contains("只需 0 个联署") && message.contains("至少应有 1 个"), "{message}");
    }

    /// A receipt signed alone by the server key of seed 5 (the form made before receipts were log entries).
    fn signed_alone_receipt(id: &str, sequence: u64) -> Value {
        let claims = Receipt {
            receipt_type: crate::receipt::RECEIPT_TYPE.into(),
            submission_id: id.to_owned(),
            received_at: "2026-12-07T01:02:03.004Z".into(),
            sequence,
            key_status: KeyStatus::Verified,
            signer_kid: "k".into(),
            credit_code: "91140105123456788F".into(),
            template_id: "tax-service".into(),
            template_version: "1.0.0".into(),
        };
        let jws = crate::receipt::sign(&claims, &crate::envelope::Signer::from_seed(&[5; 32])).unwrap();
        serde_json::from_str::<Value>(&jws.to_json()).unwrap()
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
        // A witness policy reads back too, as `admit_witness_policy` reads it.
        let policy = policy_logged(&WitnessPolicy::new(vec!["xinnuo.witness/b+1+x".into()], 1));
        let text = String::from_utf8(policy.entry()).unwrap();
        assert!(text.starts_with(r#"{"at":"2026-12-08T00:00:00.000Z","event":"witness_policy","quorum":1,"#), "{text}");
        assert_eq!(LogEvent::parse(text.as_bytes()).unwrap(), policy);
        assert!(serde_json::from_str::<WitnessPolicyEntry>(&text).is_ok());
    }

    /// A verifier that pins the log's witnesses and quorum believes a receipt only in a checkpoint that many
    /// of them cosigned; one that pins none requires none; a listing asking more than it names is refused.
    #[test]
    fn a_receipt_counts_only_in_a_checkpoint_its_pinned_witness_quorum_cosigned() {
        let signer = NoteSigner::ed25519("xinnuo.test/log", &[9; 32]).unwrap();
        let witness = NoteSigner::cosigner("xinnuo.witness/a", &[7; 32]).unwrap();
        let second = NoteSigner::cosigner("xinnuo.witness/b", &[6; 32]).unwrap();
        let entries: Vec<Vec<u8>> = (0..3).map(|n| received(n).entry()).collect();
        let tree = MemoryTree::from_entries(&entries);
        let note = Checkpoint::new("xinnuo.test/log", 3, tree.root()).sign(&signer).unwrap();
        let text = note.split("\n\n").next().unwrap().to_owned() + "\n";
        let logged_at = |index: u64, note: &str| LoggedEntry {
            entry: String::from_utf8(entries[index as usize].clone()).unwrap(),
            proof: TlogProof {
                extra: None,
                index,
                proof: crate::tlog::merkle::inclusion_proof(&tree, 3, index).unwrap(),
                checkpoint: note.to_owned(),
            }
            .to_text(),
        };
        let logged = |note: &str| logged_at(1, note);
        let by_a = format!("{note}{}", witness.sign_line(&text, 1_796_000_000).unwrap());
        // The second witness's line made by another key under its name: it does not count.
        let impostor = NoteSigner::cosigner("xinnuo.witness/b", &[5; 32]).unwrap();
        let by_a_and_fake_b = format!("{by_a}{}", impostor.sign_line(&text, 1_796_000_000).unwrap());
        let by_both = format!("{by_a}{}", second.sign_line(&text, 1_796_000_000).unwrap());
        let jwk = crate::envelope::public_jwk(&crate::envelope::public_key(&[5; 32]));
        let pinned = |witnesses: &[&NoteSigner], quorum: u32| {
            let witnesses: Vec<String> = witnesses.iter().map(|w| w.verifier_key().to_string()).collect();
            TrustedServerKeys::from_json(&serde_json::json!({
                "keys": [{"jwk": jwk, "log_key": signer.verifier_key().to_string()}],
                "witnesses": witnesses, "witness_quorum": quorum}))
        };
        let id = format!("{:064x}", 1);
        let check = |note: &str, trusted: &TrustedServerKeys| {
            check_logged_receipt(&logged(note), Some(&id), trusted).map(|r| r.sequence).map_err(|e| e.code())
        };
        let one = pinned(&[&witness], 1).unwrap();
        assert_eq!(check(&note, &one), Err("log_not_witnessed"));
        assert_eq!(check(&by_a, &one), Ok(1));
        let refused = check_logged_receipt(&logged(&note), Some(&id), &one).unwrap_err();
        assert!(refused.message(Lang::Zh).contains("只有 0 个受信任的见证人联署，该日志要求 1 个"));
        let two = pinned(&[&witness, &second], 2).unwrap();
        assert_eq!(check(&by_a, &two), Err("log_not_witnessed"));
        assert_eq!(check(&by_a_and_fake_b, &two).map_err(|_| ()), Err(()), "an impostor's line under b's name");
        assert_eq!(check(&by_both, &two), Ok(1));
        // A witness named twice counts once.
        assert_eq!(check(&by_a, &pinned(&[&witness, &witness], 1).unwrap()), Ok(1));
        assert!(pinned(&[&witness, &witness], 2).is_err());
        // No witnesses pinned: none required (the keys alone, as before witnesses).
        assert_eq!(check(&note, &pinned(&[], 0).unwrap()), Ok(1));
        assert_eq!(pinned(&[&witness], 2).unwrap_err().code(), "bad_server_keys");
        // The same rule for an entry about a decision or a report.
        assert_eq!(verify_entry_about(&logged(&note), &id, &one).unwrap_err().code(), "log_not_witnessed");
        assert_eq!(verify_entry_about(&logged(&by_a), &id, &one).unwrap().index, 1);

        // A witness is a cosigner key, never the log's own key (nor a key of the log's name).
        let as_witness = |key: String| {
            TrustedServerKeys::from_json(&serde_json::json!({
                "keys": [{"jwk": jwk, "log_key": signer.verifier_key().to_string()}],
                "witnesses": [key], "witness_quorum": 1}))
        };
        assert_eq!(as_witness(signer.verifier_key().to_string()).unwrap_err().code(), "bad_server_keys");
        let log_named = NoteSigner::cosigner("xinnuo.test/log", &[4; 32]).unwrap();
        assert_eq!(as_witness(log_named.verifier_key().to_string()).unwrap_err().code(), "bad_server_keys");
        // One witness with two keys is one witness.
        let a_again = NoteSigner::cosigner("xinnuo.witness/a", &[3; 32]).unwrap();
        assert!(pinned(&[&witness, &a_again], 2).is_err());
        let by_a_twice = format!("{by_a}{}", a_again.sign_line(&text, 1_796_000_000).unwrap());
        assert_eq!(check(&by_a_twice, &pinned(&[&witness, &a_again], 1).unwrap()), Ok(1));

        // A receipt signed alone by the server key (as before the log) proves nothing where witnesses are
        // required (whoever holds the database holds that key); beside its witnessed log entry it counts.
        let signed_alone = signed_alone_receipt(&id, 1);
        let jws = serde_json::to_string(&signed_alone).unwrap();
        assert_eq!(check_answer(&signed_alone, None, Some(&id), &pinned(&[], 0).unwrap()).unwrap().sequence, 1);
        assert_eq!(check_answer(&signed_alone, None, Some(&id), &one).unwrap_err().code(), "log_not_witnessed");
        assert_eq!(check_receipt(&jws, Some(&id), &one).unwrap_err().code(), "log_not_witnessed");
        assert_eq!(
            check_answer(&signed_alone, Some(&logged(&note)), Some(&id), &one).unwrap_err().code(),
            "log_not_witnessed"
        );
        let beside = check_answer(&signed_alone, Some(&logged(&by_a)), Some(&id), &one).unwrap();
        assert_eq!((beside.sequence, beside.log.map(|place| place.index)), (1, Some(1)));
        // A receipt in a checkpoint nobody cosigned counts beside the same entry proved in a witnessed one (and
        // shows the witnessed place); beside another entry, or with no entry, it does not.
        let unwitnessed = serde_json::to_value(logged(&note)).unwrap();
        let refreshed = check_answer(&unwitnessed, Some(&logged(&by_a)), Some(&id), &one).unwrap();
        assert_eq!(refreshed.log.map(|place| place.checkpoint_note), Some(by_a.clone()));
        assert_eq!(check_answer(&unwitnessed, None, Some(&id), &one).unwrap_err().code(), "log_not_witnessed");
        assert_eq!(
            check_answer(&unwitnessed, Some(&logged(&note)), Some(&id), &one).unwrap_err().code(),
            "log_not_witnessed"
        );
        let other_entry = logged_at(2, &by_a);
        assert_eq!(
            check_answer(&unwitnessed, Some(&other_entry), Some(&id), &one).unwrap_err().code(),
            "other_submission"
        );
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
        let only_log = |key: VerifierKey| TrustedServerKeys::from_log_keys([key]);
        let placed = verify_logged(&logged, &only_log(signer.verifier_key())).unwrap();
        assert_eq!((placed.index, placed.checkpoint.size, &placed.event), (3, 5, &events[3]));
        let stranger = NoteSigner::ed25519("xinnuo.test/log", &[8; 32]).unwrap();
        assert!(verify_logged(&logged, &only_log(stranger.verifier_key())).is_err(), "another key's log");
        let swapped = LoggedEntry { entry: String::from_utf8(entries[2].clone()).unwrap(), ..logged.clone() };
        assert_eq!(
            verify_logged(&swapped, &only_log(signer.verifier_key())).unwrap_err().code(),
            "log_inclusion_invalid"
        );

        // As a receipt: against the log key the pinned server keys list, for this submission only.
        let listed = |log_key: String| {
            let jwk = crate::envelope::public_jwk(&crate::envelope::public_key(&[5; 32]));
            TrustedServerKeys::from_json(&serde_json::json!({"keys": [{"jwk": jwk, "log_key": log_key}]})).unwrap()
        };
        let trusted = listed(signer.verifier_key().to_string());
        let id = format!("{:064x}", 3);
        let receipt = check_logged_receipt(&logged, Some(&id), &trusted).unwrap();
        let place = receipt.log.clone().unwrap();
        assert_eq!((receipt.sequence, place.index, place.checkpoint_size, place.number()), (3, 3, 5, 4));
        assert_eq!((place.origin.as_str(), &receipt.proof), ("xinnuo.test/log", &ReceiptProof::Logged));
        assert_eq!(receipt.server_kid(), None);
        // The same as text, the form a receipt is stored and handed over in, with or without its id.
        let text = serde_json::to_string(&logged).unwrap();
        assert_eq!(check_receipt(&text, Some(&id), &trusted).unwrap(), receipt);
        assert_eq!(check_receipt(&text, None, &trusted).unwrap(), receipt);
        let other = check_logged_receipt(&logged, Some(&format!("{:064x}", 4)), &trusted).unwrap_err();
        assert_eq!(other.code(), "other_submission");
        let unpinned = check_logged_receipt(&logged, Some(&id), &listed(stranger.verifier_key().to_string()));
        assert_eq!(unpinned.unwrap_err().code(), "unknown_server_key");
        let no_log_key = TrustedServerKeys::from_public_keys([crate::envelope::public_key(&[5; 32])]);
        assert_eq!(check_receipt(&text, Some(&id), &no_log_key).unwrap_err().code(), "unknown_server_key");
        // An entry of another event is no receipt.
        let decision_like = LoggedEntry {
            entry: String::from_utf8(received(3).entry()).unwrap().replace("received", "report"),
            ..logged.clone()
        };
        assert!(check_logged_receipt(&decision_like, None, &trusted).is_err());

        // A receipt signed alone, as servers made them before: still verifies, by the server key that signed
        // it; its answer's log entry, where given, must say the same.
        let signed_receipt = |sequence: u64| signed_alone_receipt(&id, sequence);
        let old = check_answer(&signed_receipt(3), None, Some(&id), &trusted).unwrap();
        assert_eq!((old.sequence, old.log.is_none()), (3, true));
        assert_eq!(
            old.server_kid(),
            Some(crate::envelope::thumbprint(&crate::envelope::public_key(&[5; 32])).as_str())
        );
        let with_log = check_answer(&signed_receipt(3), Some(&logged), Some(&id), &trusted).unwrap();
        assert_eq!(with_log.log.map(|place| place.index), Some(3));
        assert_eq!(
            check_answer(&signed_receipt(4), Some(&logged), Some(&id), &trusted).unwrap_err(),
            ReceiptError::OtherSubmission,
            "the log and the signed receipt disagree"
        );
        let logged_value = serde_json::to_value(&logged).unwrap();
        assert_eq!(check_answer(&logged_value, Some(&logged), Some(&id), &trusted).unwrap(), receipt);
        // A log entry beside a good receipt is checked too: one bent by an index is not believed.
        let bent = LoggedEntry { proof: logged.proof.replace("\nindex 3\n", "\nindex 2\n"), ..logged.clone() };
        assert!(check_answer(&logged_value, Some(&bent), Some(&id), &trusted).is_err());

        // A build without the signed-alone form (`log-receipts-only`) takes the log entry beside such a receipt
        // as the receipt, checked as strictly; alone, the receipt is sent to a page that checks it.
        let only_log =
            |receipt: &Value, log: Option<&LoggedEntry>| check_answer_with::<false>(receipt, log, Some(&id), &trusted);
        assert_eq!(only_log(&signed_receipt(3), Some(&logged)).unwrap(), receipt);
        // What is kept is what was checked: the entry, not the receipt signed alone beside it (whoever signed
        // that; in this build nobody checked it).
        let taken = only_log(&signed_receipt(4), Some(&logged)).unwrap();
        assert_eq!(receipt_to_keep(&signed_receipt(4), Some(&logged), &taken), logged_value);
        let full = check_answer(&signed_receipt(3), Some(&logged), Some(&id), &trusted).unwrap();
        assert_eq!(receipt_to_keep(&signed_receipt(3), Some(&logged), &full), signed_receipt(3), "checked itself");
        assert_eq!(receipt_to_keep(&logged_value, Some(&logged), &receipt), logged_value);
        assert_eq!(receipt_to_keep(&logged_value, None, &receipt), logged_value);
        assert_eq!(only_log(&signed_receipt(3), None).unwrap_err(), ReceiptError::SignedAloneElsewhere);
        assert_eq!(only_log(&signed_receipt(3), None).unwrap_err().code(), "signed_alone_elsewhere");
        assert!(only_log(&signed_receipt(3), Some(&bent)).is_err(), "the entry beside it is checked");
        let wrong_id = check_answer_with::<false>(&signed_receipt(3), Some(&logged), Some(&"ab".repeat(32)), &trusted);
        assert_eq!(wrong_id.unwrap_err().code(), "other_submission");
        assert_eq!(only_log(&logged_value, None).unwrap(), receipt);
        // Anything else is no receipt, in either build (one error code for one input).
        assert_eq!(only_log(&Value::from("not a receipt"), None).unwrap_err(), ReceiptError::NotAReceipt);
        assert_eq!(only_log(&serde_json::json!({"entry": 1}), None).unwrap_err(), ReceiptError::NotAReceipt);
        // Under a witness quorum the entry must be witnessed, as anywhere.
        let witness = NoteSigner::cosigner("xinnuo.witness/a", &[3; 32]).unwrap();
        let quorum = TrustedServerKeys::from_json(&serde_json::json!({
            "keys": [{"jwk": crate::envelope::public_jwk(&crate::envelope::public_key(&[5; 32])),
                      "log_key": signer.verifier_key().to_string()}],
            "witnesses": [witness.verifier_key().to_string()], "witness_quorum": 1}))
        .unwrap();
        assert_eq!(
            check_answer_with::<false>(&signed_receipt(3), Some(&logged), Some(&id), &quorum).unwrap_err().code(),
            "log_not_witnessed"
        );
        let alone = check_receipt_with::<false>(&crate::receipt::jws_text(&signed_receipt(3)), None, &trusted, false);
        assert_eq!(alone.unwrap_err(), ReceiptError::SignedAloneElsewhere);
    }

    /// A decision's receipt: its entry in the log (what servers answer now), or signed alone (made before).
    #[test]
    fn a_decision_receipt_is_its_log_entry_or_a_receipt_signed_alone_and_counts_only_from_pinned_keys() {
        use crate::decision::{CommitmentState, DecisionReceipt, Outcome, DECISION_RECEIPT_TYPE};
        let decision_id = "cd".repeat(32);
        let target = "ab".repeat(32);
        let event = LogEvent::Decision {
            decision_id: decision_id.clone(),
            target: target.clone(),
            action: Action::Accept,
            state: "in_force".into(),
            decided_at: "2026-12-07T01:00:00.000Z".into(),
            received_at: "2026-12-07T01:00:01.000Z".into(),
        };
        let log = TestLog::of(&[received(0), event]);
        let logged_at = |index: u64| log.logged(index);
        let trusted = log.trusted();
        let as_value = |logged: &LoggedEntry| serde_json::to_value(logged).unwrap();
        let checked = check_decision_receipt(&as_value(&logged_at(1)), &decision_id, &trusted).unwrap();
        assert_eq!(
            (checked.target.as_str(), checked.action, checked.state.as_str()),
            (target.as_str(), Action::Accept, "in_force")
        );
        assert_eq!(checked.log.map(|place| place.number()), Some(2));
        assert_eq!(
            check_decision_receipt(&as_value(&logged_at(1)), &"ef".repeat(32), &trusted).unwrap_err(),
            ReceiptError::OtherSubmission
        );
        assert_eq!(
            check_decision_receipt(&as_value(&logged_at(0)), &decision_id, &trusted).unwrap_err(),
            ReceiptError::NotAReceipt,
            "a submission's entry is no decision's receipt"
        );
        let unpinned = TrustedServerKeys::from_public_keys([crate::envelope::public_key(&[5; 32])]);
        assert_eq!(
            check_decision_receipt(&as_value(&logged_at(1)), &decision_id, &unpinned).unwrap_err(),
            ReceiptError::UnknownServerKey
        );
        // Signed alone by the server key, as before: still verified, against that key only.
        let signed = crate::decision::sign_receipt(
            &DecisionReceipt {
                receipt_type: DECISION_RECEIPT_TYPE.into(),
                decision_id: decision_id.clone(),
                target: target.clone(),
                action: Action::Accept,
                state: Outcome::Commitment(CommitmentState::InForce),
                received_at: "2026-12-07T01:00:01.000Z".into(),
                sequence: 1,
                officer_kid: "k".into(),
                department: "国家税务总局山西省税务局".into(),
            },
            &crate::envelope::Signer::from_seed(&[5; 32]),
        )
        .unwrap();
        let signed: Value = serde_json::from_str(&signed.to_json()).unwrap();
        let old = check_decision_receipt(&signed, &decision_id, &trusted).unwrap();
        assert_eq!((old.state.as_str(), old.log), ("in_force", None));
        let stranger = TrustedServerKeys::from_public_keys([crate::envelope::public_key(&[6; 32])]);
        assert_eq!(
            check_decision_receipt(&signed, &decision_id, &stranger).unwrap_err(),
            ReceiptError::UnknownServerKey
        );
    }

    /// An objection's receipt, in either form; and a checkpoint is opened only with the key of its own log.
    #[test]
    fn an_objection_receipt_verifies_in_either_form_and_a_log_key_opens_only_its_own_log() {
        use crate::objection::{ObjectionReceipt, OBJECTION_RECEIPT_TYPE};
        let signer = NoteSigner::ed25519("xinnuo.test/log", &[9; 32]).unwrap();
        let objection_id = "ee".repeat(32);
        let event = LogEvent::ObjectionReceived {
            objection_id: objection_id.clone(),
            credit_code: "91140105123456788F".into(),
            record_id: "r-1".into(),
            received_at: "2026-12-07T01:00:01.000Z".into(),
        };
        let entry = event.entry();
        let tree = MemoryTree::from_entries(std::slice::from_ref(&entry));
        let logged_by = |signer: &NoteSigner, origin: &str| {
            let checkpoint = Checkpoint::new(origin, 1, tree.root()).sign(signer).unwrap();
            let logged = LoggedEntry {
                entry: String::from_utf8(entry.clone()).unwrap(),
                proof: TlogProof { extra: None, index: 0, proof: Vec::new(), checkpoint }.to_text(),
            };
            serde_json::to_value(logged).unwrap()
        };
        let jwk = crate::envelope::public_jwk(&crate::envelope::public_key(&[5; 32]));
        let pinned = |keys: &[&NoteSigner]| {
            let listed: Vec<Value> =
                keys.iter().map(|k| serde_json::json!({"jwk": jwk, "log_key": k.verifier_key().to_string()})).collect();
            TrustedServerKeys::from_json(&serde_json::json!({ "keys": listed })).unwrap()
        };
        let trusted = pinned(&[&signer]);
        let checked = check_objection_receipt(&logged_by(&signer, "xinnuo.test/log"), &objection_id, &trusted).unwrap();
        assert_eq!((checked.record_id.as_str(), checked.log.map(|p| p.number())), ("r-1", Some(1)));
        assert_eq!(
            check_objection_receipt(&logged_by(&signer, "xinnuo.test/log"), &"ff".repeat(32), &trusted).unwrap_err(),
            ReceiptError::OtherSubmission
        );
        // Another log's key, pinned beside this one, does not open a checkpoint of this log's name.
        let other = NoteSigner::ed25519("xinnuo.other/log", &[8; 32]).unwrap();
        let both = pinned(&[&signer, &other]);
        assert_eq!(
            check_objection_receipt(&logged_by(&other, "xinnuo.test/log"), &objection_id, &both).unwrap_err(),
            ReceiptError::UnknownServerKey
        );
        // Signed alone, as before: by a trusted server key only.
        let signed = crate::objection::sign_receipt(
            &ObjectionReceipt {
                receipt_type: OBJECTION_RECEIPT_TYPE.into(),
                objection_id: objection_id.clone(),
                credit_code: "91140105123456788F".into(),
                record_id: "r-1".into(),
                received_at: "2026-12-07T01:00:01.000Z".into(),
                sequence: 1,
                signer_kid: "k".into(),
            },
            &crate::envelope::Signer::from_seed(&[5; 32]),
        )
        .unwrap();
        let signed: Value = serde_json::from_str(&signed.to_json()).unwrap();
        assert_eq!(check_objection_receipt(&signed, &objection_id, &trusted).unwrap().log, None);
        let stranger = TrustedServerKeys::from_public_keys([crate::envelope::public_key(&[6; 32])]);
        assert_eq!(
            check_objection_receipt(&signed, &objection_id, &stranger).unwrap_err(),
            ReceiptError::UnknownServerKey
        );
    }

    /// A browser keeps the newest checkpoint it believed; a newer one must extend it (consistency proof from the
    /// tiles), and a rewritten log is refused, whichever of the two is larger.
    #[test]
    fn a_kept_checkpoint_is_extended_only_by_the_same_log() {
        use crate::tlog::{build_log, NoteSigner};
        let signer = NoteSigner::ed25519("xinnuo.test/log", &[9; 32]).unwrap();
        let keys = [signer.verifier_key()];
        let entries: Vec<Vec<u8>> = (0..700).map(|n| received(n).entry()).collect();
        let note_of = |entries: &[Vec<u8>]| {
            let tree = MemoryTree::from_entries(entries);
            Checkpoint::new("xinnuo.test/log", entries.len() as u64, tree.root()).sign(&signer).unwrap()
        };
        let kept = believe(&note_of(&entries[..300]), &keys, &[]).unwrap();
        let newer = believe(&note_of(&entries), &keys, &[]).unwrap();
        assert!(kept.cosigners.is_empty());
        let tiles: std::collections::BTreeMap<Tile, Vec<u8>> = build_log(&entries).unwrap().files.into_iter().collect();
        let needed = consistency_tiles(&kept.checkpoint, &newer.checkpoint).unwrap();
        assert!(!needed.is_empty() && needed.iter().all(|t| tiles.contains_key(t)), "{needed:?}");
        // Only the tiles it named are read.
        let fetched: std::collections::BTreeMap<Tile, Vec<u8>> =
            needed.iter().map(|t| (*t, tiles[t].clone())).collect();
        assert_eq!(check_extension(&kept.checkpoint, &newer.checkpoint, &fetched), Ok(Extension::Extends));
        // Kept the newer one and met the older (a receipt's checkpoint): the same tiles are named, and suffice.
        assert_eq!(consistency_tiles(&newer.checkpoint, &kept.checkpoint).unwrap(), needed);
        assert_eq!(check_extension(&newer.checkpoint, &kept.checkpoint, &fetched), Ok(Extension::Older));
        assert!(consistency_tiles(&newer.checkpoint, &newer.checkpoint).unwrap().is_empty());
        assert_eq!(check_extension(&newer.checkpoint, &newer.checkpoint, &tiles), Ok(Extension::Same));

        // A log whose entry 100 was changed, re-signed by the same key: refused against what was kept.
        let mut forged = entries.clone();
        forged[100] = received(9999).entry();
        let rewritten = believe(&note_of(&forged), &keys, &[]).unwrap();
        let forged_tiles: std::collections::BTreeMap<Tile, Vec<u8>> =
            build_log(&forged).unwrap().files.into_iter().collect();
        let refused = check_extension(&kept.checkpoint, &rewritten.checkpoint, &forged_tiles).unwrap_err();
        assert_eq!(refused, LogError::Rewritten { kept: 300, seen: 700 });
        assert!(refused.message(Lang::Zh).contains("日志可能被改写"));
        // The honest tiles do not help a forged root either.
        assert!(check_extension(&kept.checkpoint, &rewritten.checkpoint, &tiles).is_err());
        // Same size, another root.
        let same_size = believe(&note_of(&forged[..300]), &keys, &[]).unwrap();
        assert_eq!(
            check_extension(&kept.checkpoint, &same_size.checkpoint, &tiles).unwrap_err().code(),
            "log_rewritten"
        );
        // A checkpoint no pinned key signed is not believed at all.
        let stranger = NoteSigner::ed25519("xinnuo.test/log", &[8; 32]).unwrap();
        assert!(believe(&note_of(&entries), &[stranger.verifier_key()], &[]).is_err());

        // A witness's cosignature: named, and verified once its key is pinned.
        let witness = NoteSigner::cosigner("xinnuo.witness/test", &[7; 32]).unwrap();
        let note = note_of(&entries);
        let text = note.split("\n\n").next().unwrap().to_owned() + "\n";
        let cosigned = format!("{note}{}", witness.sign_line(&text, 1_796_000_000).unwrap());
        let unpinned = believe(&cosigned, &keys, &[]).unwrap();
        assert_eq!(
            (unpinned.cosigners.clone(), unpinned.witnessed()),
            (vec![("xinnuo.witness/test".to_owned(), false)], 0)
        );
        let pinned = believe(&cosigned, &keys, &[witness.verifier_key()]).unwrap();
        assert_eq!(pinned.witnessed(), 1);
        let other = NoteSigner::cosigner("xinnuo.witness/test", &[6; 32]).unwrap();
        assert_eq!(
            believe(&cosigned, &keys, &[other.verifier_key()]).unwrap().witnessed(),
            0,
            "another key of that name"
        );
    }
}
