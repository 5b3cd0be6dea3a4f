//! What can be wrong with a log's notes, checkpoints, tiles and proofs: one enum, a stable code per kind, and
//! the message in each language. A leaf of `tlog`, so every part of the log can name its errors.

use crate::lang::Lang;

/// What exactly is malformed, where the error kind alone does not say it. A typed value, so that the message
/// is written in both languages here and never parsed back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Longer than this crate reads (a note, a proof, a bundle).
    TooLong,
    /// A control character other than a newline.
    ControlCharacter,
    /// No blank line between the text and the signatures.
    NoSignatureBlock,
    /// Signature lines that do not end in a newline, or none at all.
    BadSignatureBlock,
    /// A signature line that does not start with an em dash and a space.
    BadSignatureLine,
    /// A key name that is empty or has a space or a plus sign.
    BadKeyName,
    /// Text that is not valid base64 (RFC 4648 §4, with padding) or has the wrong length.
    BadBase64,
    /// A signature too short to hold a key ID and a signature.
    ShortSignature,
    /// More signatures than this crate reads (100).
    TooManySignatures,
    /// Text that does not end in a newline.
    NoFinalNewline,
    /// The key ID is not 8 lowercase hex digits, or not the one the name and key give.
    BadKeyId,
    /// A signature type this crate does not know.
    UnknownSignatureType,
    /// An Ed25519 public key that is not 32 bytes or not a valid point.
    BadPublicKey,
    /// A vkey that does not have three parts separated by plus signs.
    BadKeyFormat,
    /// Fewer than three lines, or an empty line.
    MissingLine,
    /// A number that is not plain decimal (leading zeros, a sign, too large).
    BadNumber,
    /// A hash that is not 32 bytes of base64.
    BadHash,
    /// A cosignature timestamp above 2^63 − 1.
    BadTimestamp,
    /// The first line is not the format's header.
    BadHeader,
    /// More proof hashes than a tree of 2^64 leaves needs.
    TooManyHashes,
    /// A length or width that does not match what the tree size says.
    WrongLength,
    /// Hashes that are not those the log's entries make.
    WrongHash,
}

impl Fault {
    fn zh(self) -> &'static str {
        match self {
            Self::TooLong => "内容过长",
            Self::ControlCharacter => "含有换行以外的控制字符",
            Self::NoSignatureBlock => "正文与签名之间没有空行",
            Self::BadSignatureBlock => "签名部分为空或未以换行结束",
            Self::BadSignatureLine => "签名行不以“— ”开头",
            Self::BadKeyName => "密钥名称为空或含有空白或加号",
            Self::BadBase64 => "不是有效的 base64 编码或长度不符",
            Self::ShortSignature => "签名过短",
            Self::TooManySignatures => "签名过多（最多 100 个）",
            Self::NoFinalNewline => "正文未以换行结束",
            Self::BadKeyId => "密钥标识不是 8 位小写十六进制数，或与名称和公钥不符",
            Self::UnknownSignatureType => "未知的签名类型",
            Self::BadPublicKey => "Ed25519 公钥无效",
            Self::BadKeyFormat => "验证密钥应为“名称+标识+公钥”三部分",
            Self::MissingLine => "缺少行或含有空行",
            Self::BadNumber => "数字格式不对（前导零、符号或过大）",
            Self::BadHash => "哈希不是 32 字节的 base64",
            Self::BadTimestamp => "时间戳超过 2^63 − 1",
            Self::BadHeader => "首行不是该格式的标题",
            Self::TooManyHashes => "证明中的哈希过多",
            Self::WrongLength => "长度与树的大小不符",
            Self::WrongHash => "哈希与日志条目算出的不符",
        }
    }

    fn en(self) -> &'static str {
        match self {
            Self::TooLong => "too long",
            Self::ControlCharacter => "it has a control character other than a newline",
            Self::NoSignatureBlock => "no blank line separates the text from the signatures",
            Self::BadSignatureBlock => "the signatures are missing or do not end in a newline",
            Self::BadSignatureLine => "a signature line does not start with an em dash and a space",
            Self::BadKeyName => "a key name is empty or has a space or a plus sign",
            Self::BadBase64 => "not valid base64 or the wrong length",
            Self::ShortSignature => "a signature is too short",
            Self::TooManySignatures => "too many signatures (at most 100)",
            Self::NoFinalNewline => "the text does not end in a newline",
            Self::BadKeyId => "the key ID is not 8 lowercase hex digits or does not match the name and key",
            Self::UnknownSignatureType => "unknown signature type",
            Self::BadPublicKey => "invalid Ed25519 public key",
            Self::BadKeyFormat => "a verifier key has three parts: name+id+key",
            Self::MissingLine => "a line is missing or empty",
            Self::BadNumber => "a number is not plain decimal (leading zeros, a sign, or too large)",
            Self::BadHash => "a hash is not 32 bytes of base64",
            Self::BadTimestamp => "a timestamp is above 2^63 − 1",
            Self::BadHeader => "the first line is not the format's header",
            Self::TooManyHashes => "too many hashes in the proof",
            Self::WrongLength => "the length does not match the tree size",
            Self::WrongHash => "the hashes are not those the log's entries make",
        }
    }
}

/// Every error of the transparency log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlogError {
    /// A signed note (C2SP signed-note) that cannot be read.
    NoteMalformed(Fault),
    /// No signature by a known key: the note's text must be ignored.
    NoteUnverified,
    /// A known key's signature that does not verify: the whole note is refused.
    SignatureInvalid { name: String, key_id: u32 },
    /// Two known keys with the same name and key ID.
    AmbiguousKey { name: String, key_id: u32 },
    /// A verifier key (vkey) or a signer's name that cannot be used.
    KeyMalformed(Fault),
    /// A checkpoint body (C2SP tlog-checkpoint) that cannot be read.
    CheckpointMalformed(Fault),
    /// A checkpoint of another log.
    OriginMismatch { expected: String, found: String },
    /// A proof in text (C2SP tlog-proof, tlog-witness) that cannot be read.
    ProofMalformed(Fault),
    /// The entry is not in the tree at this index, or the proof or the root is not the log's.
    InclusionProofInvalid,
    /// The newer tree does not extend the older one, or the proof is wrong.
    ConsistencyProofInvalid,
    /// An index or a subtree outside the tree.
    IndexOutOfRange { index: u64, size: u64 },
    /// A tree size smaller than an earlier one.
    SizeDecreased { old: u64, new: u64 },
    /// A tile path (C2SP tlog-tiles) that is not in canonical form.
    TilePathMalformed(String),
    /// A tile or entry bundle whose bytes do not match its coordinates.
    TileMalformed { path: String, fault: Fault },
    /// A tile the reader does not have.
    TileMissing(String),
    /// The log's entries make another root than the checkpoint's.
    RootMismatch { size: u64 },
    /// An entry longer than an entry bundle holds (65,535 bytes).
    EntryTooLarge { index: u64, len: usize },
    /// A checkpoint cosigned by fewer of the pinned witnesses than the log's quorum asks.
    NotWitnessed { cosigned: usize, required: usize },
}

impl crate::error::Described for TlogError {
    fn code(&self) -> &'static str {
        match self {
            Self::NoteMalformed(_) => "log_note_malformed",
            Self::NoteUnverified => "log_note_unverified",
            Self::SignatureInvalid { .. } => "log_signature_invalid",
            Self::AmbiguousKey { .. } => "log_key_ambiguous",
            Self::KeyMalformed(_) => "log_key_malformed",
            Self::CheckpointMalformed(_) => "log_checkpoint_malformed",
            Self::OriginMismatch { .. } => "log_origin_mismatch",
            Self::ProofMalformed(_) => "log_proof_malformed",
            Self::InclusionProofInvalid => "log_inclusion_invalid",
            Self::ConsistencyProofInvalid => "log_consistency_invalid",
            Self::IndexOutOfRange { .. } => "log_index_out_of_range",
            Self::SizeDecreased { .. } => "log_size_decreased",
            Self::TilePathMalformed(_) => "log_tile_path_malformed",
            Self::TileMalformed { .. } => "log_tile_malformed",
            Self::TileMissing(_) => "log_tile_missing",
            Self::RootMismatch { .. } => "log_root_mismatch",
            Self::EntryTooLarge { .. } => "log_entry_too_large",
            Self::NotWitnessed { .. } => "log_not_witnessed",
        }
    }

    fn message(&self, lang: Lang) -> String {
        use crate::error::in_lang;
        match self {
            Self::NoteMalformed(fault) => in_lang(
                lang,
                format_args!("签名注记格式不对：{}", fault.zh()),
                format_args!("malformed signed note: {}", fault.en()),
            ),
            Self::NoteUnverified => in_lang(
                lang,
                format_args!("注记没有任何已知密钥的签名，不可信"),
                format_args!("the note has no signature by a known key and cannot be trusted"),
            ),
            Self::SignatureInvalid { name, key_id } => in_lang(
                lang,
                format_args!("密钥 {name}+{key_id:08x} 的签名无效：内容已被改动或密钥不符"),
                format_args!("invalid signature by key {name}+{key_id:08x}: the content was changed or the key is wrong"),
            ),
            Self::AmbiguousKey { name, key_id } => in_lang(
                lang,
                format_args!("有两个已知密钥同为 {name}+{key_id:08x}"),
                format_args!("two known keys are both {name}+{key_id:08x}"),
            ),
            Self::KeyMalformed(fault) => in_lang(
                lang,
                format_args!("验证密钥无效：{}", fault.zh()),
                format_args!("invalid verifier key: {}", fault.en()),
            ),
            Self::CheckpointMalformed(fault) => in_lang(
                lang,
                format_args!("检查点格式不对：{}", fault.zh()),
                format_args!("malformed checkpoint: {}", fault.en()),
            ),
            Self::OriginMismatch { expected, found } => in_lang(
                lang,
                format_args!("检查点属于日志 {found:?}，不是 {expected:?}"),
                format_args!("the checkpoint is of the log {found:?}, not {expected:?}"),
            ),
            Self::ProofMalformed(fault) => in_lang(
                lang,
                format_args!("证明格式不对：{}", fault.zh()),
                format_args!("malformed proof: {}", fault.en()),
            ),
            Self::InclusionProofInvalid => in_lang(
                lang,
                format_args!("收录证明无效：该条目不在日志的这个位置，或证明与检查点不符"),
                format_args!("invalid inclusion proof: the entry is not at this index of the log, or the proof does not match the checkpoint"),
            ),
            Self::ConsistencyProofInvalid => in_lang(
                lang,
                format_args!("一致性证明无效：新的日志没有完整保留旧的日志（日志可能被改写）"),
                format_args!("invalid consistency proof: the newer log does not extend the older one (the log may have been rewritten)"),
            ),
            Self::IndexOutOfRange { index, size } => in_lang(
                lang,
                format_args!("序号 {index} 超出了大小为 {size} 的日志"),
                format_args!("index {index} is outside a log of size {size}"),
            ),
            Self::SizeDecreased { old, new } => in_lang(
                lang,
                format_args!("日志从 {old} 条变为 {new} 条：日志只能增长"),
                format_args!("the log went from {old} to {new} entries: a log only grows"),
            ),
            Self::TilePathMalformed(path) => in_lang(
                lang,
                format_args!("瓦片路径 {path:?} 格式不对"),
                format_args!("malformed tile path {path:?}"),
            ),
            Self::TileMalformed { path, fault } => in_lang(
                lang,
                format_args!("瓦片 {path} 无效：{}", fault.zh()),
                format_args!("invalid tile {path}: {}", fault.en()),
            ),
            Self::TileMissing(path) => in_lang(
                lang,
                format_args!("缺少瓦片 {path}"),
                format_args!("the tile {path} is missing"),
            ),
            Self::RootMismatch { size } => in_lang(
                lang,
                format_args!("日志的前 {size} 条算出的根哈希与检查点不符：日志已被改动"),
                format_args!("the log's first {size} entries do not make the checkpoint's root hash: the log was changed"),
            ),
            Self::EntryTooLarge { index, len } => in_lang(
                lang,
                format_args!("第 {index} 条长 {len} 字节，超过 65535 字节"),
                format_args!("entry {index} is {len} bytes long, more than 65,535"),
            ),
            Self::NotWitnessed { cosigned, required } => in_lang(
                lang,
                format_args!(
                    "证明所用的检查点只有 {cosigned} 个受信任的见证人联署，该日志要求 {required} 个：未经见证的检查点可能来自分叉的日志，不予采信。请稍后向服务器重新获取证明。"
                ),
                format_args!(
                    "the checkpoint of the proof is cosigned by {cosigned} trusted witnesses; the log requires {required}: an unwitnessed checkpoint may come from a forked log and is not believed. Fetch the proof from the server again later."
                ),
            ),
        }
    }
}
crate::error::display_in_chinese!(TlogError);
