//! The REST backend (same origin): one function per call, failures as one typed error.

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use xinnuo_core::receipt::TrustedServerKeys;

use crate::browser::window;
use crate::i18n::Lang;

/// Where data comes from: the REST API, or static JSON files published by `xinnuo-server export-static`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    Api,
    /// Base URL of the data files, e.g. `data/`.
    Static(String),
}

/// From `<meta name="xinnuo-data-source" content="static:data/">` (default: the API of this origin).
pub fn data_source() -> DataSource {
    let content = window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name='xinnuo-data-source']").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .unwrap_or_default();
    match content.strip_prefix("static:") {
        Some(base) => DataSource::Static(if base.is_empty() { "data/".into() } else { base.to_owned() }),
        None => DataSource::Api,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No answer at all (offline, the server down, or this page's origin not allowed by the server's CORS).
    Network,
    /// An RFC 9457 problem from the server.
    Problem(ProblemDetails),
    /// An answer that is neither the expected JSON nor a problem.
    Unexpected(u16),
}

impl ApiError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::Network => {
                let window = web_sys::window();
                let offline = window.as_ref().is_some_and(|w| !w.navigator().on_line());
                let page = window.and_then(|w| w.location().origin().ok()).unwrap_or_default();
                let server = url("").trim_end_matches('/').to_owned();
                // The browser tells a refused cross-origin call from a dead server no better than this: say both.
                let foreign = server.starts_with("http") && !server.starts_with(&page);
                if offline {
                    lang.pick(
                        "没有网络连接：恢复连接后再试。",
                        "No network connection: try again once you are back online.",
                    )
                    .to_owned()
                } else if foreign {
                    match lang {
                        Lang::Zh => format!("无法使用服务器 {server}：它没有应答，或本网站（{page}）未获准使用它。如是后者，请服务器运营方在启动参数中加入 --allow-origin {page}。"),
                        Lang::En => format!("Cannot use the server {server}: it did not answer, or this site ({page}) is not allowed to use it. If so, its operator must add --allow-origin {page} when starting it."),
                    }
                } else {
                    lang.pick(
                        "无法连接服务器：服务器没有应答，请稍后再试。",
                        "Cannot reach the server: it did not answer; try again later.",
                    )
                    .to_owned()
                }
            }
            Self::Problem(problem) => {
                let (title, detail) = (problem.title(lang), problem.detail(lang));
                let fields: Vec<String> = problem
                    .errors
                    .iter()
                    .map(|e| match &e.field {
                        Some(field) => format!("{field}：{}", e.message(lang)),
                        None => e.message(lang).to_owned(),
                    })
                    .collect();
                if fields.is_empty() {
                    format!("{title}：{detail}")
                } else {
                    format!("{title}：{detail} {}", fields.join("；"))
                }
            }
            Self::Unexpected(status) => {
                format!("{} (HTTP {status})", lang.pick("服务器返回了意外的结果", "Unexpected answer from the server"))
            }
        }
    }
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    // Read as text, one future for every answer type (gloo's `json::<T>` makes one per type), then parsed.
    let text = response.text().await.map_err(|_| ApiError::Network)?;
    if response.ok() {
        return serde_json::from_str::<T>(&text).map_err(|_| ApiError::Unexpected(status));
    }
    match serde_json::from_str::<ProblemDetails>(&text) {
        // The status is the response's (a proxy's problem may say otherwise).
        Ok(problem) => Err(ApiError::Problem(ProblemDetails { status, ..problem })),
        Err(_) => Err(ApiError::Unexpected(status)),
    }
}

pub use crate::origin::{set_base, url};

async fn post_json<T: DeserializeOwned>(path: &str, body: &str) -> Result<T, ApiError> {
    let request = Request::post(&url(path))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .map_err(|_| ApiError::Network)?;
    read(request.send().await.map_err(|_| ApiError::Network)?).await
}

async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    read(Request::get(&url(path)).send().await.map_err(|_| ApiError::Network)?).await
}

/// How long a submission may take before it is given up (and retried later by the outbox).
const SUBMIT_TIMEOUT_MS: u32 = 15_000;

/// Sends a signed commitment (`repair`: a repair application) and reads the answer, given up after
/// [`SUBMIT_TIMEOUT_MS`]. The receipt in it is not verified here: the caller checks it against the pinned keys.
pub async fn submit(jws: &str, repair: bool) -> Result<xinnuo_core::wire::ReceiptAnswer, ApiError> {
    let path = if repair { "api/v1/repair-applications" } else { "api/v1/commitments" };
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(|c| c.signal());
    let _timer = controller.map(|c| gloo_timers::callback::Timeout::new(SUBMIT_TIMEOUT_MS, move || c.abort()));
    let request = Request::post(&url(path))
        .header("content-type", "application/json")
        .abort_signal(signal.as_ref())
        .body(jws.to_owned())
        .map_err(|_| ApiError::Network)?;
    read(request.send().await.map_err(|_| ApiError::Network)?).await
}

/// A commitment as published, without the decisions made on it (verifying and printing need none, and
/// their builds then carry no decision types).
pub async fn get_commitment(id: &str) -> Result<PublishedCommitment, ApiError> {
    get_json(&commitment_path(id)).await
}

/// A commitment as published, with every decision made on it.
pub async fn get_commitment_detail(id: &str) -> Result<CommitmentDetail, ApiError> {
    get_json(&commitment_path(id)).await
}

fn commitment_path(id: &str) -> String {
    let id: String = id.chars().filter(char::is_ascii_hexdigit).collect();
    format!("api/v1/commitments/{id}")
}

pub async fn enrol_key(jws: &str) -> Result<EnrolmentView, ApiError> {
    post_json("api/v1/keys", jws).await
}

/// `GET /api/v1/keys/{kid}?credit_code=`: how a key's enrolment for one credit code stands.
pub async fn key_enrolment(kid: &str, credit_code: &str) -> Result<xinnuo_core::wire::KeyView, ApiError> {
    let kid: String = kid.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    let code = String::from(js_sys::encode_uri_component(credit_code));
    get_json(&format!("api/v1/keys/{kid}?credit_code={code}")).await
}

pub async fn search_subjects(query: &str, page: u32) -> Result<SubjectList, ApiError> {
    if let DataSource::Static(base) = data_source() {
        // A static site publishes the whole index; search it here.
        // The core's rule and the server's order (by name, then code), so both find the same subjects.
        let mut list: SubjectList = get_json(&format!("{base}subjects/index.json")).await?;
        let needle = xinnuo_core::search::normalize_query(query);
        list.subjects.retain(|s| xinnuo_core::search::matches(&needle, &s.name, &s.credit_code));
        list.subjects.sort_by(|a, b| (&a.name, &a.credit_code).cmp(&(&b.name, &b.credit_code)));
        list.total = list.subjects.len() as u64;
        return Ok(list);
    }
    let q = String::from(js_sys::encode_uri_component(query));
    get_json(&format!("api/v1/subjects?q={q}&page={page}&per_page=50")).await
}

/// The 信用承诺 column: from the server, or from a static site's `publications.json`, filtered here.
pub async fn publications(query: &PublicationQuery) -> Result<PublicationList, ApiError> {
    const PER_PAGE: u32 = 20;
    let page = query.page.max(1);
    if let DataSource::Static(base) = data_source() {
        let mut all: PublicationList = get_json(&format!("{base}publications.json")).await?;
        let needle = xinnuo_core::search::normalize_query(&query.q);
        // A repair application is never listed (a file exported by an older server might hold one).
        let repair = |id: &str| {
            xinnuo_core::template::index()
                .iter()
                .any(|t| t.id == id && t.kind == xinnuo_core::template::TemplateKind::Repair)
        };
        all.publications.retain(|p| {
            !repair(&p.template_id)
                // The server's rule: a department (by either name) decides what is made to it.
                && (query.department.is_empty() || xinnuo_core::workflow::decides(&p.departments, &query.department))
                && (query.template.is_empty() || p.template_id == query.template)
                && (query.state.is_empty() || p.state.as_str() == query.state)
                && xinnuo_core::search::matches(&needle, &p.subject_name, &p.credit_code)
        });
        let total = all.publications.len() as u64;
        let publications =
            all.publications.into_iter().skip(((page - 1) * PER_PAGE) as usize).take(PER_PAGE as usize).collect();
        return Ok(PublicationList { total, page, per_page: PER_PAGE, publications, generated_on: None });
    }
    let encode = |text: &str| String::from(js_sys::encode_uri_component(text.trim()));
    get_json(&format!(
        "api/v1/publications?department={}&template={}&state={}&q={}&page={page}&per_page={PER_PAGE}",
        encode(&query.department),
        encode(&query.template),
        encode(&query.state),
        encode(&query.q)
    ))
    .await
}

/// Sends a signed objection; the answer is the objection as recorded, with its receipt.
pub async fn post_objection(jws: &str) -> Result<Value, ApiError> {
    post_json("api/v1/objections", jws).await
}

thread_local! {
    /// Whether this page asked its server for holiday schedules added after the build.
    static HOLIDAYS_ASKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

const HOLIDAYS_STORAGE: &str = "xinnuo-holidays";

/// Adds schedules to the core, each a year's file; returns those that are now known (for the cache).
fn add_schedules(schedules: &[Value]) -> Vec<Value> {
    schedules
        .iter()
        .filter(|schedule| {
            xinnuo_core::calendar::parse_schedule(&schedule.to_string())
                .and_then(|parsed| xinnuo_core::calendar::add_schedule(parsed, true))
                .is_ok()
        })
        .cloned()
        .collect()
}

/// Makes the holiday schedules published after the build known before anything is computed: those cached on
/// this device first (offline), then the server's (`GET /api/v1/holidays`, or a static site's
/// `holidays.json`), once per page.
pub async fn ensure_holidays() {
    if HOLIDAYS_ASKED.with(|asked| asked.replace(true)) {
        return;
    }
    let storage = crate::browser::local_storage();
    let cached: Vec<Value> = storage
        .as_ref()
        .and_then(|s| s.get_item(HOLIDAYS_STORAGE).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    add_schedules(&cached);
    let path = match data_source() {
        DataSource::Static(base) => format!("{base}holidays.json"),
        DataSource::Api => "api/v1/holidays".into(),
    };
    let Ok(published) = get_json::<Holidays>(&path).await else { return };
    let known = add_schedules(&published.schedules);
    if let (Some(storage), false) = (storage, known.is_empty()) {
        if let Ok(text) = serde_json::to_string(&known) {
            let _ = storage.set_item(HOLIDAYS_STORAGE, &text);
        }
    }
}

pub async fn get_subject(code: &str) -> Result<SubjectView, ApiError> {
    ensure_holidays().await;
    let code: String = code.chars().filter(char::is_ascii_alphanumeric).collect();
    match data_source() {
        DataSource::Static(base) => get_json(&format!("{base}subjects/{code}.json")).await,
        DataSource::Api => get_json(&format!("api/v1/subjects/{code}")).await,
    }
}

/// The server keys receipts must come from, pinned in this browser: fetched from the server this app talks to
/// (or the static site's `server-keys.json`) and kept in `localStorage`, so receipts verify offline too. A
/// fetched list is merged into the pinned one, never replacing it: retired keys stay trusted for old receipts.
pub async fn trusted_server_keys() -> TrustedServerKeys {
    let storage_key = format!("xinnuo-server-keys:{}", url(""));
    let storage = crate::browser::local_storage();
    let pinned: Vec<Value> = storage
        .as_ref()
        .and_then(|s| s.get_item(&storage_key).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let path = match data_source() {
        DataSource::Static(base) => format!("{base}server-keys.json"),
        DataSource::Api => "api/v1/server-keys".into(),
    };
    let listing = get_json::<Value>(&path).await.ok().filter(|list| TrustedServerKeys::from_json(list).is_ok());
    // Only a list that reads as keys is kept.
    let fetched: Vec<Value> =
        listing.as_ref().and_then(|list| list.get("keys")).and_then(Value::as_array).cloned().unwrap_or_default();
    let (witnesses, quorum) = pin_witnesses(listing.as_ref(), &pinned).await;
    let trust = |keys: Vec<Value>| {
        TrustedServerKeys::from_json(&json!({"keys": keys, "witnesses": witnesses, "witness_quorum": quorum}))
    };
    // What is pinned no longer reads (altered site data): nothing is trusted, and nothing newly admitted.
    let Ok(prior) = trust(pinned.clone()) else { return TrustedServerKeys::default() };
    let mut merged = pinned;
    for key in fetched {
        match merged.iter_mut().find(|known| known.get("kid") == key.get("kid")) {
            // A key pinned before the server had a public log learns its log key the way it was pinned: from
            // the server it came from (never replaced once known).
            Some(known) if known.get("log_key").is_none() => {
                if let (Some(object), Some(log_key)) = (known.as_object_mut(), key.get("log_key")) {
                    object.insert("log_key".into(), log_key.clone());
                }
            }
            Some(_) => {}
            None if admitted(&key, &prior).await => merged.push(key),
            None => {}
        }
    }
    if let (Some(storage), Ok(text)) = (storage, serde_json::to_string(&merged)) {
        let _ = storage.set_item(&storage_key, &text);
    }
    trust(merged).unwrap_or_default()
}

/// The witnesses a server's log names (`witnesses` of its server keys) and the quorum of them a checkpoint
/// needs (`witness_quorum`), pinned like its keys, so that a server that later drops its witnesses or brings its
/// own (a fork would) cannot make this browser believe unwitnessed checkpoints: witnesses are met as keys are
/// (on first use) only while no quorum is pinned; then they change only as the log records it after what was
/// pinned, in a checkpoint the pinned ones cosigned, never so that newcomers could vouch alone
/// (`logged_witnesses`); the quorum is raised once the log's checkpoint shows that many of them cosigning.
/// Answers the pinned ones. `keys`: the server keys pinned.
async fn pin_witnesses(listing: Option<&Value>, keys: &[Value]) -> (Vec<String>, u64) {
    let list_key = format!("xinnuo-witnesses:{}", url(""));
    let quorum_key = format!("xinnuo-witness-quorum:{}", url(""));
    // Where in the log the witnesses pinned were settled: a change logged before it is not taken (an old entry
    // shown again would move this browser back).
    let after_key = format!("xinnuo-witnesses-after:{}", url(""));
    // Since when (ms, this browser's clock) the witnesses pinned are: a policy dropping one waits a week.
    let since_key = format!("xinnuo-witnesses-since:{}", url(""));
    let now = js_sys::Date::now() as u64;
    let storage = crate::browser::local_storage();
    let stored = |key: &str| storage.as_ref().and_then(|s| s.get_item(key).ok().flatten());
    let mut pinned: Vec<String> =
        stored(&list_key).and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default();
    let mut quorum: u64 = stored(&quorum_key).and_then(|text| text.parse().ok()).unwrap_or(0);
    let mut after: u64 = stored(&after_key).and_then(|text| text.parse().ok()).unwrap_or(0);
    let mut since: u64 = stored(&since_key).and_then(|text| text.parse().ok()).unwrap_or(now);
    let Some(listing) = listing else { return (pinned, quorum) };
    let listed = xinnuo_core::public_log::WitnessPolicy::of_listing(listing);
    if quorum > 0 {
        let pinned_for = now.saturating_sub(since);
        if let Some(adopted) = logged_witnesses(listing, keys, &pinned, quorum, after, pinned_for).await {
            (pinned, quorum, after) = adopted;
            since = now;
        }
    } else {
        let listed = listing.get("witnesses").and_then(Value::as_array).into_iter().flatten();
        for key in listed.filter_map(Value::as_str) {
            if !pinned.iter().any(|known| known == key) {
                pinned.push(key.to_owned());
            }
        }
    }
    let asked = listing.get("witness_quorum").and_then(Value::as_u64).unwrap_or(0).min(pinned.len() as u64);
    // Raised on the witnesses pinned only when first required or when they are the ones listed: raised on the
    // old ones while a change is not yet taken (its proof not yet at hand), it could bar the change for good.
    let same = listed == xinnuo_core::public_log::WitnessPolicy::new(pinned.clone(), listed.quorum);
    if asked > quorum && (quorum == 0 || same) {
        let (cosigned, size) = cosigners_of_checkpoint(listing, &pinned).await;
        if cosigned >= asked {
            // Settled as of this checkpoint when first required (the entries before it are history).
            if quorum == 0 {
                (after, since) = (size, now);
            }
            quorum = asked;
        }
    }
    if let (Some(storage), Ok(text)) = (storage.as_ref(), serde_json::to_string(&pinned)) {
        let _ = storage.set_item(&list_key, &text);
        let _ = storage.set_item(&quorum_key, &quorum.to_string());
        let _ = storage.set_item(&after_key, &after.to_string());
        let _ = storage.set_item(&since_key, &since.to_string());
    }
    (pinned, quorum)
}

/// The witnesses and quorum the server now lists, and where the log settled them (past its entry naming them),
/// when they differ from the pinned ones and the log pinned so far records them at or after `after`, in a
/// checkpoint the pinned witnesses cosigned that extends the one kept here, without letting newcomers vouch
/// alone (`public_log::admit_witness_policy`).
#[cfg(feature = "public-log")]
async fn logged_witnesses(
    listing: &Value,
    keys: &[Value],
    pinned: &[String],
    quorum: u64,
    after: u64,
    pinned_for_ms: u64,
) -> Option<(Vec<String>, u64, u64)> {
    use xinnuo_core::public_log::{admit_witness_policy, LoggedEntry, WitnessPolicy};
    let listed = WitnessPolicy::of_listing(listing);
    if listed == WitnessPolicy::new(pinned.to_vec(), quorum) || !matches!(data_source(), DataSource::Api) {
        return None;
    }
    let trusted =
        TrustedServerKeys::from_json(&json!({"keys": keys, "witnesses": pinned, "witness_quorum": quorum})).ok()?;
    let logged = get_json::<LoggedEntry>(&format!("api/v1/log/proof?ref={}", listed.reference())).await.ok();
    let (index, _) = admit_witness_policy(&listed, logged.as_ref(), &trusted, after, pinned_for_ms).ok()?;
    let note = xinnuo_core::tlog::TlogProof::parse(&logged?.proof).ok()?.checkpoint;
    crate::log_view::extends_kept(&note, &trusted).await.ok()?;
    Some((listed.witnesses, listed.quorum, index + 1))
}

/// The same in a build without the log's view (the commit and verify routes', the widgets): the `log_watch`
/// build, which has it, pins the witnesses the log allows (`log_view::pin_in_log_watch`); read back here.
#[cfg(not(feature = "public-log"))]
async fn logged_witnesses(
    listing: &Value,
    _keys: &[Value],
    pinned: &[String],
    quorum: u64,
    _after: u64,
    _pinned_for_ms: u64,
) -> Option<(Vec<String>, u64, u64)> {
    use xinnuo_core::public_log::WitnessPolicy;
    if WitnessPolicy::of_listing(listing) == WitnessPolicy::new(pinned.to_vec(), quorum) {
        return None;
    }
    crate::log_view::pin_in_log_watch().await;
    let storage = crate::browser::local_storage()?;
    let stored = |key: &str| storage.get_item(&format!("{key}{}", url(""))).ok().flatten();
    let witnesses: Vec<String> = serde_json::from_str(&stored("xinnuo-witnesses:")?).ok()?;
    let required: u64 = stored("xinnuo-witness-quorum:")?.parse().ok()?;
    let after: u64 = stored("xinnuo-witnesses-after:")?.parse().ok()?;
    (WitnessPolicy::new(witnesses.clone(), required) != WitnessPolicy::new(pinned.to_vec(), quorum))
        .then_some((witnesses, required, after))
}

/// How many of `witnesses` cosigned the log's newest checkpoint (signed by a log key of `listing`), and its size.
async fn cosigners_of_checkpoint(listing: &Value, witnesses: &[String]) -> (u64, u64) {
    if !matches!(data_source(), DataSource::Api) {
        return (0, 0);
    }
    let Ok(keys) = TrustedServerKeys::from_json(&json!({"keys": listing.get("keys")})) else { return (0, 0) };
    let witness_keys: Vec<_> =
        witnesses.iter().filter_map(|key| xinnuo_core::tlog::VerifierKey::parse(key).ok()).collect();
    let Ok(answer) = Request::get(&url("log/checkpoint")).send().await else { return (0, 0) };
    let Ok(note) = answer.text().await else { return (0, 0) };
    // The checkpoint's own reader (every build that checks a receipt has it), not `public_log::believe`.
    let origin = note.split('\n').next().unwrap_or_default();
    xinnuo_core::tlog::open_checkpoint(&note, origin, keys.log_keys(), &witness_keys)
        .map_or((0, 0), |signed| (signed.opened.count_signed_by(&witness_keys) as u64, signed.checkpoint.size))
}

/// Whether a key the server newly lists may join the pinned ones: the first keys of a server are pinned as
/// met, but a later one only if the log pinned so far records its addition in a checkpoint a pinned log key
/// signed (`public_log::admit_server_key`) that extends the checkpoint kept. A key the log does not explain
/// (one added to the database behind the log's back) is not pinned: what it signs is not believed.
async fn admitted(key: &Value, pinned: &TrustedServerKeys) -> bool {
    if pinned.is_empty() || !matches!(data_source(), DataSource::Api) {
        return true;
    }
    let kid = key.get("kid").and_then(Value::as_str).unwrap_or_default();
    let logged = match kid.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        true => get_json::<xinnuo_core::public_log::LoggedEntry>(&format!("api/v1/log/proof?ref={kid}")).await.ok(),
        false => None,
    };
    match xinnuo_core::public_log::admit_server_key(key, logged.as_ref(), pinned) {
        Ok(None) => true,
        // Recorded in the log: in a checkpoint that extends the one kept here (`log_view`, in every build).
        Ok(Some(_)) => {
            let Some(note) = logged.as_ref().and_then(|l| xinnuo_core::tlog::TlogProof::parse(&l.proof).ok()) else {
                return false;
            };
            crate::log_view::extends_kept(&note.checkpoint, pinned).await.is_ok()
        }
        // Not pinned: receipts and checkpoints it signs read as from an unknown server key.
        Err(_) => false,
    }
}

/// A one-time sign-in challenge from the server.
pub async fn officer_challenge() -> Result<String, ApiError> {
    post_json::<SignInChallenge>("api/v1/officer-sessions/challenge", "").await.map(|c| c.challenge)
}

pub async fn officer_sign_in(jws: &str) -> Result<OfficerSession, ApiError> {
    post_json("api/v1/officer-sessions", jws).await
}

/// A subject's credit report as of today: issued (signed, logged) by the server, or the one already issued
/// while nothing public about the subject changed.
pub async fn subject_report(code: &str) -> Result<xinnuo_core::wire::ReportAnswer, ApiError> {
    let code: String = code.chars().filter(char::is_ascii_alphanumeric).collect();
    get_json(&format!("api/v1/subjects/{code}/report")).await
}

/// An entry of the public log about `reference` (a submission, decision or objection id), with its proof in the
/// newest checkpoint: not believed until `public_log` verified it against the pinned log keys.
pub async fn log_proof(reference: &str) -> Result<xinnuo_core::public_log::LoggedEntry, ApiError> {
    let reference: String = reference.chars().filter(char::is_ascii_alphanumeric).collect();
    get_json(&format!("api/v1/log/proof?ref={reference}")).await
}

/// A credit report as issued, by its number (what its QR code opens).
pub async fn report_by_number(report_no: &str) -> Result<xinnuo_core::wire::ReportAnswer, ApiError> {
    let report_no: String = report_no.chars().filter(char::is_ascii_alphanumeric).collect();
    get_json(&format!("api/v1/reports/{report_no}")).await
}

pub async fn get_decision(id: &str) -> Result<PublishedDecision, ApiError> {
    let id: String = id.chars().filter(char::is_ascii_hexdigit).collect();
    get_json(&format!("api/v1/decisions/{id}")).await
}

/// The department's commitments: the wire types the server answers with (`xinnuo_core::wire`).
pub use xinnuo_core::wire::{DeptCommitment, DeptCommitmentInbox};

pub use xinnuo_core::deadline::Deadline;
/// The answers the server, the app and `export-static` share (defined once, in the core).
pub use xinnuo_core::wire::{
    CommitmentDetail, DeptEnrolment, DeptEnrolmentInbox, DeptObjection, DeptObjectionInbox, DeptRepairApplication,
    DeptRepairInbox, EnrolmentView, Holidays, OfficerSession, OfficerView, ProblemDetails, PublicObjection,
    PublicationList, PublicationQuery, PublishedCommitment, PublishedDecision,
    RepairApplicationView as RepairApplication, SignInChallenge, SubjectList, SubjectListItem, SubjectView,
};

/// One of the department's inboxes (`commitments`, `repair-applications`, `objections`, `key-enrolments`),
/// by state (all when empty) and search, for a signed-in officer.
pub async fn dept_inbox<T: DeserializeOwned>(token: &str, inbox: &str, state: &str, q: &str) -> Result<T, ApiError> {
    let state = String::from(js_sys::encode_uri_component(state));
    let q = String::from(js_sys::encode_uri_component(q.trim()));
    let request = Request::get(&url(&format!("api/v1/dept/{inbox}?state={state}&q={q}&per_page=100")))
        .header("authorization", &format!("Bearer {token}"));
    read(request.send().await.map_err(|_| ApiError::Network)?).await
}

/// Sends a signed decision; the answer is the recorded decision with the state it led to.
pub async fn post_decision(jws: &str) -> Result<Value, ApiError> {
    post_json("api/v1/decisions", jws).await
}

impl From<ApiError> for crate::i18n::Text {
    fn from(error: ApiError) -> Self {
        Self::new(error.message(Lang::Zh), error.message(Lang::En))
    }
}
