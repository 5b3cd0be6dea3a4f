//! What the app keeps in the browser: encrypted key files (`localStorage`), drafts and the outbox
//! (IndexedDB). Never a passphrase or a seed.

pub mod db;
pub mod keys;
pub mod outbox;
