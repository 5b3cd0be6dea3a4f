//! The public log on the server: each change to the public record appends its entry (`public_log::LogEvent`)
//! in the very transaction that makes the change, and the transaction signs one checkpoint for all it
//! appended. So the log and the tables cannot disagree, a batch of submissions costs one signature, and
//! servers sharing a database take turns under the write lock (the sequencer is the transaction).
//! Tiles, entry bundles and checkpoints are stored as published (C2SP tlog-tiles); the core computes them.

use std::cell::RefCell;

use sha2::{Digest, Sha256};
use xinnuo_core::public_log::{LogEvent, LoggedEntry};
use xinnuo_core::tlog::{
    self, Checkpoint, NoteSigner, Tile, TileHashReader, TileLevel, TileReader, TlogError, TlogProof, VerifierKey,
};

use crate::db::DbError;
use crate::sql::args;
use crate::sql::{row, Sql};

/// The log's signing key: a key of its own (a note key signs any text it is given, so never the key that
/// signs JWS documents), derived from the server's signing key so every server on one database has it.
pub struct LogKey {
    pub origin: String,
    signer: NoteSigner,
}

impl LogKey {
    pub fn derive(origin: &str, server_seed: &[u8; 32]) -> Result<Self, DbError> {
        let mut hasher = Sha256::new();
        hasher.update(b"xinnuo.log-key/1\n");
        hasher.update(server_seed);
        let seed: [u8; 32] = hasher.finalize().into();
        let signer = NoteSigner::ed25519(origin, &seed).map_err(log_error)?;
        Ok(Self { origin: origin.to_owned(), signer })
    }

    /// The verifier key (`<origin>+<key id>+<key>`), published with the server keys and pinned by verifiers.
    pub fn verifier(&self) -> VerifierKey {
        self.signer.verifier_key()
    }
}

pub(crate) fn log_error(error: TlogError) -> DbError {
    DbError::Other(format!("public log: {error}"))
}

/// The stored tiles, read inside the transaction that appends to them.
pub(crate) struct SqlTiles<'a, 'b> {
    sql: RefCell<&'a mut (dyn Sql + 'b)>,
}

impl<'a, 'b> SqlTiles<'a, 'b> {
    pub(crate) fn new(sql: &'a mut (dyn Sql + 'b)) -> Self {
        Self { sql: RefCell::new(sql) }
    }
}

impl TileReader for SqlTiles<'_, '_> {
    fn read_tile(&self, tile: &Tile) -> Result<Vec<u8>, TlogError> {
        let path = tile.path();
        let mut sql = self.sql.borrow_mut();
        row(*sql, "SELECT data FROM log_tiles WHERE path = ?1", args![&path], |row| row.get::<Vec<u8>>(0))
            .ok()
            .flatten()
            .ok_or(TlogError::TileMissing(path))
    }
}

/// The log's size (the newest checkpoint's).
pub fn size(sql: &mut dyn Sql) -> Result<u64, DbError> {
    sql.query_one("SELECT COALESCE(MAX(size), 0) FROM log_checkpoints", &[])?.get(0)
}

/// What an append made: the index of its first entry, the new size and the signed checkpoint.
#[derive(Debug, Clone)]
pub struct Appended {
    pub first: u64,
    pub size: u64,
    pub checkpoint: String,
}

/// Appends the events as entries, stores the tiles and bundles they complete and the partial ones of the new
/// size, and signs the new checkpoint. Nothing appended, nothing signed.
pub fn append(sql: &mut dyn Sql, key: &LogKey, events: &[LogEvent], now: &str) -> Result<Appended, DbError> {
    let old = size(sql)?;
    if events.is_empty() {
        let checkpoint = newest_checkpoint(sql)?.unwrap_or_default();
        return Ok(Appended { first: old, size: old, checkpoint });
    }
    let entries: Vec<Vec<u8>> = events.iter().map(LogEvent::entry).collect();
    let growth = {
        let tiles = SqlTiles { sql: RefCell::new(&mut *sql) };
        tlog::append(old, &tiles, &entries).map_err(log_error)?
    };
    for (tile, data) in &growth.files {
        let path = tile.path();
        sql.execute(
            "INSERT INTO log_tiles (path, data) VALUES (?1, ?2) ON CONFLICT (path) DO NOTHING",
            args![&path, data.as_slice()],
        )?;
        if tile.is_full() {
            // The partial tiles of a full one are needed no more: a reader falls back to the full tile.
            sql.execute("DELETE FROM log_tiles WHERE path LIKE ?1", args![&format!("{path}.p/%")])?;
        }
    }
    // The entries' references, many rows a statement (as the store writes a batch). A submission's entry is
    // found by its commitment's row instead (`log_index`, written with it by `store::insert_commitments`): an
    // index of random submission ids here cost a page write per submission.
    let references: Vec<(u64, String)> = events
        .iter()
        .enumerate()
        .filter(|(_, event)| !matches!(event, LogEvent::Received { .. }))
        .map(|(offset, event)| (old + offset as u64, event.reference()))
        .collect();
    for chunk in crate::sql::chunks_of_powers_of_two(&references) {
        let mut values = Vec::with_capacity(chunk.len() * 2);
        for (index, reference) in chunk {
            values.extend_from_slice(args![*index, reference.as_str()]);
        }
        sql.execute(
            &format!("INSERT INTO log_entries (idx, reference) VALUES {}", crate::sql::values_rows(chunk.len(), 2, "")),
            &values,
        )?;
    }
    let checkpoint = Checkpoint::new(&key.origin, growth.size, growth.root).sign(&key.signer).map_err(log_error)?;
    sql.execute(
        "INSERT INTO log_checkpoints (size, note, made_at) VALUES (?1, ?2, ?3)",
        args![growth.size, &checkpoint, now],
    )?;
    Ok(Appended { first: old, size: growth.size, checkpoint })
}

/// Appends the events and answers the first one's receipt: its entry with the inclusion proof in the checkpoint
/// just signed, as JSON text (what a decision or an objection stores and answers as its receipt).
pub fn append_with_receipt(sql: &mut dyn Sql, key: &LogKey, events: &[LogEvent], now: &str) -> Result<String, DbError> {
    let appended = append(sql, key, events, now)?;
    if events.is_empty() {
        return Err(DbError::Corrupt("a receipt for no event"));
    }
    let logged = prove(sql, &[appended.first], appended.size, &appended.checkpoint)?
        .pop()
        .ok_or(DbError::Corrupt("a logged event without its proof"))?;
    serde_json::to_string(&logged).map_err(|e| DbError::Other(e.to_string()))
}

/// The newest signed checkpoint, if anything was logged.
pub fn newest_checkpoint(sql: &mut dyn Sql) -> Result<Option<String>, DbError> {
    row(sql, "SELECT note FROM log_checkpoints ORDER BY size DESC LIMIT 1", &[], |row| row.get(0))
}

/// The newest checkpoint with its size.
pub fn newest_with_size(sql: &mut dyn Sql) -> Result<Option<(u64, String)>, DbError> {
    row(sql, "SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1", &[], |row| {
        Ok((row.get::<u64>(0)?, row.get::<String>(1)?))
    })
}

/// The entries at `indices` with their inclusion proofs in the checkpoint of `size` (its note given).
pub fn prove(sql: &mut dyn Sql, indices: &[u64], size: u64, checkpoint: &str) -> Result<Vec<LoggedEntry>, DbError> {
    let tiles = SqlTiles { sql: RefCell::new(sql) };
    let hashes = TileHashReader::new(size, &tiles);
    let mut bundles: std::collections::BTreeMap<u64, Vec<Vec<u8>>> = std::collections::BTreeMap::new();
    let mut proved = Vec::with_capacity(indices.len());
    for &index in indices {
        let bundle = index / tlog::TILE_WIDTH;
        let entries = match bundles.entry(bundle) {
            std::collections::btree_map::Entry::Occupied(read) => read.into_mut(),
            std::collections::btree_map::Entry::Vacant(unread) => {
                let width = size.saturating_sub(bundle * tlog::TILE_WIDTH).min(tlog::TILE_WIDTH) as u16;
                let tile = Tile { level: TileLevel::Entries, index: bundle, width };
                let bytes = read_bundle(&tiles, tile)?;
                let entries = tlog::parse_entry_bundle(&tile, &bytes).map_err(log_error)?;
                unread.insert(entries.into_iter().map(<[u8]>::to_vec).collect())
            }
        };
        let entry = entries.get((index % tlog::TILE_WIDTH) as usize).ok_or(DbError::Corrupt("log entry"))?;
        let proof = tlog::inclusion_proof(&hashes, size, index).map_err(log_error)?;
        proved.push(LoggedEntry {
            entry: String::from_utf8(entry.clone()).map_err(|_| DbError::Corrupt("log entry text"))?,
            proof: TlogProof { extra: None, index, proof, checkpoint: checkpoint.to_owned() }.to_text(),
        });
    }
    Ok(proved)
}

/// A bundle as stored: its partial form, or the full one once it is complete.
fn read_bundle(tiles: &SqlTiles<'_, '_>, tile: Tile) -> Result<Vec<u8>, DbError> {
    tiles
        .read_tile(&tile)
        .or_else(|_| tiles.read_tile(&Tile { width: tlog::TILE_WIDTH as u16, ..tile }))
        .map_err(log_error)
}

/// The index of the newest entry about `reference`.
pub fn index_of(sql: &mut dyn Sql, reference: &str) -> Result<Option<u64>, DbError> {
    row(
        sql,
        "SELECT idx FROM (SELECT log_index AS idx FROM commitments WHERE submission_id = ?1 AND log_index IS NOT NULL
             UNION ALL SELECT idx FROM log_entries WHERE reference = ?1) found ORDER BY idx DESC LIMIT 1",
        args![reference],
        |row| row.get::<u64>(0),
    )
}

/// Whether a proved entry is about `reference`. A submission's row keeps its entry's index (`log_index`): were
/// the log cut back in the database, another entry could come to stand at that index — never shown as this one's.
pub fn is_about(logged: &LoggedEntry, reference: &str) -> bool {
    LogEvent::parse(logged.entry.as_bytes()).is_ok_and(|event| event.reference() == reference)
}

/// The newest entry about `reference` (a submission, objection or decision id, `code/record`, a kid) with
/// its proof in the newest checkpoint.
pub fn proof_of(sql: &mut dyn Sql, reference: &str) -> Result<Option<LoggedEntry>, DbError> {
    let Some(index) = index_of(sql, reference)? else { return Ok(None) };
    let (size, checkpoint) = newest_with_size(sql)?.ok_or(DbError::Corrupt("log without checkpoint"))?;
    Ok(prove(sql, &[index], size, &checkpoint)?.pop().filter(|logged| is_about(logged, reference)))
}
