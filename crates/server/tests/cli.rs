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
