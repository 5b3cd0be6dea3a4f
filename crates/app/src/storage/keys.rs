//! The key ring in `localStorage` (`xinnuo.keys`): encrypted key files only.

use xinnuo_core::envelope::keyfile::{self, KeyFile};

use crate::browser::local_storage;
use crate::i18n::Text;

const KEYS_KEY: &str = "xinnuo.keys";

/// Every stored key file, oldest first; unreadable entries are skipped, never deleted.
pub fn load() -> Vec<KeyFile> {
    let Some(text) = local_storage().and_then(|s| s.get_item(KEYS_KEY).ok().flatten()) else {
        return Vec::new();
    };
    let entries: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap_or_default();
    entries.iter().filter_map(|entry| keyfile::parse(&entry.to_string()).ok()).collect()
}

/// The key file with this fingerprint, kept in this browser.
pub fn find(kid: &str) -> Result<KeyFile, Text> {
    load()
        .into_iter()
        .find(|f| f.kid == kid)
        .ok_or_else(|| Text::new("本浏览器中没有所选的密钥", "The chosen key is not in this browser"))
}

fn save(files: &[KeyFile]) -> Result<(), Text> {
    let refused = || Text::new("浏览器的本地存储已满或被禁止", "The browser's local storage is full or blocked");
    let text = serde_json::to_string(files).map_err(|_| refused())?;
    local_storage().ok_or_else(refused)?.set_item(KEYS_KEY, &text).map_err(|_| refused())
}

/// Adds a key file (a key already present is kept as it is).
pub fn add(file: KeyFile) -> Result<bool, Text> {
    let mut files = load();
    if files.iter().any(|f| f.kid == file.kid) {
        return Ok(false);
    }
    files.push(file);
    save(&files).map(|_| true)
}

pub fn remove(kid: &str) -> Result<(), Text> {
    let files: Vec<KeyFile> = load().into_iter().filter(|f| f.kid != kid).collect();
    save(&files)?;
    forget_enrolments(kid);
    Ok(())
}

/// The credit codes each key was enrolled for from this browser (`xinnuo.key-enrolments`: kid → codes). Which
/// companies a key signs for is not public, so the server answers only for a code named: the keys page asks
/// it about each of these after a reload.
const ENROLMENTS_KEY: &str = "xinnuo.key-enrolments";

fn enrolments() -> std::collections::BTreeMap<String, Vec<String>> {
    local_storage()
        .and_then(|s| s.get_item(ENROLMENTS_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn save_enrolments(all: &std::collections::BTreeMap<String, Vec<String>>) {
    if let (Some(storage), Ok(text)) = (local_storage(), serde_json::to_string(all)) {
        let _ = storage.set_item(ENROLMENTS_KEY, &text);
    }
}

/// The codes `kid` was enrolled for from this browser, in the order enrolled.
pub fn enrolled_codes(kid: &str) -> Vec<String> {
    enrolments().remove(kid).unwrap_or_default()
}

/// Remembers that `kid` was enrolled for `credit_code` (each code once).
pub fn remember_enrolment(kid: &str, credit_code: &str) {
    let mut all = enrolments();
    let codes = all.entry(kid.to_owned()).or_default();
    if !codes.iter().any(|c| c == credit_code) {
        codes.push(credit_code.to_owned());
        save_enrolments(&all);
    }
}

fn forget_enrolments(kid: &str) {
    let mut all = enrolments();
    if all.remove(kid).is_some() {
        save_enrolments(&all);
    }
}
