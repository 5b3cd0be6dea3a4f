//! C2SP tlog-checkpoint: the note text `<origin>\n<size>\n<base64 root>\n` and optional extension lines, signed
//! as a note by the log (and cosigned by witnesses).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::error::{Fault, TlogError};
use super::merkle::Hash;
use super::note::{self, NoteSigner, OpenedNote, VerifierKey};

/// A tree head: the log's origin, its size and root hash, and extension lines (opaque, not recommended).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    pub extensions: Vec<String>,
}

impl Checkpoint {
    pub fn new(origin: &str, size: u64, root: Hash) -> Self {
        Self { origin: origin.to_owned(), size, root, extensions: Vec::new() }
    }

    /// The note text: one line each, each ending in a newline.
    pub fn body(&self) -> String {
        let mut body = format!("{}\n{}\n{}\n", self.origin, self.size, STANDARD.encode(self.root));
        for line in &self.extensions {
            body.push_str(line);
            body.push('\n');
        }
        body
    }

    /// Reads a note text as a checkpoint: at least three non-empty lines, the size in plain decimal, the
    /// root 32 bytes of base64.
    pub fn parse(body: &str) -> Result<Self, TlogError> {
        let bad = TlogError::CheckpointMalformed;
        let lines = body.strip_suffix('\n').ok_or(bad(Fault::NoFinalNewline))?;
        let mut lines = lines.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next()) else {
            return Err(bad(Fault::MissingLine));
        };
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if origin.is_empty() || extensions.iter().any(String::is_empty) {
            return Err(bad(Fault::MissingLine));
        }
        if body.chars().any(|c| c < ' ' && c != '\n') {
            return Err(bad(Fault::ControlCharacter));
        }
        let size = parse_decimal(size).ok_or(bad(Fault::BadNumber))?;
        let root = parse_hash(root).ok_or(bad(Fault::BadHash))?;
        Ok(Self { origin: origin.to_owned(), size, root, extensions })
    }

    /// Signs the checkpoint with the log's key: the signed note.
    pub fn sign(&self, signer: &NoteSigner) -> Result<String, TlogError> {
        note::sign(&self.body(), &[signer], 0)
    }
}

/// A checkpoint whose note verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    pub checkpoint: Checkpoint,
    pub opened: OpenedNote,
}

/// Opens a checkpoint note of the log `origin`: signed by at least one of `log_keys` (all verified signatures
/// of `witness_keys` are reported too, in `opened.verified`). A note signed only by witnesses is refused.
pub fn open_checkpoint(
    note_text: &str,
    origin: &str,
    log_keys: &[VerifierKey],
    witness_keys: &[VerifierKey],
) -> Result<SignedCheckpoint, TlogError> {
    let known: Vec<VerifierKey> = log_keys.iter().chain(witness_keys).cloned().collect();
    let opened = note::open(note_text, &known)?;
    if !log_keys.iter().any(|key| opened.signed_by(key)) {
        return Err(TlogError::NoteUnverified);
    }
    let checkpoint = Checkpoint::parse(&opened.note.text)?;
    if checkpoint.origin != origin {
        return Err(TlogError::OriginMismatch { expected: origin.to_owned(), found: checkpoint.origin });
    }
    Ok(SignedCheckpoint { checkpoint, opened })
}

/// ASCII decimal without a sign or leading zeros ("0" alone), fitting in a u64.
pub(crate) fn parse_decimal(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 20 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if text.len() > 1 && text.starts_with('0') {
        return None;
    }
    text.parse().ok()
}

/// A hash in standard base64 with padding.
pub(crate) fn parse_hash(text: &str) -> Option<Hash> {
    if text.len() != 44 {
        return None;
    }
    STANDARD.decode(text).ok()?.try_into().ok()
}
