//! Every mini-notation pattern in Strudel's reference data gives exactly Strudel's events
//! (and step count); the three patterns Strudel rejects are rejected.
//!
//! A plain `main` rather than the test harness, so the suite prints the count of patterns
//! that match: `conformance: 167 passed, 0 failed`.

use flam::lang::mini::conformance;
use serde_json::Value;

const EXPECTED: &str = include_str!("conformance/mini/expected.jsonl");

fn main() {
    let mut failures = Vec::new();
    let mut passed = 0;
    for line in EXPECTED.lines().filter(|l| !l.trim().is_empty()) {
        let expected: Value = serde_json::from_str(line).expect("the reference data is JSON");
        let pattern = expected["pattern"]
            .as_str()
            .expect("each line names its pattern");
        let actual = conformance::line(pattern, 0, 4);
        let ok = if expected["ok"] == Value::Bool(true) {
            actual["ok"] == Value::Bool(true)
                && actual["events"] == expected["events"]
                && actual["steps"] == expected["steps"]
        } else {
            actual["ok"] == Value::Bool(false)
        };
        if ok {
            passed += 1;
        } else {
            failures.push(format!(
                "pattern {pattern:?}\n  expected: {}\n  actual:   {}",
                expected
                    .get("events")
                    .or(expected.get("error"))
                    .unwrap_or(&Value::Null),
                actual
                    .get("events")
                    .or(actual.get("error"))
                    .unwrap_or(&Value::Null)
            ));
        }
    }
    for f in &failures {
        eprintln!("{f}");
    }
    let rejected = EXPECTED
        .lines()
        .filter(|l| l.contains("\"ok\":false"))
        .count();
    println!(
        "Strudel mini-notation conformance ({rejected} of them rejected by Strudel and by flam):"
    );
    println!("conformance: {passed} passed, {} failed", failures.len());
    if !failures.is_empty() || passed != 167 {
        std::process::exit(1);
    }
}
