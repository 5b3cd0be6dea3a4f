use serde_json::json;

use super::build::content;
use super::*;
use crate::public_log::LogEvent;
use crate::status::Profile;
use crate::wire::{PublicObjection, SubjectView};

const CODE: &str = "91140105123456788F";

fn on() -> Date {
    Date::parse("2026-12-07").unwrap()
}

fn penalty(id: &str, class: &str, decided_on: &str) -> Value {
    json!({"id": id, "kind": "administrative_penalty", "decision_no": format!("晋示例罚〔2026〕{id}号"),
        "authority": "太原市示例局", "decided_on": decided_on, "class": class, "summary": "未按规定公示"})
}

fn view(records: Value, objections: Vec<PublicObjection>) -> SubjectView {
    let profile = Profile::from_json(json!({"credit_code": CODE, "name": "山西示例科技有限公司", "demo": true,
        "records": records, "grades": [{"scheme": "tax_credit", "grade": "B", "year": 2025,
        "authority": "国家税务总局山西省税务局", "source": "纳税信用评价结果公布"}]}))
    .unwrap();
    SubjectView::of(profile, Default::default(), Vec::new(), objections, on()).unwrap()
}

fn standard_view() -> SubjectView {
    let mut repaired = penalty("p-repaired", "general", "2026-02-02");
    repaired["obligations_met_on"] = json!("2026-02-10");
    repaired["removed_on"] = json!("2026-09-01");
    let court = json!({"id": "c1", "kind": "court_dishonest_debtor", "decision_no": "(2026)晋01执1号",
        "authority": "太原市中级人民法院", "decided_on": "2026-03-03", "listing_ground": 2});
    let red = json!({"id": "r1", "kind": "red_list", "decision_no": "晋示例〔2026〕红1号",
        "authority": "山西省示例厅", "decided_on": "2026-05-05"});
    // Decided long ago, met at once: 36号's longest general publication (3 years) is over.
    let mut old = penalty("p-old", "general", "2020-01-06");
    old["obligations_met_on"] = json!("2020-01-20");
    let future = penalty("p-future", "general", "2026-12-20");
    view(json!([penalty("p-now", "general", "2026-06-01"), repaired, court, red, old, future]), Vec::new())
}

#[test]
fn a_report_lists_what_is_public_that_day_in_its_sections_and_says_what_it_leaves_out() {
    let content = content(&standard_view(), &[]);
    let ids = |records: &[ReportRecord]| records.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&content.penalties), ["p-now"]);
    assert_eq!(ids(&content.serious_lists), ["c1"]);
    assert_eq!(ids(&content.red_lists), ["r1"]);
    assert!(content.abnormal_lists.is_empty() && content.other_records.is_empty());
    assert_eq!((content.as_of, content.grades.len()), (on(), 1));
    assert_eq!(content.tier.as_ref().map(|t| t.label.zh.as_ref()), Some("本工具汇总，非官方评级"));
    let notes: Vec<&str> = content.notes.iter().map(|n| n.text.zh.as_ref()).collect();
    assert!(notes[0].contains("不含任何个人信息") && notes[0].contains("行政许可信息本系统未收录"), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("公示期已届满的记录不再列入（1 条）")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("已修复或已提前终止公示、已移出的记录不再列入（1 条）")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("示例数据")), "a demo subject says so");
    // Each left-out group names the articles that decided it.
    let ended = content.notes.iter().find(|n| n.text.zh.contains("公示期已届满")).unwrap();
    assert!(!ended.rules.is_empty(), "{ended:?}");
}

#[test]
fn an_upheld_objection_is_noted_and_commitments_carry_their_gb_class_and_state() {
    let objection = PublicObjection {
        objection_id: "o1".into(),
        record_id: "gone".into(),
        state: ObjectionState::Upheld,
        state_label_zh: "异议成立".into(),
        state_label_en: "Upheld".into(),
        received_at: "2026-10-10T02:00:00.000Z".into(),
        decided_at: Some("2026-10-15T02:00:00.000Z".into()),
        reason: String::new(),
        deadline: None,
        decision_id: None,
    };
    let view = view(json!([penalty("p-now", "general", "2026-06-01")]), vec![objection]);
    let commitment = serde_json::from_value::<crate::wire::PublishedCommitment>(json!({
        "sequence": 1, "submission_id": "ab".repeat(32), "credit_code": CODE, "template_id": "tax-service",
        "template_version": "1.0.0", "signer_kid": "k", "signed_at": "2026-11-01T01:00:00.000Z",
        "received_at": "2026-11-01T16:30:00.000Z", "key_status": "verified", "state": "kept", "envelope": null,
        "receipt": null, "subject_name": "山西示例科技有限公司", "department": null, "title_zh": "纳税服务信用承诺书",
        "title_en": "Tax", "signer_fingerprint": "f", "key_status_label_zh": "", "key_status_label_en": "",
        "status_label_zh": "", "status_label_en": "", "department_name": "国家税务总局山西省税务局"}))
    .unwrap();
    let content = content(&view, &[commitment]);
    assert_eq!(content.objections.len(), 1);
    assert_eq!(content.objections[0].decided_on, Some(Date::parse("2026-10-15").unwrap()));
    assert!(content.notes.iter().any(|n| n.text.zh.contains("经异议核实更正的记录不再列入（1 件异议成立）")));
    let listed = &content.commitments[0];
    assert_eq!((listed.class, listed.state), (CommitmentClass::Notification, CommitmentState::Kept));
    assert_eq!(listed.received_on, Date::parse("2026-11-02").unwrap(), "received 00:30 Beijing time");
    assert_eq!(listed.department, "国家税务总局山西省税务局");
    assert_eq!(CommitmentClass::of(TemplateKind::Repair).label(Lang::Zh), "信用修复承诺");
    assert_eq!(CommitmentClass::of(TemplateKind::Voluntary).label(Lang::Zh), "主动承诺");
}

#[test]
fn a_breach_finding_overturned_on_objection_reads_as_withdrawn_in_the_report_not_as_a_breach() {
    let published = |overturned: Option<&str>| {
        serde_json::from_value::<crate::wire::PublishedCommitment>(json!({
            "sequence": 1, "submission_id": "ab".repeat(32), "credit_code": CODE, "template_id": "tax-service",
            "template_version": "1.0.0", "signer_kid": "k", "signed_at": "2026-11-01T01:00:00.000Z",
            "received_at": "2026-11-01T02:00:00.000Z", "key_status": "verified", "state": "broken",
            "envelope": null, "receipt": null, "subject_name": "山西示例科技有限公司", "department": null,
            "title_zh": "纳税服务信用承诺书", "title_en": "Tax", "signer_fingerprint": "f", "key_status_label_zh": "",
            "key_status_label_en": "", "status_label_zh": "", "status_label_en": "",
            "department_name": "国家税务总局山西省税务局", "finding_overturned_by": overturned}))
        .unwrap()
    };
    let view = view(json!([]), vec![]);
    let standing = content(&view, &[published(None)]);
    assert_eq!(standing.commitments[0].state_label(), ("违诺", "broken"));
    let overturned = content(&view, &[published(Some(&"cd".repeat(32)))]);
    let listed = &overturned.commitments[0];
    assert_eq!(listed.finding_overturned_by.as_deref(), Some("cd".repeat(32).as_str()));
    assert_eq!(listed.state_label(), ("违诺认定已撤销", "breach finding withdrawn"));
    // Signed with it, and a report made before the member existed still reads.
    let text = serde_json::to_value(listed).unwrap();
    assert_eq!(text["finding_overturned_by"], "cd".repeat(32));
    let mut old = serde_json::to_value(&standing.commitments[0]).unwrap();
    assert!(old.get("finding_overturned_by").is_none());
    old.as_object_mut().unwrap().remove("finding_overturned_by");
    assert!(serde_json::from_value::<ReportCommitment>(old).is_ok());
}

#[test]
fn a_report_is_numbered_by_day_and_content_signed_and_verified_offline_against_pinned_keys() {
    let made = report(content(&standard_view(), &[]), "2026-12-07T02:00:00.000Z", "信诺 示例服务器", 42);
    let again = report(content(&standard_view(), &[]), "2026-12-07T05:00:00.000Z", "信诺 示例服务器", 43);
    assert_eq!(made.report_no, again.report_no, "the same content on the same day: the same number");
    assert!(made.report_no.starts_with("XN20261207") && made.report_no.len() == 26, "{}", made.report_no);

    let server = envelope::Signer::from_seed(&[3; 32]);
    let file = sign(&made, &server).unwrap().to_json();
    let trusted = TrustedServerKeys::from_public_keys([envelope::public_key(&[3; 32])]);
    let verified = verify(&file, &trusted).unwrap();
    assert_eq!(verified.report, made);
    assert!(is_report_file(&file) && !is_report_file("{}") && !is_report_file("not json"));
    // One character of the payload changed: refused, with the reason.
    let mut value: Value = serde_json::from_str(&file).unwrap();
    let payload = value["payload"].as_str().unwrap().to_owned();
    let flipped = format!("{}{}", &payload[..40], if &payload[40..41] == "A" { "B" } else { "A" }) + &payload[41..];
    value["payload"] = Value::String(flipped);
    assert!(is_report_file(&value.to_string()), "a changed report is still recognised as one");
    let refused = verify(&value.to_string(), &trusted).unwrap_err();
    assert!(matches!(refused, ReportError::Signature(_)), "{refused:?}");
    assert!(refused.message(Lang::Zh).starts_with("报告文件不完整或已被改动"));
    // Another server's key: intact, but not trusted.
    let stranger = TrustedServerKeys::from_public_keys([envelope::public_key(&[4; 32])]);
    assert_eq!(verify(&file, &stranger).unwrap_err(), ReportError::UnknownServerKey);
    // A receipt is not a report.
    let receipt = crate::receipt::sign(
        &crate::receipt::Receipt {
            receipt_type: crate::receipt::RECEIPT_TYPE.into(),
            submission_id: "ab".repeat(32),
            received_at: "2026-12-07T02:00:00.000Z".into(),
            sequence: 1,
            key_status: crate::receipt::KeyStatus::Verified,
            signer_kid: "k".into(),
            credit_code: CODE.into(),
            template_id: "tax-service".into(),
            template_version: "1.0.0".into(),
        },
        &server,
    )
    .unwrap()
    .to_json();
    assert_eq!(verify(&receipt, &trusted).unwrap_err(), ReportError::NotAReport);
    assert!(!is_report_file(&receipt));
}

/// The entry the server logs when it issues `report` signed as `signed`.
fn issue_of(report: &CreditReport, signed: &envelope::FlattenedJws) -> LogEvent {
    LogEvent::Report {
        report_no: report.report_no.clone(),
        credit_code: report.content.credit_code.clone(),
        made_at: report.made_at.clone(),
        file_sha256: public_log::text_sha256(&signed.to_json()),
    }
}

#[test]
fn a_report_file_carries_its_issue_in_the_log_which_a_witness_quorum_requires() {
    // Issued when the log held one entry: its issue is entry 1 (the log's size is written into the report).
    let made = report(content(&standard_view(), &[]), "2026-12-07T02:00:00.000Z", "信诺 示例服务器", 1);
    // `TestLog::trusted` lists the server key of seed 5 with the test log's key.
    let server = envelope::Signer::from_seed(&[5; 32]);
    let signed = sign(&made, &server).unwrap();
    // The same number signed over other content (what only whoever holds the server's key could make).
    let mut other = made.clone();
    other.content.name = "山西冒名科技有限公司".into();
    let forged = sign(&other, &server).unwrap();
    // Another report, issued next (entry 2).
    let next = report(content(&standard_view(), &[]), "2026-12-08T02:00:00.000Z", "信诺 示例服务器", 2);
    let next_signed = sign(&next, &server).unwrap();
    let record = LogEvent::Record {
        credit_code: CODE.into(),
        record_id: "p-now".into(),
        change: public_log::RecordChange::Added,
        body_sha256: None,
    };
    let mut log = public_log::TestLog::of(&[record, issue_of(&made, &signed), issue_of(&next, &next_signed)]);
    let as_value = |jws: &envelope::FlattenedJws| serde_json::to_value(jws).unwrap();
    let file = file_with_log(&as_value(&signed), Some(&log.logged(1)));
    let trusted = log.trusted();

    let verified = verify(&file, &trusted).unwrap();
    assert_eq!((verified.report, verified.logged.map(|place| place.number())), (made.clone(), Some(2)));
    assert!(is_report_file(&file));
    // The signed report alone, as before reports were logged: believed without a place where no witnesses are
    // required.
    assert_eq!(verify(&signed.to_json(), &trusted).unwrap().logged, None);
    let alone: Value = serde_json::from_str(&file_with_log(&as_value(&signed), None::<&LoggedEntry>)).unwrap();
    assert_eq!(alone, as_value(&signed));
    assert_eq!(verify(&file_with_log(&as_value(&next_signed), Some(&log.logged(2))), &trusted).unwrap().report, next);
    // An entry that is no report's issue, another report's issue, or the logged number over other content: not
    // this report's issue.
    let code = |file: &str| verify(file, &trusted).map(|_| ()).map_err(|e| e.code());
    assert_eq!(code(&file_with_log(&as_value(&signed), Some(&log.logged(0)))), Err("log_not_an_entry"));
    assert_eq!(code(&file_with_log(&as_value(&signed), Some(&log.logged(2)))), Err("report_log_other_issue"));
    assert_eq!(code(&file_with_log(&as_value(&forged), Some(&log.logged(1)))), Err("report_log_other_issue"));
    let refused = verify(&file_with_log(&as_value(&forged), Some(&log.logged(1))), &trusted).unwrap_err();
    assert!(
        refused.message(Lang::Zh).starts_with("报告所附的公开日志记录属于另一份报告"),
        "{}",
        refused.message(Lang::Zh)
    );
    // The right digest, number, subject and time at another place than the size the report was issued at.
    let mut misplaced = made.clone();
    misplaced.log_size = 2;
    let misplaced_signed = sign(&misplaced, &server).unwrap();
    let shifted = public_log::TestLog::of(&[issue_of(&misplaced, &misplaced_signed)]);
    let at_zero = file_with_log(&as_value(&misplaced_signed), Some(&shifted.logged(0)));
    assert_eq!(verify(&at_zero, &shifted.trusted()).map(|_| ()).map_err(|e| e.code()), Err("report_log_other_issue"));
    // A member besides the report and its entry, or an entry that is not one: refused.
    let mut extra: Value = serde_json::from_str(&file).unwrap();
    extra["note"] = json!("x");
    assert_eq!(code(&extra.to_string()), Err("not_a_report"));
    let mut broken: Value = serde_json::from_str(&file).unwrap();
    broken["log"] = json!({"entry": 1});
    assert_eq!(code(&broken.to_string()), Err("log_not_an_entry"));

    // Where one witness must cosign: the signed report alone is refused (whoever holds the database holds the
    // server's key), so is its entry in a checkpoint the witness did not cosign; cosigned, it is believed.
    let witness = crate::tlog::NoteSigner::cosigner("xinnuo.witness/a", &[7; 32]).unwrap();
    let witnessed = log.trusted_with_witnesses(&[&witness], 1);
    let witnessed_code = |file: &str| verify(file, &witnessed).map(|_| ()).map_err(|e| e.code());
    assert_eq!(witnessed_code(&signed.to_json()), Err("report_not_logged"));
    assert!(verify(&signed.to_json(), &witnessed).unwrap_err().message(Lang::Zh).contains("经见证方联署"));
    assert_eq!(witnessed_code(&file), Err("log_not_witnessed"));
    log.cosign(&witness);
    let cosigned = file_with_log(&as_value(&signed), Some(&log.logged(1)));
    assert_eq!(verify(&cosigned, &witnessed).unwrap().logged.map(|place| place.index), Some(1));
    assert_eq!(witnessed_code(&file_with_log(&as_value(&forged), Some(&log.logged(1)))), Err("report_log_other_issue"));
}

#[test]
fn changes_since_a_report_are_found_from_the_contents_alone() {
    let then = content(&standard_view(), &[]);
    assert!(changes(&then, &then).is_empty());
    let mut records = serde_json::to_value(&standard_view().profile.records).unwrap();
    records.as_array_mut().unwrap().push(penalty("p-new", "serious", "2026-12-01"));
    let now = content(&view(records, Vec::new()), &[]);
    let found = changes(&then, &now);
    assert!(found.contains(&Change::RecordAdded { id: "p-new".into(), kind: RecordKind::AdministrativePenalty }));
    assert_eq!(found.len(), 1, "the court listing kept the tier serious: {found:?}");
    assert_eq!(found[0].message(Lang::Zh), "新增行政处罚：p-new");
    let gone = changes(&now, &then);
    assert!(
        gone.contains(&Change::RecordNoLongerListed { id: "p-new".into(), kind: RecordKind::AdministrativePenalty })
    );
}
