//! This browser's view of a public log, as Certificate Transparency's clients keep theirs: the newest checkpoint
//! it believed (signed by a log key of the pinned server keys) is kept per server address and log; each newer
//! one it meets (on `#/log`, in a receipt, in the record of a new server key) must extend it, checked with a
//! consistency proof computed from the log's tiles (`public_log::check_extension`). A log that disagrees is
//! remembered as rewritten, shown as a warning and not trusted again in this browser; the checkpoint kept stays
//! as the evidence.

use gloo_net::http::Request;
use std::collections::BTreeMap;
use xinnuo_core::public_log::{self, Believed, Extension, LogError};
use xinnuo_core::receipt::TrustedServerKeys;
use xinnuo_core::tlog::{Tile, TileReader, TlogError};

use crate::i18n::Text;

const KEPT: &str = "xinnuo.log.kept:";
const REWRITTEN: &str = "xinnuo.log.rewritten:";

/// What a checkpoint met told about the log.
#[derive(Debug, Clone, PartialEq)]
pub enum Observed {
    /// The first checkpoint of this log this browser keeps.
    First(Believed),
    /// The one kept, or an older one of the same log (the kept one stays).
    Known { seen: Believed, kept: Believed },
    /// A newer checkpoint that extends the one kept (consistency proof verified); it is kept now.
    Extended { from: u64, to: Believed },
    /// The log disagrees with what this browser kept: not trusted.
    Rewritten { kept: String, seen: String, message: Text },
}

fn storage() -> Option<web_sys::Storage> {
    crate::browser::local_storage()
}

/// Where the view of the log `origin` is kept: beside the server keys it is believed with, which are pinned per
/// server address (`api::trusted_server_keys`; the app's own server is the empty address, a widget's its `api`):
/// a view kept with one set of keys is never judged, or replaced, by another set.
fn place(what: &str, origin: &str) -> String {
    format!("{what}{}{origin}", crate::origin::url(""))
}

/// The checkpoint kept for the log `origin`, and the alarm, if its log was found rewritten.
pub fn kept(origin: &str) -> (Option<String>, Option<Text>) {
    let storage = storage();
    let read = |key: String| storage.as_ref().and_then(|s| s.get_item(&key).ok().flatten());
    let alarm = read(place(REWRITTEN, origin)).and_then(|text| serde_json::from_str::<Text>(&text).ok());
    (read(place(KEPT, origin)), alarm)
}

/// How long one tile may take: a stalled download would otherwise hold what waits on the check (the outbox, a
/// key's admission) until the browser gives up on it. A tile is a few KB at most.
const TILE_TIMEOUT_MS: u32 = 10_000;

/// One tile's bytes (`Ok(None)`: the server has no such tile), given up after [`TILE_TIMEOUT_MS`] (`Err`, as
/// when it cannot be reached).
async fn fetch_tile(path: &str) -> Result<Option<Vec<u8>>, ()> {
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(|c| c.signal());
    let _timer = controller.map(|c| gloo_timers::callback::Timeout::new(TILE_TIMEOUT_MS, move || c.abort()));
    let request = Request::get(&crate::origin::url(&format!("log/{path}"))).abort_signal(signal.as_ref());
    let answer = request.send().await.map_err(|_| ())?;
    match answer.ok() {
        true => answer.binary().await.map(Some).map_err(|_| ()),
        false => Ok(None),
    }
}

/// The tiles a check reads, fetched from the log's server (a partial tile deleted for its full one: the full);
/// one that does not come in time is not read (the check then says so, and is made again later).
async fn fetch_tiles(tiles: &[Tile]) -> Result<BTreeMap<Tile, Vec<u8>>, Text> {
    let mut fetched = BTreeMap::new();
    for tile in tiles {
        let mut bytes = None;
        for path in [tile.path(), Tile { width: xinnuo_core::tlog::TILE_WIDTH as u16, ..*tile }.path()] {
            match fetch_tile(&path).await {
                Ok(Some(found)) => bytes = Some(found),
                // Not there: the full tile may be.
                Ok(None) => continue,
                // Unreachable or stalled: the full tile would be too (and would cost another wait).
                Err(()) => {}
            }
            break;
        }
        let bytes = bytes.ok_or_else(|| {
            Text::new(
                format!("无法读取公开日志的分块 {}，稍后再试。", tile.path()),
                format!("Could not read the public log's tile {}; try again later.", tile.path()),
            )
        })?;
        fetched.insert(*tile, bytes);
    }
    Ok(fetched)
}

/// Checks a checkpoint met against the one kept, and keeps it if it extends that one.
pub async fn observe(note: &str, trusted: &TrustedServerKeys) -> Result<Observed, Text> {
    let witnesses = trusted.witness_keys();
    let seen = public_log::believe(note, trusted.log_keys(), witnesses).map_err(Text::from)?;
    let origin = seen.checkpoint.origin.clone();
    let (kept_note, alarm) = kept(&origin);
    if let Some(message) = alarm {
        return Ok(Observed::Rewritten { kept: kept_note.unwrap_or_default(), seen: note.to_owned(), message });
    }
    let keep = |note: &str| {
        if let Some(storage) = storage() {
            let _ = storage.set_item(&place(KEPT, &origin), note);
        }
    };
    let Some(kept_note) = kept_note else {
        keep(note);
        return Ok(Observed::First(seen));
    };
    let kept = match public_log::believe(&kept_note, trusted.log_keys(), witnesses) {
        Ok(kept) => kept,
        // Kept under a key no longer pinned (a new server key list): start again from this one.
        Err(_) => {
            keep(note);
            return Ok(Observed::First(seen));
        }
    };
    let needed = public_log::consistency_tiles(&kept.checkpoint, &seen.checkpoint).map_err(Text::from)?;
    let tiles = fetch_tiles(&needed).await?;
    match public_log::check_extension(&kept.checkpoint, &seen.checkpoint, &tiles as &dyn TileReader) {
        Ok(Extension::Extends) => {
            keep(note);
            Ok(Observed::Extended { from: kept.checkpoint.size, to: seen })
        }
        Ok(Extension::Same | Extension::Older) => Ok(Observed::Known { seen, kept }),
        Err(LogError::Log(TlogError::TileMissing(path))) => Err(Text::new(
            format!("公开日志缺少分块 {path}，暂时无法核对，稍后再试。"),
            format!("The public log lacks the tile {path}; it cannot be checked now; try again later."),
        )),
        Err(error) => {
            let message = Text::from(error);
            if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(&message)) {
                let _ = storage.set_item(&place(REWRITTEN, &origin), &text);
            }
            Ok(Observed::Rewritten { kept: kept_note, seen: note.to_owned(), message })
        }
    }
}
