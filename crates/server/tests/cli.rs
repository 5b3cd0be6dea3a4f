//! The server's command line as an operator meets it: a database from a newer release is refused at start,
//! with a message in both languages and a failing exit status (never served, never "upgraded" backwards).

use std::process::Command;

#[test]
fn serve_refuses_a_newer_schema_and_exits_non_zero() {
    let dir = std::env::temp_dir().join(format!("xinnuo-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("newer.db");
    let _ = std::fs::remove_file(&path);
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", 999).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xinnuo-server"))
        .args(["serve", "--addr", "127.0.0.1:0", "--db"])
        .arg(&path)
        .env("XINNUO_ADMIN_TOKEN", "cli-test-admin-token-0123456789abcdef")
        .output()
        .unwrap();
    assert!(!output.status.success(), "exit status {:?}", output.status);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("数据库版本 999") && stderr.contains("schema 999 is newer"), "{stderr}");
    // The file is left as it was.
    let version: i64 =
        rusqlite::Connection::open(&path).unwrap().query_row("PRAGMA user_version", [], |row| row.get(0)).unwrap();
    assert_eq!(version, 999);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `officers add` registers a department under the one name the inboxes and decisions compare (the review of
/// issue 29, item 2): a template's English name is stored as its Chinese name; a record's authority once the
/// register holds its records; any other name is refused with the known ones, unless asked for.
#[test]
fn officers_are_registered_under_the_departments_one_name() {
    let dir = std::env::temp_dir().join(format!("xinnuo-cli-officers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("officers.db");
    let _ = std::fs::remove_file(&db);
    let server = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xinnuo-server")).args(args).arg("--db").arg(&db).output().unwrap()
    };
    let add = |seed: u8, department: &str, extra: &[&str]| {
        let jwk = xinnuo_core::envelope::public_jwk(&xinnuo_core::envelope::public_key(&[seed; 32]));
        let file = dir.join(format!("officer-{seed}.jwk"));
        std::fs::write(&file, jwk.to_string()).unwrap();
        let file = file.to_string_lossy().into_owned();
        let mut args = vec!["officers", "add", "--department", department, "--name", "王五", "--public-jwk", &file];
        args.extend_from_slice(extra);
        server(&args)
    };
    let english = add(1, "Shanxi Provincial Tax Service, State Taxation Administration", &[]);
    assert!(english.status.success(), "{}", String::from_utf8_lossy(&english.stderr));
    assert!(String::from_utf8_lossy(&english.stdout).contains("国家税务总局山西省税务局"));
    let unknown = add(2, "太原市示例监管局", &[]);
    assert!(!unknown.status.success());
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(stderr.contains("国家税务总局山西省税务局") && stderr.contains("--other-department"), "{stderr}");
    // The register's records name it as their authority: its officers decide their repairs and objections.
    let import = dir.join("subjects.json");
    let record = serde_json::json!({"id": "r-1", "kind": "administrative_penalty", "decision_no": "晋罚〔2026〕1号",
        "authority": "太原市示例监管局", "decided_on": "2026-06-01", "class": "general", "penalties": ["fine"]});
    let subjects =
        serde_json::json!({"subjects": [{"credit_code": "91140105123456788F", "name": "示例", "records": [record]}]});
    std::fs::write(&import, subjects.to_string()).unwrap();
    let imported = server(&["import", &import.to_string_lossy()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    assert!(add(2, "太原市示例监管局", &[]).status.success());
    // Any other department only when asked for.
    assert!(add(3, "太原市另一局", &["--other-department"]).status.success());
    let listed = String::from_utf8_lossy(&server(&["officers", "list"]).stdout).into_owned();
    assert!(!listed.contains("Shanxi Provincial Tax Service") && listed.contains("太原市另一局"), "{listed}");
    let _ = std::fs::remove_dir_all(&dir);
}
