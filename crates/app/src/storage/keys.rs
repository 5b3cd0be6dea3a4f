//! The key ring in `localStorage` (`xinnuo.keys`): encrypted key files only.

use xinnuo_core::envelope::keyfile::{self, KeyFile};

use crate::browser::local_storage;

const KEYS_KEY: &str = "xinnuo.keys";

/// Every stored key file, oldest first; unreadable entries are skipped, never deleted.
pub fn load() -> Vec<KeyFile> {
    let Some(text) = local_storage().and_then(|s| s.get_item(KEYS_KEY).ok().flatten()) else {
        return Vec::new();
    };
    let entries: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap_or_default();
    entries.iter().filter_map(|entry| keyfile::parse(&entry.to_string()).ok()).collect()
}

fn save(files: &[KeyFile]) -> Result<(), String> {
    let text = serde_json::to_string(files).map_err(|e| e.to_string())?;
    local_storage()
        .ok_or("浏览器不允许本地存储 / local storage is not available")?
        .set_item(KEYS_KEY, &text)
        .map_err(|_| "本地存储已满或被禁止 / local storage is full or blocked".to_owned())
}

/// Adds a key file (a key already present is kept as it is).
pub fn add(file: KeyFile) -> Result<bool, String> {
    let mut files = load();
    if files.iter().any(|f| f.kid == file.kid) {
        return Ok(false);
    }
    files.push(file);
    save(&files).map(|_| true)
}

pub fn remove(kid: &str) -> Result<(), String> {
    let files: Vec<KeyFile> = load().into_iter().filter(|f| f.kid != kid).collect();
    save(&files)
}
