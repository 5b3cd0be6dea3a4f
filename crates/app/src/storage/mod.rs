//! What the app keeps in the browser. Only encrypted key files are stored; never a passphrase or seed.

pub mod keys;
