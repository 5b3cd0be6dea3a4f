use super::*;
use crate::envelope;

const SEED: [u8; 32] = [7; 32];
const NONCE: [u8; 16] = [9; 16];
const SIGNED_AT: &str = "2026-11-26T02:00:00Z";
const SALTS: [u8; 32] = [5; 32];

pub(crate) fn tax_filled() -> Filled {
    let values = serde_json::json!({
        "subject_name": " 山西示例科技有限公司 ",
        "credit_code": "91140105123456788F",
        "legal_rep": "张三",
        "legal_rep_id": "11010519491231002x",
        "phone": "0351-1234567",
        "matter": "办理涉税事项",
        "tax_authority": "国家税务总局太原市小店区税务局",
        "filer": "self",
        "confirm_read": true,
        "confirm_publish": true,
    });
    Filled {
        template_id: "tax-service".into(),
        template_version: None,
        values: serde_json::from_value(values).unwrap(),
        department: None,
    }
}

#[test]
fn the_department_is_signed_and_chosen_where_the_template_names_several() {
    // One department: it is taken, and signed.
    let signer = envelope::Signer::from_seed(&SEED);
    let (file, prepared) = sign(&tax_filled(), &signer, SIGNED_AT, &NONCE, &SALTS).unwrap();
    assert_eq!(prepared.department.as_deref(), Some("国家税务总局山西省税务局"));
    let verified = verify(&file.to_json()).unwrap();
    assert_eq!(verified.prepared.department.as_deref(), Some("国家税务总局山西省税务局"));
    // Several: the enterprise must choose one of them.
    let template = template::get("electricity", None).unwrap();
    assert!(template.departments.len() > 1);
    let filled = Filled { template_id: "electricity".into(), ..Filled::default() };
    let issues = validate(&filled, None).unwrap();
    assert!(issues.iter().any(|i| i.field == DEPARTMENT_FIELD && i.code == FieldIssueCode::Required), "{issues:?}");
    let wrong = Filled { department: Some("山西省财政厅".into()), ..filled.clone() };
    let issues = validate(&wrong, None).unwrap();
    assert!(issues.iter().any(|i| i.field == DEPARTMENT_FIELD && i.code == FieldIssueCode::NotAnOption), "{issues:?}");
    let chosen = Filled { department: Some(template.departments[1].zh.to_string()), ..filled };
    assert!(!validate(&chosen, None).unwrap().iter().any(|i| i.field == DEPARTMENT_FIELD));
    // A department the template does not name, signed by hand, is refused by the verifier.
    let forged = resign(|payload| payload["department"] = "山西省财政厅".into());
    assert!(forged.is_err(), "{forged:?}");
}

#[test]
fn a_complete_form_prepares_in_normal_form() {
    let prepared = prepare(&tax_filled(), None).unwrap();
    assert_eq!(prepared.values["subject_name"], "山西示例科技有限公司");
    assert_eq!(prepared.values["legal_rep_id"], "11010519491231002X");
    assert_eq!(prepared.credit_code(), Some("91140105123456788F"));
    let text = prepared.render(Lang::Zh, Some(Date::parse("2026-11-26").unwrap())).text;
    assert!(
        text.starts_with("纳税服务信用承诺书\n\n本单位山西示例科技有限公司（统一社会信用代码：91140105123456788F）"),
        "{text}"
    );
    assert!(text.contains("☑ 本单位已认真阅读") && text.ends_with("承诺日期：2026年11月26日\n"), "{text}");
    assert!(!text.contains('〔'), "{text}");
}

#[test]
fn every_wrong_field_is_reported_at_the_field() {
    let mut filled = tax_filled();
    filled.values.insert("credit_code".into(), "91140105123456788E".into());
    filled.values.insert("phone".into(), "12345".into());
    filled.values.insert("confirm_read".into(), false.into());
    filled.values.remove("legal_rep");
    filled.values.insert("filer".into(), "agent".into());
    filled.values.insert("surprise".into(), "x".into());
    let issues = validate(&filled, None).unwrap();
    let codes: Vec<(&str, &str)> = issues.iter().map(|i| (i.field.as_str(), i.code.name())).collect();
    assert_eq!(
        codes,
        [
            ("credit_code", "invalid_credit_code"),
            ("legal_rep", "required"),
            ("phone", "invalid_phone"),
            ("agent_name", "required"),
            ("agent_id", "required"),
            ("agent_phone", "required"),
            ("confirm_read", "not_confirmed"),
            ("surprise", "unknown_field"),
        ]
    );
    assert!(issues[0].message(Lang::Zh).contains("统一社会信用代码有误"), "{}", issues[0].message(Lang::Zh));
    let json = serde_json::to_value(&issues[1]).unwrap();
    assert_eq!(json["message_zh"], "此项必填");
    assert_eq!(json["message_en"], "This field is required");
}

#[test]
fn an_org_code_in_the_credit_code_field_says_what_it_is() {
    let mut filled = tax_filled();
    filled.values.insert("credit_code".into(), "12345678-8".into());
    let issues = validate(&filled, None).unwrap();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(issues[0].message(Lang::Zh).contains("不是统一社会信用代码"), "{}", issues[0].message(Lang::Zh));
}

#[test]
fn unknown_template_and_version_are_errors_not_field_issues() {
    let mut filled = tax_filled();
    filled.template_version = Some("0.1".into());
    assert!(matches!(validate(&filled, None), Err(CommitmentError::Template(TemplateError::UnknownVersion { .. }))));
    filled.template_id = "nope".into();
    assert!(matches!(validate(&filled, None), Err(CommitmentError::Template(TemplateError::UnknownTemplate(_)))));
}

#[test]
fn signed_commitments_verify_and_render_identically() {
    let (jws, prepared) = sign(&tax_filled(), &envelope::Signer::from_seed(&SEED), SIGNED_AT, &NONCE, &SALTS).unwrap();
    let signed = verify(&jws.to_json()).unwrap();
    assert_eq!(signed.prepared, prepared);
    assert_eq!(signed.signed_on.to_string(), "2026-11-26");
    assert_eq!(signed.render(Lang::Zh), prepared.render(Lang::Zh, Some(signed.signed_on)));
    assert_eq!(signed.envelope.kid, envelope::thumbprint(&envelope::public_key(&SEED)));
    let payload = &signed.envelope.payload;
    assert_eq!(payload["template"]["text_sha256"], &*prepared.template.text_sha256);
    assert_eq!(payload["nonce"], "CQkJCQkJCQkJCQkJCQkJCQ");
}

/// Re-signs an edited payload with a valid signature, as a dishonest client could; the disclosures stay.
fn resign(edit: impl FnOnce(&mut Value)) -> Result<SignedCommitment, CommitmentError> {
    let (file, _) = sign(&tax_filled(), &envelope::Signer::from_seed(&SEED), SIGNED_AT, &NONCE, &SALTS).unwrap();
    let mut payload = envelope::verify(&file.jws.to_json()).unwrap().payload;
    edit(&mut payload);
    let jws = envelope::sign(&payload, &SEED).unwrap();
    verify(&SignedFile { jws, disclosures: file.disclosures }.to_json())
}

#[test]
fn validly_signed_but_wrong_payloads_are_refused() {
    assert!(matches!(
        resign(|p| p["template"]["text_sha256"] = "00".into()),
        Err(CommitmentError::TextHashMismatch { .. })
    ));
    assert!(matches!(
        resign(|p| p["credit_code"] = "91350100M000100Y43".into()),
        Err(CommitmentError::CreditCodeMismatch)
    ));
    assert!(matches!(resign(|p| p["values"]["legal_rep"] = "张".into()), Err(CommitmentError::InvalidFields(_))));
    assert!(matches!(resign(|p| p["values"]["phone"] = "0351-1234567".into()), Err(CommitmentError::BadDisclosure(_))));
    assert!(matches!(
        resign(|p| p["values"]["subject_name"] = " 山西示例科技有限公司".into()),
        Err(CommitmentError::BadMember(_))
    ));
    assert!(matches!(resign(|p| p["type"] = "other".into()), Err(CommitmentError::WrongType)));
    assert!(matches!(resign(|p| p["signed_at"] = "yesterday".into()), Err(CommitmentError::BadMember("signed_at"))));
    assert!(matches!(resign(|p| p["nonce"] = "AA".into()), Err(CommitmentError::BadMember("nonce"))));
    assert!(matches!(
        resign(|p| p["template"]["id"] = "nope".into()),
        Err(CommitmentError::Template(TemplateError::UnknownTemplate(_)))
    ));
    // Signed, but meaning nothing we define: refused rather than stored and published.
    assert_eq!(
        resign(|p| p["remark"] = "另行约定".into()).unwrap_err(),
        CommitmentError::Envelope(EnvelopeError::UnexpectedMember("payload.remark".into()))
    );
    assert_eq!(
        resign(|p| p["template"]["url"] = "x".into()).unwrap_err(),
        CommitmentError::Envelope(EnvelopeError::UnexpectedMember("payload.template.url".into()))
    );
}

#[test]
fn a_signature_counts_only_within_a_week_before_and_an_hour_after_its_receipt() {
    let received = crate::calendar::UtcTimestamp::parse("2026-11-26T02:00:00Z").unwrap().unix_millis() as u64;
    let hour = 3_600_000;
    assert_eq!(check_signing_time("2026-11-26T02:00:00Z", received), Ok(()));
    assert_eq!(check_signing_time("2026-11-26T03:00:00Z", received), Ok(()));
    assert_eq!(check_signing_time("2026-11-19T02:00:00Z", received), Ok(()), "signed offline a week ago");
    assert_eq!(
        check_signing_time("2026-11-26T03:00:00.001Z", received),
        Err(CommitmentError::SignedInFuture("2026-11-26T03:00:00.001Z".into()))
    );
    assert_eq!(
        check_signing_time("2026-11-19T01:59:59.999Z", received),
        Err(CommitmentError::SignedTooLongAgo("2026-11-19T01:59:59.999Z".into()))
    );
    assert_eq!(
        check_signing_time("2025-11-26T02:00:00Z", received + hour).unwrap_err(),
        CommitmentError::SignedTooLongAgo("2025-11-26T02:00:00Z".into())
    );
}

#[test]
fn a_repair_commitment_cannot_be_signed_before_the_rules_it_cites() {
    let mut filled = tax_filled();
    filled.template_id = "credit-repair".into();
    for (name, value) in [
        ("decision_no", "晋市监罚〔2025〕12号"),
        ("decision_authority", "太原市市场监督管理局"),
        ("decision_date", "2026-12-01"),
    ] {
        filled.values.insert(name.into(), value.into());
    }
    filled.values.remove("matter");
    filled.values.remove("tax_authority");
    let err = sign(&filled, &envelope::Signer::from_seed(&SEED), "2026-03-01T00:00:00Z", &NONCE, &SALTS).unwrap_err();
    assert!(matches!(err, CommitmentError::NotInForce { .. }), "{err}");
    let issues = sign(&filled, &envelope::Signer::from_seed(&SEED), SIGNED_AT, &NONCE, &SALTS).unwrap_err();
    assert_eq!(issues.field_issues()[0].code, FieldIssueCode::DateInFuture);
}

/// Found by fuzzing (template_fields): braces typed into a value are text, not placeholders.
#[test]
fn values_with_braces_are_inserted_literally() {
    let mut filled = tax_filled();
    filled.values.insert("subject_name".into(), "山西{{subject_name}}{credit_code}示例公司".into());
    let prepared = prepare(&filled, None).unwrap();
    let text = prepared.render(Lang::Zh, None).text;
    assert!(
        text.contains("本单位山西{{subject_name}}{credit_code}示例公司（统一社会信用代码：91140105123456788F）"),
        "{text}"
    );
}

#[test]
fn text_that_would_display_otherwise_than_signed_is_refused() {
    for hidden in ["山西\u{202E}司公限有技科", "山西示例\u{200B}科技有限公司", "\u{2066}山西示例科技有限公司\u{2069}"]
    {
        let mut filled = tax_filled();
        filled.values.insert("subject_name".into(), hidden.into());
        let issues = validate(&filled, None).unwrap();
        assert_eq!(issues.len(), 1, "{hidden:?}");
        assert_eq!((issues[0].field.as_str(), issues[0].code.name()), ("subject_name", "control_characters"));
    }
}

#[test]
fn personal_values_are_signed_as_digests_and_verify_with_or_without_their_disclosures() {
    let (file, prepared) = sign(&tax_filled(), &envelope::Signer::from_seed(&SEED), SIGNED_AT, &NONCE, &SALTS).unwrap();
    // The published part says nothing of the ID number or the phone.
    let published = file.jws.to_json();
    let payload = envelope::verify(&published).unwrap().payload;
    assert_eq!(payload["type"], PAYLOAD_TYPE);
    assert_eq!(payload["_sd_alg"], "sha-256");
    assert_eq!(payload["values"]["_sd"].as_array().unwrap().len(), 2, "legal_rep_id and phone");
    for secret in ["11010519491231002X", "0351-1234567"] {
        assert!(!payload.to_string().contains(secret), "{secret} in {payload}");
    }
    // The holder's file verifies completely, with the values as filled.
    let full = verify(&file.to_json()).unwrap();
    assert!(full.is_complete());
    assert_eq!(full.prepared.values, prepared.values);
    assert_eq!(full.masks().get("legal_rep_id").map(String::as_str), Some("110105********002X"));
    assert_eq!(full.masks().get("phone").map(String::as_str), Some("0351-***4567"));
    assert_eq!(full.full_file(), file);
    // The published copy verifies too: same submission, personal values withheld, never guessed.
    let public = verify(&published).unwrap();
    assert_eq!(public.envelope.submission_id, full.envelope.submission_id);
    assert_eq!((public.withheld, public.prepared.values.get("phone")), (2, None));
    let text = public.render(Lang::Zh).text;
    assert!(text.contains("联系电话：〔已隐去〕") && !text.contains("0351-1234567"), "{text}");
    // One disclosure only: the other stays withheld.
    let partial = SignedFile { jws: file.jws.clone(), disclosures: file.disclosures[..1].to_vec() };
    assert_eq!(verify(&partial.to_json()).unwrap().withheld, 1);
}

#[test]
fn a_changed_or_foreign_disclosure_is_refused() {
    let (file, _) = sign(&tax_filled(), &envelope::Signer::from_seed(&SEED), SIGNED_AT, &NONCE, &SALTS).unwrap();
    let changed = Disclosure::new(&SALTS, "phone", &"0351-7654321".into());
    let swapped = SignedFile { jws: file.jws.clone(), disclosures: vec![changed.encoded] };
    assert!(matches!(verify(&swapped.to_json()), Err(CommitmentError::BadDisclosure(_))));
    let twice = SignedFile { jws: file.jws.clone(), disclosures: vec![file.disclosures[0].clone(); 2] };
    assert!(matches!(verify(&twice.to_json()), Err(CommitmentError::BadDisclosure(_))));
    // A non-personal field hidden behind a digest is refused: the public must see it.
    let hidden_name = resign_with(|payload, disclosures| {
        let name = Disclosure::new(&SALTS, "subject_name", &payload["values"]["subject_name"].clone());
        payload["values"].as_object_mut().unwrap().remove("subject_name");
        payload["values"]["_sd"].as_array_mut().unwrap().push(name.digest().into());
        disclosures.push(name.encoded);
    });
    assert!(matches!(hidden_name, Err(CommitmentError::BadDisclosure(_))));
}

fn resign_with(edit: impl FnOnce(&mut Value, &mut Vec<String>)) -> Result<SignedCommitment, CommitmentError> {
    let (file, _) = sign(&tax_filled(), &envelope::Signer::from_seed(&SEED), SIGNED_AT, &NONCE, &SALTS).unwrap();
    let mut payload = envelope::verify(&file.jws.to_json()).unwrap().payload;
    let mut disclosures = file.disclosures;
    edit(&mut payload, &mut disclosures);
    verify(&SignedFile { jws: envelope::sign(&payload, &SEED).unwrap(), disclosures }.to_json())
}

#[test]
fn a_first_version_commitment_still_verifies() {
    let prepared = prepare(&tax_filled(), Some(Date::parse("2026-11-26").unwrap())).unwrap();
    let v1 = serde_json::json!({
        "type": PAYLOAD_TYPE_V1,
        "template": { "id": "tax-service", "version": prepared.template.version, "text_sha256": prepared.template.text_sha256 },
        "credit_code": "91140105123456788F",
        "values": prepared.values,
        "signed_at": SIGNED_AT,
        "nonce": "CQkJCQkJCQkJCQkJCQkJCQ",
    });
    let signed = verify(&envelope::sign(&v1, &SEED).unwrap().to_json()).unwrap();
    assert_eq!((signed.payload_type, signed.withheld), (PAYLOAD_TYPE_V1, 0));
    assert_eq!(signed.prepared.values, prepared.values);
}

#[test]
fn a_deferred_materials_commitment_names_what_is_missing_and_the_date_to_supply_it() {
    let values = serde_json::json!({
        "subject_name": "山西示例餐饮有限公司", "credit_code": "91140105123456788F", "legal_rep": "张三",
        "phone": "0351-1234567", "matter": "食品经营许可证核发", "missing_materials": "消防安全检查合格证明",
        "supply_by": "2026-12-20", "filer": "self", "confirm_read": true, "confirm_publish": true,
    });
    let filled = Filled {
        template_id: "deferred-materials".into(),
        values: serde_json::from_value(values).unwrap(),
        ..Filled::default()
    };
    let today = Date::parse("2026-12-02").unwrap();
    // A date to come is what this field asks for.
    let prepared = prepare(&filled, Some(today)).unwrap();
    assert_eq!(prepared.template.kind, template::TemplateKind::Deferred);
    assert_eq!(prepared.department.as_deref(), Some("山西省行政审批服务管理局"));
    let text = prepared.render(Lang::Zh, Some(today)).text;
    assert!(text.contains("下列材料暂缺：消防安全检查合格证明") && text.contains("于2026年12月20日前补齐"), "{text}");
    let mut missing = filled.clone();
    missing.values.remove("supply_by");
    let issues = validate(&missing, Some(today)).unwrap();
    assert!(issues.iter().any(|i| i.field == "supply_by" && i.code == FieldIssueCode::Required), "{issues:?}");
}

#[test]
fn a_revised_template_takes_over_on_its_day_and_the_old_one_still_verifies() {
    let signer = envelope::Signer::from_seed(&SEED);
    // Signed before the revision: version 1.0.0 and its wording.
    let (old, prepared) = sign(&tax_filled(), &signer, "2026-11-26T02:00:00Z", &NONCE, &SALTS).unwrap();
    assert_eq!(prepared.template.version, "1.0.0");
    assert!(verify(&old.to_json()).unwrap().render(Lang::Zh).text.contains("不虚开、不代开、不转借发票"));
    // From 2026-12-02: 1.2.0, which forbids unlawful 代开 only (发票管理办法 第二十一条) and bars only the
    // listed (国办发〔2020〕49号).
    let (new, prepared) = sign(&tax_filled(), &signer, "2026-12-02T02:00:00Z", &NONCE, &SALTS).unwrap();
    assert_eq!(prepared.template.version, "1.2.0");
    let text = verify(&new.to_json()).unwrap().render(Lang::Zh).text;
    assert!(text.contains("不虚开发票、不非法代开发票、不转借发票"), "{text}");
    assert!(text.contains("未被列入严重失信主体名单") && !text.contains("近三年"), "{text}");
    // 1.1.0 was in force for its one day; signed then, it verifies.
    let one_day = Filled { template_version: Some("1.1.0".into()), ..tax_filled() };
    let (file, _) = sign(&one_day, &signer, "2026-12-02T03:00:00Z", &NONCE, &SALTS).unwrap();
    assert_eq!(verify(&file.to_json()).unwrap().prepared.template.version, "1.1.0");
    // Pinned to the old version on a day it is no longer in force: refused, with the dates.
    let pinned = Filled { template_version: Some("1.0.0".into()), ..tax_filled() };
    assert!(matches!(
        sign(&pinned, &signer, "2026-12-02T02:00:00Z", &NONCE, &SALTS),
        Err(CommitmentError::NotInForce { .. })
    ));
}

fn person_filled() -> Filled {
    let values = serde_json::json!({
        "person_name": "王小明",
        "person_id": "11010519491231002X",
        "phone": "13800138000",
        "authority": "太原市小店区民政局",
        "certificate": "无犯罪记录证明",
        "basis": "《社会组织登记管理条例》第十三条",
        "proof_content": "申请人无故意犯罪记录",
        "matter": "申请担任社会组织负责人",
        "filer": "self",
        "confirm_read_person": true,
        "confirm_record_person": true,
    });
    Filled {
        template_id: "certification-notice-person".into(),
        template_version: None,
        values: serde_json::from_value(values).unwrap(),
        department: Some("证明事项实施机关".into()),
    }
}

#[test]
fn a_person_signs_with_name_and_id_number_and_neither_is_published() {
    let signer = envelope::Signer::from_seed(&SEED);
    let (file, prepared) = sign(&person_filled(), &signer, "2026-12-02T02:00:00Z", &NONCE, &SALTS).unwrap();
    assert_eq!(prepared.template.signer, template::Signer::Person);
    assert_eq!(prepared.credit_code(), None);
    let holder = verify(&file.to_json()).unwrap();
    assert!(holder.is_complete());
    assert!(holder.render(Lang::Zh).text.contains("本人王小明（公民身份号码：11010519491231002X）"));
    assert_eq!(holder.subject_name(), "王**");
    // The payload carries no credit code, and neither the name nor the number in clear.
    let payload = &holder.envelope.payload;
    assert!(payload["credit_code"].is_null(), "{payload}");
    let public = holder.public_file().to_json();
    let published = verify(&public).unwrap();
    assert!(!published.is_complete());
    let text = published.render(Lang::Zh).text;
    assert!(!text.contains("王小明") && !text.contains("11010519491231002X"), "{text}");
    assert_eq!(holder.masks()["person_name"], "王**");
    assert_eq!(holder.masks()["person_id"], "110105********002X");
    // The same wizard refuses a person's form without the ID number.
    let mut missing = person_filled();
    missing.values.remove("person_id");
    assert!(validate(&missing, None)
        .unwrap()
        .iter()
        .any(|i| i.field == "person_id" && i.code == FieldIssueCode::Required));
}

#[test]
fn an_establishment_is_registered_without_a_credit_code_and_a_change_needs_one() {
    let today = Date::parse("2026-12-02").unwrap();
    let values = serde_json::json!({
        "subject_name": "山西新设示例有限公司",
        "legal_rep": "李四",
        "phone": "13800138000",
        "registration_type": "establish",
        "matter": "办理公司设立登记",
        "filer": "self",
        "confirm_read": true,
        "confirm_publish": true,
    });
    let establish = Filled {
        template_id: "registration".into(),
        template_version: None,
        values: serde_json::from_value(values).unwrap(),
        department: None,
    };
    assert_eq!(validate(&establish, Some(today)).unwrap(), vec![]);
    let prepared = prepare(&establish, Some(today)).unwrap();
    assert_eq!(prepared.template.version, "1.1.0");
    assert_eq!(prepared.credit_code(), None);
    let text = prepared.render(Lang::Zh, Some(today)).text;
    assert!(text.contains("办理注销登记的，本单位未发生债权债务或者已将债权债务清偿完结"), "{text}");
    assert!(text.contains("未被列入严重失信主体名单") && !text.contains("近三年"), "{text}");
    for kind in ["change", "deregister"] {
        let mut other = establish.clone();
        other.values.insert("registration_type".into(), kind.into());
        let issues = validate(&other, Some(today)).unwrap();
        assert!(issues.iter().any(|i| i.field == "credit_code" && i.code == FieldIssueCode::Required), "{kind}");
    }
}

/// The personal values of a filing by an agent, each in a form found nowhere else in the commitment.
const AGENT: [(&str, &str); 3] =
    [("agent_name", "欧阳明"), ("agent_id", "140105199001011238"), ("agent_phone", "13812348000")];
const PROPERTY: [(&str, &str); 2] = [
    ("property", "太原市迎泽区示例街 18 号 2 单元 301 室"),
    ("certificate_no", "晋（2025）太原市不动产权第 0012345 号"),
];

/// The same form, filed by an agent.
fn filed_by_agent(mut filled: Filled) -> Filled {
    filled.values.insert("filer".into(), "agent".into());
    for (field, value) in AGENT {
        filled.values.insert(field.into(), value.into());
    }
    filled
}

/// A form of `template_id` with `values`, the property's and the agent's added.
fn property_filled(template_id: &str, values: Value) -> Filled {
    let mut filled = filed_by_agent(Filled {
        template_id: template_id.into(),
        template_version: None,
        values: serde_json::from_value(values).unwrap(),
        department: Some("不动产登记机构".into()),
    });
    for (field, value) in PROPERTY {
        filled.values.insert(field.into(), value.into());
    }
    filled
}

fn real_estate_filled() -> Filled {
    property_filled(
        "real-estate",
        serde_json::json!({
            "subject_name": "山西示例置业有限公司", "credit_code": "91140105123456788F", "legal_rep": "张三",
            "legal_rep_id": "11010519491231002X", "address": "太原市小店区示例路 8 号", "phone": "0351-1234567",
            "matter": "申请不动产转移登记", "confirm_read": true, "confirm_publish": true,
        }),
    )
}

fn real_estate_person_filled() -> Filled {
    property_filled(
        "real-estate-person",
        serde_json::json!({
            "person_name": "王小明", "person_id": "11010519491231002X", "phone": "0351-1234567",
            "person_address": "太原市小店区示例路 8 号", "matter": "申请不动产转移登记",
            "confirm_read_person": true, "confirm_record_person": true,
        }),
    )
}

/// What the public copy carries, as signed: the JWS payload's bytes, decoded from base64url.
fn public_payload_text(signed: &SignedCommitment) -> String {
    let public = signed.public_file();
    assert!(public.disclosures.is_empty());
    String::from_utf8(URL_SAFE_NO_PAD.decode(&public.jws.payload).unwrap()).unwrap()
}

/// The issue "no personal data in any public copy": from 2026-12-07 an agent's name, an address, a
/// property's location and its certificate number are signed as digests, so the public copy (the JWS
/// without its disclosures) and the masks beside it show none of them; the agent's name masked to its
/// first character, the rest not at all.
#[test]
fn no_name_address_or_property_number_is_in_a_public_copy() {
    let signer = envelope::Signer::from_seed(&SEED);
    let mut person_notice = filed_by_agent(person_filled());
    person_notice.values.insert("phone".into(), "0351-1234567".into());
    person_notice.values.insert("person_address".into(), "太原市小店区示例路 8 号".into());
    let mut tax = filed_by_agent(tax_filled());
    tax.values.insert("address".into(), "太原市小店区示例路 8 号".into());
    let cases = [
        (real_estate_filled(), "1.2.0"),
        (real_estate_person_filled(), "1.1.0"),
        (person_notice, "1.1.0"),
        (tax, "1.3.0"),
    ];
    for (filled, version) in cases {
        let id = filled.template_id.clone();
        let (file, prepared) = sign(&filled, &signer, "2026-12-07T02:00:00Z", &NONCE, &SALTS).unwrap();
        assert_eq!(prepared.template.version, version, "{id}: the version in force from 2026-12-07");
        let holder = verify(&file.to_json()).unwrap();
        assert!(holder.is_complete(), "{id}");
        let published = verify(&holder.public_file().to_json()).unwrap();
        let payload = public_payload_text(&holder);
        let masks = holder.masks();
        let shown = published.render_masked(Lang::Zh, &masks).text;
        let mut secrets: Vec<&str> = AGENT.iter().map(|(_, value)| *value).collect();
        secrets.extend(["太原市小店区示例路 8 号", "示例路", "11010519491231002X", "0351-1234567"]);
        if id.starts_with("real-estate") {
            secrets.extend(PROPERTY.iter().map(|(_, value)| *value).chain(["示例街", "0012345"]));
        }
        if holder.prepared.template.signer == template::Signer::Person {
            secrets.push("王小明");
        }
        for secret in secrets {
            assert!(!payload.contains(secret), "{id}: {secret} in the public payload {payload}");
            assert!(!masks.values().any(|mask| mask.contains(secret)), "{id}: {secret} in the masks {masks:?}");
            assert!(!shown.contains(secret), "{id}: {secret} in the public rendering {shown}");
            assert!(holder.render(Lang::Zh).text.contains(secret), "{id}: the holder's copy lacks {secret}");
        }
        // The agent's name is shown as its first character; addresses and property numbers not at all.
        assert_eq!(masks.get("agent_name").map(String::as_str), Some("欧**"), "{id}");
        for field in ["address", "person_address", "property", "certificate_no"] {
            assert!(!masks.contains_key(field), "{id}: {field} has a mask");
        }
        assert!(shown.contains("经办人姓名：欧**（已隐去）"), "{id}: {shown}");
        // The register's own: the entity's name and its legal representative stay in clear.
        if holder.prepared.template.signer == template::Signer::Entity {
            assert!(payload.contains("山西示例") && payload.contains("张三"), "{id}: {payload}");
        } else {
            assert_eq!(holder.subject_name(), "王**", "{id}: the signer, not the agent");
        }
    }
}

/// What was signed under the versions before keeps its meaning: the agent's name and the property in clear,
/// verified exactly as then.
#[test]
fn a_commitment_signed_before_the_revision_verifies_as_signed() {
    let signer = envelope::Signer::from_seed(&SEED);
    let (file, prepared) = sign(&real_estate_filled(), &signer, "2026-12-06T02:00:00Z", &NONCE, &SALTS).unwrap();
    assert_eq!(prepared.template.version, "1.1.0");
    let public = verify(&file.to_json()).unwrap().public_file();
    let published = verify(&public.to_json()).unwrap();
    assert_eq!(published.prepared.template.version, "1.1.0");
    assert_eq!(published.prepared.values["agent_name"], "欧阳明");
    assert_eq!(published.prepared.values["property"], PROPERTY[0].1);
    assert!(published.render(Lang::Zh).text.contains(PROPERTY[1].1));
    // The same form pinned to the old version is refused once the new one is in force.
    let pinned = Filled { template_version: Some("1.1.0".into()), ..real_estate_filled() };
    assert!(matches!(
        sign(&pinned, &signer, "2026-12-07T02:00:00Z", &NONCE, &SALTS),
        Err(CommitmentError::NotInForce { .. })
    ));
}

/// A person's commitment is listed under the signer's masked name, never the agent's, even when only the
/// agent's name is disclosed.
#[test]
fn a_person_is_listed_under_their_own_name_not_their_agents() {
    let signer = envelope::Signer::from_seed(&SEED);
    let (file, _) = sign(&real_estate_person_filled(), &signer, "2026-12-07T02:00:00Z", &NONCE, &SALTS).unwrap();
    let agent_only: Vec<String> = file
        .disclosures
        .iter()
        .filter(|encoded| Disclosure::parse(encoded).unwrap().field == "agent_name")
        .cloned()
        .collect();
    assert_eq!(agent_only.len(), 1);
    let partial = verify(&SignedFile { jws: file.jws.clone(), disclosures: agent_only }.to_json()).unwrap();
    assert_eq!(partial.masks().get("agent_name").map(String::as_str), Some("欧**"));
    assert_eq!(partial.subject_name(), "");
    assert_eq!(verify(&file.to_json()).unwrap().subject_name(), "王**");
}

/// Why registration@1.3.0 and electricity@1.4.0 could be corrected in place on 2026-12-07 (issue 30 review):
/// a signature dated before a version's first day (Beijing) does not verify, so nothing signed on the text
/// before the correction can exist as a valid commitment.
#[test]
fn a_version_corrected_before_it_came_into_force_has_no_valid_signature_on_the_old_text() {
    let signer = envelope::Signer::from_seed(&SEED);
    let values = serde_json::json!({
        "subject_name": "山西示例注销有限公司",
        "credit_code": "91140105123456788F",
        "legal_rep": "张三",
        "phone": "13800138000",
        "registration_type": "deregister",
        "investors": "张三、李四",
        "matter": "办理简易注销登记",
        "filer": "self",
        "confirm_read": true,
        "confirm_publish": true,
    });
    let deregister = Filled {
        template_id: "registration".into(),
        template_version: Some("1.3.0".into()),
        values: serde_json::from_value(values).unwrap(),
        department: None,
    };
    // 23:59:59 on 2026-12-07 in Beijing: refused; 00:00 on 2026-12-08: signed, and it verifies.
    assert!(matches!(
        sign(&deregister, &signer, "2026-12-07T15:59:59Z", &NONCE, &SALTS),
        Err(CommitmentError::NotInForce { .. })
    ));
    let (file, _) = sign(&deregister, &signer, "2026-12-07T16:00:00Z", &NONCE, &SALTS).unwrap();
    let text = verify(&file.to_json()).unwrap().render(Lang::Zh).text;
    assert!(
        text.contains("全体投资人（张三、李四）已另行签署书面承诺（《市场主体登记管理条例实施细则》第四十七条规定的全体投资人承诺书，随注销登记申请提交）：山西示例注销有限公司未发生债权债务或者已将债权债务清偿完结，未发生或者已结清清偿费用"),
        "{text}"
    );
    // The review of issue 30, item 5: a simplified deregistration names all investors — required, not optional.
    let mut without = deregister.clone();
    without.values.remove("investors");
    let on = Some(Date::parse("2026-12-08").unwrap());
    let issues = validate(&without, on).unwrap();
    assert!(issues.iter().any(|i| i.field == "investors" && i.code == FieldIssueCode::Required), "{issues:?}");
    assert!(matches!(
        sign(&without, &signer, "2026-12-08T01:00:00Z", &NONCE, &SALTS),
        Err(CommitmentError::InvalidFields(issues)) if issues.iter().any(|i| i.field == "investors")
    ));
    // An establishment or a change does not need them.
    for kind in ["establish", "change"] {
        let mut other = without.clone();
        other.values.insert("registration_type".into(), kind.into());
        assert!(!validate(&other, on).unwrap().iter().any(|i| i.field == "investors"), "{kind}");
    }
    // electricity@1.4.0: the supplier is not a department one can choose; the energy bodies are.
    let electricity = |department: &str| Filled {
        template_id: "electricity".into(),
        template_version: Some("1.4.0".into()),
        department: Some(department.into()),
        ..tax_filled()
    };
    let on = Some(Date::parse("2026-12-08").unwrap());
    let issues = |filled: &Filled| validate(filled, on).unwrap().into_iter().filter(|i| i.field == DEPARTMENT_FIELD);
    assert_eq!(
        issues(&electricity("国网山西省电力有限公司")).map(|i| i.code).collect::<Vec<_>>(),
        [FieldIssueCode::NotAnOption]
    );
    assert_eq!(issues(&electricity("国家能源局山西监管办公室")).count(), 0);
    assert!(matches!(
        validate(&electricity("山西省能源局"), Some(Date::parse("2026-12-07").unwrap())),
        Err(CommitmentError::NotInForce { .. })
    ));
}
