//! `cargo xtask tlog-interop`: the core's transparency log checked by code nobody here wrote. Writes logs
//! with `xinnuo_core::tlog` (tiles, entry bundles, a checkpoint signed with our Ed25519 note key and cosigned
//! by a witness, C2SP tlog-proofs, tlog-witness add-checkpoint bodies) and has `tests/tlog-go` — Go's
//! `golang.org/x/mod/sumdb/note` and `sumdb/tlog` from Debian's `golang-golang-x-mod-dev`, built offline
//! from a vendor directory — verify each one. Tampered copies (an entry, the checkpoint, a tile, a proof, a
//! rewritten log) must make the checker fail.
//!
//! Go is installed with apt-get only when `go` or the x/mod sources are missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};
use xinnuo_core::error::Described;
use xinnuo_core::lang::Lang;
use xinnuo_core::tlog::{
    build_log, consistency_proof, inclusion_proof, leaf_hash, open_checkpoint, parse_entry_bundle, tree_root,
    verify_consistency, verify_log, AddCheckpoint, Checkpoint, Note, NoteSigner, Tile, TileLevel, TileReader,
    TlogError, TlogProof, VerifierKey,
};

use crate::workspace::{root, Result};

const ORIGIN: &str = "interop.xinnuo.example/log";
const WITNESS: &str = "witness.xinnuo.example/w1";
/// Where Debian's golang-golang-x-mod-dev puts the sources.
const GO_X_MOD: &str = "/usr/share/gocode/src/golang.org/x/mod";
/// The packages the checker imports, vendored from [`GO_X_MOD`].
const GO_PACKAGES: &[&str] = &["sumdb/note", "sumdb/tlog"];

/// Tree sizes: one leaf; one full tile; partial tiles (300); 65,536 (a full level-1 tile, level 2 partial);
/// 70,000 (above 65,536: a level-2 tile, partial tiles on three levels). Each with the older sizes its
/// consistency proofs start from.
const CASES: &[(u64, &[u64])] = &[
    (1, &[1]),
    (256, &[1, 128, 255, 256]),
    (300, &[1, 255, 256, 257, 299, 300]),
    (65_536, &[1, 300, 65_535]),
    (70_000, &[1, 256, 300, 65_535, 65_536, 65_537, 69_999, 70_000]),
];

pub fn tlog_interop() -> Result {
    let out = root().join("target/tlog-interop");
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    ensure_go()?;
    let checker = build_checker(&out)?;

    let log_key = NoteSigner::ed25519(ORIGIN, &seed("log")).map_err(|e| e.to_string())?;
    let witness = NoteSigner::cosigner(WITNESS, &seed("witness")).map_err(|e| e.to_string())?;
    let all = entries(70_000);
    let mut good = Vec::new();
    for &(size, olds) in CASES {
        let dir = out.join(format!("size-{size}"));
        write_log(&dir, &all[..size as usize], olds, &log_key, &witness)?;
        good.push(dir);
    }

    // Tampered copies, each of which Go must refuse.
    let mut bad = Vec::new();
    for (name, base, tamper) in [
        ("tampered-entry", "size-300", tamper_entry as fn(&Path) -> Result),
        ("tampered-entry-70000", "size-70000", tamper_late_entry),
        ("tampered-checkpoint", "size-300", tamper_checkpoint),
        ("tampered-tile", "size-70000", tamper_tile),
        ("tampered-entry-and-tile", "size-70000", tamper_entry_and_tile),
        ("tampered-proof", "size-300", tamper_proof),
        ("tampered-cosignature", "size-300", tamper_cosignature),
    ] {
        let dir = out.join(name);
        copy_dir(&out.join(base), &dir)?;
        tamper(&dir)?;
        bad.push(dir);
    }
    // A rewritten log: entry 10 changed and everything re-signed with the log's real key, checked against an
    // older checkpoint of the original log.
    let rewritten = out.join("rewritten-log");
    let mut forged = all[..300].to_vec();
    forged[10] = b"{\"rewritten\":true}".to_vec();
    write_log(&rewritten, &forged, &[], &log_key, &witness)?;
    let original = build_log(&all[..300]).map_err(|e| e.to_string())?;
    let old_root = tree_root(&original.tree, 256).map_err(|e| e.to_string())?;
    let old_checkpoint = Checkpoint::new(ORIGIN, 256, old_root).sign(&log_key).map_err(|e| e.to_string())?;
    let forged_tree = build_log(&forged).map_err(|e| e.to_string())?.tree;
    let body = AddCheckpoint {
        old_size: 256,
        proof: consistency_proof(&forged_tree, 256, 300).map_err(|e| e.to_string())?,
        checkpoint: std::fs::read_to_string(rewritten.join("log/checkpoint")).map_err(|e| e.to_string())?,
    };
    write(&rewritten.join("consistency/256/old-checkpoint"), old_checkpoint.as_bytes())?;
    write(&rewritten.join("consistency/256/add-checkpoint"), body.to_text().as_bytes())?;
    bad.push(rewritten);

    // Go, then the core's own monitor checks (`verify_log` and the proofs' verifiers): both must accept the
    // logs and refuse every tampered copy.
    let witness_key = witness.verifier_key();
    let mut failures = Vec::new();
    for (dirs, must_pass) in [(&good, true), (&bad, false)] {
        for dir in dirs {
            let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let (ok, text) = check(&checker, dir)?;
            let ours = check_with_core(dir, &witness_key);
            eprintln!("{name}{}:", if must_pass { "" } else { " (must fail)" });
            eprintln!("  Go:   {text}");
            eprintln!("  core: {}", ours.as_ref().unwrap_or_else(|e| e));
            if ok != must_pass {
                failures.push(format!("Go {} {name}: {text}", if ok { "accepted" } else { "refused" }));
            }
            if ours.is_ok() != must_pass {
                failures.push(format!("the core {} {name}", if ours.is_ok() { "accepted" } else { "refused" }));
            }
        }
    }
    if failures.is_empty() {
        eprintln!(
            "tlog-interop: Go's sumdb/note and sumdb/tlog, and the core, verified {} logs and refused {} tampered ones",
            good.len(),
            bad.len()
        );
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

/// A fixed 32-byte seed per role: the test's keys are public anyway.
fn seed(role: &str) -> [u8; 32] {
    Sha256::digest(format!("xinnuo tlog interop {role} key").as_bytes()).into()
}

/// Entries of varied lengths and content, as the log will hold: JSON text, one empty, one long, one binary.
fn entries(count: usize) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| match i {
            7 => Vec::new(),
            8 => vec![b'x'; 65_535],
            9 => (0..=255u8).collect(),
            _ => {
                let digest = Sha256::digest(i.to_le_bytes());
                let id: String = digest.iter().take(4 + i % 29).map(|b| format!("{b:02x}")).collect();
                format!("{{\"index\":{i},\"kind\":\"commitment.accepted\",\"submission\":\"{id}\"}}").into_bytes()
            }
        })
        .collect()
}

/// Writes a log directory as `tests/tlog-go` reads it.
fn write_log(dir: &Path, entries: &[Vec<u8>], olds: &[u64], log_key: &NoteSigner, witness: &NoteSigner) -> Result {
    let built = build_log(entries).map_err(|e| e.to_string())?;
    let size = built.tree.size();
    for (tile, data) in &built.files {
        write(&dir.join("log").join(tile.path()), data)?;
    }
    // The checkpoint, signed by the log and cosigned by a witness (whose line Go does not know and ignores).
    let checkpoint = Checkpoint::new(ORIGIN, size, built.tree.root());
    let signed = checkpoint.sign(log_key).map_err(|e| e.to_string())?;
    let mut note = Note::parse(&signed).map_err(|e| e.to_string())?;
    note.add_signature(witness.sign(&note.text, 1_765_000_000).map_err(|e| e.to_string())?);
    let signed = note.to_text();
    write(&dir.join("log/checkpoint"), signed.as_bytes())?;
    write(&dir.join("origin"), format!("{ORIGIN}\n").as_bytes())?;
    write(&dir.join("vkey"), format!("{}\n", log_key.verifier_key()).as_bytes())?;
    write(&dir.join("witness-vkey"), format!("{}\n", witness.verifier_key()).as_bytes())?;

    let mut indices = vec![0, 1, 7, 8, 9, 255, 256, 299, 65_535, 65_536, 69_999, size / 2, size - 1];
    indices.retain(|&i| i < size);
    indices.sort_unstable();
    indices.dedup();
    for index in indices {
        let proof = TlogProof {
            extra: (index % 2 == 1).then(|| format!("receipt {index}").into_bytes()),
            index,
            proof: inclusion_proof(&built.tree, size, index).map_err(|e| e.to_string())?,
            checkpoint: signed.clone(),
        };
        // Our own verifier accepts what we hand to Go.
        proof
            .verify(&entries[index as usize], ORIGIN, &[log_key.verifier_key()], &[witness.verifier_key()])
            .map_err(|e| format!("our own verifier refused proof {index}: {e}"))?;
        write(&dir.join(format!("proofs/{index:06}.tlog-proof")), proof.to_text().as_bytes())?;
    }
    for &old in olds {
        let old_root = tree_root(&built.tree, old).map_err(|e| e.to_string())?;
        let old_checkpoint = Checkpoint::new(ORIGIN, old, old_root).sign(log_key).map_err(|e| e.to_string())?;
        let body = AddCheckpoint {
            old_size: old,
            proof: consistency_proof(&built.tree, old, size).map_err(|e| e.to_string())?,
            checkpoint: signed.clone(),
        };
        write(&dir.join(format!("consistency/{old}/old-checkpoint")), old_checkpoint.as_bytes())?;
        write(&dir.join(format!("consistency/{old}/add-checkpoint")), body.to_text().as_bytes())?;
    }
    Ok(())
}

/// One byte of entry 0's content changed (its length kept).
fn tamper_entry(dir: &Path) -> Result {
    flip(&dir.join("log/tile/entries/000"), 10)
}

/// One byte of an entry in the last, partial bundle of the 70,000-entry log.
fn tamper_late_entry(dir: &Path) -> Result {
    flip(&dir.join("log/tile/entries/273.p/112"), 5)
}

/// The checkpoint's size changed, its signatures kept.
fn tamper_checkpoint(dir: &Path) -> Result {
    let path = dir.join("log/checkpoint");
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    lines[1] = "301".to_owned();
    write(&path, lines.join("\n").as_bytes())
}

/// One byte of a full level-0 hash tile.
fn tamper_tile(dir: &Path) -> Result {
    flip(&dir.join("log/tile/0/100"), 77)
}

/// Entry 25,602 changed and its leaf hash in the level-0 tile changed to match (the tiles above and the
/// checkpoint kept): only a check of the whole tree against the signed root finds it.
fn tamper_entry_and_tile(dir: &Path) -> Result {
    let bundle_path = dir.join("log/tile/entries/100");
    let mut bundle = std::fs::read(&bundle_path).map_err(|e| e.to_string())?;
    let tile = Tile { level: TileLevel::Entries, index: 100, width: 256 };
    let lengths: Vec<usize> =
        parse_entry_bundle(&tile, &bundle).map_err(|e| e.to_string())?.iter().map(|e| e.len()).collect();
    let start = 2 + lengths[0] + 2 + lengths[1] + 2;
    bundle[start] ^= 0x01;
    let changed = leaf_hash(&bundle[start..start + lengths[2]]);
    write(&bundle_path, &bundle)?;
    let tile_path = dir.join("log/tile/0/100");
    let mut hashes = std::fs::read(&tile_path).map_err(|e| e.to_string())?;
    hashes[64..96].copy_from_slice(&changed);
    write(&tile_path, &hashes)
}

/// The witness's cosignature timestamp changed (the log's signature kept).
fn tamper_cosignature(dir: &Path) -> Result {
    let path = dir.join("log/checkpoint");
    let mut note = Note::parse(&std::fs::read_to_string(&path).map_err(|e| e.to_string())?).map_err(en)?;
    let witness = note.signatures.iter_mut().find(|s| s.name == WITNESS).ok_or("no cosignature")?;
    witness.signature[7] ^= 0x01;
    write(&path, note.to_text().as_bytes())
}

/// One hash of an inclusion proof changed.
fn tamper_proof(dir: &Path) -> Result {
    let path = dir.join("proofs/000001.tlog-proof");
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let mut proof = TlogProof::parse(&text).map_err(|e| e.to_string())?;
    proof.proof[2][0] ^= 0x80;
    write(&path, proof.to_text().as_bytes())
}

fn flip(path: &Path, at: usize) -> Result {
    let mut data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let byte = data.get_mut(at).ok_or_else(|| format!("{} is shorter than {at}", path.display()))?;
    *byte ^= 0x01;
    write(path, &data)
}

fn write(path: &Path, data: &[u8]) -> Result {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, data).map_err(|e| format!("{}: {e}", path.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
}

/// A log directory's tiles and bundles.
struct DirTiles<'a>(&'a Path);

impl TileReader for DirTiles<'_> {
    fn read_tile(&self, tile: &Tile) -> std::result::Result<Vec<u8>, TlogError> {
        std::fs::read(self.0.join("log").join(tile.path())).map_err(|_| TlogError::TileMissing(tile.path()))
    }
}

fn en(error: TlogError) -> String {
    format!("{}: {}", error.code(), error.message(Lang::En))
}

/// What `tests/tlog-go` checks, with the core's code: the checkpoint (log key and the witness's
/// cosignature), every bundle and tile against its root (`verify_log`), each tlog-proof, each consistency
/// proof.
fn check_with_core(dir: &Path, witness: &VerifierKey) -> Result<String> {
    let read = |path: &str| std::fs::read_to_string(dir.join(path)).map_err(|e| format!("{path}: {e}"));
    let key = VerifierKey::parse(read("vkey")?.trim()).map_err(en)?;
    let origin = read("origin")?.trim().to_owned();
    let keys = std::slice::from_ref(&key);
    let witnesses = std::slice::from_ref(witness);
    let signed = open_checkpoint(&read("log/checkpoint")?, &origin, keys, witnesses).map_err(en)?;
    if signed.opened.count_signed_by(witnesses) != 1 {
        return Err("the witness's cosignature did not verify".to_owned());
    }
    let (size, root) = (signed.checkpoint.size, signed.checkpoint.root);
    let (_, entries) = verify_log(size, &root, &DirTiles(dir)).map_err(en)?;
    let mut proofs = 0;
    for file in list(&dir.join("proofs"))? {
        let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
        let proof = TlogProof::parse(&text).map_err(en)?;
        let entry = entries.get(proof.index as usize).ok_or("a proof of an entry the log does not have")?;
        proof.verify(entry, &origin, keys, witnesses).map_err(|e| format!("{}: {}", file.display(), en(e)))?;
        proofs += 1;
    }
    let mut consistency = 0;
    for old_dir in list(&dir.join("consistency"))? {
        let read = |name: &str| std::fs::read_to_string(old_dir.join(name)).map_err(|e| e.to_string());
        let old = open_checkpoint(&read("old-checkpoint")?, &origin, keys, &[]).map_err(en)?.checkpoint;
        let body = AddCheckpoint::parse(&read("add-checkpoint")?).map_err(en)?;
        let new = open_checkpoint(&body.checkpoint, &origin, keys, &[]).map_err(en)?.checkpoint;
        if body.old_size != old.size {
            return Err(format!("{}: the old size is not the old checkpoint's", old_dir.display()));
        }
        verify_consistency(old.size, new.size, &old.root, &new.root, &body.proof)
            .map_err(|e| format!("{}: {}", old_dir.display(), en(e)))?;
        consistency += 1;
    }
    Ok(format!(
        "ok: size {size}, {} entries, {proofs} inclusion proofs, {consistency} consistency proofs, witness cosignature verified",
        entries.len()
    ))
}

/// The entries of a directory, sorted; none if it does not exist.
fn list(dir: &Path) -> Result<Vec<PathBuf>> {
    let Ok(read) = std::fs::read_dir(dir) else { return Ok(Vec::new()) };
    let mut paths: Vec<PathBuf> = read.filter_map(|entry| entry.ok().map(|e| e.path())).collect();
    paths.sort();
    Ok(paths)
}

/// Runs the checker on a directory: whether it passed, and what it said.
fn check(checker: &Path, dir: &Path) -> Result<(bool, String)> {
    let out = Command::new(checker).arg(dir).output().map_err(|e| format!("{}: {e}", checker.display()))?;
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    Ok((out.status.success(), text.trim().to_owned()))
}

/// Installs Go and x/mod from Debian's packages, only if one is missing (also before the Node suites:
/// `tests/log-monitor.test.mjs` has Go check a live server's log).
pub fn ensure_go() -> Result {
    let have_go = Command::new("go").arg("version").output().is_ok_and(|out| out.status.success());
    if have_go && Path::new(GO_X_MOD).join("sumdb/tlog").is_dir() {
        return Ok(());
    }
    apt_install(&["golang-go", "golang-golang-x-mod-dev"])
}

/// Builds `tests/tlog-go` offline: its go.mod and main.go beside a vendor directory holding Debian's
/// x/mod packages, with the module proxy off.
fn build_checker(out: &Path) -> Result<PathBuf> {
    let source = root().join("tests/tlog-go");
    let build = out.join("go");
    for file in ["go.mod", "main.go"] {
        let data = std::fs::read(source.join(file)).map_err(|e| format!("{}: {e}", source.join(file).display()))?;
        write(&build.join(file), &data)?;
    }
    let mut modules = String::from("# golang.org/x/mod v0.7.0\n## explicit; go 1.17\n");
    for package in GO_PACKAGES {
        let from = Path::new(GO_X_MOD).join(package);
        let to = build.join("vendor/golang.org/x/mod").join(package);
        for entry in std::fs::read_dir(&from).map_err(|e| format!("{}: {e}", from.display()))? {
            let entry = entry.map_err(|e| e.to_string())?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".go") && !name.ends_with("_test.go") {
                let data = std::fs::read(entry.path()).map_err(|e| e.to_string())?;
                write(&to.join(&name), &data)?;
            }
        }
        modules.push_str(&format!("golang.org/x/mod/{package}\n"));
    }
    write(&build.join("vendor/modules.txt"), modules.as_bytes())?;
    let binary = build.join("tlog-go");
    let status = Command::new("go")
        .args(["build", "-mod=vendor", "-o"])
        .arg(&binary)
        .arg(".")
        .current_dir(&build)
        .env("GOPROXY", "off")
        .env("GOFLAGS", "-mod=vendor")
        .env("GO111MODULE", "on")
        .env("GOTOOLCHAIN", "local")
        // Outside the output directory, which each run starts afresh: a second run reuses the build.
        .env("GOCACHE", root().join("target/go-cache"))
        .env("GOPATH", out.join("gopath"))
        .status()
        .map_err(|e| format!("go build: {e}"))?;
    if !status.success() {
        return Err(format!("go build of tests/tlog-go exited with {status}"));
    }
    Ok(binary)
}

/// Installs Debian packages (`apt-get update` first only when the plain install fails), idempotently.
pub fn apt_install(packages: &[&str]) -> Result {
    let install = || {
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|status| status.success())
    };
    eprintln!("$ apt-get install -y {}", packages.join(" "));
    if install() {
        return Ok(());
    }
    eprintln!("$ apt-get update");
    let updated = Command::new("apt-get").arg("update").status().is_ok_and(|status| status.success());
    if updated && install() {
        Ok(())
    } else {
        Err(format!("could not install {} with apt-get", packages.join(" ")))
    }
}
