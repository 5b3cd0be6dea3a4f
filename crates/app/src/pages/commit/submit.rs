//! Submitting a form: signed with a key of this browser, kept in the outbox before anything is sent (nothing
//! is lost if the page closes), then sent while the person waits.

use serde_json::Value;
use xinnuo_core::commitment::{self, Filled};
use xinnuo_core::envelope;

use crate::api::{data_source, DataSource};
use crate::browser::{now_iso, random};
use crate::i18n::Text;
use crate::storage::db;
use crate::storage::keys as key_store;
use crate::storage::outbox::{Draft, OutboxItem, Retry};
use crate::sync;

/// Why a submission stopped, and the signed file when there is one (to export instead).
pub struct Failure {
    pub message: Text,
    pub signed: Option<String>,
}

/// Signs the form with key `kid` and keeps it in the outbox (queued to send, or, on a static site, kept to
/// export), with the draft it came from.
pub async fn sign_and_keep(
    filled: &Filled,
    kid: &str,
    passphrase: &str,
    title: String,
    draft: Draft,
) -> Result<OutboxItem, Failure> {
    let signed = sign(filled, kid, passphrase).await.map_err(|message| Failure { message, signed: None })?;
    let credit_code = filled.values.get("credit_code").and_then(Value::as_str).unwrap_or_default().to_owned();
    let item = OutboxItem::new(
        signed.submission_id(),
        signed.to_json(),
        draft.repair,
        data_source() == DataSource::Api,
        title,
        credit_code,
        now_iso(),
    )
    .with_draft(draft);
    db::save_item(&item).await.map_err(|error| Failure { message: error.0, signed: Some(item.jws.clone()) })?;
    sync::notify_changed();
    Ok(item)
}

/// Sends what is queued now and returns `item` as it stands afterwards (receipted, rejected or still queued).
pub async fn send(item: OutboxItem) -> OutboxItem {
    sync::flush(Retry::Now).await;
    db::item(&item.submission_id).await.ok().flatten().unwrap_or(item)
}

async fn sign(filled: &Filled, kid: &str, passphrase: &str) -> Result<commitment::SignedFile, Text> {
    let file = key_store::find(kid)?;
    let seed = crate::browser::open_key_file(&file, passphrase).await?;
    let nonce = random::<16>()?;
    let salts = random::<32>()?;
    let signer = envelope::Signer::from_seed(&seed);
    let (signed, _) = commitment::sign(filled, &signer, &now_iso(), &nonce, &salts)?;
    Ok(signed)
}
