//! The Merkle tree of RFC 6962 §2.1 (RFC 9162 §2.1): leaf and node hashes, the tree hash, inclusion and
//! consistency proofs, made from any store of complete-subtree hashes ([`NodeReader`]) and verified with the
//! algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2.

use sha2::{Digest, Sha256};

use super::error::TlogError;

/// A SHA-256 hash: a leaf, a node or a tree's root.
pub type Hash = [u8; 32];

/// The most hashes a proof in a tree of at most 2^64 leaves holds.
pub const MAX_PROOF_HASHES: usize = 64;

/// Leaf hash: SHA-256(0x00 ‖ entry).
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(entry);
    hasher.finalize().into()
}

/// Interior node hash: SHA-256(0x01 ‖ left ‖ right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The root of the empty tree: SHA-256 of nothing.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The tree hash (MTH) of a list of leaf hashes.
pub fn root_of_leaves(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = largest_power_of_two_below(n as u64) as usize;
            node_hash(&root_of_leaves(&leaves[..k]), &root_of_leaves(&leaves[k..]))
        }
    }
}

/// The tree hash (MTH) of a list of entries.
pub fn root_of_entries<E: AsRef<[u8]>>(entries: &[E]) -> Hash {
    let leaves: Vec<Hash> = entries.iter().map(|entry| leaf_hash(entry.as_ref())).collect();
    root_of_leaves(&leaves)
}

/// The largest power of two strictly below `n` (every caller has n ≥ 2; below that, 1).
fn largest_power_of_two_below(n: u64) -> u64 {
    if n < 2 {
        return 1;
    }
    1 << (63 - (n - 1).leading_zeros())
}

/// Where the hashes of a tree are kept: the hash of every complete subtree the tree has.
pub trait NodeReader {
    /// The hash of the complete subtree of 2^`level` leaves that starts at leaf `index << level`
    /// (level 0: the leaf hashes). Asked only for subtrees inside the tree being proved.
    fn node(&self, level: u8, index: u64) -> Result<Hash, TlogError>;
}

/// MTH(D[lo:hi]) for a range whose `lo` is a multiple of a power of two at least `hi - lo` (every range a
/// proof needs is one).
fn range_hash<R: NodeReader + ?Sized>(reader: &R, lo: u64, hi: u64) -> Result<Hash, TlogError> {
    let Some(width) = hi.checked_sub(lo).filter(|width| *width > 0) else {
        return Err(TlogError::IndexOutOfRange { index: lo, size: hi });
    };
    if width.is_power_of_two() {
        let level = width.trailing_zeros() as u8;
        return reader.node(level, lo >> level);
    }
    let k = largest_power_of_two_below(width);
    Ok(node_hash(&range_hash(reader, lo, lo + k)?, &range_hash(reader, lo + k, hi)?))
}

/// The root hash of the tree of `size` leaves.
pub fn tree_root<R: NodeReader + ?Sized>(reader: &R, size: u64) -> Result<Hash, TlogError> {
    if size == 0 {
        return Ok(empty_root());
    }
    range_hash(reader, 0, size)
}

/// The inclusion proof (RFC 9162 §2.1.3.1, PATH) of leaf `index` in the tree of `size` leaves, from the
/// leaf's sibling up to the root's child.
pub fn inclusion_proof<R: NodeReader + ?Sized>(reader: &R, size: u64, index: u64) -> Result<Vec<Hash>, TlogError> {
    if index >= size {
        return Err(TlogError::IndexOutOfRange { index, size });
    }
    let mut proof = Vec::new();
    path(reader, index, 0, size, &mut proof)?;
    Ok(proof)
}

/// PATH(m, D[lo:hi]), appended leaf side first.
fn path<R: NodeReader + ?Sized>(reader: &R, m: u64, lo: u64, hi: u64, out: &mut Vec<Hash>) -> Result<(), TlogError> {
    if hi - lo <= 1 {
        return Ok(());
    }
    let k = largest_power_of_two_below(hi - lo);
    if m < k {
        path(reader, m, lo, lo + k, out)?;
        out.push(range_hash(reader, lo + k, hi)?);
    } else {
        path(reader, m - k, lo + k, hi, out)?;
        out.push(range_hash(reader, lo, lo + k)?);
    }
    Ok(())
}

/// The consistency proof (RFC 9162 §2.1.4.1, PROOF) from the tree of `old` leaves to the tree of `new`
/// leaves. Empty when `old` is 0 or equals `new` (C2SP tlog-witness: the empty tree needs no proof).
pub fn consistency_proof<R: NodeReader + ?Sized>(reader: &R, old: u64, new: u64) -> Result<Vec<Hash>, TlogError> {
    if old > new {
        return Err(TlogError::SizeDecreased { old, new });
    }
    let mut proof = Vec::new();
    if old == 0 || old == new {
        return Ok(proof);
    }
    subproof(reader, old, 0, new, true, &mut proof)?;
    Ok(proof)
}

/// SUBPROOF(m, D[lo:hi], b).
fn subproof<R: NodeReader + ?Sized>(
    reader: &R,
    m: u64,
    lo: u64,
    hi: u64,
    whole: bool,
    out: &mut Vec<Hash>,
) -> Result<(), TlogError> {
    let n = hi - lo;
    if m == n {
        if !whole {
            out.push(range_hash(reader, lo, hi)?);
        }
        return Ok(());
    }
    let k = largest_power_of_two_below(n);
    if m <= k {
        subproof(reader, m, lo, lo + k, whole, out)?;
        out.push(range_hash(reader, lo + k, hi)?);
    } else {
        subproof(reader, m - k, lo + k, hi, false, out)?;
        out.push(range_hash(reader, lo, lo + k)?);
    }
    Ok(())
}

/// Verifies that `leaf` (a [`leaf_hash`]) is leaf `index` of the tree of `size` leaves with root `root`
/// (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, proof: &[Hash], root: &Hash) -> Result<(), TlogError> {
    if index >= size {
        return Err(TlogError::IndexOutOfRange { index, size });
    }
    if proof.len() > MAX_PROOF_HASHES {
        return Err(TlogError::InclusionProofInvalid);
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s_n == 0 {
            return Err(TlogError::InclusionProofInvalid);
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n == 0 && r == *root {
        Ok(())
    } else {
        Err(TlogError::InclusionProofInvalid)
    }
}

/// Verifies that the tree of `new` leaves with root `new_root` extends the tree of `old` leaves with root
/// `old_root` (RFC 9162 §2.1.4.2). Equal sizes need equal roots and no proof; the empty tree is extended by
/// every tree and needs no proof.
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), TlogError> {
    if old > new {
        return Err(TlogError::SizeDecreased { old, new });
    }
    if old == new {
        return if proof.is_empty() && old_root == new_root { Ok(()) } else { Err(TlogError::ConsistencyProofInvalid) };
    }
    if old == 0 {
        return if proof.is_empty() && *old_root == empty_root() {
            Ok(())
        } else {
            Err(TlogError::ConsistencyProofInvalid)
        };
    }
    if proof.is_empty() || proof.len() > MAX_PROOF_HASHES {
        return Err(TlogError::ConsistencyProofInvalid);
    }
    let path: Vec<Hash> = if old.is_power_of_two() {
        std::iter::once(*old_root).chain(proof.iter().copied()).collect()
    } else {
        proof.to_vec()
    };
    let (mut f_n, mut s_n) = (old - 1, new - 1);
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let (mut f_r, mut s_r) = (path[0], path[0]);
    for c in &path[1..] {
        if s_n == 0 {
            return Err(TlogError::ConsistencyProofInvalid);
        }
        if f_n & 1 == 1 || f_n == s_n {
            f_r = node_hash(c, &f_r);
            s_r = node_hash(c, &s_r);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            s_r = node_hash(&s_r, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if f_r == *old_root && s_r == *new_root && s_n == 0 {
        Ok(())
    } else {
        Err(TlogError::ConsistencyProofInvalid)
    }
}

/// A whole tree in memory: the hash of every complete subtree, level by level (`levels[l][i]` is the
/// subtree of 2^l leaves from leaf i·2^l). About two hashes per leaf; what a sequencer keeps of the part
/// of the tree it is still adding to, and what tests and the interoperability generator build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryTree {
    levels: Vec<Vec<Hash>>,
}

impl MemoryTree {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn from_entries<E: AsRef<[u8]>>(entries: &[E]) -> Self {
        let mut tree = Self::new();
        for entry in entries {
            tree.push_entry(entry.as_ref());
        }
        tree
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |leaves| leaves.len() as u64)
    }

    /// Appends an entry; its index is the size before.
    pub fn push_entry(&mut self, entry: &[u8]) -> u64 {
        self.push_leaf(leaf_hash(entry))
    }

    /// Appends a leaf hash and the subtrees it completes.
    pub fn push_leaf(&mut self, leaf: Hash) -> u64 {
        let index = self.size();
        let mut hash = leaf;
        let mut level = 0;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            self.levels[level].push(hash);
            let count = self.levels[level].len();
            if count % 2 == 1 {
                break;
            }
            hash = node_hash(&self.levels[level][count - 2], &self.levels[level][count - 1]);
            level += 1;
        }
        index
    }

    /// The hashes of complete subtrees at `level` (empty past the top).
    pub fn level(&self, level: u8) -> &[Hash] {
        self.levels.get(usize::from(level)).map_or(&[], Vec::as_slice)
    }

    pub fn root(&self) -> Hash {
        // The reader holds every subtree of the tree, so this cannot fail; the empty root is never used.
        tree_root(self, self.size()).unwrap_or_else(|_| empty_root())
    }
}

impl NodeReader for MemoryTree {
    fn node(&self, level: u8, index: u64) -> Result<Hash, TlogError> {
        usize::try_from(index).ok().and_then(|i| self.level(level).get(i).copied()).ok_or(TlogError::IndexOutOfRange {
            index: u128::from(index)
                .checked_shl(u32::from(level))
                .and_then(|i| u64::try_from(i).ok())
                .unwrap_or(u64::MAX),
            size: self.size(),
        })
    }
}

/// A reader that answers zeros and writes down what was asked: run a proof with it to learn which subtree
/// hashes (and so which tiles) the real proof will read, then fetch them before proving.
#[derive(Debug, Default)]
pub struct RecordingReader {
    pub asked: std::cell::RefCell<Vec<(u8, u64)>>,
}

impl NodeReader for RecordingReader {
    fn node(&self, level: u8, index: u64) -> Result<Hash, TlogError> {
        self.asked.borrow_mut().push((level, index));
        Ok([0; 32])
    }
}
