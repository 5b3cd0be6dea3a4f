use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use proptest::prelude::*;

use super::*;
use crate::error::Described;
use crate::lang::Lang;

fn b64_hash(text: &str) -> Hash {
    STANDARD.decode(text).unwrap().try_into().unwrap()
}

fn entries(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("entry {i}\n").into_bytes()).collect()
}

// ---- signed-note ----------------------------------------------------------------------------------------------

/// C2SP signed-note §Verifier keys, the example.
#[test]
fn signed_note_spec_example_verifies() {
    let key = VerifierKey::parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k").unwrap();
    assert_eq!(key.kind, SignatureType::Ed25519);
    assert_eq!(key.to_string(), "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
    let note = "This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
    let opened = open(note, std::slice::from_ref(&key)).unwrap();
    assert_eq!(opened.note.text, "This is an example message.\n");
    assert!(opened.signed_by(&key));
    assert_eq!(opened.note.to_text(), note);
    // One changed letter of the text: the known key's signature fails and the note is refused.
    let changed = note.replacen("example message", "example massage", 1);
    assert_eq!(open(&changed, &[key]).unwrap_err().code(), "log_signature_invalid");
}

const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_SKEY_B64: &str = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const NEUMANN_TEXT: &str =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG: &str =
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str =
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

fn peter_seed() -> [u8; 32] {
    let bytes = STANDARD.decode(PETER_SKEY_B64).unwrap();
    assert_eq!(bytes[0], 0x01);
    bytes[1..].try_into().unwrap()
}

/// Go's `sumdb/note` documentation example: our signer makes the same signature (Ed25519 is deterministic)
/// and the same vkey from the same seed.
#[test]
fn go_note_example_signs_and_verifies_the_same() {
    let signer = NoteSigner::ed25519("PeterNeumann", &peter_seed()).unwrap();
    assert_eq!(signer.verifier_key().to_string(), PETER_VKEY);
    assert_eq!(signer.sign_line(NEUMANN_TEXT, 0).unwrap(), PETER_SIG);
    assert_eq!(note::sign(NEUMANN_TEXT, &[&signer], 0).unwrap(), format!("{NEUMANN_TEXT}\n{PETER_SIG}"));

    let peter = VerifierKey::parse(PETER_VKEY).unwrap();
    let enoch = VerifierKey::parse(ENOCH_VKEY).unwrap();
    let both = format!("{NEUMANN_TEXT}\n{PETER_SIG}{ENOCH_SIG}");
    // One known, one unknown: the unknown is ignored.
    let opened = open(&both, std::slice::from_ref(&peter)).unwrap();
    assert_eq!(opened.verified.len(), 1);
    assert_eq!(opened.note.signatures.len(), 2);
    // Both known.
    assert_eq!(open(&both, &[peter.clone(), enoch.clone()]).unwrap().verified.len(), 2);
    // None known.
    assert_eq!(open(&both, &[]).unwrap_err(), TlogError::NoteUnverified);
    // Too many signatures.
    let many = format!("{NEUMANN_TEXT}\n{}", PETER_SIG.repeat(101));
    assert_eq!(
        open(&many, std::slice::from_ref(&peter)).unwrap_err(),
        TlogError::NoteMalformed(Fault::TooManySignatures)
    );
    // A repeated signature counts once.
    let twice = format!("{NEUMANN_TEXT}\n{PETER_SIG}{PETER_SIG}");
    assert_eq!(open(&twice, std::slice::from_ref(&peter)).unwrap().verified.len(), 1);
    // A changed signature of a known key.
    let bad = format!("{NEUMANN_TEXT}\n{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
    assert!(matches!(open(&bad, std::slice::from_ref(&peter)), Err(TlogError::SignatureInvalid { .. })));
    // Two different known keys under the same name and ID.
    let mut impostor = peter.clone();
    impostor.public_key = enoch.public_key;
    assert!(matches!(open(&both, &[peter, impostor]), Err(TlogError::AmbiguousKey { .. })));
}

/// Go's `TestNewVerifier` bad keys, and every truncation and one-byte change of a good one.
#[test]
fn bad_verifier_keys_are_refused() {
    for bad in [
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "",
        "+",
        "++",
    ] {
        assert!(VerifierKey::parse(bad).is_err(), "{bad}");
    }
    let good = PETER_VKEY.as_bytes();
    for i in 0..good.len() {
        assert!(VerifierKey::parse(std::str::from_utf8(&good[..i]).unwrap()).is_err());
        let mut changed = good.to_vec();
        changed[i] = changed[i].wrapping_add(1);
        if let Ok(text) = std::str::from_utf8(&changed) {
            assert!(VerifierKey::parse(text).is_err(), "{text}");
        }
    }
}

#[test]
fn malformed_notes_are_refused() {
    let peter = VerifierKey::parse(PETER_VKEY).unwrap();
    for bad in [
        String::new(),
        NEUMANN_TEXT.to_owned(),
        format!("{NEUMANN_TEXT}\n"),
        format!("{NEUMANN_TEXT}\n{}", PETER_SIG.trim_end()),
        format!("{NEUMANN_TEXT}\n{}", &PETER_SIG[4..]),
        format!("{NEUMANN_TEXT}\n— PeterNeumann AAAA\n"),
        format!("{NEUMANN_TEXT}\n— Peter+Neumann x08go/ZJ\n"),
        format!("{NEUMANN_TEXT}\n— PeterNeumann not base64!\n"),
        format!("tab\there\n\n{PETER_SIG}"),
        format!("{NEUMANN_TEXT}\n{PETER_SIG}\n"),
    ] {
        assert!(open(&bad, std::slice::from_ref(&peter)).is_err(), "{bad:?}");
    }
}

// ---- tlog-checkpoint and tlog-cosignature ------------------------------------------------------------------------

/// C2SP tlog-checkpoint's example body, and its cosigned form from C2SP tlog-cosignature: the witness's
/// signature line carries key ID 8d66cf3f and the timestamp of the spec's signed message (1679315147).
#[test]
fn checkpoint_and_cosignature_spec_examples_parse() {
    let note_text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";
    let note = Note::parse(note_text).unwrap();
    let checkpoint = Checkpoint::parse(&note.text).unwrap();
    assert_eq!(checkpoint.origin, "example.com/behind-the-sofa");
    assert_eq!(checkpoint.size, 20852163);
    assert_eq!(checkpoint.root, b64_hash("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="));
    assert_eq!(checkpoint.body(), note.text);
    let witness = &note.signatures[1];
    assert_eq!(witness.key_id, 0x8d66cf3f);
    assert_eq!(witness.signature.len(), 72);
    assert_eq!(u64::from_be_bytes(witness.signature[..8].try_into().unwrap()), 1679315147);
    assert_eq!(note.to_text(), note_text);
}

#[test]
fn checkpoint_bodies_are_strict() {
    let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
    let with_extension = format!("o\n5\n{root}\nextension one\n");
    assert_eq!(Checkpoint::parse(&with_extension).unwrap().extensions, vec!["extension one".to_owned()]);
    for bad in [
        format!("o\n05\n{root}\n"),
        format!("o\n+5\n{root}\n"),
        format!("o\n18446744073709551616\n{root}\n"),
        format!("\n5\n{root}\n"),
        format!("o\n5\n{root}"),
        format!("o\n5\n{root}\n\n"),
        "o\n5\nAAAA\n".to_owned(),
        "o\n5\n".to_owned(),
    ] {
        assert!(Checkpoint::parse(&bad).is_err(), "{bad:?}");
    }
    assert_eq!(Checkpoint::parse(&format!("o\n18446744073709551615\n{root}\n")).unwrap().size, u64::MAX);
}

#[test]
fn checkpoints_signed_and_cosigned() {
    let log = NoteSigner::ed25519("log.example/xinnuo", &[1; 32]).unwrap();
    let witness = NoteSigner::cosigner("witness.example/w1", &[2; 32]).unwrap();
    let other_witness = NoteSigner::cosigner("witness.example/w2", &[3; 32]).unwrap();
    let tree = MemoryTree::from_entries(&entries(10));
    let checkpoint = Checkpoint::new("log.example/xinnuo", tree.size(), tree.root());
    let signed = checkpoint.sign(&log).unwrap();
    let mut note = Note::parse(&signed).unwrap();
    note.add_signature(witness.sign(&note.text, 1_700_000_000).unwrap());
    note.add_signature(other_witness.sign(&note.text, 1_700_000_001).unwrap());
    let text = note.to_text();

    let log_keys = [log.verifier_key()];
    let witnesses = [witness.verifier_key(), other_witness.verifier_key()];
    let opened = open_checkpoint(&text, "log.example/xinnuo", &log_keys, &witnesses).unwrap();
    assert_eq!(opened.checkpoint, checkpoint);
    assert_eq!(opened.opened.count_signed_by(&witnesses), 2);
    assert_eq!(opened.opened.verified[1].timestamp, Some(1_700_000_000));
    // The cosigner's vkey round trips, with type 0x04 and a key ID of its own.
    let vkey = witness.verifier_key();
    assert_eq!(VerifierKey::parse(&vkey.to_string()).unwrap(), vkey);
    assert_ne!(vkey.key_id, note::key_id(&vkey.name, SignatureType::Ed25519, &vkey.public_key));
    // Only witnesses known: no log signature.
    assert_eq!(open_checkpoint(&text, "log.example/xinnuo", &[], &witnesses).unwrap_err(), TlogError::NoteUnverified);
    // Another origin.
    assert!(matches!(
        open_checkpoint(&text, "other.example", &log_keys, &witnesses),
        Err(TlogError::OriginMismatch { .. })
    ));
    // A cosignature whose timestamp was changed does not verify.
    let mut forged = Note::parse(&text).unwrap();
    forged.signatures[1].signature[7] ^= 1;
    assert!(matches!(
        open_checkpoint(&forged.to_text(), "log.example/xinnuo", &log_keys, &witnesses),
        Err(TlogError::SignatureInvalid { .. })
    ));
    // A cosignature is not an Ed25519 note signature by the same key under the same name.
    let as_plain = VerifierKey::new(&vkey.name, SignatureType::Ed25519, vkey.public_key).unwrap();
    assert_eq!(open(&text, &[as_plain]).unwrap_err(), TlogError::NoteUnverified);
}

// ---- Merkle tree and proofs ---------------------------------------------------------------------------------------

/// RFC 6962 §2.1's definition, written out independently of `MemoryTree` and `root_of_leaves`.
fn reference_root(leaves: &[Hash]) -> Hash {
    if leaves.is_empty() {
        return empty_root();
    }
    let mut level: Vec<Hash> = leaves.to_vec();
    // Pairwise from the left, an odd last node promoted unchanged: the same tree as MTH's split.
    while level.len() > 1 {
        level =
            level.chunks(2).map(|pair| if pair.len() == 2 { node_hash(&pair[0], &pair[1]) } else { pair[0] }).collect();
    }
    level[0]
}

#[test]
fn known_hashes() {
    // RFC 6962: the empty tree is SHA-256 of nothing; a leaf is SHA-256(0x00 ‖ entry).
    assert_eq!(STANDARD.encode(empty_root()), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    assert_eq!(STANDARD.encode(leaf_hash(b"")), "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=");
}

fn sample_points(size: u64) -> Vec<u64> {
    let mut points = vec![0, 1, 2, size / 3, size / 2, size.saturating_sub(2), size.saturating_sub(1), size];
    let mut p = 1;
    while p <= size {
        points.extend([p - 1, p, p + 1]);
        p *= 2;
    }
    points.retain(|&i| i <= size);
    points.sort_unstable();
    points.dedup();
    points
}

/// Every tree size 1–300: the root matches the definition, and inclusion proofs at sample indices and
/// consistency proofs from sample older sizes verify; a changed hash, index or size does not.
#[test]
fn proofs_round_trip_for_every_size_to_300() {
    let all = entries(300);
    let leaves: Vec<Hash> = all.iter().map(|e| leaf_hash(e)).collect();
    let mut tree = MemoryTree::new();
    let mut roots = vec![empty_root()];
    for (n, entry) in all.iter().enumerate() {
        tree.push_entry(entry);
        let size = n as u64 + 1;
        let root = tree.root();
        assert_eq!(root, reference_root(&leaves[..=n]), "size {size}");
        assert_eq!(root, root_of_leaves(&leaves[..=n]));
        assert_eq!(tree_root(&tree, size).unwrap(), root);
        roots.push(root);
    }
    for size in 1..=300u64 {
        let root = roots[size as usize];
        for index in sample_points(size - 1) {
            let proof = inclusion_proof(&tree, size, index).unwrap();
            let leaf = leaves[index as usize];
            verify_inclusion(index, size, &leaf, &proof, &root).unwrap();
            assert!(verify_inclusion(index, size, &leaf, &proof, &roots[size as usize - 1]).is_err() || size == 1);
            if let Some(first) = proof.first() {
                let mut bad = proof.clone();
                bad[0][0] ^= 1;
                assert!(verify_inclusion(index, size, &leaf, &bad, &root).is_err());
                assert!(verify_inclusion(index, size, first, &proof, &root).is_err() || *first == leaf);
            }
            if index + 1 < size {
                assert!(verify_inclusion(index + 1, size, &leaf, &proof, &root).is_err());
            }
            // (A size with the same path shape verifies the same hashes: the root binds the size.)
            assert!(
                verify_inclusion(index, size, &leaf, &proof[..proof.len().saturating_sub(1)], &root).is_err()
                    || size == 1
            );
            let mut longer = proof.clone();
            longer.push(root);
            assert!(verify_inclusion(index, size, &leaf, &longer, &root).is_err());
        }
        for old in sample_points(size) {
            let proof = consistency_proof(&tree, old, size).unwrap();
            verify_consistency(old, size, &roots[old as usize], &root, &proof).unwrap();
            if 0 < old && old < size {
                let mut bad = proof.clone();
                bad[0][31] ^= 1;
                assert!(verify_consistency(old, size, &roots[old as usize], &root, &bad).is_err());
                // Another old root (a rewritten log) is refused.
                assert!(verify_consistency(old, size, &roots[old as usize - 1], &root, &proof).is_err());
                assert!(verify_consistency(old, size, &roots[old as usize], &roots[size as usize - 1], &proof).is_err());
            }
        }
    }
    assert!(matches!(inclusion_proof(&tree, 300, 300), Err(TlogError::IndexOutOfRange { .. })));
    assert!(matches!(consistency_proof(&tree, 5, 4), Err(TlogError::SizeDecreased { .. })));
    assert!(verify_consistency(3, 3, &roots[3], &roots[3], &[]).is_ok());
    assert!(verify_consistency(3, 3, &roots[3], &roots[4], &[]).is_err());
}

// ---- tiles --------------------------------------------------------------------------------------------------------

#[test]
fn tile_paths_spec_examples() {
    // C2SP tlog-tiles: index 1234067 is x001/x234/067.
    let tile = Tile { level: TileLevel::Hashes(0), index: 1234067, width: 256 };
    assert_eq!(tile.path(), "tile/0/x001/x234/067");
    assert_eq!(Tile::parse_path("tile/0/x001/x234/067").unwrap(), tile);
    // Go's tile path tests, without the height element (always 8 here).
    for (path, tile) in [
        ("tile/0/001", Tile { level: TileLevel::Hashes(0), index: 1, width: 256 }),
        ("tile/0/001.p/5", Tile { level: TileLevel::Hashes(0), index: 1, width: 5 }),
        ("tile/5/x123/x456/078", Tile { level: TileLevel::Hashes(5), index: 123456078, width: 256 }),
        ("tile/5/x123/x456/078.p/2", Tile { level: TileLevel::Hashes(5), index: 123456078, width: 2 }),
        ("tile/entries/x003/x057/500", Tile { level: TileLevel::Entries, index: 3057500, width: 256 }),
        ("tile/entries/000.p/255", Tile { level: TileLevel::Entries, index: 0, width: 255 }),
        (
            "tile/63/x018/x446/x744/x073/x709/x551/615",
            Tile { level: TileLevel::Hashes(63), index: u64::MAX, width: 256 },
        ),
    ] {
        assert_eq!(Tile::parse_path(path).unwrap(), tile, "{path}");
        assert_eq!(tile.path(), path);
    }
    for bad in [
        "tile/5/123/456/078",
        "tile/-1/123",
        "tile/64/000",
        "tile/00/000",
        "tile/0/1",
        "tile/0/0001",
        "tile/0/x000/001",
        "tile/0/001.p/0",
        "tile/0/001.p/256",
        "tile/0/001.p/05",
        "tile/0/001.p",
        "tile/data/001",
        "tile/0/x018/x446/x744/x073/x709/x551/616",
        "tile/0/",
        "tile/0",
        "/tile/0/000",
        "tile/0/000/",
        "tiles/0/000",
    ] {
        assert!(Tile::parse_path(bad).is_err(), "{bad}");
    }
}

/// C2SP tlog-tiles: a tree of 70,000 has 273 full level-0 tiles, a partial one of width 112, one full
/// level-1 tile, a partial level-1 tile of width 17 and a partial level-2 tile of width 1; a tree of 256
/// has one full level-0 tile and a partial level-1 tile of width 1.
#[test]
fn tiles_of_a_size_spec_examples() {
    let tiles = tiles_for_size(70_000);
    let count = |level: u8, full: bool| {
        tiles.iter().filter(|t| t.level == TileLevel::Hashes(level) && t.is_full() == full).count()
    };
    assert_eq!((count(0, true), count(0, false), count(1, true), count(1, false), count(2, false)), (273, 1, 1, 1, 1));
    assert_eq!(tiles.len(), 277);
    let widths: Vec<u16> = tiles.iter().filter(|t| !t.is_full()).map(|t| t.width).collect();
    assert_eq!(widths, vec![112, 17, 1]);
    assert_eq!(
        tiles_for_size(256),
        vec![
            Tile { level: TileLevel::Hashes(0), index: 0, width: 256 },
            Tile { level: TileLevel::Hashes(1), index: 0, width: 1 }
        ]
    );
    assert!(tiles_for_size(0).is_empty());
    // Growing from 300 to 600: the level-0 tile 1 becomes full, tile 2 is partial, level 1 goes to width 2.
    let grown: Vec<String> = new_tiles(300, 600).iter().map(Tile::path).collect();
    assert_eq!(grown, ["tile/0/001", "tile/0/002.p/88", "tile/1/000.p/2"]);
    assert!(new_tiles(600, 600).is_empty());
    let bundles: Vec<String> = bundles_for_growth(300, 600).iter().map(Tile::path).collect();
    assert_eq!(bundles, ["tile/entries/001", "tile/entries/002.p/88"]);
}

struct CountingReader<'a> {
    files: &'a BTreeMap<Tile, Vec<u8>>,
    read: std::cell::RefCell<Vec<Tile>>,
}

impl TileReader for CountingReader<'_> {
    fn read_tile(&self, tile: &Tile) -> Result<Vec<u8>, TlogError> {
        self.read.borrow_mut().push(*tile);
        self.files.read_tile(tile)
    }
}

/// One log of 70,000 entries (a level-2 tile) shared by the tests: hashing is slow in debug builds.
fn big_log() -> &'static (Vec<Vec<u8>>, BuiltLog) {
    static LOG: std::sync::OnceLock<(Vec<Vec<u8>>, BuiltLog)> = std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        let all = entries(70_000);
        let built = build_log(&all).unwrap();
        (all, built)
    })
}

/// The files of the big log's first `size` entries, cut from its tree (the hashes of a prefix are the same).
fn files_at(size: u64) -> BTreeMap<Tile, Vec<u8>> {
    let (all, built) = big_log();
    let mut files = BTreeMap::new();
    for tile in tiles_for_size(size) {
        files.insert(tile, tile::tile_data(&built.tree, &tile).unwrap());
    }
    for tile in bundles_for_growth(0, size) {
        let start = (tile.index * 256) as usize;
        files.insert(tile, entry_bundle(start as u64, &all[start..start + usize::from(tile.width)]).unwrap());
    }
    files
}

/// Proofs read from the tiles equal those from the whole tree, for partial tiles and a level-2 tile, and
/// `tiles_needed` names exactly the tiles read.
#[test]
fn proofs_from_tiles_equal_proofs_from_the_tree() {
    let (_, built) = big_log();
    let whole: BTreeMap<Tile, Vec<u8>> = built.files.iter().cloned().collect();
    assert_eq!(files_at(70_000), whole);
    for size in [1u64, 255, 256, 257, 300, 65_535, 65_536, 65_537, 70_000] {
        let files = files_at(size);
        let root = tree_root(&built.tree, size).unwrap();
        let reader = CountingReader { files: &files, read: Default::default() };
        let tiles = TileHashReader::new(size, &reader);
        assert_eq!(tree_root(&tiles, size).unwrap(), root);
        for index in sample_points(size - 1) {
            let expected = inclusion_proof(&built.tree, size, index).unwrap();
            reader.read.borrow_mut().clear();
            let fresh = TileHashReader::new(size, &reader);
            assert_eq!(inclusion_proof(&fresh, size, index).unwrap(), expected);
            let mut read = reader.read.borrow().clone();
            read.dedup();
            assert_eq!(tiles_needed(size, |r| inclusion_proof(r, size, index)).unwrap(), read);
            let (_, bundle_tile) = tile::tiles_of_entry(size, index).unwrap();
            let bundle = parse_entry_bundle(&bundle_tile, &files[&bundle_tile]).unwrap();
            let entry = bundle[(index % 256) as usize];
            verify_inclusion(index, size, &leaf_hash(entry), &expected, &root).unwrap();
        }
        for old in [1, size / 2, size - 1] {
            let expected = consistency_proof(&built.tree, old.max(1), size).unwrap();
            assert_eq!(consistency_proof(&tiles, old.max(1), size).unwrap(), expected);
            let old_root = tree_root(&built.tree, old.max(1)).unwrap();
            verify_consistency(old.max(1), size, &old_root, &root, &expected).unwrap();
        }
        for (tile, data) in &files {
            if tile.level == TileLevel::Entries {
                let hashes = tile::hashes_of_bundle(tile, data).unwrap();
                let level0 = Tile { level: TileLevel::Hashes(0), ..*tile };
                assert_eq!(hashes.concat(), files[&level0]);
            }
        }
    }
}

#[test]
fn short_or_missing_tiles_are_errors() {
    let log = build_log(&entries(300)).unwrap();
    let mut files: BTreeMap<Tile, Vec<u8>> = log.files.into_iter().collect();
    let partial = Tile { level: TileLevel::Hashes(0), index: 1, width: 44 };
    files.get_mut(&partial).unwrap().pop();
    let tiles = TileHashReader::new(300, &files);
    assert!(matches!(inclusion_proof(&tiles, 300, 299), Err(TlogError::TileMalformed { .. })));
    files.remove(&partial);
    let tiles = TileHashReader::new(300, &files);
    assert!(matches!(inclusion_proof(&tiles, 300, 299), Err(TlogError::TileMissing(_))));
    // The full tile in place of a partial one (the spec's fallback once the partial tile is gone).
    let (_, built) = big_log();
    let mut with_full = files_at(300);
    with_full.remove(&partial);
    let full = Tile { width: 256, ..partial };
    with_full.insert(partial, tile::tile_data(&built.tree, &full).unwrap());
    let tiles = TileHashReader::new(300, &with_full);
    assert_eq!(inclusion_proof(&tiles, 300, 299).unwrap(), inclusion_proof(&built.tree, 300, 299).unwrap());
    // A reader for a larger tree than its tiles asks for tiles that are not there.
    let tiles = TileHashReader::new(400, &files);
    assert!(tree_root(&tiles, 400).is_err());
    assert!(matches!(tiles.node(9, 0), Err(TlogError::IndexOutOfRange { .. })));
    assert!(matches!(tiles.node(63, u64::MAX), Err(TlogError::IndexOutOfRange { .. })));
}

#[test]
fn entry_bundles_round_trip_and_refuse_bad_lengths() {
    let tile = Tile { level: TileLevel::Entries, index: 0, width: 3 };
    let bundle = entry_bundle(0, &[b"a".as_slice(), b"", b"ccc"]).unwrap();
    assert_eq!(bundle, b"\x00\x01a\x00\x00\x00\x03ccc");
    assert_eq!(parse_entry_bundle(&tile, &bundle).unwrap(), vec![b"a".as_slice(), b"", b"ccc"]);
    let mut long = bundle.clone();
    long.push(0);
    assert!(parse_entry_bundle(&tile, &long).is_err());
    assert!(parse_entry_bundle(&tile, &bundle[..bundle.len() - 1]).is_err());
    assert!(parse_entry_bundle(&Tile { width: 2, ..tile }, &bundle).is_err());
    assert!(parse_entry_bundle(&Tile { width: 4, ..tile }, &bundle).is_err());
    let big = vec![0u8; 65_536];
    assert_eq!(entry_bundle(7, &[big]).unwrap_err(), TlogError::EntryTooLarge { index: 7, len: 65_536 });
    assert!(build_log(&[vec![0u8; 65_535]]).is_ok());
}

// ---- growing a log and checking a whole one -------------------------------------------------------------------

fn grow_in_batches(all: &[Vec<u8>], batches: &[usize]) -> BTreeMap<Tile, Vec<u8>> {
    let mut stored: BTreeMap<Tile, Vec<u8>> = BTreeMap::new();
    let mut size = 0usize;
    for &batch in batches {
        let growth = append(size as u64, &stored, &all[size..size + batch]).unwrap();
        size += batch;
        assert_eq!(growth.size, size as u64);
        assert_eq!(growth.root, tree_root(&big_log().1.tree, size as u64).unwrap(), "size {size}");
        let mut published: Vec<Tile> = growth.files.iter().map(|(tile, _)| *tile).collect();
        published.sort_unstable();
        let mut expected = new_tiles((size - batch) as u64, size as u64);
        expected.extend(bundles_for_growth((size - batch) as u64, size as u64));
        expected.sort_unstable();
        assert_eq!(published, expected, "size {size}");
        stored.extend(growth.files);
    }
    stored
}

/// A log grown batch by batch from its stored right edge publishes the same files as one built at once,
/// across partial tiles, full tiles, and levels 1 and 2.
#[test]
fn appending_batches_equals_building_at_once() {
    let (all, _) = big_log();
    for batches in [vec![1, 1, 1, 253, 1, 255, 256, 300, 1, 0, 24], vec![65_535, 1, 1, 4_463]] {
        let total: usize = batches.iter().sum();
        let stored = grow_in_batches(all, &batches);
        for (tile, data) in files_at(total as u64) {
            assert_eq!(stored.get(&tile), Some(&data), "{}", tile.path());
        }
    }
    // A stored partial tile that is not the log's makes another root.
    let mut stored = files_at(300);
    stored.get_mut(&Tile { level: TileLevel::Hashes(0), index: 1, width: 44 }).unwrap()[0] ^= 1;
    assert_ne!(append(300, &stored, &all[300..400]).unwrap().root, root_of_entries(&all[..400]));
    // A missing one is an error.
    stored.remove(&Tile { level: TileLevel::Entries, index: 1, width: 44 });
    assert!(matches!(append(300, &stored, &all[300..400]), Err(TlogError::TileMissing(_))));
    let empty = append(0, &BTreeMap::new(), &[] as &[Vec<u8>]).unwrap();
    assert_eq!((empty.size, empty.root, empty.files.len()), (0, empty_root(), 0));
}

#[test]
fn verify_log_finds_every_change() {
    let (all, built) = big_log();
    let root = built.tree.root();
    let files: BTreeMap<Tile, Vec<u8>> = built.files.iter().cloned().collect();
    let (tree, read) = verify_log(70_000, &root, &files).unwrap();
    assert_eq!(tree.root(), root);
    assert_eq!(&read, all);
    // Smaller logs for the changes.
    let root = tree_root(&built.tree, 600).unwrap();
    let files = files_at(600);
    assert!(verify_log(600, &root, &files).is_ok());
    // An entry changed (its length kept): the level-0 tile no longer matches.
    let mut changed = files.clone();
    changed.get_mut(&Tile { level: TileLevel::Entries, index: 1, width: 256 }).unwrap()[5] ^= 1;
    assert_eq!(
        verify_log(600, &root, &changed).unwrap_err(),
        TlogError::TileMalformed { path: "tile/0/001".into(), fault: Fault::WrongHash }
    );
    // The entry and all the tiles rewritten to match: the root does not.
    let mut rewritten = all[..600].to_vec();
    rewritten[400] = b"rewritten".to_vec();
    let forged: BTreeMap<Tile, Vec<u8>> = build_log(&rewritten).unwrap().files.into_iter().collect();
    assert_eq!(verify_log(600, &root, &forged).unwrap_err(), TlogError::RootMismatch { size: 600 });
    // A missing bundle, a hash tile changed, an extra entry.
    let mut missing = files.clone();
    missing.remove(&Tile { level: TileLevel::Entries, index: 2, width: 88 });
    assert!(matches!(verify_log(600, &root, &missing), Err(TlogError::TileMissing(_))));
    let mut tile_changed = files.clone();
    tile_changed.get_mut(&Tile { level: TileLevel::Hashes(1), index: 0, width: 2 }).unwrap()[0] ^= 1;
    assert!(matches!(verify_log(600, &root, &tile_changed), Err(TlogError::TileMalformed { .. })));
    let mut extra = files;
    extra.get_mut(&Tile { level: TileLevel::Entries, index: 2, width: 88 }).unwrap().extend_from_slice(b"\x00\x00");
    assert!(matches!(verify_log(600, &root, &extra), Err(TlogError::TileMalformed { .. })));
}

// ---- tlog-proof and tlog-witness ----------------------------------------------------------------------------------

/// C2SP tlog-proof's example, up to its checkpoint (whose signatures the spec elides).
#[test]
fn tlog_proof_spec_example_parses() {
    let text = "c2sp.org/tlog-proof@v1\nextra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\nindex 73894\ngSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\nB95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\nEKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\nRoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\nAHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n\nexample.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n\n— example.com/fancylog hI2DJw[...]1roloI=\n";
    let proof = TlogProof::parse(text).unwrap();
    assert_eq!(proof.to_text(), text);
    assert!(proof.extra.as_ref().unwrap().starts_with(b"age-v1.2.1-darwin-arm64.tar.gz"));
    let without_extra = text.replacen("extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\n", "", 1);
    let proof = TlogProof::parse(&without_extra).unwrap();
    assert_eq!(proof.extra, None);
    assert_eq!(proof.index, 73894);
    assert_eq!(proof.proof.len(), 5);
    assert_eq!(proof.proof[4], b64_hash("AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk="));
    assert!(proof.checkpoint.starts_with("example.com/fancylog\n109482\n"));
    assert_eq!(proof.to_text(), without_extra);
    assert!(Note::parse(&proof.checkpoint).is_err());
}

#[test]
fn tlog_proofs_round_trip_and_verify() {
    let log = NoteSigner::ed25519("log.example/xinnuo", &[9; 32]).unwrap();
    let all = entries(1000);
    let tree = MemoryTree::from_entries(&all);
    let checkpoint = Checkpoint::new("log.example/xinnuo", tree.size(), tree.root()).sign(&log).unwrap();
    let keys = [log.verifier_key()];
    for index in [0u64, 1, 255, 256, 511, 999] {
        let proof = TlogProof {
            extra: (index % 2 == 1).then(|| b"receipt".to_vec()),
            index,
            proof: inclusion_proof(&tree, tree.size(), index).unwrap(),
            checkpoint: checkpoint.clone(),
        };
        let text = proof.to_text();
        let parsed = TlogProof::parse(&text).unwrap();
        assert_eq!(parsed, proof);
        let verified = parsed.verify(&all[index as usize], "log.example/xinnuo", &keys, &[]).unwrap();
        assert_eq!(verified.checkpoint.size, 1000);
        // Another entry, another index, another log key: refused.
        assert_eq!(
            parsed.verify(b"tampered", "log.example/xinnuo", &keys, &[]).unwrap_err(),
            TlogError::InclusionProofInvalid
        );
        let moved = TlogProof { index: (index + 1) % 1000, ..parsed.clone() };
        assert!(moved.verify(&all[index as usize], "log.example/xinnuo", &keys, &[]).is_err());
        let stranger = NoteSigner::ed25519("log.example/xinnuo", &[8; 32]).unwrap().verifier_key();
        assert!(parsed.verify(&all[index as usize], "log.example/xinnuo", &[stranger], &[]).is_err());
    }
}

#[test]
fn witness_add_checkpoint_spec_example_and_decisions() {
    let example = "old 20852014\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\njrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n";
    let request = AddCheckpoint::parse(example).unwrap();
    assert_eq!(request.old_size, 20852014);
    assert_eq!(request.proof.len(), 4);
    assert_eq!(Note::parse(&request.checkpoint).unwrap().signatures.len(), 2);
    assert_eq!(request.to_text(), example);

    let origin = "log.example/xinnuo";
    let log = NoteSigner::ed25519(origin, &[4; 32]).unwrap();
    let keys = [log.verifier_key()];
    let all = entries(600);
    let tree = MemoryTree::from_entries(&all);
    let old = MemoryTree::from_entries(&all[..300]);
    let signed = Checkpoint::new(origin, 600, tree.root()).sign(&log).unwrap();
    let request =
        AddCheckpoint { old_size: 300, proof: consistency_proof(&tree, 300, 600).unwrap(), checkpoint: signed.clone() };
    assert!(matches!(
        witness_add_checkpoint(&request, origin, &keys, Some((300, old.root()))),
        WitnessVerdict::Cosign(_)
    ));
    assert_eq!(
        witness_add_checkpoint(&request, origin, &keys, Some((200, old.root()))),
        WitnessVerdict::Conflict { size: 200 }
    );
    assert_eq!(witness_add_checkpoint(&request, origin, &keys, None), WitnessVerdict::Conflict { size: 0 });
    // A fork: the same size 600 on a log whose first 300 entries differ.
    let mut forked_entries = all.clone();
    forked_entries[10] = b"rewritten\n".to_vec();
    let forked = MemoryTree::from_entries(&forked_entries);
    let fork = AddCheckpoint {
        old_size: 300,
        proof: consistency_proof(&forked, 300, 600).unwrap(),
        checkpoint: Checkpoint::new(origin, 600, forked.root()).sign(&log).unwrap(),
    };
    assert_eq!(
        witness_add_checkpoint(&fork, origin, &keys, Some((300, old.root()))),
        WitnessVerdict::Refused(TlogError::ConsistencyProofInvalid)
    );
    let backwards = AddCheckpoint { old_size: 700, ..request.clone() };
    assert_eq!(witness_add_checkpoint(&backwards, origin, &keys, Some((700, old.root()))), WitnessVerdict::BadRequest);
    let from_empty = AddCheckpoint { old_size: 0, proof: Vec::new(), checkpoint: signed };
    assert!(matches!(witness_add_checkpoint(&from_empty, origin, &keys, None), WitnessVerdict::Cosign(_)));
    assert!(matches!(
        witness_add_checkpoint(&from_empty, "other.example", &keys, None),
        WitnessVerdict::Refused(TlogError::OriginMismatch { .. })
    ));
}

// ---- errors and hostile input ------------------------------------------------------------------------------------

#[test]
fn every_error_has_a_code_and_two_messages() {
    let errors = [
        TlogError::NoteMalformed(Fault::TooLong),
        TlogError::NoteUnverified,
        TlogError::SignatureInvalid { name: "a".into(), key_id: 1 },
        TlogError::AmbiguousKey { name: "a".into(), key_id: 1 },
        TlogError::KeyMalformed(Fault::BadKeyId),
        TlogError::CheckpointMalformed(Fault::BadNumber),
        TlogError::OriginMismatch { expected: "a".into(), found: "b".into() },
        TlogError::ProofMalformed(Fault::BadHash),
        TlogError::InclusionProofInvalid,
        TlogError::ConsistencyProofInvalid,
        TlogError::IndexOutOfRange { index: 1, size: 1 },
        TlogError::SizeDecreased { old: 2, new: 1 },
        TlogError::TilePathMalformed("x".into()),
        TlogError::TileMalformed { path: "tile/0/000".into(), fault: Fault::WrongLength },
        TlogError::TileMissing("tile/0/000".into()),
        TlogError::EntryTooLarge { index: 0, len: 70_000 },
        TlogError::RootMismatch { size: 3 },
    ];
    let mut codes: Vec<&str> = errors.iter().map(Described::code).collect();
    for error in &errors {
        assert!(error.code().starts_with("log_"));
        let (zh, en) = (error.message(Lang::Zh), error.message(Lang::En));
        assert!(!zh.is_empty() && !en.is_empty() && zh != en, "{error:?}");
        assert_eq!(error.to_string(), zh);
    }
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), errors.len());
}

fn random_sizes_tree() -> &'static MemoryTree {
    static TREE: std::sync::OnceLock<MemoryTree> = std::sync::OnceLock::new();
    TREE.get_or_init(|| MemoryTree::from_entries(&entries(3000)))
}

proptest! {
    #[test]
    fn readers_never_panic(text in "(?s).{0,400}") {
        let _ = Note::parse(&text);
        let _ = open(&text, &[]);
        let _ = VerifierKey::parse(&text);
        let _ = Checkpoint::parse(&text);
        let _ = Tile::parse_path(&text);
        let _ = TlogProof::parse(&text);
        let _ = AddCheckpoint::parse(&text);
    }

    #[test]
    fn near_misses_never_panic(cut in 0usize..400, byte in any::<u8>(), at in 0usize..400) {
        let peter = VerifierKey::parse(PETER_VKEY).unwrap();
        let note = format!("{NEUMANN_TEXT}\n{PETER_SIG}{ENOCH_SIG}");
        let mut bytes = note.into_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        bytes.truncate(cut.max(1).min(bytes.len()));
        if let Ok(text) = String::from_utf8(bytes) {
            let _ = open(&text, &[peter]);
        }
    }

    #[test]
    fn proofs_verify_for_random_sizes(size in 1u64..=3000, index in any::<u64>(), old in any::<u64>()) {
        let tree = random_sizes_tree();
        let (index, old) = (index % size, old % (size + 1));
        let root = tree_root(tree, size).unwrap();
        let proof = inclusion_proof(tree, size, index).unwrap();
        prop_assert!(verify_inclusion(index, size, &tree.level(0)[index as usize], &proof, &root).is_ok());
        let old_root = tree_root(tree, old).unwrap();
        let proof = consistency_proof(tree, old, size).unwrap();
        prop_assert!(verify_consistency(old, size, &old_root, &root, &proof).is_ok());
        if 0 < old && old < size {
            prop_assert!(verify_consistency(old, size, &root, &root, &proof).is_err());
        }
    }

    #[test]
    fn tile_paths_round_trip(level in 0u8..=63, index in any::<u64>(), width in 1u16..=256, entries in any::<bool>()) {
        let level = if entries { TileLevel::Entries } else { TileLevel::Hashes(level) };
        let tile = Tile { level, index, width };
        prop_assert_eq!(Tile::parse_path(&tile.path()).unwrap(), tile);
    }

    #[test]
    fn verifying_arbitrary_proofs_never_panics(
        index in any::<u64>(),
        size in any::<u64>(),
        old in any::<u64>(),
        proof in prop::collection::vec(any::<[u8; 32]>(), 0..70),
    ) {
        let root = [7u8; 32];
        prop_assert!(verify_inclusion(index, size, &root, &proof, &root).is_err() || proof.is_empty());
        let _ = verify_consistency(old, size, &root, &root, &proof);
        let _ = verify_consistency(old % 1000, size % 100_000, &root, &root, &proof);
        let reader = MemoryTree::from_entries(&entries(5));
        let _ = inclusion_proof(&reader, size, index);
        let _ = consistency_proof(&reader, old, size);
        let _ = tiles_needed(size, |r| inclusion_proof(r, size, index % size.max(1)));
    }
}

/// For every pair of sizes up to 260 (and pairs across the 256 and 512 tile edges), a consistency proof read
/// from the tiles `tiles_needed` names, and only those, equals the proof from the whole tree: a browser fetches
/// exactly that set before it checks one checkpoint against another.
#[test]
fn consistency_proofs_read_only_the_tiles_named_for_them() {
    let (_, built) = big_log();
    let edges = [1u64, 62, 63, 64, 255, 256, 257, 300, 510, 511];
    let sizes: Vec<(u64, Vec<u64>)> = (2..=260u64)
        .map(|new| (new, (1..new).collect()))
        .chain([511u64, 512, 513, 770].map(|new| (new, edges.iter().copied().filter(|&o| o < new).collect())))
        .collect();
    for (new, olds) in sizes {
        let files = files_at(new);
        for old in olds {
            let named = tiles_needed(new, |r| consistency_proof(r, old, new)).unwrap();
            let fetched: BTreeMap<Tile, Vec<u8>> = named.iter().map(|t| (*t, files[t].clone())).collect();
            assert_eq!(
                consistency_proof(&TileHashReader::new(new, &fetched), old, new),
                consistency_proof(&built.tree, old, new),
                "{old} → {new}: named {:?}",
                named.iter().map(Tile::path).collect::<Vec<_>>()
            );
        }
    }
}
