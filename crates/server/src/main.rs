//! `xinnuo-server`: serve the API and the app, with an embedded SQLite database.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xinnuo_server::db::Db;
use xinnuo_server::{default_dist, router, AppState};

#[derive(Parser)]
#[command(name = "xinnuo-server", version, about = "信诺 Xinnuo 服务端 / server: REST API, app files, SQLite")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the app (创建数据库，如不存在 / creates the database on first run).
    Serve {
        /// Address to listen on; port 0 picks a free port (the chosen URL is printed).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// SQLite database file.
        #[arg(long, default_value = "xinnuo.db")]
        db: PathBuf,
        /// Folder of the built app (`cargo xtask build` writes it).
        #[arg(long)]
        dist: Option<PathBuf>,
        /// Mark the database as a demo database (示例数据).
        #[arg(long)]
        demo: bool,
    },
}

/// Seconds since the Unix epoch (the server, unlike the core, may read the clock).
fn unix_seconds_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

async fn serve(addr: SocketAddr, db_path: PathBuf, dist: Option<PathBuf>, demo: bool) -> Result<(), String> {
    let db = Db::open(&db_path).map_err(|e| format!("{}: {e}", db_path.display()))?;
    if db.meta("created_at").map_err(|e| e.to_string())?.is_none() {
        db.set_meta("created_by", concat!("xinnuo-server ", env!("CARGO_PKG_VERSION"))).map_err(|e| e.to_string())?;
        db.set_meta("created_at", &unix_seconds_now().to_string()).map_err(|e| e.to_string())?;
    }
    if demo {
        db.set_meta("demo", "true").map_err(|e| e.to_string())?;
    }
    let dist = dist.unwrap_or_else(default_dist);
    if !dist.join("index.html").is_file() {
        eprintln!(
            "注意 / note: {} has no index.html; run `cargo xtask build` to build the app. Serving the API only.",
            dist.display()
        );
    }
    let app = router(AppState { db }, Some(&dist));
    let listener =
        tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("无法监听 / cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!("信诺 Xinnuo listening on http://{local}/");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
    let result = match Cli::parse().command {
        Command::Serve { addr, db, dist, demo } => serve(addr, db, dist, demo).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("错误 / error: {message}");
            ExitCode::FAILURE
        }
    }
}
