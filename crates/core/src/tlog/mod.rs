//! The transparency log, as pure functions: an append-only Merkle tree (RFC 6962 / RFC 9162 hashing and
//! proofs) served as C2SP tlog-tiles, with C2SP tlog-checkpoint tree heads signed as C2SP signed-notes
//! (Ed25519), witness cosignatures (C2SP tlog-cosignature, `cosignature/v1`, type 0x04), offline proofs
//! (C2SP tlog-proof) and the witness's `add-checkpoint` body and decision (C2SP tlog-witness).
//!
//! - [`merkle`] — [`leaf_hash`], [`node_hash`], [`root_of_entries`]; [`NodeReader`] (where the subtree hashes
//!   are) and [`inclusion_proof`], [`consistency_proof`], [`tree_root`] over one; [`verify_inclusion`],
//!   [`verify_consistency`]; [`MemoryTree`] (every subtree hash in memory).
//! - [`tile`] — [`Tile`] and its path (`tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>`), [`new_tiles`] to
//!   publish when the tree grows, [`build_log`] (hash tiles and entry bundles from a list of entries),
//!   [`TileHashReader`] (a [`NodeReader`] over any [`TileReader`]), [`tiles_needed`] (which tiles a proof
//!   reads, to fetch them first where reading is asynchronous).
//! - [`grow`] — [`append`] (a batch added from the stored right edge: the files to publish and the new
//!   root) and [`verify_log`] (a monitor's check of every bundle and tile against a signed root).
//! - [`note`] — [`Note`], [`VerifierKey`] (vkeys), [`NoteSigner`] (log key or witness cosigner), [`open`].
//! - [`checkpoint`] — [`Checkpoint`] and [`open_checkpoint`].
//! - [`proof`] — [`TlogProof`], [`AddCheckpoint`], [`witness_add_checkpoint`].
//!
//! Errors are one [`TlogError`] with a stable code and messages in both languages. Nothing here panics on
//! input: lengths, numbers and counts are checked before use (notes ≤ 1 MB and ≤ 100 signatures, proofs
//! ≤ 64 hashes, tile paths in canonical form only).
//!
//! **Why our own code, not a crate.** The crates that implement these specs, Cloudflare's `tlog_tiles` and
//! `signed_note` (0.2.0, BSD-3-Clause, part of the maintained `azul` project, a port of Go's
//! `golang.org/x/mod/sumdb`), were checked: they depend on ed25519-dalek 2, sha2 0.10 and base64 0.21 where
//! the core uses ed25519-dalek 3, sha2 0.11 and base64 0.23 (a second copy of each in every wasm build),
//! and `tlog_tiles` on `url` (its IDNA tables); `signed_note` on `rand_core`. Neither has entry bundles,
//! tlog-proof, the witness body or (0.2.0) Ed25519 cosignatures, and their errors have no stable code or
//! Chinese message. What we need is a few hundred lines over the specs, so it is written here from the C2SP
//! specs and RFC 9162 and checked three ways: the specs' own examples as tests, proofs for every tree
//! size 1–300 against a recomputed tree, and Go's `sumdb/note` and `sumdb/tlog` (code nobody here wrote)
//! verifying our tiles, checkpoint and proofs (`cargo xtask tlog-interop`, `tests/tlog-go/`).
//!
//! Signing uses the core's own Ed25519 (`envelope::ed25519`); a note key signs whatever text it is given, so
//! it must be a key of its own, never a key that signs JWS documents.

pub mod checkpoint;
pub mod error;
pub mod grow;
pub mod merkle;
pub mod note;
pub mod proof;
pub mod tile;

pub use checkpoint::{open_checkpoint, Checkpoint, SignedCheckpoint};
pub use error::{Fault, TlogError};
pub use grow::{append, verify_log, Growth};
pub use merkle::{
    consistency_proof, empty_root, inclusion_proof, leaf_hash, node_hash, root_of_entries, root_of_leaves, tree_root,
    verify_consistency, verify_inclusion, Hash, MemoryTree, NodeReader,
};
pub use note::{open, Note, NoteSignature, NoteSigner, OpenedNote, SignatureType, VerifiedSignature, VerifierKey};
pub use proof::{witness_add_checkpoint, AddCheckpoint, TlogProof, WitnessVerdict};
pub use tile::{
    build_log, bundles_for_growth, entry_bundle, new_tiles, parse_entry_bundle, tiles_for_size, tiles_needed, BuiltLog,
    Tile, TileHashReader, TileLevel, TileReader, TILE_WIDTH,
};

#[cfg(test)]
mod tests;
