//! The form's draft: which draft the commitment page is on (kept across reloads), and the hook that restores a
//! draft once and saves every edit — after a pause, and at once when the page is hidden, closed or left.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value;
use xinnuo_core::commitment::Filled;
use yew::prelude::*;

use crate::browser::{local_storage, now_iso, random};
use crate::i18n::Text;
use crate::storage::db;
use crate::storage::outbox::Draft;

const CURRENT_DRAFT_KEY: &str = "xinnuo.current-draft";
/// A synchronous copy of the last edit, written as its save to IndexedDB starts and when the page is hidden or
/// closed: an IndexedDB write still under way when the page unloads is lost, a `localStorage` write is not.
const DRAFT_BACKUP_KEY: &str = "xinnuo.draft-backup";
/// Edits are saved this long after the last keystroke (and at once when the page is hidden).
const SAVE_DELAY_MS: u32 = 250;
/// The template a new form starts on.
const DEFAULT_TEMPLATE: &str = "tax-service";
/// The field a credit code from the check page (`#/commit/<code>`) goes into.
const CREDIT_CODE_FIELD: &str = "credit_code";

fn new_draft_id() -> String {
    random::<8>()
        .map(|bytes| bytes.iter().map(|b| format!("{b:02x}")).collect())
        .unwrap_or_else(|_| format!("{}", js_sys::Date::now()))
}

/// The commitment page's current draft id (kept across reloads).
pub fn current_draft_id() -> String {
    let storage = local_storage();
    if let Some(id) = storage.as_ref().and_then(|s| s.get_item(CURRENT_DRAFT_KEY).ok().flatten()) {
        return id;
    }
    let id = new_draft_id();
    if let Some(storage) = storage {
        let _ = storage.set_item(CURRENT_DRAFT_KEY, &id);
    }
    id
}

/// Makes `id` the commitment page's current draft (opening one from the drafts list, or starting anew).
pub fn set_current_draft(id: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(CURRENT_DRAFT_KEY, id);
    }
}

/// Starts a new, empty current draft.
pub fn start_new_draft() {
    set_current_draft(&new_draft_id());
}

fn backup_draft(draft: &Draft) {
    if let (Some(storage), Ok(text)) = (local_storage(), serde_json::to_string(draft)) {
        let _ = storage.set_item(DRAFT_BACKUP_KEY, &text);
    }
}

/// Removes the backup if it is draft `id`'s (signed: its values, personal ones among them, are in the outbox).
fn forget_backup(id: &str) {
    let Some(storage) = local_storage() else { return };
    let text = storage.get_item(DRAFT_BACKUP_KEY).ok().flatten().unwrap_or_default();
    if serde_json::from_str::<Draft>(&text).is_ok_and(|backup| backup.id == id) {
        let _ = storage.remove_item(DRAFT_BACKUP_KEY);
    }
}

/// Saves an edit still waiting for its debounce: synchronously to the backup, and to IndexedDB.
fn save_pending_now(pending: &Rc<RefCell<Option<Draft>>>) {
    if let Some(draft) = pending.borrow_mut().take() {
        backup_draft(&draft);
        wasm_bindgen_futures::spawn_local(async move {
            let _ = db::save_draft(&draft).await;
        });
    }
}

/// The backup of draft `id`, if it is newer than what IndexedDB holds.
fn newer_backup(id: &str, stored: Option<&Draft>) -> Option<Draft> {
    let text = local_storage()?.get_item(DRAFT_BACKUP_KEY).ok()??;
    let backup: Draft = serde_json::from_str(&text).ok()?;
    (backup.id == id && stored.is_none_or(|s| backup.updated_at > s.updated_at)).then_some(backup)
}

/// A form's draft as the page edits it.
#[derive(Clone)]
pub struct DraftHandle {
    pub id: UseStateHandle<String>,
    pub template_id: UseStateHandle<String>,
    pub values: UseStateHandle<BTreeMap<String, Value>>,
    /// Why the browser would not keep the draft (what was entered stays on the page).
    pub storage_error: UseStateHandle<Option<Text>>,
    /// Why the form came back to be corrected (kept with the draft until it is signed again).
    pub correction: UseStateHandle<Option<Text>>,
    pending_save: Rc<RefCell<Option<Draft>>>,
}

impl DraftHandle {
    /// The form was signed and is in the outbox: its draft goes, and the page starts a fresh one from
    /// `start_values` (the current draft of the commitment page unless it is a repair form's).
    pub async fn finish(&self, start_values: BTreeMap<String, Value>, repair: bool) {
        self.pending_save.borrow_mut().take();
        forget_backup(&self.id);
        let _ = db::delete_draft(&self.id).await;
        let fresh = new_draft_id();
        if !repair {
            set_current_draft(&fresh);
        }
        self.id.set(fresh);
        self.values.set(start_values);
        self.correction.set(None);
    }
}

/// Applies a credit code from the check page to the restored draft: kept when the draft is for that code
/// already, filled in when the draft is empty; a draft for something else stays among the drafts and a new
/// one starts with the code. Returns the new draft id, if one was started.
fn apply_code(code: &str, values: &mut BTreeMap<String, Value>) -> Option<String> {
    if values.get(CREDIT_CODE_FIELD).and_then(Value::as_str) == Some(code) {
        return None;
    }
    let fresh = (!values.is_empty()).then(new_draft_id);
    if fresh.is_some() {
        values.clear();
    }
    values.insert(CREDIT_CODE_FIELD.to_owned(), Value::String(code.to_owned()));
    fresh
}

/// Restores draft `id` (the commitment page's current draft when `None`) once, unless `prefill` starts the
/// form; then saves every edit. `for_code`: a credit code to fill in (see [`apply_code`]), once — the
/// address becomes `#/commit`, so a reload shows the draft as it is then.
#[hook]
pub fn use_draft(id: Option<String>, prefill: Option<Filled>, repair: bool, for_code: Option<String>) -> DraftHandle {
    let template_id = use_state(|| prefill.as_ref().map_or(DEFAULT_TEMPLATE.to_owned(), |p| p.template_id.clone()));
    let values = use_state(|| prefill.as_ref().map(|p| p.values.clone()).unwrap_or_default());
    let draft_id = use_state(|| id.unwrap_or_else(current_draft_id));
    let restored = use_state(|| false);
    let storage_error = use_state(|| None::<Text>);
    let correction = use_state(|| None::<Text>);
    let pending_save: Rc<RefCell<Option<Draft>>> = use_mut_ref(|| None);
    let save_timer: Rc<RefCell<Option<gloo_timers::callback::Timeout>>> = use_mut_ref(|| None);
    // Restore the saved draft once.
    {
        let (draft_id, restored, template_id, values, storage_error, correction) = (
            draft_id.clone(),
            restored.clone(),
            template_id.clone(),
            values.clone(),
            storage_error.clone(),
            correction.clone(),
        );
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let stored = match db::draft(&draft_id).await {
                    Ok(stored) => stored,
                    Err(error) => {
                        storage_error.set(Some(error.0));
                        None
                    }
                };
                let backup = newer_backup(&draft_id, stored.as_ref());
                if let Some(backup) = &backup {
                    let _ = db::save_draft(backup).await;
                }
                let mut restored_values = None;
                if let Some(draft) = backup.or(stored) {
                    template_id.set(draft.template_id);
                    restored_values = Some(draft.values);
                    correction.set(draft.correction);
                }
                if let Some(code) = for_code {
                    let with_code = restored_values.get_or_insert_with(BTreeMap::new);
                    if let Some(fresh) = apply_code(&code, with_code) {
                        set_current_draft(&fresh);
                        draft_id.set(fresh);
                    }
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().replace("#/commit");
                    }
                }
                if let Some(restored_values) = restored_values {
                    values.set(restored_values);
                }
                restored.set(true);
            });
        });
    }
    // Save every edit (debounced), and at once when the page is hidden or closed.
    {
        let (pending_save, save_timer, storage_error) =
            (pending_save.clone(), save_timer.clone(), storage_error.clone());
        let draft = Draft {
            id: (*draft_id).clone(),
            template_id: (*template_id).clone(),
            values: (*values).clone(),
            updated_at: String::new(),
            repair,
            correction: (*correction).clone(),
        };
        use_effect_with((draft, *restored), move |(draft, restored)| {
            if *restored && !draft.values.is_empty() {
                let draft = Draft { updated_at: now_iso(), ..draft.clone() };
                *pending_save.borrow_mut() = Some(draft);
                let pending = pending_save.clone();
                *save_timer.borrow_mut() = Some(gloo_timers::callback::Timeout::new(SAVE_DELAY_MS, move || {
                    if let Some(draft) = pending.borrow_mut().take() {
                        // A reload before IndexedDB commits (no longer pending, so `pagehide` has nothing to
                        // save) restores this copy (the soak test lost an edit so on a loaded machine).
                        backup_draft(&draft);
                        let storage_error = storage_error.clone();
                        wasm_bindgen_futures::spawn_local(async move {
                            storage_error.set(db::save_draft(&draft).await.err().map(|e| e.0));
                        });
                    }
                }));
            }
        });
    }
    {
        let pending_save = pending_save.clone();
        use_effect_with((), move |_| {
            let on_hide = pending_save.clone();
            let save_now = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || save_pending_now(&on_hide));
            let window = web_sys::window();
            if let Some(window) = &window {
                use wasm_bindgen::JsCast;
                let _ = window.add_event_listener_with_callback("pagehide", save_now.as_ref().unchecked_ref());
                let _ = window.add_event_listener_with_callback("visibilitychange", save_now.as_ref().unchecked_ref());
            }
            move || {
                // Leaving the page inside the app (another tab of the app, a link) saves too.
                save_pending_now(&pending_save);
                if let Some(window) = window {
                    use wasm_bindgen::JsCast;
                    let _ = window.remove_event_listener_with_callback("pagehide", save_now.as_ref().unchecked_ref());
                    let _ = window
                        .remove_event_listener_with_callback("visibilitychange", save_now.as_ref().unchecked_ref());
                }
            }
        });
    }
    DraftHandle { id: draft_id, template_id, values, storage_error, correction, pending_save }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_from_the_check_page_fills_an_empty_draft_and_leaves_another_drafts_values_alone() {
        let code = "91140105123456788F";
        let mut empty = BTreeMap::new();
        assert_eq!(apply_code(code, &mut empty), None);
        assert_eq!(empty.get(CREDIT_CODE_FIELD), Some(&Value::from(code)));

        let mut same: BTreeMap<String, Value> =
            [(CREDIT_CODE_FIELD.to_owned(), Value::from(code)), ("phone".to_owned(), Value::from("0351-1"))].into();
        let before = same.clone();
        assert_eq!(apply_code(code, &mut same), None);
        assert_eq!(same, before, "a draft for this code is kept as it is");
    }
}
