//! C2SP tlog-tiles: the tree as static files. A hash tile at level L holds up to 256 consecutive hashes of
//! complete subtrees of 256^L leaves; an entry bundle holds up to 256 entries, each a big-endian uint16 length
//! and the bytes. Full tiles never change; the rightmost tile of each level is partial (`.p/<W>`).
//! Go's `sumdb/tlog` tiles of height 8 are the same bytes (its paths add the height: `tile/8/L/N`).

use std::cell::RefCell;
use std::collections::BTreeMap;

use super::error::{Fault, TlogError};
use super::merkle::{leaf_hash, node_hash, Hash, MemoryTree, NodeReader, RecordingReader};

/// Tile height: each tile spans 8 levels of the tree.
pub const TILE_HEIGHT: u8 = 8;
/// Hashes in a full tile, entries in a full bundle.
pub const TILE_WIDTH: u64 = 256;
/// The longest entry a bundle holds.
pub const MAX_ENTRY_LEN: usize = u16::MAX as usize;
/// The highest hash-tile level a path may name.
pub const MAX_TILE_LEVEL: u8 = 63;

/// A hash tile's level, or the entry bundles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TileLevel {
    Hashes(u8),
    Entries,
}

/// A tile or an entry bundle: its level, its index in the level, and its width (1–256; 256 is full).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tile {
    pub level: TileLevel,
    pub index: u64,
    pub width: u16,
}

impl Tile {
    pub fn is_full(&self) -> bool {
        u64::from(self.width) == TILE_WIDTH
    }

    /// The C2SP path: `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`, N in 3-digit elements, all but
    /// the last prefixed with `x` (1234067 → `x001/x234/067`).
    pub fn path(&self) -> String {
        let level = match self.level {
            TileLevel::Hashes(level) => level.to_string(),
            TileLevel::Entries => "entries".to_owned(),
        };
        let mut path = format!("tile/{level}/{}", index_path(self.index));
        if !self.is_full() {
            path.push_str(&format!(".p/{}", self.width));
        }
        path
    }

    /// Reads a C2SP tile path; only the canonical form (what [`Tile::path`] writes) is accepted.
    pub fn parse_path(path: &str) -> Result<Self, TlogError> {
        let bad = || TlogError::TilePathMalformed(path.chars().take(200).collect());
        if path.len() > 200 {
            return Err(bad());
        }
        let mut parts: Vec<&str> = path.split('/').collect();
        if parts.len() < 3 || parts[0] != "tile" {
            return Err(bad());
        }
        let level = match parts[1] {
            "entries" => TileLevel::Entries,
            text => {
                TileLevel::Hashes(text.parse::<u8>().ok().filter(|level| *level <= MAX_TILE_LEVEL).ok_or_else(bad)?)
            }
        };
        let mut width = TILE_WIDTH as u16;
        if let Some(last) = parts.len().checked_sub(2).and_then(|i| parts[i].strip_suffix(".p")) {
            let w: u16 = parts[parts.len() - 1].parse().map_err(|_| bad())?;
            if w == 0 || u64::from(w) >= TILE_WIDTH {
                return Err(bad());
            }
            width = w;
            let at = parts.len() - 2;
            parts[at] = last;
            parts.pop();
        }
        let mut index: u64 = 0;
        for element in &parts[2..] {
            let digits = element.strip_prefix('x').unwrap_or(element);
            if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let value: u64 = digits.parse().map_err(|_| bad())?;
            index = index.checked_mul(1000).and_then(|i| i.checked_add(value)).ok_or_else(bad)?;
        }
        let tile = Self { level, index, width };
        if tile.path() != path {
            return Err(bad());
        }
        Ok(tile)
    }
}

/// N as path elements: `x001/x234/067`.
fn index_path(index: u64) -> String {
    let mut n = index;
    let mut path = format!("{:03}", n % 1000);
    while n >= 1000 {
        n /= 1000;
        path = format!("x{:03}/{path}", n % 1000);
    }
    path
}

/// How many hashes the tree of `size` leaves has at tile level `level` (complete subtrees of 256^level).
fn hashes_at(size: u64, level: u8) -> u64 {
    let shift = u32::from(level) * u32::from(TILE_HEIGHT);
    size.checked_shr(shift).unwrap_or(0)
}

/// Every tile of the tree of `size` leaves, full and partial, level by level (entry bundles not included).
pub fn tiles_for_size(size: u64) -> Vec<Tile> {
    new_tiles(0, size)
}

/// The tiles to publish when the tree grows from `old` to `new` leaves: the full tiles it completes and the
/// partial tile of each level at `new` (empty tiles are never served). Entry bundles: [`bundles_for_growth`].
pub fn new_tiles(old: u64, new: u64) -> Vec<Tile> {
    let mut tiles = Vec::new();
    let mut level = 0u8;
    while level <= MAX_TILE_LEVEL && hashes_at(new, level) > 0 {
        grow_level(TileLevel::Hashes(level), hashes_at(old.min(new), level), hashes_at(new, level), &mut tiles);
        level += 1;
    }
    tiles
}

/// The entry bundles to publish when the log grows from `old` to `new` entries.
pub fn bundles_for_growth(old: u64, new: u64) -> Vec<Tile> {
    let mut tiles = Vec::new();
    grow_level(TileLevel::Entries, old.min(new), new, &mut tiles);
    tiles
}

fn grow_level(level: TileLevel, old_count: u64, new_count: u64, out: &mut Vec<Tile>) {
    for index in old_count / TILE_WIDTH..new_count / TILE_WIDTH {
        out.push(Tile { level, index, width: TILE_WIDTH as u16 });
    }
    let rest = new_count % TILE_WIDTH;
    if rest > 0 && new_count > old_count {
        out.push(Tile { level, index: new_count / TILE_WIDTH, width: rest as u16 });
    }
}

/// The tile of a tree of `size` leaves that holds the hashes to compute the subtree (`level`, `index`),
/// and where they start in it and how many there are.
fn tile_of_node(size: u64, level: u8, index: u64) -> Result<(Tile, usize, usize), TlogError> {
    if level > 63 || (u128::from(index) + 1) << level > u128::from(size) {
        let start = u64::try_from(u128::from(index) << level.min(64)).unwrap_or(u64::MAX);
        return Err(TlogError::IndexOutOfRange { index: start, size });
    }
    let tile_level = level / TILE_HEIGHT;
    let within = level % TILE_HEIGHT;
    let first = index << within;
    let tile_index = first / TILE_WIDTH;
    let available = hashes_at(size, tile_level) - tile_index * TILE_WIDTH;
    let width = available.min(TILE_WIDTH) as u16;
    let tile = Tile { level: TileLevel::Hashes(tile_level), index: tile_index, width };
    Ok((tile, (first % TILE_WIDTH) as usize, 1usize << within))
}

/// The bytes of a hash tile of `tree` (the concatenated hashes).
pub fn tile_data(tree: &MemoryTree, tile: &Tile) -> Result<Vec<u8>, TlogError> {
    let TileLevel::Hashes(level) = tile.level else {
        return Err(TlogError::TileMissing(tile.path()));
    };
    let Some(tree_level) = level.checked_mul(TILE_HEIGHT) else {
        return Err(TlogError::TileMissing(tile.path()));
    };
    let hashes = tree.level(tree_level);
    let start = usize::try_from(tile.index.saturating_mul(TILE_WIDTH)).unwrap_or(usize::MAX);
    let end = start.saturating_add(usize::from(tile.width));
    if end > hashes.len() {
        return Err(TlogError::TileMissing(tile.path()));
    }
    Ok(hashes[start..end].concat())
}

/// An entry bundle: each entry as a big-endian uint16 length and its bytes. `first` is the log index of the
/// first entry (for the error naming a long one).
pub fn entry_bundle<E: AsRef<[u8]>>(first: u64, entries: &[E]) -> Result<Vec<u8>, TlogError> {
    let mut out = Vec::with_capacity(entries.iter().map(|e| e.as_ref().len() + 2).sum());
    for (i, entry) in entries.iter().enumerate() {
        let entry = entry.as_ref();
        let len = u16::try_from(entry.len())
            .map_err(|_| TlogError::EntryTooLarge { index: first.saturating_add(i as u64), len: entry.len() })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(entry);
    }
    Ok(out)
}

/// Reads an entry bundle: exactly `tile.width` entries and no byte more.
pub fn parse_entry_bundle<'a>(tile: &Tile, bytes: &'a [u8]) -> Result<Vec<&'a [u8]>, TlogError> {
    let bad = |fault| TlogError::TileMalformed { path: tile.path(), fault };
    let mut entries = Vec::with_capacity(usize::from(tile.width));
    let mut rest = bytes;
    while !rest.is_empty() {
        if entries.len() == usize::from(tile.width) || rest.len() < 2 {
            return Err(bad(Fault::WrongLength));
        }
        let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
        let entry = rest.get(2..2 + len).ok_or_else(|| bad(Fault::WrongLength))?;
        entries.push(entry);
        rest = &rest[2 + len..];
    }
    if entries.len() != usize::from(tile.width) {
        return Err(bad(Fault::WrongLength));
    }
    Ok(entries)
}

/// A log's files as they are served: the tree and every tile and entry bundle for its size.
#[derive(Debug, Clone)]
pub struct BuiltLog {
    pub tree: MemoryTree,
    /// Hash tiles then entry bundles, each with its bytes.
    pub files: Vec<(Tile, Vec<u8>)>,
}

/// Builds the tree, the hash tiles and the entry bundles of a log holding `entries`.
pub fn build_log<E: AsRef<[u8]>>(entries: &[E]) -> Result<BuiltLog, TlogError> {
    let tree = MemoryTree::from_entries(entries);
    let mut files = Vec::new();
    for tile in tiles_for_size(tree.size()) {
        let data = tile_data(&tree, &tile)?;
        files.push((tile, data));
    }
    for (index, chunk) in entries.chunks(TILE_WIDTH as usize).enumerate() {
        let tile = Tile { level: TileLevel::Entries, index: index as u64, width: chunk.len() as u16 };
        files.push((tile, entry_bundle(index as u64 * TILE_WIDTH, chunk)?));
    }
    Ok(BuiltLog { tree, files })
}

/// Where tiles come from: files, a database, or what a browser fetched.
pub trait TileReader {
    /// The bytes of `tile`, or [`TlogError::TileMissing`].
    fn read_tile(&self, tile: &Tile) -> Result<Vec<u8>, TlogError>;
}

impl TileReader for BTreeMap<Tile, Vec<u8>> {
    fn read_tile(&self, tile: &Tile) -> Result<Vec<u8>, TlogError> {
        self.get(tile).cloned().ok_or_else(|| TlogError::TileMissing(tile.path()))
    }
}

/// The subtree hashes of the tree of `size` leaves, read from its tiles (the partial tiles of that size, or
/// the full tile in their place).
/// Tiles are checked for length only: a proof made from them proves nothing until it is verified against a
/// signed root ([`super::merkle::verify_inclusion`], or [`super::merkle::tree_root`] compared with a checkpoint).
pub struct TileHashReader<'a, R: TileReader + ?Sized> {
    size: u64,
    reader: &'a R,
    tiles: RefCell<BTreeMap<Tile, Vec<Hash>>>,
    /// Every subtree hash computed: the proofs of a batch's entries share most of their siblings, so each is
    /// hashed once per reader, not once per proof.
    nodes: RefCell<BTreeMap<(u8, u64), Hash>>,
}

impl<'a, R: TileReader + ?Sized> TileHashReader<'a, R> {
    pub fn new(size: u64, reader: &'a R) -> Self {
        Self { size, reader, tiles: RefCell::new(BTreeMap::new()), nodes: RefCell::new(BTreeMap::new()) }
    }

    /// The stored hash at `start` of `tile`.
    fn stored(&self, tile: &Tile, start: usize) -> Result<Hash, TlogError> {
        let malformed = || TlogError::TileMalformed { path: tile.path(), fault: Fault::WrongLength };
        if let Some(hashes) = self.tiles.borrow().get(tile) {
            return hashes.get(start).copied().ok_or_else(malformed);
        }
        let data = self.reader.read_tile(tile)?;
        // A full tile where a partial one was asked is the spec's fallback (the log may delete a partial
        // tile once the full one exists): its first hashes are the partial tile's.
        let full = TILE_WIDTH as usize * 32;
        if data.len() != usize::from(tile.width) * 32 && data.len() != full {
            return Err(malformed());
        }
        let hashes: Vec<Hash> =
            data.chunks_exact(32).take(usize::from(tile.width)).filter_map(|chunk| chunk.try_into().ok()).collect();
        let hash = hashes.get(start).copied().ok_or_else(malformed);
        self.tiles.borrow_mut().insert(*tile, hashes);
        hash
    }
}

impl<R: TileReader + ?Sized> NodeReader for TileHashReader<'_, R> {
    fn node(&self, level: u8, index: u64) -> Result<Hash, TlogError> {
        if let Some(hash) = self.nodes.borrow().get(&(level, index)) {
            return Ok(*hash);
        }
        let (tile, start, _) = tile_of_node(self.size, level, index)?;
        // A tile stores the hashes of its own level; those between are its subtrees, hashed from their halves.
        let hash = if level % TILE_HEIGHT == 0 {
            self.stored(&tile, start)?
        } else {
            node_hash(&self.node(level - 1, 2 * index)?, &self.node(level - 1, 2 * index + 1)?)
        };
        self.nodes.borrow_mut().insert((level, index), hash);
        Ok(hash)
    }
}

/// The tiles a computation over the tree of `size` leaves reads, in order, each once: run `prove` (an
/// inclusion or consistency proof, or the tree root) with the given reader to learn them without data.
pub fn tiles_needed<T>(
    size: u64,
    prove: impl FnOnce(&RecordingReader) -> Result<T, TlogError>,
) -> Result<Vec<Tile>, TlogError> {
    let recorder = RecordingReader::default();
    prove(&recorder)?;
    let mut tiles: Vec<Tile> = Vec::new();
    for (level, index) in recorder.asked.into_inner() {
        let (tile, _, _) = tile_of_node(size, level, index)?;
        if !tiles.contains(&tile) {
            tiles.push(tile);
        }
    }
    Ok(tiles)
}

/// The level-0 tile and entry bundle that hold entry `index` of the tree of `size` leaves.
pub fn tiles_of_entry(size: u64, index: u64) -> Result<(Tile, Tile), TlogError> {
    let (tile, _, _) = tile_of_node(size, 0, index)?;
    Ok((tile, Tile { level: TileLevel::Entries, ..tile }))
}

/// The leaf hashes of a bundle's entries: what the level-0 tile of the same index and width must hold.
pub fn hashes_of_bundle(tile: &Tile, bundle: &[u8]) -> Result<Vec<Hash>, TlogError> {
    Ok(parse_entry_bundle(tile, bundle)?.into_iter().map(leaf_hash).collect())
}
