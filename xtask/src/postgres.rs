//! A throw-away PostgreSQL cluster for the tests and benchmarks: `initdb` in `target/`, started on a free port
//! on loopback (trust authentication, nothing listens outside), stopped and left for the next run to wipe.
//! PostgreSQL refuses to run as root, so as root its programs run as the `postgres` user (`runuser`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::exec::output;
use crate::run::run;
use crate::tools::postgres_bin_dir;
use crate::workspace::Result;

fn is_root() -> bool {
    output(Command::new("id").arg("-u")).as_deref() == Some("0")
}

pub struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    pub port: u16,
}

/// `preferred` (in `target/`) when the `postgres` user can reach it; otherwise a directory of its own under
/// the system's temporary directory (a checkout under `/root` is closed to other users).
fn reachable_dir(preferred: &Path) -> PathBuf {
    let parent = preferred.parent().unwrap_or(preferred);
    let reachable = !is_root()
        || Command::new("runuser")
            .args(["-u", "postgres", "--", "test", "-x"])
            .arg(parent)
            .status()
            .is_ok_and(|status| status.success());
    if reachable {
        return preferred.to_owned();
    }
    let name = preferred.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "pg".into());
    std::env::temp_dir().join(format!("xinnuo-{name}-{}", std::process::id()))
}

impl Cluster {
    /// A new cluster in `dir`, or where the `postgres` user can reach (whatever was there is removed).
    pub fn start(dir: &Path) -> Result<Self> {
        let bin = postgres_bin_dir().ok_or("PostgreSQL is not installed (xtask installs Debian's postgresql first)")?;
        let dir = &reachable_dir(dir);
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if is_root() {
            run(Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir))?;
        }
        let cluster = Self { bin, data: dir.join("data"), port: free_port()? };
        let data = cluster.data.to_string_lossy().into_owned();
        run(cluster.program("initdb").args([
            "-D",
            &data,
            "-A",
            "trust",
            "-U",
            "postgres",
            "--locale=C",
            "-E",
            "UTF8",
        ]))?;
        let options =
            format!("-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200", cluster.port, dir.display());
        let log = dir.join("postgres.log").to_string_lossy().into_owned();
        run(cluster.program("pg_ctl").args(["-D", &data, "-o", &options, "-l", &log, "-w", "start"]))?;
        Ok(cluster)
    }

    fn program(&self, name: &str) -> Command {
        let program = self.bin.join(name);
        if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    /// Creates an empty database and returns its URL.
    pub fn database(&self, name: &str) -> Result<String> {
        run(self.program("createdb").args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "postgres", name]))?;
        Ok(format!("postgres://postgres@127.0.0.1:{}/{name}", self.port))
    }
}

impl Cluster {
    /// CPU seconds used so far by the cluster's processes alive now (the postmaster and its children: the
    /// backends serving connections, the WAL writer, the checkpointer).
    pub fn cpu_seconds(&self) -> f64 {
        let postmaster: Option<u32> = std::fs::read_to_string(self.data.join("postmaster.pid"))
            .ok()
            .and_then(|text| text.lines().next().and_then(|line| line.trim().parse().ok()));
        let Some(postmaster) = postmaster else { return 0.0 };
        let mut ticks = 0u64;
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
            let Some((head, rest)) = stat.rsplit_once(')') else { continue };
            let pid: u32 = head.split_whitespace().next().and_then(|p| p.parse().ok()).unwrap_or(0);
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let parent: u32 = fields.get(1).and_then(|p| p.parse().ok()).unwrap_or(0);
            if pid == postmaster || parent == postmaster {
                ticks += fields.get(11).and_then(|t| t.parse::<u64>().ok()).unwrap_or(0)
                    + fields.get(12).and_then(|t| t.parse::<u64>().ok()).unwrap_or(0);
            }
        }
        ticks as f64 / 100.0
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data.to_string_lossy().into_owned();
        let _ = run(self.program("pg_ctl").args(["-D", &data, "-m", "fast", "-w", "stop"]));
        // One made under the temporary directory is not kept (in target/ it stays for its log until the next run).
        if let Some(dir) = self.data.parent().filter(|dir| dir.starts_with(std::env::temp_dir())) {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}
