//! Running commands whose tools were ensured first, and the server.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::exec::run_unchecked;
use crate::workspace::{root, Artefacts, Result};

/// Runs a command in the workspace root, echoing it, and fails on a non-zero exit — or before it starts, if
/// it uses a tool its xtask command did not ensure first.
pub fn run(command: &mut Command) -> Result {
    crate::tools::check_ensured(command)?;
    run_unchecked(command)
}

/// A server started for tests; killed when dropped.
pub struct Server {
    child: Child,
    pub url: String,
    /// The embedding demo's URL (with `?api=`), when the server was asked to serve it.
    pub demo_url: Option<String>,
}

impl Server {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the built server on a free port and waits for its "listening on" line.
pub fn start_server(artefacts: &Artefacts, db: &Path, extra: &[&str]) -> Result<Server> {
    let mut child = Command::new(&artefacts.server)
        .args(["serve", "--addr", "127.0.0.1:0", "--dist"])
        .arg(&artefacts.dist)
        .arg("--db")
        .arg(db)
        .args(extra)
        .current_dir(root())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("start {}: {e}", artefacts.server.display()))?;
    let stdout = child.stdout.take().ok_or("server stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let mut demo_url = None;
    let url = loop {
        match lines.next() {
            Some(Ok(line)) => {
                let found = line.find("http://").map(|index| line[index..].to_owned());
                if line.contains("embed demo:") {
                    demo_url = found;
                } else if let Some(url) = found.filter(|_| line.contains("listening on")) {
                    break url.trim_end_matches('/').to_owned();
                }
            }
            _ => {
                let _ = child.kill();
                return Err("the server stopped before it was listening".into());
            }
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    eprintln!("server: {url}");
    Ok(Server { child, url, demo_url })
}

/// The demo site's address: the app's port + 1.
fn embed_demo_addr(addr: &str) -> String {
    match addr.rsplit_once(':').and_then(|(host, port)| Some((host, port.parse::<u16>().ok()?))) {
        Some((host, port)) => format!("{host}:{}", port.saturating_add(1)),
        None => "127.0.0.1:8081".into(),
    }
}

pub fn serve_foreground(artefacts: &Artefacts, addr: &str, db: &Path) -> Result {
    eprintln!("\n信诺 Xinnuo: http://{addr}/  (Ctrl-C 停止 / to stop)\n");
    run(Command::new(&artefacts.server)
        .args(["serve", "--demo", "--addr", addr, "--embed-demo-addr", &embed_demo_addr(addr), "--dist"])
        .arg(&artefacts.dist)
        .arg("--db")
        .arg(db))
}

/// A value no other run will share (for test tokens; not for keys).
pub fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    hasher.finish()
}
