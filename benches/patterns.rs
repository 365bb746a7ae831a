//! Pattern speed: onsets per second when querying every conformance pattern cycle by cycle,
//! as the engine does. Prints numbers; asserts nothing (machines are noisy).
//!
//! Run with `cargo bench --bench patterns`.

use std::hint::black_box;
use std::time::Instant;

use flam::lang::mini;
use flam::pattern::{Hap, Span, Value};
use flam::theory::time::Time;

const EXPECTED: &str = include_str!("../tests/conformance/mini/expected.jsonl");

fn main() {
    let patterns: Vec<String> = EXPECTED
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["ok"] == serde_json::Value::Bool(true))
        .filter_map(|v| v["pattern"].as_str().map(str::to_string))
        .collect();
    let compiled: Vec<_> = patterns
        .iter()
        .filter_map(|p| mini::parse(p).ok())
        .collect();
    let cycles = 2_000;
    let mut out: Vec<Hap<Value>> = Vec::with_capacity(4096);
    // Warm up once, then measure.
    for round in 0..2 {
        let start = Instant::now();
        let mut onsets = 0u64;
        for c in &compiled {
            for cycle in 0..cycles {
                out.clear();
                let span = Span::new(Time::from_integer(cycle), Time::from_integer(cycle + 1));
                c.pattern.query_into(span, &mut out);
                onsets += out.iter().filter(|h| h.has_onset()).count() as u64;
            }
        }
        black_box(&out);
        let secs = start.elapsed().as_secs_f64();
        if round == 1 {
            println!(
                "mini-notation: {} patterns x {cycles} cycles: {onsets} onsets in {:.3} s = {:.2} million onsets/s (one core)",
                compiled.len(),
                secs,
                onsets as f64 / secs / 1e6
            );
        }
    }
}
