//! The process as tables: (case, decision, actor) → transition | refusal, with no server, database or
//! browser. Each attack of the signer-standing issue has its row.

use super::*;
use crate::error::Described;

const TAX: &str = "国家税务总局山西省税务局";
/// The tax department's English name, as the templates give it.
const TAX_EN: &str = "Shanxi Provincial Tax Service, State Taxation Administration";
const MARKET: &str = "山西省市场监督管理局";
const SIGNER: &str = "signer-kid";
const TARGET: &str = "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";
const DECISION_ID: &str = "cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34";
/// 2026-12-02T02:00:00Z; targets arrived an hour before.
const NOW: u64 = 1_796_176_800_000;
const RECEIVED: u64 = NOW - 3_600_000;

fn at(millis: u64) -> String {
    UtcTimestamp::format_unix_millis(millis)
}

fn commitment(state: CommitmentState, standing: KeyStatus) -> CommitmentCase {
    CommitmentCase {
        state,
        template_kind: TemplateKind::Field,
        departments: vec![TAX.into()],
        received_at_millis: RECEIVED,
        signer_kid: SIGNER.into(),
        standing,
        standing_at_receipt: standing,
        identified: None,
        credit_code: Some("91140105MA0L8XUY5X".into()),
        subject_registered: true,
        title_zh: "纳税服务信用承诺书".into(),
    }
}

/// The role sets the tables go through.
const ROLE_SETS: [&[Role]; 5] = [&[], &[Role::Review], &[Role::Decide], &[Role::Keys], &Role::ALL];

/// A repair application, an objection and a key enrolment in each of their states, of the tax department's
/// records.
fn other_track_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for state in RepairState::ALL {
        cases.push(Case::Repair(RepairCase {
            state,
            authority: TAX.into(),
            received_at_millis: RECEIVED,
            credit_code: "91140105MA0L8XUY5X".into(),
            record_id: "R1".into(),
        }));
    }
    for state in ObjectionState::ALL {
        cases.push(Case::Objection(ObjectionCase {
            state,
            authority: TAX.into(),
            received_at_millis: RECEIVED,
            credit_code: "91140105MA0L8XUY5X".into(),
            record_id: "R1".into(),
        }));
    }
    for state in EnrolmentStatus::ALL {
        cases.push(Case::Key(KeyCase {
            state,
            received_at_millis: RECEIVED,
            kid: "enterprise-kid".into(),
            credit_code: "91140105MA0L8XUY5X".into(),
        }));
    }
    cases
}

fn decision(action: Action, identity_checked: Option<IdentityCheck>) -> Decision {
    Decision {
        decision_type: crate::decision::DECISION_TYPE.into(),
        action,
        target: TARGET.into(),
        reason: if action.needs_reason() { "理由充分".into() } else { String::new() },
        decided_at: at(NOW - 1_000),
        nonce: "AAAAAAAAAAAAAAAAAAAAAA".into(),
        identity_checked,
    }
}

fn officer(department: &str, roles: &[Role]) -> Actor {
    Actor::Officer {
        kid: "officer-kid".into(),
        name: "王五".into(),
        department: department.into(),
        roles: roles.to_vec(),
    }
}

fn all_roles(department: &str) -> Actor {
    officer(department, &Role::ALL)
}

/// The code of the refusal, or the outcome and the kinds of effects.
fn run(case: &Case, decision: &Decision, actor: &Actor) -> String {
    match super::decide(case, DECISION_ID, decision, actor, NOW) {
        Ok(t) => {
            let effects: Vec<&str> = t
                .effects
                .iter()
                .map(|e| match e {
                    Effect::SignerIdentified(_) => "identified",
                    Effect::AddRecord { .. } => "record",
                    Effect::EndPublication { .. } => "end_publication",
                    Effect::HideRecord { .. } => "hide_record",
                })
                .collect();
            format!("{}{}", t.outcome.as_str(), effects.iter().map(|e| format!("+{e}")).collect::<String>())
        }
        Err(refusal) => format!("!{}", refusal.code()),
    }
}

#[track_caller]
fn check(case: Case, decision: Decision, actor: Actor, expect: &str) {
    assert_eq!(run(&case, &decision, &actor), expect, "{case:?}\n{decision:?}\n{actor:?}");
}

#[test]
fn every_commitment_state_action_and_standing() {
    use CommitmentState::*;
    use KeyStatus::*;
    let officer = all_roles(TAX);
    // (state, standing, action, identified on accept?, expect)
    let rows: &[(CommitmentState, KeyStatus, Action, bool, &str)] = &[
        (Submitted, Verified, Action::Accept, false, "in_force+identified"),
        (Submitted, Verified, Action::Accept, true, "in_force+identified"),
        // Attack 1: a stranger's key; accepted only with an identity check.
        (Submitted, Unenrolled, Action::Accept, false, "!signer_not_verified"),
        (Submitted, Pending, Action::Accept, false, "!signer_not_verified"),
        (Submitted, Revoked, Action::Accept, false, "!signer_not_verified"),
        (Submitted, NoCreditCode, Action::Accept, false, "!signer_not_verified"),
        (Submitted, Unenrolled, Action::Accept, true, "in_force+identified"),
        (Submitted, NoCreditCode, Action::Accept, true, "in_force+identified"),
        (Submitted, Unenrolled, Action::Return, false, "returned"),
        (Submitted, Verified, Action::Kept, false, "!transition_not_allowed"),
        (Submitted, Verified, Action::Broken, false, "!transition_not_allowed"),
        (InForce, Verified, Action::Kept, false, "kept"),
        (InForce, Verified, Action::Broken, false, "broken+record"),
        // Attack 1 continued: accepted before the rule (or otherwise unidentified) — never anyone's record.
        (InForce, Unenrolled, Action::Broken, false, "!signer_not_verified"),
        (InForce, Unenrolled, Action::Kept, false, "kept"),
        (InForce, Verified, Action::Accept, false, "!transition_not_allowed"),
        (Returned, Verified, Action::Accept, false, "!transition_not_allowed"),
        (Kept, Verified, Action::Broken, false, "!transition_not_allowed"),
        (Broken, Verified, Action::Kept, false, "!transition_not_allowed"),
        (Withdrawn, Verified, Action::Accept, false, "!transition_not_allowed"),
    ];
    for &(state, standing, action, identified, expect) in rows {
        let identity = identified.then_some(IdentityCheck::Counter);
        check(Case::Commitment(commitment(state, standing)), decision(action, identity), officer.clone(), expect);
    }
}

#[test]
fn an_identified_signer_counts_from_acceptance_on() {
    let mut case = commitment(CommitmentState::InForce, KeyStatus::Unenrolled);
    case.identified = Some(IdentityCheck::Counter);
    check(Case::Commitment(case.clone()), decision(Action::Broken, None), all_roles(TAX), "broken+record");
    let transition =
        super::decide(&Case::Commitment(case), DECISION_ID, &decision(Action::Broken, None), &all_roles(TAX), NOW)
            .unwrap();
    let Some(Effect::AddRecord { credit_code, record }) = transition.effects.first() else { panic!("a record") };
    assert_eq!(credit_code, "91140105MA0L8XUY5X");
    assert_eq!((record.id.as_str(), record.authority.as_str()), ("broken-cd34cd34cd34cd34", TAX));
    assert_eq!(record.kind, RecordKind::BrokenCommitment);
    assert_eq!(record.summary, "违背《纳税服务信用承诺书》：理由充分");
    assert!(record.check().is_ok(), "the record is one the status module reads");
}

#[test]
fn a_key_revoked_after_acceptance_leaves_the_signer_known() {
    // Reviewer's finding F1: an approved key's commitment, accepted, then the key "lost" and revoked.
    let accepted = super::decide(
        &Case::Commitment(commitment(CommitmentState::Submitted, KeyStatus::Verified)),
        DECISION_ID,
        &decision(Action::Accept, None),
        &all_roles(TAX),
        NOW,
    )
    .unwrap();
    assert_eq!(
        accepted.effects,
        vec![Effect::SignerIdentified(IdentityCheck::Enrolment)],
        "acceptance fixes who signed"
    );
    let mut revoked = commitment(CommitmentState::InForce, KeyStatus::Revoked);
    revoked.identified = Some(IdentityCheck::Enrolment);
    check(Case::Commitment(revoked.clone()), decision(Action::Broken, None), all_roles(TAX), "broken+record");
    // Accepted before acceptance recorded it: the receipt's standing still counts.
    revoked.identified = None;
    revoked.standing_at_receipt = KeyStatus::Verified;
    check(Case::Commitment(revoked), decision(Action::Broken, None), all_roles(TAX), "broken+record");
}

#[test]
fn no_subject_is_made_from_a_signature() {
    let mut case = commitment(CommitmentState::InForce, KeyStatus::Verified);
    case.subject_registered = false;
    let transition =
        super::decide(&Case::Commitment(case), DECISION_ID, &decision(Action::Broken, None), &all_roles(TAX), NOW)
            .unwrap();
    assert!(transition.effects.is_empty(), "no record for a code the register does not hold");
    assert_eq!(transition.note, Some("not_in_register"));
    let mut person = commitment(CommitmentState::InForce, KeyStatus::NoCreditCode);
    person.credit_code = None;
    person.identified = Some(IdentityCheck::Counter);
    let transition =
        super::decide(&Case::Commitment(person), DECISION_ID, &decision(Action::Broken, None), &all_roles(TAX), NOW)
            .unwrap();
    assert_eq!((transition.effects.len(), transition.note), (0, Some("no_credit_code")));
}

#[test]
fn roles_departments_and_strangers() {
    let case = || Case::Commitment(commitment(CommitmentState::Submitted, KeyStatus::Verified));
    check(case(), decision(Action::Accept, None), officer(TAX, &[Role::Decide]), "!role_missing");
    check(case(), decision(Action::Accept, None), officer(MARKET, &[Role::Review]), "!other_department");
    check(case(), decision(Action::Accept, None), Actor::Signer { kid: SIGNER.into() }, "!not_an_officer");
    // Attack 9: a commitment belongs to the department it names, only.
    let mut several = commitment(CommitmentState::Submitted, KeyStatus::Verified);
    several.departments = vec![TAX.into()];
    check(
        Case::Commitment(several),
        decision(Action::Accept, None),
        officer(MARKET, &[Role::Review]),
        "!other_department",
    );
}

#[test]
fn withdrawals_are_the_signers_while_the_key_counts() {
    let case = |standing| Case::Commitment(commitment(CommitmentState::Submitted, standing));
    let signer = Actor::Signer { kid: SIGNER.into() };
    check(case(KeyStatus::Verified), decision(Action::Withdraw, None), signer.clone(), "withdrawn");
    // Reviewer's finding F2: once accepted, the department relies on it; a breach cannot be withdrawn.
    let in_force = Case::Commitment(commitment(CommitmentState::InForce, KeyStatus::Verified));
    check(in_force, decision(Action::Withdraw, None), signer.clone(), "!transition_not_allowed");
    check(case(KeyStatus::Unenrolled), decision(Action::Withdraw, None), signer.clone(), "withdrawn");
    // Attack 6: the stolen key, revoked, cannot withdraw.
    check(case(KeyStatus::Revoked), decision(Action::Withdraw, None), signer.clone(), "!key_revoked");
    check(
        case(KeyStatus::Verified),
        decision(Action::Withdraw, None),
        Actor::Signer { kid: "other".into() },
        "!not_the_signer",
    );
    check(case(KeyStatus::Verified), decision(Action::Withdraw, None), all_roles(TAX), "!not_the_signer");
    let kept = Case::Commitment(commitment(CommitmentState::Kept, KeyStatus::Verified));
    check(kept, decision(Action::Withdraw, None), signer, "!transition_not_allowed");
}

#[test]
fn repair_applications_never_take_the_commitment_track() {
    // Attack 4: accept / broken / withdraw on a repair application (stored as a signed commitment).
    let mut application = commitment(CommitmentState::Submitted, KeyStatus::Verified);
    application.template_kind = TemplateKind::Repair;
    application.departments = vec!["作出失信认定的单位".into()];
    for action in [Action::Accept, Action::Return, Action::Kept, Action::Broken] {
        check(Case::Commitment(application.clone()), decision(action, None), all_roles(TAX), "!not_a_commitment");
    }
    check(
        Case::Commitment(application.clone()),
        decision(Action::Withdraw, None),
        Actor::Signer { kid: SIGNER.into() },
        "!not_a_commitment",
    );
    assert!(actions(&Case::Commitment(application), TAX, &Role::ALL).is_empty());
    let repair = |state| {
        Case::Repair(RepairCase {
            state,
            authority: TAX.into(),
            received_at_millis: RECEIVED,
            credit_code: "91140105MA0L8XUY5X".into(),
            record_id: "r1".into(),
        })
    };
    check(
        repair(RepairState::Received),
        decision(Action::RepairGranted, None),
        all_roles(TAX),
        "granted+end_publication",
    );
    check(repair(RepairState::Received), decision(Action::RepairRefused, None), all_roles(TAX), "refused");
    check(repair(RepairState::Received), decision(Action::RepairGranted, None), all_roles(MARKET), "!other_department");
    check(
        repair(RepairState::Granted),
        decision(Action::RepairRefused, None),
        all_roles(TAX),
        "!transition_not_allowed",
    );
    check(repair(RepairState::Received), decision(Action::Accept, None), all_roles(TAX), "!transition_not_allowed");
}

#[test]
fn objections_and_keys_follow_their_own_tracks() {
    let objection = |state| {
        Case::Objection(ObjectionCase {
            state,
            authority: TAX.into(),
            received_at_millis: RECEIVED,
            credit_code: "91140105MA0L8XUY5X".into(),
            record_id: "penalty-1".into(),
        })
    };
    check(
        objection(ObjectionState::UnderReview),
        decision(Action::ObjectionUpheld, None),
        all_roles(TAX),
        "upheld+hide_record",
    );
    check(
        objection(ObjectionState::UnderReview),
        decision(Action::ObjectionRejected, None),
        all_roles(TAX),
        "rejected",
    );
    check(
        objection(ObjectionState::UnderReview),
        decision(Action::ObjectionRejected, None),
        all_roles(MARKET),
        "!other_department",
    );
    check(
        objection(ObjectionState::Rejected),
        decision(Action::ObjectionUpheld, None),
        all_roles(TAX),
        "!transition_not_allowed",
    );
    let key = |state| {
        Case::Key(KeyCase {
            state,
            received_at_millis: RECEIVED,
            kid: SIGNER.into(),
            credit_code: "91140105MA0L8XUY5X".into(),
        })
    };
    check(
        key(EnrolmentStatus::Pending),
        decision(Action::KeyApproved, None),
        officer(MARKET, &[Role::Keys]),
        "approved",
    );
    check(
        key(EnrolmentStatus::Pending),
        decision(Action::KeyApproved, None),
        officer(TAX, &[Role::Review]),
        "!role_missing",
    );
    check(
        key(EnrolmentStatus::Revoked),
        decision(Action::KeyApproved, None),
        all_roles(TAX),
        "!transition_not_allowed",
    );
}

#[test]
fn decisions_are_not_backdated_and_officers_clocks_are_minutes() {
    // Arrived a minute ago.
    let received = NOW - 60_000;
    let case = Case::Commitment(CommitmentCase {
        received_at_millis: received,
        ..commitment(CommitmentState::Submitted, KeyStatus::Verified)
    });
    let dated = |millis| Decision { decided_at: at(millis), ..decision(Action::Accept, None) };
    // Attack 10: dated before the target reached the server.
    check(case.clone(), dated(received - 1), all_roles(TAX), "!decided_before_received");
    check(case.clone(), dated(received), all_roles(TAX), "in_force+identified");
    check(case.clone(), dated(NOW - 11 * 60 * 1000), all_roles(TAX), "!signed_too_long_ago");
    check(case.clone(), dated(NOW + 11 * 60 * 1000), all_roles(TAX), "!signed_in_future");
    check(case, dated(NOW + 9 * 60 * 1000), all_roles(TAX), "in_force+identified");
}

#[test]
fn filings_need_an_approved_key_and_objections_new_grounds_after_a_wait() {
    use KeyStatus::*;
    // Attack 3: a stranger's repair application; revoked keys apply for nothing.
    let apply = |standing| require_approved(SIGNER, "91140105MA0L8XUY5X", standing, Filing::RepairApplication);
    assert_eq!(apply(Verified), Ok(()));
    for standing in [Pending, Unenrolled, Revoked, NoCreditCode] {
        let refusal = apply(standing).unwrap_err();
        assert_eq!((refusal.code(), refusal.kind()), ("key_not_approved", RefusalKind::Forbidden));
        assert!(refusal.message(Lang::Zh).contains("“密钥”页"), "says how to get a key approved");
    }
    // Reviewer's finding F3: one application under review per record.
    let pending = [("a1".to_owned(), RepairState::Received)];
    assert_eq!(accept_repair_application(&pending).map_err(|r| r.code()), Err("repair_pending"));
    assert_eq!(accept_repair_application(&[("a0".to_owned(), RepairState::Refused)]), Ok(()));
    let today = Date::parse("2026-12-02").unwrap();
    let grounds = "处罚决定已被复议机关撤销，附复议决定书。";
    let past = |state, grounds: &str, decided_on: Option<&str>| PastObjection {
        objection_id: "ef".repeat(32),
        state,
        grounds_digest: grounds_digest(grounds),
        decided_on: decided_on.map(|d| Date::parse(d).unwrap()),
    };
    let file = |standing, earlier: &[PastObjection]| {
        accept_objection(SIGNER, "91140105MA0L8XUY5X", standing, grounds, earlier, today).map_err(|r| r.code())
    };
    assert_eq!(file(Verified, &[]), Ok(()));
    assert_eq!(file(Revoked, &[]), Err("key_not_approved"));
    assert_eq!(file(Verified, &[past(ObjectionState::UnderReview, "其他", None)]), Err("objection_pending"));
    // Attack 8: refiled at once after a rejection, or on the same grounds (re-spaced) later.
    let rejected_today = past(ObjectionState::Rejected, "另一理由，另一证据材料。", Some("2026-12-02"));
    assert_eq!(file(Verified, std::slice::from_ref(&rejected_today)), Err("objection_too_soon"));
    let same = past(ObjectionState::Rejected, "处罚决定已被复议机关撤销， 附复议决定书。", Some("2026-10-01"));
    assert_ne!(same.grounds_digest, grounds_digest(grounds), "punctuation-space differs: new words");
    let same = past(ObjectionState::Rejected, "  处罚决定已被复议机关撤销，附复议决定书。\n", Some("2026-10-01"));
    assert_eq!(file(Verified, &[same]), Err("objection_same_grounds"));
    let long_ago = past(ObjectionState::Rejected, "另一理由，另一证据材料。", Some("2026-11-17"));
    assert_eq!(file(Verified, &[long_ago]), Ok(()), "15 days on, with new grounds");
    let refusal = accept_objection(SIGNER, "x", Verified, grounds, &[rejected_today], today).unwrap_err();
    assert!(refusal.message(Lang::Zh).contains("2026年12月17日"), "{}", refusal.message(Lang::Zh));
}

#[test]
fn the_column_lists_only_known_signers_commitments() {
    use KeyStatus::*;
    assert!(listed_publicly(Some(TemplateKind::Field), true, Verified, None));
    assert!(listed_publicly(Some(TemplateKind::Field), true, Unenrolled, Some(IdentityCheck::Counter)));
    // Attack 2: an unverified filing under a real code.
    assert!(!listed_publicly(Some(TemplateKind::Field), true, Unenrolled, None));
    assert!(!listed_publicly(Some(TemplateKind::Field), true, Pending, None));
    assert!(!listed_publicly(Some(TemplateKind::Repair), true, Verified, None), "repair applications are not");
    assert!(!listed_publicly(Some(TemplateKind::Field), false, NoCreditCode, Some(IdentityCheck::Counter)));
}

#[test]
fn a_template_naming_several_departments_needs_one_chosen() {
    let several = crate::template::all()
        .iter()
        .find(|t| t.departments.len() > 1 && t.kind != TemplateKind::Repair)
        .expect("such a template");
    assert_eq!(accept_commitment(several, None).map_err(|r| r.code()), Err("department_required"));
    assert_eq!(accept_commitment(several, Some(&several.departments[0].zh)), Ok(()));
    let one = crate::template::all().iter().find(|t| t.departments.len() == 1).expect("such a template");
    assert_eq!(accept_commitment(one, None), Ok(()));
    assert_eq!(departments_of(Some(several), None).len(), several.departments.len());
    assert_eq!(departments_of(Some(several), Some(TAX)), vec![TAX.to_owned()]);
    // A repair application goes to the record's authority, whatever the form names.
    let repair = crate::template::get("credit-repair", None).unwrap();
    assert_eq!(accept_commitment(repair, None), Ok(()));
}

/// Every case of every track (commitments of each state, standing and kind; repair applications, objections
/// and enrolments in each state) × every action × role set × department (in either of its names, and
/// another's): the console offers exactly what `decide` allows — nothing to another department's officer —
/// and says when accepting needs the officer's identity check.
#[test]
fn the_console_is_offered_what_decide_allows() {
    let mut cases = Vec::new();
    for state in CommitmentState::ALL {
        for standing in KeyStatus::ALL {
            cases.push(Case::Commitment(commitment(state, standing)));
        }
        let mut application = commitment(state, KeyStatus::Verified);
        application.template_kind = TemplateKind::Repair;
        cases.push(Case::Commitment(application));
    }
    cases.extend(other_track_cases());
    let departments = [TAX, TAX_EN, MARKET];
    let mut offered_anything = 0;
    for case in &cases {
        for roles in ROLE_SETS {
            for department in departments {
                let offered = actions(case, department, roles);
                let actor = officer(department, roles);
                for action in Action::ALL {
                    let offer = offered.iter().find(|o| o.action == action);
                    let what = format!("{case:?} {roles:?} {department} {action:?}: {offer:?}");
                    let identity = offer.filter(|o| o.needs_identity_check).map(|_| IdentityCheck::Counter);
                    let decided = super::decide(case, DECISION_ID, &decision(action, identity), &actor, NOW);
                    assert_eq!(offer.is_some(), decided.is_ok(), "{what}: {decided:?}");
                    // What is not offered is not allowed with an identity check either.
                    if offer.is_none() && action == Action::Accept {
                        let checked = decision(action, Some(IdentityCheck::Counter));
                        assert!(super::decide(case, DECISION_ID, &checked, &actor, NOW).is_err(), "{what}");
                    }
                    // An accept offered without the check is allowed without it.
                    if let Some(offer) = offer.filter(|o| !o.needs_identity_check) {
                        assert!(super::decide(case, DECISION_ID, &decision(offer.action, None), &actor, NOW).is_ok());
                    }
                    offered_anything += usize::from(offer.is_some());
                }
            }
        }
    }
    assert!(offered_anything > 0);
    assert_eq!(standing(Some("91140105MA0L8XUY5X"), None), KeyStatus::Unenrolled);
    assert_eq!(standing(Some("91140105MA0L8XUY5X"), Some(EnrolmentStatus::Approved)), KeyStatus::Verified);
    assert_eq!(standing(None, Some(EnrolmentStatus::Approved)), KeyStatus::NoCreditCode);
    assert_eq!(standing(Some(""), None), KeyStatus::NoCreditCode);
}

#[test]
fn identity_checks_belong_to_acceptance() {
    let mut kept = decision(Action::Kept, Some(IdentityCheck::Counter));
    kept.reason = String::new();
    let text = serde_json::to_value(&kept).unwrap();
    assert_eq!(text["identity_checked"], "counter");
    let signer = crate::envelope::Signer::from_seed(&[8; 32]);
    let refused = crate::decision::sign_identified(
        Action::Kept,
        TARGET,
        "",
        Some(IdentityCheck::Counter),
        &at(NOW),
        &[1; 16],
        &signer,
    );
    assert_eq!(refused.map(|_| ()), Err(DecisionError::IdentityOnlyOnAccept));
    let signed = crate::decision::sign_identified(
        Action::Accept,
        TARGET,
        "",
        Some(IdentityCheck::ELicense),
        &at(NOW),
        &[1; 16],
        &signer,
    )
    .unwrap();
    let (_, read) = crate::decision::verify(&signed.to_json()).unwrap();
    assert_eq!(read.identity_checked, Some(IdentityCheck::ELicense));
    // Decisions signed before the member existed still verify and say nothing.
    let plain = crate::decision::sign(Action::Accept, TARGET, "", &at(NOW), &[1; 16], &signer).unwrap();
    let (verified, _) = crate::decision::verify(&plain.to_json()).unwrap();
    assert!(verified.payload.get("identity_checked").is_none());
}

#[test]
fn a_deadline_runs_only_while_someone_must_act() {
    use crate::deadline::Step;
    assert_eq!(running_step(Outcome::Commitment(CommitmentState::Submitted)), Some(Step::CommitmentReview));
    assert_eq!(running_step(Outcome::Commitment(CommitmentState::InForce)), Some(Step::FulfilmentCheck));
    // A repair's step follows its channel (the review of issue 30, item 3): 36号 第十六条 on “信用中国”, the
    // market rule on the 国家企业信用信息公示系统; the state alone does not say which.
    assert_eq!(running_step(Outcome::Repair(RepairState::Received)), None);
    use crate::repair::Channel;
    assert_eq!(repair_step(RepairState::Received, Channel::CreditChina), Some(Step::RepairDecision));
    assert_eq!(repair_step(RepairState::Received, Channel::Gsxt), Some(Step::MarketRepairDecision));
    assert_eq!(repair_step(RepairState::Received, Channel::Court), None);
    for channel in [Channel::CreditChina, Channel::Gsxt] {
        assert_eq!(repair_step(RepairState::Granted, channel), None);
        assert_eq!(repair_step(RepairState::Refused, channel), None);
        assert_eq!(Channel::parse(channel.as_str()), Some(channel), "the stored name reads back");
    }
    assert_eq!(Channel::parse("elsewhere"), None);
    assert_eq!(running_step(Outcome::Objection(ObjectionState::UnderReview)), Some(Step::ObjectionDecision));
    for done in [
        Outcome::Commitment(CommitmentState::Kept),
        Outcome::Commitment(CommitmentState::Returned),
        Outcome::Repair(RepairState::Granted),
        Outcome::Objection(ObjectionState::Rejected),
        Outcome::Key(EnrolmentStatus::Pending),
    ] {
        assert_eq!(running_step(done), None, "{done:?}");
    }
}

#[test]
fn the_operators_key_steps_follow_the_key_lifecycle() {
    use EnrolmentStatus::*;
    assert_eq!(key_step(Pending, Action::KeyApproved), KeyStep::Change(Approved));
    assert_eq!(key_step(Approved, Action::KeyApproved), KeyStep::AlreadySo);
    assert_eq!(key_step(Revoked, Action::KeyApproved), KeyStep::Final);
    assert_eq!(key_step(Pending, Action::KeyRevoked), KeyStep::Change(Revoked));
    assert_eq!(key_step(Approved, Action::KeyRevoked), KeyStep::Change(Revoked));
    assert_eq!(key_step(Revoked, Action::KeyRevoked), KeyStep::AlreadySo);
}

/// Every commitment state × every action × role set × department × standing now and at receipt × identity
/// given on the decision × identified before: the rules hold over the whole product, not only the rows above.
#[test]
fn every_combination_of_a_commitment_case_keeps_the_rules() {
    let mut decided = 0;
    for state in CommitmentState::ALL {
        for action in Action::ALL {
            for roles in ROLE_SETS {
                for department in [TAX, MARKET] {
                    for standing in KeyStatus::ALL {
                        for at_receipt in KeyStatus::ALL {
                            for identified in [None, Some(IdentityCheck::Enrolment)] {
                                for given in [None, Some(IdentityCheck::Counter)] {
                                    // A decision saying how a signer was identified is only an accept: any
                                    // other is refused as a document (`decision::verify`) before it is decided.
                                    if given.is_some() && action != Action::Accept {
                                        continue;
                                    }
                                    let mut case = commitment(state, standing);
                                    case.standing_at_receipt = at_receipt;
                                    case.identified = identified;
                                    let actor = officer(department, roles);
                                    let result = super::decide(
                                        &Case::Commitment(case.clone()),
                                        DECISION_ID,
                                        &decision(action, given),
                                        &actor,
                                        NOW,
                                    );
                                    let what = format!("{state:?} {action:?} {roles:?} {department} {standing:?}/{at_receipt:?} {identified:?} {given:?}");
                                    let Ok(transition) = result else { continue };
                                    decided += 1;
                                    // Only an officer with the action's role, of the commitment's department.
                                    assert!(action.role().is_some_and(|role| roles.contains(&role)), "{what}");
                                    assert_eq!(department, TAX, "{what}");
                                    // The lifecycle says where it goes, and nothing else.
                                    assert_eq!(
                                        transition.outcome,
                                        Outcome::Commitment(state.after(action).expect("allowed step")),
                                        "{what}"
                                    );
                                    // Accepting an unknown signer needs the officer's identity check.
                                    if action == Action::Accept && standing != KeyStatus::Verified {
                                        assert!(given.is_some(), "{what}");
                                    }
                                    // A breach is found only where the signer is known; then it becomes a record.
                                    let records = transition
                                        .effects
                                        .iter()
                                        .filter(|e| matches!(e, Effect::AddRecord { .. }))
                                        .count();
                                    if action == Action::Broken {
                                        let known = identified.is_some()
                                            || standing == KeyStatus::Verified
                                            || at_receipt == KeyStatus::Verified;
                                        assert!(known, "{what}");
                                        assert_eq!(records, 1, "{what}");
                                    } else {
                                        assert_eq!(records, 0, "{what}");
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(decided > 0);
}

/// Every withdrawal: by the key that signed or another, in each state and standing; allowed exactly where
/// `may_withdraw` (what the outbox offers) says.
#[test]
fn every_withdrawal_is_decided_as_the_outbox_offers_it() {
    let mut allowed = 0;
    for state in CommitmentState::ALL {
        for standing in KeyStatus::ALL {
            for kid in [SIGNER, "another-kid"] {
                let case = Case::Commitment(commitment(state, standing));
                let actor = Actor::Signer { kid: kid.into() };
                let result = super::decide(&case, DECISION_ID, &decision(Action::Withdraw, None), &actor, NOW);
                let expected = kid == SIGNER && may_withdraw(state, standing);
                assert_eq!(result.is_ok(), expected, "{state:?} {standing:?} {kid}: {result:?}");
                if let Ok(transition) = result {
                    allowed += 1;
                    assert_eq!(transition.outcome, Outcome::Commitment(CommitmentState::Withdrawn));
                    assert!(transition.effects.is_empty());
                }
            }
        }
    }
    assert!(allowed > 0);
}

/// Repair applications, objections and key enrolments: every state × action × role set × department. A
/// transition happens only for an officer with the action's role, of the deciding authority (谁认定、谁修复;
/// any department for keys), where the lifecycle allows it; its effects are the track's and nothing else:
/// a granted repair ends the record's publication that day, an upheld objection hides the record.
#[test]
fn every_combination_of_the_other_tracks_keeps_the_rules() {
    let cases = other_track_cases();
    let mut decided = [0; 3];
    for case in &cases {
        for action in Action::ALL {
            for roles in ROLE_SETS {
                for department in [TAX, MARKET] {
                    let actor = officer(department, roles);
                    let result = super::decide(case, DECISION_ID, &decision(action, None), &actor, NOW);
                    let what = format!("{case:?} {action:?} {roles:?} {department}: {result:?}");
                    let role_held = action.role().is_some_and(|role| roles.contains(&role));
                    let (allowed, track) = match case {
                        Case::Repair(c) => (department == TAX && c.state.after(action).is_ok(), 0),
                        Case::Objection(c) => (department == TAX && c.state.after(action).is_ok(), 1),
                        Case::Key(c) => (crate::decision::enrolment_after(c.state, action).is_ok(), 2),
                        Case::Commitment(_) => unreachable!(),
                    };
                    assert_eq!(result.is_ok(), role_held && allowed, "{what}");
                    let Ok(transition) = result else { continue };
                    decided[track] += 1;
                    assert_eq!(transition.department, department, "{what}");
                    match (case, &transition.outcome) {
                        (Case::Repair(c), Outcome::Repair(state)) => {
                            assert_eq!(Ok(*state), c.state.after(action), "{what}");
                            let ends = matches!(
                                transition.effects.as_slice(),
                                [Effect::EndPublication { record_id, removed_on, .. }]
                                    if record_id == "R1" && *removed_on == Date::parse("2026-12-02").unwrap()
                            );
                            assert_eq!(ends, *state == RepairState::Granted, "{what}");
                            if *state != RepairState::Granted {
                                assert!(transition.effects.is_empty(), "{what}");
                            }
                        }
                        (Case::Objection(c), Outcome::Objection(state)) => {
                            assert_eq!(Ok(*state), c.state.after(action), "{what}");
                            let hides = matches!(
                                transition.effects.as_slice(),
                                [Effect::HideRecord { record_id, .. }] if record_id == "R1"
                            );
                            assert_eq!(hides, *state == ObjectionState::Upheld, "{what}");
                            if *state != ObjectionState::Upheld {
                                assert!(transition.effects.is_empty(), "{what}");
                            }
                        }
                        (Case::Key(c), Outcome::Key(state)) => {
                            assert_eq!(Ok(*state), crate::decision::enrolment_after(c.state, action), "{what}");
                            assert!(transition.effects.is_empty(), "{what}");
                        }
                        _ => panic!("the outcome is of another track: {what}"),
                    }
                }
            }
        }
    }
    assert!(decided.iter().all(|n| *n > 0), "{decided:?}");
}

fn imported_record(id: &str, removed_on: Option<&str>) -> Record {
    let mut body = serde_json::json!({
        "id": id, "kind": "administrative_penalty", "decision_no": "晋税罚〔2026〕1号", "authority": TAX,
        "decided_on": "2026-06-01", "class": "general", "penalties": ["fine"], "summary": "未按期申报",
    });
    if let Some(day) = removed_on {
        body["removed_on"] = day.into();
    }
    serde_json::from_value(body).unwrap()
}

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

/// What a signed decision did to a record outlives a new import of its subject (the review of issue 29, item
/// 1): a broken commitment's record stays though the register never lists it, a granted repair's end of
/// publication stays unless the import ends it earlier, an upheld objection's record stays hidden; what the
/// register dropped and no decision added goes. What the import logs is what is kept.
#[test]
fn a_decisions_effects_outlive_a_new_import() {
    // The record a broken commitment's decision adds, as `decide` makes it.
    let mut case = commitment(CommitmentState::InForce, KeyStatus::Verified);
    case.identified = Some(IdentityCheck::Enrolment);
    let transition =
        super::decide(&Case::Commitment(case), DECISION_ID, &decision(Action::Broken, None), &all_roles(TAX), NOW)
            .unwrap();
    let Some(Effect::AddRecord { record: broken, .. }) = transition.effects.first() else { panic!("a record") };
    assert_eq!(broken.id, broken_record_id(DECISION_ID));
    let marked = |record: Record, marks: DecidedMarks| StoredRecord { record, marks };
    let repaired_on = day("2026-12-02");
    let stored = vec![
        marked(imported_record("r-1", None), DecidedMarks::default()),
        marked(
            imported_record("r-2", None),
            DecidedMarks { hidden_by: Some("objection-1".into()), ..Default::default() },
        ),
        marked(
            imported_record("r-3", Some("2026-12-02")),
            DecidedMarks { ended: Some(PublicationEnd { by: "a-1".into(), on: repaired_on }), ..Default::default() },
        ),
        marked((**broken).clone(), DecidedMarks { added_by: Some(DECISION_ID.into()), ..Default::default() }),
        marked(imported_record("r-4", None), DecidedMarks::default()),
    ];
    let mut changed = imported_record("r-1", None);
    changed.summary = "更正后的摘要".into();
    // The register's next file: r-1 corrected, r-2 and r-3 as before (r-3 knows nothing of its repair), r-4
    // gone, r-5 new; the broken commitment's record was never the register's.
    let imported =
        vec![changed.clone(), imported_record("r-2", None), imported_record("r-3", None), imported_record("r-5", None)];
    let kept = reimport(&imported, &stored);
    let ids: Vec<&str> = kept.iter().map(|k| k.record.id.as_str()).collect();
    assert_eq!(ids, ["r-1", "r-2", "r-3", "r-5", broken.id.as_str()]);
    assert_eq!(kept[0].record, changed);
    assert_eq!(kept[1].marks.hidden_by.as_deref(), Some("objection-1"), "hidden stays hidden");
    assert_eq!(kept[2].record.removed_on, Some(repaired_on), "the repair's end of publication stays");
    assert_eq!(kept[2].marks, stored[2].marks);
    assert_eq!(kept[3].marks, DecidedMarks::default());
    assert_eq!(kept[4], stored[3], "the broken commitment's record stays as it was");
    // The log says what is kept: r-1 changed, r-5 added, r-4 removed; r-3 and the broken record unchanged.
    let events = reimport_events("91140105MA0L8XUY5X", &stored, &kept);
    let changes: Vec<(&str, RecordChange)> = events
        .iter()
        .map(|e| match e {
            LogEvent::Record { record_id, change, .. } => (record_id.as_str(), *change),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(changes, [("r-1", RecordChange::Changed), ("r-5", RecordChange::Added), ("r-4", RecordChange::Removed)]);
    let LogEvent::Record { body_sha256: Some(digest), .. } = &events[0] else { panic!("a digest") };
    assert_eq!(*digest, crate::public_log::body_sha256(&serde_json::to_value(&changed).unwrap()));
    // An import ending the publication earlier wins; later, or not at all, does not undo the repair.
    let ended = stored[2].marks.clone();
    for (imported, kept) in
        [(None, "2026-12-02"), (Some("2026-11-30"), "2026-11-30"), (Some("2027-01-01"), "2026-12-02")]
    {
        assert_eq!(ended.imported_body(imported_record("r-3", imported)).removed_on, Some(day(kept)), "{imported:?}");
    }
    assert_eq!(
        DecidedMarks::default().imported_body(imported_record("r", Some("2027-01-01"))).removed_on,
        Some(day("2027-01-01"))
    );
    // Only a record a decision added outlives an import that leaves it out.
    let added = DecidedMarks { added_by: Some(DECISION_ID.into()), ..Default::default() };
    let hidden = DecidedMarks { hidden_by: Some("objection-1".into()), ..Default::default() };
    for (marks, left_out) in [(&DecidedMarks::default(), false), (&added, true), (&hidden, false), (&ended, false)] {
        assert!(marks.outlives_import(true), "{marks:?}");
        assert_eq!(marks.outlives_import(false), left_out, "{marks:?}");
    }
    // Nothing imported twice changes nothing.
    assert!(reimport_events("x", &kept, &reimport(&imported, &kept)).is_empty());
}

#[test]
fn every_action_is_in_the_list_the_tables_go_through() {
    for (position, action) in Action::ALL.iter().enumerate() {
        assert_eq!(action.position(), position, "{action:?}");
    }
}

/// One name for a department (the review of issue 29, item 2): an officer registered under a template's
/// English name is the department of its Chinese name — offered and allowed the same; registration takes the
/// templates' departments (either name, stored in Chinese) and a record's authority, and refuses the rest
/// with the known names.
#[test]
fn a_department_is_known_by_one_name() {
    assert_eq!(department_name(TAX_EN), TAX);
    assert_eq!(department_name(&format!(" {TAX} ")), TAX);
    assert_eq!(department_name("太原市示例局"), "太原市示例局");
    // Shown in English by its English name, from either name; one no template names keeps its own.
    assert_eq!(department_in(TAX, Lang::En), TAX_EN);
    assert_eq!(department_in(TAX_EN, Lang::Zh), TAX);
    assert_eq!(department_in("太原市示例局", Lang::En), "太原市示例局");
    // Offered and decided alike, by either name.
    let case = Case::Commitment(commitment(CommitmentState::Submitted, KeyStatus::Verified));
    let english = officer(TAX_EN, &Role::ALL);
    assert_eq!(actions(&case, TAX_EN, &Role::ALL), actions(&case, TAX, &Role::ALL));
    let accepted = super::decide(&case, DECISION_ID, &decision(Action::Accept, None), &english, NOW).unwrap();
    assert_eq!(accepted.department, TAX, "decided for the department by its Chinese name");
    assert!(actions(&case, MARKET, &Role::ALL).is_empty(), "nothing offered to another department");
    // Registration.
    assert_eq!(register_department(TAX, false), Ok(TAX.to_owned()));
    assert_eq!(register_department(TAX_EN, false), Ok(TAX.to_owned()));
    let unknown = register_department("太原市示例局", false).unwrap_err();
    assert_eq!(unknown.code(), "unknown_department");
    assert!(unknown.message(Lang::Zh).contains(TAX) && unknown.message(Lang::En).contains("--other-department"));
    assert_eq!(register_department("太原市示例局", true), Ok("太原市示例局".to_owned()));
    // A repair application's form names no deciding department.
    assert!(register_department("作出失信认定的单位", false).is_err());
    let shared = "Shanxi Provincial Administrative Approval Service Administration";
    let ambiguous = register_department(shared, true).unwrap_err();
    assert_eq!(ambiguous.code(), "ambiguous_department");
    assert!(ambiguous.message(Lang::Zh).contains("山西省行政审批服务管理局"), "{}", ambiguous.message(Lang::Zh));
    for known in known_departments() {
        let registered = register_department(known, false).unwrap();
        assert_eq!((registered.as_str(), department_name(&registered).as_str()), (known, known));
    }
    for template in crate::template::all().iter().filter(|t| t.kind != TemplateKind::Repair) {
        for d in template.departments.iter() {
            if let Ok(registered) = register_department(&d.en, false) {
                assert_eq!(registered, d.zh, "{}", d.en);
            }
        }
    }
}

/// The store's filter of a department's commitments (`commitment_filter`) selects exactly what `decides`
/// says, for every template version, every department it may be signed to (or none), and every name an
/// officer's department may have.
#[test]
fn the_inbox_filter_is_the_rule_decide_follows() {
    let mut names: Vec<String> = known_departments().into_iter().map(str::to_owned).collect();
    names.extend(crate::template::all().iter().flat_map(|t| t.departments.iter().map(|d| d.en.to_string())));
    names.push("太原市示例局".into());
    names.sort();
    names.dedup();
    let mut matched = 0;
    for name in &names {
        let filter = commitment_filter(name);
        for template in crate::template::all() {
            let signed: Vec<Option<&str>> =
                std::iter::once(None).chain(template.departments.iter().map(|d| Some(&*d.zh))).collect();
            for signed in signed {
                let by_rule = decides(&departments_of(Some(template), signed), name);
                let by_filter = match signed {
                    Some(department) => department == filter.department,
                    None => filter
                        .template_versions
                        .iter()
                        .any(|(id, version)| *id == template.id && *version == template.version),
                };
                assert_eq!(by_rule, by_filter, "{name} {} {} {signed:?}", template.id, template.version);
                matched += usize::from(by_rule);
            }
        }
    }
    assert!(matched > 0);
}

/// A file signed with the test key at `signed_at`, with its disclosures.
fn signed_file(filled: &crate::commitment::Filled, signed_at: &str) -> crate::commitment::SignedFile {
    let signer = crate::envelope::Signer::from_seed(&[7; 32]);
    crate::commitment::sign(filled, &signer, signed_at, &[9; 16], &[5; 32]).unwrap().0
}

fn filled(template_id: &str, values: serde_json::Value) -> crate::commitment::Filled {
    crate::commitment::Filled {
        template_id: template_id.into(),
        template_version: None,
        values: serde_json::from_value(values).unwrap(),
        department: None,
    }
}

fn tax_commitment() -> crate::commitment::Filled {
    filled(
        "tax-service",
        serde_json::json!({
            "subject_name": "山西示例科技有限公司", "credit_code": "91140105123456788F", "legal_rep": "张三",
            "legal_rep_id": "11010519491231002X", "phone": "0351-1234567", "matter": "办理涉税事项",
            "tax_authority": "国家税务总局太原市小店区税务局", "filer": "self", "confirm_read": true, "confirm_publish": true,
        }),
    )
}

/// The tax commitment signed at `SIGNED_AT`, its payload edited, signed again (disclosures kept).
fn resigned(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let file = signed_file(&tax_commitment(), SIGNED_AT);
    let mut payload = crate::envelope::verify(&file.jws.to_json()).unwrap().payload;
    edit(&mut payload);
    let jws = crate::envelope::sign(&payload, &[7; 32]).unwrap();
    crate::commitment::SignedFile { jws, disclosures: file.disclosures }.to_json()
}

/// 2026-11-26T02:00:00Z, when the tax template's 1.0.0 (in force to 2026-12-01) was in force.
const SIGNED_AT: &str = "2026-11-26T02:00:00Z";
const SIGNED_MILLIS: u64 = 1_795_658_400_000;
const HOUR: u64 = 3_600_000;
const DAY: u64 = 24 * HOUR;

/// What is received, and at which desk, as a table (the review of issue 29, item 6): the code of each refusal,
/// whether it is a malformed request (400) or a refused document (422), and both its sentences.
#[test]
fn what_a_desk_receives() {
    use crate::commitment::{SignedFile, PAYLOAD_TYPE_V1};
    let tax = signed_file(&tax_commitment(), SIGNED_AT);
    let repair = signed_file(
        &filled(
            "credit-repair",
            serde_json::json!({
                "subject_name": "山西示例科技有限公司", "credit_code": "91140105123456788F", "legal_rep": "李四",
                "phone": "13812345678", "decision_no": "晋税罚〔2026〕1号", "decision_authority": TAX,
                "decision_date": "2026-06-01", "filer": "self", "confirm_read": true, "confirm_publish": true,
            }),
        ),
        SIGNED_AT,
    );
    let withheld = SignedFile { jws: tax.jws.clone(), disclosures: Vec::new() }.to_json();
    let mut tampered: serde_json::Value = serde_json::from_str(&tax.to_json()).unwrap();
    tampered["signature"] = serde_json::Value::String("A".repeat(86));
    let prepared = crate::commitment::prepare(&tax_commitment(), Some(Date::parse("2026-11-26").unwrap())).unwrap();
    let first_version = serde_json::json!({
        "type": PAYLOAD_TYPE_V1,
        "template": { "id": "tax-service", "version": prepared.template.version, "text_sha256": prepared.template.text_sha256 },
        "credit_code": "91140105123456788F", "values": prepared.values, "signed_at": SIGNED_AT,
        "nonce": "CQkJCQkJCQkJCQkJCQkJCQ",
    });
    let first_version = crate::envelope::sign(&first_version, &[7; 32]).unwrap().to_json();
    // Claiming a day after 1.0.0 ended: the template is not in force then.
    let after_its_end = resigned(|payload| payload["signed_at"] = "2026-12-05T00:00:00Z".into());
    let after_its_end_millis = 1_796_428_800_000;
    // An electricity commitment signed before the department was signed (older files still verify).
    let department = "山西省能源局";
    let electricity = filled(
        "electricity",
        serde_json::json!({
            "subject_name": "晋示例用电有限公司", "credit_code": "91140105123456788F", "legal_rep": "张三",
            "phone": "0351-1234567", "matter": "用电报装", "filer": "self", "confirm_read": true, "confirm_publish": true,
        }),
    );
    let chosen = crate::commitment::Filled { department: Some(department.into()), ..electricity };
    let unchosen = {
        let file = signed_file(&chosen, SIGNED_AT);
        let mut payload = crate::envelope::verify(&file.jws.to_json()).unwrap().payload;
        payload.as_object_mut().unwrap().remove("department");
        SignedFile { jws: crate::envelope::sign(&payload, &[7; 32]).unwrap(), disclosures: file.disclosures }.to_json()
    };
    let now = SIGNED_MILLIS + HOUR;
    // (what, file, received at, desk, code or "" when received, a malformed request?)
    let rows: Vec<(&str, String, u64, Desk, &str, bool)> = vec![
        ("a commitment", tax.to_json(), now, Desk::Commitments, "", false),
        (
            "a commitment as a repair application",
            tax.to_json(),
            now,
            Desk::RepairApplications,
            "not_a_repair_commitment",
            false,
        ),
        ("a repair application", repair.to_json(), now, Desk::RepairApplications, "", false),
        (
            "a repair application as a commitment",
            repair.to_json(),
            now,
            Desk::Commitments,
            "repair_application_elsewhere",
            false,
        ),
        ("personal values withheld", withheld, now, Desk::Commitments, "disclosures_missing", false),
        ("the first payload type", first_version, now, Desk::Commitments, "outdated_payload_type", false),
        (
            "signed a week and a minute before",
            tax.to_json(),
            SIGNED_MILLIS + 7 * DAY + 60_000,
            Desk::Commitments,
            "signed_too_long_ago",
            false,
        ),
        ("signed a week before", tax.to_json(), SIGNED_MILLIS + 7 * DAY, Desk::Commitments, "", false),
        (
            "signed two hours ahead",
            tax.to_json(),
            SIGNED_MILLIS - 2 * HOUR,
            Desk::Commitments,
            "signed_in_future",
            false,
        ),
        (
            "a version not in force then",
            after_its_end.clone(),
            after_its_end_millis,
            Desk::Commitments,
            "template_not_in_force",
            false,
        ),
        (
            "a version not in force, signed long ago",
            after_its_end,
            after_its_end_millis + 8 * DAY,
            Desk::Commitments,
            "signed_too_long_ago",
            false,
        ),
        ("several departments, none chosen", unchosen, now, Desk::Commitments, "department_required", false),
        ("one chosen", signed_file(&chosen, SIGNED_AT).to_json(), now, Desk::Commitments, "", false),
        ("a bad signature", tampered.to_string(), now, Desk::Commitments, "bad_signature", false),
        ("not JSON", "{".into(), now, Desk::Commitments, "bad_envelope", true),
    ];
    for (what, file, at, desk, code, unreadable) in rows {
        match accept_submission(&file, at, desk) {
            Ok(signed) => assert_eq!(code, "", "{what}: received as {}", signed.prepared.template.id),
            Err(refusal) => {
                assert_eq!((refusal.code(), refusal.is_unreadable()), (code, unreadable), "{what}: {refusal:?}");
                assert!(!refusal.message(Lang::Zh).is_empty() && !refusal.message(Lang::En).is_empty(), "{what}");
            }
        }
    }
    let elsewhere = accept_submission(&repair.to_json(), now, Desk::Commitments).unwrap_err();
    assert!(elsewhere.message(Lang::En).contains("POST /api/v1/repair-applications"));
}

/// An objection is received if it verifies and was signed within the same allowance as a commitment.
#[test]
fn an_objection_is_received_within_the_allowance() {
    let objection = serde_json::json!({
        "type": crate::objection::OBJECTION_TYPE, "credit_code": "91140105123456788F", "record_id": "r-1",
        "grounds": "该处罚决定已被行政复议决定撤销，附复议决定书。", "signed_at": SIGNED_AT, "nonce": "CQkJCQkJCQkJCQkJCQkJCQ",
    });
    let text = crate::envelope::sign(&objection, &[7; 32]).unwrap().to_json();
    let received = receive_objection(&text, SIGNED_MILLIS + HOUR).unwrap();
    assert_eq!(received.1.record_id, "r-1");
    let code = |at| receive_objection(&text, at).map(|_| "").unwrap_or_else(|refusal| refusal.code());
    assert_eq!(code(SIGNED_MILLIS + 8 * DAY), "signed_too_long_ago");
    assert_eq!(code(SIGNED_MILLIS - 2 * HOUR), "signed_in_future");
    let refusal = receive_objection("{", SIGNED_MILLIS).unwrap_err();
    assert_eq!((refusal.code(), refusal.is_unreadable()), ("bad_envelope", true));
    let other = crate::envelope::sign(&serde_json::json!({"type": "other"}), &[7; 32]).unwrap().to_json();
    assert!(!receive_objection(&other, SIGNED_MILLIS).unwrap_err().is_unreadable());
}

/// The key enrolments' inbox opens only with the keys role, the others to any officer — and an inbox an officer
/// may not open offers them nothing (the review of issue 29, item 7: one gate for the server and the console).
#[test]
fn an_inbox_opens_to_the_roles_that_act_in_it() {
    assert!(may_open_inbox(TargetKind::KeyEnrolment, &[Role::Keys]));
    assert!(!may_open_inbox(TargetKind::KeyEnrolment, &[Role::Review, Role::Decide]));
    for kind in [TargetKind::Commitment, TargetKind::RepairApplication, TargetKind::Objection] {
        assert!(may_open_inbox(kind, &[]), "{kind:?}");
    }
    let mut cases = other_track_cases();
    cases.push(Case::Commitment(commitment(CommitmentState::Submitted, KeyStatus::Verified)));
    for case in &cases {
        let kind = match case {
            Case::Commitment(_) => TargetKind::Commitment,
            Case::Repair(_) => TargetKind::RepairApplication,
            Case::Objection(_) => TargetKind::Objection,
            Case::Key(_) => TargetKind::KeyEnrolment,
        };
        for roles in ROLE_SETS {
            if !may_open_inbox(kind, roles) {
                assert!(actions(case, TAX, roles).is_empty(), "{case:?} {roles:?}");
            }
        }
    }
}

/// One objection under review per record, as the subject's page asks before it offers the form and as
/// `accept_objection` refuses a second.
#[test]
fn one_objection_is_under_review_at_a_time() {
    let under_review = [("o-1".to_owned(), ObjectionState::Rejected), ("o-2".to_owned(), ObjectionState::UnderReview)];
    assert_eq!(no_objection_pending(&under_review).map_err(|r| r.code()), Err("objection_pending"));
    assert_eq!(no_objection_pending(&under_review[..1]), Ok(()));
    assert_eq!(no_objection_pending(&[]), Ok(()));
}

/// An objection's step follows the record objected to: 36号 第十八条's on “信用中国”, a step of its own for a
/// market-regulation record or a court listing (the review of issue 30).
#[test]
fn an_objections_step_follows_the_record() {
    use crate::status::Record;
    let record = |extra: serde_json::Value| {
        let mut base = serde_json::json!({"id": "r1", "kind": "administrative_penalty", "decision_no": "n",
            "authority": "a", "decided_on": "2026-05-10", "class": "general"});
        for (key, value) in extra.as_object().unwrap() {
            base[key] = value.clone();
        }
        Record::from_json(base).unwrap()
    };
    let under_review = ObjectionState::UnderReview;
    assert_eq!(objection_step(under_review, Some(&record(serde_json::json!({})))), Some(Step::ObjectionDecision));
    let market = record(serde_json::json!({"market_regulation": true}));
    assert_eq!(objection_step(under_review, Some(&market)), Some(Step::OtherObjectionDecision));
    let court = record(serde_json::json!({"kind": "court_dishonest_debtor", "class": null}));
    assert_eq!(objection_step(under_review, Some(&court)), Some(Step::OtherObjectionDecision));
    assert_eq!(objection_step(under_review, None), Some(Step::ObjectionDecision));
    assert_eq!(objection_step(ObjectionState::Upheld, Some(&market)), None);
    // The market step shows no limit and none of 36号's stages.
    let rule = crate::deadline::rule(Step::OtherObjectionDecision, Date::parse("2026-12-07").unwrap()).unwrap();
    assert_eq!((rule.working_days, rule.stages.len()), (None, 0));
}
