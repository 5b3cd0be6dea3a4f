use super::*;

#[test]
fn every_embedded_template_loads_with_its_recorded_hash() {
    assert_eq!(load_errors(), &[] as &[String], "fix the files (the message gives the computed hash)");
    assert!(all().len() >= 12, "{} templates", all().len());
}

/// The statics build.rs wrote are the files: read with serde (unknown members refused), in the catalogue's
/// order, they equal what the program carries.
#[test]
fn the_compiled_templates_are_the_files() {
    let mut files: Vec<Template> =
        serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/templates.json"))).expect("templates.json");
    files.sort_by(|a, b| (a.kind as u8, &a.id, &a.version).cmp(&(b.kind as u8, &b.id, &b.version)));
    assert_eq!(files.len(), all().len());
    for (file, compiled) in files.iter().zip(all()) {
        assert_eq!(file, compiled, "{}@{}", file.id, file.version);
    }
}

#[test]
fn the_pilot_fields_and_other_kinds_are_covered() {
    let fields: Vec<&str> = all().iter().map(|t| &*t.field.zh).collect();
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
        let (needed, absent): (&[&str], &str) = match template.signer {
            Signer::Entity => (&["subject_name", "credit_code", "legal_rep", "confirm_read"], "person_name"),
            // A person is named and identified by personal data only: no credit code to publish under.
            Signer::Person => (&["person_name", "person_id", "confirm_read_person"], "credit_code"),
        };
        for id in needed {
            assert!(template.field_spec(id).is_some(), "{} lacks {id}", template.id);
        }
        assert!(template.field_spec(absent).is_none(), "{} has {absent}", template.id);
        assert!(!template.departments.is_empty() && !template.legal_basis.is_empty(), "{}", template.id);
        assert!(template.clauses.len() >= 4, "{}", template.id);
        let blank = blank_text(template, Lang::Zh).text;
        assert!(!blank.contains('{'), "{}: unfilled placeholder in {blank}", template.id);
    }
}

#[test]
fn lookup_by_id_and_version() {
    assert_eq!(get("tax-service", None).unwrap().version, "1.4.0", "the newest");
    assert_eq!(get("tax-service", Some("1.0.0")).unwrap().id, "tax-service");
    let on = |text: &str| crate::calendar::Date::parse(text).unwrap();
    assert_eq!(get_in_force("tax-service", on("2026-12-01")).unwrap().version, "1.0.0");
    // 1.1.0 and 1.2.0 share their first day; the newer one is offered, and 1.1.0 ends that day.
    assert_eq!(get_in_force("tax-service", on("2026-12-02")).unwrap().version, "1.2.0");
    assert!(get("tax-service", Some("1.1.0")).unwrap().in_force_on(on("2026-12-02")));
    assert!(!get("tax-service", Some("1.1.0")).unwrap().in_force_on(on("2026-12-03")));
    // 1.2.0 ends the day before 1.3.0 (the agent's name personal) begins.
    assert_eq!(get_in_force("tax-service", on("2026-12-06")).unwrap().version, "1.2.0");
    assert_eq!(get_in_force("tax-service", on("2026-12-07")).unwrap().version, "1.3.0");
    assert!(!get("tax-service", Some("1.2.0")).unwrap().in_force_on(on("2026-12-07")));
    // Revised templates keep their old versions, so that what was signed under them verifies.
    for id in ["tax-service", "voluntary", "investment-project", "electricity", "accounting"] {
        assert!(["1.0.0", "1.1.0", "1.2.0"].iter().all(|v| get(id, Some(v)).is_ok()), "{id}");
    }
    for id in ["tax-service", "investment-project", "electricity", "accounting"] {
        assert!(get(id, Some("1.3.0")).is_ok(), "{id}");
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
    template.clauses.to_mut()[0].zh.to_mut().push('。');
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

#[test]
fn templates_in_force_ask_only_what_the_law_does() {
    let today = Date::parse("2026-12-02").unwrap();
    let current: Vec<&Template> =
        all().iter().filter(|t| t.in_force_on(today) && get_in_force(&t.id, today).is_ok_and(|n| n == *t)).collect();
    assert!(current.len() >= 14, "{}", current.len());
    for template in &current {
        let text = blank_text(template, Lang::Zh).text;
        // A record of any kind does not bar anyone; a list of seriously dishonest subjects does (国办发〔2020〕49号).
        assert!(!text.contains("近三年内无严重违法失信行为记录"), "{}: {text}", template.id);
        assert!(template.effective_from >= Date::parse("2020-02-20").unwrap());
    }
    for old in all().iter().filter(|t| t.effective_from < today) {
        // No commencement date is claimed beyond the seed document's date of issue, and that is said.
        assert!(old.effective_from != Date::parse("2020-03-01").unwrap(), "{}", old.id);
    }
    let first = get("food-drug", Some("1.0.0")).unwrap();
    assert_eq!(first.effective_from.to_string(), "2020-02-20");
    assert!(first.notes.iter().any(|n| n.zh.contains("晋政办发〔2020〕10号") && n.zh.contains("待核对")));
    let law = blank_text(get_in_force("food-drug", today).unwrap(), Lang::Zh).text;
    assert!(law.contains("未被列入严重失信主体名单"), "{law}");
}

#[test]
fn the_certification_notice_states_the_authority_side() {
    let notice = get_in_force("certification-notice", Date::parse("2026-12-02").unwrap()).unwrap();
    assert_eq!(notice.version, "1.1.0");
    let text = blank_text(notice, Lang::Zh).text;
    for part in ["〔证明义务的设定依据〕", "〔证明内容〕", "不再索要该证明", "依法核查", "一式两份"]
    {
        assert!(text.contains(part), "{part}: {text}");
    }
    assert!(notice.legal_basis.iter().any(|b| b.zh.contains("国办发〔2020〕42号")));
}

#[test]
fn people_have_templates_of_their_own() {
    let people: Vec<&Template> = all().iter().filter(|t| t.signer == Signer::Person).collect();
    for (id, field) in [("certification-notice-person", "证明事项"), ("real-estate-person", "不动产登记")] {
        let template = people.iter().find(|t| t.id == id).unwrap_or_else(|| panic!("no {id}"));
        assert_eq!(template.field.zh, field);
        let text = blank_text(template, Lang::Zh).text;
        assert!(text.contains("本人〔姓名〕（公民身份号码：〔公民身份号码〕）") && !text.contains("本单位"), "{text}");
        let summary = serde_json::to_value(template.summary()).unwrap();
        assert_eq!(summary["signer"], "person");
        assert_eq!(summary["signer_label"]["zh"], "个人");
    }
    assert_eq!(serde_json::to_value(get("tax-service", None).unwrap().summary()).unwrap()["signer"], "entity");
}

#[test]
fn every_revision_is_listed_with_its_source() {
    let table = include_str!("../../rules/SOURCES.md");
    for template in all() {
        let first_of_its_own = template.version == "1.0.0" && template.signer == Signer::Entity;
        if !first_of_its_own {
            let entry = format!("`{}@{}`", template.id, template.version);
            assert!(table.contains(&entry), "rules/SOURCES.md does not list {entry}");
            assert!(!template.notes.is_empty(), "{entry} says nothing of what it changed");
        }
    }
}

#[test]
fn the_compiled_index_is_the_catalogue_by_id_newest_version_first_seen_order() {
    let mut ids: Vec<&str> = Vec::new();
    for template in all() {
        if !ids.contains(&&*template.id) {
            ids.push(&template.id);
        }
    }
    let index = index();
    assert_eq!(index.iter().map(|entry| entry.id).collect::<Vec<_>>(), ids);
    for entry in index {
        let newest = get(entry.id, None).unwrap();
        assert_eq!(entry.kind, newest.kind, "{}", entry.id);
        assert_eq!((entry.title.zh, entry.title.en), (&*newest.title.zh, &*newest.title.en));
        let departments: Vec<(&str, &str)> = entry.departments.iter().map(|d| (d.zh, d.en)).collect();
        let expected: Vec<(&str, &str)> = newest.departments.iter().map(|d| (&*d.zh, &*d.en)).collect();
        assert_eq!(departments, expected, "{}", entry.id);
    }
}

/// What a field's id or label says it holds, when that is personal data that no public copy may show in
/// clear: a natural person's name other than the entity's own and its legal representative's (the
/// enterprise register publishes both), an address or a property's location, a property or certificate
/// number. `certificate` (所承诺的证明事项) names a kind of certificate, not a number, and is not caught.
fn names_personal_data(spec: &FieldSpec) -> Option<&'static str> {
    const PUBLISHED_BY_THE_REGISTER: &[&str] = &["subject_name", "legal_rep"];
    const KINDS: &[(&str, &[&str])] = &[
        ("name", &["agent", "经办人", "代理人", "姓名", "owner", "所有人", "权利人"]),
        ("place", &["住所", "住址", "地址", "坐落", "address", "location"]),
        ("number", &["证书号", "权证", "certificate number", "certificate_no"]),
    ];
    if PUBLISHED_BY_THE_REGISTER.contains(&&*spec.id) {
        return None;
    }
    let said = format!("{} {} {}", spec.id, spec.label.zh, spec.label.en.to_lowercase());
    KINDS.iter().find(|(_, words)| words.iter().any(|word| said.contains(word))).map(|(kind, _)| *kind)
}

/// The issue "no personal data in any public copy": every template version in force from 2026-12-07 on
/// signs names, addresses and property numbers as digests; names are shown masked, the rest not at all.
#[test]
fn names_addresses_and_property_numbers_in_force_are_personal() {
    let from = Date::parse("2026-12-07").unwrap();
    // Every version in force on or after 2026-12-07 (later revisions, e.g. issue 30's from 2026-12-08, too).
    let open: Vec<&Template> = all().iter().filter(|t| t.effective_to.is_none_or(|to| to >= from)).collect();
    for entry in index() {
        let current = get_in_force(entry.id, from).unwrap();
        assert!(open.contains(&current), "{}@{} is in force but ends", current.id, current.version);
        let newest = get_in_force(entry.id, Date::parse("2026-12-08").unwrap()).unwrap();
        assert!(newest.effective_to.is_none(), "{}@{} is in force but ends", newest.id, newest.version);
    }
    let mut caught = std::collections::BTreeSet::new();
    for template in &open {
        let at = format!("{}@{}", template.id, template.version);
        for spec in template.fields.iter() {
            let Some(kind) = names_personal_data(spec) else { continue };
            caught.insert(&*spec.id);
            assert!(spec.is_personal(), "{at}: {} ({}) is a {kind} and not personal", spec.id, spec.label.zh);
            if matches!(spec.kind, FieldType::IdNumber | FieldType::Phone) {
                continue; // an agent's ID number or phone: masked by their own rules
            }
            match kind {
                "name" => {
                    assert_eq!(spec.kind, FieldType::PersonName, "{at}: {}", spec.id);
                    assert_eq!(spec.masked(&"欧阳明".into()).as_deref(), Some("欧**"), "{at}: {}", spec.id);
                }
                _ => assert_eq!(spec.masked(&"太原市示例路 8 号".into()), None, "{at}: {} is shown", spec.id),
            }
        }
        // The register publishes these: they stay in clear.
        for id in ["subject_name", "legal_rep"] {
            assert!(template.field_spec(id).is_none_or(|spec| !spec.is_personal()), "{at}: {id}");
        }
    }
    for id in ["agent_name", "property", "certificate_no", "address", "person_address", "person_name"] {
        assert!(caught.contains(id), "the rule no longer catches {id}: {caught:?}");
    }
    // The versions before keep the meaning they were signed with: the agent's name and the property in clear.
    for (id, version) in [("tax-service", "1.2.0"), ("real-estate", "1.1.0"), ("real-estate-person", "1.0.0")] {
        let old = get(id, Some(version)).unwrap();
        assert!(!old.field_spec("agent_name").unwrap().is_personal(), "{id}@{version}");
        assert!(old.effective_to == Some(Date::parse("2026-12-06").unwrap()), "{id}@{version}");
        let new = get_in_force(id, from).unwrap();
        assert_eq!(new.text_sha256, old.text_sha256, "{id}: the text is the same; only what is published changed");
    }
    assert!(!get("real-estate", Some("1.1.0")).unwrap().field_spec("property").unwrap().is_personal());
}

/// Issue 30, items 11–15: the templates in force from 2026-12-08 say what their sources say; the versions
/// before end 2026-12-07 and still verify.
#[test]
fn templates_from_2026_12_08_follow_their_sources_issue_30() {
    let on = Date::parse("2026-12-08").unwrap();
    let day_before = Date::parse("2026-12-07").unwrap();
    let current = |id: &str| {
        let t = get_in_force(id, on).unwrap();
        assert_eq!(t.effective_from, on, "{id}");
        let previous = get_in_force(id, day_before).unwrap();
        assert_eq!(previous.effective_to, Some(day_before), "{id}@{}", previous.version);
        assert!(!t.notes.is_empty() && !t.notes[0].zh.is_empty() && !t.notes[0].en.is_empty(), "{id}");
        (t, blank_text(t, Lang::Zh).text)
    };
    let basis = |t: &Template| t.legal_basis.iter().map(|b| b.zh.to_string()).collect::<Vec<_>>().join("\n");
    // 11: 建筑法 第八条, 水土保持法 第五十三条第（一）项 — before construction, not before completion.
    let (t, text) = current("investment-project");
    assert_eq!(t.version, "1.4.0");
    assert!(text.contains("在开工建设前依法取得建设工程规划许可和施工许可，完成环境影响评价审批和水土保持方案审批"));
    assert!(!text.contains("竣工验收前"));
    assert!(basis(t).contains("第七条、第八条") && basis(t).contains("《中华人民共和国水土保持法》第二十六条（"));
    // The review of issue 30, item 8: the prohibition is 水土保持法 第二十六条; 第五十三条第（一）项 is its
    // penalty, cited as such (corrected in place before 2026-12-08; the legal basis is not in the hashed text).
    assert!(basis(t).contains("未经批准的，不得开工建设）、第五十三条第（一）项（未经批准而开工建设的法律责任）"));
    assert!(t.notes[0]
        .zh
        .contains("本版本在施行前（2026年12月7日）已更正：禁止在水土保持方案批准前开工建设的是水土保持法第二十六条"));
    assert_eq!(t.text_sha256, crate::template::text_sha256(t));
    // 12: the supplier by its current name, in the text as a supplier, not among the deciding departments.
    let (_, text) = current("electricity");
    assert!(text.contains("国网山西省电力有限公司是供电企业（非行政机关）"));
    // 13: 市场主体登记管理条例 第三十三条 — all investors commit.
    let (t, text) = current("registration");
    assert!(text.contains("办理简易注销登记的，全体投资人（"));
    assert!(t.field_spec("investors").is_some_and(|f| f.is_personal()));
    // 14: 发票管理办法 (2023) article by article.
    let (t, _) = current("tax-service");
    assert!(basis(t).contains(
        "第十六条第二款（不得非法代开发票）、第二十一条（不得虚开发票）、第二十三条第（一）项（不得转借发票）"
    ));
    // 15: credit-repair — 36号 once, liability once with 第二十五条, “信用中国” quoted.
    let (t, text) = current("credit-repair");
    assert_eq!(t.legal_basis.iter().filter(|b| b.zh.contains("36号")).count(), 1);
    assert!(text.contains("第二十五条") && text.contains("公示 3 年且不得提前终止公示，3 年内不得申请修复原失信信息"));
    assert_eq!(text.matches("法律责任").count() + text.matches("一切后果").count(), 0, "{text}");
    let everything =
        format!("{text}{}{}", basis(t), t.departments.iter().map(|d| d.zh.to_string()).collect::<String>());
    assert_eq!(everything.matches("信用中国").count(), everything.matches("“信用中国”").count());
    let (_, text) = current("certification-notice");
    assert!(!text.contains("愿意接受实施机关的核查") && text.matches("自觉接受有关部门的核查").count() == 1);
    let (t, _) = current("accounting");
    assert_eq!(t.legal_basis.iter().filter(|b| b.zh.contains("会计法")).count(), 1);
}

/// The review of issue 30 (items 1–2), corrected in place before 2026-12-08: neither version was in force on
/// any day before, so no commitment on the old text verifies (`commitment::tests` holds that).
#[test]
fn versions_corrected_before_they_came_into_force_issue_30_review() {
    let first_day = Date::parse("2026-12-08").unwrap();
    let day_before = Date::parse("2026-12-07").unwrap();
    for (id, version) in [("registration", "1.3.0"), ("electricity", "1.4.0"), ("investment-project", "1.4.0")] {
        let t = get(id, Some(version)).unwrap();
        assert_eq!((t.effective_from, t.in_force_on(day_before)), (first_day, false), "{id}@{version}");
        assert!(t.notes[0].zh.contains("本版本在施行前（2026年12月7日）已更正"), "{id}");
        assert!(t.notes[0].en.contains("corrected before it came into force"), "{id}");
    }
    // 市场主体登记管理条例 第三十三条第一款 in its own words: 清偿费用 (not 清算费用), the 市场主体 (not 本单位)
    // has no debts, and 全体投资人 commit to its truth; 实施细则 第四十七条 names their 承诺书.
    let registration = get("registration", Some("1.3.0")).unwrap();
    let text = blank_text(registration, Lang::Zh).text;
    assert!(text.contains(
        "：〔承诺主体名称〕未发生债权债务或者已将债权债务清偿完结，\
         未发生或者已结清清偿费用、职工工资、社会保险费用、法定补偿金、应缴纳税款（滞纳金、罚款），\
         全体投资人对上述情况的真实性承担法律责任。"
    ));
    assert!(!text.contains("清算费用") && !text.contains("书面承诺：本单位"), "{text}");
    assert!(registration.legal_basis.iter().any(|b| b.zh.contains("实施细则》第四十七条")));
    // The review of issue 30, item 5, corrected the same day: only the entity signs this commitment, so it
    // records the investors' separately signed commitment (实施细则 第四十七条: 全体投资人承诺书) rather than
    // saying they commit in it; the entity warrants the list; the investors are required for a simplified
    // deregistration (the option's name says which deregistration this is).
    assert!(text.contains(
        "全体投资人（〔全体投资人（简易注销登记）〕）已另行签署书面承诺（《市场主体登记管理条例实施细则》第四十七条规定的全体投资人承诺书，随注销登记申请提交）"
    ));
    assert!(text.contains("本单位保证所列投资人为全体投资人，其书面承诺真实。"));
    assert!(registration
        .preamble
        .zh
        .ends_with("有关债权债务、费用和税款的承诺由全体投资人另行书面作出，本承诺书记载其名单和承诺内容："));
    assert!(registration.closing.zh.starts_with("以上承诺内容真实、自愿，本单位愿意承担违背承诺所产生的一切后果"));
    assert!(registration.closing.zh.contains("全体投资人依其书面承诺"));
    let investors = registration.field_spec("investors").unwrap();
    let condition = investors.required_if.as_ref().expect("required_if");
    assert_eq!((&*condition.field, &*condition.equals), ("registration_type", "deregister"));
    let kind = registration.field_spec("registration_type").unwrap();
    assert_eq!(kind.options.iter().find(|o| o.value == "deregister").unwrap().label.zh, "简易注销登记");
    assert!(registration.notes[0].zh.contains("同日再次更正（施行前）"));
    // The deciding departments are administrative bodies (晋政办发〔2020〕10号 第2项: 省能源局、山西能监办);
    // the supplier is named in the text as what it is.
    let electricity = get("electricity", Some("1.4.0")).unwrap();
    let names: Vec<&str> = electricity.departments.iter().map(|d| &*d.zh).collect();
    assert_eq!(names, ["山西省能源局", "国家能源局山西监管办公室"]);
    assert!(electricity.departments.iter().all(|d| !d.zh.contains("公司") && !d.en.contains("Co.")));
    let text = blank_text(electricity, Lang::Zh).text;
    assert!(text.contains("国网山西省电力有限公司是供电企业（非行政机关），依据供用电合同办理用电业务、开展用电检查"));
    assert!(text.contains("本承诺由所选受理部门（山西省能源局或者国家能源局山西监管办公室）受理、核查"));
    assert!(electricity.legal_basis.iter().any(|b| b.zh.contains("晋政办发〔2020〕10号）第2项")));
    // The versions before still name the company as it was: what was signed then verifies as signed.
    let before = get_in_force("electricity", day_before).unwrap();
    assert!(before.departments.iter().any(|d| d.zh == "国网山西省电力公司"), "{}", before.version);
}
