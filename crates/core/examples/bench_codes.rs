//! Native benchmark of the credit-code checks, driven by `cargo xtask bench codes`.
//!
//! `bench_codes generate PATH COUNT` writes a deterministic mix of codes (half valid, a third with one
//! symbol changed, the rest ID numbers and legacy codes); `bench_codes run PATH` checks them on one core
//! and prints JSON figures.

use std::time::{Duration, Instant};

use xinnuo_core::code::{
    check, check_batch, org_check_symbol, uscc_check_symbol, validate, ValidateOptions, USCC_ALPHABET,
};

/// A small deterministic generator (xorshift64*), so every run checks the same codes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const REGIONS: [&str; 6] = ["140105", "140100", "110108", "350203", "140171", "100000"];

fn valid_uscc(rng: &mut Rng) -> String {
    loop {
        let body: String = (0..8).map(|_| char::from(USCC_ALPHABET[rng.below(31) as usize])).collect();
        let Some(org) = org_check_symbol(body.as_bytes()) else {
            continue;
        };
        let first17 = format!("91{}{body}{}", REGIONS[rng.below(6) as usize], char::from(org));
        return format!("{first17}{}", char::from(uscc_check_symbol(first17.as_bytes())));
    }
}

fn generate(count: usize) -> String {
    let mut rng = Rng(0x5EED_C0DE);
    let mut out = String::with_capacity(count * 19);
    for index in 0..count {
        let code = match index % 10 {
            0..=4 => valid_uscc(&mut rng),
            5..=7 => {
                let mut bytes = valid_uscc(&mut rng).into_bytes();
                let position = rng.below(18) as usize;
                bytes[position] = USCC_ALPHABET[rng.below(31) as usize];
                String::from_utf8(bytes).unwrap_or_default()
            }
            8 => "11010519491231002X".to_owned(),
            _ => "110108000000016".to_owned(),
        };
        out.push_str(&code);
        out.push('\n');
    }
    out
}

/// Calls `work` until at least a second has passed; returns items per second.
fn rate(items: usize, mut work: impl FnMut() -> usize) -> f64 {
    let start = Instant::now();
    let mut rounds = 0;
    while start.elapsed() < Duration::from_secs(1) || rounds == 0 {
        std::hint::black_box(work());
        rounds += 1;
    }
    (items * rounds) as f64 / start.elapsed().as_secs_f64()
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate") => {
            let path = args.get(2).ok_or("PATH")?;
            let count: usize = args.get(3).and_then(|c| c.parse().ok()).ok_or("COUNT")?;
            std::fs::write(path, generate(count)).map_err(|e| e.to_string())
        }
        Some("run") => {
            let path = args.get(2).ok_or("PATH")?;
            let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
            let lines: Vec<&str> = text.lines().collect();
            let valid = lines.iter().filter(|l| check(l).valid).count();
            let check_rate = rate(lines.len(), || lines.iter().filter(|l| check(l).valid).count());
            let batch_rate = rate(lines.len(), || check_batch(&text).len());
            let options = ValidateOptions::default();
            let sample = &lines[..lines.len().min(100_000)];
            let report_rate = rate(sample.len(), || sample.iter().filter(|l| validate(l, &options).valid).count());
            println!(
                "{{\"codes\":{},\"valid\":{},\"check_per_s\":{check_rate:.0},\"check_batch_per_s\":{batch_rate:.0},\"validate_report_per_s\":{report_rate:.0}}}",
                lines.len(),
                valid
            );
            Ok(())
        }
        _ => Err("usage: bench_codes generate PATH COUNT | run PATH".into()),
    }
}
