//! What every handler is given: the database, the server's keys, the admin gate and the committer.

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::admin::AdminGate;
use crate::clock::now;
use crate::committer;
use crate::db::{Db, DbError};
use crate::problem::Problem;
use crate::store::{self, ServerKey};

/// Shared by every request: one reference count to move per clone (axum clones the state for each request and
/// layer; a clone of the fields' own `Arc`s showed in the submission profile).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

#[derive(Clone)]
pub struct Shared {
    pub db: Db,
    /// Signs receipts; created on first start and kept in the database.
    pub server_key: Arc<ServerKey>,
    /// The key sign-in challenges are authenticated with (derived from the server's signing key, so every
    /// server on one database makes and accepts the same challenges).
    pub challenge_key: Arc<[u8; 32]>,
    /// The admin API's token and its failed-attempt limit.
    pub admin: Arc<AdminGate>,
    /// Slots for CPU-heavy batch work (`codes:check`), two per core.
    pub heavy: Arc<tokio::sync::Semaphore>,
    /// Stores verified submissions in groups (one transaction for all that wait).
    pub committer: committer::Committer,
    /// Witnessing: the logs this server witnesses, the witnesses its own log asks, and how many must cosign.
    pub witnessing: Arc<Witnessing>,
}

/// The witness configuration (`serve --witness-for`, `--witness`, `--witness-quorum`).
#[derive(Debug, Clone, Default)]
pub struct Witnessing {
    /// The logs (their verifier keys) whose checkpoints this server cosigns at `/witness/add-checkpoint`.
    pub for_logs: Vec<xinnuo_core::tlog::VerifierKey>,
    /// The witnesses this server's log asks to cosign.
    pub witnesses: Vec<crate::witness::Witness>,
    /// How many of them must have cosigned a checkpoint before `/log/checkpoint` serves it or a receipt
    /// shows it.
    pub quorum: usize,
    /// Asks each witness's thread for a round now (a receipt waits for its checkpoint's cosignatures).
    pub wake: Vec<std::sync::mpsc::SyncSender<()>>,
    /// Counts the cosignatures kept: a receipt waiting for a witnessed checkpoint looks again when it changes
    /// (rather than asking the database over and over while a witness is away).
    pub cosigned: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Witnessing {
    /// Whether receipts wait for cosignatures.
    pub fn required(&self) -> bool {
        self.quorum > 0 && self.witnesses.iter().any(|witness| !witness.retiring)
    }

    /// Proofs an answer read from the database, proved again in the newest checkpoint the quorum cosigned
    /// (`witness::rewitness`).
    pub fn rewitness(&self, db: &Db, proofs: &mut [&mut serde_json::Value]) -> Result<(), DbError> {
        crate::witness::rewitness(db, &self.witnesses, self.quorum, proofs)
    }

    /// Things shown with their stored receipts (a page of them, or one), every receipt proved again at once:
    /// one look at the witnessed checkpoint and one set of tiles, not one per row.
    pub fn witnessed<T: Receipts>(&self, db: &Db, mut items: Vec<T>) -> Result<Vec<T>, crate::problem::Problem> {
        let mut receipts: Vec<&mut serde_json::Value> = items.iter_mut().flat_map(Receipts::receipts).collect();
        self.rewitness(db, &mut receipts).map_err(crate::problem::Problem::internal)?;
        Ok(items)
    }
}

/// The stored receipts a thing shown carries (its own, its decisions'), for [`Witnessing::witnessed`].
pub trait Receipts {
    fn receipts(&mut self) -> Vec<&mut serde_json::Value>;
}

/// A thing's own receipt and its decisions'.
pub fn with_decisions<'a>(
    own: Option<&'a mut serde_json::Value>,
    decisions: &'a mut [xinnuo_core::wire::PublishedDecision],
) -> Vec<&'a mut serde_json::Value> {
    own.into_iter().chain(decisions.iter_mut().map(|decision| &mut decision.receipt)).collect()
}

impl AppState {
    /// Opens the state around a database, creating the server's signing key on first use.
    pub fn new(db: Db, admin_token: Option<Zeroizing<String>>) -> Result<Self, DbError> {
        let server_key = server_key(&db)?;
        // Schedules imported after the build count from the first request.
        crate::holidays::load(&db)?;
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let server_key = Arc::new(server_key);
        let challenge_key = Arc::new(server_key.challenge_key());
        Ok(Self(Arc::new(Shared {
            challenge_key,
            committer: committer::Committer::start(db.clone(), server_key.clone()),
            db,
            server_key,
            admin: Arc::new(AdminGate::new(admin_token)),
            heavy: Arc::new(tokio::sync::Semaphore::new(2 * cores)),
            witnessing: Arc::new(Witnessing::default()),
        })))
    }

    /// With witnessing configured: starts asking the witnesses (a thread of its own).
    pub fn with_witnessing(mut self, mut witnessing: Witnessing) -> Self {
        let mut threads = Vec::new();
        for witness in &witnessing.witnesses {
            let (wake, woken) = std::sync::mpsc::sync_channel(1);
            witnessing.wake.push(wake);
            threads.push((witness.clone(), woken));
        }
        crate::witness::start(self.db.clone(), threads, witnessing.cosigned.clone());
        Arc::make_mut(&mut self.0).witnessing = Arc::new(witnessing);
        self
    }
}

/// The server's signing key (and the public log's, derived from it), made on first use.
pub fn server_key(db: &Db) -> Result<store::ServerKey, DbError> {
    db.server_key(&now(), || {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| format!("no randomness: {e}"))?;
        let public = xinnuo_core::envelope::public_key(&seed);
        Ok((seed, xinnuo_core::envelope::thumbprint(&public), xinnuo_core::envelope::public_jwk(&public)))
    })
}

/// Runs CPU or database work off the async threads.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    tokio::task::spawn_blocking(work).await.map_err(|e| Problem::internal(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{test_commitment, test_server_key};
    use crate::witness::{published_checkpoint, Witness, WitnessKey};
    use serde_json::Value;

    /// A checkpoint's cosignature counts for a configured witness only when its key made it (the name alone
    /// is not enough), and a stored receipt read back is proved again in the checkpoint the quorum cosigned.
    #[test]
    fn a_cosignature_counts_for_its_witness_key_and_stored_receipts_are_proved_again_in_it() {
        let db = Db::open(":memory:").unwrap();
        let key = test_server_key();
        let stored = db.store_commitments(&[&test_commitment("a", "kid-a", "")], &key).unwrap();
        let (size, note) = db.read(crate::log::newest_with_size).unwrap().unwrap();
        let witness = |seed: u8| WitnessKey::derive("xinnuo.witness/a", &[seed; 32]).unwrap();
        let (current, former) = (witness(2), witness(3));
        let line = crate::witness::store_test_cosignature(&db, &former, size, &note);
        let asking = |key: &WitnessKey| Witnessing {
            witnesses: vec![Witness { url: "http://127.0.0.1:9".into(), key: key.verifier(), retiring: false }],
            quorum: 1,
            ..Witnessing::default()
        };
        let served = |witnessing: &Witnessing| {
            db.read(|sql| published_checkpoint(sql, &witnessing.witnesses, witnessing.quorum)).unwrap()
        };
        // The line was made by the witness's former key: the witness as configured now has not cosigned.
        assert_eq!(served(&asking(&current)), None);
        let mut receipt: Value = serde_json::from_str(&stored[0].receipt).unwrap();
        let unchanged = receipt.clone();
        asking(&current).rewitness(&db, &mut [&mut receipt]).unwrap();
        assert_eq!(receipt, unchanged, "no witnessed checkpoint: the stored receipt as it is");
        // Configured with the key that made it, it counts; the receipt is proved again in that note.
        assert_eq!(served(&asking(&former)), Some(format!("{note}{line}")));
        asking(&former).rewitness(&db, &mut [&mut receipt]).unwrap();
        assert!(receipt["proof"].as_str().unwrap().ends_with(&line), "{receipt}");
        // Without a quorum nothing is touched.
        let mut again = unchanged.clone();
        Witnessing::default().rewitness(&db, &mut [&mut again]).unwrap();
        assert_eq!(again, unchanged);
    }
}
