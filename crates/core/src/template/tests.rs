use super::*;

#[test]
fn every_embedded_template_loads_with_its_recorded_hash() {
    assert_eq!(load_errors(), &[] as &[String], "fix the files (the message gives the computed hash)");
    assert!(all().len() >= 12, "{} templates", all().len());
}

#[test]
fn the_pilot_fields_and_other_kinds_are_covered() {
    let fields: Vec<&str> = all().iter().map(|t| t.field.zh.as_str()).collect();
    for field in ["纳税服务", "电力", "科研", "会计", "注册登记", "食品药品", "证明事项", "不动产登记", "投资项目"]
    {
        assert!(fields.contains(&field), "no template for {field}");
    }
    for kind in [TemplateKind::Voluntary, TemplateKind::Industry, TemplateKind::Repair, TemplateKind::Notification] {
        assert!(all().iter().any(|t| t.kind == kind), "no {kind:?} template");
    }
}

#[test]
fn every_template_has_the_fields_a_commitment_needs() {
    for template in all() {
        for id in ["subject_name", "credit_code", "legal_rep", "confirm_read"] {
            assert!(template.field_spec(id).is_some(), "{} lacks {id}", template.id);
        }
        assert!(!template.departments.is_empty() && !template.legal_basis.is_empty(), "{}", template.id);
        assert!(template.clauses.len() >= 4, "{}", template.id);
        let blank = blank_text(template, Lang::Zh).text;
        assert!(!blank.contains('{'), "{}: unfilled placeholder in {blank}", template.id);
    }
}

#[test]
fn lookup_by_id_and_version() {
    assert_eq!(get("tax-service", None).unwrap().version, "1.1.0", "the newest");
    assert_eq!(get("tax-service", Some("1.0.0")).unwrap().id, "tax-service");
    let on = |text: &str| crate::calendar::Date::parse(text).unwrap();
    assert_eq!(get_in_force("tax-service", on("2026-12-01")).unwrap().version, "1.0.0");
    assert_eq!(get_in_force("tax-service", on("2026-12-02")).unwrap().version, "1.1.0");
    // Revised templates keep their old versions, so that what was signed under them verifies.
    for id in ["tax-service", "voluntary", "investment-project", "electricity", "accounting"] {
        assert!(get(id, Some("1.0.0")).is_ok() && get(id, Some("1.1.0")).is_ok(), "{id}");
    }
    let investment = get("investment-project", Some("1.1.0")).unwrap();
    assert!(investment.departments.iter().any(|d| d.zh == "山西省行政审批服务管理局"));
    assert!(!investment.departments.iter().any(|d| d.zh == "山西省审批服务管理局"));
    assert!(matches!(get("nope", None), Err(TemplateError::UnknownTemplate(_))));
    assert!(matches!(get("tax-service", Some("9.9")), Err(TemplateError::UnknownVersion { .. })));
    assert!(version_key("1.10.0") > version_key("1.9.0"));
}

#[test]
fn a_changed_clause_changes_the_text_hash() {
    let mut template = get("tax-service", None).unwrap().clone();
    let before = text_sha256(&template);
    template.clauses[0].zh.push('。');
    assert_ne!(text_sha256(&template), before);
}

#[test]
fn a_template_is_in_force_only_within_its_dates() {
    // The first repair commitment follows 36号 (in force 2026-04-01) until its revision of 2026-12-02, which
    // speaks of any finding of dishonesty (penalties and lists alike).
    let first = get("credit-repair", Some("1.0.0")).unwrap();
    assert!(!first.in_force_on(Date::parse("2026-03-31").unwrap()));
    assert!(first.in_force_on(Date::parse("2026-04-01").unwrap()));
    assert!(!first.in_force_on(Date::parse("2026-12-02").unwrap()));
    let revised = get_in_force("credit-repair", Date::parse("2026-12-02").unwrap()).unwrap();
    assert_eq!(revised.version, "1.1.0");
    assert!(revised.preamble.zh.contains("失信认定") && !revised.preamble.zh.contains("行政处罚决定"));
}
