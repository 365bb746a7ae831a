//! Every mini-notation pattern in Strudel's reference data gives exactly Strudel's events.

use flam::lang::mini::conformance;
use serde_json::Value;

const EXPECTED: &str = include_str!("conformance/mini/expected.jsonl");

#[test]
fn all_conformance_patterns_match_strudel_event_for_event() {
    let mut failures = Vec::new();
    let mut total = 0;
    let mut passed = 0;
    for line in EXPECTED.lines().filter(|l| !l.trim().is_empty()) {
        total += 1;
        let expected: Value = serde_json::from_str(line).unwrap();
        let pattern = expected["pattern"].as_str().unwrap();
        let actual = conformance::line(pattern, 0, 4);
        let ok = if expected["ok"] == Value::Bool(true) {
            actual["ok"] == Value::Bool(true) && actual["events"] == expected["events"]
        } else {
            actual["ok"] == Value::Bool(false)
        };
        if ok {
            passed += 1;
        } else {
            failures.push(format!(
                "pattern {pattern:?}\n  expected: {}\n  actual:   {}",
                expected.get("events").or(expected.get("error")).unwrap(),
                actual.get("events").or(actual.get("error")).unwrap()
            ));
        }
    }
    println!("conformance: {passed} of {total} Strudel patterns match");
    assert!(
        failures.is_empty(),
        "{} of {total} patterns differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(total, 167);
}

#[test]
fn step_counts_match_strudel_where_it_reports_them() {
    let mut mismatches = Vec::new();
    for line in EXPECTED.lines().filter(|l| !l.trim().is_empty()) {
        let expected: Value = serde_json::from_str(line).unwrap();
        if expected["ok"] != Value::Bool(true) {
            continue;
        }
        let pattern = expected["pattern"].as_str().unwrap();
        let actual = conformance::line(pattern, 0, 1);
        if actual.get("steps") != expected.get("steps") {
            mismatches.push(format!(
                "{pattern:?}: expected {:?}, got {:?}",
                expected.get("steps"),
                actual.get("steps")
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
