//! Credit status, repair eligibility and working days for JavaScript.

use serde_json::Value;
use wasm_bindgen::prelude::*;
use xinnuo_core::calendar::{self, Date};
use xinnuo_core::repair;
use xinnuo_core::status::{Profile, Record};
use xinnuo_core::tier;

use crate::thrown::Thrown;
use crate::to_js;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
export type RecordKind = "administrative_penalty" | "serious_dishonesty_list" | "serious_illegal_list"
  | "abnormal_operation_list" | "court_dishonest_debtor" | "red_list" | "other_dishonesty" | "broken_commitment";
export type PenaltyClass = "minor" | "general" | "serious";
/** The kinds of 行政处罚法 第九条: "confiscation" (either kind, not said which) is kept for older records;
 *  "licence_suspended" (暂扣许可证件), "suspension", "restriction" and "practice_ban" run for a term; "other" is
 *  a penalty the tool cannot place — name it in `penalty_as_named`; it gets the conservative answer. */
export type PenaltyType = "warning" | "circulated_criticism" | "fine" | "confiscation" | "illegal_gains_confiscated"
  | "illegal_property_confiscated" | "licence_suspended" | "suspension" | "restriction" | "ordered_closed"
  | "qualification_lowered" | "licence_revoked" | "business_licence_revoked" | "practice_ban" | "other";
export interface CreditRecord {
  id: string; kind: RecordKind; decision_no: string; authority: string;
  /** Decided by a market regulator: gsxt rules apply. */
  market_regulation?: boolean;
  decided_on: string; class?: PenaltyClass; penalties?: PenaltyType[];
  /** The penalty as the decision names it (1–500 characters), shown beside the record. */
  penalty_as_named?: string;
  fine_yuan?: number;
  sector?: "food" | "drugs" | "special_equipment" | "environment" | "construction" | "work_safety" | "fire" | "tax" | "other";
  summary?: string; obligations_met_on?: string; removed_on?: string;
  /** The last day of a penalty's term (限制从业, 暂扣许可证件 etc.): 36号 第十二条第三款, 45号 第十三条第三款, 44号 第十六条第二款.
   *  Absent while the record has a term (a term-bearing penalty, "other", or `has_term: true`): the conservative
   *  answer — not eligible now and no earliest day (“不早于处罚期限届满之日”); a market restriction or ban ends
   *  not before three years (`publication_ends_not_before`); no early removal from the serious illegal list. */
  ban_until?: string;
  /** Whether a penalty or measure with a term runs: `false` (the department says none) lets an early end or
   *  removal be answered; absent: unknown (conservative answer); `false` beside a term-bearing penalty is refused. */
  has_term?: boolean;
  law_forbids_repair?: boolean; aggravated_years?: number;
  /** When publication began: market-regulation periods count from it (总局令第45号 第十三条). */
  published_on?: string;
  /** Only 普通程序 market penalties are published (45号 第二条). */
  procedure?: "simplified" | "ordinary";
  /** Court listings: the item (1–6) of 法释〔2017〕7号 第一条; only 2–6 have a fixed term. */
  listing_ground?: 1 | 2 | 3 | 4 | 5 | 6;
  /** Market penalties: the fine is a 较低数额罚款 by the province's standard (45号 第十三条第一款); unknown → 3 years. */
  lower_fine?: boolean;
  /** Market penalties decided in another province (45号 第十条: 10 + 10 working days to publication). */
  cross_province?: boolean;
}
export interface OfficialGrade { scheme: "tax_credit" | "customs" | "other"; grade: string; year: number; authority: string; source: string; }
export interface CreditProfile { credit_code: string; name: string; demo?: boolean; records?: CreditRecord[]; grades?: OfficialGrade[]; }
export type Tier = "trustworthy" | "normal" | "attention" | "serious";
export interface RuleRef { id: string; title: LocalText; source: string; confidence: "C" | "S" | "U"; }
export interface StatusSummary {
  on: string; tier: Tier; name: LocalText; /** Always 本工具汇总，非官方评级. */ label: LocalText; criteria: LocalText;
  measures: { text: LocalText; source: string }[];
  reasons: { tier: Tier; source_id: string; message: LocalText }[]; active_records: string[];
}
export type RepairOutcome = "eligible_now" | "not_yet" | "obligations_outstanding" | "not_repairable" | "court_only"
  | "ends_automatically" | "publication_ended" | "already_removed" | "not_negative" | "no_rule" | "not_published";
export interface Finding { code: string; message: LocalText; rule: RuleRef; }
export interface RepairEvaluation {
  record_id: string; on: string;
  regime: { id: string; name: LocalText; from: string; to: string | null; confidence: string } | null;
  regime_of_its_time: { id: string; name: LocalText } | null;
  class: PenaltyClass | null; class_guessed: boolean;
  /** The rule that decided the class; null when the department gave it. */
  class_rule: RuleRef | null;
  outcome: RepairOutcome; outcome_label: LocalText; eligible_now: boolean;
  /** The rule (article) that decided the outcome: the first blocker's while something blocks it. */
  outcome_rule: RuleRef | null;
  earliest_date: string | null; earliest_not_before: string | null;
  /** The rule that decided the earliest date (minimum period, a penalty's term, or the obligations). */
  earliest_rule: RuleRef | null;
  publication_ends: string | null; publication_ends_not_before: string | null;
  /** The rule that decided the last day of publication. */
  publication_rule: RuleRef | null;
  channel: "credit_china" | "gsxt" | "court" | null; channel_label: LocalText | null;
  blocking: Finding[]; steps: (Finding & { done: boolean })[]; materials: Finding[]; notes: Finding[];
}
"#;

fn json_of(value: JsValue, what: &str) -> Result<Value, Thrown> {
    xinnuo_js_json::from_js(&value)
        .map_err(|e| Thrown::bad_argument(format!("{what}格式不正确：{e}"), format!("invalid {what}: {e}")))
}

fn date(text: &str, name: &str) -> Result<Date, Thrown> {
    Date::parse(text).map_err(|_| {
        Thrown::new(
            "bad_date",
            format!("{name} 应为 YYYY-MM-DD 格式的真实日期：{text:?}"),
            format!("{name} must be a real date YYYY-MM-DD: {text:?}"),
        )
    })
}

/// The summary tier of a profile on `on` (default: today in China), labelled 本工具汇总，非官方评级.
#[wasm_bindgen(js_name = summarizeStatus, unchecked_return_type = "StatusSummary")]
pub fn summarize_status(
    #[wasm_bindgen(unchecked_param_type = "CreditProfile")] profile: JsValue,
    on: Option<String>,
) -> Result<JsValue, Thrown> {
    let profile = Profile::from_json(json_of(profile, "主体资料")?).map_err(Thrown::from)?;
    let on = match on {
        Some(text) => date(&text, "on")?,
        None => today()?,
    };
    to_js(&tier::summarize(&profile, on))
}

fn today() -> Result<Date, Thrown> {
    let now = String::from(js_sys::Date::new_0().to_iso_string());
    calendar::UtcTimestamp::parse(&now).map(|t| t.china_date()).map_err(Thrown::from)
}

/// Whether a record can be repaired on `onDate`, from when, what blocks it, and the steps — with sources.
/// `others` are the subject's other records (a listing blocks market-regulation early stops).
#[wasm_bindgen(js_name = evaluateRepair, unchecked_return_type = "RepairEvaluation")]
pub fn evaluate_repair(
    #[wasm_bindgen(unchecked_param_type = "CreditRecord")] record: JsValue,
    on_date: &str,
    #[wasm_bindgen(unchecked_param_type = "CreditRecord[] | undefined")] others: JsValue,
) -> Result<JsValue, Thrown> {
    let record = Record::from_json(json_of(record, "记录")?).map_err(Thrown::from)?;
    let others: Vec<Record> = if others.is_undefined() || others.is_null() {
        Vec::new()
    } else {
        match json_of(others, "其他记录")? {
            Value::Array(items) => {
                items.into_iter().map(Record::from_json).collect::<Result<_, _>>().map_err(Thrown::from)?
            }
            _ => return Err(Thrown::bad_argument("others 应为记录数组", "others must be an array of records")),
        }
    };
    to_js(&repair::evaluate(&record, &others, date(on_date, "onDate")?).map_err(Thrown::from)?)
}

/// The `n`th working day after `date` (official holidays and make-up days); throws for unpublished years.
#[wasm_bindgen(js_name = addWorkingDays)]
pub fn add_working_days(date_text: &str, n: u32) -> Result<String, Thrown> {
    Ok(calendar::add_working_days(date(date_text, "date")?, n).map_err(Thrown::from)?.to_string())
}

/// Working days after `from` up to and including `to`.
#[wasm_bindgen(js_name = workingDaysBetween)]
pub fn working_days_between(from: &str, to: &str) -> Result<u32, Thrown> {
    calendar::working_days_between(date(from, "from")?, date(to, "to")?).map_err(Thrown::from)
}

#[derive(serde::Serialize)]
struct AddedSchedule {
    year: u32,
    /// `new`, `same` (already known) or `replaced`.
    added: calendar::Added,
    source: String,
}

/// Adds one year's holiday schedule (the format of `crates/core/data/holidays/*.json`: `{year, papers, days:
/// [{name, date, isOffDay}]}`, as an object or its JSON text), checked first: a whole year, its own dates, none
/// twice. A built-in year is never replaced; a year added before only with `replace`.
#[wasm_bindgen(js_name = addHolidaySchedule, unchecked_return_type = "{ year: number; added: \"new\" | \"same\" | \"replaced\"; source: string }")]
pub fn add_holiday_schedule(schedule: JsValue, replace: Option<bool>) -> Result<JsValue, Thrown> {
    let text = match schedule.as_string() {
        Some(text) => text,
        None => json_of(schedule, "节假日安排")?.to_string(),
    };
    let parsed = calendar::parse_schedule(&text).map_err(Thrown::from)?;
    let (year, source) = (parsed.year, parsed.source.clone());
    let added = calendar::add_schedule(parsed, replace.unwrap_or(false)).map_err(Thrown::from)?;
    to_js(&AddedSchedule { year, added, source })
}

/// Every year whose schedule is known, with its source and whether it is built in.
#[wasm_bindgen(js_name = holidayYears, unchecked_return_type = "{ year: number; source: string; built_in: boolean }[]")]
pub fn holiday_years() -> Result<JsValue, Thrown> {
    to_js(&calendar::year_sources())
}
