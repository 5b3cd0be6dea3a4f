//! `xinnuo-server`: serve the API and the app, with an embedded SQLite database.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xinnuo_server::db::Db;
use xinnuo_server::{default_dist, router, AppState};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "xinnuo-server", version, about = "信诺 Xinnuo 服务端 / server: REST API, app files, SQLite")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the app (创建数据库，如不存在 / creates the database on first run).
    Serve(ServeArgs),
    /// Import subjects and records from a JSON or CSV file (全部成功才导入 / all or nothing).
    Import {
        /// `.json` ({"subjects": [...]}) or `.csv` (双公示-style, one record per row).
        file: PathBuf,
        #[arg(long, default_value = "xinnuo.db")]
        db: PathBuf,
    },
    /// Write the app and its read-only data as static files a department can host without this server.
    ExportStatic {
        /// Output folder (the app at its root, data under `data/`).
        dir: PathBuf,
        #[arg(long, default_value = "xinnuo.db")]
        db: PathBuf,
        /// Folder of the built app to include (default: `dist`).
        #[arg(long)]
        dist: Option<PathBuf>,
    },
    /// Check the templates compiled into this build (检查内置模板：字段规则、占位符、文本哈希 / field rules,
    /// placeholders, text hashes); `cargo xtask build` runs it, and `serve` refuses to start without it.
    CheckData,
    /// Print each table's row count and content hash as JSON (for checks that nothing changed or was lost).
    Digest {
        #[arg(long, default_value = "xinnuo.db")]
        db: PathBuf,
    },
    /// Department officers and their keys (部门工作人员密钥): add, list, revoke.
    Officers {
        #[arg(long, default_value = "xinnuo.db", global = true)]
        db: PathBuf,
        #[command(subcommand)]
        action: OfficersAction,
    },
    /// Holiday schedules published after this build (节假日安排): import a year, list the known years.
    Holidays {
        #[arg(long, default_value = "xinnuo.db", global = true)]
        db: PathBuf,
        #[command(subcommand)]
        action: HolidaysAction,
    },
    /// The public log (公开日志): `log verify --url …` checks a server's whole log and compares it with what
    /// its public API shows (a monitor; reads only public URLs).
    Log {
        #[command(subcommand)]
        action: LogAction,
    },
    /// Enrolled keys: show one, approve or revoke it for one credit code (审核、吊销密钥登记), read the log.
    Keys {
        /// SQLite database file.
        #[arg(long, default_value = "xinnuo.db", global = true)]
        db: PathBuf,
        #[command(subcommand)]
        action: KeysAction,
    },
}

#[derive(Subcommand)]
enum LogAction {
    /// Read the whole log from its tiles, recompute the tree, check consistency with the checkpoint saved
    /// earlier, and compare the log with the public record (核验公开日志); exits non-zero naming each thing
    /// missing or changed.
    Verify {
        /// The server's base URL, e.g. https://credit.example.gov.cn
        #[arg(long)]
        url: String,
        /// A file keeping the pinned log keys and the last checkpoint that passed (made on first use; written
        /// only when every check passed).
        #[arg(long)]
        state: Option<PathBuf>,
        /// A witness whose cosignature counts (its verifier key); repeat for several.
        #[arg(long = "witness")]
        witnesses: Vec<String>,
        /// How many of the given witnesses must have cosigned the checkpoint (default: all given).
        #[arg(long)]
        witness_quorum: Option<usize>,
    },
}

#[derive(Subcommand)]
enum OfficersAction {
    /// Register an officer's key for a department (the key is made in the officer's browser; only its
    /// public JWK comes here).
    Add {
        /// The department, as the templates name it (e.g. 国家税务总局山西省税务局; its English name is taken
        /// and stored in Chinese), or the authority of a record in the register, as the record names it.
        #[arg(long)]
        department: String,
        /// Register a department no template and no record of the register names (e.g. before its records
        /// are imported), under the name as given.
        #[arg(long)]
        other_department: bool,
        /// The officer's name.
        #[arg(long)]
        name: String,
        /// A file holding the public key as a JWK: {"kty": "OKP", "crv": "Ed25519", "x": "…"}.
        #[arg(long)]
        public_jwk: PathBuf,
        /// What the officer may do, comma-separated: review (受理/退回补正), decide (认定履诺/违诺, 修复, 异议),
        /// keys (核验/吊销企业密钥).
        #[arg(long, default_value = "review,decide")]
        roles: String,
    },
    /// List every officer with department, fingerprint and status.
    List,
    /// Stop accepting an officer's decisions from now on (decisions already made stay valid).
    Revoke {
        #[arg(num_args = 1.., required = true, allow_hyphen_values = true)]
        fingerprint: Vec<String>,
    },
}

#[derive(Subcommand)]
enum HolidaysAction {
    /// Import one year's schedule, in the format of `crates/core/data/holidays/*.json` (NateScarlet/holiday-cn):
    /// a whole year, its own dates only. A running server picks it up within seconds.
    Import {
        file: PathBuf,
        /// Replace a different schedule of that year imported before (a built-in year is never replaced).
        #[arg(long)]
        replace: bool,
    },
    /// Every known year, built in or imported, with its source.
    List,
}

#[derive(Subcommand)]
enum KeysAction {
    /// Approve a key for one credit code: FINGERPRINT as shown (groups of four may keep their spaces).
    Approve {
        // base64url groups may start with '-': a value, never an option.
        #[arg(num_args = 1.., required = true, allow_hyphen_values = true)]
        fingerprint: Vec<String>,
        /// The credit code this approval is for (required: an approval covers exactly one enrolment).
        #[arg(long)]
        credit_code: Option<String>,
    },
    /// Revoke a key for one credit code (final; signatures from now on are received as revoked).
    Revoke {
        #[arg(num_args = 1.., required = true, allow_hyphen_values = true)]
        fingerprint: Vec<String>,
        #[arg(long)]
        credit_code: Option<String>,
        /// Why (recorded in the admin log and shown with the enrolment).
        #[arg(long)]
        reason: Option<String>,
    },
    /// List the enrolments of a key.
    Show {
        #[arg(num_args = 1.., required = true, allow_hyphen_values = true)]
        fingerprint: Vec<String>,
    },
    /// The admin log: every approval and revocation, newest first.
    Log,
}

fn import(file: PathBuf, db_path: PathBuf) -> Result<(), String> {
    let subjects = xinnuo_server::subjects::parse_import(&file).map_err(|e| e.to_string())?;
    let db = Db::open(&db_path).map_err(|e| format!("{}: {e}", db_path.display()))?;
    let key = xinnuo_server::server_key(&db).map_err(|e| e.to_string())?;
    db.save_subjects(&subjects, &xinnuo_server::now(), &key.log).map_err(|e| e.to_string())?;
    let records: usize = subjects.iter().map(|s| s.profile.records.len()).sum();
    println!("已导入 / imported: {} subjects, {records} records from {}", subjects.len(), file.display());
    Ok(())
}

fn export_static(dir: PathBuf, db_path: PathBuf, dist: Option<PathBuf>) -> Result<(), String> {
    let db = Db::open(&db_path).map_err(|e| format!("{}: {e}", db_path.display()))?;
    let today = xinnuo_core::calendar::UtcTimestamp::parse(&xinnuo_server::now())
        .map(|t| t.china_date())
        .map_err(|e| e.to_string())?;
    let dist = dist.unwrap_or_else(default_dist);
    let count = xinnuo_server::subjects::export_static(&db, &dir, Some(&dist), today)?;
    println!("已导出 / exported: {count} subjects, templates and server keys to {}", dir.display());
    Ok(())
}

/// Options written after a fingerprint: its groups may start with '-' (base64url), so clap reads everything
/// after the first group as values, and `--db`/`--credit-code`/`--reason` arrive among the groups.
#[derive(Default)]
struct TrailingOptions {
    db: Option<PathBuf>,
    credit_code: Option<String>,
    reason: Option<String>,
}

/// The fingerprint's groups, and the options found among them.
fn options_among(parts: Vec<String>) -> Result<(Vec<String>, TrailingOptions), String> {
    let mut groups = Vec::new();
    let mut options = TrailingOptions::default();
    let mut parts = parts.into_iter();
    while let Some(part) = parts.next() {
        let (name, inline) = match part.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (part.clone(), None),
        };
        let slot = match name.as_str() {
            "--db" => None,
            "--credit-code" => Some(&mut options.credit_code),
            "--reason" => Some(&mut options.reason),
            _ => {
                groups.push(part);
                continue;
            }
        };
        let value = inline.or_else(|| parts.next()).ok_or(format!("{name} 缺少值 / {name} needs a value"))?;
        match slot {
            Some(slot) => *slot = Some(value),
            None => options.db = Some(value.into()),
        }
    }
    Ok((groups, options))
}

fn officers(db_path: PathBuf, action: OfficersAction) -> Result<(), String> {
    let db = Db::open(&db_path).map_err(|e| format!("{}: {e}", db_path.display()))?;
    let show = |row: &xinnuo_server::officers::OfficerRow| {
        let status = match &row.revoked_at {
            Some(at) => format!("已停用 revoked {at}"),
            None => "在用 active".to_owned(),
        };
        let roles = row.roles.iter().map(|r| format!("{}({})", r.label_zh(), r.as_str())).collect::<Vec<_>>().join(",");
        println!(
            "{}  {}  {}  {roles}  {status}",
            xinnuo_core::envelope::fingerprint_groups(&row.kid),
            row.department,
            row.name
        );
    };
    match action {
        OfficersAction::Add { department, name, public_jwk, roles, other_department } => {
            let roles = xinnuo_core::decision::Role::parse_list(&roles).ok_or_else(|| {
                format!("--roles 应为 review、decide、keys 中的一个或多个（逗号分隔），而不是 {roles:?} / --roles takes one or more of review, decide, keys, comma-separated")
            })?;
            let text = std::fs::read_to_string(&public_jwk).map_err(|e| format!("{}: {e}", public_jwk.display()))?;
            let jwk: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| format!("公钥文件不是 JSON / the public key file is not JSON: {e}"))?;
            let bytes = xinnuo_core::envelope::public_key_from_jwk(&jwk).map_err(|e| {
                format!("公钥应为 Ed25519 OKP JWK（只含 kty、crv、x）/ expected an Ed25519 OKP JWK: {e}")
            })?;
            let kid = xinnuo_core::envelope::thumbprint(&bytes);
            let (department, name) = (department.trim().to_owned(), name.trim().to_owned());
            for (what, text) in [("department", &department), ("name", &name)] {
                if text.chars().count() < 2 || xinnuo_core::text::first_forbidden(text).is_some() {
                    return Err(format!(
                        "--{what} 应为至少 2 个可见字符 / --{what} needs at least 2 visible characters"
                    ));
                }
            }
            // One name per department, the core's: what the inboxes select and decisions are checked by.
            let decides_records = other_department || db.is_record_authority(&department).map_err(|e| e.to_string())?;
            let department = xinnuo_core::workflow::register_department(&department, decides_records).map_err(|e| {
                use xinnuo_core::error::Described;
                format!("{} / {}", e.message(xinnuo_core::lang::Lang::Zh), e.message(xinnuo_core::lang::Lang::En))
            })?;
            let public = xinnuo_core::envelope::public_jwk(&bytes);
            match db
                .add_officer(&kid, &department, &name, &public, &roles, &xinnuo_server::now())
                .map_err(|e| e.to_string())?
            {
                Some(row) => show(&row),
                None => return Err("此密钥已登记为工作人员 / this key is already registered".into()),
            }
        }
        OfficersAction::List => db.officers().map_err(|e| e.to_string())?.iter().for_each(show),
        OfficersAction::Revoke { fingerprint } => {
            let kid = xinnuo_server::api::keys::kid_from(&fingerprint.join(""));
            match db.revoke_officer(&kid, &xinnuo_server::now()).map_err(|e| e.to_string())? {
                Some(row) => show(&row),
                None => return Err(format!("没有此工作人员密钥 / no officer with key {kid}")),
            }
        }
    }
    Ok(())
}

fn holidays(db_path: PathBuf, action: HolidaysAction) -> Result<(), String> {
    let db = Db::open(&db_path).map_err(|e| format!("{}: {e}", db_path.display()))?;
    xinnuo_server::holidays::load(&db).map_err(|e| e.to_string())?;
    match action {
        HolidaysAction::Import { file, replace } => {
            let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let (schedule, added) = xinnuo_server::holidays::add(&text, replace)?;
            let built_in = xinnuo_core::calendar::year_sources().iter().any(|y| y.year == schedule.year && y.built_in);
            if !built_in {
                db.store_holiday_schedule(schedule.year, &text, &xinnuo_server::now()).map_err(|e| e.to_string())?;
            }
            let what = match (added, built_in) {
                (_, true) => "与内置安排相同，未作改动 / the same as the built-in schedule: nothing changed",
                (xinnuo_core::calendar::Added::Same, _) => "已有相同安排 / already known",
                (xinnuo_core::calendar::Added::Replaced, _) => "已替换 / replaced",
                (xinnuo_core::calendar::Added::New, _) => "已导入 / imported",
            };
            println!("{} {what}（{}）", schedule.year, schedule.source);
        }
        HolidaysAction::List => {
            for year in xinnuo_core::calendar::year_sources() {
                let kind = if year.built_in { "内置 built-in" } else { "导入 imported" };
                println!("{}  {kind}  {}", year.year, year.source);
            }
        }
    }
    Ok(())
}

fn print_enrolment(row: &xinnuo_server::store::EnrolmentRow) {
    let status = row.status;
    println!(
        "{}  {}  {}  {} {}{}",
        xinnuo_core::envelope::fingerprint_groups(&row.kid),
        row.credit_code,
        row.subject_name,
        status.label_zh(),
        status.label_en(),
        row.revoke_reason.as_deref().map(|reason| format!("（{reason}）")).unwrap_or_default()
    );
}

fn keys(db_path: PathBuf, action: KeysAction) -> Result<(), String> {
    use xinnuo_server::store::EnrolmentChange;
    // (groups, credit code, reason, what is asked): approving and revoking need a credit code, revoking a reason.
    let (fingerprint, credit_code, reason, asked) = match action {
        KeysAction::Approve { fingerprint, credit_code } => (fingerprint, credit_code, None, "approve"),
        KeysAction::Revoke { fingerprint, credit_code, reason } => (fingerprint, credit_code, reason, "revoke"),
        KeysAction::Show { fingerprint } => (fingerprint, None, None, "show"),
        KeysAction::Log => {
            let db = Db::open(&db_path).map_err(|e| format!("{}: {e}", db_path.display()))?;
            for action in db.admin_actions(u32::MAX).map_err(|e| e.to_string())? {
                let fingerprint = xinnuo_core::envelope::fingerprint_groups(&action.kid);
                let reason = action.reason.unwrap_or_default();
                println!(
                    "{}  {}  {}  {fingerprint}  {}  {reason}",
                    action.at, action.actor, action.action, action.credit_code
                );
            }
            return Ok(());
        }
    };
    let (fingerprint, trailing) = options_among(fingerprint)?;
    let credit_code = trailing.credit_code.or(credit_code);
    let reason = trailing.reason.or(reason);
    let db_path = trailing.db.unwrap_or(db_path);
    let db = Db::open(&db_path).map_err(|e| format!("{}: {e}", db_path.display()))?;
    let kid = xinnuo_server::api::keys::kid_from(&fingerprint.join(""));
    if asked != "show" && credit_code.is_none() {
        return Err(format!(
            "keys {asked} 需要 --credit-code：核验和吊销都只针对一个统一社会信用代码 / keys {asked} needs --credit-code: \
             approval and revocation are per credit code"
        ));
    }
    if asked == "revoke" && reason.is_none() {
        return Err("keys revoke 需要 --reason / keys revoke needs --reason".into());
    }
    if asked != "revoke" && reason.is_some() {
        return Err(format!("keys {asked} 不接受 --reason / keys {asked} takes no --reason"));
    }
    if asked == "show" && credit_code.is_some() {
        return Err("keys show 不接受 --credit-code / keys show takes no --credit-code".into());
    }
    let Some(credit_code) = credit_code else {
        let rows = db.enrolments_of_key(&kid).map_err(|e| e.to_string())?;
        if rows.is_empty() {
            return Err(format!("没有登记过此密钥 / no enrolment for key {kid}"));
        }
        rows.iter().for_each(print_enrolment);
        return Ok(());
    };
    let credit_code = xinnuo_core::code::validate(&credit_code, &Default::default()).normalized;
    let registry_name = db.registry_name(&credit_code).map_err(|e| e.to_string())?;
    let now = xinnuo_server::now();
    // The log's key, to append the step to the public log (derived from the server's key, made if none yet).
    let server_key = xinnuo_server::server_key(&db).map_err(|e| e.to_string())?;
    let change = match reason {
        Some(reason) => {
            let reason = xinnuo_server::api::keys::checked_reason(&reason).map_err(|p| p.detail_zh)?;
            db.revoke(&kid, &credit_code, &reason, "cli", &now, &server_key.log)
        }
        None => db.approve(&kid, &credit_code, "cli", &now, &server_key.log),
    }
    .map_err(|e| e.to_string())?;
    match change {
        EnrolmentChange::Changed(row) => {
            print_enrolment(&row);
            match registry_name {
                Some(name) => println!("登记名称 / registry name: {name}"),
                None => println!("登记名称 / registry name: （本库无此主体 / not in this database）"),
            }
            Ok(())
        }
        EnrolmentChange::NotEnrolled => {
            Err(format!("此密钥未为 {credit_code} 登记 / key {kid} is not enrolled for {credit_code}"))
        }
        EnrolmentChange::Revoked(row) => Err(format!(
            "此密钥对 {credit_code} 的登记已吊销，不能再核验 / this enrolment was revoked at {}",
            row.revoked_at.unwrap_or_default()
        )),
    }
}

fn log_command(action: LogAction) -> Result<(), String> {
    use xinnuo_core::error::Described;
    use xinnuo_core::lang::Lang;
    let LogAction::Verify { url, state, witnesses, witness_quorum } = action;
    let witnesses = witnesses
        .iter()
        .map(|key| xinnuo_core::tlog::VerifierKey::parse(key).map_err(|e| format!("--witness {key:?}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let witness_quorum = witness_quorum.unwrap_or(witnesses.len());
    let options = xinnuo_server::monitor::Options { url, state, witnesses, witness_quorum };
    match xinnuo_server::monitor::verify(&options) {
        Ok(report) => {
            print!("{}", xinnuo_server::monitor::summary(&report));
            match report.findings.len() {
                0 => Ok(()),
                n => Err(format!("{n} 处与日志不符 / {n} disagreement(s) with the log")),
            }
        }
        Err(error) => Err(format!("[{}] {} / {}", error.code(), error.message(Lang::Zh), error.message(Lang::En))),
    }
}

/// Seconds since the Unix epoch (the server, unlike the core, may read the clock).
fn unix_seconds_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the chosen URL is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// SQLite database file.
    #[arg(long = "db", default_value = "xinnuo.db")]
    db_path: PathBuf,
    /// Folder of the built app (`cargo xtask build` writes it).
    #[arg(long)]
    dist: Option<PathBuf>,
    /// Mark the database as a demo database (示例数据).
    #[arg(long)]
    demo: bool,
    /// A file whose first line is the admin API's bearer token (管理令牌, ≥ 32 characters). Or set
    /// XINNUO_ADMIN_TOKEN; never on the command line, where the process list shows it. Without either the
    /// admin API is off.
    #[arg(long)]
    admin_token_file: Option<PathBuf>,
    /// A department site allowed to call the API from its pages (widgets), e.g. https://credit.example.gov.cn;
    /// repeat for several.
    #[arg(long = "allow-origin")]
    allow_origins: Vec<String>,
    /// Also serve the embedding demo (a department-style page, from --embed-demo-dir) on this second
    /// address, a different origin; its origin is allowed to call the API. For development: the demo is
    /// never part of the app's own files.
    #[arg(long)]
    embed_demo_addr: Option<SocketAddr>,
    /// Where the embedding demo's files are.
    #[arg(long, default_value = "web/embed-demo")]
    embed_demo_dir: PathBuf,
    /// The server is reached over HTTPS (directly or through a proxy): send Strict-Transport-Security.
    #[arg(long)]
    https: bool,
    /// Witness another log (C2SP tlog-witness): its verifier key (`xinnuo.log/…+…+…`, from its
    /// `/api/v1/server-keys`); this server then cosigns that log's checkpoints at `/witness/add-checkpoint`
    /// while each extends the last it cosigned. Repeat for several.
    #[arg(long = "witness-for")]
    witness_for: Vec<String>,
    /// A witness this server's log asks to cosign its checkpoints: `<url>=<its witness key>`. Repeat.
    /// Witnesses and a quorum that differ from the last start's are logged, and browsers take them only as
    /// cosigned by the witnesses they pinned, never letting newcomers vouch alone: replace one in two starts,
    /// first the new beside the old with the quorum raised by one, then (a week or more later: browsers wait
    /// that long before they drop a witness) the old as `--witness-retiring` with the quorum lowered again.
    #[arg(long = "witness")]
    witnesses: Vec<String>,
    /// A witness being retired, `<url>=<its witness key>`: still asked, and every checkpoint served waits for its
    /// cosignature too (browsers that pinned it keep believing receipts until they take the new witnesses), but
    /// no longer listed or counted in the quorum. Keep it for weeks, while people may come back.
    #[arg(long = "witness-retiring")]
    witnesses_retiring: Vec<String>,
    /// How many witnesses must have cosigned a checkpoint before `/log/checkpoint` serves it (default: all).
    #[arg(long)]
    witness_quorum: Option<usize>,
}

/// Opens the store and prepares the state before the async runtime starts: the PostgreSQL client blocks, and
/// blocking calls are not allowed on the runtime's threads (the API makes them on blocking tasks).
/// The built-in templates as the tests require them: every one with valid field rules, known placeholders and
/// the text its `text_sha256` pins. Their number when they are.
fn checked_templates() -> Result<usize, String> {
    let errors = xinnuo_core::template::load_errors();
    if !errors.is_empty() {
        return Err(format!("内置模板有误 / built-in templates are wrong:\n{}", errors.join("\n")));
    }
    Ok(xinnuo_core::template::all().len())
}

fn check_data() -> Result<(), String> {
    let count = checked_templates()?;
    println!("内置模板 {count} 份，全部通过检查 / {count} built-in templates, all checked");
    Ok(())
}

fn serve(args: ServeArgs) -> Result<(), String> {
    checked_templates()?;
    let ServeArgs {
        addr,
        db_path,
        dist,
        demo,
        admin_token_file,
        allow_origins,
        embed_demo_addr,
        embed_demo_dir,
        https,
        witness_for,
        witnesses,
        witnesses_retiring,
        witness_quorum,
    } = args;
    let witnessing = xinnuo_server::state::Witnessing {
        for_logs: witness_for
            .iter()
            .map(|key| xinnuo_core::tlog::VerifierKey::parse(key).map_err(|e| format!("--witness-for {key:?}: {e}")))
            .collect::<Result<_, _>>()?,
        quorum: witness_quorum.unwrap_or(witnesses.len()),
        witnesses: witnesses
            .iter()
            .map(|w| xinnuo_server::witness::Witness::parse(w))
            .chain(witnesses_retiring.iter().map(|w| {
                xinnuo_server::witness::Witness::parse(w)
                    .map(|w| xinnuo_server::witness::Witness { retiring: true, ..w })
            }))
            .collect::<Result<_, _>>()?,
        ..Default::default()
    };
    let mut names: Vec<&str> = witnessing.witnesses.iter().map(|w| w.key.name.as_str()).collect();
    names.sort_unstable();
    if let Some(twice) = names.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(format!(
            "见证人 {0} 出现了两次（一个见证人只能有一个密钥）/ the witness {0} is given twice (one key a witness)",
            twice[0]
        ));
    }
    if witnessing.quorum > witnesses.len() {
        return Err(format!(
            "--witness-quorum {} 超过见证人数 {} / is more than the {} witnesses given",
            witnessing.quorum,
            witnesses.len(),
            witnesses.len()
        ));
    }
    let admin_token =
        xinnuo_server::admin::token_from(std::env::var("XINNUO_ADMIN_TOKEN").ok(), admin_token_file.as_deref())
            .map_err(|e| e.to_string())?;
    let db = Db::open(&db_path).map_err(|e| format!("{}: {e}", db_path.display()))?;
    if db.meta("created_at").map_err(|e| e.to_string())?.is_none() {
        db.set_meta("created_by", concat!("xinnuo-server ", env!("CARGO_PKG_VERSION"))).map_err(|e| e.to_string())?;
        db.set_meta("created_at", &unix_seconds_now().to_string()).map_err(|e| e.to_string())?;
    }
    // A demo enterprise for the embed demo's status widget.
    let mut demo_code = None;
    if demo {
        db.set_meta("demo", "true").map_err(|e| e.to_string())?;
        let today = xinnuo_core::calendar::UtcTimestamp::parse(&xinnuo_server::now())
            .map(|t| t.china_date())
            .map_err(|e| e.to_string())?;
        let subjects = xinnuo_server::subjects::demo_subjects(today)?;
        let key = xinnuo_server::server_key(&db).map_err(|e| e.to_string())?;
        db.save_subjects(&subjects, &xinnuo_server::now(), &key.log).map_err(|e| e.to_string())?;
        println!("示例数据 / demo data: {} fictional enterprises (示例)", subjects.len());
        demo_code = xinnuo_server::subjects::demo_showcase(&subjects).map(|s| s.profile.credit_code.clone());
    }
    let dist = dist.unwrap_or_else(default_dist);
    if !dist.join("index.html").is_file() {
        eprintln!(
            "注意 / note: {} has no index.html; run `cargo xtask build` to build the app. Serving the API only.",
            dist.display()
        );
    }
    let state = AppState::new(db, admin_token).map_err(|e| e.to_string())?.with_witnessing(witnessing);
    println!("服务器签名密钥 / server key: {}", xinnuo_core::envelope::fingerprint_groups(&state.server_key.kid));
    println!("公开日志密钥 / log key: {}", state.server_key.log.verifier());
    let policy = xinnuo_server::witness::policy(&state.witnessing.witnesses, state.witnessing.quorum);
    let logged =
        xinnuo_server::witness::record_policy(&state.db, &policy, &state.server_key.log, &xinnuo_server::now())
            .map_err(|e| e.to_string())?;
    if let Some(index) = logged {
        println!(
            "见证人及法定人数已记入公开日志第 {} 条 / the witnesses and quorum were logged as entry {index}",
            index + 1
        );
    }
    if !state.witnessing.for_logs.is_empty() {
        println!("见证人密钥 / witness key: {}", state.server_key.witness.verifier());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    let embed_demo = embed_demo_addr.map(|addr| EmbedDemo { addr, dir: embed_demo_dir, code: demo_code });
    runtime.block_on(listen(state, addr, dist, allow_origins, embed_demo, https))
}

/// The embedding demo: where it listens, its files, and the demo enterprise its status widget shows.
struct EmbedDemo {
    addr: SocketAddr,
    dir: PathBuf,
    code: Option<String>,
}

async fn listen(
    state: AppState,
    addr: SocketAddr,
    dist: PathBuf,
    mut allow_origins: Vec<String>,
    embed_demo: Option<EmbedDemo>,
    https: bool,
) -> Result<(), String> {
    xinnuo_server::holidays::watch(state.db.clone());
    let listener =
        tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("无法监听 / cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    if let Some(EmbedDemo { addr: demo_addr, dir, code }) = embed_demo {
        let demo_listener = tokio::net::TcpListener::bind(demo_addr)
            .await
            .map_err(|e| format!("无法监听 / cannot listen on {demo_addr}: {e}"))?;
        let demo_local = demo_listener.local_addr().map_err(|e| e.to_string())?;
        allow_origins.push(format!("http://{demo_local}"));
        let site = axum::Router::new().fallback_service(tower_http::services::ServeDir::new(dir));
        tokio::spawn(async move {
            let _ = axum::serve(demo_listener, site).await;
        });
        // With a demo enterprise, so that the page's status widget has something to show.
        let code = code.map(|code| format!("&code={code}")).unwrap_or_default();
        println!("嵌入演示 / embed demo: http://{demo_local}/index.html?api=http://{local}/{code}");
    }
    let app = router(state, Some(&dist), &allow_origins, https);
    println!("信诺 Xinnuo listening on http://{local}/");
    // With the client's address, which the admin gate counts wrong tokens by.
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
    let result = match Cli::parse().command {
        Command::Serve(args) => serve(args),
        Command::Keys { db, action } => keys(db, action),
        Command::Officers { db, action } => officers(db, action),
        Command::Import { file, db } => import(file, db),
        Command::Digest { db } => Db::open(&db)
            .and_then(|db| db.digest())
            .map_err(|e| e.to_string())
            .and_then(|digest| serde_json::to_string(&digest).map_err(|e| e.to_string()))
            .map(|json| println!("{json}")),
        Command::ExportStatic { dir, db, dist } => export_static(dir, db, dist),
        Command::Holidays { db, action } => holidays(db, action),
        Command::CheckData => check_data(),
        Command::Log { action } => log_command(action),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("错误 / error: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `keys approve ARGS` asks for: the groups, the credit code, the database.
    fn approved(args: &[&str]) -> (Vec<String>, Option<String>, PathBuf) {
        let cli = Cli::try_parse_from(["xinnuo-server", "keys", "approve"].iter().chain(args)).unwrap();
        match cli.command {
            Command::Keys { db, action: KeysAction::Approve { fingerprint, credit_code } } => {
                let (groups, trailing) = options_among(fingerprint).unwrap();
                (groups, trailing.credit_code.or(credit_code), trailing.db.unwrap_or(db))
            }
            _ => panic!("not an approval"),
        }
    }

    #[test]
    fn fingerprint_groups_may_start_with_a_hyphen_and_options_may_follow_them() {
        let groups = ["ap1Y", "-vG0", "_uNl"].map(String::from).to_vec();
        let code = Some("91140105123456788F".to_owned());
        let default_db = PathBuf::from("xinnuo.db");
        assert_eq!(approved(&["ap1Y", "-vG0", "_uNl"]), (groups.clone(), None, default_db.clone()));
        assert_eq!(
            approved(&["--credit-code", "91140105123456788F", "ap1Y", "-vG0", "_uNl"]),
            (groups.clone(), code.clone(), default_db.clone())
        );
        assert_eq!(
            approved(&["ap1Y", "-vG0", "_uNl", "--credit-code", "91140105123456788F"]),
            (groups.clone(), code.clone(), default_db)
        );
        assert_eq!(
            approved(&["ap1Y", "--credit-code=91140105123456788F", "-vG0", "_uNl", "--db", "other.db"]),
            (groups, code.clone(), PathBuf::from("other.db"))
        );
        assert!(options_among(vec!["ap1Y".into(), "--credit-code".into()]).is_err());
        let (groups, trailing) = options_among(
            ["-vG0", "--reason", "密钥遗失", "_uNl", "--credit-code=91140105123456788F"].map(String::from).to_vec(),
        )
        .unwrap();
        assert_eq!(groups, ["-vG0", "_uNl"]);
        assert_eq!((trailing.reason.as_deref(), trailing.credit_code.as_deref()), (Some("密钥遗失"), code.as_deref()));
    }
}
