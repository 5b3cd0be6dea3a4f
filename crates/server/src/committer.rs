//! Group commit for signed submissions: verified submissions queue here, and one thread stores all that
//! are waiting in one transaction (logged under one checkpoint: each receipt is its entry and proof), commits, and
//! only then answers each submitter. Under load a batch fills while the previous one commits, so the fixed cost of a
//! transaction is shared without any added wait; alone, a submission is stored at once.

use std::sync::mpsc;
use std::sync::Arc;

use crate::db::{Db, DbError};
use crate::problem::Problem;
use crate::store::{NewCommitment, ServerKey, StoredReceipt};

/// Most submissions stored in one transaction (bounds the time a batch holds the database).
const MAX_BATCH: usize = 512;

struct Job {
    new: NewCommitment,
    reply: tokio::sync::oneshot::Sender<Result<StoredReceipt, String>>,
}

/// The queue to the storing thread; clones share it. The thread ends when the last clone is dropped.
#[derive(Clone)]
pub struct Committer {
    queue: mpsc::Sender<Job>,
}

impl Committer {
    pub fn start(db: Db, server_key: Arc<ServerKey>) -> Self {
        let (queue, jobs) = mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new().name("xinnuo-committer".into()).spawn(move || {
            while let Ok(first) = jobs.recv() {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match jobs.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                store_batch(&db, batch, &server_key);
            }
        });
        if let Err(error) = spawned {
            // Without the thread every submission answers 500 (its reply is dropped): said once here.
            tracing::error!("cannot start the committing thread: {error}");
        }
        Self { queue }
    }

    /// Stores a verified submission (or finds it stored) and returns its receipt once committed.
    pub async fn store(&self, new: NewCommitment) -> Result<StoredReceipt, Problem> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.queue.send(Job { new, reply }).map_err(|_| Problem::internal("the committing thread has stopped"))?;
        answer.await.map_err(|_| Problem::internal("the committing thread has stopped"))?.map_err(Problem::internal)
    }
}

/// One transaction for the batch; if it fails, each submission alone, so one bad row fails no other.
fn store_batch(db: &Db, batch: Vec<Job>, server_key: &ServerKey) {
    let news: Vec<&NewCommitment> = batch.iter().map(|job| &job.new).collect();
    match db.store_commitments(&news, server_key) {
        Ok(stored) => {
            for (job, stored) in batch.into_iter().zip(stored) {
                let _ = job.reply.send(Ok(stored));
            }
        }
        Err(error) if batch.len() == 1 => {
            if let Some(job) = batch.into_iter().next() {
                let _ = job.reply.send(Err(error.to_string()));
            }
        }
        Err(_) => {
            for job in batch {
                let result = db
                    .store_commitments(&[&job.new], server_key)
                    .and_then(|mut stored| stored.pop().ok_or(DbError::Corrupt("empty batch")))
                    .map_err(|e| e.to_string());
                let _ = job.reply.send(result);
            }
        }
    }
}
