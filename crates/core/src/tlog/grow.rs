//! A log as it lives on a server and as a monitor reads it: growing it by a batch from its stored tiles
//! alone (what a sequencer writes for each checkpoint), and checking a whole log's tiles and entry bundles
//! against a signed root (what a monitor does before it trusts anything the log shows).

use std::collections::BTreeMap;

use super::error::{Fault, TlogError};
use super::merkle::{leaf_hash, node_hash, tree_root, Hash, MemoryTree};
use super::tile::{entry_bundle, parse_entry_bundle, Tile, TileHashReader, TileLevel, TileReader, TILE_WIDTH};

/// What a batch adds to a log: the new size and root, and every tile and entry bundle to publish for it
/// (the full tiles it completes and the partial tiles of the new size).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Growth {
    pub size: u64,
    pub root: Hash,
    pub files: Vec<(Tile, Vec<u8>)>,
}

/// Appends `entries` to the log of `old_size` entries whose tiles and bundles `stored` holds (the partial
/// tiles of `old_size`, as published with its checkpoint, and the full tiles). Reads only the right edge: at
/// most one partial tile per level, one partial bundle, and what the new root needs.
pub fn append<R: TileReader + ?Sized, E: AsRef<[u8]>>(
    old_size: u64,
    stored: &R,
    entries: &[E],
) -> Result<Growth, TlogError> {
    let added = entries.len() as u64;
    let size = old_size.checked_add(added).ok_or(TlogError::IndexOutOfRange { index: u64::MAX, size: old_size })?;
    let mut files = Vec::new();

    // Entry bundles: the old partial bundle's entries, then the new ones.
    let first_bundle = old_size / TILE_WIDTH;
    let kept = (old_size % TILE_WIDTH) as u16;
    let mut pending: Vec<Vec<u8>> = Vec::new();
    if kept > 0 && added > 0 {
        let tile = Tile { level: TileLevel::Entries, index: first_bundle, width: kept };
        let bytes = stored.read_tile(&tile)?;
        pending.extend(parse_entry_bundle(&tile, &bytes)?.into_iter().map(<[u8]>::to_vec));
    }
    pending.extend(entries.iter().map(|e| e.as_ref().to_vec()));
    if added > 0 {
        for (i, chunk) in pending.chunks(TILE_WIDTH as usize).enumerate() {
            let index = first_bundle + i as u64;
            let tile = Tile { level: TileLevel::Entries, index, width: chunk.len() as u16 };
            files.push((tile, entry_bundle(index.saturating_mul(TILE_WIDTH), chunk)?));
        }
    }

    // Hash tiles, level by level: the old partial tile's hashes, then the hashes the batch adds at that level
    // (level 0: the leaf hashes; above: the hashes of the full tiles completed below).
    let mut appended: Vec<Hash> = entries.iter().map(|e| leaf_hash(e.as_ref())).collect();
    let mut level = 0u8;
    while !appended.is_empty() {
        let shift = u32::from(level) * 8;
        let old_count = old_size.checked_shr(shift).unwrap_or(0);
        let first_tile = old_count / TILE_WIDTH;
        let kept = (old_count % TILE_WIDTH) as u16;
        let mut hashes: Vec<Hash> = Vec::new();
        if kept > 0 {
            let tile = Tile { level: TileLevel::Hashes(level), index: first_tile, width: kept };
            let bytes = stored.read_tile(&tile)?;
            if bytes.len() != usize::from(kept) * 32 {
                return Err(TlogError::TileMalformed { path: tile.path(), fault: Fault::WrongLength });
            }
            hashes.extend(bytes.chunks_exact(32).filter_map(|chunk| <Hash>::try_from(chunk).ok()));
        }
        hashes.append(&mut appended);
        for (i, chunk) in hashes.chunks(TILE_WIDTH as usize).enumerate() {
            let tile =
                Tile { level: TileLevel::Hashes(level), index: first_tile + i as u64, width: chunk.len() as u16 };
            if tile.is_full() {
                appended.push(subtree_hash(chunk));
            }
            files.push((tile, chunk.concat()));
        }
        level += 1;
    }

    // The new root, from the new files over the stored ones.
    let written: BTreeMap<Tile, Vec<u8>> = files.iter().cloned().collect();
    let overlay = Overlay { written: &written, stored };
    let root = tree_root(&TileHashReader::new(size, &overlay), size)?;
    Ok(Growth { size, root, files })
}

struct Overlay<'a, R: TileReader + ?Sized> {
    written: &'a BTreeMap<Tile, Vec<u8>>,
    stored: &'a R,
}

impl<R: TileReader + ?Sized> TileReader for Overlay<'_, R> {
    fn read_tile(&self, tile: &Tile) -> Result<Vec<u8>, TlogError> {
        match self.written.get(tile) {
            Some(bytes) => Ok(bytes.clone()),
            None => self.stored.read_tile(tile),
        }
    }
}

/// The hash of a full tile's subtree (256 hashes).
fn subtree_hash(hashes: &[Hash]) -> Hash {
    if hashes.len() <= 1 {
        return hashes.first().copied().unwrap_or([0; 32]);
    }
    let half = hashes.len() / 2;
    node_hash(&subtree_hash(&hashes[..half]), &subtree_hash(&hashes[half..]))
}

/// Reads a whole log of `size` entries: every entry bundle, then every hash tile compared byte for byte with
/// the tree the entries make, and that tree's root with `root` (a checkpoint's). Answers the tree (for
/// consistency proofs to older checkpoints) and the entries. A changed, missing or extra entry, or a tile
/// that does not match, is an error naming the file.
pub fn verify_log<R: TileReader + ?Sized>(
    size: u64,
    root: &Hash,
    reader: &R,
) -> Result<(MemoryTree, Vec<Vec<u8>>), TlogError> {
    let mut tree = MemoryTree::new();
    let mut entries = Vec::new();
    for bundle in super::tile::bundles_for_growth(0, size) {
        let bytes = reader.read_tile(&bundle)?;
        for entry in parse_entry_bundle(&bundle, &bytes)? {
            tree.push_entry(entry);
            entries.push(entry.to_vec());
        }
    }
    for tile in super::tile::tiles_for_size(size) {
        let expected = super::tile::tile_data(&tree, &tile)?;
        if reader.read_tile(&tile)? != expected {
            return Err(TlogError::TileMalformed { path: tile.path(), fault: Fault::WrongHash });
        }
    }
    if tree.root() != *root {
        return Err(TlogError::RootMismatch { size });
    }
    Ok((tree, entries))
}
