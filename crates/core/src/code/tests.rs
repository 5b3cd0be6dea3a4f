use proptest::prelude::*;

use super::*;

fn report(input: &str) -> CodeReport {
    validate(input, &ValidateOptions::default())
}

fn error_names(report: &CodeReport) -> Vec<&'static str> {
    report.errors.iter().map(|issue| issue.code.name()).collect()
}

fn warning_names(report: &CodeReport) -> Vec<&'static str> {
    report.warnings.iter().map(|issue| issue.code.name()).collect()
}

const VALID: &str = "91350100M000100Y43";
/// A Shanxi code outside the Fujian pilot pattern, for the error cases.
const SHANXI: &str = "91140105123456788F";

#[test]
fn valid_code_with_parts() {
    let r = report(VALID);
    assert!(r.valid && r.errors.is_empty(), "{r:?}");
    assert_eq!(r.kind, CodeKind::Uscc);
    match r.parts {
        Some(Parts::Uscc { authority, org_type, ref region, region_name, ref org_code, .. }) => {
            assert_eq!((authority, org_type), ('9', '1'));
            assert_eq!(region, "350100");
            assert_eq!(region_name.get(), Some("福州市"));
            assert_eq!(org_code, "M000100Y-4");
        }
        ref other => panic!("parts {other:?}"),
    }
}

#[test]
fn wrong_check_symbol_names_the_expected_symbol_and_suggests_it() {
    let r = report("91350100M000100Y4Z");
    assert!(!r.valid);
    // Z is not in the alphabet: reported as a forbidden letter at position 18, and the fix suggested.
    assert_eq!(error_names(&r), ["forbidden_letter"]);
    assert_eq!(r.errors[0].position, Some(18));
    assert!(report(SHANXI).valid);
    let r = report("91140105123456788E");
    assert_eq!(error_names(&r), ["check_symbol_wrong"]);
    assert_eq!(r.errors[0].code, IssueCode::CheckSymbolWrong { expected: 'F', found: 'E' });
    assert_eq!(r.suggestions.first().map(|s| s.code.as_str()), Some(SHANXI), "{:?}", r.suggestions);
}

#[test]
fn look_alike_letters_are_suggested_first() {
    let r = report("9135O1OOMOOO1OOY43");
    assert!(!r.valid);
    assert_eq!(r.errors.len(), 8, "every O is highlighted: {:?}", r.errors);
    assert!(r.errors.iter().all(|e| e.code == IssueCode::ForbiddenLetter { symbol: 'O' }));
    assert_eq!(r.suggestions.first().map(|s| (s.code.as_str(), s.edit)), Some((VALID, Edit::LookAlike)));
}

#[test]
fn v_for_u_is_marked_as_a_guess() {
    // Build a valid code containing U, then type V instead.
    let first17 = (0..10_000u32)
        .map(|n| format!("91140100U{n:07}"))
        .find_map(|prefix| org_check_symbol(&prefix.as_bytes()[8..16]).map(|c| format!("{prefix}{}", char::from(c))))
        .expect("a body");
    let valid = format!("{first17}{}", char::from(uscc_check_symbol(first17.as_bytes())));
    assert!(report(&valid).valid, "{valid}");
    let typo = valid.replacen('U', "V", 1);
    let r = report(&typo);
    assert_eq!(r.suggestions.first().map(|s| (s.code.as_str(), s.guess)), Some((valid.as_str(), true)));
}

/// The region (positions 3–8) of a credit code.
fn region(code: &str) -> u32 {
    code[2..8].parse().unwrap_or(0)
}

#[test]
fn the_check_symbol_the_check_proves_comes_before_a_swap_into_a_region_that_does_not_exist() {
    // Position 18 should be M (the message says so); swapping positions 4 and 5 also passes both checks but
    // gives region 104105, which does not exist and is outside Shanxi.
    let shanxi = ValidateOptions { province: Some(Province::parse("14").unwrap()) };
    for options in [ValidateOptions::default(), shanxi] {
        let r = validate("91140105MA7DM001XN", &options);
        assert_eq!(r.errors[0].code, IssueCode::CheckSymbolWrong { expected: 'M', found: 'N' });
        let first = r.suggestions.first().expect("a suggestion");
        assert_eq!((first.code.as_str(), first.edit, first.position), ("91140105MA7DM001XM", Edit::Substitute, 18));
        assert!(!r.suggestions.iter().any(|s| s.code.starts_with("91104105")), "{:?}", r.suggestions);
        assert!(r.suggestions.iter().all(|s| division_known(region(&s.code))), "{:?}", r.suggestions);
    }
}

/// Valid Shanxi codes (region 140105) with bodies from `start`.
fn shanxi_codes(start: u32, count: usize) -> Vec<String> {
    (start..)
        .map(|n| format!("91140105{n:08}"))
        .map(|first16| {
            let org = org_check_symbol(&first16.as_bytes()[8..16]).unwrap();
            let first17 = format!("{first16}{}", char::from(org));
            format!("{first17}{}", char::from(uscc_check_symbol(first17.as_bytes())))
        })
        .take(count)
        .collect()
}

#[test]
fn a_wrong_check_symbol_is_always_fixed_first_and_no_fix_lands_in_a_region_that_does_not_exist() {
    let shanxi = ValidateOptions { province: Some(Province::parse("14").unwrap()) };
    for valid in shanxi_codes(10_000, 400) {
        // A letter: eighteen digits ending in 000 are a spreadsheet's damage, not a typo.
        let wrong = if valid.ends_with('A') { 'B' } else { 'A' };
        let typo = format!("{}{wrong}", &valid[..17]);
        for options in [ValidateOptions::default(), shanxi] {
            let r = validate(&typo, &options);
            assert_eq!(
                r.suggestions.first().map(|s| s.code.as_str()),
                Some(valid.as_str()),
                "{typo}: {:?}",
                r.suggestions
            );
            for s in &r.suggestions {
                assert!(division_known(region(&s.code)), "{typo}: {s:?}");
            }
        }
    }
}

#[test]
fn with_a_province_fixes_inside_it_come_before_fixes_outside_it() {
    let shanxi = ValidateOptions { province: Some(Province::parse("14").unwrap()) };
    let mut outside_seen = 0;
    for valid in shanxi_codes(50_000, 300) {
        // 14 typed as 41 (河南): the check symbol recomputed keeps a real region outside Shanxi; swapping back
        // returns to Shanxi and comes first.
        let mut typo: Vec<u8> = valid.clone().into_bytes();
        typo.swap(2, 3);
        let typo = String::from_utf8(typo).unwrap();
        let r = validate(&typo, &shanxi);
        let ranks: Vec<bool> = r.suggestions.iter().map(|s| !s.code.starts_with("9114")).collect();
        outside_seen += ranks.iter().filter(|&&outside| outside).count();
        assert_eq!(r.suggestions.first().map(|s| s.code.as_str()), Some(valid.as_str()), "{typo}: {:?}", r.suggestions);
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{typo}: inside Shanxi first: {:?}", r.suggestions);
        for s in &r.suggestions {
            assert!(division_known(region(&s.code)), "{typo}: {s:?}");
        }
    }
    assert!(outside_seen > 0, "some typo had a fix outside Shanxi to rank");
}

#[test]
fn adjacent_swap_is_suggested() {
    let r = report("91140105124356788F");
    assert!(!r.valid);
    assert!(r.suggestions.iter().any(|s| s.code == SHANXI && s.edit == Edit::Swap), "{:?}", r.suggestions);
}

#[test]
fn missing_or_extra_symbol_is_suggested() {
    let r = report("91350100M00100Y43");
    assert_eq!(error_names(&r), ["wrong_length"]);
    assert!(r.suggestions.iter().any(|s| s.code == VALID && s.edit == Edit::Insert), "{:?}", r.suggestions);
    let r = report("913501000M000100Y43");
    assert_eq!(r.kind, CodeKind::Uscc);
    assert!(r.suggestions.iter().any(|s| s.code == VALID && s.edit == Edit::Delete), "{:?}", r.suggestions);
}

#[test]
fn normalises_what_people_paste() {
    for input in [
        "９１３５０１００Ｍ０００１００Ｙ４３",
        " 91350100-M000100Y43 ",
        "91350100m000100y43",
        "9135\u{3000}0100 M000 100Y 43",
        "'91350100M000100Y43",
    ] {
        let r = report(input);
        assert!(r.valid, "{input}: {r:?}");
        assert_eq!(r.normalized, VALID);
    }
}

#[test]
fn invisible_marks_are_removed_with_a_warning() {
    let r = report("\u{200F}91350100M000100Y43\u{200E}");
    assert!(r.valid);
    assert_eq!(warning_names(&r), ["invisible_removed"]);
}

#[test]
fn bad_input_gets_a_clear_error_and_never_panics() {
    let cases: [(&str, &str); 9] = [
        ("", "empty"),
        ("   \u{3000} ", "empty"),
        ("913501\u{0}0M000100Y43", "symbol_not_allowed"),
        ("91350100M000100Y4😀", "symbol_not_allowed"),
        ("abc", "unknown_length"),
        ("9.11401E+17", "scientific_notation"),
        ("91350100M000100Y43X", "wrong_length"),
        ("9135", "unknown_length"),
        ("91350100M000100Y4\u{202E}", "wrong_length"),
    ];
    for (input, expected) in cases {
        let r = report(input);
        assert!(!r.valid, "{input:?}");
        assert_eq!(error_names(&r).first(), Some(&expected), "{input:?}: {r:?}");
        assert!(!r.errors[0].code.message_zh().is_empty() && !r.errors[0].code.message_en().is_empty());
    }
    let huge = "9".repeat(10 * 1024 * 1024);
    let r = report(&huge);
    assert_eq!(error_names(&r), ["too_long"]);
    assert!(r.input.chars().count() <= 65 && r.normalized.chars().count() <= 65);
    let binary: String = (0u8..=255).map(char::from).collect();
    assert!(!report(&binary).valid);
}

#[test]
fn nul_position_is_reported() {
    let r = report("913501\u{0}0M000100Y43");
    assert_eq!(r.errors[0].position, Some(7));
    assert!(r.errors[0].code.message_zh().contains("U+0000"));
}

#[test]
fn unknown_authority_and_type() {
    assert_eq!(error_names(&report("B1350100M000100Y43")), ["unknown_authority"]);
    let r = report("99350100M000100Y43");
    assert_eq!(error_names(&r), ["type_not_allowed"]);
    assert_eq!(r.errors[0].position, Some(2));
}

#[test]
fn region_warnings() {
    // A valid code with an unknown region: warning only.
    let first17 = "91999999M000100Y4";
    let code = format!("{first17}{}", char::from(uscc_check_symbol(first17.as_bytes())));
    let r = report(&code);
    assert!(r.valid);
    assert_eq!(warning_names(&r), ["unknown_region"]);
    let shanxi = ValidateOptions { province: Some(Province::parse("14").unwrap()) };
    let r = validate(VALID, &shanxi);
    assert!(r.valid);
    assert_eq!(warning_names(&r), ["outside_province"]);
    assert!(r.warnings[0].code.message_zh().contains("山西省"));
}

#[test]
fn spreadsheet_damage_is_named() {
    let r = report("911401001234567000");
    assert!(!r.valid);
    assert!(warning_names(&r).contains(&"spreadsheet_damage"), "{r:?}");
    assert!(r.suggestions.is_empty(), "lost digits are not guessed: {:?}", r.suggestions);
}

#[test]
fn fujian_pilot_code_is_valid_but_flagged() {
    let r = report("91350203M0001QKT19");
    assert!(r.valid);
    assert_eq!(warning_names(&r), ["fujian_pilot"]);
    assert!(r.warnings[0].code.message_zh().contains("试点"));
    // Outside the pattern, or with a wrong organisation-code check, it is plain invalid.
    assert_eq!(error_names(&report("91350203M0001QKT29")), ["org_check_wrong"]);
    assert_eq!(error_names(&report("91140203M0001QKT19")), ["check_symbol_wrong"]);
}

#[test]
fn resident_ids_including_lower_case_x() {
    let r = report("11010519491231002x");
    assert_eq!(r.kind, CodeKind::ResidentId);
    assert!(r.valid, "{r:?}");
    assert!(
        matches!(r.parts, Some(Parts::ResidentId { ref birth_date, sex: "female", .. }) if birth_date == "1949-12-31")
    );
    let r = report("110105194912310021");
    assert_eq!((r.kind, error_names(&r)), (CodeKind::ResidentId, vec!["id_check_wrong"]));
    assert!(r.suggestions.iter().any(|s| s.code == "11010519491231002X"));
    // Real bug reports: IDs passing the mod-31 check by chance are IDs, not credit codes.
    for id in ["362322198709086409", "430407199312020025"] {
        let r = report(id);
        assert_eq!((r.kind, r.valid), (CodeKind::ResidentId, true), "{id}");
    }
}

#[test]
fn first_generation_ids_must_be_converted() {
    let r = report("110105491231003");
    assert_eq!(r.kind, CodeKind::ResidentId);
    assert_eq!(error_names(&r), ["first_generation_id"]);
}

#[test]
fn legacy_codes() {
    let r = report("M000100Y-4");
    assert_eq!((r.kind, r.valid), (CodeKind::OrgCode, true));
    assert_eq!(warning_names(&r), ["legacy_org_code"]);
    let r = report("M000100Y-5");
    assert_eq!(error_names(&r), ["org_check_wrong"]);
    // A standalone organisation code's check symbol is its 9th, and the message says so once.
    assert_eq!(r.errors[0].located_message(crate::lang::Lang::Zh), "第 9 位：组织机构代码校验码应为 “4”，实际为 “5”。");
    let in_uscc = report("91350203M0001QKT29");
    assert_eq!(in_uscc.errors[0].located_message(crate::lang::Lang::En).split(':').next(), Some("Position 17"));
    // A message that names its place is not prefixed again.
    let wrong = report("91140105123456788E");
    assert!(wrong.errors[0].located_message(crate::lang::Lang::Zh).starts_with("第 18 位校验码"));
    assert!(r.suggestions.iter().any(|s| s.code == "M000100Y4"));
    let r = report("110108000000016");
    assert_eq!((r.kind, r.valid), (CodeKind::RegNo15, true));
    assert!(warning_names(&r).contains(&"legacy_reg_no"));
    assert_eq!(error_names(&report("110108000000017")), ["reg_no_check_wrong"]);
}

#[test]
fn quick_check_agrees_with_report() {
    for input in [
        VALID,
        "91140105123456788E",
        "11010519491231002x",
        "M000100Y-4",
        "110108000000016",
        "",
        "9.1E+17",
        "91350203M0001QKT19",
        "913501\u{0}0M000100Y43",
    ] {
        assert_eq!(check(input), report(input).verdict(), "{input:?}");
    }
}

#[test]
fn batch_splits_lines_and_csv_cells() {
    let text = "\u{FEFF}91350100M000100Y43, 91140105123456788E\r\n\n\t11010519491231002X；M000100Y-4\n";
    let cells: Vec<_> = batch_cells(text).map(|c| (c.line, c.text)).collect();
    assert_eq!(cells, [(1, VALID), (1, "91140105123456788E"), (3, "11010519491231002X"), (3, "M000100Y-4")]);
    let reports = validate_batch(text, &ValidateOptions::default());
    assert_eq!(BatchSummary::of(&reports), BatchSummary { total: 4, valid: 3, invalid: 1, with_warnings: 1 });
    assert_eq!(check_batch(text).iter().filter(|v| v.valid).count(), 3);
}

#[test]
fn report_serialises_to_the_documented_shape() {
    let value = serde_json::to_value(report("91140105123456788E")).unwrap();
    assert_eq!(value["kind"], "uscc");
    assert_eq!(value["valid"], false);
    assert_eq!(value["errors"][0]["code"], "check_symbol_wrong");
    assert_eq!(value["errors"][0]["position"], 18);
    assert!(value["errors"][0]["message_zh"].as_str().unwrap().contains("校验码"));
    assert!(value["suggestions"].as_array().unwrap().iter().any(|s| s == SHANXI));
    assert!(value.get("parts").is_none());
    let value = serde_json::to_value(report(VALID)).unwrap();
    assert_eq!(value["parts"]["org_code"], "M000100Y-4");
}

/// A random valid credit code: authority and type from the table, a region, a body, both checks.
fn valid_uscc() -> impl Strategy<Value = String> {
    let authorities: Vec<(char, char)> = AUTHORITIES
        .iter()
        .flat_map(|a| a.types.iter().map(move |t| (char::from(a.symbol), char::from(t.symbol))))
        .collect();
    // Regions from the division table, so that a valid code carries no warning of its own and any warning
    // after a change comes from the change.
    let regions = super::division::codes();
    (proptest::sample::select(authorities), proptest::sample::select(regions), proptest::collection::vec(0usize..31, 8))
        .prop_map(|((authority, org_type), region, body)| {
            let body: String = body.into_iter().map(|i| char::from(USCC_ALPHABET[i])).collect();
            // Position 17 must be 0-9 or X; bodies whose GB 11714 check is X are fine, X is in the alphabet.
            let org = org_check_symbol(body.as_bytes()).map(char::from).unwrap_or('0');
            let first17 = format!("{authority}{org_type}{region:06}{body}{org}");
            format!("{first17}{}", char::from(uscc_check_symbol(first17.as_bytes())))
        })
}

proptest! {
    #[test]
    fn every_generated_valid_code_validates(code in valid_uscc()) {
        let r = report(&code);
        prop_assert!(r.valid, "{code}: {r:?}");
        prop_assert!(r.warnings.is_empty(), "{code}: {:?}", r.warnings);
        prop_assert_eq!(r.kind, CodeKind::Uscc);
        prop_assert!(check(&code).valid);
    }

    #[test]
    fn every_single_symbol_change_is_rejected_or_flagged(code in valid_uscc(), position in 0usize..18, symbol in 0usize..31) {
        let mut bytes = code.clone().into_bytes();
        prop_assume!(bytes[position] != USCC_ALPHABET[symbol]);
        bytes[position] = USCC_ALPHABET[symbol];
        let changed = String::from_utf8(bytes).unwrap();
        let r = report(&changed);
        // Every single change is caught (mod 31 is prime): rejected, or accepted only as a possible early
        // Fujian pilot code with that warning, or valid as another kind of number altogether.
        let only_fujian = !r.warnings.is_empty() && r.warnings.iter().all(|w| w.code.name() == "fujian_pilot");
        prop_assert!(!r.valid || only_fujian || r.kind != CodeKind::Uscc, "{code} → {changed}: {r:?}");
    }

    #[test]
    fn never_panics_on_arbitrary_text(
        text in prop_oneof![
            "\\PC{0,40}",
            // Control and format characters (bidi marks, zero widths, BOM), and long inputs.
            "[\\x00-\\x1f\\x7f\u{200B}-\u{200F}\u{202A}-\u{202E}\u{2066}-\u{2069}\u{FEFF}0-9A-Z\\-' =\"]{0,60}",
            "[0-9A-Za-z\u{3000}\u{FF10}-\u{FF19}]{100,3000}",
        ]
    ) {
        let r = report(&text);
        prop_assert_eq!(check(&text), r.verdict());
        assert_field_check_agrees(&text);
    }

    #[test]
    fn the_field_check_agrees_with_the_report_on_near_codes(code in valid_uscc(), position in 0usize..18, symbol in "[0-9A-Za-z* -]") {
        let mut changed: Vec<char> = code.chars().collect();
        changed[position] = symbol.chars().next().unwrap_or('0');
        assert_field_check_agrees(&changed.into_iter().collect::<String>());
    }
}

/// `check_field` is `validate` without warnings, parts and suggestions: same verdict, same first error, same
/// normal form for a valid code.
fn assert_field_check_agrees(text: &str) {
    let r = report(text);
    let field = super::check_field(text);
    assert_eq!(field.verdict, r.verdict(), "{text:?}");
    assert_eq!(field.first_error.as_ref(), r.errors.first(), "{text:?}");
    if r.valid {
        assert_eq!(field.normalized, r.normalized, "{text:?}");
    }
}

#[test]
fn the_field_check_agrees_with_the_report_on_every_kind() {
    for text in [
        "91140105123456788F",
        "91140105123456788E",
        "91140105I2345678OF",
        "9114010512345678",
        "M000100Y-4",
        "M000100Y-5",
        "140105000012345",
        "140105000012346",
        "11010519491231002X",
        "110105194912310021",
        "９１３５０１００Ｍ０００１００Ｙ４３",
        "9.11E+17",
        "",
        "abc",
    ] {
        assert_field_check_agrees(text);
    }
}

/// The straightforward splitter the byte scanner in `batch_cells` must agree with.
fn reference_cells(text: &str) -> Vec<(usize, String)> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    text.split('\n')
        .enumerate()
        .flat_map(|(index, line)| {
            line.split([',', '\t', ';', '，', '；', '、'])
                .map(str::trim)
                .filter(|cell| !cell.is_empty())
                .map(move |cell| (index + 1, cell.to_owned()))
        })
        .collect()
}

proptest! {
    #[test]
    fn batch_cells_agree_with_the_reference_splitter(text in "[0-9A-Z ,;\t\n，；、\u{3000}\u{00A0}é]{0,60}") {
        let cells: Vec<(usize, String)> = batch_cells(&text).map(|c| (c.line, c.text.to_owned())).collect();
        prop_assert_eq!(cells, reference_cells(&text));
    }
}

#[test]
fn make_uscc_completes_both_check_symbols() {
    assert_eq!(super::make_uscc("91", "140105", "12345678").as_deref(), Some("91140105123456788F"));
    assert_eq!(super::make_uscc("91", "350100", "M000100Y").as_deref(), Some("91350100M000100Y43"));
    assert_eq!(super::make_uscc("91", "1401", "12345678"), None);
    assert_eq!(super::make_uscc("9I", "140105", "12345678"), None);
}
