//! Witnessing (C2SP tlog-witness, tlog-cosignature), both sides.
//!
//! As a witness (`serve --witness-for <log vkey>`): `POST /witness/add-checkpoint` cosigns a log's checkpoint
//! only if it extends the newest one this witness cosigned for that log (a consistency proof), remembered in
//! the database in the same transaction; a forked or rolled-back log gets no cosignature.
//!
//! As a log (`serve --witness <url>=<vkey> --witness-quorum k`): a task sends each new checkpoint to the
//! witnesses with a consistency proof from the size each last cosigned, stores the cosignatures they return,
//! and `/log/checkpoint` serves the newest checkpoint that k of them cosigned (with their cosignatures).
//! With a quorum, a receipt is answered only once a checkpoint that covers it is cosigned, proved in that
//! checkpoint with its cosignatures (`witnessed_proof`): no receipt shows a checkpoint the witnesses have not
//! seen, so a log cannot show one history to a submitter and another to its witnesses.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use sha2::{Digest, Sha256};
use xinnuo_core::public_log::{LogEvent, LoggedEntry, WitnessPolicy};
use xinnuo_core::tlog::{self, AddCheckpoint, NoteSigner, TileHashReader, TlogError, VerifierKey, WitnessVerdict};

use crate::db::{Db, DbError};
use crate::log::{log_error, LogKey, SqlTiles};
use crate::sql::{args, row, rows, Sql};

/// This server's witness key: a key of its own (it cosigns whatever it is given), derived from the server's
/// signing key so every server on one database is the same witness.
pub struct WitnessKey {
    pub(crate) signer: NoteSigner,
}

impl WitnessKey {
    pub fn derive(name: &str, server_seed: &[u8; 32]) -> Result<Self, DbError> {
        let mut hasher = Sha256::new();
        hasher.update(b"xinnuo.witness-key/1\n");
        hasher.update(server_seed);
        let seed: [u8; 32] = hasher.finalize().into();
        Ok(Self { signer: NoteSigner::cosigner(name, &seed).map_err(log_error)? })
    }

    /// The verifier key a log operator configures (`--witness <url>=<this>`) and clients pin.
    pub fn verifier(&self) -> VerifierKey {
        self.signer.verifier_key()
    }
}

/// A witness's answer to `add-checkpoint`, as HTTP: status, content type and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessAnswer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl WitnessAnswer {
    fn text(status: u16, body: impl Into<String>) -> Self {
        Self { status, content_type: "text/plain; charset=utf-8", body: body.into() }
    }
}

/// Decides an `add-checkpoint` request for one of the logs in `logs` (their verifier keys, whose names are the
/// logs' origins), and on success remembers the checkpoint and answers the cosignature line.
pub fn add_checkpoint(
    db: &Db,
    key: &WitnessKey,
    logs: &[VerifierKey],
    body: &str,
    now_secs: u64,
) -> Result<WitnessAnswer, DbError> {
    let Ok(request) = AddCheckpoint::parse(body) else {
        return Ok(WitnessAnswer::text(400, "malformed add-checkpoint request\n"));
    };
    let origin = request.checkpoint.split('\n').next().unwrap_or_default().to_owned();
    let log_keys: Vec<VerifierKey> = logs.iter().filter(|k| k.name == origin).cloned().collect();
    if log_keys.is_empty() {
        return Ok(WitnessAnswer::text(404, format!("this witness does not witness the log {origin:?}\n")));
    }
    db.write(|sql| {
        let latest = row(sql, "SELECT size, root FROM witnessed_logs WHERE origin = ?1", args![&origin], |row| {
            Ok((row.get::<u64>(0)?, row.get::<Vec<u8>>(1)?))
        })?
        .map(|(size, root)| root.as_slice().try_into().map(|root: [u8; 32]| (size, root)))
        .transpose()
        .map_err(|_| DbError::Corrupt("witnessed root"))?;
        Ok(match tlog::witness_add_checkpoint(&request, &origin, &log_keys, latest) {
            WitnessVerdict::Cosign(signed) => {
                let checkpoint = &signed.checkpoint;
                sql.execute(
                    "INSERT INTO witnessed_logs (origin, size, root, note) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root,
                     note = excluded.note",
                    args![&origin, checkpoint.size, checkpoint.root.as_slice(), &request.checkpoint],
                )?;
                let line = key.signer.sign_line(&signed.opened.note.text, now_secs).map_err(log_error)?;
                WitnessAnswer { status: 200, content_type: "text/plain; charset=utf-8", body: line }
            }
            WitnessVerdict::Conflict { size } => {
                WitnessAnswer { status: 409, content_type: "text/x.tlog.size", body: format!("{size}\n") }
            }
            WitnessVerdict::BadRequest => WitnessAnswer::text(400, "old size above the checkpoint's size\n"),
            WitnessVerdict::Refused(TlogError::NoteUnverified | TlogError::SignatureInvalid { .. }) => {
                WitnessAnswer::text(403, "the checkpoint is not signed by the log's key\n")
            }
            WitnessVerdict::Refused(error @ TlogError::OriginMismatch { .. }) => {
                WitnessAnswer::text(404, format!("{error}\n"))
            }
            WitnessVerdict::Refused(error) => WitnessAnswer::text(422, format!("{error}\n")),
        })
    })
}

/// A witness the log asks, as configured (`--witness <url>=<vkey>`, or `--witness-retiring`).
#[derive(Debug, Clone)]
pub struct Witness {
    pub url: String,
    pub key: VerifierKey,
    /// Being retired (`--witness-retiring`): still asked, and while it retires every checkpoint served waits for
    /// its cosignature too (browsers that pinned it keep believing receipts until they take the new witnesses),
    /// but not listed, not in the logged policy and not counted in the quorum.
    pub retiring: bool,
}

impl Witness {
    /// Reads `<url>=<vkey>`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (url, key) = text.split_once('=').ok_or_else(|| {
            format!("--witness 应为 <地址>=<验证密钥> / --witness takes <url>=<verifier key>, not {text:?}")
        })?;
        let key = VerifierKey::parse(key).map_err(|e| format!("--witness {url}: {e}"))?;
        if key.kind != tlog::SignatureType::CosignatureV1 {
            return Err(format!("--witness {url}: 不是见证人的联署密钥 / not a witness cosignature key"));
        }
        Ok(Self { url: url.trim_end_matches('/').to_owned(), key, retiring: false })
    }
}

/// The policy the log asks its witnesses under: their keys and the quorum (none without witnesses).
pub fn policy(witnesses: &[Witness], quorum: usize) -> WitnessPolicy {
    let keys: Vec<String> =
        witnesses.iter().filter(|witness| !witness.retiring).map(|witness| witness.key.to_string()).collect();
    let quorum = if keys.is_empty() { 0 } else { quorum as u64 };
    WitnessPolicy::new(keys, quorum)
}

/// Logs the witnesses and quorum the log asks (`LogEvent::WitnessPolicy`) when they are not the ones it last
/// recorded — clients that pinned the earlier ones take new ones only from the log, in a checkpoint the earlier
/// ones cosigned (`public_log::admit_witness_policy`). A log that never had witnesses records none. Answers the
/// new entry's index.
pub fn record_policy(db: &Db, policy: &WitnessPolicy, log: &LogKey, now: &str) -> Result<Option<u64>, DbError> {
    db.write(|sql| {
        // LIKE, not a range of strings: PostgreSQL's collation may order '/' as it likes. Once a start.
        let newest = row(
            sql,
            "SELECT reference FROM log_entries WHERE reference LIKE 'witnesses/%' ORDER BY idx DESC LIMIT 1",
            &[],
            |row| row.get::<String>(0),
        )?;
        let recorded = match newest {
            Some(reference) => reference == policy.reference(),
            None => policy.witnesses.is_empty(),
        };
        if recorded {
            return Ok(None);
        }
        let event =
            LogEvent::WitnessPolicy { witnesses: policy.witnesses.clone(), quorum: policy.quorum, at: now.to_owned() };
        Ok(Some(crate::log::append(sql, log, &[event], now)?.first))
    })
}

/// The newest checkpoint `quorum` of `witnesses` cosigned (retiring ones not counted, but required), with their
/// cosignature lines after the log's own signature; with no witnesses (or a quorum of 0), the newest checkpoint
/// with whatever cosignatures it has.
pub fn published_checkpoint(
    sql: &mut dyn Sql,
    witnesses: &[Witness],
    quorum: usize,
) -> Result<Option<String>, DbError> {
    Ok(published(sql, witnesses, Needed::Quorum(quorum))?.map(|(_, note)| note))
}

/// Which cosignatures a checkpoint served needs.
#[derive(Clone, Copy)]
enum Needed {
    /// So many of the witnesses listed, and every retiring one.
    Quorum(usize),
    /// Every witness asked, retiring ones too.
    Every,
}

/// What `published_checkpoint` serves, with its size.
fn published(sql: &mut dyn Sql, witnesses: &[Witness], needed: Needed) -> Result<Option<(u64, String)>, DbError> {
    // A line counts for a witness configured now, by its key: one kept from before its key changed does not.
    // (Names are distinct among the witnesses configured: `serve` refuses two keys under one name.)
    let counts = |name: &str, line: &str| witnesses.iter().any(|w| w.key.name == name && signed_with(&w.key, line));
    let enough = |names: &[&str], at_least: usize| {
        let has = |witness: &&Witness| names.contains(&witness.key.name.as_str());
        let listed = witnesses.iter().filter(|w| !w.retiring).filter(has).count();
        let retiring = witnesses.iter().filter(|w| w.retiring);
        match needed {
            Needed::Quorum(quorum) => listed >= quorum.max(at_least) && retiring.clone().all(|w| has(&w)),
            Needed::Every => names.len() >= witnesses.len(),
        }
    };
    let candidates =
        rows(sql, "SELECT c.size, c.note FROM log_checkpoints c ORDER BY c.size DESC LIMIT 64", &[], |row| {
            Ok((row.get::<u64>(0)?, row.get::<String>(1)?))
        })?;
    for (size, note) in candidates {
        let lines = cosignatures(sql, size)?;
        let lines: Vec<(String, String)> = lines.into_iter().filter(|(name, line)| counts(name, line)).collect();
        let names: Vec<&str> = lines.iter().map(|(name, _)| name.as_str()).collect();
        if enough(&names, 0) {
            let lines: String = lines.iter().map(|(_, line)| line.as_str()).collect();
            return Ok(Some((size, format!("{note}{lines}"))));
        }
    }
    // None of the newest was witnessed enough: the newest that ever was, by the witnesses configured now (a
    // cosignature by one no longer asked does not count).
    let cosigned =
        rows(sql, "SELECT size, witness, line FROM log_cosignatures ORDER BY size DESC LIMIT 8192", &[], |row| {
            Ok((row.get::<u64>(0)?, row.get::<String>(1)?, row.get::<String>(2)?))
        })?;
    // The rows come newest size first: one group a checkpoint.
    for group in cosigned.chunk_by(|a, b| a.0 == b.0) {
        let size = group[0].0;
        let lines: Vec<(&str, &str)> = group
            .iter()
            .filter(|(_, name, line)| counts(name, line))
            .map(|(_, name, line)| (name.as_str(), line.as_str()))
            .collect();
        let names: Vec<&str> = lines.iter().map(|(name, _)| *name).collect();
        if enough(&names, 1) {
            let note =
                row(sql, "SELECT note FROM log_checkpoints WHERE size = ?1", args![size], |row| row.get::<String>(0))?;
            let lines: String = lines.iter().map(|(_, line)| *line).collect();
            return Ok(note.map(|note| (size, format!("{note}{lines}"))));
        }
    }
    Ok(None)
}

/// Whether a signature line (`— <name> <base64>`) is by `key`: its first four bytes are the key's ID (a hash
/// of its name and public key). The line was verified when it was stored; this tells which key made it.
fn signed_with(key: &VerifierKey, line: &str) -> bool {
    use base64::Engine;
    let encoded = line.trim_end().rsplit(' ').next().unwrap_or_default();
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .is_ok_and(|bytes| bytes.get(..4) == Some(key.key_id.to_be_bytes().as_slice()))
}

fn cosignatures(sql: &mut dyn Sql, size: u64) -> Result<Vec<(String, String)>, DbError> {
    rows(sql, "SELECT witness, line FROM log_cosignatures WHERE size = ?1 ORDER BY witness", args![size], |row| {
        Ok((row.get::<String>(0)?, row.get::<String>(1)?))
    })
}

/// The entry at `index` proved in the newest checkpoint `quorum` of `witnesses` cosigned (their cosignatures
/// in the note), once one covers it.
pub fn witnessed_proof(
    db: &Db,
    witnesses: &[Witness],
    quorum: usize,
    index: u64,
) -> Result<Option<LoggedEntry>, DbError> {
    proved_in(db, witnesses, Needed::Quorum(quorum), index)
}

/// The entry at `index` proved in the newest checkpoint every witness asked cosigned, retiring ones too: the
/// entry naming the witnesses, read by browsers that pinned earlier ones, which count only theirs.
pub fn proof_cosigned_by_every(db: &Db, witnesses: &[Witness], index: u64) -> Result<Option<LoggedEntry>, DbError> {
    proved_in(db, witnesses, Needed::Every, index)
}

fn proved_in(db: &Db, witnesses: &[Witness], needed: Needed, index: u64) -> Result<Option<LoggedEntry>, DbError> {
    db.read(|sql| match published(sql, witnesses, needed)? {
        Some((size, note)) if size > index => Ok(crate::log::prove(sql, &[index], size, &note)?.pop()),
        _ => Ok(None),
    })
}

/// Proofs an answer read from the database (stored receipts, entries proved in the newest checkpoint), re-proved
/// in the newest checkpoint the quorum cosigned where the server requires one (`serve --witness-quorum`): a
/// client that pins the quorum believes no other. Receipts signed alone, and entries newer than that checkpoint,
/// stay as they are.
pub fn rewitness(db: &Db, witnesses: &[Witness], quorum: usize, proofs: &mut [&mut Value]) -> Result<(), DbError> {
    if quorum == 0 || witnesses.is_empty() {
        return Ok(());
    }
    let mut at: Vec<(usize, u64, String)> = Vec::new();
    for (position, proof) in proofs.iter().enumerate() {
        let Ok(logged) = serde_json::from_value::<LoggedEntry>((**proof).clone()) else { continue };
        if let Ok(parsed) = tlog::TlogProof::parse(&logged.proof) {
            at.push((position, parsed.index, logged.entry));
        }
    }
    if at.is_empty() {
        return Ok(());
    }
    let proved = db.read(|sql| match published(sql, witnesses, Needed::Quorum(quorum))? {
        Some((size, note)) => {
            let covered: Vec<&(usize, u64, String)> = at.iter().filter(|(_, index, _)| *index < size).collect();
            let indices: Vec<u64> = covered.iter().map(|(_, index, _)| *index).collect();
            let entries = crate::log::prove(sql, &indices, size, &note)?;
            Ok(covered.into_iter().zip(entries).collect::<Vec<_>>())
        }
        None => Ok(Vec::new()),
    })?;
    for ((position, _, entry), proved) in proved {
        // The same entry, proved anew; a proof whose entry is not the log's at that index is left as it is.
        if proved.entry != *entry {
            continue;
        }
        if let (Some(slot), Ok(value)) = (proofs.get_mut(*position), serde_json::to_value(&proved)) {
            **slot = value;
        }
    }
    Ok(())
}

/// The request to send `witness`, which last cosigned `old` entries, for the checkpoint `note` of `size`.
fn request_for(db: &Db, old: u64, size: u64, note: &str) -> Result<String, DbError> {
    let proof = db.read(|sql| {
        let tiles = SqlTiles::new(sql);
        let hashes = TileHashReader::new(size, &tiles);
        if old == 0 || old >= size {
            return Ok(Vec::new());
        }
        tlog::consistency_proof(&hashes, old, size).map_err(log_error)
    })?;
    Ok(AddCheckpoint { old_size: old, proof, checkpoint: note.to_owned() }.to_text())
}

/// One round with one witness: the newest checkpoint, unless it holds it already (`held`: what it holds).
fn round(
    db: &Db,
    witness: &Witness,
    held: &mut u64,
    agent: &ureq::Agent,
    cosigned: &tokio::sync::watch::Sender<u64>,
) -> Result<(), DbError> {
    let Some((size, note)) = db.read(crate::log::newest_with_size)? else { return Ok(()) };
    if *held >= size {
        return Ok(());
    }
    let body = request_for(db, *held, size, &note)?;
    let url = format!("{}/witness/add-checkpoint", witness.url);
    let mut answer = match agent.post(&url).header("content-type", "text/plain").send(body.as_bytes()) {
        Ok(answer) => answer,
        Err(error) => {
            tracing::warn!("witness {url} did not answer: {error}");
            return Ok(());
        }
    };
    let status = answer.status().as_u16();
    let text = answer.body_mut().with_config().limit(64 * 1024).read_to_string().unwrap_or_default();
    match status {
        200 => {
            // Only a cosignature by the configured key over this very checkpoint is kept.
            let prefix = format!("— {} ", witness.key.name);
            let line = text.lines().find(|line| line.starts_with(&prefix));
            let verified = line
                .is_some_and(|line| tlog::open(&format!("{note}{line}\n"), std::slice::from_ref(&witness.key)).is_ok());
            match line.filter(|_| verified) {
                Some(line) => {
                    db.write(|sql| {
                        sql.execute(
                            "INSERT INTO log_cosignatures (size, witness, line) VALUES (?1, ?2, ?3)
                             ON CONFLICT (size, witness) DO NOTHING",
                            args![size, &witness.key.name, &format!("{line}\n")],
                        )
                    })?;
                    *held = size;
                    // Receipts waiting for a witnessed checkpoint look again.
                    cosigned.send_modify(|count| *count += 1);
                }
                None => tracing::warn!("witness {url} answered without a valid cosignature"),
            }
        }
        // The witness holds another size than we thought (a restart, another server on this database).
        409 => match text.trim().parse::<u64>() {
            Ok(size) => *held = size,
            Err(_) => tracing::warn!("witness {url} answered 409 without a size"),
        },
        _ => {
            tracing::warn!("witness {url} refused the checkpoint of {size} entries: HTTP {status} {}", text.trim())
        }
    }
    Ok(())
}

/// Runs the witnessing rounds until the process ends, a thread per witness (the requests block, and a witness
/// that is slow or away must not hold up the others): every half second, and at once when its `wake` says a
/// receipt waits for its checkpoint to be cosigned; each cosignature kept is told on `cosigned`.
pub fn start(
    db: Db,
    witnesses: Vec<(Witness, std::sync::mpsc::Receiver<()>)>,
    cosigned: Arc<tokio::sync::watch::Sender<u64>>,
) {
    for (witness, wake) in witnesses {
        let (db, cosigned) = (db.clone(), cosigned.clone());
        let spawned = std::thread::Builder::new().name("xinnuo-witness".into()).spawn(move || {
            let agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(10)))
                .user_agent(concat!("xinnuo-log/", env!("CARGO_PKG_VERSION")))
                .build()
                .new_agent();
            // What the witness holds: learnt from its 409 answers, so a restart costs one round trip.
            let mut held = 0u64;
            loop {
                if let Err(error) = round(&db, &witness, &mut held, &agent, &cosigned) {
                    tracing::warn!("witnessing: {error}");
                }
                match wake.recv_timeout(Duration::from_millis(500)) {
                    // Several wake-ups while a round ran: one more round answers them all.
                    Ok(()) => while wake.try_recv().is_ok() {},
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                        std::thread::sleep(Duration::from_millis(500))
                    }
                }
            }
        });
        if let Err(error) = spawned {
            tracing::error!("cannot start a witnessing thread: {error}");
        }
    }
}

/// Cosigns the checkpoint `note` of `size` with `witness` and stores the line as a witness's answer would be
/// (for tests); answers the line.
#[cfg(test)]
pub(crate) fn store_test_cosignature(db: &Db, witness: &WitnessKey, size: u64, note: &str) -> String {
    let text = note.split("\n\n").next().unwrap_or_default().to_owned() + "\n";
    let line = witness.signer.sign_line(&text, 1_796_000_000).expect("cosigned");
    db.write(|sql| {
        sql.execute(
            "INSERT INTO log_cosignatures (size, witness, line) VALUES (?1, ?2, ?3)",
            args![size, &witness.verifier().name, &line],
        )
    })
    .expect("stored");
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_server_key;

    /// A retiring witness is asked and its cosignature required and served beside the others', but it does not
    /// count in the quorum; the entry naming the witnesses is proved where every witness asked cosigned.
    #[test]
    fn a_retiring_witness_is_served_but_not_counted() {
        let db = Db::open(":memory:").unwrap();
        let key = test_server_key();
        db.store_commitments(&[&crate::store::test_commitment("a", "kid-a", "")], &key).unwrap();
        let (size, note) = db.read(crate::log::newest_with_size).unwrap().unwrap();
        let (asked, retiring) = (
            WitnessKey::derive("xinnuo.witness/asked", &[2; 32]).unwrap(),
            WitnessKey::derive("xinnuo.witness/retiring", &[3; 32]).unwrap(),
        );
        let witnesses = [
            Witness { url: "http://127.0.0.1:9".into(), key: asked.verifier(), retiring: false },
            Witness { url: "http://127.0.0.1:9".into(), key: retiring.verifier(), retiring: true },
        ];
        let cosign = |witness: &WitnessKey| store_test_cosignature(&db, witness, size, &note);
        let served = || db.read(|sql| published_checkpoint(sql, &witnesses, 1)).unwrap();
        let every = || proof_cosigned_by_every(&db, &witnesses, size - 1).unwrap();
        let asked_line = cosign(&asked);
        assert_eq!(served(), None, "the quorum, but not yet the retiring witness");
        assert_eq!(every(), None);
        let retiring_line = cosign(&retiring);
        assert_eq!(served(), Some(format!("{note}{asked_line}{retiring_line}")), "both lines served");
        let alone = [witnesses[1].clone()];
        assert_eq!(db.read(|sql| published_checkpoint(sql, &alone, 1)).unwrap(), None, "a retiring one is no quorum");
        assert!(every().unwrap().proof.ends_with(&format!("{asked_line}{retiring_line}")));
        assert_eq!(policy(&witnesses, 1), WitnessPolicy::new(vec![asked.verifier().to_string()], 1));
    }

    /// The log records the witnesses when they change, and only then: not for a log that never had any, once
    /// for each new set or quorum, again for a set it had before another.
    #[test]
    fn the_log_records_the_witnesses_and_quorum_each_time_they_change() {
        let db = Db::open(":memory:").unwrap();
        let key = test_server_key();
        let witness = |seed: u8| Witness {
            url: "http://127.0.0.1:9".into(),
            key: WitnessKey::derive(&format!("xinnuo.witness/{seed}"), &[seed; 32]).unwrap().verifier(),
            retiring: false,
        };
        let record = |witnesses: &[Witness], quorum: usize| {
            record_policy(&db, &policy(witnesses, quorum), &key.log, "2026-12-08T05:00:00.000Z").unwrap()
        };
        let size = || db.read(crate::log::size).unwrap();
        assert_eq!(record(&[], 0), None, "no witnesses ever: nothing to record");
        let (a, b) = (witness(1), witness(2));
        let first = size();
        assert_eq!(record(std::slice::from_ref(&a), 1), Some(first));
        assert_eq!(record(std::slice::from_ref(&a), 1), None, "the same again");
        assert_eq!(record(&[b.clone(), a.clone()], 1), Some(first + 1));
        assert_eq!(record(&[a.clone(), b.clone()], 1), None, "the same set in another order");
        assert_eq!(record(&[a.clone(), b.clone()], 2), Some(first + 2), "another quorum");
        assert_eq!(record(std::slice::from_ref(&a), 1), Some(first + 3), "a set it had before another");
        let retiring = Witness { retiring: true, ..b.clone() };
        assert_eq!(record(&[a.clone(), retiring], 1), None, "a retiring witness is not in the policy");
        assert_eq!(record(&[], 0), Some(first + 4), "witnesses dropped: recorded too");
        assert_eq!(size(), first + 5);
        // The newest entry about a policy is the one a client asks for, with its proof.
        let logged = db
            .read(|sql| crate::log::proof_of(sql, &policy(std::slice::from_ref(&a), 1).reference()))
            .unwrap()
            .unwrap();
        let event = LogEvent::parse(logged.entry.as_bytes()).unwrap();
        assert_eq!(
            event,
            LogEvent::WitnessPolicy {
                witnesses: vec![a.key.to_string()],
                quorum: 1,
                at: "2026-12-08T05:00:00.000Z".into()
            }
        );
        assert!(
            logged.proof.starts_with(&format!("c2sp.org/tlog-proof@v1\nindex {}\n", first + 3)),
            "{}",
            logged.proof
        );
    }
}
