//! The department console (`#/dept`): an officer signs in with a key from this browser's key ring (by
//! signing the server's challenge) and works through the department's inboxes — commitments, repair
//! applications and objections on records it decided, and (with the keys role) key enrolments. Each item
//! shows its full content (personal values disclosed to the department), its deadline under the rule in
//! force, and its decisions so far, each decision's signature and the server's receipt checked here. Deciding
//! is writing a reason and signing with the officer's key; the list can be searched, filtered and exported as
//! CSV. The passphrase unlocks the key once per sign-in; the unlocked key stays in memory until sign-out. The
//! session (its bearer token, never the key) is kept in this tab's `sessionStorage` for its lifetime, so a
//! reload keeps the officer signed in (the key is unlocked again to sign); sign-out and a 401 forget it.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use xinnuo_core::decision::{
    self, Action, CommitmentState, IdentityCheck, ObjectionState, RepairState, Role, TargetKind,
};
use xinnuo_core::enrolment::EnrolmentStatus;
use xinnuo_core::envelope::{self, Signer};
use xinnuo_core::error::Described;
use xinnuo_core::receipt::{self, KeyStatus, TrustedServerKeys};
use xinnuo_core::workflow::{self, Case, KeyCase, ObjectionCase, Offer, RepairCase};
use xinnuo_core::{commitment, objection, session};
use yew::prelude::*;

use super::batch_state::csv_field;
use crate::api::{self, Deadline, OfficerSession, PublishedDecision};
use crate::browser::{download, now_iso, random};
use crate::i18n::{Lang, Text};
use crate::storage::keys as key_store;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
}

/// The console's inboxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inbox {
    Commitments,
    Repairs,
    Objections,
    Keys,
}

impl Inbox {
    const ALL: [Inbox; 4] = [Inbox::Commitments, Inbox::Repairs, Inbox::Objections, Inbox::Keys];

    fn id(self) -> &'static str {
        match self {
            Self::Commitments => "commitments",
            Self::Repairs => "repair-applications",
            Self::Objections => "objections",
            Self::Keys => "key-enrolments",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Commitments => lang.pick("承诺书", "Commitments"),
            Self::Repairs => lang.pick("信用修复申请", "Repair applications"),
            Self::Objections => lang.pick("异议", "Objections"),
            Self::Keys => lang.pick("密钥登记", "Key enrolments"),
        }
    }

    /// (state value, 中文, English) from the core's lifecycle of what this inbox holds, in working order, then
    /// "all"; the first is shown first.
    fn states(self) -> Vec<(&'static str, &'static str, &'static str)> {
        let mut states: Vec<_> = match self {
            Self::Commitments => {
                CommitmentState::ALL.iter().map(|s| (s.as_str(), s.label_zh(), s.label_en())).collect()
            }
            Self::Repairs => RepairState::ALL.iter().map(|s| (s.as_str(), s.label_zh(), s.label_en())).collect(),
            Self::Objections => ObjectionState::ALL.iter().map(|s| (s.as_str(), s.label_zh(), s.label_en())).collect(),
            Self::Keys => EnrolmentStatus::ALL.iter().map(|s| (s.as_str(), s.label_zh(), s.label_en())).collect(),
        };
        states.push(("", "全部", "all"));
        states
    }

    /// What the inbox holds, as decisions name it.
    fn kind(self) -> TargetKind {
        match self {
            Self::Commitments => TargetKind::Commitment,
            Self::Repairs => TargetKind::RepairApplication,
            Self::Objections => TargetKind::Objection,
            Self::Keys => TargetKind::KeyEnrolment,
        }
    }

    /// The core's gate, the server's too.
    fn open_to(self, roles: &[Role]) -> bool {
        workflow::may_open_inbox(self.kind(), roles)
    }
}

/// One item of any inbox, as the console shows and exports it.
#[derive(Debug, Clone, PartialEq)]
struct ConsoleItem {
    /// The id a decision names.
    target: String,
    heading: String,
    subject_name: String,
    credit_code: String,
    state_label: String,
    received_at: String,
    deadline: Option<Deadline>,
    /// The full content: the signed text (with personal values), the record, the grounds.
    detail: String,
    decisions: Vec<PublishedDecision>,
    /// What the core offers this officer, each saying whether it needs the officer to say how they identified
    /// the signer (accepting with a key not approved).
    offers: Vec<Offer>,
    /// Who signed, and whether the signer is known (an approved key, or identified on acceptance).
    signer: Option<(String, bool)>,
    /// The signing key's standing for the credit code, in plain words (and what it was on receipt, if other).
    key_standing: Option<(String, KeyStatus)>,
    /// Something to check before deciding (one key enrolled for several companies).
    warning: Option<String>,
    /// A key enrolment still awaiting approval: revoking it is refusing it.
    pending_key: bool,
}

/// A key's standing for a credit code in plain words: 已核验 / 未核验（未登记）/ 未核验（登记待审核）/ 已吊销.
fn key_standing_words(status: KeyStatus, lang: Lang) -> &'static str {
    match status {
        KeyStatus::Verified => lang.pick("已核验", "approved"),
        KeyStatus::Pending => lang.pick("未核验（登记待审核）", "not approved (enrolment awaiting approval)"),
        KeyStatus::Unenrolled => lang.pick("未核验（未登记）", "not approved (never enrolled)"),
        KeyStatus::Revoked => lang.pick("已吊销", "revoked"),
        KeyStatus::NoCreditCode => lang
            .pick("无统一社会信用代码，由受理部门核验签署人", "no credit code: the department identifies the signer"),
    }
}

/// "签署密钥：…" for a commitment: the key's standing now, and on receipt when that was different (a key
/// approved or revoked since).
fn key_standing_line(now: KeyStatus, on_receipt: KeyStatus, lang: Lang) -> String {
    let mut line = format!("{}{}", lang.pick("签署密钥：", "Signing key: "), key_standing_words(now, lang));
    if on_receipt != now {
        line += &match lang {
            Lang::Zh => format!("（收到时：{}）", key_standing_words(on_receipt, lang)),
            Lang::En => format!(" (on receipt: {})", key_standing_words(on_receipt, lang)),
        };
    }
    line
}

/// The warning beside an enrolment whose key is enrolled for other credit codes too (each code, its claimed
/// name and where that enrolment stands).
fn same_key_warning(others: &[xinnuo_core::wire::OtherEnrolment], lang: Lang) -> Option<String> {
    if others.is_empty() {
        return None;
    }
    let listed: Vec<String> = others
        .iter()
        .map(|o| {
            let about = format!(
                "{}{}{}",
                o.subject_name,
                lang.pick("，", ", "),
                lang.pick(o.status.label_zh(), o.status.label_en())
            );
            format!("{}{}", o.credit_code, crate::i18n::bracketed(lang, &about))
        })
        .collect();
    Some(match lang {
        Lang::Zh => format!(
            "⚠ 同一密钥还登记代表其他 {} 个主体：{}。请核实申请人确有权代表这些单位，再核验。",
            others.len(),
            listed.join("、")
        ),
        Lang::En => format!(
            "⚠ The same key is also enrolled for {} other subject(s): {}. Check that the applicant may act for each before approving.",
            others.len(),
            listed.join(", ")
        ),
    })
}

/// What a decision's button says: the core's label, except that revoking an enrolment still awaiting
/// approval is refusing it (the core offers `key_revoked` on a pending request; nothing was approved to revoke).
fn action_label(action: Action, pending_key: bool, lang: Lang) -> &'static str {
    match action {
        Action::KeyRevoked if pending_key => lang.pick("拒绝登记（不予核验）", "Refuse the enrolment"),
        _ => lang.pick(action.label_zh(), action.label_en()),
    }
}

fn record_text(record: &xinnuo_core::status::Record, lang: Lang) -> String {
    format!(
        "{}{} · {} · {} · {}",
        lang.pick("记录：", "Record: "),
        record.decision_no,
        record.authority,
        record.decided_on,
        record.summary
    )
}

/// The signed text with every personal value, under what this browser checked of it: the signature, each
/// disclosure against its signed digest, the template's text hash.
fn signed_text(signed_file: &serde_json::Value, lang: Lang) -> String {
    match commitment::verify_value(signed_file) {
        Ok(signed) => format!(
            "{}{}\n\n{}",
            lang.pick("✓ 签名与个人信息披露已核验，密钥 ", "✓ Signature and disclosures verified, key "),
            envelope::fingerprint_groups(&signed.envelope.kid),
            signed.render(lang).text
        ),
        Err(error) => format!("✗ {}", error.message(lang)),
    }
}

fn commitment_items(inbox: api::DeptCommitmentInbox, lang: Lang) -> Vec<ConsoleItem> {
    inbox
        .commitments
        .into_iter()
        .map(|api::DeptCommitment { commitment: item, signed_file, decisions, offers, signer_known }| {
            let now = item.signer_standing.unwrap_or(item.key_status);
            let mut signer = lang.pick(&item.signer_label_zh, &item.signer_label_en).to_owned();
            if !item.credit_code.is_empty() {
                match &item.registry_name {
                    Some(name) if *name != item.subject_name => signer
                        .push_str(&format!("{}{name}", lang.pick("；主体名录中的名称：", "; the register's name: "))),
                    Some(_) => {}
                    None => signer.push_str(lang.pick("；该代码不在主体名录中", "; the code is not in the register")),
                }
            }
            ConsoleItem {
                offers,
                signer: Some((signer, signer_known)),
                key_standing: Some((key_standing_line(now, item.key_status, lang), now)),
                warning: None,
                pending_key: false,
                heading: lang.pick(&item.title_zh, &item.title_en).to_owned(),
                state_label: lang.pick(item.state.label_zh(), item.state.label_en()).to_owned(),
                detail: signed_text(&signed_file, lang),
                target: item.submission_id,
                subject_name: item.subject_name,
                credit_code: item.credit_code,
                received_at: item.received_at,
                deadline: item.deadline,
                decisions,
            }
        })
        .collect()
}

fn repair_items(inbox: api::DeptRepairInbox, roles: &[Role], lang: Lang) -> Vec<ConsoleItem> {
    let department = inbox.department;
    inbox
        .repair_applications
        .into_iter()
        .map(|item| ConsoleItem {
            offers: workflow::actions(
                &Case::Repair(RepairCase {
                    state: item.state,
                    authority: item.record.authority.clone(),
                    received_at_millis: 0,
                    credit_code: item.credit_code.clone(),
                    record_id: item.record_id.clone(),
                }),
                &department,
                roles,
            ),
            heading: lang.pick("信用修复申请", "Repair application").to_owned(),
            state_label: lang.pick(item.state.label_zh(), item.state.label_en()).to_owned(),
            detail: format!("{}\n\n{}", record_text(&item.record, lang), signed_text(&item.signed_file, lang)),
            target: item.submission_id,
            subject_name: item.subject_name,
            credit_code: item.credit_code,
            received_at: item.received_at,
            deadline: item.deadline,
            decisions: item.decisions,
            signer: None,
            key_standing: None,
            warning: None,
            pending_key: false,
        })
        .collect()
}

fn objection_items(inbox: api::DeptObjectionInbox, roles: &[Role], lang: Lang) -> Vec<ConsoleItem> {
    let department = inbox.department;
    inbox
        .objections
        .into_iter()
        .map(|item| {
            let signature = match objection::verify(&receipt::jws_text(&item.envelope)) {
                Ok(_) => {
                    format!("{}{}", lang.pick("✓ 企业签名有效，密钥 ", "✓ Signed by key "), item.signer_fingerprint)
                }
                Err(error) => format!("✗ {}", error.message(lang)),
            };
            let record = item.record.as_ref().map(|r| record_text(r, lang)).unwrap_or_else(|| item.record_id.clone());
            ConsoleItem {
                offers: workflow::actions(
                    &Case::Objection(ObjectionCase {
                        state: item.state,
                        authority: item.authority.clone(),
                        received_at_millis: 0,
                        credit_code: item.credit_code.clone(),
                        record_id: item.record_id.clone(),
                    }),
                    &department,
                    roles,
                ),
                heading: lang.pick("异议", "Objection").to_owned(),
                state_label: lang.pick(item.state.label_zh(), item.state.label_en()).to_owned(),
                detail: format!("{record}\n\n{}{}\n\n{signature}", lang.pick("异议理由：", "Grounds: "), item.grounds),
                subject_name: item.record.map(|r| r.decision_no).unwrap_or_default(),
                target: item.objection_id,
                credit_code: item.credit_code,
                received_at: item.received_at,
                deadline: item.deadline,
                decisions: item.decisions,
                signer: None,
                key_standing: None,
                warning: None,
                pending_key: false,
            }
        })
        .collect()
}

fn enrolment_items(inbox: api::DeptEnrolmentInbox, department: &str, roles: &[Role], lang: Lang) -> Vec<ConsoleItem> {
    inbox
        .enrolments
        .into_iter()
        .filter_map(|api::DeptEnrolment { enrolment: item, registry_name, decisions, same_key_elsewhere }| {
            let registry = match &registry_name {
                Some(name) if *name == item.subject_name => {
                    lang.pick("与登记名称一致", "matches the registry").to_owned()
                }
                Some(name) => format!("{}{name}", lang.pick("⚠ 登记名称为 ", "⚠ the registry says ")),
                None => lang.pick("登记库中无此代码", "not in the registry").to_owned(),
            };
            Some(ConsoleItem {
                offers: workflow::actions(
                    &Case::Key(KeyCase {
                        state: item.status,
                        received_at_millis: 0,
                        kid: String::new(),
                        credit_code: item.credit_code.clone(),
                    }),
                    department,
                    roles,
                ),
                heading: lang.pick("密钥登记", "Key enrolment").to_owned(),
                state_label: lang.pick(item.status.label_zh(), item.status.label_en()).to_owned(),
                detail: format!(
                    "{}{}\n{}{} ({registry})",
                    lang.pick("密钥指纹：", "Key fingerprint: "),
                    item.fingerprint,
                    lang.pick("申请名称：", "Name claimed: "),
                    item.subject_name
                ),
                target: item.request_id?,
                subject_name: item.subject_name,
                credit_code: item.credit_code,
                received_at: item.enrolled_at,
                deadline: None,
                decisions,
                signer: None,
                key_standing: None,
                warning: same_key_warning(&same_key_elsewhere, lang),
                pending_key: item.status == EnrolmentStatus::Pending,
            })
        })
        .collect()
}

async fn fetch(
    token: &str,
    inbox: Inbox,
    state: &str,
    q: &str,
    (department, roles): (&str, &[Role]),
    lang: Lang,
) -> Result<Vec<ConsoleItem>, api::ApiError> {
    Ok(match inbox {
        Inbox::Commitments => commitment_items(api::dept_inbox(token, inbox.id(), state, q).await?, lang),
        Inbox::Repairs => repair_items(api::dept_inbox(token, inbox.id(), state, q).await?, roles, lang),
        Inbox::Objections => objection_items(api::dept_inbox(token, inbox.id(), state, q).await?, roles, lang),
        Inbox::Keys => enrolment_items(api::dept_inbox(token, inbox.id(), state, q).await?, department, roles, lang),
    })
}

/// The officer's session, kept in this tab's `sessionStorage` so that a reload keeps them signed in for the
/// session's lifetime: the bearer token and who it is for — never the key, which stays encrypted in the key
/// ring and is unlocked again with the passphrase to sign.
const SESSION_KEY: &str = "xinnuo.officer-session";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// The session kept in this tab, while it has not expired.
fn kept_session() -> Option<OfficerSession> {
    let text = session_storage()?.get_item(SESSION_KEY).ok()??;
    let session: OfficerSession = serde_json::from_str(&text).ok()?;
    let expires = xinnuo_core::calendar::UtcTimestamp::parse(&session.expires_at).ok()?.unix_millis();
    if (expires as f64) > js_sys::Date::now() {
        Some(session)
    } else {
        forget_session();
        None
    }
}

fn keep_session(session: &OfficerSession) {
    if let (Some(storage), Ok(text)) = (session_storage(), serde_json::to_string(session)) {
        let _ = storage.set_item(SESSION_KEY, &text);
    }
}

fn forget_session() {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(SESSION_KEY);
    }
}

/// Opens the signed-in officer's key from this browser's key ring (after a reload the session stands, the
/// key must be unlocked again to sign).
async fn unlock(kid: &str, passphrase: &str) -> Result<Signer, Text> {
    let file = key_store::find(kid)?;
    let seed = crate::browser::open_key_file(&file, passphrase).await?;
    Ok(Signer::from_seed(&seed))
}

/// What the console offers on a case: the core's `workflow::actions` for the officer's roles (it reads the
/// state and the roles; the other members of these cases do not change the offer).
/// A decision in an item's history, with what was checked: the officer's signature on it, and the
/// server's receipt against the server keys pinned in this browser.
fn decision_line(decision: &PublishedDecision, trusted: &TrustedServerKeys, lang: Lang) -> (String, bool) {
    let signed = decision::verify(&receipt::jws_text(&decision.envelope))
        .is_ok_and(|(verified, _)| verified.kid == decision.officer_kid);
    let receipted = xinnuo_core::public_log::check_decision_receipt(&decision.receipt, &decision.decision_id, trusted)
        .is_ok_and(|r| {
            (r.target.as_str(), r.action, r.state.as_str(), r.received_at.as_str())
                == (decision.target.as_str(), decision.action, decision.state.as_str(), decision.received_at.as_str())
        });
    let check = match (signed, receipted) {
        (true, true) => lang.pick("✓ 签名与回执已核验", "✓ signature and receipt verified"),
        (false, _) => lang.pick("✗ 决定签名无效", "✗ the decision's signature does not verify"),
        (true, false) => lang.pick("✗ 回执不是受信任的服务器签发", "✗ receipt not from a trusted server"),
    };
    let reason = if decision.reason.is_empty() { String::new() } else { format!("：{}", decision.reason) };
    let text = format!(
        "{} · {} · {}{reason} · {check}",
        crate::components::time::beijing(&decision.received_at, lang),
        decision.department,
        lang.pick(decision.action.label_zh(), decision.action.label_en()),
    );
    (text, signed && receipted)
}

/// The list as CSV (UTF-8 with BOM, guarded against formulas).
fn export_csv(items: &[ConsoleItem], inbox: Inbox, lang: Lang) -> String {
    let header = lang.pick(
        "类型,编号,主体名称,统一社会信用代码,状态,收到时间,办理期限,逾期工作日,最近决定",
        "kind,id,subject,credit code,state,received,due,working days overdue,last decision",
    );
    let mut out = format!("\u{FEFF}{header}\r\n");
    for item in items {
        let due = item.deadline.as_ref().and_then(|d| d.due_on).map(|d| d.to_string()).unwrap_or_default();
        let overdue = item.deadline.as_ref().map_or(0, |d| d.overdue_working_days);
        let last = item
            .decisions
            .last()
            .map(|d| format!("{} {}", lang.pick(d.action.label_zh(), d.action.label_en()), d.reason))
            .unwrap_or_default();
        let fields = [
            csv_field(inbox.label(lang)),
            csv_field(&item.target),
            csv_field(&item.subject_name),
            csv_field(&item.credit_code),
            csv_field(&item.state_label),
            csv_field(&item.received_at),
            csv_field(&due),
            overdue.to_string(),
            csv_field(&last),
        ];
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

async fn sign_in(kid: &str, passphrase: &str) -> Result<(OfficerSession, Signer), Text> {
    let file = key_store::find(kid)?;
    let seed = crate::browser::open_key_file(&file, passphrase).await?;
    let signer = Signer::from_seed(&seed);
    let challenge = api::officer_challenge().await?;
    let jws = session::sign(&challenge, &now_iso(), &signer)?;
    let session = api::officer_sign_in(&jws.to_json()).await?;
    Ok((session, signer))
}

/// Signs a decision with the unlocked key (synchronously: the key is never held across a wait).
fn sign_decision(
    signer: &Signer,
    action: Action,
    target: &str,
    reason: &str,
    identity: Option<IdentityCheck>,
) -> Result<String, Text> {
    let nonce = random::<16>()?;
    let jws = decision::sign_identified(action, target, reason, identity, &now_iso(), &nonce, signer)?;
    Ok(jws.to_json())
}

#[component]
pub fn DeptPage(props: &Props) -> Html {
    let lang = props.lang;
    let keys = use_state(key_store::load);
    let kid = use_state(|| key_store::load().first().map(|k| k.kid.clone()).unwrap_or_default());
    let passphrase = use_state(String::new);
    let session = use_state(kept_session);
    let signer: Rc<RefCell<Option<Signer>>> = use_mut_ref(|| None);
    // Whether the key is unlocked in memory (it is not, after a reload, until the passphrase is given again).
    let unlocked = use_state(|| false);
    let unlock_pass = use_state(String::new);
    let trusted = use_state(TrustedServerKeys::default);
    let inbox = use_state(|| Inbox::Commitments);
    let filter = use_state(|| "submitted".to_owned());
    let search = use_state(String::new);
    let items = use_state(Vec::<ConsoleItem>::new);
    let reasons = use_state(BTreeMap::<String, String>::new);
    // How the officer identified each unverified signer, by item (chosen before accepting).
    let identities = use_state(BTreeMap::<String, IdentityCheck>::new);
    let notice = use_state(|| None::<Result<String, String>>);
    // What became of the public key handed over on the sign-in page (copied, downloaded, or why not).
    let jwk_notice = use_state(|| None::<Result<String, String>>);

    // What the list shows now, read when a reload starts: a reload asked for by a decision signed
    // before the filter changed must ask for the new filter, not the one of its click.
    let shown = use_mut_ref(|| (Inbox::Commitments, String::new(), String::new()));
    *shown.borrow_mut() = (*inbox, (*filter).clone(), (*search).clone());
    // Answers can arrive out of order; only the latest reload's answer is shown.
    let latest_reload = use_mut_ref(|| 0_u64);
    let reload = {
        let (session, shown, latest_reload, items, notice, signer, unlocked) = (
            session.clone(),
            shown.clone(),
            latest_reload.clone(),
            items.clone(),
            notice.clone(),
            signer.clone(),
            unlocked.clone(),
        );
        Callback::from(move |_: ()| {
            let Some((token, department, roles)) =
                session.as_ref().map(|s| (s.token.clone(), s.officer.department.clone(), s.officer.roles.clone()))
            else {
                return;
            };
            let (inbox, state, q) = shown.borrow().clone();
            let generation = {
                let mut latest = latest_reload.borrow_mut();
                *latest += 1;
                *latest
            };
            let (latest_reload, items, notice, session, signer, unlocked) = (
                latest_reload.clone(),
                items.clone(),
                notice.clone(),
                session.clone(),
                signer.clone(),
                unlocked.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let found = fetch(&token, inbox, &state, &q, (&department, &roles), lang).await;
                if *latest_reload.borrow() != generation {
                    return;
                }
                match found {
                    Ok(found) => items.set(found),
                    // The session ended (expired, or the officer was revoked): sign in again.
                    Err(api::ApiError::Problem(problem)) if problem.status == 401 => {
                        forget_session();
                        signer.borrow_mut().take();
                        unlocked.set(false);
                        items.set(Vec::new());
                        session.set(None);
                        notice.set(Some(Err(lang
                            .pick("登录已失效，请重新登录。", "The session has ended; sign in again.")
                            .to_owned())));
                    }
                    Err(error) => notice.set(Some(Err(error.message(lang)))),
                }
            });
        })
    };
    // A session kept from before a reload: the server keys to check decisions with, fetched again.
    {
        let (trusted, session) = (trusted.clone(), session.clone());
        use_effect_with(session.is_some(), move |signed_in| {
            if *signed_in {
                wasm_bindgen_futures::spawn_local(async move { trusted.set(api::trusted_server_keys().await) });
            }
        });
    }
    {
        let reload = reload.clone();
        use_effect_with((session.clone(), *inbox, (*filter).clone(), lang), move |_| reload.emit(()));
    }

    let on_sign_in = {
        let (kid, passphrase, session, signer, trusted, notice, unlocked) = (
            kid.clone(),
            passphrase.clone(),
            session.clone(),
            signer.clone(),
            trusted.clone(),
            notice.clone(),
            unlocked.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            notice.set(Some(Ok(lang.pick("正在登录…", "Signing in…").to_owned())));
            let (kid, pass, session, signer, trusted, notice, unlocked) = (
                (*kid).clone(),
                (*passphrase).clone(),
                session.clone(),
                signer.clone(),
                trusted.clone(),
                notice.clone(),
                unlocked.clone(),
            );
            passphrase.set(String::new());
            wasm_bindgen_futures::spawn_local(async move {
                match sign_in(&kid, &pass).await {
                    Ok((opened, key)) => {
                        *signer.borrow_mut() = Some(key);
                        unlocked.set(true);
                        keep_session(&opened);
                        trusted.set(api::trusted_server_keys().await);
                        notice.set(None);
                        session.set(Some(opened));
                    }
                    Err(error) => notice.set(Some(Err(error.get(lang)))),
                }
            });
        })
    };
    let on_sign_out = {
        let (session, signer, items, unlocked) = (session.clone(), signer.clone(), items.clone(), unlocked.clone());
        Callback::from(move |_| {
            forget_session();
            signer.borrow_mut().take();
            unlocked.set(false);
            items.set(Vec::new());
            session.set(None);
        })
    };
    let on_unlock = {
        let (session, signer, unlocked, unlock_pass, notice) =
            (session.clone(), signer.clone(), unlocked.clone(), unlock_pass.clone(), notice.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(kid) = session.as_ref().map(|s| s.officer.kid.clone()) else { return };
            let (pass, signer, unlocked, notice) =
                ((*unlock_pass).clone(), signer.clone(), unlocked.clone(), notice.clone());
            unlock_pass.set(String::new());
            notice.set(Some(Ok(lang.pick("正在解锁密钥…", "Unlocking the key…").to_owned())));
            wasm_bindgen_futures::spawn_local(async move {
                match unlock(&kid, &pass).await {
                    Ok(key) => {
                        *signer.borrow_mut() = Some(key);
                        unlocked.set(true);
                        notice.set(Some(Ok(lang
                            .pick("密钥已解锁，可以签署决定。", "Key unlocked: you may sign decisions.")
                            .to_owned())));
                    }
                    Err(error) => notice.set(Some(Err(error.get(lang)))),
                }
            });
        })
    };
    let on_unlock_pass = {
        let unlock_pass = unlock_pass.clone();
        Callback::from(move |event: InputEvent| {
            unlock_pass.set(event.target_unchecked_into::<HtmlInputElement>().value())
        })
    };

    let Some(current) = (*session).clone() else {
        let chosen = keys.iter().find(|k| k.kid == *kid).cloned();
        let jwk = chosen.map(|k| serde_json::to_string(&k.public_jwk).unwrap_or_default()).unwrap_or_default();
        let on_key = {
            let kid = kid.clone();
            Callback::from(move |event: Event| kid.set(event.target_unchecked_into::<HtmlSelectElement>().value()))
        };
        let on_pass = {
            let passphrase = passphrase.clone();
            Callback::from(move |event: InputEvent| {
                passphrase.set(event.target_unchecked_into::<HtmlInputElement>().value())
            })
        };
        let on_copy_jwk = {
            let (jwk, jwk_notice) = (jwk.clone(), jwk_notice.clone());
            Callback::from(move |_| {
                let (jwk, jwk_notice) = (jwk.clone(), jwk_notice.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    jwk_notice.set(Some(if crate::browser::copy_to_clipboard(&jwk).await {
                        Ok(lang
                            .pick("已复制公钥，可粘贴给管理员。", "Public key copied: paste it to the operator.")
                            .to_owned())
                    } else {
                        Err(lang
                            .pick(
                                "浏览器未允许复制，请改用“下载公钥文件”。",
                                "The browser did not allow copying: download the file instead.",
                            )
                            .to_owned())
                    }));
                });
            })
        };
        let on_download_jwk = {
            let (jwk, jwk_notice, kid) = (jwk.clone(), jwk_notice.clone(), (*kid).clone());
            Callback::from(move |_| {
                let name = format!("xinnuo-officer-key-{}.jwk", kid.chars().take(8).collect::<String>());
                jwk_notice.set(Some(match download(&name, &jwk, "application/jwk+json") {
                    Ok(()) => Ok(format!("{}{name}", lang.pick("已下载公钥文件 ", "Public key file downloaded: "))),
                    Err(_) => Err(lang.pick("无法下载文件。", "Could not download the file.").to_owned()),
                }));
            })
        };
        return html! {
            <section class="card" aria-labelledby="dept-title">
                <h2 id="dept-title">{ lang.pick("部门办理", "Department console") }</h2>
                <p class="hint">{ lang.pick(
                    "工作人员用本浏览器中的密钥和它的口令登录，不使用密码。首次使用：在“密钥”页生成密钥，把下面的公钥复制或下载后交给管理员登记。",
                    "Officers sign in with a key in this browser and its passphrase; no passwords. First time: create a key on the Keys page, then copy or download the public key below for the operator to register.") }</p>
                if keys.is_empty() {
                    <p id="dept-no-keys">{ lang.pick("本浏览器中还没有密钥。", "No key in this browser yet.") }</p>
                } else {
                    <form class="sign-form" onsubmit={on_sign_in}>
                        <label for="dept-key">{ lang.pick("工作人员密钥", "Officer key") }</label>
                        <select id="dept-key" onchange={on_key}>
                            { for keys.iter().map(|k| html! {
                                <option value={k.kid.clone()} selected={k.kid == *kid}>{ envelope::fingerprint_groups(&k.kid) }</option>
                            }) }
                        </select>
                        <label for="dept-pass">{ lang.pick("密钥口令", "Key passphrase") }</label>
                        <input id="dept-pass" type="password" autocomplete="current-password" value={(*passphrase).clone()} oninput={on_pass} />
                        <div class="row"><button type="submit" class="primary" id="dept-sign-in">{ lang.pick("登录", "Sign in") }</button></div>
                    </form>
                    <h3>{ lang.pick("公钥（交给管理员登记为工作人员）", "Public key (for the operator to register)") }</h3>
                    <div class="row">
                        <button type="button" id="officer-jwk-copy" onclick={on_copy_jwk}>{ lang.pick("复制公钥", "Copy the public key") }</button>
                        <button type="button" id="officer-jwk-download" onclick={on_download_jwk}>{ lang.pick("下载公钥文件", "Download the public key file") }</button>
                    </div>
                    { match &*jwk_notice {
                        Some(Ok(text)) => html! { <p class="notice ok" id="officer-jwk-notice" aria-live="polite">{ text }</p> },
                        Some(Err(text)) => html! { <p class="notice no" id="officer-jwk-notice" role="alert">{ text }</p> },
                        None => html! {},
                    } }
                    <crate::components::tech_details::TechDetails {lang}>
                        <pre id="officer-jwk" class="raw">{ jwk }</pre>
                    </crate::components::tech_details::TechDetails>
                }
                { notice_view(&notice) }
            </section>
        };
    };

    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |event: Event| filter.set(event.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_search_input = {
        let search = search.clone();
        Callback::from(move |event: InputEvent| search.set(event.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_search = {
        let reload = reload.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            reload.emit(());
        })
    };
    let on_export = {
        let (items, inbox, notice) = (items.clone(), inbox.clone(), notice.clone());
        Callback::from(move |_| {
            let name = format!("xinnuo-{}.csv", inbox.id());
            if download(&name, &export_csv(&items, *inbox, lang), "text/csv;charset=utf-8").is_err() {
                notice.set(Some(Err(lang.pick("无法导出文件。", "Could not export the file.").to_owned())));
            }
        })
    };
    let roles = current.officer.roles.clone();
    let role_names = roles.iter().map(|r| r.label_zh()).collect::<Vec<_>>().join("、");
    html! {
        <section class="card" aria-labelledby="dept-title">
            <h2 id="dept-title">{ format!("{} · {}", lang.pick("部门办理", "Department console"), current.officer.department) }</h2>
            <p id="dept-officer">{ format!("{} · {} · {}", current.officer.name, envelope::fingerprint_groups(&current.officer.kid), role_names) }
                <button type="button" id="dept-sign-out" onclick={on_sign_out}>{ lang.pick("退出", "Sign out") }</button></p>
            // Signed in (the session outlives a reload of this tab), but the key is locked: unlock it to sign.
            if !*unlocked {
                <form class="row dept-unlock" id="dept-unlock" onsubmit={on_unlock}>
                    <label for="dept-unlock-pass">{ lang.pick("签署决定前请输入密钥口令解锁（登录仍然有效）", "To sign decisions, unlock your key with its passphrase (you are still signed in)") }</label>
                    <input id="dept-unlock-pass" type="password" autocomplete="current-password" value={(*unlock_pass).clone()} oninput={on_unlock_pass} />
                    <button type="submit" class="primary" id="dept-unlock-go">{ lang.pick("解锁", "Unlock") }</button>
                </form>
            }
            <nav class="row tabs" role="tablist" aria-label={lang.pick("收件箱", "Inboxes")}>
                { for Inbox::ALL.iter().filter(|i| i.open_to(&roles)).map(|choice| {
                    let (tab, filter, items) = (inbox.clone(), filter.clone(), items.clone());
                    let choice = *choice;
                    let onclick = Callback::from(move |_| {
                        items.set(Vec::new());
                        filter.set(choice.states()[0].0.to_owned());
                        tab.set(choice);
                    });
                    let active = *inbox == choice;
                    html! { <button type="button" role="tab" id={format!("dept-tab-{}", choice.id())}
                        class={classes!("tab", active.then_some("active"))}
                        aria-selected={active.to_string()} {onclick}>{ choice.label(lang) }</button> }
                }) }
            </nav>
            if *inbox == Inbox::Keys {
                <div class="hint key-guidance" id="dept-key-guidance">
                    <p><strong>{ lang.pick("核验密钥前，请确认申请人有权代表该单位：", "Before approving a key, check that the applicant may act for the company:") }</strong></p>
                    <ul>
                        <li>{ lang.pick("查验营业执照（或电子营业执照），核对统一社会信用代码和名称与“申请名称”一致；", "see the business licence (or the electronic business licence) and check its credit code and name against the name claimed;") }</li>
                        <li>{ lang.pick("查验法定代表人身份证件；由他人办理的，另查验加盖公章的授权书和经办人身份证件；", "see the legal representative's ID; if someone else applies, also the authorisation bearing the company seal and that person's ID;") }</li>
                        <li>{ lang.pick("当面在窗口核验，或由企业以电子营业执照登录核验；", "check in person at the counter, or have the company sign in with its electronic business licence;") }</li>
                        <li>{ lang.pick("请申请人出示其设备上显示的密钥指纹，与下方指纹逐组比对一致后再核验。", "have the applicant show the key fingerprint their device displays and compare it group by group with the one below before approving.") }</li>
                    </ul>
                </div>
            }
            <form class="row" onsubmit={on_search}>
                <label for="dept-filter">{ lang.pick("状态", "State") }</label>
                <select id="dept-filter" onchange={on_filter}>
                    { for inbox.states().iter().map(|(value, zh, en)| html! { <option value={*value} selected={*filter == *value}>{ lang.pick(zh, en) }</option> }) }
                </select>
                <label for="dept-search">{ lang.pick("搜索", "Search") }</label>
                <input id="dept-search" type="search" value={(*search).clone()} oninput={on_search_input}
                    placeholder={lang.pick("名称、代码或内容", "name, code or content")} />
                <button type="submit" id="dept-search-go">{ lang.pick("查找", "Find") }</button>
                <button type="button" id="dept-export" onclick={on_export}>{ lang.pick("导出 CSV", "Export CSV") }</button>
            </form>
            { notice_view(&notice) }
            if items.is_empty() { <p id="dept-empty">{ lang.pick("没有需要办理的事项。", "Nothing here.") }</p> }
            <ul class="dept-list" id="dept-list">
                { for items.iter().map(|item| {
                    let reason_of = {
                        let (reasons, id) = (reasons.clone(), item.target.clone());
                        Callback::from(move |event: InputEvent| {
                            let mut next = (*reasons).clone();
                            next.insert(id.clone(), event.target_unchecked_into::<HtmlTextAreaElement>().value());
                            reasons.set(next);
                        })
                    };
                    let reason = reasons.get(&item.target).cloned().unwrap_or_default();
                    let identity = identities.get(&item.target).copied();
                    let identity_of = {
                        let (identities, id) = (identities.clone(), item.target.clone());
                        Callback::from(move |event: Event| {
                            let mut next = (*identities).clone();
                            match IdentityCheck::parse(&event.target_unchecked_into::<HtmlSelectElement>().value()) {
                                Some(check) => next.insert(id.clone(), check),
                                None => next.remove(&id),
                            };
                            identities.set(next);
                        })
                    };
                    let overdue = item.deadline.as_ref().is_some_and(|d| d.overdue_working_days > 0);
                    html! {
                        <li class="dept-item" key={item.target.clone()} data-id={item.target.clone()}>
                            <div><strong>{ &item.heading }</strong>
                                { format!(" · {} · {} · ", item.subject_name, item.credit_code) }
                                <span class="state">{ &item.state_label }</span></div>
                            if let Some((text, known)) = &item.signer {
                                <p class={classes!("signer-standing", (!known).then_some("unverified"))}>
                                    { if *known { "✓ " } else { "⚠ " } }{ text }</p>
                            }
                            if let Some((text, standing)) = &item.key_standing {
                                <p class={classes!("key-standing", (*standing != KeyStatus::Verified).then_some("unverified"))}>{ text }</p>
                            }
                            if let Some(warning) = &item.warning {
                                <p class="notice warn key-warning" role="note">{ warning }</p>
                            }
                            if let Some(deadline) = &item.deadline {
                                <p class={classes!("deadline", overdue.then_some("overdue"))}>{ deadline.headline(lang == Lang::Zh) }</p>
                                // Each stage with its latest day (36号 第十六条: accept, decide, Credit China, extension).
                                if !deadline.stages.is_empty() {
                                    <ol class="deadline-stages" aria-label={lang.pick("各环节期限", "Each stage's limit")}>
                                        { for deadline.stage_lines(lang == Lang::Zh).into_iter().map(|line| html! { <li>{ line }</li> }) }
                                    </ol>
                                }
                            }
                            <details><summary>{ lang.pick("全文（含个人信息）", "Full content (with personal data)") }</summary><pre class="dept-text">{ &item.detail }</pre></details>
                            if !item.decisions.is_empty() {
                                <ol class="dept-history">
                                    { for item.decisions.iter().map(|d| {
                                        let (text, ok) = decision_line(d, &trusted, lang);
                                        html! { <li class={classes!(if ok { "verified" } else { "unverified" })}>{ text }{ " " }
                                            <a class="decision-link" href={crate::route::Route::Decision(d.decision_id.clone()).href()} target="_blank">{ lang.pick("决定书", "decision") }</a></li> }
                                    }) }
                                </ol>
                            }
                            if !item.offers.is_empty() {
                                <label>{ lang.pick("理由或核查结论", "Reason or finding") }
                                    <textarea class="dept-reason" rows="2" value={reason.clone()} oninput={reason_of} /></label>
                                if item.offers.iter().any(|offer| offer.needs_identity_check) {
                                    <label>{ lang.pick("受理前核验签署人身份的方式（签署密钥未经核验）", "How you identified the signer before accepting (the key is not approved)") }
                                        <select class="dept-identity" onchange={identity_of}>
                                            <option value="" selected={identity.is_none()}>{ lang.pick("请选择", "Choose") }</option>
                                            { for IdentityCheck::ALL.iter().map(|check| html! {
                                                <option value={check.as_str()} selected={identity == Some(*check)}>{ lang.pick(check.label_zh(), check.label_en()) }</option>
                                            }) }
                                        </select></label>
                                }
                                <div class="row">
                                { for item.offers.iter().map(|offer| {
                                    let (signer, target, reason, notice, reload) = (signer.clone(), item.target.clone(), reason.clone(), notice.clone(), reload.clone());
                                    let (action, needs_identity) = (offer.action, offer.needs_identity_check);
                                    let label = action_label(action, item.pending_key, lang);
                                    let identity = identity.filter(|_| needs_identity);
                                    let identity_missing = needs_identity && identity.is_none();
                                    let onclick = Callback::from(move |_| {
                                        if identity_missing {
                                            notice.set(Some(Err(lang.pick(
                                                "签署密钥未经核验：受理前请核验签署人身份，并选择核验方式。",
                                                "The signing key is not approved: identify the signer and choose how before accepting.",
                                            ).to_owned())));
                                            return;
                                        }
                                        let (signer, target, reason, notice, reload) = (signer.clone(), target.clone(), reason.clone(), notice.clone(), reload.clone());
                                        wasm_bindgen_futures::spawn_local(async move {
                                            let signed = signer.borrow().as_ref().map(|key| sign_decision(key, action, &target, &reason, identity));
                                            let result = match signed {
                                                Some(Ok(jws)) => api::post_decision(&jws).await.map(|_| ()).map_err(Text::from),
                                                Some(Err(error)) => Err(error),
                                                None => Err(Text::new("请先在上方输入密钥口令解锁，再签署决定", "Unlock your key above first, then sign")),
                                            };
                                            notice.set(Some(match result {
                                                Ok(()) => Ok(format!("{}{label}", lang.pick("已签署决定：", "Decision signed: "))),
                                                Err(error) => Err(error.get(lang)),
                                            }));
                                            reload.emit(());
                                        });
                                    });
                                    html! { <button type="button" class="dept-action" data-action={format!("{action:?}")} {onclick}>{ label }</button> }
                                }) }
                                </div>
                            }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

fn notice_view(notice: &UseStateHandle<Option<Result<String, String>>>) -> Html {
    match &**notice {
        Some(Ok(text)) => html! { <p class="notice ok" id="dept-notice" aria-live="polite">{ text }</p> },
        Some(Err(text)) => html! { <p class="notice no" role="alert" id="dept-notice">{ text }</p> },
        None => html! {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signers_key_standing_reads_in_plain_words_with_what_it_was_on_receipt() {
        assert_eq!(
            key_standing_line(KeyStatus::Unenrolled, KeyStatus::Unenrolled, Lang::Zh),
            "签署密钥：未核验（未登记）"
        );
        assert_eq!(key_standing_line(KeyStatus::Verified, KeyStatus::Verified, Lang::Zh), "签署密钥：已核验");
        assert_eq!(
            key_standing_line(KeyStatus::Verified, KeyStatus::Pending, Lang::Zh),
            "签署密钥：已核验（收到时：未核验（登记待审核））"
        );
        assert_eq!(
            key_standing_line(KeyStatus::Revoked, KeyStatus::Verified, Lang::Zh),
            "签署密钥：已吊销（收到时：已核验）"
        );
        assert_eq!(key_standing_line(KeyStatus::Revoked, KeyStatus::Revoked, Lang::En), "Signing key: revoked");
    }

    #[test]
    fn a_key_enrolled_for_other_companies_is_said_with_each_code_and_a_pending_request_is_refused_not_revoked() {
        assert_eq!(same_key_warning(&[], Lang::Zh), None);
        let others = [xinnuo_core::wire::OtherEnrolment {
            credit_code: "91140105123456788F".into(),
            subject_name: "晋示例另一有限公司".into(),
            status: EnrolmentStatus::Approved,
        }];
        let warning = same_key_warning(&others, Lang::Zh).unwrap();
        assert!(warning.contains("91140105123456788F（晋示例另一有限公司，已核验）"), "{warning}");
        assert!(warning.starts_with("⚠ 同一密钥还登记代表其他 1 个主体"), "{warning}");
        assert_eq!(action_label(Action::KeyRevoked, true, Lang::Zh), "拒绝登记（不予核验）");
        assert_eq!(action_label(Action::KeyRevoked, false, Lang::Zh), "吊销密钥");
        assert_eq!(action_label(Action::KeyApproved, true, Lang::Zh), "核验密钥");
    }

    #[test]
    fn the_export_guards_formulas_and_names_each_column() {
        let item = ConsoleItem {
            target: "ab".repeat(32),
            heading: "承诺书".into(),
            subject_name: "=HYPERLINK(\"x\")".into(),
            credit_code: "91140105123456788F".into(),
            state_label: "已提交".into(),
            received_at: "2026-12-02T02:00:00.000Z".into(),
            deadline: None,
            detail: String::new(),
            decisions: Vec::new(),
            offers: Vec::new(),
            signer: None,
            key_standing: None,
            warning: None,
            pending_key: false,
        };
        let csv = export_csv(&[item], Inbox::Commitments, Lang::Zh);
        let mut lines = csv.lines();
        assert!(lines.next().unwrap().starts_with("\u{FEFF}类型,编号,主体名称"));
        let row = lines.next().unwrap();
        assert!(row.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{row}");
        assert!(row.ends_with(",0,\"\""), "{row}");
    }
}
