//! `xinnuo-server log verify --url URL [--state FILE]`: a monitor of a server's public log, run by anyone
//! (another department, a journalist, the operator's auditor) against the public URLs only.
//!
//! What it checks, in order:
//! 1. **The log keys.** On first use the log keys listed by `GET /api/v1/server-keys` are pinned in the state
//!    file (trust on first use, as an SSH client does). Later runs trust only the pinned keys; a key listed
//!    since is trusted only when the log it signs extends the checkpoint saved under a pinned key (consistency
//!    below) and records that server key's addition as a `server_key` entry — then it is pinned too.
//! 2. **The log.** `GET /log/checkpoint`, opened with the pinned keys; every entry bundle and hash tile read
//!    (`/log/tile/…`) and the whole tree recomputed against the signed root (`tlog::verify_log`); every entry
//!    must be a `public_log::LogEvent`.
//! 3. **No rewriting.** The checkpoint saved by the last run that passed must be a prefix of this one: a
//!    consistency proof from the recomputed tree, checked against both signed roots. A smaller, different or
//!    forked log is refused loudly and the saved checkpoint kept.
//! 4. **The log against the public record** ([`compare`], pure): every published commitment has its
//!    `received` entry and every logged submission is still served (`GET /api/v1/commitments/{id}`); every
//!    decision shown has its `decision` entry with the same target, action and state, and every logged
//!    decision on a submission is shown; every record shown by `GET /api/v1/subjects/{code}` has a record
//!    entry whose latest change leaves it public and whose `body_sha256` is the digest of the record as
//!    served, and every record the log leaves public is shown; every objection shown has its entry and the
//!    state its logged decisions leave it in, and every logged objection is shown on its subject's page.
//!
//!    The witnesses and quorum `GET /api/v1/server-keys` lists must be the ones the log last recorded (a
//!    `witness_policy` entry): clients take new ones only from the log. Each witness policy logged since the
//!    saved checkpoint is named in the summary (witnesses cosign without reading: a change is for people to
//!    judge).
//!
//! The state file is written only when everything passed. Every finding names what is missing or changed,
//! with a stable code and a sentence in each language.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use xinnuo_core::calendar::UtcTimestamp;
use xinnuo_core::decision::Action;
use xinnuo_core::error::Described;
use xinnuo_core::lang::Lang;
use xinnuo_core::public_log::{body_sha256, LogEvent, RecordChange, WitnessPolicy};
use xinnuo_core::tlog::{
    consistency_proof, open_checkpoint, parse_entry_bundle, verify_consistency, verify_log, Checkpoint,
    SignedCheckpoint, Tile, TileLevel, TileReader, TlogError, VerifierKey, TILE_WIDTH,
};
use xinnuo_core::wire::{CommitmentDetail, PublicationList, ServerKeys, SubjectList, SubjectView};
use xinnuo_core::workflow::{self, DecidedMarks, PublicationEnd};

/// What one run was asked.
pub struct Options {
    /// The server's base URL, e.g. `https://credit.example.gov.cn`.
    pub url: String,
    /// Where the pinned keys and the last good checkpoint are kept.
    pub state: Option<PathBuf>,
    /// Witnesses whose cosignatures count (C2SP vkeys), and how many must have cosigned the checkpoint.
    pub witnesses: Vec<VerifierKey>,
    pub witness_quorum: usize,
}

/// What the monitor remembers between runs (JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitorState {
    /// The log's origin (its name on every checkpoint).
    pub origin: String,
    /// The pinned log keys (C2SP signed-note verifier keys).
    pub log_keys: Vec<String>,
    /// The newest checkpoint that passed every check (a signed note).
    pub checkpoint: String,
    /// Its size, for people reading the file.
    pub size: u64,
}

/// What a run found when the log itself could be read: the size, what the public API showed, what is wrong.
#[derive(Debug)]
pub struct Report {
    pub origin: String,
    pub size: u64,
    pub previous_size: Option<u64>,
    pub first_use: bool,
    pub newly_pinned: Vec<String>,
    pub commitments: usize,
    pub decisions: usize,
    pub subjects: usize,
    pub records: usize,
    /// The witness policies logged since the saved checkpoint (all of them on first use), with their indices.
    pub witness_policies: Vec<(u64, WitnessPolicy)>,
    pub findings: Vec<Finding>,
    pub saved: bool,
}

/// Why a run could not check the log at all (nothing is saved).
#[derive(Debug, Clone, PartialEq)]
pub enum MonitorError {
    /// A request failed or was answered with an error.
    Http { url: String, reason: String },
    /// An answer that is not what the public API documents.
    BadAnswer { url: String, what: &'static str },
    /// The state file cannot be read or written.
    State { path: String, reason: String },
    /// The server lists no log key to pin.
    NoLogKeys,
    /// The checkpoint is not signed by a pinned log key (nor by a new key the log explains).
    CheckpointUnverified(TlogError),
    /// The checkpoint names another log than the one pinned.
    OriginChanged { pinned: String, found: String },
    /// The tiles and entries do not make the signed tree.
    LogInvalid(TlogError),
    /// The log is not an extension of the checkpoint saved earlier.
    Rewritten { old_size: u64, new_size: u64 },
    /// A log key not pinned signs the checkpoint, and the log does not record its server key's addition.
    NewKeyNotLogged { log_key: String },
    /// Fewer of the required witnesses cosigned the checkpoint than asked.
    NotWitnessed { cosigned: usize, required: usize },
}

fn lang_pick(lang: Lang, zh: String, en: String) -> String {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

impl Described for MonitorError {
    fn code(&self) -> &'static str {
        match self {
            Self::Http { .. } => "monitor_http",
            Self::BadAnswer { .. } => "monitor_bad_answer",
            Self::State { .. } => "monitor_state",
            Self::NoLogKeys => "monitor_no_log_keys",
            Self::CheckpointUnverified(_) => "monitor_checkpoint_unverified",
            Self::OriginChanged { .. } => "monitor_origin_changed",
            Self::LogInvalid(_) => "monitor_log_invalid",
            Self::Rewritten { .. } => "monitor_log_rewritten",
            Self::NewKeyNotLogged { .. } => "monitor_new_key_not_logged",
            Self::NotWitnessed { .. } => "monitor_not_witnessed",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Http { url, reason } => {
                lang_pick(lang, format!("请求 {url} 失败：{reason}"), format!("Request to {url} failed: {reason}"))
            }
            Self::BadAnswer { url, what } => lang_pick(
                lang,
                format!("{url} 的应答不是公开接口所述的格式（{what}）。"),
                format!("{url} answered something the public API does not document ({what})."),
            ),
            Self::State { path, reason } => {
                lang_pick(lang, format!("状态文件 {path}：{reason}"), format!("State file {path}: {reason}"))
            }
            Self::NoLogKeys => lang_pick(
                lang,
                "服务器未公布任何日志密钥，无法固定。".into(),
                "The server lists no log key to pin.".into(),
            ),
            Self::CheckpointUnverified(inner) => lang_pick(
                lang,
                format!("检查点没有已固定日志密钥的有效签名：{}", inner.message(Lang::Zh)),
                format!("The checkpoint is not signed by a pinned log key: {}", inner.message(Lang::En)),
            ),
            Self::OriginChanged { pinned, found } => lang_pick(
                lang,
                format!("日志名称由 {pinned} 变为 {found}：这是另一份日志。"),
                format!("The log's origin changed from {pinned} to {found}: this is another log."),
            ),
            Self::LogInvalid(inner) => lang_pick(
                lang,
                format!("日志的瓦片与条目不能构成已签名的树：{}", inner.message(Lang::Zh)),
                format!("The log's tiles and entries do not make the signed tree: {}", inner.message(Lang::En)),
            ),
            Self::Rewritten { old_size, new_size } => lang_pick(
                lang,
                format!(
                    "日志被改写：现有 {new_size} 条的日志不是此前保存的 {old_size} 条检查点的延续。不信任此日志，已保存的检查点保留不变。"
                ),
                format!(
                    "The log was rewritten: the log of {new_size} entries does not extend the checkpoint of {old_size} entries saved earlier. It is not trusted; the saved checkpoint is kept."
                ),
            ),
            Self::NewKeyNotLogged { log_key } => lang_pick(
                lang,
                format!("检查点由未固定的日志密钥 {log_key} 签名，而日志中没有其服务器密钥加入的条目。"),
                format!(
                    "The checkpoint is signed by a log key not pinned ({log_key}), and the log does not record its server key's addition."
                ),
            ),
            Self::NotWitnessed { cosigned, required } => lang_pick(
                lang,
                format!("检查点只有 {cosigned} 位指定见证人的有效联署，要求 {required} 位：不予信任。"),
                format!("The checkpoint carries valid cosignatures of {cosigned} of the given witnesses; {required} are required: not trusted."),
            ),
        }
    }
}

impl std::fmt::Display for MonitorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::Zh))
    }
}

impl std::error::Error for MonitorError {}

/// Something the public record and the log disagree on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Finding {
    /// An entry of the log that is not an event of the public record.
    NotAnEntry { index: u64 },
    /// A published commitment without its `received` entry.
    CommitmentNotLogged { submission_id: String },
    /// A logged submission the API no longer serves.
    CommitmentMissing { submission_id: String },
    /// A commitment shown with another sequence, time of receipt or key standing than its `received` entry.
    CommitmentDiffers { submission_id: String, what: &'static str, logged: String, shown: String },
    /// A decision shown without its `decision` entry.
    DecisionNotLogged { decision_id: String, target: String },
    /// A decision shown otherwise than logged (its target, action or state).
    DecisionDiffers { decision_id: String, what: &'static str, logged: String, shown: String },
    /// A logged decision on a submission that is not shown with it.
    DecisionMissing { decision_id: String, target: String },
    /// A record shown that the log never added.
    RecordNotLogged { credit_code: String, record_id: String },
    /// A record shown whose content is not the content logged.
    RecordDiffers { credit_code: String, record_id: String },
    /// A record shown that the log says was removed or hidden.
    RecordNotPublic { credit_code: String, record_id: String, change: &'static str },
    /// A record the log leaves public that is not shown.
    RecordMissing { credit_code: String, record_id: String },
    /// A record a decision added (a broken commitment) that the log has an import remove: what a decision did
    /// outlives a new import (`workflow::DecidedMarks`).
    DecidedRecordRemoved { credit_code: String, record_id: String, decision_id: String },
    /// An objection shown without its `objection_received` entry.
    ObjectionNotLogged { objection_id: String },
    /// A logged objection that its subject's page does not show.
    ObjectionMissing { objection_id: String, credit_code: String },
    /// An objection shown in another state than its logged decisions leave it.
    ObjectionDiffers { objection_id: String, logged: String, shown: String },
    /// The server lists other witnesses or another quorum than the log last recorded (none: `logged` 0 of 0).
    WitnessesNotLogged { listed: String, logged: String },
}

impl Described for Finding {
    fn code(&self) -> &'static str {
        match self {
            Self::NotAnEntry { .. } => "monitor_not_an_entry",
            Self::CommitmentNotLogged { .. } => "monitor_commitment_not_logged",
            Self::CommitmentMissing { .. } => "monitor_commitment_missing",
            Self::CommitmentDiffers { .. } => "monitor_commitment_differs",
            Self::DecisionNotLogged { .. } => "monitor_decision_not_logged",
            Self::DecisionDiffers { .. } => "monitor_decision_differs",
            Self::DecisionMissing { .. } => "monitor_decision_missing",
            Self::RecordNotLogged { .. } => "monitor_record_not_logged",
            Self::RecordDiffers { .. } => "monitor_record_differs",
            Self::RecordNotPublic { .. } => "monitor_record_not_public",
            Self::RecordMissing { .. } => "monitor_record_missing",
            Self::DecidedRecordRemoved { .. } => "monitor_decided_record_removed",
            Self::ObjectionNotLogged { .. } => "monitor_objection_not_logged",
            Self::ObjectionMissing { .. } => "monitor_objection_missing",
            Self::ObjectionDiffers { .. } => "monitor_objection_differs",
            Self::WitnessesNotLogged { .. } => "monitor_witnesses_not_logged",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::NotAnEntry { index } => lang_pick(
                lang,
                format!("日志第 {index} 条不是信诺公开日志的条目。"),
                format!("Log entry {index} is not an entry of a Xinnuo public log."),
            ),
            Self::CommitmentNotLogged { submission_id } => lang_pick(
                lang,
                format!("承诺 {submission_id} 已公示，但日志中没有它的收件条目。"),
                format!("Commitment {submission_id} is published but the log has no received entry for it."),
            ),
            Self::CommitmentMissing { submission_id } => lang_pick(
                lang,
                format!("日志记有提交 {submission_id} 的收件，但公开接口已查不到它。"),
                format!("The log records the receipt of {submission_id}, but the public API no longer has it."),
            ),
            Self::CommitmentDiffers { submission_id, what, logged, shown } => lang_pick(
                lang,
                format!("承诺 {submission_id} 的 {what} 与日志不符：日志为 {logged}，公示为 {shown}。"),
                format!("Commitment {submission_id} differs from the log in its {what}: logged {logged}, shown {shown}."),
            ),
            Self::DecisionNotLogged { decision_id, target } => lang_pick(
                lang,
                format!("{target} 上公示的决定 {decision_id} 不在日志中。"),
                format!("Decision {decision_id} shown on {target} is not in the log."),
            ),
            Self::DecisionDiffers { decision_id, what, logged, shown } => lang_pick(
                lang,
                format!("决定 {decision_id} 的 {what} 与日志不符：日志为 {logged}，公示为 {shown}。"),
                format!("Decision {decision_id} differs from the log in its {what}: logged {logged}, shown {shown}."),
            ),
            Self::DecisionMissing { decision_id, target } => lang_pick(
                lang,
                format!("日志中对 {target} 的决定 {decision_id} 未公示。"),
                format!("Decision {decision_id} on {target} is in the log but not shown."),
            ),
            Self::RecordNotLogged { credit_code, record_id } => lang_pick(
                lang,
                format!("记录 {credit_code}/{record_id} 已公示，但日志中没有它。"),
                format!("Record {credit_code}/{record_id} is shown but the log never added it."),
            ),
            Self::RecordDiffers { credit_code, record_id } => lang_pick(
                lang,
                format!("记录 {credit_code}/{record_id} 的内容与日志不符。"),
                format!("Record {credit_code}/{record_id} differs from the log."),
            ),
            Self::RecordNotPublic { credit_code, record_id, change } => lang_pick(
                lang,
                format!("记录 {credit_code}/{record_id} 仍在公示，但日志记其已不公开（{change}）。"),
                format!("Record {credit_code}/{record_id} is shown, but the log has it {change}."),
            ),
            Self::RecordMissing { credit_code, record_id } => lang_pick(
                lang,
                format!("记录 {credit_code}/{record_id} 在日志中应为公开，但未公示（被删除？）。"),
                format!("Record {credit_code}/{record_id} is public in the log but not shown (deleted?)."),
            ),
            Self::DecidedRecordRemoved { credit_code, record_id, decision_id } => lang_pick(
                lang,
                format!(
                    "记录 {credit_code}/{record_id} 由决定 {decision_id} 加入，日志却记其在重新导入时被删除：决定的效果应在重新导入后保留。"
                ),
                format!(
                    "Record {credit_code}/{record_id} was added by decision {decision_id}, yet the log has an import remove it: what a decision did outlives a new import."
                ),
            ),
            Self::ObjectionNotLogged { objection_id } => lang_pick(
                lang,
                format!("异议 {objection_id} 已公示，但日志中没有它的收件条目。"),
                format!("Objection {objection_id} is shown but the log has no entry for its receipt."),
            ),
            Self::ObjectionMissing { objection_id, credit_code } => lang_pick(
                lang,
                format!("日志记有对 {credit_code} 的异议 {objection_id}，但主体页面未显示它。"),
                format!("The log records objection {objection_id} to {credit_code}, but the subject's page does not show it."),
            ),
            Self::ObjectionDiffers { objection_id, logged, shown } => lang_pick(
                lang,
                format!("异议 {objection_id} 的状态与日志不符：日志为 {logged}，公示为 {shown}。"),
                format!("Objection {objection_id} differs from the log: logged {logged}, shown {shown}."),
            ),
            Self::WitnessesNotLogged { listed, logged } => lang_pick(
                lang,
                format!("服务器列出的见证人（{listed}）与日志最近记录的（{logged}）不符：客户端不会采用未记入日志的见证人。"),
                format!(
                    "The server lists witnesses ({listed}) other than the log last recorded ({logged}): clients do not take witnesses the log does not record."
                ),
            ),
        }
    }
}

/// A decision as the public API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownDecision {
    pub decision_id: String,
    pub target: String,
    pub action: String,
    pub state: String,
}

/// What a commitment's page shows of its receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownReceipt {
    pub sequence: u64,
    pub received_at: String,
    pub key_status: String,
}

/// An objection as a subject's page shows it (never its grounds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownObjection {
    pub objection_id: String,
    pub record_id: String,
    pub state: String,
}

/// What the public API showed, as far as the log speaks of it.
#[derive(Debug, Clone, Default)]
pub struct PublicView {
    /// The submission ids of `GET /api/v1/publications`.
    pub published: BTreeSet<String>,
    /// `GET /api/v1/commitments/{id}` for each submission asked: its decisions, or `None` when not found.
    pub commitments: BTreeMap<String, Option<Vec<ShownDecision>>>,
    /// What each commitment found shows of its receipt: sequence, time of receipt, key standing on receipt.
    pub receipts: BTreeMap<String, ShownReceipt>,
    /// Each subject's records as served, by credit code.
    pub subjects: BTreeMap<String, Vec<Value>>,
    /// Each subject's objections as shown, by credit code.
    pub objections: BTreeMap<String, Vec<ShownObjection>>,
    /// The witnesses and quorum the server lists with its keys.
    pub witnesses: WitnessPolicy,
}

/// What the log says of a record now: whether it is there, what decisions did to it (read from the decision
/// entry each of their record entries follows), its last change and its body's digest.
#[derive(Debug, Clone)]
struct RecordInLog {
    present: bool,
    marks: DecidedMarks,
    latest: RecordChange,
    body_sha256: Option<String>,
}

/// The decision a record entry is the effect of: the entry just before it, when that is a decision whose
/// action has this effect (a decision's entries are appended together, the decision first).
fn decided_by(previous: Option<&LogEvent>, wanted: Action) -> Option<(&str, &str, &str)> {
    match previous {
        Some(LogEvent::Decision { decision_id, target, action, received_at, .. }) if *action == wanted => {
            Some((decision_id, target, received_at))
        }
        _ => None,
    }
}

fn change_name(change: RecordChange) -> &'static str {
    match change {
        RecordChange::Added => "added",
        RecordChange::Changed => "changed",
        RecordChange::Removed => "removed",
        RecordChange::PublicationEnded => "publication_ended",
        RecordChange::Hidden => "hidden",
    }
}

/// An action as the API writes it (its serde name).
fn action_name(action: xinnuo_core::decision::Action) -> String {
    serde_json::to_value(action).ok().and_then(|value| value.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The submissions the log received, in log order.
pub fn received(events: &[LogEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|event| match event {
            LogEvent::Received { submission_id, .. } => Some(submission_id.clone()),
            _ => None,
        })
        .collect()
}

/// Compares the log's events with what the public API showed. Pure: no server, no clock.
pub fn compare(events: &[LogEvent], view: &PublicView) -> Vec<Finding> {
    let mut findings = Vec::new();
    let received: BTreeSet<String> = received(events).into_iter().collect();
    let mut decisions: HashMap<&str, (&str, String, &str)> = HashMap::new();
    let mut decisions_on: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut records: BTreeMap<(String, String), RecordInLog> = BTreeMap::new();
    let mut objections: BTreeMap<&str, &str> = BTreeMap::new();
    let mut previous: Option<&LogEvent> = None;
    for event in events {
        match event {
            LogEvent::ObjectionReceived { objection_id, credit_code, .. } => {
                objections.insert(objection_id, credit_code);
            }
            LogEvent::Decision { decision_id, target, action, state, .. } => {
                decisions.insert(decision_id, (target, action_name(*action), state));
                decisions_on.entry(target).or_default().push(decision_id);
            }
            LogEvent::Record { credit_code, record_id, change, body_sha256 } => {
                let key = (credit_code.clone(), record_id.clone());
                let before = records.get(&key).filter(|r| r.present);
                let marks = before.map(|r| r.marks.clone()).unwrap_or_default();
                // As the server keeps them (`workflow::reimport`): an import keeps what decisions did to a
                // record it holds, and never removes one a decision added; a removed one comes back fresh.
                let (present, marks) = match change {
                    RecordChange::Added => {
                        let added_by = decided_by(previous, Action::Broken)
                            .filter(|(decision_id, _, _)| workflow::broken_record_id(decision_id) == *record_id)
                            .map(|(decision_id, _, _)| decision_id.to_owned());
                        (true, DecidedMarks { added_by, ..DecidedMarks::default() })
                    }
                    RecordChange::Changed => (marks.outlives_import(true), marks),
                    RecordChange::Removed => {
                        if let Some(decision_id) = marks.added_by.as_ref().filter(|_| marks.outlives_import(false)) {
                            findings.push(Finding::DecidedRecordRemoved {
                                credit_code: credit_code.clone(),
                                record_id: record_id.clone(),
                                decision_id: decision_id.clone(),
                            });
                        }
                        (false, DecidedMarks::default())
                    }
                    RecordChange::PublicationEnded => {
                        let ended = decided_by(previous, Action::RepairGranted).and_then(|(_, target, at)| {
                            let on = UtcTimestamp::parse(at).ok()?.china_date();
                            Some(PublicationEnd { by: target.to_owned(), on })
                        });
                        (true, DecidedMarks { ended: ended.or(marks.ended.clone()), ..marks })
                    }
                    RecordChange::Hidden => {
                        let by = decided_by(previous, Action::ObjectionUpheld).map(|(_, target, _)| target.to_owned());
                        (before.is_some(), DecidedMarks { hidden_by: Some(by.unwrap_or_default()), ..marks })
                    }
                };
                let body_sha256 = match change {
                    RecordChange::Removed => None,
                    RecordChange::Hidden => before.and_then(|r| r.body_sha256.clone()),
                    _ => body_sha256.clone(),
                };
                records.insert(key, RecordInLog { present, marks, latest: *change, body_sha256 });
            }
            _ => {}
        }
        previous = Some(event);
    }

    for event in events {
        let LogEvent::Received { submission_id, sequence, received_at, key_status } = event else { continue };
        let Some(shown) = view.receipts.get(submission_id) else { continue };
        let logged = [
            ("sequence", sequence.to_string(), shown.sequence.to_string()),
            ("received_at", received_at.clone(), shown.received_at.clone()),
            ("key_status", key_status.as_str().to_owned(), shown.key_status.clone()),
        ];
        for (what, logged, shown) in logged {
            if logged != shown {
                findings.push(Finding::CommitmentDiffers { submission_id: submission_id.clone(), what, logged, shown });
            }
        }
    }
    for id in &view.published {
        if !received.contains(id) {
            findings.push(Finding::CommitmentNotLogged { submission_id: id.clone() });
        }
    }
    for (id, shown) in &view.commitments {
        let Some(shown) = shown else {
            if received.contains(id) {
                findings.push(Finding::CommitmentMissing { submission_id: id.clone() });
            }
            continue;
        };
        for decision in shown {
            let Some((target, action, state)) = decisions.get(decision.decision_id.as_str()) else {
                findings.push(Finding::DecisionNotLogged {
                    decision_id: decision.decision_id.clone(),
                    target: decision.target.clone(),
                });
                continue;
            };
            for (what, logged, shown) in [
                ("target", *target, decision.target.as_str()),
                ("action", action.as_str(), decision.action.as_str()),
                ("state", *state, decision.state.as_str()),
            ] {
                if logged != shown {
                    findings.push(Finding::DecisionDiffers {
                        decision_id: decision.decision_id.clone(),
                        what,
                        logged: logged.to_owned(),
                        shown: shown.to_owned(),
                    });
                }
            }
        }
        for logged in decisions_on.get(id.as_str()).into_iter().flatten() {
            if !shown.iter().any(|d| d.decision_id == *logged) {
                findings.push(Finding::DecisionMissing { decision_id: (*logged).to_owned(), target: id.clone() });
            }
        }
    }

    let mut shown_records: BTreeSet<(String, String)> = BTreeSet::new();
    for (code, shown) in &view.subjects {
        for record in shown {
            let id = record.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
            let key = (code.clone(), id);
            let (credit_code, record_id) = key.clone();
            shown_records.insert(key.clone());
            match records.get(&key) {
                None => findings.push(Finding::RecordNotLogged { credit_code, record_id }),
                Some(logged) if !logged.present || logged.marks.hidden_by.is_some() => {
                    // Hidden stays hidden through a later import: name why it is not public.
                    let change = if logged.present { "hidden" } else { change_name(logged.latest) };
                    findings.push(Finding::RecordNotPublic { credit_code, record_id, change })
                }
                Some(logged) if logged.body_sha256.as_deref() != Some(body_sha256(record).as_str()) => {
                    findings.push(Finding::RecordDiffers { credit_code, record_id })
                }
                Some(_) => {}
            }
        }
    }
    for shown in view.objections.values() {
        for objection in shown {
            if !objections.contains_key(objection.objection_id.as_str()) {
                findings.push(Finding::ObjectionNotLogged { objection_id: objection.objection_id.clone() });
                continue;
            }
            // Under review until a logged decision says otherwise.
            let logged = decisions_on
                .get(objection.objection_id.as_str())
                .and_then(|ids| ids.last())
                .and_then(|id| decisions.get(id))
                .map_or("under_review", |(_, _, state)| *state);
            if logged != objection.state {
                findings.push(Finding::ObjectionDiffers {
                    objection_id: objection.objection_id.clone(),
                    logged: logged.to_owned(),
                    shown: objection.state.clone(),
                });
            }
        }
    }
    let logged_policy = events.iter().rev().find_map(|event| match event {
        LogEvent::WitnessPolicy { witnesses, quorum, .. } => Some(WitnessPolicy::new(witnesses.clone(), *quorum)),
        _ => None,
    });
    if logged_policy.as_ref().unwrap_or(&WitnessPolicy::default()) != &view.witnesses {
        let named = |policy: &WitnessPolicy| {
            format!("{} of {}: {}", policy.quorum, policy.witnesses.len(), policy.witnesses.join(", "))
        };
        findings.push(Finding::WitnessesNotLogged {
            listed: named(&view.witnesses),
            logged: logged_policy.as_ref().map_or_else(|| "0 of 0".to_owned(), named),
        });
    }
    for (objection_id, credit_code) in &objections {
        let shown = view.objections.get(*credit_code);
        if view.subjects.contains_key(*credit_code)
            && !shown.is_some_and(|list| list.iter().any(|o| o.objection_id == *objection_id))
        {
            findings.push(Finding::ObjectionMissing {
                objection_id: (*objection_id).to_owned(),
                credit_code: (*credit_code).to_owned(),
            });
        }
    }
    for ((credit_code, record_id), logged) in &records {
        if logged.present
            && logged.marks.hidden_by.is_none()
            && !shown_records.contains(&(credit_code.clone(), record_id.clone()))
        {
            findings.push(Finding::RecordMissing { credit_code: credit_code.clone(), record_id: record_id.clone() });
        }
    }
    findings
}

/// A small blocking HTTP client over the server's public URLs.
struct Client {
    base: String,
    agent: ureq::Agent,
}

/// Largest answer read (an entry bundle holds at most 256 entries of 64 KiB).
const MAX_ANSWER: u64 = 32 * 1024 * 1024;

impl Client {
    fn new(base: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .user_agent(concat!("xinnuo-monitor/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Self { base: base.trim_end_matches('/').to_owned(), agent }
    }

    /// `GET base + path`: `None` on 404.
    fn get(&self, path: &str) -> Result<Option<Vec<u8>>, MonitorError> {
        let url = format!("{}{path}", self.base);
        let http = |reason: String| MonitorError::Http { url: url.clone(), reason };
        let mut response = self.agent.get(&url).call().map_err(|e| http(e.to_string()))?;
        let status = response.status().as_u16();
        if status == 404 {
            return Ok(None);
        }
        if status != 200 {
            return Err(http(format!("HTTP {status}")));
        }
        response.body_mut().with_config().limit(MAX_ANSWER).read_to_vec().map(Some).map_err(|e| http(e.to_string()))
    }

    fn json(&self, path: &str) -> Result<Option<Value>, MonitorError> {
        let Some(bytes) = self.get(path)? else { return Ok(None) };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|_| MonitorError::BadAnswer { url: format!("{}{path}", self.base), what: "JSON" })
    }

    fn found_json(&self, path: &str) -> Result<Value, MonitorError> {
        self.json(path)?
            .ok_or_else(|| MonitorError::Http { url: format!("{}{path}", self.base), reason: "HTTP 404".into() })
    }
}

/// The log's tiles over HTTP. A partial tile the server no longer has (the log grew past it) is read from
/// the full tile, cut to its width, as C2SP tlog-tiles lets a client do.
struct HttpTiles<'a> {
    client: &'a Client,
    failure: RefCell<Option<MonitorError>>,
}

impl TileReader for HttpTiles<'_> {
    fn read_tile(&self, tile: &Tile) -> Result<Vec<u8>, TlogError> {
        let fetch = |tile: &Tile| match self.client.get(&format!("/log/{}", tile.path())) {
            Ok(found) => Ok(found),
            Err(error) => {
                self.failure.replace(Some(error));
                Err(TlogError::TileMissing(tile.path()))
            }
        };
        if let Some(bytes) = fetch(tile)? {
            return Ok(bytes);
        }
        if tile.is_full() {
            return Err(TlogError::TileMissing(tile.path()));
        }
        let full = Tile { width: TILE_WIDTH as u16, ..*tile };
        let bytes = fetch(&full)?.ok_or_else(|| TlogError::TileMissing(tile.path()))?;
        cut_to_width(tile, &bytes)
    }
}

/// A partial tile's bytes from the full tile of its coordinates: its first `width` hashes or entries.
fn cut_to_width(tile: &Tile, full_bytes: &[u8]) -> Result<Vec<u8>, TlogError> {
    let full = Tile { width: TILE_WIDTH as u16, ..*tile };
    let short = || TlogError::TileMalformed { path: full.path(), fault: xinnuo_core::tlog::Fault::WrongLength };
    match tile.level {
        TileLevel::Hashes(_) => Ok(full_bytes.get(..usize::from(tile.width) * 32).ok_or_else(short)?.to_vec()),
        TileLevel::Entries => {
            let entries = parse_entry_bundle(&full, full_bytes)?;
            let mut cut = Vec::new();
            for entry in entries.iter().take(usize::from(tile.width)) {
                cut.extend_from_slice(&(entry.len() as u16).to_be_bytes());
                cut.extend_from_slice(entry);
            }
            Ok(cut)
        }
    }
}

/// Opens the checkpoint with the pinned keys. Failing that (never on first use), with a key the server lists
/// now (`listed`: kid and log key) that is not pinned: the checkpoint is then opened, and the key returned as
/// a candidate, to be pinned only if the log records its server key ([`new_key_logged`]) and extends the
/// checkpoint saved under the pinned keys.
fn open_note(
    note: &str,
    origin: &str,
    pinned: &[String],
    first_use: bool,
    listed: &dyn Fn() -> Result<Vec<(String, String)>, MonitorError>,
) -> Result<(SignedCheckpoint, Option<(String, String)>), MonitorError> {
    let first = match open_checkpoint(note, origin, &parse_keys(pinned)?, &[]) {
        Ok(signed) => return Ok((signed, None)),
        Err(error) if first_use => return Err(MonitorError::CheckpointUnverified(error)),
        Err(error) => error,
    };
    for (kid, key) in listed()? {
        if pinned.contains(&key) {
            continue;
        }
        let Ok(parsed) = VerifierKey::parse(&key) else { continue };
        if let Ok(signed) = open_checkpoint(note, origin, &[parsed], &[]) {
            return Ok((signed, Some((kid, key))));
        }
    }
    Err(MonitorError::CheckpointUnverified(first))
}

/// A candidate log key is accepted only when the log records its server key's addition (a `server_key` entry
/// with its kid); answers the key to pin.
fn new_key_logged(events: &[LogEvent], (kid, key): (String, String)) -> Result<String, MonitorError> {
    let logged = events.iter().any(|event| matches!(event, LogEvent::ServerKey { kid: logged, .. } if *logged == kid));
    if logged {
        Ok(key)
    } else {
        Err(MonitorError::NewKeyNotLogged { log_key: key })
    }
}

fn read_state(path: &Path) -> Result<Option<MonitorState>, MonitorError> {
    let failed = |reason: String| MonitorError::State { path: path.display().to_string(), reason };
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| failed(e.to_string())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(failed(error.to_string())),
    }
}

fn write_state(path: &Path, state: &MonitorState) -> Result<(), MonitorError> {
    let failed = |reason: String| MonitorError::State { path: path.display().to_string(), reason };
    let text = serde_json::to_string_pretty(state).map_err(|e| failed(e.to_string()))?;
    // Written beside it and renamed: a run stopped half-way leaves the old state whole.
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, format!("{text}\n")).map_err(|e| failed(e.to_string()))?;
    std::fs::rename(&temporary, path).map_err(|e| failed(e.to_string()))
}

/// An answer of the public API read as its wire type (`xinnuo_core::wire`): a member renamed or missing is
/// a bad answer, never a silently empty one.
fn typed<T: serde::de::DeserializeOwned>(client: &Client, path: &str, value: Value) -> Result<T, MonitorError> {
    serde_json::from_value(value).map_err(|_| MonitorError::BadAnswer {
        url: format!("{}{path}", client.base),
        what: std::any::type_name::<T>().rsplit("::").next().unwrap_or("answer"),
    })
}

/// The server keys listed now: (kid, log key).
fn listed_keys(client: &Client) -> Result<Vec<(String, String)>, MonitorError> {
    let path = "/api/v1/server-keys";
    let keys: ServerKeys = typed(client, path, client.found_json(path)?)?;
    Ok(keys.keys.into_iter().filter_map(|key| key.log_key.map(|log_key| (key.kid, log_key))).collect())
}

fn parse_keys(keys: &[String]) -> Result<Vec<VerifierKey>, MonitorError> {
    keys.iter().map(|key| VerifierKey::parse(key).map_err(MonitorError::CheckpointUnverified)).collect()
}

/// Every page of a paged list (`P`, its wire type): the items `items` takes out with the list's total.
fn all_pages<P: serde::de::DeserializeOwned, T>(
    client: &Client,
    path: &str,
    items: impl Fn(P) -> (u64, Vec<T>),
) -> Result<Vec<T>, MonitorError> {
    let mut all = Vec::new();
    for page in 1u32.. {
        let url = format!("{path}{}page={page}&per_page=100", if path.contains('?') { "&" } else { "?" });
        let (total, list) = items(typed(client, &url, client.found_json(&url)?)?);
        let empty = list.is_empty();
        all.extend(list);
        if empty || all.len() as u64 >= total {
            break;
        }
    }
    Ok(all)
}

fn shown_decisions(detail: CommitmentDetail) -> Vec<ShownDecision> {
    detail
        .decisions
        .into_iter()
        .map(|d| ShownDecision {
            action: action_name(d.action),
            state: d.state.as_str().to_owned(),
            decision_id: d.decision_id,
            target: d.target,
        })
        .collect()
}

/// Reads what the public API shows of the submissions `ids` and of every subject.
fn public_view(client: &Client, ids: &[String]) -> Result<PublicView, MonitorError> {
    let mut view = PublicView::default();
    let listing = client.found_json("/api/v1/server-keys")?;
    view.witnesses = WitnessPolicy::of_listing(&listing);
    let published = all_pages(client, "/api/v1/publications", |list: PublicationList| {
        (list.total, list.publications.into_iter().map(|p| p.submission_id).collect())
    })?;
    view.published.extend(published);
    let asked: BTreeSet<&String> = ids.iter().chain(view.published.iter()).collect();
    for id in asked {
        let path = format!("/api/v1/commitments/{id}");
        let detail = match client.json(&path)? {
            Some(value) => {
                let detail: CommitmentDetail = typed(client, &path, value)?;
                let shown = &detail.commitment;
                view.receipts.insert(
                    id.clone(),
                    ShownReceipt {
                        sequence: shown.sequence,
                        received_at: shown.received_at.clone(),
                        key_status: shown.key_status.as_str().to_owned(),
                    },
                );
                Some(shown_decisions(detail))
            }
            None => None,
        };
        view.commitments.insert(id.clone(), detail);
    }
    let codes = all_pages(client, "/api/v1/subjects", |list: SubjectList| {
        (list.total, list.subjects.into_iter().map(|s| s.credit_code).collect())
    })?;
    for code in codes {
        let path = format!("/api/v1/subjects/{code}");
        let Some(detail) = client.json(&path)? else { continue };
        // The records as served, kept as JSON: the log names each by the digest of its body as published.
        let records = detail
            .pointer("/profile/records")
            .and_then(Value::as_array)
            .cloned()
            .ok_or(MonitorError::BadAnswer { url: format!("{}{path}", client.base), what: "profile.records" })?;
        let shown: SubjectView = typed(client, &path, detail)?;
        view.subjects.insert(code.clone(), records);
        view.objections.insert(
            code,
            shown
                .objections
                .into_iter()
                .map(|o| ShownObjection {
                    objection_id: o.objection_id,
                    record_id: o.record_id,
                    state: o.state.as_str().to_owned(),
                })
                .collect(),
        );
    }
    Ok(view)
}

/// One run: reads the log and the public record, compares them, saves the checkpoint when all passed.
pub fn verify(options: &Options) -> Result<Report, MonitorError> {
    let client = Client::new(&options.url);
    let state = match &options.state {
        Some(path) => read_state(path)?,
        None => None,
    };
    let first_use = state.is_none();
    let mut pinned: Vec<String> = match &state {
        Some(state) => state.log_keys.clone(),
        None => listed_keys(&client)?.into_iter().map(|(_, key)| key).collect(),
    };
    if pinned.is_empty() {
        return Err(MonitorError::NoLogKeys);
    }

    let note = client.get("/log/checkpoint")?.ok_or_else(|| MonitorError::Http {
        url: format!("{}/log/checkpoint", client.base),
        reason: "HTTP 404".into(),
    })?;
    let note = String::from_utf8(note)
        .map_err(|_| MonitorError::BadAnswer { url: format!("{}/log/checkpoint", client.base), what: "UTF-8" })?;
    let origin = note.split('\n').next().unwrap_or_default().to_owned();
    if let Some(state) = &state {
        if state.origin != origin {
            return Err(MonitorError::OriginChanged { pinned: state.origin.clone(), found: origin });
        }
    }
    let (signed, candidate) = open_note(&note, &origin, &pinned, first_use, &|| listed_keys(&client))?;
    if options.witness_quorum > 0 {
        let mut log_keys = parse_keys(&pinned)?;
        log_keys.extend(candidate.as_ref().and_then(|(_, key)| VerifierKey::parse(key).ok()));
        let cosigned = match open_checkpoint(&note, &origin, &log_keys, &options.witnesses) {
            Ok(opened) => options
                .witnesses
                .iter()
                .filter(|w| opened.opened.verified.iter().any(|v| v.name == w.name && v.key_id == w.key_id))
                .count(),
            Err(_) => 0,
        };
        if cosigned < options.witness_quorum {
            return Err(MonitorError::NotWitnessed { cosigned, required: options.witness_quorum });
        }
    }
    let Checkpoint { size, root, .. } = signed.checkpoint;

    let tiles = HttpTiles { client: &client, failure: RefCell::new(None) };
    let (tree, entries) = verify_log(size, &root, &tiles).map_err(|error| match tiles.failure.take() {
        Some(http) => http,
        None => MonitorError::LogInvalid(error),
    })?;

    // The saved checkpoint (opened with the keys pinned when it was saved) must be a prefix of this tree.
    let mut previous_size = None;
    if let Some(state) = &state {
        let old = open_checkpoint(&state.checkpoint, &state.origin, &parse_keys(&state.log_keys)?, &[])
            .map_err(MonitorError::CheckpointUnverified)?
            .checkpoint;
        let rewritten = MonitorError::Rewritten { old_size: old.size, new_size: size };
        if old.size > size {
            return Err(rewritten);
        }
        let proof = consistency_proof(&tree, old.size, size).map_err(|_| rewritten.clone())?;
        verify_consistency(old.size, size, &old.root, &root, &proof).map_err(|_| rewritten.clone())?;
        previous_size = Some(old.size);
    }

    let mut findings = Vec::new();
    let mut events = Vec::with_capacity(entries.len());
    let mut witness_policies = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        match LogEvent::parse(entry) {
            Ok(event) => {
                if let LogEvent::WitnessPolicy { witnesses, quorum, .. } = &event {
                    if index as u64 >= previous_size.unwrap_or(0) {
                        witness_policies.push((index as u64, WitnessPolicy::new(witnesses.clone(), *quorum)));
                    }
                }
                events.push(event)
            }
            Err(_) => findings.push(Finding::NotAnEntry { index: index as u64 }),
        }
    }
    let mut newly_pinned = Vec::new();
    if let Some(candidate) = candidate {
        let key = new_key_logged(&events, candidate)?;
        pinned.push(key.clone());
        newly_pinned.push(key);
    }
    if first_use {
        newly_pinned.clone_from(&pinned);
    }

    let ids = received(&events);
    let view = public_view(&client, &ids)?;
    findings.extend(compare(&events, &view));
    findings.sort();
    findings.dedup();

    let mut saved = false;
    if findings.is_empty() {
        if let Some(path) = &options.state {
            write_state(path, &MonitorState { origin: origin.clone(), log_keys: pinned, checkpoint: note, size })?;
            saved = true;
        }
    }
    Ok(Report {
        origin,
        size,
        previous_size,
        first_use,
        newly_pinned,
        commitments: view.commitments.values().filter(|c| c.is_some()).count(),
        decisions: view.commitments.values().flatten().map(Vec::len).sum(),
        subjects: view.subjects.len(),
        records: view.subjects.values().map(Vec::len).sum(),
        witness_policies,
        findings,
        saved,
    })
}

fn witnesses_named(policy: &WitnessPolicy, none: &str, separator: &str) -> String {
    match policy.witnesses.is_empty() {
        true => none.to_owned(),
        false => policy.witnesses.join(separator),
    }
}

/// The summary, Chinese first, then English.
pub fn summary(report: &Report) -> String {
    let mut out = String::new();
    let Report { origin, size, commitments, decisions, subjects, records, .. } = report;
    out.push_str(&format!("日志 {origin}：共 {size} 条，瓦片与条目已全部重算，与签名检查点一致。\n"));
    if report.first_use {
        out.push_str(&format!("首次使用：已固定日志密钥 {}。\n", report.newly_pinned.join("、")));
    } else if !report.newly_pinned.is_empty() {
        out.push_str(&format!(
            "新的日志密钥（其服务器密钥的加入已记入日志）已固定：{}。\n",
            report.newly_pinned.join("、")
        ));
    }
    if let Some(old) = report.previous_size {
        out.push_str(&format!("与此前保存的 {old} 条检查点一致（一致性证明已验证）。\n"));
    }
    out.push_str(&format!(
        "已比对：{commitments} 份提交（{decisions} 项决定），{subjects} 个主体的 {records} 条记录。\n"
    ));
    for (index, policy) in &report.witness_policies {
        out.push_str(&format!(
            "注意：日志第 {} 条更改了见证人：须 {} 个联署，见证人 {}（请核实此变更）。\n",
            index + 1,
            policy.quorum,
            witnesses_named(policy, "无", "、")
        ));
    }
    match (report.findings.len(), report.saved) {
        (0, true) => out.push_str("全部通过，检查点已保存。\n"),
        (0, false) => out.push_str("全部通过（未指定 --state，检查点未保存）。\n"),
        (n, _) => out.push_str(&format!("发现 {n} 处与日志不符，检查点未保存。\n")),
    }
    out.push_str(&format!(
        "Log {origin}: {size} entries; every tile and entry recomputed, matching the signed checkpoint.\n"
    ));
    if report.first_use {
        out.push_str(&format!("First use: pinned the log keys {}.\n", report.newly_pinned.join(", ")));
    } else if !report.newly_pinned.is_empty() {
        out.push_str(&format!(
            "Pinned a new log key whose server key's addition is in the log: {}.\n",
            report.newly_pinned.join(", ")
        ));
    }
    if let Some(old) = report.previous_size {
        out.push_str(&format!(
            "Consistent with the checkpoint of {old} entries saved earlier (consistency proof verified).\n"
        ));
    }
    out.push_str(&format!(
        "Compared: {commitments} submissions ({decisions} decisions), {records} records of {subjects} subjects.\n"
    ));
    for (index, policy) in &report.witness_policies {
        out.push_str(&format!(
            "Note: log entry {} changed the witnesses: {} to cosign, witnesses {} (check this change).\n",
            index + 1,
            policy.quorum,
            witnesses_named(policy, "none", ", ")
        ));
    }
    match (report.findings.len(), report.saved) {
        (0, true) => out.push_str("All passed; the checkpoint is saved.\n"),
        (0, false) => out.push_str("All passed (no --state given: nothing saved).\n"),
        (n, _) => out.push_str(&format!("{n} disagreement(s) with the log; the checkpoint is not saved.\n")),
    }
    for finding in &report.findings {
        out.push_str(&format!("[{}] {} / {}\n", finding.code(), finding.message(Lang::Zh), finding.message(Lang::En)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use xinnuo_core::decision::Action;
    use xinnuo_core::receipt::KeyStatus;

    fn received_event(id: &str) -> LogEvent {
        LogEvent::Received {
            submission_id: id.into(),
            sequence: 1,
            received_at: "2026-12-07T01:00:00.000Z".into(),
            key_status: KeyStatus::Verified,
        }
    }

    fn decision(id: &str, target: &str, state: &str) -> LogEvent {
        LogEvent::Decision {
            decision_id: id.into(),
            target: target.into(),
            action: Action::Accept,
            state: state.into(),
            decided_at: "2026-12-07T01:00:00Z".into(),
            received_at: "2026-12-07T01:00:01.000Z".into(),
        }
    }

    fn record(code: &str, id: &str, change: RecordChange, body: Option<&Value>) -> LogEvent {
        LogEvent::Record { credit_code: code.into(), record_id: id.into(), change, body_sha256: body.map(body_sha256) }
    }

    fn shown(id: &str, target: &str, state: &str) -> ShownDecision {
        ShownDecision { decision_id: id.into(), target: target.into(), action: "accept".into(), state: state.into() }
    }

    const CODE: &str = "91140105MA0000001X";

    fn objection(id: &str, state: &str) -> ShownObjection {
        ShownObjection { objection_id: id.into(), record_id: "r-2".into(), state: state.into() }
    }

    /// A log and a view that agree: two submissions (one published, one not), a decision, three records
    /// (one changed, one hidden, one removed and added again).
    fn agreeing() -> (Vec<LogEvent>, PublicView) {
        let r1 = json!({"id": "r-1", "kind": "administrative_penalty", "summary": "一"});
        let r1b = json!({"id": "r-1", "kind": "administrative_penalty", "summary": "二"});
        let r2 = json!({"id": "r-2", "kind": "administrative_penalty"});
        let r3 = json!({"id": "r-3", "kind": "administrative_penalty"});
        let events = vec![
            record(CODE, "r-1", RecordChange::Added, Some(&r1)),
            record(CODE, "r-2", RecordChange::Added, Some(&r2)),
            record(CODE, "r-3", RecordChange::Added, Some(&r3)),
            received_event("s1"),
            received_event("s2"),
            decision("d1", "s1", "in_force"),
            record(CODE, "r-1", RecordChange::Changed, Some(&r1b)),
            LogEvent::ObjectionReceived {
                objection_id: "o1".into(),
                credit_code: CODE.into(),
                record_id: "r-2".into(),
                received_at: "2026-12-07T01:00:02.000Z".into(),
            },
            decision("d2", "o1", "upheld"),
            record(CODE, "r-2", RecordChange::Hidden, None),
            // Imported again while hidden: it stays hidden.
            record(CODE, "r-2", RecordChange::Changed, Some(&r2)),
            record(CODE, "r-3", RecordChange::Removed, None),
            record(CODE, "r-3", RecordChange::Added, Some(&r3)),
        ];
        let mut view = PublicView::default();
        view.published.insert("s1".into());
        view.commitments.insert("s1".into(), Some(vec![shown("d1", "s1", "in_force")]));
        view.commitments.insert("s2".into(), Some(Vec::new()));
        let receipt =
            ShownReceipt { sequence: 1, received_at: "2026-12-07T01:00:00.000Z".into(), key_status: "verified".into() };
        view.receipts.insert("s1".into(), receipt);
        // Member order as served does not matter: the digest is of the canonical JSON.
        let served_r1 = json!({"summary": "二", "kind": "administrative_penalty", "id": "r-1"});
        view.subjects.insert(CODE.into(), vec![served_r1, r3]);
        view.objections.insert(CODE.into(), vec![objection("o1", "upheld")]);
        (events, view)
    }

    #[test]
    fn a_public_record_the_log_explains_passes() {
        let (mut events, mut view) = agreeing();
        assert_eq!(compare(&events, &view), Vec::new());
        // Witnesses listed as the log last recorded them (an earlier policy does not count).
        let policy = |quorum| WitnessPolicy::new(vec!["xinnuo.witness/a+00+x".into()], quorum);
        for quorum in [2, 1] {
            let p = policy(quorum);
            events.push(LogEvent::WitnessPolicy {
                witnesses: p.witnesses,
                quorum,
                at: "2026-12-08T00:00:00.000Z".into(),
            });
        }
        view.witnesses = policy(1);
        assert_eq!(compare(&events, &view), Vec::new());
        view.witnesses = policy(2);
        assert_eq!(compare(&events, &view).len(), 1);
    }

    #[test]
    fn each_disagreement_is_named() {
        let (events, good) = agreeing();
        type Tamper = Box<dyn Fn(&mut PublicView)>;
        let cases: Vec<(&str, Tamper, Finding)> = vec![
            (
                "a record deleted",
                Box::new(|v| v.subjects.get_mut(CODE).unwrap().retain(|r| r["id"] != "r-3")),
                Finding::RecordMissing { credit_code: CODE.into(), record_id: "r-3".into() },
            ),
            (
                "a record edited",
                Box::new(|v| v.subjects.get_mut(CODE).unwrap()[0]["summary"] = json!("三")),
                Finding::RecordDiffers { credit_code: CODE.into(), record_id: "r-1".into() },
            ),
            (
                "a hidden record shown",
                Box::new(|v| {
                    v.subjects.get_mut(CODE).unwrap().push(json!({"id": "r-2", "kind": "administrative_penalty"}))
                }),
                Finding::RecordNotPublic { credit_code: CODE.into(), record_id: "r-2".into(), change: "hidden" },
            ),
            (
                "a record the log never had",
                Box::new(|v| v.subjects.get_mut(CODE).unwrap().push(json!({"id": "r-9"}))),
                Finding::RecordNotLogged { credit_code: CODE.into(), record_id: "r-9".into() },
            ),
            (
                "a published commitment deleted",
                Box::new(|v| {
                    v.published.remove("s1");
                    v.commitments.insert("s1".into(), None);
                }),
                Finding::CommitmentMissing { submission_id: "s1".into() },
            ),
            (
                "a commitment published without its entry",
                Box::new(|v| {
                    v.published.insert("s9".into());
                    v.commitments.insert("s9".into(), Some(Vec::new()));
                }),
                Finding::CommitmentNotLogged { submission_id: "s9".into() },
            ),
            (
                "a commitment's key standing edited in the database",
                Box::new(|v| v.receipts.get_mut("s1").unwrap().key_status = "revoked".into()),
                Finding::CommitmentDiffers {
                    submission_id: "s1".into(),
                    what: "key_status",
                    logged: "verified".into(),
                    shown: "revoked".into(),
                },
            ),
            (
                "a commitment's time of receipt backdated",
                Box::new(|v| v.receipts.get_mut("s1").unwrap().received_at = "2026-01-01T00:00:00.000Z".into()),
                Finding::CommitmentDiffers {
                    submission_id: "s1".into(),
                    what: "received_at",
                    logged: "2026-12-07T01:00:00.000Z".into(),
                    shown: "2026-01-01T00:00:00.000Z".into(),
                },
            ),
            (
                "a decision deleted",
                Box::new(|v| {
                    v.commitments.insert("s1".into(), Some(Vec::new()));
                }),
                Finding::DecisionMissing { decision_id: "d1".into(), target: "s1".into() },
            ),
            (
                "a decision's state edited",
                Box::new(|v| {
                    v.commitments.insert("s1".into(), Some(vec![shown("d1", "s1", "kept")]));
                }),
                Finding::DecisionDiffers {
                    decision_id: "d1".into(),
                    what: "state",
                    logged: "in_force".into(),
                    shown: "kept".into(),
                },
            ),
            (
                "a decision the log never had",
                Box::new(|v| {
                    v.commitments.insert("s2".into(), Some(vec![shown("d9", "s2", "returned")]));
                }),
                Finding::DecisionNotLogged { decision_id: "d9".into(), target: "s2".into() },
            ),
            (
                "an objection deleted",
                Box::new(|v| {
                    v.objections.insert(CODE.into(), Vec::new());
                }),
                Finding::ObjectionMissing { objection_id: "o1".into(), credit_code: CODE.into() },
            ),
            (
                "an objection's decision undone",
                Box::new(|v| {
                    v.objections.insert(CODE.into(), vec![objection("o1", "under_review")]);
                }),
                Finding::ObjectionDiffers {
                    objection_id: "o1".into(),
                    logged: "upheld".into(),
                    shown: "under_review".into(),
                },
            ),
            (
                "an objection the log never had",
                Box::new(|v| {
                    v.objections.get_mut(CODE).unwrap().push(objection("o9", "under_review"));
                }),
                Finding::ObjectionNotLogged { objection_id: "o9".into() },
            ),
            (
                "witnesses the log never recorded",
                Box::new(|v| v.witnesses = WitnessPolicy::new(vec!["xinnuo.witness/a+00+x".into()], 1)),
                Finding::WitnessesNotLogged { listed: "1 of 1: xinnuo.witness/a+00+x".into(), logged: "0 of 0".into() },
            ),
        ];
        for (what, tamper, expected) in cases {
            let mut view = good.clone();
            tamper(&mut view);
            assert_eq!(compare(&events, &view), vec![expected], "{what}");
        }
    }

    #[test]
    fn a_record_hidden_or_removed_last_must_not_be_shown() {
        let body = json!({"id": "r-1"});
        let mut view = PublicView::default();
        view.subjects.insert(CODE.into(), vec![body.clone()]);
        for (change, name) in [(RecordChange::Hidden, "hidden"), (RecordChange::Removed, "removed")] {
            let events = vec![record(CODE, "r-1", RecordChange::Added, Some(&body)), record(CODE, "r-1", change, None)];
            assert_eq!(
                compare(&events, &view),
                vec![Finding::RecordNotPublic { credit_code: CODE.into(), record_id: "r-1".into(), change: name }]
            );
        }
    }

    #[test]
    fn a_new_log_key_is_trusted_only_when_the_log_records_its_server_key() {
        use xinnuo_core::tlog::{Checkpoint, NoteSigner};
        let origin = "xinnuo.log/test";
        let old = NoteSigner::ed25519(origin, &[1; 32]).unwrap();
        let new = NoteSigner::ed25519(origin, &[2; 32]).unwrap();
        let stranger = NoteSigner::ed25519(origin, &[3; 32]).unwrap();
        let pinned = vec![old.verifier_key().to_string()];
        let note = |signer: &NoteSigner| Checkpoint::new(origin, 3, [7; 32]).sign(signer).unwrap();
        let listed = || {
            Ok(vec![("kid-old".to_owned(), pinned[0].clone()), ("kid-new".to_owned(), new.verifier_key().to_string())])
        };

        let (signed, candidate) = open_note(&note(&old), origin, &pinned, false, &listed).unwrap();
        assert_eq!((signed.checkpoint.size, candidate), (3, None), "the pinned key");
        let (_, candidate) = open_note(&note(&new), origin, &pinned, false, &listed).unwrap();
        let candidate = candidate.expect("a key listed since");
        assert_eq!(candidate, ("kid-new".to_owned(), new.verifier_key().to_string()));
        let error = open_note(&note(&stranger), origin, &pinned, false, &listed).unwrap_err();
        assert_eq!(error.code(), "monitor_checkpoint_unverified", "a key nobody lists");
        let error = open_note(&note(&new), origin, &pinned, true, &listed).unwrap_err();
        assert_eq!(error.code(), "monitor_checkpoint_unverified", "on first use only the keys pinned now");

        let key_entry = |kid: &str| LogEvent::ServerKey {
            kid: kid.into(),
            public_jwk: json!({"kty": "OKP"}),
            created_at: "2026-12-07T01:00:00Z".into(),
        };
        let events = vec![key_entry("kid-old"), received_event("s1")];
        assert_eq!(
            new_key_logged(&events, candidate.clone()),
            Err(MonitorError::NewKeyNotLogged { log_key: new.verifier_key().to_string() })
        );
        let events = vec![key_entry("kid-old"), received_event("s1"), key_entry("kid-new")];
        assert_eq!(new_key_logged(&events, candidate), Ok(new.verifier_key().to_string()));
    }

    #[test]
    fn a_partial_tile_the_server_no_longer_has_is_cut_from_the_full_one() {
        let entries: Vec<Vec<u8>> = (0..300u32).map(|i| format!("entry {i}").into_bytes()).collect();
        let full = xinnuo_core::tlog::build_log(&entries).unwrap();
        let small = xinnuo_core::tlog::build_log(&entries[..100]).unwrap();
        let file = |built: &xinnuo_core::tlog::BuiltLog, tile: Tile| {
            built.files.iter().find(|(t, _)| *t == tile).map(|(_, data)| data.clone()).unwrap()
        };
        for level in [TileLevel::Entries, TileLevel::Hashes(0)] {
            let partial = Tile { level, index: 0, width: 100 };
            let whole = file(&full, Tile { level, index: 0, width: 256 });
            assert_eq!(cut_to_width(&partial, &whole).unwrap(), file(&small, partial), "{level:?}");
        }
        let short = cut_to_width(&Tile { level: TileLevel::Hashes(0), index: 0, width: 100 }, &[0; 64]);
        assert_eq!(short.unwrap_err().code(), "log_tile_malformed");
    }

    /// The monitor keeps the rule the store keeps (`workflow::DecidedMarks`): a record a decision added
    /// (a broken commitment) outlives an import; a log with an import removing it says so.
    #[test]
    fn an_import_removing_a_record_a_decision_added_is_found() {
        let decision_id = "ab".repeat(32);
        let broken_id = workflow::broken_record_id(&decision_id);
        let body = json!({"id": broken_id, "kind": "broken_commitment"});
        let other = json!({"id": "r-1", "kind": "administrative_penalty"});
        let broken = LogEvent::Decision {
            decision_id: decision_id.clone(),
            target: "s1".into(),
            action: Action::Broken,
            state: "broken".into(),
            decided_at: "2026-12-07T01:00:00Z".into(),
            received_at: "2026-12-07T01:00:01.000Z".into(),
        };
        let mut events = vec![
            received_event("s1"),
            record(CODE, "r-1", RecordChange::Added, Some(&other)),
            broken,
            record(CODE, &broken_id, RecordChange::Added, Some(&body)),
            // The next import, holding r-1 only: the broken commitment's record stays, unlogged.
            record(CODE, "r-1", RecordChange::Changed, Some(&other)),
        ];
        let mut view = PublicView::default();
        view.subjects.insert(CODE.into(), vec![other.clone(), body.clone()]);
        assert_eq!(compare(&events, &view), Vec::new());
        // A server that let the import delete it: the log's own entries show the rule broken.
        events.push(record(CODE, &broken_id, RecordChange::Removed, None));
        view.subjects.insert(CODE.into(), vec![other.clone()]);
        let found = Finding::DecidedRecordRemoved {
            credit_code: CODE.into(),
            record_id: broken_id.clone(),
            decision_id: decision_id.clone(),
        };
        assert_eq!(compare(&events, &view), vec![found.clone()]);
        assert_eq!(found.code(), "monitor_decided_record_removed");
        assert!(found.message(Lang::En).contains("outlives a new import"));
        // An imported record of the same name, not the decision's effect (no decision just before): removed
        // by an import like any other.
        let events = vec![
            record(CODE, &broken_id, RecordChange::Added, Some(&body)),
            record(CODE, &broken_id, RecordChange::Removed, None),
        ];
        assert_eq!(compare(&events, &PublicView::default()), Vec::new());
    }

    #[test]
    fn findings_have_codes_and_both_languages() {
        let finding = Finding::RecordDiffers { credit_code: CODE.into(), record_id: "r-1".into() };
        assert_eq!(finding.code(), "monitor_record_differs");
        assert!(finding.message(Lang::Zh).contains("的内容与日志不符"));
        assert!(finding.message(Lang::En).contains("differs from the log"));
        let error = MonitorError::Rewritten { old_size: 9, new_size: 12 };
        assert_eq!(error.code(), "monitor_log_rewritten");
        assert!(error.message(Lang::Zh).contains("日志被改写"));
        assert!(error.message(Lang::En).contains("rewritten"));
    }
}
