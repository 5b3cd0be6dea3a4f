//! Proofs as text: C2SP tlog-proof (an entry's index, its inclusion proof and the checkpoint, verifiable
//! offline: what a receipt carries) and the body of C2SP tlog-witness `add-checkpoint` (an old size, the
//! consistency proof from it, and the new checkpoint).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::checkpoint::{open_checkpoint, parse_decimal, parse_hash, SignedCheckpoint};
use super::error::{Fault, TlogError};
use super::merkle::{leaf_hash, verify_consistency, verify_inclusion, Hash, MAX_PROOF_HASHES};
use super::note::{VerifierKey, MAX_NOTE_LEN};

/// The first line of a tlog-proof.
pub const TLOG_PROOF_HEADER: &str = "c2sp.org/tlog-proof@v1";
/// The most consistency proof lines an add-checkpoint request may send.
pub const MAX_WITNESS_PROOF_LINES: usize = 63;

/// A C2SP tlog-proof: the entry's index, its inclusion proof, the signed checkpoint (verbatim, with any
/// cosignatures) and optional unauthenticated extra data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    pub extra: Option<Vec<u8>>,
    pub index: u64,
    pub proof: Vec<Hash>,
    /// The checkpoint as a signed note.
    pub checkpoint: String,
}

impl TlogProof {
    pub fn to_text(&self) -> String {
        let mut out = format!("{TLOG_PROOF_HEADER}\n");
        if let Some(extra) = &self.extra {
            out.push_str(&format!("extra {}\n", STANDARD.encode(extra)));
        }
        out.push_str(&format!("index {}\n", self.index));
        with_hashes_and_checkpoint(out, &self.proof, &self.checkpoint)
    }

    /// Reads a tlog-proof; the checkpoint is kept as text, read when verified.
    pub fn parse(text: &str) -> Result<Self, TlogError> {
        let bad = TlogError::ProofMalformed;
        if text.len() > MAX_NOTE_LEN + 10_000 {
            return Err(bad(Fault::TooLong));
        }
        let mut rest = text;
        let mut line = || -> Result<&str, TlogError> {
            let (line, after) = rest.split_once('\n').ok_or(bad(Fault::MissingLine))?;
            rest = after;
            Ok(line)
        };
        if line()? != TLOG_PROOF_HEADER {
            return Err(bad(Fault::BadHeader));
        }
        let mut next = line()?;
        let mut extra = None;
        if let Some(data) = next.strip_prefix("extra ") {
            extra = Some(STANDARD.decode(data).map_err(|_| bad(Fault::BadBase64))?);
            next = line()?;
        }
        let index = next.strip_prefix("index ").and_then(parse_decimal).ok_or(bad(Fault::BadNumber))?;
        let mut proof = Vec::new();
        loop {
            let next = line()?;
            if next.is_empty() {
                break;
            }
            if proof.len() == MAX_PROOF_HASHES {
                return Err(bad(Fault::TooManyHashes));
            }
            proof.push(parse_hash(next).ok_or(bad(Fault::BadHash))?);
        }
        Ok(Self { extra, index, proof, checkpoint: rest.to_owned() })
    }

    /// Verifies that `entry` is at `index` in the checkpoint of the log `origin`, signed by one of
    /// `log_keys`. Witness policy (k of n) is the caller's, on the returned verified signatures.
    pub fn verify(
        &self,
        entry: &[u8],
        origin: &str,
        log_keys: &[VerifierKey],
        witness_keys: &[VerifierKey],
    ) -> Result<SignedCheckpoint, TlogError> {
        let signed = open_checkpoint(&self.checkpoint, origin, log_keys, witness_keys)?;
        let checkpoint = &signed.checkpoint;
        verify_inclusion(self.index, checkpoint.size, &leaf_hash(entry), &self.proof, &checkpoint.root)?;
        Ok(signed)
    }
}

/// The tail both forms share: one base64 hash a line, an empty line, the signed checkpoint.
fn with_hashes_and_checkpoint(mut out: String, proof: &[Hash], checkpoint: &str) -> String {
    for hash in proof {
        out.push_str(&STANDARD.encode(hash));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(checkpoint);
    out
}

/// The body of a C2SP tlog-witness `add-checkpoint` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCheckpoint {
    /// The size of the newest checkpoint the witness cosigned (0 for none).
    pub old_size: u64,
    /// The consistency proof from `old_size` to the new checkpoint's size.
    pub proof: Vec<Hash>,
    /// The new checkpoint as a signed note.
    pub checkpoint: String,
}

impl AddCheckpoint {
    pub fn to_text(&self) -> String {
        with_hashes_and_checkpoint(format!("old {}\n", self.old_size), &self.proof, &self.checkpoint)
    }

    pub fn parse(text: &str) -> Result<Self, TlogError> {
        let bad = TlogError::ProofMalformed;
        if text.len() > MAX_NOTE_LEN + 10_000 {
            return Err(bad(Fault::TooLong));
        }
        let (first, mut rest) = text.split_once('\n').ok_or(bad(Fault::MissingLine))?;
        let old_size = first.strip_prefix("old ").and_then(parse_decimal).ok_or(bad(Fault::BadNumber))?;
        let mut proof = Vec::new();
        loop {
            let (line, after) = rest.split_once('\n').ok_or(bad(Fault::MissingLine))?;
            rest = after;
            if line.is_empty() {
                break;
            }
            if proof.len() == MAX_WITNESS_PROOF_LINES {
                return Err(bad(Fault::TooManyHashes));
            }
            proof.push(parse_hash(line).ok_or(bad(Fault::BadHash))?);
        }
        Ok(Self { old_size, proof, checkpoint: rest.to_owned() })
    }
}

/// What a witness answers to `add-checkpoint` (C2SP tlog-witness), as data: the HTTP status follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WitnessVerdict {
    /// 200: cosign this checkpoint and remember it as the newest.
    Cosign(SignedCheckpoint),
    /// 409: the request's old size is not the size the witness holds (answer it, `text/x.tlog.size`).
    Conflict { size: u64 },
    /// 400: the old size is above the new size.
    BadRequest,
    /// 403 for a note not signed by the log, 404 for an unknown origin, 422 for a proof that does not verify.
    Refused(TlogError),
}

/// A witness's decision on an `add-checkpoint` request, given the newest checkpoint it cosigned for `origin`
/// (size and root; `None` if none) and the log's keys. Pure: the caller stores the new checkpoint atomically
/// with the check, and signs the cosignature.
pub fn witness_add_checkpoint(
    request: &AddCheckpoint,
    origin: &str,
    log_keys: &[VerifierKey],
    latest: Option<(u64, Hash)>,
) -> WitnessVerdict {
    let signed = match open_checkpoint(&request.checkpoint, origin, log_keys, &[]) {
        Ok(signed) => signed,
        Err(error) => return WitnessVerdict::Refused(error),
    };
    let new = &signed.checkpoint;
    if request.old_size > new.size {
        return WitnessVerdict::BadRequest;
    }
    let (held_size, held_root) = latest.unwrap_or((0, super::merkle::empty_root()));
    if request.old_size != held_size {
        return WitnessVerdict::Conflict { size: held_size };
    }
    if new.size == 0 && new.root != super::merkle::empty_root() {
        return WitnessVerdict::Refused(TlogError::ConsistencyProofInvalid);
    }
    match verify_consistency(held_size, new.size, &held_root, &new.root, &request.proof) {
        Ok(()) => WitnessVerdict::Cosign(signed),
        Err(error) => WitnessVerdict::Refused(error),
    }
}
