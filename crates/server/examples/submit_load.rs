//! Load on a running server, from Rust so that the generator costs little: pre-signed 纳税服务 commitments
//! (16 keys, fresh nonces) posted over keep-alive connections, N in flight, as fast as accepted or at a
//! fixed rate. Also measures, in this process, what one submission costs the core (verification) and the
//! store (one batch of SQL), so the report can say where the server's microseconds go.
//!
//! `submit_load URL COUNT IN_FLIGHT [RATE_PER_S|0] [SERVER_PID]` → one JSON line.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use xinnuo_core::calendar::UtcTimestamp;
use xinnuo_core::commitment::{self, Filled};
use xinnuo_core::envelope::Signer;

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn random<const N: usize>() -> Result<[u8; N], Failure> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
    Ok(bytes)
}

fn tax_commitment() -> Result<Filled, Failure> {
    let values = json!({
        "subject_name": "山西示例科技有限公司", "credit_code": "91140105123456788F", "legal_rep": "张三",
        "phone": "0351-1234567", "matter": "办理涉税事项", "tax_authority": "国家税务总局太原市小店区税务局",
        "filer": "self", "confirm_read": true, "confirm_publish": true,
    });
    Ok(Filled {
        template_id: "tax-service".into(),
        template_version: None,
        values: serde_json::from_value(values)?,
        department: None,
    })
}

fn presign(count: usize) -> Result<Vec<String>, Failure> {
    let filled = tax_commitment()?;
    let signers: Vec<Signer> =
        (0..16).map(|_| random::<32>().map(|seed| Signer::from_seed(&seed))).collect::<Result<_, _>>()?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as u64;
    let signed_at = UtcTimestamp::format_unix_millis(now);
    (0..count)
        .map(|i| {
            let (file, _) =
                commitment::sign(&filled, &signers[i % signers.len()], &signed_at, &random::<16>()?, &random::<32>()?)?;
            Ok(file.to_json())
        })
        .collect()
}

/// CPU seconds (user + system) a process has used so far, from `/proc/PID/stat` (clock ticks of 10 ms).
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

/// What the core spends verifying one submission (one thread, µs).
fn verification_us(bodies: &[String]) -> Result<f64, Failure> {
    let sample = &bodies[..bodies.len().min(2000)];
    let started = Instant::now();
    for body in sample {
        commitment::verify(body)?;
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / sample.len() as f64)
}

/// What the store spends per submission in batches of `in_flight` (µs): on a scratch SQLite database, or on
/// `scratch_db` (an empty PostgreSQL database given by URL).
fn sql_us(bodies: &[String], in_flight: usize, scratch_db: Option<&str>) -> Result<f64, Failure> {
    let dir = std::env::temp_dir().join(format!("xinnuo-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db = match scratch_db {
        Some(url) => xinnuo_server::db::Db::open(url)?,
        None => xinnuo_server::db::Db::open(dir.join("sql.db"))?,
    };
    let news = bodies
        .iter()
        .take(2000)
        .map(|body| {
            let signed = commitment::verify(body)?;
            xinnuo_server::api::commitments::new_commitment(&signed, 0).map_err(|p| format!("{p:?}").into())
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    // The store signs each receipt (as the server does), with a key of the scratch database's own.
    let key = xinnuo_server::server_key(&db)?;
    let started = Instant::now();
    for batch in news.chunks(in_flight.max(1)) {
        db.store_commitments(&batch.iter().collect::<Vec<_>>(), &key)?;
    }
    let per_row = started.elapsed().as_secs_f64() * 1e6 / news.len() as f64;
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(per_row)
}

/// Where the submissions go: `host:port` and the path of `POST /api/v1/commitments`.
struct Target {
    address: String,
    path: String,
}

impl Target {
    fn parse(url: &str) -> Result<Self, Failure> {
        let rest = url.strip_prefix("http://").ok_or("only http:// URLs (the server on loopback)")?;
        let (address, base) = rest.split_once('/').unwrap_or((rest, ""));
        let base = base.trim_end_matches('/');
        let path =
            if base.is_empty() { "/api/v1/commitments".to_owned() } else { format!("/{base}/api/v1/commitments") };
        Ok(Self { address: address.to_owned(), path })
    }

    /// The whole request, made before the run: writing it is all a post costs the generator.
    fn request(&self, body: &str) -> Vec<u8> {
        let head = format!(
            "POST {} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            self.path,
            self.address,
            body.len()
        );
        let mut request = Vec::with_capacity(head.len() + body.len());
        request.extend_from_slice(head.as_bytes());
        request.extend_from_slice(body.as_bytes());
        request
    }
}

/// One keep-alive HTTP/1.1 connection, one request at a time. Hand-made rather than hyper's client: the
/// generator shares the machine's two cores with the server, and every microsecond it spends a request is one
/// the server cannot (hyper's pooled client cost 23–24 µs of CPU a request here, this 13–15 µs).
struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    async fn open(address: &str) -> Result<Self, String> {
        let stream = TcpStream::connect(address).await.map_err(|e| format!("connect {address}: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        Ok(Self { stream, buffer: Vec::with_capacity(16 * 1024) })
    }

    /// Sends one request and reads its answer whole (its `content-length`); answers the status.
    async fn post(&mut self, request: &[u8]) -> Result<u16, String> {
        self.stream.write_all(request).await.map_err(|e| e.to_string())?;
        self.buffer.clear();
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if let Some((status, head, length)) = answer_head(&self.buffer)? {
                while self.buffer.len() < head + length {
                    let read = self.stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
                    if read == 0 {
                        return Err("the server closed the connection mid-answer".into());
                    }
                    self.buffer.extend_from_slice(&chunk[..read]);
                }
                return Ok(status);
            }
            let read = self.stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
            if read == 0 {
                return Err("the server closed the connection".into());
            }
            self.buffer.extend_from_slice(&chunk[..read]);
        }
    }
}

/// An answer's status, the length of its head and its body's `content-length`, once the head is all read.
fn answer_head(buffer: &[u8]) -> Result<Option<(u16, usize, usize)>, String> {
    let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else { return Ok(None) };
    let head = std::str::from_utf8(&buffer[..end]).map_err(|e| e.to_string())?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("not an HTTP answer: {head}"))?;
    let length = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .ok_or_else(|| format!("an answer without content-length: {head}"))?;
    Ok(Some((status, end + 4, length)))
}

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .ok_or("usage: submit_load URL COUNT IN_FLIGHT [RATE_PER_S|0] [SERVER_PID] [SCRATCH_POSTGRES_URL]")?
        .clone();
    let count: usize = args.get(2).map_or(Ok(20_000), |a| a.parse())?;
    let in_flight: usize = args.get(3).map_or(Ok(64), |a| a.parse())?;
    let rate: f64 = args.get(4).map_or(Ok(0.0), |a| a.parse())?;
    let server_pid = args.get(5).cloned();
    let scratch_db = args.get(6).map(String::as_str);

    let bodies = presign(count + 100)?;
    let verify_us = verification_us(&bodies)?;
    let sql_us = sql_us(&bodies[count..], in_flight, scratch_db)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let target = Target::parse(&url)?;
    let requests: Arc<Vec<Vec<u8>>> = Arc::new(bodies.iter().map(|body| target.request(body)).collect());
    drop(bodies);

    let report = runtime.block_on(async move {
        // Warm the server with submissions that are not counted.
        let mut warm = Connection::open(&target.address).await?;
        for request in &requests[count..count + 50] {
            warm.post(request).await?;
        }
        let own_before = cpu_seconds("self");
        let server_before = server_pid.as_deref().and_then(cpu_seconds);
        let next = Arc::new(AtomicUsize::new(0));
        let latencies = Arc::new(Mutex::new(Vec::with_capacity(count)));
        let statuses = Arc::new(Mutex::new(std::collections::BTreeMap::<u16, usize>::new()));
        let started = Instant::now();
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..in_flight {
            let (next, latencies, statuses, requests) =
                (next.clone(), latencies.clone(), statuses.clone(), requests.clone());
            let address = target.address.clone();
            workers.spawn(async move {
                let mut connection = Connection::open(&address).await?;
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= count {
                        return Ok::<(), String>(());
                    }
                    if rate > 0.0 {
                        tokio::time::sleep_until((started + Duration::from_secs_f64(index as f64 / rate)).into()).await;
                    }
                    let sent = Instant::now();
                    let status = connection.post(&requests[index]).await?;
                    let elapsed = sent.elapsed().as_secs_f64() * 1e3;
                    latencies.lock().map_err(|e| e.to_string())?.push(elapsed);
                    *statuses.lock().map_err(|e| e.to_string())?.entry(status).or_default() += 1;
                }
            });
        }
        while let Some(done) = workers.join_next().await {
            done.map_err(|e| e.to_string())??;
        }
        let seconds = started.elapsed().as_secs_f64();
        let server_cpu = server_pid.as_deref().and_then(cpu_seconds).zip(server_before).map(|(after, before)| after - before);
        let own_cpu = cpu_seconds("self").zip(own_before).map(|(after, before)| after - before);
        let mut latencies = latencies.lock().map_err(|e| e.to_string())?.clone();
        latencies.sort_by(f64::total_cmp);
        let percentile = |p: f64| latencies.get(((p / 100.0) * latencies.len() as f64) as usize).or(latencies.last()).copied().unwrap_or(0.0);
        let statuses = statuses.lock().map_err(|e| e.to_string())?.clone();
        let accepted = statuses.get(&201).copied().unwrap_or(0);
        Ok::<_, String>(json!({
            "submissions": count, "in_flight": in_flight, "rate": rate, "seconds": seconds, "accepted": accepted,
            "statuses": statuses, "accepted_per_s": accepted as f64 / seconds,
            "p50_ms": percentile(50.0), "p99_ms": percentile(99.0),
            "server_cpu_s": server_cpu, "server_cpu_us_per_accepted": server_cpu.map(|s| s * 1e6 / accepted.max(1) as f64),
            "generator_cpu_s": own_cpu, "verify_us": verify_us, "sql_us_per_row": sql_us,
        }))
    })?;
    println!("{report}");
    Ok(())
}
